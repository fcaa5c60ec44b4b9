// The import dialog: choose a CSV file, see the dry run's per-line results, import (with a
// progress bar), then read the report and download the rejected lines as CSV.
import { api, apiWithStatus } from './api.js';
import { announce, downloadText, field, h, openDialog, plural } from './dom.js';
import { parseCsv, toCsv } from './csv.js';

const SHOWN_LINES = 500;
const POLL_MS = 300;

function isOk(row) {
  return typeof row.result === 'string' && row.result.startsWith('OK');
}

function summary(report, dryRun) {
  const verb = (count) => (dryRun ? 'would be' : count === 1 ? 'was' : 'were');
  const parts = [`${plural(report.inserted, 'line')} ${verb(report.inserted)} added`];
  if (report.updated) parts.push(`${plural(report.updated, 'line')} ${verb(report.updated)} updated`);
  parts.push(`${plural(report.rejected, 'line')} ${verb(report.rejected)} rejected`);
  return parts.join(', ') + '.';
}

function resultsTable(report, onlyRejected) {
  const rows = onlyRejected ? report.rows.filter((r) => !isOk(r)) : report.rows;
  const body = h('tbody');
  for (const row of rows.slice(0, SHOWN_LINES)) {
    body.append(h('tr', { class: isOk(row) ? 'ok' : 'rejected' },
      h('td', { class: 'num' }, String(row.line)),
      h('td', null, isOk(row) ? 'OK' : 'Rejected'),
      h('td', null, isOk(row) ? (row.id ? `record ${row.id}` : '') : row.result)));
  }
  const table = h('table', { class: 'results' },
    h('caption', null, onlyRejected ? 'Rejected lines' : 'Every line'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Result'),
      h('th', { scope: 'col' }, 'Detail'))), body);
  const more = rows.length > SHOWN_LINES
    ? h('p', { class: 'muted' }, `The first ${SHOWN_LINES} of ${plural(rows.length, 'line')} are shown.`) : null;
  return h('div', { class: 'results-box' }, table, more);
}

function reportView(report, dryRun, parsed, fileName) {
  const nodes = [h('p', { class: report.rejected ? 'warning-text summary' : 'success summary', id: 'import-summary' },
    summary(report, dryRun))];
  if (report.unknownColumns && report.unknownColumns.length) {
    nodes.push(h('p', { class: 'warning-text' },
      `Columns ignored (no field of that name): ${report.unknownColumns.join(', ')}.`));
  }
  if (report.rejected) {
    nodes.push(resultsTable(report, true));
    if (!dryRun && parsed) {
      nodes.push(h('button', { type: 'button', id: 'download-rejected', onclick: () => {
        const header = parsed[0] ? parsed[0].cells : [];
        const byLine = new Map(parsed.slice(1).map((r) => [r.line, r.cells]));
        const lines = [[...header, 'Import error']];
        for (const row of report.rows) {
          if (isOk(row)) continue;
          lines.push([...(byLine.get(row.line) || []), row.result]);
        }
        // Written as the file came (same delimiter), so it opens in the same spreadsheet for fixing.
        downloadText(fileName.replace(/\.csv$/i, '') + '-rejected.csv', toCsv(lines, parsed.delimiter),
          'text/csv;charset=utf-8');
      } }, `Download the ${plural(report.rejected, 'rejected line')} (CSV)`));
    }
  } else if (report.rows.length) {
    nodes.push(h('p', null, dryRun ? 'Every line passes.' : 'Every line was imported.'));
  } else {
    nodes.push(h('p', null, 'The file has no data line (only a header, or nothing).'));
  }
  return nodes;
}

