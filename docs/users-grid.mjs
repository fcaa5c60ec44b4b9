// Makes docs/users-grid.png, the README's picture of the Users grid:
//
//   node docs/users-grid.mjs [path/to/worktable]     (default: build/server/worktable)
//
// Starts the server on a free loopback port with a fresh data folder (the browser tests'
// harness), fills a company's Users table through the API with the states an admin meets
// (active staff, a row refused for a missing email, an inactive leaver, an external partner),
// then photographs the grid in Debian's headless Chromium.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Api, launchBrowser, mailTo, repoDir, startServer, strongPassword, waitForRows } from '../tests/web/harness.mjs';

const binary = path.resolve(process.argv[2] || process.env.WORKTABLE_BINARY || path.join(repoDir, 'build/server/worktable'));
if (!existsSync(binary)) {
  console.error(`no worktable binary at ${binary}: build it first (bash scripts/setup.sh) or give its path`);
  process.exit(1);
}
process.env.WORKTABLE_BINARY = binary;
const output = path.join(repoDir, 'docs', 'users-grid.png');
const admin = 'ada@initech.test';

const staff = [
  ['jdoe', 'John', 'Doe', 'john.doe@initech.test', 'Active'],
  ['mchen', 'Mei', 'Chen', 'mei.chen@initech.test', 'Active'],
  ['okafor', 'Chidi', 'Okafor', 'chidi.okafor@initech.test', 'Active'],
  ['lblanc', 'Louise', 'Blanc', null, 'Active'], // refused: no email
  ['pnovak', 'Petr', 'Novák', 'petr.novak@initech.test', 'Active'],
  ['sgarcia', 'Sofía', 'García', 'sofia.garcia@initech.test', null], // not activated yet
];

async function fill(server) {
  const api = await Api.signup(server.url, { company: 'Initech', firstName: 'Ada', lastName: 'Admin', email: admin,
    password: strongPassword });
  await api.call('PUT', '/admin/licenses', { total: 10 }, { expect: 200 });
  const { usersTableId } = await api.get('/admin');
  for (const [userId, first, last, email, status] of staff) {
    const row = await api.post(`/tables/${usersTableId}/records`,
      { values: { 'User ID': userId, 'First Name': first, 'Last Name': last, Email: email } });
    if (status) await api.call('PATCH', `/tables/${usersTableId}/records/${row.id}`, { values: { Status: status } }, { expect: 200 });
  }
  // A leaver: activated, then set Inactive (license freed, history kept).
  const leaver = await api.post(`/tables/${usersTableId}/records`,
    { values: { 'User ID': 'rmoss', 'First Name': 'Ray', 'Last Name': 'Moss', Email: 'ray.moss@initech.test' } });
  await api.call('PATCH', `/tables/${usersTableId}/records/${leaver.id}`, { values: { Status: 'Active' } }, { expect: 200 });
  await api.call('PATCH', `/tables/${usersTableId}/records/${leaver.id}`, { values: { Status: 'Inactive' } }, { expect: 200 });
  // A partner from another company, invited into a workspace: an external, read-only row.
  const partnerEmail = 'bob@bravo.test';
  const bob = await Api.signup(server.url, { company: 'Bravo', firstName: 'Bob', lastName: 'Partner', email: partnerEmail,
    password: strongPassword });
  const workspace = await api.post('/workspaces', { name: 'Projects' });
  await api.post(`/workspaces/${workspace.id}/invitations`, { email: partnerEmail, role: 'editor' });
  const mail = await mailTo(server, partnerEmail, { pathPart: '/accept-workspace-invitation' });
  await bob.call('POST', '/workspace-invitations/accept', { token: mail.token }, { expect: 200 });
}

const server = await startServer();
let browser;
try {
  await fill(server);
  browser = await launchBrowser();
  const { page } = browser;
  await page.setViewportSize({ width: 1400, height: 680 });
  await page.goto(server.url + '/');
  await page.locator('#view').getByLabel('Email', { exact: true }).fill(admin);
  await page.locator('#view').getByLabel('Password', { exact: true }).fill(strongPassword);
  await page.locator('#view').getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users & licenses' }).click();
  await waitForRows(page);
  await page.getByText('9 records', { exact: true }).waitFor();
  // The focus ring on one cell, as a person editing would see it.
  await page.locator('#grid .ag-row[row-index="5"] .ag-cell[col-id="Email"]').click();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: output });
  console.log(`wrote ${path.relative(process.cwd(), output)}`);
} finally {
  await browser?.close();
  await server.stop();
}
