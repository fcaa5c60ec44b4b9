// Journey: sign up in the browser, create a workspace and a table, add columns, edit cells
// with the keyboard only, see a refused value come back, sort, search, history, a hostile
// value shown as text, a stale edit, delete a row, import (dry run first) and export.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  Api, artifactsDir, cell, cellAtIndex, journey, launchBrowser, startServer, strongPassword, unnamedControls, waitForRows,
} from './harness.mjs';

let server;
let browser;
let page;
let api;
let tableId;
const email = 'grace@globex.test';
const XSS = '<img src=x onerror=alert(1)>';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = browser.page;
  page.on('dialog', async (dialog) => {
    browser.problems.push(`unexpected browser dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function records() {
  return (await api.get(`/tables/${tableId}/records?limit=1000`)).records;
}

async function byName(name) {
  return (await records()).find((r) => r.values.Name === name);
}

async function eventually(check, message, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${message}${last ? ': ' + last.message : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function focused() {
  return page.evaluate(() => {
    const node = document.activeElement && document.activeElement.closest('.ag-cell');
    if (!node) return null;
    const row = node.closest('.ag-row');
    return { col: node.getAttribute('col-id'), rowId: row && row.getAttribute('row-id'), index: row && row.getAttribute('row-index') };
  });
}

async function addColumn(name, type, options) {
  await page.getByRole('button', { name: '+ Add column' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a column' });
  await dialog.getByLabel('Column name').fill(name);
  await dialog.getByLabel('Type').selectOption(type);
  if (options) await dialog.getByLabel('Options, one per line').fill(options.join('\n'));
  assert.deepEqual(await unnamedControls(page), [], 'controls without a name in the Add a column dialog');
  await dialog.getByRole('button', { name: 'Add column' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator(`#grid .ag-header-cell[col-id="${name}"]`).waitFor();
}

test('the table journey: sign up, columns, keyboard editing, errors, sort, search, history, XSS, import, export', async () => {
  await journey('grid', page, async () => {
    // Sign up in the browser (from the login page).
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByRole('link', { name: /Create a company/ }).click();
    await page.locator('#view').getByLabel('Company', { exact: true }).fill('Globex');
    await page.locator('#view').getByLabel('First name', { exact: true }).fill('Grace');
    await page.locator('#view').getByLabel('Last name', { exact: true }).fill('Hopper');
    await page.locator('#view').getByLabel('Email', { exact: true }).fill(email);
    await page.locator('#view').getByLabel('Password', { exact: true }).fill(strongPassword);
    await page.getByRole('button', { name: 'Create the company' }).click();
    await page.getByRole('heading', { name: /Workspaces/ }).waitFor();
    api = await Api.login(server.url, email, strongPassword);

    // A workspace and a table, from their empty states.
    await page.locator('#view').getByLabel('New workspace', { exact: true }).fill('Sales');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { name: 'Sales' }).waitFor();
    await page.getByText('This workspace has no tables yet.').waitFor();
    await page.locator('#view').getByLabel('New table', { exact: true }).fill('Leads');
    await page.getByRole('button', { name: 'Create table' }).click();
    await page.getByRole('heading', { name: 'Leads' }).waitFor();
    await page.getByText('No records yet.').waitFor();
    tableId = Number(page.url().match(/\/t\/(\d+)/)[1]);

    await addColumn('Email', 'email');
    await addColumn('Stage', 'select', ['New', 'Won', 'Lost']);
    await addColumn('Amount', 'number');
    await addColumn('Due', 'date');
    await addColumn('Signed', 'checkbox');
    const fields = (await api.get(`/workspaces/${(await api.get('/workspaces')).find((w) => w.name === 'Sales').id}/tables`))
      .find((t) => t.id === tableId).fields;
    assert.deepEqual(fields.map((f) => `${f.name}:${f.type}`),
      ['Name:text', 'Email:email', 'Stage:select', 'Amount:number', 'Due:date', 'Signed:checkbox']);
    assert.deepEqual(fields[2].options, ['New', 'Won', 'Lost']);
    assert.deepEqual(await unnamedControls(page), [], 'controls without a name on the table page');

    // Add a row: its first cell gets the focus, and typing edits it.
    await page.getByRole('button', { name: '+ Add row' }).click();
    const [first] = await eventually(async () => { const all = await records(); return all.length === 1 && all; },
      'the new row is not stored');
    await cell(page, first.id, 'Name').waitFor();
    await eventually(async () => (await focused())?.col === 'Name', 'the new row\'s first cell has no focus');
    await page.keyboard.type('Globex Corp');
    await page.keyboard.press('Tab');
    await page.keyboard.type('sales@globex.test');
    await page.keyboard.press('Enter');
    await eventually(async () => {
      const r = (await records())[0];
      return r.values.Name === 'Globex Corp' && r.values.Email === 'sales@globex.test';
    }, 'Name and Email typed with the keyboard are not stored');
    await assertCellText(first.id, 'Name', 'Globex Corp');

    // Arrows to Amount, type a number.
    await cell(page, first.id, 'Email').click();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal((await focused()).col, 'Amount');
    await page.keyboard.type('1200');
    await page.keyboard.press('Enter');
    await eventually(async () => (await records())[0].values.Amount === 1200, 'Amount 1200 is not stored');

    // The select editor: Enter opens it, arrows choose, Enter saves.
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focused()).col, 'Stage');
    await page.keyboard.press('Enter');
    await page.locator('.ag-cell-editor, .ag-select-list, .ag-popup-editor').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(async () => ['New', 'Won'].includes((await records())[0].values.Stage), 'Stage not stored from the select editor');

    // The date editor.
    await cell(page, first.id, 'Due').click();
    await page.keyboard.press('Enter');
    await page.locator('#grid input[type="date"]').fill('2027-03-01');
    await page.keyboard.press('Enter');
    await eventually(async () => (await records())[0].values.Due === '2027-03-01', 'Due not stored from the date editor');

    // The checkbox: Space (or Enter then Space) toggles it.
    await cell(page, first.id, 'Signed').click();
    await page.keyboard.press('Space');
    await eventually(async () => (await records())[0].values.Signed === true, 'Signed not stored from the checkbox', 3000)
      .catch(async () => {
        await page.keyboard.press('Enter');
        await page.keyboard.press('Space');
        await page.keyboard.press('Enter');
        await eventually(async () => (await records())[0].values.Signed === true, 'Signed not stored from the checkbox');
      });

    // A refused value: the API's message beside the cell, and the cell back to the stored value.
    await cell(page, first.id, 'Email').click();
    await page.keyboard.type('not an email');
    await page.keyboard.press('Enter');
    const message = page.locator('#cell-message');
    await message.waitFor();
    const shown = await message.innerText();
    assert.match(shown, /mail/i, `the message beside the cell should be the API's: ${shown}`);
    await assertCellText(first.id, 'Email', 'sales@globex.test');
    assert.equal((await records())[0].values.Email, 'sales@globex.test');
    await page.screenshot({ path: path.join(artifactsDir, 'grid-refused-value.png') });

    // More rows through the API; sort by header clicks, then search.
    for (const name of ['Acme', 'Zeta Systems', 'Initech']) {
      await api.post(`/tables/${tableId}/records`, { values: { Name: name, Amount: name.length } });
    }
    const hostileColumn = '<b onmouseover=alert(2)>Notes</b>';
    await api.post(`/tables/${tableId}/fields`, { name: hostileColumn, type: 'text' });
    await page.reload();
    await waitForRows(page);
    await page.getByText('4 records').waitFor();
    const header = page.locator('#grid .ag-header-cell', { hasText: 'Notes' });
    assert.equal((await header.innerText()).trim(), hostileColumn);
    assert.equal(await page.locator('#grid .ag-header b').count(), 0, 'a column name was parsed as HTML');
    await page.locator('#grid .ag-header-cell[col-id="Name"] .ag-header-cell-label').click();
    await eventually(async () => (await cellAtIndex(page, 0, 'Name').innerText()) === 'Acme', 'ascending sort by Name');
    await page.locator('#grid .ag-header-cell[col-id="Name"] .ag-header-cell-label').click();
    await eventually(async () => (await cellAtIndex(page, 0, 'Name').innerText()) === 'Zeta Systems', 'descending sort by Name');
    await page.locator('#view').getByLabel('Search', { exact: true }).fill('initech');
    await page.getByText('1 record match “initech”').waitFor();
    await eventually(async () => (await cellAtIndex(page, 0, 'Name').innerText()) === 'Initech', 'search result shown');
    await page.locator('#view').getByLabel('Search', { exact: true }).fill('nothing like this');
    await page.getByText('No record matches “nothing like this”.').waitFor();
    await page.locator('#view').getByLabel('Search', { exact: true }).fill('');
    await page.getByText('4 records', { exact: true }).waitFor();

    // Without the mouse: Tab from the search box into the grid, arrows to a cell, Esc cancels,
    // Enter edits, Enter saves.
    await page.locator('#view').getByLabel('Search', { exact: true }).focus();
    for (let i = 0; i < 12 && !(await focused()); i += 1) await page.keyboard.press('Tab');
    assert.ok(await focused(), 'Tab does not reach a cell of the grid');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    for (let i = 0; i < 4 && (await focused())?.col !== 'Name'; i += 1) await page.keyboard.press('ArrowLeft');
    const start = await focused();
    assert.equal(start?.col, 'Name', `keyboard focus: ${JSON.stringify(start)}`);
    assert.equal(start.index, '0');
    const firstId = Number(start.rowId);
    const firstName = (await api.get(`/tables/${tableId}/records/${firstId}`)).values.Name;
    await page.keyboard.type('typed then cancelled');
    await page.keyboard.press('Escape');
    await assertCellText(firstId, 'Name', firstName);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Keyboard Co');
    await page.keyboard.press('Enter');
    await eventually(async () => (await api.get(`/tables/${tableId}/records/${firstId}`)).values.Name === 'Keyboard Co',
      'the keyboard-only edit is not stored');
    await api.call('PATCH', `/tables/${tableId}/records/${firstId}`, { values: { Name: firstName } }, { expect: 200 });
    await page.reload();
    await waitForRows(page);

    // A hostile value typed in a cell stays text.
    const globex = await byName('Globex Corp');
    await cell(page, globex.id, 'Name').click();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(XSS);
    await page.keyboard.press('Enter');
    await eventually(async () => (await api.get(`/tables/${tableId}/records/${globex.id}`)).values.Name === XSS,
      'the hostile value is not stored');
    await assertCellText(globex.id, 'Name', XSS);
    assert.equal(await page.locator('#grid img').count(), 0, 'an <img> element was created from a cell value');

    // History: right-click → Show history → who, when, before → after.
    await cell(page, globex.id, 'Name').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Row actions' }).waitFor();
    await page.getByRole('menuitem', { name: 'Show history' }).click();
    const panel = page.getByRole('complementary', { name: 'Row history' });
    await panel.getByText(email).first().waitFor();
    const history = await panel.innerText();
    assert.match(history, /Globex Corp/);
    assert.match(history, /→/);
    assert.ok(history.includes(XSS), 'the history shows the hostile value as text');
    assert.equal(await panel.locator('img').count(), 0);
    await panel.getByRole('button', { name: 'Close history' }).click();

    // The context menu from the keyboard (Shift+F10) and Escape closes it.
    await cell(page, globex.id, 'Email').click();
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu', { name: 'Row actions' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('menu', { name: 'Row actions' }).waitFor({ state: 'detached' });

    // A stale edit: someone else changes the row; our edit is refused, the row reloads and says so.
    const acme = await byName('Acme');
    await api.call('PATCH', `/tables/${tableId}/records/${acme.id}`, { values: { Amount: 77 } }, { expect: 200 });
    await cell(page, acme.id, 'Amount').click();
    await page.keyboard.type('5');
    await page.keyboard.press('Enter');
    await page.locator('#cell-message').getByText(/reloaded/).waitFor();
    await assertCellText(acme.id, 'Amount', '77');
    assert.equal((await api.get(`/tables/${tableId}/records/${acme.id}`)).values.Amount, 77);

    // A menu closed as soon as opened (Shift+F10 then Esc, faster than a frame) leaves nothing
    // behind that would close the next one when its item is pressed.
    await cell(page, acme.id, 'Name').click();
    await page.evaluate(() => {
      const key = (target, init) => target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, ...init }));
      key(document.activeElement, { key: 'F10', shiftKey: true });
      key(document.getElementById('row-menu'), { key: 'Escape' });
    });
    await page.getByRole('menu', { name: 'Row actions' }).waitFor({ state: 'detached' });

    // Delete a row from the context menu.
    const zeta = await byName('Zeta Systems');
    await cell(page, zeta.id, 'Name').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete row' }).click();
    await page.getByRole('dialog', { name: 'Delete this row?' }).getByRole('button', { name: 'Delete row' }).click();
    await page.getByText('3 records', { exact: true }).waitFor();
    assert.equal(await byName('Zeta Systems'), undefined);

    // Export: the browser downloads the CSV.
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloadPromise;
    const exported = readFileSync(await download.path(), 'utf8');
    assert.match(exported.split(/\r?\n/)[0], /^Name,Email,Stage,Amount,Due,Signed/);
    assert.ok(exported.includes('Initech'), exported);

    // Import: dry run first (a bad line rejected), then import, then the rejected lines as CSV.
    const csvFile = path.join(artifactsDir, 'grid-import.csv');
    writeFileSync(csvFile, 'Name,Email,Amount\nHooli,ceo@hooli.test,10\nPied Piper,not-an-email,20\n' +
      '"Vandelay, Industries",art@vandelay.test,30\n');
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import into Leads' });
    assert.deepEqual(await unnamedControls(page), [], 'controls without a name in the import dialog');
    await dialog.getByLabel('CSV file').setInputFiles(csvFile);
    await dialog.getByRole('button', { name: 'Check the file' }).click();
    await dialog.getByText('2 lines would be added, 1 line would be rejected.').waitFor();
    const dry = await dialog.locator('table.results').innerText();
    assert.match(dry, /3\s+Rejected/, dry);
    assert.equal(await byName('Hooli'), undefined, 'the dry run stored nothing');
    await dialog.getByRole('button', { name: 'Import 2 lines' }).click();
    await dialog.getByText('2 lines were added, 1 line was rejected.').waitFor();
    const rejectedPromise = page.waitForEvent('download');
    await dialog.getByRole('button', { name: /Download the 1 rejected line/ }).click();
    const rejected = readFileSync(await (await rejectedPromise).path(), 'utf8');
    assert.match(rejected, /^Name,Email,Amount,Import error\r?\n/);
    assert.match(rejected, /Pied Piper,not-an-email,20,/);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await page.getByText('5 records', { exact: true }).waitFor();
    assert.ok(await byName('Vandelay, Industries'));

    assert.deepEqual(browser.problems, [], 'the page logged errors');
  });
});

async function assertCellText(rowId, colId, expected) {
  await eventually(async () => (await cell(page, rowId, colId).innerText()).trim() === expected,
    `cell ${colId} of row ${rowId} should show ${JSON.stringify(expected)}`).catch(async (error) => {
    const actual = await cell(page, rowId, colId).innerText().catch(() => '(no cell)');
    throw new Error(`${error.message}; it shows ${JSON.stringify(actual)}`);
  });
}
