// Rows of a referenced entity by id, for labels of refs that arrive without one (multi_ref)
// and for remote-search selects. Cached per page load; a row one cannot read keeps its id.
import { api, entityMeta } from '../../api.js'

const cache = new Map() // "entity:id" -> Promise<string>

/** The field whose value names a row of the entity (its label field), else the key. */
export function labelField(entity) {
  const m = entityMeta(entity)
  const f = m?.fields?.find((x) => x.label_field)
  return f ? f.name : m?.key || 'id'
}

export function refKey(entity) {
  return entityMeta(entity)?.key || 'id'
}

export function rowLabel(entity, row) {
  const v = row?.[labelField(entity)]
  return v === undefined || v === null || v === '' ? String(row?.[refKey(entity)] ?? '') : String(v)
}

/** The label of one row (cached). */
export function refLabel(entity, id) {
  const k = `${entity}:${id}`
  if (!cache.has(k)) {
    cache.set(
      k,
      api
        .get(`/${entity}/${encodeURIComponent(id)}`)
        .then((row) => rowLabel(entity, row))
        .catch(() => String(id)),
    )
  }
  return cache.get(k)
}

/** [{value,label}] for ids. */
export async function refOptions(entity, ids) {
  const labels = await Promise.all(ids.map((id) => refLabel(entity, id)))
  return ids.map((id, i) => ({ value: String(id), label: labels[i] }))
}

/** Search rows of an entity by text: q= when it is searchable, else the first page. */
export async function searchRefs(entity, text) {
  const m = entityMeta(entity)
  const params = { size: 20 }
  if (text && m?.search) params.q = text
  const a = await api.get(`/${entity}`, params)
  let items = (a.items || []).map((row) => ({
    value: String(row[refKey(entity)]),
    label: rowLabel(entity, row),
  }))
  if (text && !m?.search) items = items.filter((o) => o.label.includes(text))
  for (const o of items) cache.set(`${entity}:${o.value}`, Promise.resolve(o.label))
  return items
}

const regions = new Map() // code -> Promise<string>

/** The full name of a region (cached); the code when it cannot be read. */
export function regionName(code) {
  if (!regions.has(code)) {
    regions.set(
      code,
      api
        .get(`/region/${encodeURIComponent(code)}`)
        .then((r) => r.full_name || r.name || code)
        .catch(() => code),
    )
  }
  return regions.get(code)
}
