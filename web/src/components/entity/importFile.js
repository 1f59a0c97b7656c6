// POST /api/v1/{entity}/import takes the file as the raw body; api.upload is a PUT, so the
// import posts here with the same CSRF header and error envelope as api.js.
import { ApiError, session } from '../../api.js'

export async function postImport(entity, file, dryRun) {
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' }
  if (session.csrf) headers['X-CSRF-Token'] = session.csrf
  const url = `/api/v1/${entity}/import${dryRun ? '?dry_run=1' : ''}`
  let res
  try {
    res = await fetch(url, { method: 'POST', headers, body: file, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, 'network', e.message)
  }
  let body = null
  try {
    body = await res.json()
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = body && body.error
    if (e) throw new ApiError(res.status, e.code, e.message, e.details || [], body.request_id || '')
    throw new ApiError(res.status, `http_${res.status}`, res.statusText || String(res.status))
  }
  return body
}
