// api.js — JSON calls to /api/v1: the CSRF header on writes, typed errors
// (status 0 = no network), one retry after refreshing a stale CSRF token,
// and no HTTP caching of authenticated answers.
let csrfToken = null;
let tokenUser = null; // the person the token belongs to
let onUnauthorized = () => {};

// `user`: whose session the token is; a refresh that finds someone else
// signed in (a shared phone) never replays the request as that person.
export function setCsrf(token, user = null) {
  csrfToken = token || null;
  tokenUser = user;
}
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, body, retryAfterMs = 0) {
    const err = body?.error || {};
    super(err.message || (status ? `HTTP ${status}` : 'network'));
    this.status = status;
    this.code = err.code || (status ? `http_${status}` : 'offline');
    this.fields = err.fields || {};
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
  get offline() {
    return this.status === 0;
  }
}

// An answer of JSON lines (application/x-ndjson): each {progress} line to
// onLine as it arrives; the last line is the result (or the error).
async function lines(res, onLine) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    const parts = (rest + (value || '')).split('\n');
    rest = done ? '' : parts.pop();
    for (const line of parts.filter(Boolean)) {
      last = JSON.parse(line);
      if (last.progress) onLine(last.progress);
    }
    if (done) break;
  }
  if (last?.result) return last.result;
  throw new ApiError(503, last?.error ? last : null);
}

async function once(method, path, body, signal, onLine) {
  const headers = { Accept: onLine ? 'application/x-ndjson, application/json' : 'application/json' };
  // A Blob (a picked file) goes as it is, under its own type.
  const raw = body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined || raw ? body : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, null);
  }
  if (res.status === 204) return null;
  if (onLine && res.ok && /x-ndjson/.test(res.headers.get('Content-Type') || '')) return lines(res, onLine);
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const ra = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, data, Number.isFinite(ra) ? ra * 1000 : 0);
  }
  return data;
}

// onLine: the answer may come as progress lines (see lines()).
export async function api(method, path, body, { signal, quiet401 = false, onLine } = {}) {
  try {
    return await once(method, path, body, signal, onLine);
  } catch (err) {
    if (err instanceof ApiError && err.status === 403 && method !== 'GET' && /csrf/i.test(err.code)) {
      const me = await once('GET', '/auth/me');
      const user = me?.user?.id;
      if (tokenUser && user !== tokenUser) {
        // Another person signed in meanwhile: this write was theirs to make.
        onUnauthorized();
        throw new ApiError(401, { error: { code: 'signed_in_as_someone_else' } });
      }
      setCsrf(me?.csrf_token, user);
      return once(method, path, body, signal, onLine);
    }
    if (err instanceof ApiError && err.status === 401 && !quiet401) onUnauthorized();
    throw err;
  }
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);
export const put = (path, body, opts) => api('PUT', path, body, opts);
export const patch = (path, body, opts) => api('PATCH', path, body, opts);
export const del = (path, opts) => api('DELETE', path, undefined, opts);

export function familyPath(fid, rest = '') {
  return `/families/${encodeURIComponent(fid)}${rest}`;
}
