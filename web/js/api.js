// The one way the page talks to the server: API v1 with the session cookie. State-changing
// calls carry the CSRF token that login (or GET /me after a reload) handed out.

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

const session = { csrf: null, onUnauthorized: null };

export function setCsrf(token) {
  session.csrf = token || null;
}

// Called with the failing error when a call answers 401 (session ended elsewhere).
export function onUnauthorized(handler) {
  session.onUnauthorized = handler;
}

function headersFor(method, contentType) {
  const headers = { Accept: 'application/json' };
  if (contentType) headers['Content-Type'] = contentType;
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  return headers;
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const error = body && body.error ? body.error : {};
  const message = error.message || `The server answered ${response.status} ${response.statusText}.`;
  return new ApiError(response.status, error.code || 'http_' + response.status, message, error.field);
}

// api('GET', '/workspaces'); api('PATCH', '/tables/1/records/2', {values, version}).
// options.body (string) with options.contentType sends a raw body (CSV).
// options.quiet401: do not report a 401 to the page (login form, first /me).
export async function api(method, path, json, options = {}) {
  return (await apiWithStatus(method, path, json, options)).data;
}

// The same, answering {status, data} for calls whose status matters (202 of an async import).
export async function apiWithStatus(method, path, json, options = {}) {
  const contentType = options.contentType || (json !== undefined ? 'application/json' : undefined);
  const body = options.body !== undefined ? options.body : json !== undefined ? JSON.stringify(json) : undefined;
  let response;
  try {
    response = await fetch('/api/v1' + path, {
      method,
      headers: headersFor(method, contentType),
      credentials: 'same-origin',
      body,
    });
  } catch (error) {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !options.quiet401 && session.onUnauthorized) session.onUnauthorized(error);
    throw error;
  }
  if (response.status === 204) return { status: 204, data: null };
  const type = response.headers.get('Content-Type') || '';
  const text = await response.text();
  if (type.includes('json') && text) return { status: response.status, data: JSON.parse(text) };
  return { status: response.status, data: text || null };
}
