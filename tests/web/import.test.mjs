// Journey: HR imports the sample staff list (samples/staff.csv, semicolon-separated, a few
// hundred lines with some mistakes) into the Users table: the dry run shows what would happen
// and which lines would be rejected, and stores nothing; the import (async with a progress bar
// when the server offers jobs) stores the good lines; the rejected ones download as CSV.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  Api, artifactsDir, journey, launchBrowser, repoDir, startServer, strongPassword, unnamedControls, waitForRows,
} from './harness.mjs';

const staffFile = path.join(repoDir, 'samples', 'staff.csv');
const admin = 'hana@hr.test';
let server;
let browser;
let page;
let api;
let usersTableId;

before(async () => {
  server = await startServer();
  api = await Api.signup(server.url, { company: 'Umbrella', firstName: 'Hana', lastName: 'HR', email: admin,
    password: strongPassword });
  // Enough licenses for every Active line: the rejections are then the file's own mistakes.
  await api.call('PUT', '/admin/licenses', { total: 1000 }, { expect: 200 });
  usersTableId = (await api.get('/admin')).usersTableId;
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const plural = (n, one) => `${n.toLocaleString('en-US')} ${n === 1 ? one : one + 's'}`;
const total = async () => (await api.get(`/tables/${usersTableId}/records?limit=1`)).total;

test('the sample staff list: dry run, rejected lines, import, rows present', async () => {
  await journey('import', page, async () => {
    // What the server says of the file, to compare with what the page shows.
    const csv = readFileSync(staffFile, 'utf8');
    const expected = (await api.call('POST', `/tables/${usersTableId}/import?dryRun=1`, undefined,
      { csv, expect: 200 })).data;
    assert.ok(expected.rejected > 0 && expected.inserted > 0, `the sample should have good and bad lines: ${JSON.stringify(
      { inserted: expected.inserted, rejected: expected.rejected })}`);

    await page.goto(server.url + '/');
    await page.locator('#view').getByLabel('Email', { exact: true }).fill(admin);
    await page.locator('#view').getByLabel('Password', { exact: true }).fill(strongPassword);
    await page.locator('#view').getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & licenses' }).click();
    await waitForRows(page);
    await page.getByText('1 record', { exact: true }).waitFor();

    const jobPolls = [];
    const importAnswers = [];
    page.on('request', (request) => {
      if (/\/api\/v1\/jobs\//.test(request.url())) jobPolls.push(request.url());
    });
    page.on('response', (response) => {
      if (/\/import\?/.test(response.url())) importAnswers.push(`${new URL(response.url()).search} ${response.status()}`);
    });
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import into Users' });
    await dialog.getByLabel('CSV file').setInputFiles(staffFile);
    await dialog.getByRole('button', { name: 'Check the file' }).click();

    // The dry run: the summary, and each rejected line with its reason.
    const added = plural(expected.inserted, 'line');
    await dialog.locator('#import-summary').getByText(new RegExp(`^${added} would be added`)).waitFor();
    assert.match(await dialog.locator('#import-summary').innerText(), new RegExp(`${plural(expected.rejected, 'line')} would be rejected`));
    // Lines to fix: those rejected, and those stored with a note (an activation put back).
    const toFix = expected.rows.filter((r) => r.action === 'rejected' || !String(r.result).startsWith('OK'));
    const shown = dialog.locator('table.results tbody tr');
    assert.equal(await shown.count(), Math.min(toFix.length, 500));
    const rejected = toFix.find((r) => r.action === 'rejected');
    const rejectedShown = shown.filter({ hasText: rejected.result });
    assert.match(await rejectedShown.innerText(), new RegExp(`^${rejected.line}\\s+Rejected`));
    if (expected.noted) {
      const noted = toFix.find((r) => r.action !== 'rejected');
      assert.match(await shown.filter({ hasText: noted.result }).first().innerText(), /Added, with a note/);
    }
    assert.equal(await total(), 1, 'the dry run stored nothing');
    assert.deepEqual(await unnamedControls(page), [], 'controls without a name in the import dialog');
    await page.screenshot({ path: path.join(artifactsDir, 'import-dry-run.png') });

    // The import: a progress bar, then the report.
    await dialog.getByRole('button', { name: `Import ${plural(expected.inserted + (expected.updated || 0), 'line')}` }).click();
    await dialog.getByText('Import report').waitFor({ timeout: 60000 });
    await dialog.locator('#import-progress-label').getByText('Done.').waitFor();
    const summary = await dialog.locator('#import-summary').innerText();
    assert.match(summary, new RegExp(`^${added} (was|were) added`));
    assert.match(summary, new RegExp(`${plural(expected.rejected, 'line')} (was|were) rejected`));
    // The dry run is synchronous; the import is a job followed by its progress when the server
    // answers 202.
    assert.match(importAnswers[0], /dryRun=1 200$/);
    if (/ 202$/.test(importAnswers[1])) assert.ok(jobPolls.length > 0, 'the page did not follow the import job');
    const stored = await total();
    assert.equal(stored, 1 + expected.inserted);

    // The rejected lines, downloadable as the file came (semicolons), with the reason added.
    const download = page.waitForEvent('download');
    const downloadLabel = toFix.length === expected.rejected
      ? `Download the ${plural(expected.rejected, 'rejected line')} (CSV)` : `Download the ${plural(toFix.length, 'line')} to fix (CSV)`;
    await dialog.getByRole('button', { name: downloadLabel }).click();
    const fixCsv = readFileSync(await (await download).path(), 'utf8').trim().split(/\r\n/);
    const header = csv.split(/\r?\n/, 1)[0].replace(/^\uFEFF/, '');
    assert.equal(fixCsv[0], `${header};Import error`);
    assert.equal(fixCsv.length, 1 + toFix.length);
    // The reason is the last cell, quoted as CSV does when it holds quotes or semicolons.
    const quoted = /[";]/.test(rejected.result) ? `"${rejected.result.replace(/"/g, '""')}"` : rejected.result;
    assert.ok(fixCsv.some((line) => line.endsWith(`;${quoted}`)), `the rejected line and its reason are in the file: ${
      fixCsv.join('\n')}`);

    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await page.getByText(plural(stored, 'record'), { exact: true }).waitFor();
    // A line of the file is a row of the grid now, and the license counter moved.
    const firstLine = csv.replace(/^\uFEFF/, '').split(/\r?\n/)[1].split(';');
    await page.locator('#view').getByLabel('Search', { exact: true }).fill(firstLine[0]);
    await page.getByText(`1 record match “${firstLine[0]}”`).waitFor();
    await page.locator('#grid .ag-row[row-index="0"] .ag-cell[col-id="User ID"]', { hasText: firstLine[0] }).waitFor();
    const { licenses } = await api.get('/admin');
    assert.ok(licenses.used > 1, JSON.stringify(licenses));
    await page.locator('#license-count').getByText(`${licenses.used} of ${licenses.total} licenses used`).waitFor();
    console.log(`# ${expected.inserted} lines imported, ${expected.rejected} rejected; import answers ${importAnswers.join(', ')}; ` +
      `job polls: ${jobPolls.length}`);
    assert.deepEqual(browser.problems, [], 'the page logged errors');
  });
});
