// Journey of an admin in the Users table: license counter, add staff rows with the keyboard,
// activate one (Validation result OK, counter moves, invitation mail whose link sets the
// password), exceed the licenses (the row says so), locked fields, delete an Active row (the
// explanation), set it Inactive, delete it; then forgot/reset password through the mail link.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  Api, artifactsDir, cell, journey, launchBrowser, mailTo, startServer, strongPassword, unnamedControls, waitForRows,
} from './harness.mjs';

let server;
let browser;
let page;
let api;
let usersTableId;
const admin = 'ada@initech.test';

before(async () => {
  server = await startServer();
  api = await Api.signup(server.url, { company: 'Initech', firstName: 'Ada', lastName: 'Admin', email: admin,
    password: strongPassword });
  usersTableId = (await api.get('/admin')).usersTableId;
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const view = () => page.locator('#view');

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

async function userRow(email) {
  const { records } = await api.get(`/tables/${usersTableId}/records?limit=1000`);
  return records.find((r) => (r.values.Email || '').toLowerCase() === email);
}

async function logIn(email, password) {
  await view().getByLabel('Email', { exact: true }).fill(email);
  await view().getByLabel('Password', { exact: true }).fill(password);
  await view().getByRole('button', { name: 'Log in' }).click();
}

// Adds a row with "+ Add row" and fills it with the keyboard only: type, Tab, …, the Status
// select with arrows, Enter.
async function addStaff({ userId, first, last, email }) {
  const before = (await api.get(`/tables/${usersTableId}/records?limit=1000`)).total;
  await view().getByRole('button', { name: '+ Add row' }).click();
  await eventually(async () => (await api.get(`/tables/${usersTableId}/records?limit=1000`)).total === before + 1,
    'the new row is not stored');
  await eventually(() => page.evaluate(() => document.activeElement?.closest('.ag-cell')?.getAttribute('col-id') === 'User ID'),
    'the new row\'s User ID cell has no focus');
  await page.keyboard.type(userId);
  await page.keyboard.press('Tab');
  await page.keyboard.type(first);
  await page.keyboard.press('Tab');
  await page.keyboard.type(last);
  await page.keyboard.press('Tab');
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await eventually(async () => (await userRow(email))?.values['User ID'] === userId, `${email} is not stored`);
  return userRow(email);
}

async function setStatus(recordId, status) {
  await cell(page, recordId, 'Status').click();
  await page.keyboard.press('Enter');
  await page.getByRole('option', { name: status, exact: true }).click();
}

test('the admin journey in the Users table', async () => {
  await journey('users', page, async () => {
    await page.goto(server.url + '/');
    await logIn(admin, strongPassword);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & licenses' }).click();
    await view().getByRole('heading', { name: 'Users' }).waitFor();
    await waitForRows(page);
    const counter = page.locator('#license-count');
    await eventually(async () => (await counter.innerText()) === '1 of 5 licenses used', 'license counter 1 of 5');
    const me = await userRow(admin);
    await assertClass(cell(page, me.id, 'Validation result'), /vr-ok/);

    // The admin lowers the total to 2; below the used count the API's refusal is shown.
    await page.getByRole('button', { name: 'Change total' }).click();
    assert.deepEqual(await unnamedControls(page), [], 'controls without a name on the Users page');
    await page.getByLabel('Total licenses').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#licenses .form-error').getByText(/./).waitFor();
    await page.getByLabel('Total licenses').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await eventually(async () => (await counter.innerText()) === '1 of 2 licenses used', 'license counter 1 of 2');
    assert.equal((await api.get('/admin')).licenses.total, 2);

    // A staff row, activated: Validation result OK, the counter moves, a mail goes out.
    const jb = await addStaff({ userId: 'jb', first: 'Juliette', last: 'Binoche', email: 'jb@initech.test' });
    await setStatus(jb.id, 'Active');
    await eventually(async () => (await userRow('jb@initech.test')).values['Validation result'] === 'OK', 'jb is not OK');
    await eventually(async () => (await counter.innerText()) === '2 of 2 licenses used', 'license counter 2 of 2');
    await assertClass(cell(page, jb.id, 'Validation result'), /vr-ok/);
    await page.getByText('No license free').waitFor();

    // Once the account exists, User ID is locked: Enter or typing opens no editor.
    await assertClass(cell(page, jb.id, 'User ID'), /cell-locked/);
    await cell(page, jb.id, 'User ID').click();
    await page.keyboard.press('Enter');
    await page.keyboard.type('zz');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#grid .ag-cell-inline-editing').count(), 0);
    assert.equal((await cell(page, jb.id, 'User ID').innerText()).trim(), 'jb');
    assert.equal((await userRow('jb@initech.test')).values['User ID'], 'jb');
    // Its name still changes, and the account follows.
    await cell(page, jb.id, 'First Name').click();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Julie');
    await page.keyboard.press('Enter');
    await eventually(async () => (await userRow('jb@initech.test')).values['First Name'] === 'Julie', 'First Name change');

    // The invitation link of the mail sets the person's password and logs them in.
    const invitation = await mailTo(server, 'jb@initech.test', { pathPart: '/accept-invitation' });
    const other = await launchBrowser();
    try {
      await other.page.goto(server.url + invitation.path);
      await other.page.getByRole('heading', { name: 'Welcome to Worktable' }).waitFor();
      await other.page.getByLabel('New password').fill('jb has a long password');
      await other.page.getByLabel('Repeat the password').fill('jb has a long password');
      await other.page.getByRole('button', { name: 'Set my password and log in' }).click();
      await other.page.locator('#who').getByText('jb@initech.test').waitFor();
      await other.page.getByRole('heading', { name: /Workspaces/ }).waitFor();
      await other.page.screenshot({ path: path.join(artifactsDir, 'users-invited-person.png') });
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }

    // A second row, activated with no license free: stored, not Active, and the row says why.
    const cd = await addStaff({ userId: 'cd', first: 'Claire', last: 'Denis', email: 'cd@initech.test' });
    await setStatus(cd.id, 'Active');
    await eventually(async () => {
      const row = await userRow('cd@initech.test');
      return row.values['Validation result'] && row.values['Validation result'] !== 'OK' && row.values.Status !== 'Active';
    }, 'cd should be refused for want of a license');
    await assertClass(cell(page, cd.id, 'Validation result'), /vr-warn/);
    const warning = (await userRow('cd@initech.test')).values['Validation result'];
    await page.locator('#cell-message').getByText(warning).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'users-license-limit.png') });

    // Deleting an Active row explains what to do first.
    await cell(page, jb.id, 'Email').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete row' }).click();
    await page.getByRole('dialog', { name: 'Delete this row?' }).getByRole('button', { name: 'Delete row' }).click();
    await page.locator('.notice-bar').getByText(/Inactive/).waitFor();
    assert.ok(await userRow('jb@initech.test'), 'the Active row must stay');

    // Inactive frees the license; then the row can be deleted.
    await setStatus(jb.id, 'Inactive');
    await eventually(async () => (await userRow('jb@initech.test')).values.Status === 'Inactive', 'jb Inactive');
    await eventually(async () => (await counter.innerText()) === '1 of 2 licenses used', 'license counter back to 1 of 2');
    await cell(page, jb.id, 'Email').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete row' }).click();
    await page.getByRole('dialog', { name: 'Delete this row?' }).getByRole('button', { name: 'Delete row' }).click();
    await eventually(async () => !(await userRow('jb@initech.test')), 'jb is not deleted');
    await cell(page, jb.id, 'Email').waitFor({ state: 'detached' });
    // The history of a deleted row stays (API).
    const history = await api.get(`/tables/${usersTableId}/records/${jb.id}/history`);
    assert.ok(history.length >= 3, JSON.stringify(history));
    await page.screenshot({ path: path.join(artifactsDir, 'users-grid.png') });
    assert.deepEqual(browser.problems, [], 'the page logged errors');
  });
});

