// settings.js: the settings screen (#/settings) over GET|PATCH
// /api/settings: the model (a provider and a model name, with the models
// "Test connection" found), each provider's base URL and key (write-only:
// the page only ever knows whether one is set), and the agent's approval
// mode. Save sends only what changed; a refused save shows the server's
// message beside the setting it names and keeps what was typed. "Test
// connection" lists a provider's models through GET /api/models.
import { ApiError, call, get, query } from './api.js';
import { el } from './dom.js';

const PROVIDERS = [
  { slug: 'openai', name: 'OpenAI', env: 'OPENAI_API_KEY' },
  { slug: 'anthropic', name: 'Anthropic', env: 'ANTHROPIC_API_KEY' },
  { slug: 'ollama', name: 'Ollama', env: 'OLLAMA_API_KEY' },
];

const APPROVALS = [
  ['always', 'Always', 'Ask before every change the agent makes.'],
  ['destructive', 'Destructive changes', 'Ask before the agent deletes an entry or adds a field; other changes go ahead. The default.'],
  ['never', 'Never', 'Never ask: every change goes ahead (each turn can still be undone).'],
];


// A labelled control with an error line under it: {root, error}.
function field(label, control, hintText = '') {
  const error = el('p', { className: 'error', id: `${control.id}-error` });
  error.setAttribute('role', 'status');
  const hint = el('p', { className: 'hint', id: `${control.id}-hint`, textContent: hintText });
  control.setAttribute('aria-describedby', `${control.id}-hint ${control.id}-error`);
  const root = el('div', { className: 'form-field' }, el('label', { htmlFor: control.id, textContent: label }), control, hint, error);
  return { root, error, hint };
}

// "openai/gpt-4.1" -> ['openai', 'gpt-4.1']; the model name may hold more slashes.
const splitModel = (model) => {
  if (!model) return ['', ''];
  const i = model.indexOf('/');
  return i < 0 ? ['', model] : [model.slice(0, i), model.slice(i + 1)];
};

const keyStatus = (p) => {
  if (!p.api_key_set) return 'not set';
  return p.api_key_source === 'env' ? 'set (from the environment)' : `set (in ${p.api_key_source})`;
};

