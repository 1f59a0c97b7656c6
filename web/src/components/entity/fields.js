// Field helpers shared by the generic entity pages: which fields go where, how a row's
// JSON becomes a form model and back, the client-side checks that mirror the server's,
// and how a field's value reads as text. Everything is driven by /api/v1/meta.

/** The key of a row in its entity's routes (`id`, or the reference data's text key). */
export function rowKey(meta, row) {
  return row?.[meta?.key || 'id']
}

/** Fields a user may type into (create-only ones are shown disabled when editing). */
export function formFields(meta) {
  return (meta?.fields || []).filter((f) => !f.readonly)
}

/** Whether a field of a row was sent masked (personal data without the identity view). */
export function isMasked(field, row) {
  const pii = field.pii || field.type === 'idcard' || field.type === 'phone'
  return !!(row && row.masked && pii && !isEmpty(field, row[field.name]))
}

/** The enum items of a field ([{code,label}]), empty when the enum is unknown. */
export function enumItems(enums, field) {
  return enums?.[field.enum]?.items || []
}

export function enumLabel(enums, field, code) {
  const it = enumItems(enums, field).find((i) => i.code === code)
  return it ? it.label : code
}

/** A row's value as the form edits it (datetimes as Date, attachments as objects). */
export function toModelValue(field, v) {
  if (v === undefined || v === null) {
    if (['multi_ref', 'tags', 'attachments'].includes(field.type)) return []
    return field.type === 'geo' ? { lng: null, lat: null } : null
  }
  switch (field.type) {
    case 'datetime':
      return new Date(v)
    case 'multi_ref':
    case 'tags':
    case 'attachments':
      return [...v]
    case 'geo':
      return { lng: v.lng, lat: v.lat }
    default:
      return v
  }
}

/** Whether a model value is empty (what the server would treat as absent). */
export function isEmpty(field, v) {
  if (v === undefined || v === null || v === '') return true
  if (Array.isArray(v)) return v.length === 0
  if (field.type === 'geo') return v.lng == null && v.lat == null
  return false
}

/** A model value as the API takes it. Empty values become null (which clears). */
export function toApiValue(field, v) {
  if (isEmpty(field, v)) {
    return ['multi_ref', 'tags', 'attachments'].includes(field.type) ? [] : null
  }
  switch (field.type) {
    case 'datetime': {
      const d = v instanceof Date ? v : new Date(v)
      return d.toISOString().replace(/\.\d{3}Z$/, 'Z')
    }
    case 'int':
      return Number(v)
    case 'decimal':
      return String(v).trim()
    case 'attachments':
      return v.map((a) => (typeof a === 'object' ? a.id : a))
    case 'geo':
      return { lng: Number(v.lng), lat: Number(v.lat) }
    case 'text':
    case 'longtext':
      return typeof v === 'string' ? v : String(v)
    default:
      return v
  }
}

/** A fresh model for fields from a row (or empty ones for a new row). Masked values are
 * not copied: the input stays empty and sends nothing unless the user types. */
export function buildModel(fields, row) {
  const m = {}
  for (const f of fields) m[f.name] = isMasked(f, row) ? null : toModelValue(f, row?.[f.name])
  return m
}

/** The body of a create (every non-empty value) or a PATCH (only what changed). */
export function buildPayload(fields, model, initial, editing) {
  const body = {}
  for (const f of fields) {
    if (editing && f.create_only) continue
    const v = toApiValue(f, model[f.name])
    if (!editing) {
      if (!isEmpty(f, model[f.name])) body[f.name] = v
      continue
    }
    const before = toApiValue(f, initial[f.name])
    if (JSON.stringify(v) !== JSON.stringify(before)) body[f.name] = v
  }
  return body
}

/** `field=value` → [field, value]. */
export function parseRequiredWhen(s) {
  const i = s ? s.indexOf('=') : -1
  return i < 0 ? null : [s.slice(0, i), s.slice(i + 1)]
}

function requiredNow(field, model) {
  if (field.required) return true
  const rw = parseRequiredWhen(field.required_when)
  if (!rw) return false
  const v = model[rw[0]]
  return v !== undefined && v !== null && String(v) === rw[1]
}

