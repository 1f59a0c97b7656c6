// Time as the boards show it: one shared ticking "now" for every countdown on a page, and
// durations written the way staff read them (2天3小时, 1小时05分, 12分30秒).
import { onBeforeUnmount, ref } from 'vue'

export const MINUTE = 60000
export const HOUR = 3600000
export const DAY = 86400000

const now = ref(Date.now())
let users = 0
let timer = null

/** A ref of the current time in ms, ticking every second while a component uses it. */
export function useNow() {
  users++
  if (!timer) timer = setInterval(() => (now.value = Date.now()), 1000)
  onBeforeUnmount(() => {
    users--
    if (!users && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}

/** A duration in ms as 中文 text through the message table. */
export function duration(ms, t) {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000))
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (d) return t('workorder.time.dh', { d, h })
  if (h) return t('workorder.time.hm', { h, m: String(m).padStart(2, '0') })
  return t('workorder.time.ms', { m, s: String(sec).padStart(2, '0') })
}

/** 'overdue' (past due), 'soon' (within the hour), 'ok', or 'none' without a due time. */
export function dueKind(due, at) {
  if (!due) return 'none'
  const d = Date.parse(due)
  if (Number.isNaN(d)) return 'none'
  if (d < at) return 'overdue'
  return d - at <= HOUR ? 'soon' : 'ok'
}

/** "YYYY-MM" of a date (local time, the offices' Asia/Shanghai). */
export function monthOf(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`
}

/** The month before this one, "YYYY-MM". */
export function previousMonth(d = new Date()) {
  return monthOf(new Date(d.getFullYear(), d.getMonth() - 1, 1))
}
