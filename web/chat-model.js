// chat-model.js: the chat panel's model picker (chat.js): the model in use
// and the models of every configured provider to pick from (a pick is
// PATCH /api/settings), and what is wrong with the model, if anything,
// with a link to Settings.
import { call, get } from './api.js';
import { el } from './dom.js';

const PROVIDERS = ['openai', 'anthropic', 'ollama'];

export class ModelPicker {
  constructor() {
    this.select = el('select', { id: 'chat-model', className: 'chat-model-select' });
    this.error = el('p', { className: 'error chat-model-error', role: 'alert' });
    this.help = el('a', { href: '#/settings', className: 'chat-model-help', hidden: true }, 'Open Settings');
    this.el = el('div', { className: 'chat-model' },
      el('label', { htmlFor: 'chat-model' }, 'Model'), this.select, this.error, this.help);
    this.select.addEventListener('change', () => this.pick());
  }

  get value() { return this.select.value; }

  // Reads the settings and the providers' models into the picker.
  async load() {
    this.showError('');
    let settings;
    try {
      settings = await get('/api/settings');
    } catch (e) {
      this.showError(e.message);
      return;
    }
    const current = settings.model_in_use || settings.model || '';
    const inUse = current.split('/')[0];
    const configured = (p) => p === inUse || settings.providers?.[p]?.api_key_set || settings.providers?.[p]?.base_url;
    const lists = await Promise.all(PROVIDERS.filter(configured).map((p) =>
      get(`/api/models?provider=${p}`).then((r) => ({ provider: p, models: r.models }), (e) => ({ provider: p, error: e }))));
    this.fill(lists, current);
    const failed = lists.find((l) => l.provider === inUse && l.error) ||
      (!current && lists.every((l) => l.error) && lists[0]);
    if (failed) this.showError(failed.error.message);
    else if (!current) this.showError('No model is set: pick one here or in Settings.');
  }

  // The options: one group per provider that listed models, and the
  // current model (selected) even when no provider listed it.
  fill(lists, current) {
    const select = this.select;
    select.replaceChildren();
    if (!current) select.append(el('option', { value: '' }, 'No model set'));
    let found = false;
    for (const l of lists) {
      if (!l.models?.length) continue;
      const group = el('optgroup', { label: l.provider });
      for (const m of l.models) {
        const value = `${l.provider}/${m.id}`;
        found ||= value === current;
        group.append(el('option', { value }, m.id));
      }
      select.append(group);
    }
    if (current && !found) select.prepend(el('option', { value: current }, current));
    select.value = current;
  }

  showError(message) {
    this.error.textContent = message;
    this.help.hidden = !message;
  }

  async pick() {
    const model = this.select.value;
    this.select.disabled = true;
    try {
      await call('PATCH', '/api/settings', { model });
      await this.load();
    } catch (e) {
      this.showError(e.message);
    } finally {
      this.select.disabled = false;
    }
  }
}