function jsRegex(pattern) {
  try {
    return new RegExp(pattern)
  } catch {
    return null // a POSIX class JS does not know: the server checks it
  }
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/

/** The problem with one value ('' when none), mirroring engine_value_in; t() gives text. */
export function checkValue(field, v, model, t, opts = {}) {
  const label = field.label
  if (isEmpty(field, v)) {
    if (opts.masked) return ''
    return requiredNow(field, model) ? t('entity.err.required', { label }) : ''
  }
  const min = field.min ?? 0
  const max = field.max ?? 0
  const bounded = field.min !== undefined && (field.min !== 0 || field.max !== 0)
  switch (field.type) {
    case 'text':
    case 'longtext': {
      const s = String(v)
      const n = [...s].length
      if (max && n > max) return t('entity.err.too_long', { label, max })
      if (field.min && n < field.min) return t('entity.err.too_short', { label, min: field.min })
      if (field.type === 'text' && /[\r\n]/.test(s)) return t('entity.err.single_line', { label })
      if (field.pattern) {
        const re = jsRegex(field.pattern)
        if (re && !re.test(s)) return t('entity.err.pattern', { label })
      }
      return ''
    }
    case 'int': {
      const n = Number(v)
      if (!Number.isInteger(n)) return t('entity.err.integer', { label })
      if (bounded && (n < min || n > max)) return t('entity.err.range', { label, min, max })
      return ''
    }
    case 'decimal': {
      const s = String(v).trim()
      if (!DECIMAL_RE.test(s)) return t('entity.err.number', { label })
      const frac = s.split('.')[1] || ''
      if (frac.length > (field.scale ?? 0)) {
        return t('entity.err.decimals', { label, scale: field.scale ?? 0 })
      }
      const n = Number(s)
      if (bounded && (n < min || n > max)) return t('entity.err.range', { label, min, max })
      return ''
    }
    case 'idcard':
      return /^(\d{17}[\dXx]|\d{15})$/.test(String(v).trim()) ? '' : t('entity.err.idcard', { label })
    case 'phone':
      return /^[\d\s+()#-]*$/.test(String(v).trim()) && String(v).replace(/\D/g, '').length >= 7
        ? ''
        : t('entity.err.phone', { label })
    case 'uscc':
      return /^[0-9A-HJ-NPQRTUWXY]{18}$/i.test(String(v).trim())
        ? ''
        : t('entity.err.uscc', { label })
    case 'tags':
    case 'multi_ref':
    case 'attachments': {
      const cap = max || 20
      if (v.length > cap) return t('entity.err.too_many', { label, max: cap })
      if (field.type === 'tags' && v.some((s) => !s || /["\\\r\n,、]/.test(s) || [...s].length > 20)) {
        return t('entity.err.tag', { label })
      }
      return ''
    }
    case 'geo': {
      const x = Number(v.lng)
      const y = Number(v.lat)
      if (v.lng == null || v.lat == null || !(x >= -180 && x <= 180 && y >= -90 && y <= 90)) {
        return t('entity.err.geo', { label })
      }
      return ''
    }
    default:
      return ''
  }
}

/** ElForm rules for fields, checked against the live model. */
export function buildRules(fields, model, t, maskedNames = new Set()) {
  const rules = {}
  for (const f of fields) {
    rules[f.name] = [
      {
        trigger: ['blur', 'change'],
        required: !!f.required && !maskedNames.has(f.name),
        validator: (_rule, _value, cb) => {
          const msg = checkValue(f, model[f.name], model, t, { masked: maskedNames.has(f.name) })
          if (msg) cb(new Error(msg))
          else cb()
        },
      },
    ]
  }
  return rules
}

/** Field errors of an ApiError as {name: message} (the first message per field). */
export function fieldErrors(err) {
  const out = {}
  for (const d of err?.details || []) {
    if (d.field && !out[d.field]) out[d.field] = d.message || d.code
  }
  return out
}

/** A datetime (RFC 3339) in the browser's local time, `YYYY-MM-DD HH:mm:ss`. */
export function formatDateTime(v) {
  if (!v) return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  const p = (n) => String(n).padStart(2, '0')
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  )
}

/** A value as plain text (table cells, history). */
export function formatText(field, row, enums, t, value) {
  const v = value !== undefined ? value : row?.[field.name]
  if (v === undefined || v === null || v === '') return ''
  switch (field.type) {
    case 'enum':
      return enumLabel(enums, field, v)
    case 'bool':
      return v ? t('entity.yes') : t('entity.no')
    case 'datetime':
      return formatDateTime(v)
    case 'ref':
    case 'region':
      return (row && row[`${field.name}_label`]) || String(v)
    case 'multi_ref':
    case 'tags':
      return Array.isArray(v) ? v.join('、') : String(v)
    case 'attachments':
      return Array.isArray(v) ? v.map((a) => a.name || a.id || a).join('、') : ''
    case 'geo':
      return typeof v === 'object' ? `${v.lng}, ${v.lat}` : String(v)
    default:
      return String(v)
  }
}

// ---- Region codes: 12 digits, levels by significant prefix 2/4/6/9/12 ----

const LEVEL_LEN = [0, 2, 4, 6, 9, 12]

export function regionLevel(code) {
  if (!code || !/^\d{12}$/.test(code)) return 0
  for (let l = 1; l <= 5; l++) if (/^0*$/.test(code.slice(LEVEL_LEN[l]))) return l
  return 5
}

/** The codes from one of the roots down to code (inclusive), or null when none holds it. */
export function regionPath(code, roots) {
  const lc = regionLevel(code)
  if (!lc) return null
  for (const root of roots) {
    const lr = root === '000000000000' ? 0 : regionLevel(root)
    if ((lr || root === '000000000000') && lr <= lc && code.startsWith(root.slice(0, LEVEL_LEN[lr]))) {
      const path = [root]
      for (let l = lr + 1; l <= lc; l++) {
        path.push(code.slice(0, LEVEL_LEN[l]).padEnd(12, '0'))
      }
      return path
    }
  }
  return null
}