test('forgot password: the mailed link sets a new one', async () => {
  await journey('reset-password', page, async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await view().getByRole('heading', { name: 'Log in' }).waitFor();
    await view().getByRole('link', { name: 'Forgot your password?' }).click();
    await view().getByLabel('Email').fill(admin);
    await view().getByRole('button', { name: 'Send me a reset link' }).click();
    await view().getByText(/a link to choose a new password is on its way/).waitFor();
    const mail = await mailTo(server, admin, { pathPart: '/reset-password' });
    await page.goto(server.url + mail.path);
    await view().getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await view().getByLabel('New password').fill('short');
    await view().getByLabel('Repeat the password').fill('short');
    await view().getByRole('button', { name: 'Save the new password' }).click();
    await view().locator('.form-error').getByText(/New password/).waitFor();
    await view().getByLabel('New password').fill('a brand new long password');
    await view().getByLabel('Repeat the password').fill('a brand new long password');
    await view().getByRole('button', { name: 'Save the new password' }).click();
    await view().getByText('Your password is changed.').waitFor();
    await view().getByRole('link', { name: 'Log in with it' }).click();
    await logIn(admin, 'a brand new long password');
    await view().getByRole('heading', { name: /Workspaces/ }).waitFor();
    // A used link says so.
    await page.goto(server.url + mail.path);
    await view().getByLabel('New password').fill('yet another long password');
    await view().getByLabel('Repeat the password').fill('yet another long password');
    await view().getByRole('button', { name: 'Save the new password' }).click();
    await view().locator('.form-error').waitFor();
    assert.deepEqual(browser.problems, [], 'the page logged errors');
  });
});

async function assertClass(locator, pattern) {
  await eventually(async () => pattern.test(await locator.getAttribute('class')),
    `expected class ${pattern}`).catch(async (error) => {
    throw new Error(`${error.message}; it has "${await locator.getAttribute('class').catch(() => '(none)')}"`);
  });
}
