// A row's value as text by the entity's field list from /api/v1/meta (enum labels, NAME_label
// of refs and regions), falling back to the raw value when meta does not name the field.
import { formatText } from '../../components/entity/fields.js'

export function cellText(meta, enums, row, name, t) {
  const f = meta?.fields?.find((x) => x.name === name)
  if (f) return formatText(f, row, enums, t) || '—'
  const v = row?.[`${name}_label`] ?? row?.[name]
  return v === undefined || v === null || v === '' ? '—' : String(v)
}

/** A state's label from the entity's workflow in meta (list rows carry only the code). */
export function stateLabel(meta, row) {
  if (row?.state_label) return row.state_label
  const s = meta?.workflow?.states?.find((x) => x.name === row?.state)
  return s ? s.label : row?.state || '—'
}
