// The region chosen in the layout's switcher; list pages pass it as `region=`.
import { ref } from 'vue'

const KEY = 'shegong.region'
const saved = JSON.parse(sessionStorage.getItem(KEY) || '[]')
const selected = ref(saved.length ? saved[saved.length - 1] : null)
const path = ref(saved)

/** Select a region by its path of codes from a scope root (empty: the whole scope). */
export function setRegionPath(codes) {
  path.value = codes || []
  selected.value = path.value.length ? path.value[path.value.length - 1] : null
  if (path.value.length) sessionStorage.setItem(KEY, JSON.stringify(path.value))
  else sessionStorage.removeItem(KEY)
}

export function regionPath() {
  return path
}

/** A ref of the selected region code, or null for the whole scope. */
export function useRegion() {
  return selected
}
