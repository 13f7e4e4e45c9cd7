// dashboard.js: the dashboard (#/dashboard). One panel per saved report
// (GET /api/reports), each drawn by charts.js from its data
// (GET /api/reports/{id}/data). "Add panel" and a panel's "Edit" open a
// form (title, a read-only SELECT, the chart) with a preview that runs the
// query through POST /api/sql; Save creates or changes the report; a panel
// can be removed. Changes made anywhere re-run the panels' queries.
import { ApiError, call, get } from './api.js';
import { CHART_KINDS, chartMessage, drawChart } from './charts.js';
import { button, field, openDialog, options } from './dialog.js';
import { el } from './dom.js';

const REFRESH_DELAY_MS = 400;
const PREVIEW_ROWS = 1000;

// The API path of report id (and of its data when rest is '/data').
const reportPath = (id, rest = '') => `/api/reports/${id}${rest}`;

// params: {} ; ctx: see app.js.
export async function mount(root, params, ctx) {
  const add = button('Add panel', null, () => editPanel(null), 'primary');
  const head = el('header', { className: 'toolbar' },
    el('h1', { textContent: 'Dashboard' }), el('div', { className: 'actions' }, add));
  const status = el('p', { className: 'status', 'aria-live': 'polite' });
  const grid = el('div', { className: 'panels' });
  root.append(head, el('div', { className: 'dash-scroll' }, grid, status));

  let reports = [];
  let refreshTimer = 0;
  let alive = true;

  // Run one report and draw it into its panel's body.
  const fill = async (report, body) => {
    let chart;
    try {
      const data = await get(reportPath(report.id, '/data'));
      chart = drawChart(report.chart, data, report.name);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return location.replace('/login');
      chart = chartMessage(`This panel's query failed: ${e.message}`, { error: true });
    }
    if (alive) body.replaceChildren(chart);
  };

  const panel = (report) => {
    const titleId = `panel-${report.id}-title`;
    const body = el('div', { className: 'panel-body', 'aria-busy': 'true' });
    const section = el('section', { className: `panel panel-${report.chart}`,
      'data-report-id': report.id, 'aria-labelledby': titleId },
      el('header', { className: 'panel-head' },
        el('h2', { id: titleId, textContent: report.name }),
        button('Edit', `Edit ${report.name}`, () => editPanel(report)),
        button('Remove', `Remove ${report.name}`, () => removePanel(report))),
      body);
    return { section, body, report };
  };

  // All panels, drawn anew.
  const load = async () => {
    reports = (await get('/api/reports')).reports;
    const panels = reports.map(panel);
    grid.replaceChildren(...panels.map((p) => p.section));
    status.textContent = reports.length ? '' : 'No panels yet: add one from your own SELECT.';
    await Promise.all(panels.map((p) => fill(p.report, p.body).finally(() => p.body.removeAttribute('aria-busy'))));
  };

  // Re-run every panel's query in place (live changes).
  const refresh = () => Promise.all([...grid.querySelectorAll('.panel')].map((section) => {
    const report = reports.find((r) => String(r.id) === section.dataset.reportId);
    return report ? fill(report, section.querySelector('.panel-body')) : null;
  }));

  const editPanel = async (report) => {
    const saved = await panelForm(report);
    if (saved) {
      await load();
      grid.querySelector(`.panel[data-report-id="${saved.id}"] h2`)?.scrollIntoView({ block: 'nearest' });
    }
  };

  const removePanel = async (report) => {
    const ok = await openDialog({
      title: 'Remove panel',
      body: [el('p', { textContent: `Remove “${report.name}” from the dashboard? Its query is deleted with it.` })],
      submitLabel: 'Remove', danger: true,
      onSubmit: () => call('DELETE', reportPath(report.id)),
    }).done;
    if (!ok) return;
    await load();
    ctx.toast(`Removed “${report.name}”`);
    add.focus();
  };

  await load();
  return {
    // Data changed: the panels re-run; the reports changed (a "layout"
    // change, e.g. in another tab): the panels are drawn anew.
    onChanges(changes) {
      const again = changes.some((c) => c.layout) ? load : refresh;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => again().catch((e) => { status.textContent = e.message; }), REFRESH_DELAY_MS);
    },
    unmount() { alive = false; clearTimeout(refreshTimer); },
  };
}

/*
 * The form for a new panel (report null) or one to change: title, SELECT,
 * chart, a Preview that runs the query read-only, Save. Resolves to the
 * saved report, or null when cancelled.
 */
async function panelForm(report) {
  const title = field('Title', el('input', { type: 'text', id: 'panel-title', value: report?.name || '', autocomplete: 'off' }));
  const sql = field('SELECT', el('textarea', { id: 'panel-sql', rows: 4, spellcheck: false, value: report?.sql || '',
    placeholder: 'SELECT industry, count(*) FROM companies GROUP BY industry' }),
  'One read-only SELECT. For bar, line and donut charts the first column gives the labels and the second the values. Ctrl+Enter previews.');
  const chart = el('select', { id: 'panel-chart' }, ...options(CHART_KINDS));
  chart.value = report?.chart || 'bar';
  const chartField = field('Chart', chart);
  const preview = el('div', { className: 'panel-preview', 'aria-live': 'polite', 'aria-label': 'Preview' });
  const previewButton = button('Preview', null, () => runPreview());

  const clearErrors = () => { title.error.textContent = ''; sql.error.textContent = ''; };

  // Run the query read-only and draw it as the chart would be.
  const runPreview = async () => {
    clearErrors();
    const text = sql.control.value.trim();
    if (!text) {
      sql.error.textContent = 'Write a SELECT first.';
      return;
    }
    previewButton.disabled = true;
    try {
      const data = await call('POST', '/api/sql', { sql: text, max_rows: PREVIEW_ROWS });
      preview.replaceChildren(drawChart(chart.value, data, title.control.value.trim() || 'Preview'));
    } catch (e) {
      preview.replaceChildren();
      sql.error.textContent = e.message;
    } finally {
      previewButton.disabled = false;
    }
  };
  sql.control.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runPreview();
    }
  });
  chart.addEventListener('change', () => { if (preview.firstChild) runPreview(); });

  let saved = null;
  const ok = await openDialog({
    title: report ? `Edit “${report.name}”` : 'Add panel',
    className: 'panel-editor',
    body: [title.root, el('div', { className: 'field-row' }, chartField.root), sql.root, preview],
    extra: [previewButton],
    submitLabel: 'Save',
    onSubmit: async () => {
      clearErrors();
      const spec = { name: title.control.value.trim(), sql: sql.control.value.trim(), chart: chart.value };
      try {
        saved = report ? await call('PATCH', reportPath(report.id), spec)
          : await call('POST', '/api/reports', spec);
      } catch (e) {
        // The server's message beside the field it is about.
        const target = /\bname\b|named/.test(e.message) ? title : sql;
        target.error.textContent = e.message;
        target.control.focus();
        return false;
      }
      return true;
    },
  }).done;
  return ok ? saved : null;
}
