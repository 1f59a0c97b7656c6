// The 三率 as the rates page shows them: the measures with the counts behind each rate, and
// rates as text (GET /api/v1/workorder/rates answers percentages with one decimal, or null
// without a denominator; weights in percent).

export const MEASURES = [
  { key: 'response', rate: 'response_rate', num: 'responded', den: 'orders' },
  { key: 'solve', rate: 'solve_rate', num: 'solved', den: 'called_back' },
  { key: 'satisfaction', rate: 'satisfaction_rate', num: 'satisfied', den: 'called_back' },
]

export const KINDS = ['township', 'department', 'district']

/** A rate as text: "87.5%", or "—" without a denominator. */
export function pct(v) {
  return v === null || v === undefined || v === '' ? '—' : `${Number(v).toFixed(1)}%`
}

/** {response, solve, satisfaction} in percent from an answer's weights, or null. */
export function weightsOf(w) {
  if (!w) return null
  return { response: Number(w.response) || 0, solve: Number(w.solve) || 0, satisfaction: Number(w.satisfaction) || 0 }
}
