// Worktable's page: routing (the mail links by path, everything else by #hash) and the top bar.
import { api, onUnauthorized, setCsrf } from './api.js';
import { h } from './dom.js';
import {
  acceptInvitationPage, acceptWorkspaceInvitationPage, forgotPage, loginPage, notFoundPage, resetPasswordPage,
  signupPage, workspacePage, workspacesPage,
} from './pages.js';
import { currentCompany, forgetMe, loadMe, setCompany, state } from './state.js';
import { tablePage } from './table.js';

const view = document.getElementById('view');
let dispose = null;
let routeCounter = 0;
let sessionNotice = null;

function mount(result) {
  if (dispose) {
    try {
      dispose();
    } catch (error) {
      console.error(error);
    }
  }
  dispose = result.dispose || null;
  view.replaceChildren(result.view);
  const heading = view.querySelector('h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  if (result.focus) result.focus();
  else if (heading) heading.focus();
}

function renderChrome() {
  const nav = document.getElementById('topnav');
  const who = document.getElementById('who');
  const logout = document.getElementById('logout');
  const me = state.me;
  nav.hidden = !me;
  logout.hidden = !me;
  who.textContent = me ? me.account.email : '';
  if (!me) return;
  const companies = me.companies || [];
  const switcherLabel = document.getElementById('company-switcher-label');
  const switcher = document.getElementById('company-switcher');
  const name = document.getElementById('company-name');
  switcherLabel.hidden = companies.length < 2;
  name.hidden = companies.length >= 2;
  switcher.replaceChildren(...companies.map((c) =>
    h('option', { value: String(c.id), selected: c.id === state.companyId }, c.external ? `${c.name} (guest)` : c.name)));
  const company = currentCompany();
  name.textContent = company ? company.name : '';
  document.getElementById('nav-admin').hidden = !(company && company.admin);
}

function parseHash() {
  const hash = location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(query || '') };
}

async function route() {
  const id = ++routeCounter;
  const path = location.pathname.replace(/\.html$/, '').replace(/\/+$/, '');
  const token = new URLSearchParams(location.search).get('token');
  try {
    // Pages reached from a mail link, by path.
    if (path === '/accept-invitation') return mount(acceptInvitationPage(token));
    if (path === '/reset-password') return mount(resetPasswordPage(token));
    if (path === '/accept-workspace-invitation') return mount(acceptWorkspaceInvitationPage(token));
    if (path !== '' && path !== '/index') {
      location.replace('/' + location.hash);
      return undefined;
    }
    const { parts } = parseHash();
    const [first] = parts;
    if (first === 'signup') return mount(signupPage());
    if (first === 'forgot') return mount(forgotPage());
    if (!state.me) {
      const returnTo = first === 'login' ? null : location.hash;
      const notice = sessionNotice;
      sessionNotice = null;
      if (first !== 'login') history.replaceState(null, '', '#/login');
      return mount(loginPage({ returnTo, notice }));
    }
    if (first === 'login') {
      location.replace('#/');
      return undefined;
    }
    let result;
    if (!first) {
      result = await workspacesPage();
    } else if (first === 'admin') {
      const company = currentCompany();
      const query = company ? `?company=${company.id}` : '';
      const admin = await api('GET', '/admin' + query);
      location.replace(`#/w/${admin.workspaceId}/t/${admin.usersTableId}`);
      return undefined;
    } else if (first === 'w' && parts.length === 2) {
      result = await workspacePage(Number(parts[1]));
    } else if (first === 'w' && parts.length === 4 && parts[2] === 't') {
      result = await tablePage(Number(parts[1]), Number(parts[3]));
    } else {
      result = notFoundPage('This page');
    }
    if (id !== routeCounter) {
      if (result.dispose) result.dispose();
      return undefined;
    }
    renderChrome();
    return mount(result);
  } catch (error) {
    if (id !== routeCounter) return undefined;
    if (error.status === 401) return undefined; // onUnauthorized re-routes
    if (error.status === 404 || error.status === 403) {
      return mount({ view: h('section', { class: 'page' }, h('h1', null, error.status === 404 ? 'Not found' : 'Not allowed'),
        h('p', { role: 'alert' }, error.message), h('p', null, h('a', { href: '#/' }, 'Back to the workspaces'))) });
    }
    console.error(error);
    return mount({ view: h('section', { class: 'page' }, h('h1', null, 'Something went wrong'),
      h('p', { role: 'alert', class: 'form-error' }, error.message),
      h('p', null, h('button', { type: 'button', onclick: () => route() }, 'Try again'))) });
  }
}

onUnauthorized(() => {
  if (!state.me) return;
  forgetMe();
  renderChrome();
  sessionNotice = 'Your session has ended. Log in again to continue.';
  route();
});

document.getElementById('logout').addEventListener('click', async () => {
  await api('POST', '/logout').catch(() => {});
  forgetMe();
  setCsrf(null);
  renderChrome();
  if (location.pathname !== '/' && location.pathname !== '/index.html') {
    location.assign('/#/login');
    return;
  }
  location.hash = '#/login';
  route();
});

document.getElementById('company-switcher').addEventListener('change', (event) => {
  setCompany(Number(event.target.value));
  renderChrome();
  if (location.hash === '#/' || location.hash === '') route();
  else location.hash = '#/';
});

window.addEventListener('hashchange', () => route());

(async function start() {
  try {
    await loadMe();
  } catch (error) {
    console.error(error);
  }
  renderChrome();
  route();
})();
