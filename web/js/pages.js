// The pages around the grid: sign up, log in, password links, invitations, workspaces, tables.
import { api, setCsrf } from './api.js';
import { announce, field, h, plural } from './dom.js';
import { companyById, currentCompany, loadMe, loadWorkspaces, roleAtLeast, setCompany, state } from './state.js';
import { openMembersDialog } from './sharing.js';

const MIN_PASSWORD = 10;

// A form with a submit button, an error line (role=alert) and a busy state.
function form({ className, fields, submitLabel, onSubmit, after }) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const node = h('form', { class: 'form ' + (className || ''), novalidate: true }, fields,
    h('div', { class: 'actions' }, submit), error, after);
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const invalid = [...node.elements].find((el) => el.willValidate && !el.checkValidity());
    if (invalid) {
      const label = node.querySelector(`label[for="${invalid.id}"]`);
      error.textContent = `${label ? label.textContent : 'A field'}: ${invalid.validationMessage}`;
      invalid.focus();
      return;
    }
    submit.disabled = true;
    node.setAttribute('aria-busy', 'true');
    try {
      await onSubmit();
    } catch (failure) {
      error.textContent = failure.message;
    } finally {
      submit.disabled = false;
      node.removeAttribute('aria-busy');
    }
  });
  return { node, error };
}

function input(props) {
  return h('input', { ...props });
}

function page(title, ...content) {
  document.title = `${title} · Worktable`;
  return h('section', { class: 'page narrow' }, h('h1', null, title), content);
}

function passwordFields() {
  const password = input({ type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD });
  const again = input({ type: 'password', autocomplete: 'new-password', required: true });
  const check = () => {
    again.setCustomValidity(again.value === password.value ? '' : 'The two passwords differ.');
  };
  password.addEventListener('input', check);
  again.addEventListener('input', check);
  return {
    password,
    nodes: [field('New password', password, `At least ${MIN_PASSWORD} characters.`), field('Repeat the password', again)],
  };
}

export async function logIn(email, password) {
  const answer = await api('POST', '/login', { email, password }, { quiet401: true });
  setCsrf(answer.csrfToken);
  await loadMe();
}

// Login form; onDone runs once logged in.
export function loginForm({ onDone, notice }) {
  const email = input({ type: 'email', autocomplete: 'username', required: true });
  const password = input({ type: 'password', autocomplete: 'current-password', required: true });
  const { node } = form({
    className: 'login-form',
    fields: [notice ? h('p', { class: 'notice' }, notice) : null, field('Email', email), field('Password', password)],
    submitLabel: 'Log in',
    onSubmit: async () => {
      await logIn(email.value.trim(), password.value);
      await onDone();
    },
  });
  return { node, focus: () => email.focus() };
}

export function signupForm({ onDone }) {
  const company = input({ type: 'text', autocomplete: 'organization', required: true });
  const first = input({ type: 'text', autocomplete: 'given-name', required: true });
  const last = input({ type: 'text', autocomplete: 'family-name', required: true });
  const email = input({ type: 'email', autocomplete: 'email', required: true });
  const password = input({ type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD });
  const { node } = form({
    className: 'signup-form',
    fields: [field('Company', company), field('First name', first), field('Last name', last), field('Email', email),
      field('Password', password, `At least ${MIN_PASSWORD} characters. An existing account may use its own ` +
        'password here to found another company.')],
    submitLabel: 'Create the company',
    onSubmit: async () => {
      await api('POST', '/signup', {
        company: company.value.trim(), firstName: first.value.trim(), lastName: last.value.trim(),
        email: email.value.trim(), password: password.value,
      });
      await logIn(email.value.trim(), password.value);
      await onDone();
    },
  });
  return { node, focus: () => company.focus() };
}

export function loginPage({ returnTo, notice }) {
  const { node, focus } = loginForm({
    notice,
    onDone: async () => {
      location.hash = returnTo && !returnTo.startsWith('#/login') ? returnTo : '#/';
    },
  });
  const view = page('Log in', node,
    h('p', { class: 'links' }, h('a', { href: '#/forgot' }, 'Forgot your password?'), ' · ',
      h('a', { href: '#/signup' }, 'New here? Create a company')));
  return { view, focus };
}

