// import.js: the import and export screen (#/import, #/import/<object>).
// Import: pick the object, drop a CSV or choose one; the start of the file
// is read here (never the whole file) for its header and a preview; each
// column gets a field or "skip", sent as the import's map= parameter; the
// upload shows its progress, can be cancelled (the server then rolls the
// import back) and ends with the count and the bad rows. The file's start
// is read by csv-start.js; the export part is export.js.
import { query } from './api.js';
import { el } from './dom.js';
import { formatBytes, readStart } from './csv-start.js';
import { exportSection } from './export.js';

const UPSERT_TYPES = ['text', 'email', 'phone', 'url'];

// ---- the mapping ----

// The field a column name matches (slug or display name, any case), as
// the server matches it; undefined when none.
const matchField = (object, name) => {
  const n = name.toLowerCase();
  return object.fields.find((f) => f.slug === name)
    || object.fields.find((f) => f.slug.toLowerCase() === n || f.name.toLowerCase() === n);
};

// The columns of header: {index, name, samples, target (a slug or '' to
// skip), why (set when map= cannot name the column)}.
function columnsOf(header, rows, object) {
  const names = header.map((h) => h.replace(/^[ \t]+|[ \t]+$/g, ''));
  const lower = names.map((n) => n.toLowerCase());
  return names.map((name, index) => {
    let why = '';
    if (!name) why = 'This column has no name, so it cannot be mapped; its values make bad rows.';
    else if (/[,=]/.test(name)) why = `The name contains "${name.includes(',') ? ',' : '='}", which the import's map cannot name; rename the column in the file to map it.`;
    else if (lower.indexOf(name.toLowerCase()) !== index) why = 'Another column has this name; rename one of them in the file to map it.';
    const matched = matchField(object, name);
    return { index, name, samples: rows.map((r) => r[index] ?? ''), target: matched ? matched.slug : '', why };
  });
}

// The map= parameter: every column map= can name, "Column=field" or
// "Column=" to skip it.
export const mapParam = (columns) => columns.filter((c) => !c.why).map((c) => `${c.name}=${c.target}`).join(',');

// ---- the screen ----

export async function mount(root, params, ctx) {
  const screen = el('div', { className: 'form-screen' });
  root.append(screen);
  const state = { object: params.object || ctx.state.objects[0], file: null, columns: [], xhr: null };
  if (!state.object) {
    screen.append(el('h1', { textContent: 'Import and export' }), el('p', { textContent: 'There is no object yet.' }));
    return {};
  }

  const objectSelect = el('select', { id: 'io-object' });
  const fillObjects = () => {
    objectSelect.replaceChildren(...ctx.state.objects.map((o) =>
      el('option', { value: o.slug, textContent: o.name, selected: o.slug === state.object.slug })));
  };
  fillObjects();
  screen.append(
    el('header', { className: 'toolbar' }, el('h1', { textContent: 'Import and export' })),
    el('div', { className: 'form-row' }, el('label', { htmlFor: 'io-object', textContent: 'Object' }), objectSelect));

  const importer = importSection(state, ctx);
  const exporter = exportSection(state, ctx);
  screen.append(importer.root, exporter.root);

  objectSelect.addEventListener('change', () => {
    state.object = ctx.object(objectSelect.value);
    history.replaceState(null, '', `#/import/${encodeURIComponent(state.object.slug)}`);
    importer.objectChanged();
    exporter.objectChanged();
  });

  await exporter.objectChanged();
  return {
    onChanges() {
      const fresh = ctx.object(state.object.slug);
      if (!fresh) return;
      const fieldsChanged = JSON.stringify(fresh.fields) !== JSON.stringify(state.object.fields);
      state.object = fresh;
      fillObjects();
      if (fieldsChanged) importer.fieldsChanged();
      exporter.refresh();
    },
    // An upload going on carries on; its outcome then comes as a toast.
    unmount() {
      state.gone = true;
      exporter.stop();
    },
  };
}

