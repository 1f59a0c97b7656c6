// The workflow actions a board offers on a list row (list rows carry no `actions`): the
// transition of that name from the row's state in /api/v1/meta, when the user holds its
// permission, shaped as the generic ActionDialog takes it.
import { can } from '../../api.js'

export function actionOf(meta, row, name) {
  const w = meta?.workflow
  if (!w || !row) return null
  const tr = w.transitions.find((x) => x.action === name && (x.from === row.state || (x.from === '*' && !isFinal(w, row.state))))
  if (!tr || (tr.perm && !can(tr.perm))) return null
  const to = w.states.find((s) => s.name === tr.to)
  return { action: tr.action, label: tr.label, to: tr.to, to_label: to ? to.label : tr.to, fields: tr.fields || [] }
}

function isFinal(w, state) {
  return !!w.states.find((s) => s.name === state && s.final)
}

/** The summons' three ratings as numbers, or null before the township rated. */
export const RATINGS = ['rating_timeliness', 'rating_effect', 'rating_attitude']

/** The unit ids of the user's posts (a handler's units). */
export function myUnits(user) {
  return [...new Set((user?.posts || []).map((p) => p.unit_id).filter(Boolean).map(String))]
}