export async function mount(root, params, ctx) {
  let saved = await get('/api/settings');
  const screen = el('div', { className: 'form-screen settings' });
  root.append(screen);
  const errors = {};   // setting key -> its error line

  // The model.
  const provider = el('select', { id: 'settings-provider' },
    el('option', { value: '', textContent: 'None: the first Ollama model with tools' }),
    ...PROVIDERS.map((p) => el('option', { value: p.slug, textContent: p.name })));
  const model = el('input', { type: 'text', id: 'settings-model', autocomplete: 'off', spellcheck: false, placeholder: 'gpt-4.1-mini' });
  model.setAttribute('list', 'settings-model-list');
  const modelList = el('datalist', { id: 'settings-model-list' });
  const providerField = field('Provider', provider);
  const modelField = field('Model', model);
  errors.model = modelField.error;
  const test = el('button', { type: 'button', id: 'settings-test', textContent: 'Test connection' });
  const testResult = el('div', { id: 'settings-test-result' });
  testResult.setAttribute('aria-live', 'polite');
  const modelSection = el('section', { className: 'form-panel' }, el('h2', { textContent: 'Model' }),
    el('div', { className: 'model-row' }, providerField.root, modelField.root, modelList),
    el('div', { className: 'form-row' }, test), testResult);

  // The providers.
  const providerParts = PROVIDERS.map((p) => providerFieldset(p, errors));
  const providersSection = el('section', { className: 'form-panel' }, el('h2', { textContent: 'Providers' }),
    el('p', { className: 'hint', textContent: 'Keys are write-only: this page never shows one, only whether it is set. A key is stored in secrets.env, never in config.json.' }),
    el('div', { className: 'provider-grid' }, ...providerParts.map((x) => x.root)));

  // The agent's approval mode.
  const radios = APPROVALS.map(([value, label, sentence]) => {
    const input = el('input', { type: 'radio', name: 'approval', value, id: `settings-approval-${value}` });
    input.setAttribute('aria-describedby', `settings-approval-${value}-says`);
    return { input, root: el('div', { className: 'approval-choice' }, input,
      el('div', {}, el('label', { htmlFor: input.id, textContent: label }),
        el('p', { className: 'hint', id: `settings-approval-${value}-says`, textContent: sentence }))) };
  });
  const approvalError = el('p', { className: 'error', id: 'settings-approval-error' });
  errors['agent.approval'] = approvalError;
  const approvalSection = el('section', { className: 'form-panel' },
    el('fieldset', { className: 'approval-modes' }, el('legend', { textContent: 'Agent approvals: when the agent asks before changing data' }),
      ...radios.map((r) => r.root), approvalError));

  const save = el('button', { type: 'submit', id: 'settings-save', className: 'primary', textContent: 'Save' });
  const status = el('p', { id: 'settings-status', className: 'form-status' });
  status.setAttribute('role', 'status');
  const form = el('form', { className: 'settings-form' }, modelSection, providersSection, approvalSection,
    el('div', { className: 'form-row save-row' }, save, status));
  screen.append(el('header', { className: 'toolbar' }, el('h1', { textContent: 'Settings' })), form);

  // Show saved as the page's starting point; typed keys are cleared.
  const show = (s) => {
    saved = s;
    const [p, m] = splitModel(s.model);
    provider.value = p;
    model.value = m;
    modelField.hint.textContent = `In use: ${s.model_in_use || 'none (no model set and no Ollama found)'}`;
    for (const part of providerParts) part.show(s.providers[part.slug]);
    for (const r of radios) r.input.checked = r.input.value === s.agent.approval;
  };
  show(saved);

  const clearErrors = () => { for (const e of Object.values(errors)) e.textContent = ''; };

  // The members that differ from what is saved.
  const changes = () => {
    const patch = {};
    const wanted = provider.value && model.value.trim() ? `${provider.value}/${model.value.trim()}`
      : model.value.trim() || null;
    if (wanted !== (saved.model || null)) patch.model = wanted;
    const providers = {};
    for (const part of providerParts) {
      const c = part.changes();
      if (Object.keys(c).length) providers[part.slug] = c;
    }
    if (Object.keys(providers).length) patch.providers = providers;
    const approval = radios.find((r) => r.input.checked)?.input.value;
    if (approval && approval !== saved.agent.approval) patch.agent = { approval };
    return patch;
  };

  // A refused PATCH: the message beside the setting it names, else here.
  const showError = (e) => {
    if (e instanceof ApiError && e.status === 401) return location.replace('/login');
    const key = Object.keys(errors).sort((a, b) => b.length - a.length)
      .find((k) => new RegExp(`(^|'|\\s)${k.replace(/\./g, '\\.')}\\b`).test(e.message));
    if (key) {
      errors[key].textContent = e.message;
      document.getElementById(errors[key].id.replace(/-error$/, ''))?.focus();
      status.textContent = 'Not saved: see the message above.';
    } else {
      status.textContent = `Not saved: ${e.message}`;
    }
  };

  const patchSettings = async (patch, done) => {
    clearErrors();
    status.textContent = 'Saving…';
    try {
      const s = await call('PATCH', '/api/settings', patch);
      show(s);
      status.textContent = done;
    } catch (e) {
      showError(e);
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const patch = changes();
    if (!Object.keys(patch).length) {
      clearErrors();
      status.textContent = 'Nothing to save: no setting changed.';
      return;
    }
    patchSettings(patch, 'Saved.');
  });
  for (const part of providerParts)
    part.onRemoveKey = () => patchSettings({ providers: { [part.slug]: { api_key: null } } },
      `The ${part.name} key was removed.`);

  test.addEventListener('click', () => testConnection({
    provider: provider.value, dirty: Object.keys(changes()).length > 0, testResult, modelList,
    use: (p, id) => { provider.value = p; model.value = id; model.focus(); },
  }));

  return {};
}

