// What the page knows about the signed-in person, shared by the views.
import { api, setCsrf } from './api.js';

const COMPANY_KEY = 'worktable.company';

export const state = {
  me: null, // {account, companies: [{id, name, admin, external}], csrfToken}
  companyId: null,
  workspaces: [], // [{id, name, companyId, role}]
};

// Reads GET /me; false when nobody is logged in.
export async function loadMe() {
  try {
    state.me = await api('GET', '/me', undefined, { quiet401: true });
  } catch (error) {
    if (error.status === 401) {
      state.me = null;
      setCsrf(null);
      return false;
    }
    throw error;
  }
  setCsrf(state.me.csrfToken);
  chooseCompany();
  return true;
}

export function forgetMe() {
  state.me = null;
  state.workspaces = [];
  setCsrf(null);
}

function chooseCompany() {
  const companies = state.me.companies || [];
  const stored = Number(localStorage.getItem(COMPANY_KEY));
  if (companies.some((c) => c.id === stored)) {
    state.companyId = stored;
  } else if (!companies.some((c) => c.id === state.companyId)) {
    const own = companies.find((c) => !c.external) || companies[0];
    state.companyId = own ? own.id : null;
  }
}

export function setCompany(id) {
  state.companyId = id;
  localStorage.setItem(COMPANY_KEY, String(id));
}

export function currentCompany() {
  return (state.me?.companies || []).find((c) => c.id === state.companyId) || null;
}

export function companyById(id) {
  return (state.me?.companies || []).find((c) => c.id === id) || null;
}

export async function loadWorkspaces() {
  state.workspaces = await api('GET', '/workspaces');
  return state.workspaces;
}

// Roles: owner > admin > editor > viewer.
const RANK = { viewer: 1, editor: 2, admin: 3, owner: 4 };
export function roleAtLeast(role, wanted) {
  return (RANK[role] || 0) >= RANK[wanted];
}
