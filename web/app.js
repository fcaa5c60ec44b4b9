// A plain first page over API v1: log in, list workspaces and tables, show a table's first
// records. Every value is set with textContent, never as HTML.
'use strict';

const state = { csrf: null };

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (state.csrf && method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
  const response = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(data && data.error ? data.error.message : response.statusText);
  return data;
}

function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function show(view) {
  document.getElementById('login-view').hidden = view !== 'login';
  document.getElementById('app-view').hidden = view !== 'app';
  document.getElementById('logout').hidden = view !== 'app';
}

async function openTable(table) {
  document.getElementById('table-title').textContent = table.name;
  const page = await api('GET', `/tables/${table.id}/records?limit=100`);
  document.getElementById('table-info').textContent =
    page.total === 0 ? 'No records yet.' : `${page.total} records` + (page.total > 100 ? ' (first 100 shown)' : '');
  const grid = document.getElementById('records');
  grid.replaceChildren();
  const head = el('tr');
  table.fields.forEach((field) => head.append(el('th', field.name)));
  grid.append(head);
  page.records.forEach((record) => {
    const row = el('tr');
    table.fields.forEach((field) => {
      const value = record.values[field.name];
      row.append(el('td', value === null || value === undefined ? '' : String(value)));
    });
    grid.append(row);
  });
}

async function loadWorkspaces() {
  const list = document.getElementById('workspaces');
  list.replaceChildren();
  for (const workspace of await api('GET', '/workspaces')) {
    const item = el('li', workspace.name);
    const tables = el('ul');
    for (const table of await api('GET', `/workspaces/${workspace.id}/tables`)) {
      const button = el('button', table.name);
      button.addEventListener('click', () => openTable(table).catch(alert));
      const entry = el('li');
      entry.append(button);
      tables.append(entry);
    }
    item.append(tables);
    list.append(item);
  }
}

async function start() {
  try {
    const me = await api('GET', '/me');
    state.csrf = me.csrfToken;
    document.getElementById('who').textContent = me.account.email;
    show('app');
    await loadWorkspaces();
  } catch (error) {
    show('login');
  }
}

document.getElementById('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await api('POST', '/login', {
      email: document.getElementById('email').value,
      password: document.getElementById('password').value,
    });
    await start();
  } catch (error) {
    document.getElementById('login-error').textContent = error.message;
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  await api('POST', '/logout').catch(() => {});
  state.csrf = null;
  show('login');
});

start();
