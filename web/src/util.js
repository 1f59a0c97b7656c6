// Small helpers shared by the hand-written pages.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { t } from './i18n/index.js'

/** Show an API error (its Chinese message from the server) as a toast. */
export function showError(e) {
  if (!e) return
  const msg = e.code === 'network' ? t('common.networkError') : e.message || String(e)
  ElMessage.error({ message: msg, grouping: true })
}

/** An RFC 3339 time as local "YYYY-MM-DD HH:mm". */
export function fmtTime(s) {
  if (!s) return ''
  const d = new Date(s)
  if (isNaN(d)) return s
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Run fn while flag.value is true; errors go to showError unless the caller handles them. */
export async function busy(flag, fn) {
  flag.value = true
  try {
    return await fn()
  } catch (e) {
    showError(e)
    return undefined
  } finally {
    flag.value = false
  }
}
