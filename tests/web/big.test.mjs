// Journey: a 100,000-row table (loaded through the CSV import API) opens fast, is never loaded
// whole, and Ctrl+↓ / Ctrl+End reach its last row; an edit there is stored; sorting the
// 100,000 rows by a header click is done by the server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Api, cell, cellAtIndex, journey, launchBrowser, startServer, strongPassword } from './harness.mjs';

const ROWS = 100000;
let server;
let browser;
let page;
let api;
let table;
let workspace;
const email = 'bea@bigco.test';

before(async () => {
  server = await startServer();
  api = await Api.signup(server.url, { company: 'BigCo', firstName: 'Bea', lastName: 'Big', email, password: strongPassword });
  workspace = await api.post('/workspaces', { name: 'Data' });
  table = await api.post(`/workspaces/${workspace.id}/tables`, {
    name: 'Contacts',
    fields: [{ name: 'Name', type: 'text' }, { name: 'N', type: 'number' }, { name: 'Email', type: 'email' }],
  });
  const lines = ['Name,N,Email'];
  for (let i = 1; i <= ROWS; i += 1) lines.push(`Person ${String(i).padStart(6, '0')},${i},p${i}@bigco.test`);
  const started = Date.now();
  const { data } = await api.call('POST', `/tables/${table.id}/import`, undefined, { csv: lines.join('\n') + '\n', expect: 200 });
  assert.equal(data.inserted, ROWS, JSON.stringify({ ...data, rows: data.rows.slice(0, 3) }));
  console.log(`# imported ${ROWS} rows through the API in ${Date.now() - started} ms`);
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function focusedCell() {
  return page.evaluate(() => {
    const node = document.activeElement && document.activeElement.closest('.ag-cell');
    if (!node) return null;
    const row = node.closest('.ag-row');
    return { col: node.getAttribute('col-id'), index: row.getAttribute('row-index'), text: node.textContent.trim() };
  });
}

async function waitFocused(index, col, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await focusedCell();
    if (now && now.index === String(index) && now.col === col) return now;
    if (Date.now() > deadline) throw new Error(`focus should be on row ${index}, ${col}; it is on ${JSON.stringify(now)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a 100,000-row table opens fast and the keyboard reaches its last row', async () => {
  await journey('big-table', page, async () => {
    await page.goto(server.url + '/');
    await page.locator('#view').getByLabel('Email', { exact: true }).fill(email);
    await page.locator('#view').getByLabel('Password', { exact: true }).fill(strongPassword);
    await page.locator('#view').getByRole('button', { name: 'Log in' }).click();
    await page.locator('#view').getByRole('heading', { name: /Workspaces/ }).waitFor();

    const requests = [];
    page.on('request', (request) => {
      if (request.url().includes('/records?')) requests.push(new URL(request.url()).searchParams.get('limit'));
    });
    const started = Date.now();
    await page.goto(`${server.url}/#/w/${workspace.id}/t/${table.id}`);
    await cellAtIndex(page, 0, 'Name').getByText('Person 000001').waitFor();
    const firstRows = Date.now() - started;
    console.log(`# first rows of ${ROWS} shown ${firstRows} ms after navigation`);
    assert.ok(firstRows < 5000, `first rows took ${firstRows} ms`);
    await page.getByText('100,000 records').waitFor();
    assert.ok(requests.every((limit) => Number(limit) <= 1000), `pages asked: ${requests.join(',')}`);

    // Ctrl+↓ from the first row goes to the last one.
    await cellAtIndex(page, 0, 'Name').click();
    let t0 = Date.now();
    await page.keyboard.press('Control+ArrowDown');
    await waitFocused(ROWS - 1, 'Name');
    await cellAtIndex(page, ROWS - 1, 'Name').getByText(`Person ${ROWS}`).waitFor();
    console.log(`# Ctrl+ArrowDown to row ${ROWS} and its data shown in ${Date.now() - t0} ms`);

    // Ctrl+Home back to the first cell, Ctrl+End to the last cell of the last row.
    await page.keyboard.press('Control+Home');
    await waitFocused(0, 'Name');
    t0 = Date.now();
    await page.keyboard.press('Control+End');
    await waitFocused(ROWS - 1, 'Email');
    await cellAtIndex(page, ROWS - 1, 'Email').getByText(`p${ROWS}@bigco.test`).waitFor();
    console.log(`# Ctrl+End to the last cell in ${Date.now() - t0} ms`);

    // Edit the last row with the keyboard; the API has it.
    t0 = Date.now();
    await page.keyboard.type('last@bigco.test');
    await page.keyboard.press('Enter');
    const lastId = Number(await page.locator(`#grid .ag-row[row-index="${ROWS - 1}"]`).first().getAttribute('row-id'));
    for (;;) {
      const record = await api.get(`/tables/${table.id}/records/${lastId}`);
      if (record.values.Email === 'last@bigco.test') break;
      if (Date.now() - t0 > 5000) throw new Error('the edit of the last row is not stored');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`# edit of the last row stored ${Date.now() - t0} ms after typing`);
    await page.keyboard.press('ArrowUp');
    await waitFocused(ROWS - 2, 'Email');

    // Sorting 100,000 rows is the server's work: descending N puts the last row first.
    await page.locator('#grid .ag-header-cell[col-id="N"] .ag-header-cell-label').click();
    await page.locator('#grid .ag-header-cell[col-id="N"] .ag-header-cell-label').click();
    await cellAtIndex(page, 0, 'N').getByText(String(ROWS), { exact: true }).waitFor();
    await cell(page, lastId, 'Email').getByText('last@bigco.test').waitFor();

    // Search goes to the server too.
    await page.locator('#view').getByLabel('Search', { exact: true }).fill('Person 099999');
    await page.getByText('1 record match “Person 099999”').waitFor();
    assert.deepEqual(browser.problems, [], 'the page logged errors');
  });
});
