// Deadlines as people read them: whole calendar days left (Asia/Shanghai is the browser's
// zone in the offices that use this), today, or days overdue.

const DAY = 86400000

function dayStart(d) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
}

/** {kind: 'overdue'|'today'|'soon'|'left'|'none', days} for a due time (RFC 3339). */
export function dueState(due, overdue = false, now = new Date()) {
  if (!due) return { kind: 'none', days: 0 }
  const d = new Date(due)
  if (Number.isNaN(d.getTime())) return { kind: 'none', days: 0 }
  const days = Math.round((dayStart(d) - dayStart(now)) / DAY)
  if (overdue || d.getTime() < now.getTime()) return { kind: 'overdue', days: Math.max(1, -days) }
  if (days <= 0) return { kind: 'today', days: 0 }
  return { kind: days <= 3 ? 'soon' : 'left', days }
}

/** Sorts to-do items by due time, those without a deadline last. */
export function byDue(a, b) {
  const x = a.due ? Date.parse(a.due) : Infinity
  const y = b.due ? Date.parse(b.due) : Infinity
  return x - y || String(a.id).localeCompare(String(b.id))
}
