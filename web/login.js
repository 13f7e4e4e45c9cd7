// login.js: the login page. A URL with #token=... (as `kith serve`
// prints it) logs in at once; otherwise the token is pasted in the form.
// POST /login sets the session cookie; then the app opens at /.
import { call } from './api.js';

const form = document.getElementById('login-form');
const input = document.getElementById('token');
const error = document.getElementById('login-error');

async function login(token) {
  error.textContent = '';
  try {
    await call('POST', '/login', { token });
    location.replace('/');
  } catch (e) {
    error.textContent = e.message;
    input.focus();
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  login(input.value.trim());
});

// Log in with #token=... when the URL has one; true if it had.
function loginFromHash() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return false;
  history.replaceState(null, '', location.pathname); // the token leaves the URL
  login(token);
  return true;
}

window.addEventListener('hashchange', loginFromHash);
if (!loginFromHash()) input.focus();
