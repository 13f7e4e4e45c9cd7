// admin.js: objects and fields (#/objects, #/objects/<object>). The list of
// objects with their fields and entries and a "New object" form; one
// object's fields (name, slug, type, options or target) with "Add field",
// a rename in place per field, removal with a confirmation, and the
// object's own rename and removal (confirmed by typing its name). Every
// change reloads the sidebar (ctx.reloadLists); the server's refusals (the
// label field, a field a saved view uses) are shown as it words them.
import { ApiError, call, get } from './api.js';
import { button, field, openDialog, options } from './dialog.js';
import { el } from './dom.js';

// Every field type crm knows (src/crm/schema.c), with a name for people.
const TYPES = [['text', 'Text'], ['long_text', 'Long text'], ['number', 'Number'],
  ['currency', 'Currency'], ['boolean', 'Checkbox'], ['date', 'Date'], ['datetime', 'Date and time'],
  ['email', 'Email'], ['phone', 'Phone'], ['url', 'URL'], ['select', 'Select'],
  ['multi_select', 'Multi-select'], ['relation', 'Relation'], ['rating', 'Rating']];
const typeName = (t) => (TYPES.find(([k]) => k === t) || [t, t])[1];
const hasOptions = (t) => t === 'select' || t === 'multi_select';

// The API paths of an object and of one of its fields.
const objectPath = (slug) => `/api/objects/${encodeURIComponent(slug)}`;
const fieldPath = (slug, fieldSlug) => `${objectPath(slug)}/fields/${encodeURIComponent(fieldSlug)}`;
// The screen of an object's fields.
const objectHash = (slug) => `#/objects/${encodeURIComponent(slug)}`;

// Fill table anew: a hidden caption, a head row of titles (text or nodes)
// and the rows.
function fillTable(table, caption, titles, rows) {
  table.replaceChildren(el('caption', { className: 'visually-hidden', textContent: caption }),
    el('thead', {}, el('tr', {}, ...titles.map((t) => el('th', { scope: 'col' }, t)))),
    el('tbody', {}, ...rows));
}

// params: {object} (null for the list); ctx: see app.js.
export async function mount(root, { object }, ctx) {
  const page = el('div', { className: 'admin' });
  root.append(page);
  if (object) return objectScreen(page, object.slug, ctx);
  return listScreen(page, ctx);
}

// ---- the list of objects ----

function listScreen(page, ctx) {
  const head = el('header', { className: 'toolbar' }, el('h1', { textContent: 'Objects and fields' }));
  const table = el('table', { className: 'admin-table objects-table' });
  const name = field('New object', el('input', { type: 'text', id: 'new-object-name', autocomplete: 'off',
    placeholder: 'Investors' }), 'It starts with one field, Name, its label.');
  const form = el('form', { className: 'inline-form', noValidate: true }, name.root,
    el('button', { type: 'submit', className: 'primary', textContent: 'Create object' }));
  page.append(head, el('div', { className: 'admin-scroll' }, table, form));

  const objectRow = (o) => el('tr', { className: 'object-row' },
    el('td', {}, el('a', { href: objectHash(o.slug), textContent: o.name })),
    el('td', { className: 'slug', textContent: o.slug }),
    el('td', { className: 'num', textContent: String(o.fields.length) }),
    el('td', { className: 'num', textContent: String(o.count ?? '') }));
  const draw = () => fillTable(table, 'Objects', ['Object', 'Slug', 'Fields', 'Entries'], ctx.state.objects.map(objectRow));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    name.error.textContent = '';
    try {
      const created = await call('POST', '/api/objects', { name: name.control.value.trim() });
      await ctx.reloadLists();
      ctx.navigate(objectHash(created.slug));
    } catch (err) {
      name.error.textContent = err.message;
      name.control.focus();
    }
  });

  draw();
  return { onChanges: draw };
}

// ---- one object's fields ----

