// Petitioner rows as the registration form edits them and as POST /api/v1/petition takes them.

export function blankPetitioner() {
  return { name: '', id_number: '', phone: '', address: '', representative: false }
}

/** The rows as the API takes them: trimmed, empty values left out. */
export function petitionersPayload(rows) {
  return rows.map((r) => {
    const out = { name: (r.name || '').trim(), representative: !!r.representative }
    for (const k of ['id_number', 'phone', 'address']) {
      const v = (r[k] || '').trim()
      if (v) out[k] = k === 'id_number' ? v.toUpperCase() : v
    }
    return out
  })
}

const ID_RE = /^(\d{17}[\dXx]|\d{15})$/

/** The ID numbers worth a duplicate check (well formed), upper-cased, without repeats. */
export function checkableIds(rows) {
  const ids = rows.map((r) => (r.id_number || '').trim().toUpperCase()).filter((v) => ID_RE.test(v))
  return [...new Set(ids)]
}

/**
 * Server field errors {field: message} split into the petition's own and the petitioners'
 * (`petitioners[1].id_number`, `petitioners.1.id_number` → `1.id_number`; `petitioners` → `_`).
 */
export function splitErrors(errs) {
  const own = {}
  const people = {}
  for (const [k, v] of Object.entries(errs || {})) {
    const m = /^petitioners(?:\[(\d+)\]|\.(\d+))\.?(\w+)?$/.exec(k)
    if (m) people[`${m[1] ?? m[2]}.${m[3] || 'name'}`] = v
    else if (k === 'petitioners') people._ = v
    else own[k] = v
  }
  return { own, people }
}
