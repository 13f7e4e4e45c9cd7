// dialog.js: a modal form in a <dialog> (the dashboard's panel editor, the
// objects screen's renames and confirmations): Tab stays inside, Escape
// or Cancel closes it, Enter submits, and focus goes back to where it was.
// A failed submit shows its message inside and keeps what was typed. Also
// the form pieces the dashboard and objects screens share: field, button.
import { el } from './dom.js';

let serial = 0;

/*
 * Open a modal form. title: its heading; body: nodes for the form;
 * submitLabel: the submit button's text (danger: styled as destructive);
 * extra: more buttons beside it; onSubmit(): called on submit, may be
 * async; it closes the dialog unless it returns false; what it throws is
 * shown in the dialog. Resolves to true when submitted, false when
 * cancelled. Returns {done, dialog, error, submit}.
 */
export function openDialog({ title, body = [], submitLabel = 'Save', danger = false, extra = [],
  onSubmit, className = '' }) {
  const id = `dialog-${++serial}`;
  const heading = el('h2', { id: `${id}-title`, textContent: title });
  const error = el('p', { id: `${id}-error`, className: 'error dialog-error', role: 'alert' });
  const submit = el('button', { type: 'submit', textContent: submitLabel, className: danger ? 'danger' : 'primary' });
  const cancel = el('button', { type: 'button', textContent: 'Cancel' });
  for (const b of extra) b.classList.add('dialog-extra');
  const buttons = el('div', { className: 'dialog-buttons' }, ...extra, cancel, submit);
  const form = el('form', { className: 'dialog-form', noValidate: true }, heading, ...body, error, buttons);
  const dialog = el('dialog', { className: `form-dialog ${className}`.trim(), 'aria-labelledby': heading.id }, form);
  const opener = document.activeElement;
  document.body.append(dialog);

  let submitted = false;
  const done = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(submitted);
    });
  });
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    error.textContent = '';
    try {
      const keep = await onSubmit();
      if (keep !== false) {
        submitted = true;
        dialog.close();
      }
    } catch (err) {
      error.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
  dialog.showModal();
  const first = form.querySelector('input, textarea, select');
  (first || submit).focus();
  return { done, dialog, error, submit };
}

// A labelled control: <label for> and the control, with an error line
// under it (aria-describedby). Returns {root, control, error}.
export function field(label, control, hint) {
  const id = control.id || `field-${++serial}`;
  control.id = id;
  const note = hint ? el('p', { id: `${id}-hint`, className: 'hint', textContent: hint }) : null;
  const error = el('p', { id: `${id}-error`, className: 'error field-error', 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', [note?.id, error.id].filter(Boolean).join(' '));
  const root = el('div', { className: 'field' }, el('label', { htmlFor: id, textContent: label }), control, note, error);
  return { root, control, error };
}

// A plain button that runs onClick; label: its aria-label when the text
// alone would not say what it acts on.
export function button(text, label, onClick, className = '') {
  const b = el('button', { type: 'button', textContent: text, className });
  if (label) b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

// The <option>s of [value, label] pairs.
export const options = (pairs) => pairs.map(([value, label]) => el('option', { value, textContent: label }));