async function objectScreen(page, slug, ctx) {
  let object = await get(objectPath(slug));
  const title = el('h1', { textContent: object.name });
  const crumbs = el('nav', { className: 'crumbs', 'aria-label': 'Breadcrumb' },
    el('a', { href: '#/objects', textContent: 'Objects and fields' }));
  const renameObject = button('Rename object', null, () => renameObjectDialog());
  const removeObject = button('Remove object', null, () => removeObjectDialog(), 'danger');
  const head = el('header', { className: 'toolbar' }, title, el('span', { className: 'total' }),
    el('div', { className: 'actions' }, renameObject, removeObject));
  const problem = el('p', { id: 'fields-error', className: 'error', role: 'alert' });
  const table = el('table', { className: 'admin-table fields-table' });
  const addForm = addFieldForm();
  page.append(crumbs, head, el('div', { className: 'admin-scroll' }, problem, table, addForm.root));

  const changed = async (fresh) => {
    object = fresh || await get(objectPath(slug));
    await ctx.reloadLists();
    draw();
  };

  // The fields table; the field being renamed shows an input instead.
  function draw() {
    title.textContent = object.name;
    document.title = `${object.name} · kith`;
    head.querySelector('.total').textContent = `${object.slug} · ${object.count ?? 0} ${object.count === 1 ? 'entry' : 'entries'}`;
    fillTable(table, `Fields of ${object.name}`,
      ['Field', 'Slug', 'Type', 'Options or target', el('span', { className: 'visually-hidden', textContent: 'Actions' })],
      object.fields.map(fieldRow));
    addForm.refreshTargets();
  }

  function details(f) {
    if (f.type === 'relation') {
      const target = ctx.object(f.target);
      return el('span', {}, '→ ', el('a', { href: objectHash(f.target), textContent: target?.name || f.target }));
    }
    if (f.options) return el('span', {}, ...f.options.map((o) => el('span', { className: 'chip', textContent: o })));
    return el('span');
  }

  function fieldRow(f) {
    const nameCell = el('td', { className: 'field-name' }, f.name,
      f.slug === object.label ? el('span', { className: 'badge', textContent: 'label' }) : null);
    const row = el('tr', { className: 'field-row', 'data-slug': f.slug }, nameCell,
      el('td', { className: 'slug', textContent: f.slug }),
      el('td', { textContent: typeName(f.type) }),
      el('td', { className: 'details' }, details(f)),
      el('td', { className: 'row-actions' },
        button('Rename', `Rename field ${f.name}`, () => startRename(row, nameCell, f)),
        button('Remove', `Remove field ${f.name}`, () => removeField(f), 'danger')));
    return row;
  }

  // Rename in place: Enter saves, Escape gives up; a refusal stays beside
  // the input with what was typed.
  function startRename(row, cell, f) {
    problem.textContent = '';
    const giveUp = () => { draw(); focusRow(f.slug, 'Rename'); };
    const input = el('input', { type: 'text', value: f.name, autocomplete: 'off',
      'aria-label': `New name for ${f.name}`, 'aria-describedby': 'rename-error' });
    const error = el('p', { id: 'rename-error', className: 'error', role: 'alert' });
    const save = el('button', { type: 'submit', className: 'primary', textContent: 'Save' });
    const form = el('form', { className: 'rename-form', noValidate: true }, input, save, button('Cancel', null, giveUp), error);
    cell.replaceChildren(form);
    row.querySelector('.row-actions').replaceChildren();
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        giveUp();
      }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        const fresh = await call('PATCH', fieldPath(slug, f.slug), { name: input.value.trim() });
        await changed(fresh);
        focusRow(f.slug, 'Rename');
      } catch (err) {
        error.textContent = err.message;
        input.focus();
      }
    });
    input.focus();
    input.select();
  }

  function focusRow(fieldSlug, action) {
    const row = table.querySelector(`tr[data-slug="${CSS.escape(fieldSlug)}"]`);
    [...(row?.querySelectorAll('button') || [])].find((b) => b.textContent === action)?.focus();
  }

  async function removeField(f) {
    problem.textContent = '';
    const ok = await openDialog({
      title: `Remove ${f.name}`,
      body: [el('p', { textContent: `Remove the field ${f.name} (${f.slug}) from ${object.name}? Its value in every entry is deleted.` })],
      submitLabel: 'Remove field', danger: true,
      onSubmit: async () => {
        try {
          await changed(await call('DELETE', `${fieldPath(slug, f.slug)}?force=true`));
        } catch (err) {
          // The server refuses some (the label, a field a view uses): say
          // why on the screen, where it stays after the dialog closes.
          if (err instanceof ApiError && err.status !== 401) problem.textContent = err.message;
          else throw err;
        }
      },
    }).done;
    if (ok && !problem.textContent) {
      ctx.toast(`Removed ${f.name}`);
      addForm.focus();
    }
  }

  function renameObjectDialog() {
    const name = field('Name', el('input', { type: 'text', value: object.name, autocomplete: 'off' }));
    openDialog({
      title: `Rename ${object.name}`, body: [name.root], submitLabel: 'Rename',
      onSubmit: async () => changed(await call('PATCH', objectPath(slug), { name: name.control.value.trim() })),
    });
  }

  async function removeObjectDialog() {
    const confirmName = field(`Type ${object.name} to confirm`, el('input', { type: 'text', autocomplete: 'off' }));
    const dlg = openDialog({
      title: `Remove ${object.name}`,
      body: [el('p', { textContent: `This deletes ${object.name}, all its ${object.count ?? 0} entries, its saved views and the relation fields of other objects that point at it.` }),
        confirmName.root],
      submitLabel: 'Remove object', danger: true,
      onSubmit: async () => {
        if (confirmName.control.value.trim() !== object.name) {
          confirmName.error.textContent = `Type ${object.name} exactly to remove it.`;
          return false;
        }
        await call('DELETE', `${objectPath(slug)}?force=true`);
        return true;
      },
    });
    const match = () => { dlg.submit.disabled = confirmName.control.value.trim() !== object.name; };
    confirmName.control.addEventListener('input', match);
    match();
    if (!(await dlg.done)) return;
    await ctx.reloadLists();
    ctx.toast(`Removed ${object.name}`);
    ctx.navigate('#/objects');
  }

  // The "Add field" form: name, type, and options or the target object
  // when the type takes them.
  function addFieldForm() {
    const name = field('Name', el('input', { type: 'text', id: 'new-field-name', autocomplete: 'off' }));
    const type = el('select', { id: 'new-field-type' }, ...options(TYPES));
    const typeField = field('Type', type);
    const choices = field('Options', el('input', { type: 'text', id: 'new-field-options', autocomplete: 'off',
      placeholder: 'Gold, Silver, Bronze' }), 'Separated by commas.');
    const target = el('select', { id: 'new-field-target' });
    const targetField = field('Links to', target);
    const submit = el('button', { type: 'submit', className: 'primary', textContent: 'Add field' });
    const error = el('p', { className: 'error', id: 'new-field-error', role: 'alert' });
    const form = el('form', { className: 'add-field', noValidate: true, 'aria-label': 'Add field' },
      el('h2', { textContent: 'Add field' }),
      el('div', { className: 'field-grid' }, name.root, typeField.root, choices.root, targetField.root,
        el('div', { className: 'field submit' }, submit)),
      error);
    const showExtras = () => {
      choices.root.hidden = !hasOptions(type.value);
      targetField.root.hidden = type.value !== 'relation';
    };
    type.addEventListener('change', showExtras);
    showExtras();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      const spec = { name: name.control.value.trim(), type: type.value };
      if (hasOptions(type.value))
        spec.options = choices.control.value.split(',').map((s) => s.trim()).filter(Boolean);
      if (type.value === 'relation') spec.to = target.value;
      try {
        await changed(await call('POST', `${objectPath(slug)}/fields`, spec));
        name.control.value = '';
        choices.control.value = '';
        name.control.focus();
      } catch (err) {
        error.textContent = err.message;
      }
    });
    return {
      root: form,
      focus: () => name.control.focus(),
      refreshTargets() {
        const keep = target.value;
        target.replaceChildren(...options(ctx.state.objects.map((o) => [o.slug, o.name])));
        if (keep) target.value = keep;
      },
    };
  }

  draw();
  return {
    // Counts change as entries come and go; the fields only through here.
    onChanges(changes) {
      if (changes.some((c) => c.reset || c.object === slug))
        get(objectPath(slug)).then((fresh) => { object = fresh; if (!table.querySelector('form')) draw(); }, () => {});
    },
  };
}
