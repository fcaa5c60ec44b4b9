// Browser test harness: starts the real worktable binary on a free port with a fresh data
// folder, talks to its API for setup and checks, and drives Debian's chromium through
// playwright-core (installed by `npm ci --prefix web`; never a downloaded browser).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const webDir = path.join(repoDir, 'web');
export const artifactsDir = process.env.WORKTABLE_WEB_ARTIFACTS || path.join(tmpdir(), 'worktable-web-artifacts');
mkdirSync(artifactsDir, { recursive: true });

function loadPlaywright() {
  const require = createRequire(path.join(webDir, 'package.json'));
  try {
    return require('playwright-core');
  } catch (error) {
    throw new Error('playwright-core is not installed in web/node_modules: run `npm ci --prefix web` ' +
      '(scripts/setup.sh does it). ' + error.message);
  }
}

export const { chromium } = loadPlaywright();

// --------------------------------------------------------------------------- server

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url) {
  try {
    const response = await fetch(url + '/healthz');
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function startServer() {
  const binary = process.env.WORKTABLE_BINARY;
  if (!binary) throw new Error('WORKTABLE_BINARY is not set (ctest passes the worktable binary built by CMake).');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'worktable-web-'));
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = '';
    const child = spawn(binary, ['--port', String(port), '--host', '127.0.0.1', '--data', dataDir, '--no-demo',
      '--web', webDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => { log += chunk; });
    child.stderr.on('data', (chunk) => { log += chunk; });
    let exited = false;
    child.on('exit', () => { exited = true; });
    const deadline = Date.now() + 15000;
    while (!exited && Date.now() < deadline) {
      if (await healthy(url)) {
        return {
          url,
          dataDir,
          log: () => log,
          async stop() {
            if (!exited) {
              child.kill('SIGTERM');
              const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
              await new Promise((resolve) => (exited ? resolve() : child.on('exit', resolve)));
              clearTimeout(killer);
            }
            if (!process.env.WORKTABLE_KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!exited) child.kill('SIGKILL');
    lastLog = log;
  }
  throw new Error(`worktable did not become ready: ${binary}\n${lastLog}`);
}

// --------------------------------------------------------------------------- API client

export class Api {
  constructor(base, token) {
    this.base = base;
    this.token = token || null;
  }

  async call(method, apiPath, body, options = {}) {
    const headers = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let payload;
    if (options.csv !== undefined) {
      headers['Content-Type'] = 'text/csv; charset=utf-8';
      payload = options.csv;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(this.base + '/api/v1' + apiPath, { method, headers, body: payload });
    const text = await response.text();
    let data = text;
    if ((response.headers.get('Content-Type') || '').includes('json') && text) data = JSON.parse(text);
    if (options.expect !== undefined && response.status !== options.expect) {
      throw new Error(`${method} ${apiPath}: expected ${options.expect}, got ${response.status} ${text.slice(0, 500)}`);
    }
    return { status: response.status, data, headers: response.headers };
  }

  async get(apiPath) {
    return (await this.call('GET', apiPath, undefined, { expect: 200 })).data;
  }

  async post(apiPath, body, expect = 201) {
    return (await this.call('POST', apiPath, body, { expect })).data;
  }

  static async signup(base, { company, firstName = 'Ada', lastName = 'Admin', email, password }) {
    const api = new Api(base);
    await api.call('POST', '/signup', { company, firstName, lastName, email, password }, { expect: 201 });
    return Api.login(base, email, password);
  }

  static async login(base, email, password) {
    const api = new Api(base);
    const { data } = await api.call('POST', '/login', { email, password }, { expect: 200 });
    api.token = data.token;
    return api;
  }
}

// The newest mail to `to` in the server's outbox, and the token of its link.
export async function mailTo(server, to, { pathPart, timeoutMs = 10000 } = {}) {
  const dir = path.join(server.dataDir, 'outbox');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let files = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse();
    } catch {
      files = [];
    }
    for (const file of files) {
      const raw = readFileSync(path.join(dir, file), 'utf8');
      // Decode quoted-printable only when the mail says so: in an 8bit mail, "token=3F…" is
      // the link itself, and decoding it would break one token in sixteen.
      const quoted = /^content-transfer-encoding:\s*quoted-printable/im.test(raw);
      const text = quoted
        ? raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
        : raw;
      if (!text.toLowerCase().includes(to.toLowerCase())) continue;
      const link = text.match(/https?:\/\/[^\s"<>]+token=[A-Za-z0-9_\-.~%]+/);
      if (!link) continue;
      if (pathPart && !link[0].includes(pathPart)) continue;
      const url = new URL(link[0]);
      return { file, text, link: link[0], path: url.pathname + url.search, token: url.searchParams.get('token') };
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to}${pathPart ? ' with ' + pathPart : ''} in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

// --------------------------------------------------------------------------- browser

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser() {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'worktable-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15000);
  const page = context.pages()[0] || await context.newPage();
  const problems = watch(page);
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// Collects page errors and console errors (CSP violations among them).
export function watch(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // A failed API call the test provoked on purpose shows as a resource error; those are expected.
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  return problems;
}

// Runs one journey; on failure saves a screenshot and prints what the page showed. The last
// screen of every journey is kept as an artifact too.
export async function journey(name, page, body) {
  const safe = name.replace(/[^\w-]+/g, '-');
  try {
    await body();
    await page.screenshot({ path: path.join(artifactsDir, `${safe}.png`), fullPage: false }).catch(() => {});
  } catch (error) {
    const shot = path.join(artifactsDir, `${safe}-FAILED.png`);
    await page.screenshot({ path: shot, fullPage: false }).catch(() => {});
    let text = '';
    try {
      text = await page.locator('body').innerText({ timeout: 2000 });
    } catch {
      text = '(the page text could not be read)';
    }
    console.error(`\n--- journey "${name}" failed at ${page.url()}\n--- screenshot: ${shot}\n--- on screen:\n${text}\n---`);
    throw error;
  }
}

export function writeArtifact(name, content) {
  const file = path.join(artifactsDir, name);
  writeFileSync(file, content);
  return file;
}

// Visible form controls and buttons that have no accessible name (no label, aria-label,
// aria-labelledby, text or title): what a screen reader would announce as "edit" or "button".
export async function unnamedControls(page) {
  return page.evaluate(() => {
    const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const byIds = (ids) => (ids || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join('');
    const name = (el) => [el.getAttribute('aria-label'), byIds(el.getAttribute('aria-labelledby')),
      ...[...(el.labels || [])].map((label) => label.textContent), el.tagName === 'BUTTON' ? el.textContent : '',
      el.getAttribute('title')].some((text) => text && text.trim());
    return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
      .filter(visible).filter((el) => !name(el)).map((el) => el.outerHTML.slice(0, 160));
  });
}

// --------------------------------------------------------------------------- grid helpers

// AG Grid writes col-id HTML-escaped; the selector quotes it for CSS.
function colSelector(colId) {
  const escaped = colId.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  return `.ag-cell[col-id="${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"]`;
}

export function cell(page, rowId, colId) {
  return page.locator(`#grid .ag-row[row-id="${rowId}"] ${colSelector(colId)}`);
}

export function cellAtIndex(page, rowIndex, colId) {
  return page.locator(`#grid .ag-row[row-index="${rowIndex}"] ${colSelector(colId)}`);
}

// Waits until the grid shows data rows (not loading placeholders).
export async function waitForRows(page) {
  await page.locator('#grid .ag-row[row-id] .ag-cell[col-id]:not([col-id="#"])').first().waitFor();
}

export const strongPassword = 'correct horse battery staple';
