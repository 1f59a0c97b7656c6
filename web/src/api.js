// The one API client of the console: fetch with the session cookie, the CSRF header on
// writes, one error type for the server's error envelope, and the session and meta stores.
import { reactive } from 'vue'

const BASE = '/api/v1'
const CSRF_KEY = 'shegong.csrf'

let csrf = sessionStorage.getItem(CSRF_KEY) || ''

export function setCsrf(token) {
  csrf = token || ''
  if (csrf) sessionStorage.setItem(CSRF_KEY, csrf)
  else sessionStorage.removeItem(CSRF_KEY)
  session.csrf = csrf
}

/** An error answer: {status, code, message, details:[{field,code,message,row?}]}. */
export class ApiError extends Error {
  constructor(status, code, message, details = [], requestId = '') {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.requestId = requestId
  }
  /** The field errors as {field: message}, for form validation display. */
  fieldErrors() {
    const out = {}
    for (const d of this.details) if (d.field && !out[d.field]) out[d.field] = d.message
    return out
  }
}

// Called on 401 for anything but the login routes; main.js may replace it (router push).
let onUnauthorized = (redirect) => {
  window.location.assign('/login?redirect=' + encodeURIComponent(redirect))
}
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

function url(path, params) {
  let u = path.startsWith('/api/') || path.startsWith('http') ? path : BASE + (path.startsWith('/') ? path : '/' + path)
  if (params) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null || v === '') continue
      if (Array.isArray(v)) v.forEach((x) => q.append(k, x))
      else q.append(k, v)
    }
    const s = q.toString()
    if (s) u += (u.includes('?') ? '&' : '?') + s
  }
  return u
}

async function toError(res) {
  let body = null
  try {
    body = await res.json()
  } catch {
    /* not JSON: fall through */
  }
  const e = body && body.error
  if (e) return new ApiError(res.status, e.code, e.message, e.details || [], body.request_id || '')
  return new ApiError(res.status, 'http_' + res.status, res.statusText || String(res.status))
}

async function send(method, path, { params, body, raw, contentType } = {}) {
  const headers = { Accept: 'application/json' }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf
  let payload
  if (raw !== undefined) {
    payload = raw
    headers['Content-Type'] = contentType || 'application/octet-stream'
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['Content-Type'] = 'application/json'
  }
  let res
  try {
    res = await fetch(url(path, params), { method, headers, body: payload, credentials: 'same-origin' })
  } catch (err) {
    throw new ApiError(0, 'network', err.message)
  }
  if (!res.ok) {
    const err = await toError(res)
    if (res.status === 401 && !/\/auth\/(login|totp)/.test(path)) {
      clearSession()
      const here = window.location.pathname + window.location.search
      if (!here.startsWith('/login')) onUnauthorized(here)
    }
    throw err
  }
  return res
}

async function json(res) {
  if (res.status === 204) return null
  const text = await res.text()
  return text ? JSON.parse(text) : null
}

function filenameOf(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || ''
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* keep looking */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(cd)
  return plain ? plain[1] : fallback
}

export const api = {
  get: (path, params) => send('GET', path, { params }).then(json),
  post: (path, body) => send('POST', path, { body: body === undefined ? {} : body }).then(json),
  patch: (path, body) => send('PATCH', path, { body }).then(json),
  put: (path, body) => send('PUT', path, { body: body === undefined ? {} : body }).then(json),
  /** DELETE; an optional body (e.g. DELETE /auth/totp takes {"code"}). */
  del: (path, body) => send('DELETE', path, body === undefined ? {} : { body }).then(json),
  /** PUT the file as the raw body, typed with the file's type. */
  upload: (path, file) =>
    send('PUT', path, { raw: file, contentType: file.type || 'application/octet-stream' }).then(json),
  /** GET a file and save it under the name the server gives. */
  async download(path, params) {
    const res = await send('GET', path, { params })
    const blob = await res.blob()
    const name = filenameOf(res, path.split('/').pop() || 'download')
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    a.download = name
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
    return name
  },
}

/* ---- session ---- */

let metaCache = null
let metaPromise = null

export const session = reactive({
  user: null,
  permissions: new Set(),
  scope: [],
  csrf,
  twoFactor: null,
  loaded: false,
})

export function can(perm) {
  return session.permissions.has(perm)
}

/** Apply a login or /auth/me answer. */
export function applySession(answer) {
  const u = answer.user
  if (!session.user || session.user.id !== u.id) metaCache = null
  session.user = u
  session.permissions = new Set(u.permissions || [])
  session.scope = u.scope || []
  if (answer.two_factor) session.twoFactor = answer.two_factor
  if (answer.csrf) setCsrf(answer.csrf)
  session.loaded = true
}

export function clearSession() {
  metaCache = null
  session.user = null
  session.permissions = new Set()
  session.scope = []
  session.twoFactor = null
  session.loaded = false
  setCsrf('')
}

let mePromise = null
/** Load the session from GET /auth/me once; resolves to the user or null. */
export function loadSession(force = false) {
  if (session.loaded && !force) return Promise.resolve(session.user)
  if (!mePromise || force) {
    mePromise = send('GET', '/auth/me')
      .then(json)
      .then((a) => {
        applySession(a)
        return session.user
      })
      .catch((e) => {
        if (e.status === 401) return null
        throw e
      })
      .finally(() => {
        mePromise = null
      })
  }
  return mePromise
}

/* ---- meta ---- */

/** GET /api/v1/meta once: {entities, enums}. */
export function loadMeta(force = false) {
  if (metaCache && !force) return Promise.resolve(metaCache)
  if (!metaPromise || force) {
    metaPromise = api
      .get('/meta')
      .then((m) => {
        metaCache = m
        return m
      })
      .finally(() => {
        metaPromise = null
      })
  }
  return metaPromise
}

function entityList(m) {
  if (!m || !m.entities) return []
  return Array.isArray(m.entities) ? m.entities : Object.entries(m.entities).map(([name, e]) => ({ name, ...e }))
}

/** The meta of one entity (after loadMeta), or null. */
export function entityMeta(name) {
  return entityList(metaCache).find((e) => e.name === name) || null
}

/** Every entity's meta as an array (after loadMeta). */
export function entities() {
  return entityList(metaCache)
}

/** An enum's codes from meta (after loadMeta): [{code, label, builtin}], or []. */
export function enumOptions(name) {
  const e = metaCache && metaCache.enums && metaCache.enums[name]
  return (e && e.items) || []
}

export default api
