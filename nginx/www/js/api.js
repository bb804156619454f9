// api.js — the dashboard's only way to the server: same-origin fetch under
// /api/v1 with the session in an HttpOnly cookie (page scripts never see
// it) and the CSRF token, kept in sessionStorage, sent on every write.
// Errors come back as ApiError carrying the HTTP status and the problem
// detail's Vietnamese text; a 401 on a logged-in page also fires
// `onSessionLost` so the page can ask to log in again.

const BASE = '/api/v1';
const CSRF_KEY = 'thidua.csrf';

export class ApiError extends Error {
  constructor(status, message, problem = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

let sessionLost = () => {};
/** Registers what to do when the server says the session is gone (401). */
export function onSessionLost(fn) {
  sessionLost = fn;
}

function csrfToken() {
  try {
    return sessionStorage.getItem(CSRF_KEY) || '';
  } catch {
    return '';
  }
}

function keepCsrf(token) {
  try {
    if (token) sessionStorage.setItem(CSRF_KEY, token);
    else sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // Storage refused (private mode): writes will then fail with 403.
  }
}

async function problemOf(res) {
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  return null;
}

const FALLBACK = {
  0: 'Không kết nối được tới máy chủ. Vui lòng kiểm tra mạng và thử lại.',
  401: 'Phiên làm việc đã hết hạn hoặc chưa đăng nhập. Vui lòng đăng nhập lại.',
  403: 'Tài khoản không có quyền xem nội dung này.',
  404: 'Không tìm thấy dữ liệu yêu cầu.',
  429: 'Quá nhiều yêu cầu; vui lòng thử lại sau ít phút.',
  503: 'Máy chủ tạm thời không sẵn sàng; vui lòng thử lại sau.',
};

/**
 * One request. `body` (an object) is sent as JSON. Resolves to the parsed
 * JSON (or null for 204); rejects with ApiError. `quiet401` stops a 401
 * from firing onSessionLost (the login and "who am I" calls).
 */
export async function request(method, path, { body, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const t = csrfToken();
    if (t) headers['X-CSRF-Token'] = t;
  }
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-cache',
    });
  } catch {
    throw new ApiError(0, FALLBACK[0]);
  }
  if (res.status === 204) return null;
  if (res.ok) return res.json();
  const problem = await problemOf(res);
  const message = (problem && (problem.detail || problem.title)) || FALLBACK[res.status]
    || `Lỗi máy chủ (mã ${res.status}).`;
  if (res.status === 401 && !quiet401) sessionLost();
  throw new ApiError(res.status, message, problem);
}

export const get = (path) => request('GET', path);

/** Logs in with the cookie session; resolves to the user. */
export async function login(username, password) {
  const out = await request('POST', '/sessions', {
    body: { username, password, use_cookie: true },
    quiet401: true,
  });
  keepCsrf(out.csrf_token);
  return out.user;
}

/** Who is logged in, or null when nobody is (401). */
export async function currentUser() {
  try {
    const out = await request('GET', '/sessions/current', { quiet401: true });
    if (out.csrf_token) keepCsrf(out.csrf_token);
    return out.user;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      keepCsrf(null);
      return null;
    }
    throw e;
  }
}

/** Ends the session on the server; forgets the CSRF token either way. */
export async function logout() {
  try {
    await request('DELETE', '/sessions/current', { quiet401: true });
  } finally {
    keepCsrf(null);
  }
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

export const campaigns = () => get('/campaigns' + query({ limit: 1000 }));
export const unit = (id) => get(`/units/${encodeURIComponent(id)}`);
export const scorecard = (campaignId, asOf) =>
  get(`/campaigns/${encodeURIComponent(campaignId)}/scorecard` + query({ as_of: asOf }));
export const unitsScorecard = (campaignId, asOf) =>
  get(`/campaigns/${encodeURIComponent(campaignId)}/units/scorecard` + query({ as_of: asOf }));
export const series = (campaignId, code, from, to, step) =>
  get(`/campaigns/${encodeURIComponent(campaignId)}/targets/${encodeURIComponent(code)}/series`
    + query({ from, to, step }));