// The import part: file, mapping, options, upload and result.
function importSection(state, ctx) {
  const input = el('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv', className: 'file-input' });
  const choose = el('label', { htmlFor: 'import-file', className: 'file-button', textContent: 'Choose a CSV file' });
  const fileInfo = el('p', { className: 'hint', id: 'import-file-info', textContent: 'No file chosen.' });
  const drop = el('div', { className: 'dropzone', id: 'import-drop' },
    el('p', { textContent: 'Drop a CSV file here, or' }), choose, input, fileInfo);
  const readError = el('p', { className: 'error', id: 'import-read-error', role: 'alert' });

  const mapping = el('div', { id: 'import-mapping' });
  const skipInvalid = el('input', { type: 'checkbox', id: 'import-skip-invalid' });
  const createMissing = el('input', { type: 'checkbox', id: 'import-create-missing' });
  const upsert = el('select', { id: 'import-upsert' });
  const options = el('fieldset', { className: 'import-options' },
    el('legend', { textContent: 'Options' }),
    el('label', { className: 'import-check' }, skipInvalid,
      ' Import the valid rows and list the bad ones (otherwise one bad row imports nothing)'),
    el('label', { className: 'import-check' }, createMissing,
      ' Create related entries that do not exist yet (a company named in a person’s row)'),
    el('div', { className: 'form-row' },
      el('label', { htmlFor: 'import-upsert', textContent: 'Update entries matching on' }), upsert));

  const start = el('button', { type: 'button', id: 'import-start', className: 'primary', textContent: 'Import', disabled: true });
  const cancel = el('button', { type: 'button', id: 'import-cancel', textContent: 'Cancel', hidden: true });
  const bar = el('progress', { id: 'import-progress', max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const progressText = el('span', { id: 'import-progress-text', className: 'hint', 'aria-live': 'polite' });
  const result = el('div', { id: 'import-result', 'aria-live': 'polite' });
  const steps = el('div', { hidden: true, id: 'import-steps' }, mapping, options,
    el('div', { className: 'form-row' }, start, cancel, bar, progressText));

  const root = el('section', { className: 'form-panel', id: 'import' },
    el('h2', { textContent: 'Import a CSV file' }), drop, readError, steps, result);

  const fillUpsert = () => {
    const keep = upsert.value;
    upsert.replaceChildren(el('option', { value: '', textContent: 'nothing: always add new entries' }),
      ...state.object.fields.filter((f) => UPSERT_TYPES.includes(f.type))
        .map((f) => el('option', { value: f.slug, textContent: f.name, selected: f.slug === keep })));
  };

  const renderMapping = () => {
    const dupes = duplicateTargets(state.columns);
    const rows = state.columns.map((c) => mappingRow(c, state.object, dupes.has(c.target), () => renderMapping()));
    const table = el('table', { className: 'mapping' },
      el('caption', { textContent: 'Map each column of the file to a field' }),
      el('thead', {}, el('tr', {}, ...['Column', 'First values', 'Field'].map((t) => el('th', { scope: 'col', textContent: t })))),
      el('tbody', {}, ...rows));
    mapping.replaceChildren(table);
    start.disabled = dupes.size > 0 || !!state.xhr;
  };

  const loadFile = async (file) => {
    readError.textContent = '';
    result.replaceChildren();
    state.file = file;
    fileInfo.textContent = `${file.name} · ${formatBytes(file.size)}`;
    try {
      const { header, rows } = await readStart(file);
      if (state.file !== file) return;
      state.header = header;
      state.rows = rows;
      state.columns = columnsOf(header, rows, state.object);
      fillUpsert();
      renderMapping();
      steps.hidden = false;
      progressText.textContent = '';
      bar.hidden = true;
    } catch (e) {
      readError.textContent = `${file.name}: ${e.message}`;
      steps.hidden = true;
    }
  };

  // (emptied after each pick, so that picking the same file again, edited, reads it again)
  input.addEventListener('change', () => {
    const file = input.files[0];
    input.value = '';
    if (file) loadFile(file);
  });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) loadFile(file);
  });

  start.addEventListener('click', () => upload());
  cancel.addEventListener('click', () => state.xhr?.abort());

  const setBusy = (busy) => {
    start.disabled = busy;
    cancel.hidden = !busy;
    cancel.disabled = false;
    input.disabled = busy;
    const objectSelect = document.getElementById('io-object');
    if (objectSelect) objectSelect.disabled = busy;
    for (const s of mapping.querySelectorAll('select')) s.disabled = busy || s.dataset.fixed === 'true';
  };

  const upload = () => {
    const object = state.object;
    const q = query({ map: mapParam(state.columns), skip_invalid: skipInvalid.checked ? 'true' : '',
      create_missing: createMissing.checked ? 'true' : '', upsert: upsert.value });
    const xhr = new XMLHttpRequest();
    state.xhr = xhr;
    result.replaceChildren();
    bar.hidden = false;
    bar.value = 0;
    setBusy(true);
    const total = state.file.size;
    const showProgress = (loaded) => {
      const pct = total ? Math.floor((loaded / total) * 100) : 100;
      bar.value = pct;
      progressText.textContent = `${formatBytes(loaded)} of ${formatBytes(total)} sent (${pct}%)`;
    };
    showProgress(0);
    xhr.upload.onprogress = (e) => showProgress(e.loaded);
    // Once the whole file is sent the server may commit any moment: a
    // cancel could no longer promise a rollback.
    xhr.upload.onload = () => {
      showProgress(total);
      cancel.disabled = true;
      progressText.textContent += '; the server is finishing the import…';
    };
    const done = () => { state.xhr = null; setBusy(false); };
    xhr.onabort = () => {
      done();
      progressText.textContent = 'Cancelled. The upload stopped before its end, so the server rolls the whole import back: nothing is imported.';
    };
    xhr.onerror = () => {
      done();
      progressText.textContent = 'The connection to kith serve failed; the server rolls back an import it did not receive whole, so nothing was imported.';
      if (state.gone) ctx.toast(progressText.textContent, { error: true });
    };
    xhr.onload = () => {
      done();
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 401) return location.replace('/login');
      showProgress(total);
      progressText.textContent += xhr.status === 200 ? '. Done.' : '. The server refused the import.';
      result.replaceChildren(...resultView(object, xhr.status, json));
      if (state.gone) {
        // the user went to another screen meanwhile: say how it ended
        const said = result.querySelector('#import-error, #import-summary');
        ctx.toast(said ? said.textContent : `Import into ${object.name} finished.`, { error: xhr.status !== 200 });
      } else {
        result.scrollIntoView({ block: 'nearest' });
      }
    };
    xhr.open('POST', `/api/objects/${encodeURIComponent(object.slug)}/import${q}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.send(state.file);
  };

  return {
    root,
    objectChanged() {
      if (!state.file || !state.header) return;
      state.columns = columnsOf(state.header, state.rows, state.object);
      fillUpsert();
      renderMapping();
      result.replaceChildren();
    },
    // The object's fields changed elsewhere: keep every choice whose field
    // is still there.
    fieldsChanged() {
      if (!state.header) return;
      const fresh = columnsOf(state.header, state.rows, state.object);
      for (const c of fresh) {
        const old = state.columns[c.index];
        if (old && (old.target === '' || state.object.fields.some((f) => f.slug === old.target))) c.target = old.target;
      }
      state.columns = fresh;
      fillUpsert();
      if (!state.xhr) renderMapping();
    },
  };
}

// The targets that more than one column sets.
function duplicateTargets(columns) {
  const seen = new Set(), dupes = new Set();
  for (const c of columns) {
    if (!c.target) continue;
    if (seen.has(c.target)) dupes.add(c.target);
    seen.add(c.target);
  }
  return dupes;
}

// One row of the mapping table: the column, its first values and a field
// select ("skip this column" first).
function mappingRow(column, object, duplicate, onChange) {
  const id = `map-${column.index}`;
  const select = el('select', { id });
  select.append(el('option', { value: '', textContent: 'Skip this column' }),
    ...object.fields.map((f) => el('option', { value: f.slug, textContent: `${f.name} (${f.type})` })));
  select.value = column.target;
  const label = column.name || `(column ${column.index + 1}, no name)`;
  select.setAttribute('aria-label', `Field for column ${label}`);
  const note = el('p', { className: 'error', id: `${id}-note` });
  if (column.why) {
    select.disabled = true;
    select.dataset.fixed = 'true';
    note.textContent = column.why;
  } else if (duplicate) {
    note.textContent = 'Another column sets this field too; pick one.';
  }
  if (note.textContent) select.setAttribute('aria-describedby', note.id);
  select.addEventListener('change', () => {
    column.target = select.value;
    onChange();
    document.getElementById(id)?.focus();
  });
  const samples = el('td', { className: 'samples' }, ...column.samples.map((s) => el('span', { textContent: s || '—' })));
  return el('tr', { className: column.target ? '' : 'skipped' },
    el('th', { scope: 'row', textContent: label }), samples, el('td', {}, select, note));
}

// The outcome of an import: the counts, the bad rows (line, field, the
// server's message) and a link to the object's table.
function resultView(object, status, json) {
  const report = status === 200 ? json : json?.report;
  const out = [];
  if (status !== 200) {
    const message = json?.error?.message || `the server answered ${status}`;
    out.push(el('p', { className: 'error', id: 'import-error', textContent: message, role: 'alert' }));
  }
  if (report) {
    const imported = report.created + report.updated + report.unchanged;
    const parts = [`${report.created} created`, `${report.updated} updated`];
    if (report.unchanged) parts.push(`${report.unchanged} unchanged`);
    if (report.targets_created) parts.push(`${report.targets_created} related entries created`);
    if (report.invalid) parts.push(`${report.invalid} bad ${report.invalid === 1 ? 'row' : 'rows'}${status === 200 ? ' skipped' : ''}`);
    const summary = status === 200
      ? `Imported ${imported} of ${report.rows} ${report.rows === 1 ? 'row' : 'rows'} into ${object.name}: ${parts.join(', ')}.`
      : `Nothing was imported (${report.rows} ${report.rows === 1 ? 'row' : 'rows'} read: ${parts.join(', ')}).`;
    out.push(el('p', { id: 'import-summary', className: 'import-summary', textContent: summary }));
    if (report.bad_rows?.length) out.push(badRowsTable(object, report));
  }
  out.push(el('p', {}, el('a', { href: `#/o/${encodeURIComponent(object.slug)}`, id: 'import-open', textContent: `Open ${object.name}` })));
  return out;
}

function badRowsTable(object, report) {
  const rows = report.bad_rows.map((b) => {
    const m = /^([a-z0-9_]+): (.*)$/s.exec(b.message);
    const field = m && object.fields.find((f) => f.slug === m[1]);
    return el('tr', {}, el('td', { className: 'num', textContent: String(b.line) }),
      el('td', { textContent: field ? field.name : '—' }),
      el('td', { textContent: field ? m[2] : b.message }));
  });
  const table = el('table', { className: 'bad-rows', id: 'import-bad-rows' },
    el('caption', { textContent: 'Bad rows' }),
    el('thead', {}, el('tr', {}, ...['Line', 'Field', 'Message'].map((t) => el('th', { scope: 'col', textContent: t })))),
    el('tbody', {}, ...rows));
  const more = report.invalid - report.bad_rows.length;
  if (more <= 0) return table;
  return el('div', {}, table, el('p', { className: 'hint', textContent: `and ${more} more bad rows (the server lists the first ${report.bad_rows.length})` }));
}
