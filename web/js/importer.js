// The import dialog: choose a CSV file, see the dry run's per-line results, import (a job
// followed with a progress bar), then read the report and download the lines to fix as CSV.
import { api, apiWithStatus } from './api.js';
import { announce, downloadText, field, h, openDialog, plural } from './dom.js';
import { parseCsv, toCsv } from './csv.js';

const SHOWN_LINES = 500;
const POLL_MS = 300;

// What the import did with a line: the server's `action` (inserted, updated, unchanged,
// rejected); an older server only says OK or why not.
function actionOf(row) {
  if (row.action) return row.action;
  return typeof row.result === 'string' && row.result.startsWith('OK') ? 'inserted' : 'rejected';
}

function isOk(row) {
  return typeof row.result === 'string' && row.result.startsWith('OK');
}

// A line a person must look at: not stored, or stored with a note (an activation put back).
function needsFix(row) {
  return actionOf(row) === 'rejected' || !isOk(row);
}

const ACTION_LABELS = { inserted: 'Added', updated: 'Updated', unchanged: 'Unchanged', rejected: 'Rejected' };

function summary(report, dryRun) {
  const verb = (count) => (dryRun ? 'would be' : count === 1 ? 'was' : 'were');
  const parts = [`${plural(report.inserted, 'line')} ${verb(report.inserted)} added`];
  if (report.updated) parts.push(`${plural(report.updated, 'line')} ${verb(report.updated)} updated`);
  if (report.unchanged) parts.push(`${plural(report.unchanged, 'line')} ${verb(report.unchanged)} unchanged`);
  parts.push(`${plural(report.rejected, 'line')} ${verb(report.rejected)} rejected`);
  let text = parts.join(', ') + '.';
  if (report.noted) {
    const one = report.noted === 1;
    text += ` ${plural(report.noted, 'stored line')} ${dryRun ? 'would need' : one ? 'needs' : 'need'} a fix ` +
      `before ${one ? 'its person' : 'their people'} can be activated.`;
  }
  if (report.licenses) {
    text += ` Licenses: ${report.licenses.used} of ${report.licenses.total} ${dryRun ? 'would be ' : ''}used.`;
  }
  return text;
}

function resultsTable(rows) {
  const body = h('tbody');
  for (const row of rows.slice(0, SHOWN_LINES)) {
    const action = actionOf(row);
    const label = ACTION_LABELS[action] || action;
    body.append(h('tr', { class: action === 'rejected' ? 'rejected' : 'noted' },
      h('td', { class: 'num' }, String(row.line)),
      h('td', null, action === 'rejected' ? label : `${label}, with a note`),
      h('td', null, row.result)));
  }
  const table = h('table', { class: 'results' },
    h('caption', null, 'Lines to fix'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Result'),
      h('th', { scope: 'col' }, 'What to fix'))), body);
  const more = rows.length > SHOWN_LINES
    ? h('p', { class: 'muted' }, `The first ${SHOWN_LINES} of ${plural(rows.length, 'line')} are shown.`) : null;
  return h('div', { class: 'results-box' }, table, more);
}

// The lines to fix, as the file had them plus the reason, so they can be corrected and
// imported again (Users rows match by User ID, so a stored line is then updated).
function downloadButton(toFix, report, parsed, fileName) {
  const rejectedOnly = toFix.every((row) => actionOf(row) === 'rejected');
  const label = rejectedOnly
    ? `Download the ${plural(report.rejected, 'rejected line')} (CSV)`
    : `Download the ${plural(toFix.length, 'line')} to fix (CSV)`;
  return h('button', { type: 'button', id: 'download-rejected', onclick: () => {
    const header = parsed[0] ? parsed[0].cells : [];
    const byLine = new Map(parsed.slice(1).map((r) => [r.line, r.cells]));
    const lines = [[...header, 'Import error']];
    for (const row of toFix) lines.push([...(byLine.get(row.line) || []), row.result]);
    // Written as the file came (same delimiter), so it opens in the same spreadsheet for fixing.
    downloadText(fileName.replace(/\.csv$/i, '') + '-to-fix.csv', toCsv(lines, parsed.delimiter),
      'text/csv;charset=utf-8');
  } }, label);
}

function reportView(report, dryRun, parsed, fileName) {
  const rows = report.rows || [];
  const toFix = rows.filter(needsFix);
  const nodes = [h('p', { class: toFix.length ? 'warning-text summary' : 'success summary', id: 'import-summary' },
    summary(report, dryRun))];
  const ignored = [...(report.unknownColumns || []), ...(report.readOnlyColumns || [])];
  if (report.unknownColumns && report.unknownColumns.length) {
    nodes.push(h('p', { class: 'warning-text' },
      `Columns ignored (no field of that name): ${report.unknownColumns.join(', ')}.`));
  }
  if (report.readOnlyColumns && report.readOnlyColumns.length) {
    nodes.push(h('p', { class: 'muted' },
      `Columns ignored (filled in by Worktable): ${report.readOnlyColumns.join(', ')}.`));
  }
  if (toFix.length) {
    nodes.push(resultsTable(toFix));
    if (!dryRun && parsed) nodes.push(downloadButton(toFix, report, parsed, fileName));
  } else if (rows.length) {
    nodes.push(h('p', null, dryRun ? 'Every line passes.' : 'Every line was imported.'));
  } else if (!ignored.length) {
    nodes.push(h('p', null, 'The file has no data line (only a header, or nothing).'));
  }
  return nodes;
}

// Follows an async import job (GET /jobs/{id}: state, linesDone, linesTotal, report, error)
// until it ends; resolves with its report, throws with its error.
async function pollJob(jobId, progress, label) {
  for (;;) {
    const job = await api('GET', `/jobs/${jobId}`);
    if (job.linesTotal) {
      progress.max = job.linesTotal;
      progress.value = job.linesDone || 0;
      label.textContent = `${(job.linesDone || 0).toLocaleString('en-US')} of ${job.linesTotal.toLocaleString('en-US')} lines`;
    }
    if (job.state === 'done') return job.report;
    if (job.state === 'failed' || job.state === 'interrupted') {
      const message = job.error && job.error.message ? job.error.message : 'The import failed.';
      throw new Error(job.state === 'interrupted'
        ? `${message} The import stopped after line ${job.linesDone}: the lines before are stored, none after.`
        : message);
    }
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
      const storing = report.inserted + (report.updated || 0);
      go.hidden = noneMatch || storing === 0;
      go.textContent = `Import ${plural(storing, 'line')}`;
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
