// The list's columns: the entity's fields plus the standard ones (state, times), which of
// them are shown (the listed fields unless the user chose, kept in localStorage).

const KEY = (entity) => `shegong.columns.${entity}`

/** Every column the table can show, as field-like objects. */
export function allColumns(meta, t) {
  const cols = meta.fields.filter((f) => f.type !== 'attachments')
  if (meta.workflow) cols.push({ name: 'state', label: t('entity.state'), type: 'state', sortable: true, listed: true })
  if (meta.key === 'id' || !meta.key) {
    cols.push({ name: 'created_at', label: t('entity.created_at'), type: 'datetime', sortable: true })
    cols.push({ name: 'updated_at', label: t('entity.updated_at'), type: 'datetime', sortable: true })
  }
  return cols
}

export function defaultColumns(meta, t) {
  return allColumns(meta, t)
    .filter((c) => c.listed)
    .map((c) => c.name)
}

export function loadColumns(meta, t) {
  const names = new Set(allColumns(meta, t).map((c) => c.name))
  try {
    const saved = JSON.parse(localStorage.getItem(KEY(meta.name)) || 'null')
    if (Array.isArray(saved)) {
      const kept = saved.filter((n) => names.has(n))
      if (kept.length) return kept
    }
  } catch {
    /* a broken entry: the default */
  }
  return defaultColumns(meta, t)
}

export function saveColumns(entity, names) {
  if (names) localStorage.setItem(KEY(entity), JSON.stringify(names))
  else localStorage.removeItem(KEY(entity))
}