export function signupPage() {
  const { node, focus } = signupForm({ onDone: async () => { location.hash = '#/'; } });
  const view = page('Create your company', h('p', null,
    'You become its administrator and hold its first license. You can add your colleagues afterwards, ' +
    'in the Users table of the Administration workspace.'), node,
  h('p', { class: 'links' }, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')));
  return { view, focus };
}

export function forgotPage() {
  const email = input({ type: 'email', autocomplete: 'email', required: true });
  const done = h('p', { class: 'success', role: 'status' });
  const { node } = form({
    fields: [field('Email', email)],
    submitLabel: 'Send me a reset link',
    onSubmit: async () => {
      await api('POST', '/password/forgot', { email: email.value.trim() });
      done.textContent = 'If an account uses this email, a link to choose a new password is on its way. ' +
        'It works once and expires.';
    },
  });
  const view = page('Forgot your password?', h('p', null, 'Give the email you log in with.'), node, done,
    h('p', { class: 'links' }, h('a', { href: '#/login' }, 'Back to log in')));
  return { view, focus: () => email.focus() };
}

function missingToken(title) {
  return {
    view: page(title, h('p', { class: 'form-error', role: 'alert' },
      'This link is incomplete: it has no token. Open the link from your mail again, in full.'),
    h('p', { class: 'links' }, h('a', { href: '/#/login' }, 'Go to log in'))),
  };
}

export function resetPasswordPage(token) {
  if (!token) return missingToken('Choose a new password');
  const { password, nodes } = passwordFields();
  const done = h('div', { role: 'status' });
  const { node } = form({
    fields: nodes,
    submitLabel: 'Save the new password',
    onSubmit: async () => {
      await api('POST', '/password/reset', { token, password: password.value });
      node.hidden = true;
      done.append(h('p', { class: 'success' }, 'Your password is changed. '),
        h('p', null, h('a', { href: '/#/login' }, 'Log in with it')));
    },
  });
  return { view: page('Choose a new password', node, done), focus: () => password.focus() };
}

export function acceptInvitationPage(token) {
  if (!token) return missingToken('Welcome to Worktable');
  const { password, nodes } = passwordFields();
  const { node } = form({
    fields: nodes,
    submitLabel: 'Set my password and log in',
    onSubmit: async () => {
      const answer = await api('POST', '/invitations/accept', { token, password: password.value });
      await logIn(answer.account.email, password.value);
      location.replace('/#/');
    },
  });
  return {
    view: page('Welcome to Worktable', h('p', null, 'Your administrator created an account for you. ' +
      'Choose your password to start.'), node),
    focus: () => password.focus(),
  };
}

export function acceptWorkspaceInvitationPage(token) {
  if (!token) return missingToken('Join a workspace');
  const section = page('Join a workspace');
  const body = h('div');
  section.append(body);
  const accept = async () => {
    const answer = await api('POST', '/workspace-invitations/accept', { token });
    await loadMe();
    const workspaces = await loadWorkspaces();
    const workspace = workspaces.find((w) => w.id === answer.workspaceId);
    if (workspace) setCompany(workspace.companyId);
    location.replace(`/#/w/${answer.workspaceId}`);
  };
  const renderLoggedOut = () => {
    const login = loginForm({
      notice: 'You were invited into a workspace. Log in with the invited email to accept. ' +
        'No account yet? Create one below; it will then accept the invitation.',
      onDone: accept,
    });
    const signup = signupForm({ onDone: accept });
    const signupBox = h('details', { class: 'signup-box' }, h('summary', null, 'Create an account'), signup.node);
    body.replaceChildren(login.node, signupBox);
    return login.focus;
  };
  const renderLoggedIn = () => {
    const { node } = form({
      fields: [h('p', null, 'You are logged in as ', h('strong', null, state.me.account.email),
        '. Accept the invitation with this account?')],
      submitLabel: 'Accept the invitation',
      onSubmit: accept,
    });
    body.replaceChildren(node, h('p', { class: 'links' }, 'Another account? ',
      h('button', { type: 'button', class: 'link', onclick: async () => {
        await api('POST', '/logout').catch(() => {});
        setCsrf(null);
        state.me = null;
        renderLoggedOut()();
      } }, 'Log out first')));
    return () => node.querySelector('button').focus();
  };
  const focus = state.me ? renderLoggedIn() : renderLoggedOut();
  return { view: section, focus };
}

// ---------------------------------------------------------------- workspaces

function roleBadge(role) {
  return h('span', { class: `badge role-${role}` }, role);
}

export async function workspacesPage() {
  const company = currentCompany();
  const workspaces = (await loadWorkspaces()).filter((w) => !company || w.companyId === company.id);
  document.title = 'Workspaces · Worktable';
  const list = h('ul', { class: 'cards', 'aria-label': 'Workspaces' });
  for (const workspace of workspaces) {
    const share = roleAtLeast(workspace.role, 'admin')
      ? h('button', { type: 'button', class: 'quiet', onclick: () => openMembersDialog(workspace) },
        'Share…')
      : null;
    list.append(h('li', { class: 'card' },
      h('a', { href: `#/w/${workspace.id}`, class: 'card-title' }, workspace.name),
      h('div', { class: 'card-meta' }, roleBadge(workspace.role), share)));
  }
  const name = input({ type: 'text', required: true, maxlength: 200 });
  const { node: create } = form({
    className: 'inline-form',
    fields: [field('New workspace', name)],
    submitLabel: 'Create workspace',
    onSubmit: async () => {
      const query = company ? `?company=${company.id}` : '';
      const workspace = await api('POST', '/workspaces' + query, { name: name.value.trim() });
      announce(`Workspace ${workspace.name} created.`);
      location.hash = `#/w/${workspace.id}`;
    },
  });
  const empty = workspaces.length === 0
    ? h('div', { class: 'empty-state' }, h('p', null, 'No workspaces here yet.'),
      h('p', null, 'A workspace holds tables, and the people you share it with. Create one below.'))
    : null;
  const guest = company && company.external
    ? h('p', { class: 'notice' }, `You are a guest of ${company.name}: you see the workspaces you were invited into.`)
    : null;
  const view = h('section', { class: 'page' },
    h('h1', null, 'Workspaces', company ? h('span', { class: 'subtitle' }, ` · ${company.name}`) : null),
    guest, empty, workspaces.length ? list : null, company && company.external ? null : create);
  return { view, focus: () => view.querySelector('h1').focus() };
}

async function findWorkspace(wid) {
  let workspace = state.workspaces.find((w) => w.id === wid);
  if (!workspace) workspace = (await loadWorkspaces()).find((w) => w.id === wid);
  if (workspace && workspace.companyId !== state.companyId && companyById(workspace.companyId)) {
    setCompany(workspace.companyId);
  }
  return workspace;
}

export function notFoundPage(what) {
  document.title = 'Not found · Worktable';
  return {
    view: h('section', { class: 'page' }, h('h1', null, 'Not found'),
      h('p', null, `${what} does not exist, or you have no access to it.`),
      h('p', null, h('a', { href: '#/' }, 'Back to the workspaces'))),
  };
}

export async function workspacePage(wid) {
  const workspace = await findWorkspace(wid);
  if (!workspace) return notFoundPage('This workspace');
  const tables = await api('GET', `/workspaces/${wid}/tables`);
  document.title = `${workspace.name} · Worktable`;
  const list = h('ul', { class: 'cards', 'aria-label': 'Tables' });
  for (const table of tables) {
    list.append(h('li', { class: 'card' },
      h('a', { href: `#/w/${wid}/t/${table.id}`, class: 'card-title' }, table.name),
      h('div', { class: 'card-meta' }, plural(table.fields.length, 'column'))));
  }
  let create = null;
  if (roleAtLeast(workspace.role, 'admin')) {
    const name = input({ type: 'text', required: true, maxlength: 200 });
    const first = input({ type: 'text', required: true, value: 'Name', maxlength: 200 });
    create = form({
      className: 'inline-form',
      fields: [field('New table', name), field('First column', first)],
      submitLabel: 'Create table',
      onSubmit: async () => {
        const table = await api('POST', `/workspaces/${wid}/tables`,
          { name: name.value.trim(), fields: [{ name: first.value.trim(), type: 'text' }] });
        location.hash = `#/w/${wid}/t/${table.id}`;
      },
    }).node;
  }
  const empty = tables.length === 0
    ? h('div', { class: 'empty-state' }, h('p', null, 'This workspace has no tables yet.'),
      create ? h('p', null, 'Create the first one below; you can add columns and rows right after.')
        : h('p', null, 'Its administrators can create them.'))
    : null;
  const share = roleAtLeast(workspace.role, 'admin')
    ? h('button', { type: 'button', onclick: () => openMembersDialog(workspace) }, 'Share…') : null;
  const view = h('section', { class: 'page' },
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Workspaces'), ' › ',
      h('span', { 'aria-current': 'page' }, workspace.name)),
    h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, workspace.name), roleBadge(workspace.role), share),
    empty, tables.length ? list : null, create);
  return { view, focus: () => view.querySelector('h1').focus() };
}

export { findWorkspace, roleBadge };