// One provider's base URL and key: {slug, name, root, show(settings of
// the provider), changes(), onRemoveKey}.
function providerFieldset(p, errors) {
  const base = el('input', { type: 'text', id: `settings-${p.slug}-base-url`, autocomplete: 'off', spellcheck: false });
  const key = el('input', { type: 'password', id: `settings-${p.slug}-key`, autocomplete: 'new-password', spellcheck: false });
  const baseField = field('Base URL', base);
  const keyField = field('API key', key);
  errors[`providers.${p.slug}.base_url`] = baseField.error;
  errors[`providers.${p.slug}.api_key`] = keyField.error;
  errors[`providers.${p.slug}`] = baseField.error;
  const keyState = el('span', { className: 'key-state', id: `settings-${p.slug}-key-state` });
  const remove = el('button', { type: 'button', id: `settings-${p.slug}-remove-key`, textContent: 'Remove key' });
  remove.setAttribute('aria-label', `Remove the ${p.name} key`);
  const part = {
    slug: p.slug,
    name: p.name,
    onRemoveKey: null,
    root: el('fieldset', { className: 'provider-box', id: `settings-${p.slug}` }, el('legend', { textContent: p.name }),
      baseField.root, keyField.root, el('div', { className: 'key-row' }, el('span', { textContent: 'Key: ' }), keyState, remove)),
    saved: null,
    show(s) {
      part.saved = s;
      base.value = s.base_url || '';
      base.placeholder = s.base_url_in_use;
      baseField.hint.textContent = `In use: ${s.base_url_in_use}${s.base_url ? '' : ' (the default or the environment)'}`;
      key.value = '';
      key.placeholder = s.api_key_set ? 'set · type to replace' : 'not set';
      keyState.textContent = keyStatus(s);
      keyField.hint.textContent = s.api_key_source === 'env'
        ? `${p.env} in the environment wins over a key saved here.` : '';
      remove.hidden = !(s.api_key_set && s.api_key_source === 'secrets.env');
    },
    changes() {
      const c = {};
      const url = base.value.trim();
      if (url !== (part.saved.base_url || '')) c.base_url = url || null;
      if (key.value) c.api_key = key.value;
      return c;
    },
  };
  remove.addEventListener('click', () => part.onRemoveKey?.());
  return part;
}

// GET /api/models for provider (or the model in use): the models, each
// with a button that picks it, or the error with what to do about it.
async function testConnection({ provider, dirty, testResult, modelList, use }) {
  testResult.replaceChildren(el('p', { className: 'hint', textContent: 'Asking the provider for its models…' }));
  const note = dirty ? [el('p', { className: 'hint', textContent: 'This tests the saved settings: save first to test your changes.' })] : [];
  try {
    const r = await get(`/api/models${query({ provider })}`);
    modelList.replaceChildren(...r.models.map((m) => el('option', { value: m.id })));
    const items = r.models.map((m) => el('li', {},
      el('code', { textContent: m.id }),
      m.tools === true ? el('span', { className: 'chip', textContent: 'tools' }) : '',
      m.tools === false ? el('span', { className: 'chip muted', textContent: 'no tools' }) : '',
      el('button', { type: 'button', textContent: 'Use', ariaLabel: `Use ${m.id}`, onclick: () => use(r.provider, m.id) })));
    testResult.replaceChildren(...note,
      el('p', { className: 'test-ok', id: 'settings-test-ok', textContent: `Connected to ${r.provider}: ${r.models.length} ${r.models.length === 1 ? 'model' : 'models'}.` }),
      el('ul', { className: 'model-list', id: 'settings-models' }, ...items));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return location.replace('/login');
    const error = el('p', { className: 'error', id: 'settings-test-error', textContent: e.message });
    error.setAttribute('role', 'alert');
    testResult.replaceChildren(...note, error, el('p', { className: 'hint', id: 'settings-test-fix', textContent: fixFor(e, provider) }));
  }
}

// What to do about a failed test.
function fixFor(e, provider) {
  const name = PROVIDERS.find((p) => p.slug === provider)?.name || 'the provider';
  if (e.status === 502) return `Fix: check ${name}'s base URL and key above (and that the server is running), save, and test again.`;
  if (e.status === 404) return 'Fix: pick a provider and a model above and save, or start Ollama with a model that supports tools.';
  if (e.status === 422) return 'Fix: pick one of the providers listed.';
  return 'Fix: check the settings above, save, and test again.';
}
