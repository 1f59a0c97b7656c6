// The answers of GET /api/v1/petition/figures and /hotspots as the dashboard draws them.
//
// figures: {by, region, from, to, figures: [{name, label, …}], items_route, rows: [{label,
//   unit_id | region_code, registered: {count, filter}, timely_accept: {value, numerator,
//   denominator, filter, denominator_filter}, …}], total}; every filter is the query of
//   GET /api/v1/petition/figures/items that lists exactly the items counted.
// hotspots: {region, months: ['YYYY-MM'], total: {total, new, repeat, overdue, monthly: {…: []}},
//   categories: [{category, label, …}], regions: [{region_code, label, own, …, categories: […],
//   rising: [{category, label, last, previous_mean, increase}]}]}

/** The figures table's columns: key in the answer, i18n label, count or rate. */
export const FIGURE_METRICS = [
  { key: 'registered', label: 'petition.dash.registered', kind: 'count' },
  { key: 'timely_accept', label: 'petition.dash.timely', kind: 'rate' },
  { key: 'on_time', label: 'petition.dash.onTime', kind: 'rate' },
  { key: 'rated', label: 'petition.dash.rated', kind: 'rate' },
  { key: 'satisfied', label: 'petition.dash.satisfied', kind: 'rate' },
  { key: 'repeat', label: 'petition.dash.repeatRate', kind: 'rate' },
]

/** A share (0..1) as "87.5%"; a dash without one. */
export function pct(v) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return '—'
  return `${(Number(v) * 100).toFixed(1).replace(/\.0$/, '')}%`
}

/** A metric of a row as the table shows it: {value, num, den, filter, denFilter}. */
export function metricOf(row, m) {
  const x = row && row[m.key]
  if (!x) return null
  if (m.kind === 'count') return { value: x.count ?? 0, num: null, den: null, filter: x.filter || null, denFilter: null }
  return { value: x.value ?? null, num: x.numerator ?? 0, den: x.denominator ?? 0, filter: x.filter || null, denFilter: x.denominator_filter || null }
}

/** The lines of the figures table, then the total line. */
export function figureRows(a) {
  if (!a) return []
  const rows = (a.rows || []).map((r) => ({ ...r, key: String(r.unit_id ?? r.region_code ?? r.label), name: r.label }))
  if (a.total && rows.length) rows.push({ ...a.total, key: '_total', name: null, isTotal: true })
  return rows
}

/** The hot spots as the charts take them. */
export function hotspotView(a) {
  const out = { months: [], regions: [], categories: [], cells: new Map(), trend: null, totals: null, rising: [] }
  if (!a) return out
  out.months = a.months || []
  out.totals = a.total || null
  out.trend = a.total?.monthly || null
  out.categories = (a.categories || []).filter((c) => c.total > 0).map((c) => ({ code: c.category, label: c.label, total: c.total }))
  out.regions = (a.regions || []).filter((r) => r.total > 0).map((r) => ({ code: r.region_code, name: r.label, total: r.total }))
  for (const r of a.regions || []) {
    for (const c of r.categories || []) out.cells.set(`${r.region_code}|${c.category}`, c.total)
    for (const x of r.rising || []) {
      out.rising.push({ region: r.region_code, region_name: r.label, category: x.category, category_label: x.label, last: x.last, previous_mean: x.previous_mean, increase: x.increase })
    }
  }
  out.rising.sort((x, y) => y.increase - x.increase || y.last - x.last)
  return out
}
