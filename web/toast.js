// toast.js: short messages at the bottom of the window, with at most one
// action (Undo). A toast goes away after its time, when its action runs,
// or when Escape is pressed while it has focus.

const DEFAULT_MS = 8000;

// Show message; action is {label, run} (run may be async; its error, if
// any, replaces the toast's text). Returns a function that closes it.
export function toast(message, { action, timeout = DEFAULT_MS, error = false } = {}) {
  const box = document.getElementById('toasts');
  const el = document.createElement('div');
  el.className = error ? 'toast toast-error' : 'toast';
  const text = document.createElement('span');
  text.textContent = message;
  el.append(text);
  let timer = 0;
  const close = () => { clearTimeout(timer); el.remove(); };
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = action.label;
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await action.run();
        close();
      } catch (e) {
        text.textContent = e.message;
        el.classList.add('toast-error');
        b.remove();
      }
    });
    el.append(b);
  }
  const x = document.createElement('button');
  x.type = 'button';
  x.className = 'toast-close';
  x.setAttribute('aria-label', 'Dismiss');
  x.textContent = '×';
  x.addEventListener('click', close);
  el.append(x);
  el.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
  box.append(el);
  if (timeout) timer = setTimeout(close, timeout);
  return close;
}
