// The meta of the entity named by a reactive name: loads /api/v1/meta once, then answers
// {meta, enums, error, loading}. meta stays null for an entity the user may not read.
import { ref, watch } from 'vue'
import { entityMeta, loadMeta } from '../../api.js'

export function useEntityMeta(name) {
  const meta = ref(null)
  const enums = ref({})
  const error = ref('')
  const loading = ref(true)
  watch(
    name,
    async (n) => {
      loading.value = true
      error.value = ''
      try {
        const m = await loadMeta()
        enums.value = m.enums || {}
        meta.value = entityMeta(n)
      } catch (e) {
        meta.value = null
        error.value = e.message
      } finally {
        loading.value = false
      }
    },
    { immediate: true },
  )
  return { meta, enums, error, loading }
}
