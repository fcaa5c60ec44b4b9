// Journey: share a workspace with a partner from another company through the members dialog
// (invite, resend, revoke), accept the mailed link in a second browser, see the partner as an
// external read-only row of the Users grid, change the role, remove the partner: the row goes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  Api, artifactsDir, cell, journey, launchBrowser, mailTo, startServer, strongPassword, unnamedControls, waitForRows,
} from './harness.mjs';

let server;
let browser;
let page;
let alice;
let workspace;
let usersTableId;
const aliceEmail = 'alice@acme.test';
const bobEmail = 'bob@bravo.test';

before(async () => {
  server = await startServer();
  alice = await Api.signup(server.url, { company: 'Acme', firstName: 'Alice', lastName: 'Admin', email: aliceEmail,
    password: strongPassword });
  await Api.signup(server.url, { company: 'Bravo', firstName: 'Bob', lastName: 'Partner', email: bobEmail,
    password: strongPassword });
  workspace = await alice.post('/workspaces', { name: 'Shared' });
  usersTableId = (await alice.get('/admin')).usersTableId;
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

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

async function logIn(p, email) {
  await p.locator('#view').getByLabel('Email', { exact: true }).first().fill(email);
  await p.locator('#view').getByLabel('Password', { exact: true }).first().fill(strongPassword);
  await p.locator('#view').getByRole('button', { name: 'Log in' }).click();
}

async function bobRow() {
  const { records } = await alice.get(`/tables/${usersTableId}/records?limit=1000`);
  return records.find((r) => r.values.Email === bobEmail);
}

function membersDialog() {
  return page.getByRole('dialog', { name: 'Share Shared' });
}

async function openShare() {
  await page.goto(server.url + '/#/');
  await page.locator('.card', { hasText: 'Shared' }).getByRole('button', { name: 'Share…' }).click();
  await membersDialog().waitFor();
}

test('a partner is invited, accepts, shows as an external read-only row, and goes when removed', async () => {
  await journey('partner', page, async () => {
    await page.goto(server.url + '/');
    await logIn(page, aliceEmail);
    await page.locator('#view').getByRole('heading', { name: /Workspaces/ }).waitFor();

    // Invite the partner, and someone else whose invitation is then revoked.
    await openShare();
    const dialog = membersDialog();
    await dialog.getByLabel('Invite by email').fill(bobEmail);
    await dialog.getByLabel('Role', { exact: true }).selectOption('editor');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    const bobPending = dialog.locator('tr', { hasText: bobEmail });
    await bobPending.getByText('Invitation pending').waitFor();
    await bobPending.getByRole('button', { name: 'Resend' }).click();
    await dialog.getByText(`Invitation sent again to ${bobEmail}.`).waitFor();
    await dialog.getByLabel('Invite by email').fill('ghost@nowhere.test');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    const ghost = dialog.locator('tr', { hasText: 'ghost@nowhere.test' });
    await ghost.getByText('Invitation pending').waitFor();
    await ghost.getByRole('button', { name: 'Revoke' }).click();
    await ghost.waitFor({ state: 'detached' });
    const members = await alice.get(`/workspaces/${workspace.id}/members`);
    assert.ok(!members.some((m) => m.email === 'ghost@nowhere.test'), JSON.stringify(members));
    await page.screenshot({ path: path.join(artifactsDir, 'partner-members-dialog.png') });
    assert.deepEqual(await unnamedControls(page), [], 'controls without a name in the members dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The partner opens the mailed link in another browser, logs in, accepts.
    const mail = await mailTo(server, bobEmail, { pathPart: '/accept-workspace-invitation' });
    const other = await launchBrowser();
    try {
      const bobPage = other.page;
      await bobPage.goto(server.url + mail.path);
      await bobPage.getByRole('heading', { name: 'Join a workspace' }).waitFor();
      await logIn(bobPage, bobEmail);
      await bobPage.locator('#view').getByRole('heading', { name: 'Shared' }).waitFor();
      assert.match(await bobPage.locator('#company-switcher').innerText(), /Acme \(guest\)/);
      await bobPage.screenshot({ path: path.join(artifactsDir, 'partner-accepted.png') });
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }

    // The partner is an external, read-only row of Acme's Users grid.
    const row = await eventually(bobRow, 'no Users row for the partner');
    assert.equal(row.values['External?'], true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & licenses' }).click();
    await waitForRows(page);
    const rowElement = page.locator(`#grid .ag-row[row-id="${row.id}"]`).last();
    await eventually(async () => /row-external/.test(await rowElement.getAttribute('class')), 'the row is not marked external');
    await cell(page, row.id, 'First Name').click();
    await page.keyboard.press('Enter');
    await page.keyboard.type('X');
    assert.equal(await page.locator('#grid .ag-cell-inline-editing').count(), 0, 'an external row opened an editor');
    await page.keyboard.press('Escape');
    await cell(page, row.id, 'Email').click({ button: 'right' });
    assert.equal(await page.getByRole('menuitem', { name: 'Delete row' }).isDisabled(), true);
    await page.getByText('External users are removed from the workspaces they were invited into.').waitFor();
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(artifactsDir, 'partner-users-grid.png') });

    // Change the partner's role, then remove the partner: the Users row disappears.
    await openShare();
    const bobMember = membersDialog().locator('tr', { hasText: bobEmail });
    await bobMember.getByText('External').waitFor();
    await bobMember.getByLabel(`Role of ${bobEmail}`).selectOption('viewer');
    await membersDialog().getByText(`${bobEmail} is now viewer.`).waitFor();
    assert.equal((await alice.get(`/workspaces/${workspace.id}/members`)).find((m) => m.email === bobEmail).role, 'viewer');
    await bobMember.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog', { name: 'Remove access?' }).getByRole('button', { name: 'Remove' }).click();
    await membersDialog().getByText(`${bobEmail} removed.`).waitFor();
    await page.keyboard.press('Escape');
    await eventually(async () => !(await bobRow()), 'the partner\'s Users row is still there');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & licenses' }).click();
    await waitForRows(page);
    await page.getByText('1 record', { exact: true }).waitFor();
    assert.equal(await cell(page, row.id, 'Email').count(), 0);
    assert.deepEqual(browser.problems, [], 'the page logged errors');
  });
});