// Follows an async import job (GET /jobs/{id}: state, linesDone, linesTotal, report, error)
// until it is done; resolves with its report, throws with its error.
async function pollJob(jobId, progress, label) {
  for (;;) {
    const job = await api('GET', `/jobs/${jobId}`);
    if (job.linesTotal) {
      progress.max = job.linesTotal;
      progress.value = job.linesDone || 0;
      label.textContent = `${(job.linesDone || 0).toLocaleString('en-US')} of ${job.linesTotal.toLocaleString('en-US')} lines`;
    }
    if (job.state === 'done') return job.report;
    if (job.state === 'failed') throw new Error(job.error || 'The import failed.');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function openImportDialog(table, onImported) {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', id: 'import-file' });
  const check = h('button', { type: 'button', class: 'primary', id: 'import-check', disabled: true }, 'Check the file');
  const go = h('button', { type: 'button', class: 'primary', id: 'import-go', hidden: true }, 'Import');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const results = h('div', { class: 'import-results', 'aria-live': 'polite', id: 'import-results' });
  const progressLabel = h('span', { id: 'import-progress-label' }, 'Importing…');
  const progress = h('progress', { id: 'import-progress', 'aria-labelledby': 'import-progress-label' });
  const progressBox = h('div', { class: 'progress', hidden: true }, progress, progressLabel);
  const intro = h('p', null, `Lines of a CSV file (UTF-8, a header row of column names) become new rows of ${table.name}. ` +
    'Every line is checked as a grid edit would be. First a dry run shows what would happen; nothing is stored until you import.');
  const columns = h('p', { class: 'muted' }, `Columns: ${table.fields.map((f) => f.name).join(', ')}.`);
  let text = null;
  let parsed = null;
  let imported = false;
  const { close } = openDialog({
    title: `Import into ${table.name}`,
    className: 'import-dialog',
    content: [intro, columns, field('CSV file', file), h('div', { class: 'actions' }, check, go), progressBox, error, results],
    onClose: () => {
      if (imported) onImported();
    },
  });

  file.addEventListener('change', async () => {
    error.textContent = '';
    results.replaceChildren();
    go.hidden = true;
    check.disabled = !file.files.length;
    text = null;
    if (!file.files.length) return;
    try {
      text = await file.files[0].text();
      parsed = parseCsv(text);
      check.disabled = false;
    } catch (failure) {
      error.textContent = `The file could not be read: ${failure.message}`;
    }
  });

  check.addEventListener('click', async () => {
    if (text === null) return;
    error.textContent = '';
    check.disabled = true;
    results.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
    try {
      const report = await api('POST', `/tables/${table.id}/import?dryRun=1`, undefined,
        { body: text, contentType: 'text/csv; charset=utf-8' });
      results.replaceChildren(h('h3', null, 'Dry run'), ...reportView(report, true, parsed, file.files[0].name));
      const header = parsed[0] ? parsed[0].cells : [];
      const noneMatch = header.length > 0 && (report.unknownColumns || []).length >= header.length;
      if (noneMatch) {
        results.append(h('p', { class: 'form-error' }, `No column of the file matches a column of ${table.name}; ` +
          'importing it would only add empty rows. Rename the header cells after the columns listed above.'));
      }
      go.hidden = noneMatch || report.inserted + (report.updated || 0) === 0;
      go.textContent = `Import ${plural(report.inserted + (report.updated || 0), 'line')}`;
      announce(summary(report, true));
      if (!go.hidden) go.focus();
    } catch (failure) {
      results.replaceChildren();
      error.textContent = failure.message;
    } finally {
      check.disabled = false;
    }
  });

  go.addEventListener('click', async () => {
    error.textContent = '';
    go.disabled = true;
    check.disabled = true;
    file.disabled = true;
    progressBox.hidden = false;
    progress.removeAttribute('value');
    progressLabel.textContent = `Importing ${plural(Math.max(parsed.length - 1, 0), 'line')}…`;
    try {
      const answer = await apiWithStatus('POST', `/tables/${table.id}/import?async=1`, undefined,
        { body: text, contentType: 'text/csv; charset=utf-8' });
      let report = answer.data;
      if (answer.status === 202 && report && report.jobId !== undefined) {
        report = await pollJob(report.jobId, progress, progressLabel);
      }
      imported = true;
      progress.max = 1;
      progress.value = 1;
      progressLabel.textContent = 'Done.';
      go.hidden = true;
      results.replaceChildren(h('h3', null, 'Import report'), ...reportView(report, false, parsed, file.files[0].name),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'import-close', onclick: close },
          'Close')));
      announce(summary(report, false));
      results.querySelector('#import-close').focus();
    } catch (failure) {
      error.textContent = failure.message;
      progressBox.hidden = true;
      go.disabled = false;
      check.disabled = false;
      file.disabled = false;
    }
  });
  file.focus();
}
