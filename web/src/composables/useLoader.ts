import { ref, type Ref } from 'vue'
import { errorMessage } from '@/utils/notify'

// Loads data for a page and keeps its loading and error state, for PageState.
export function useLoader<T>(load: () => Promise<T>, initial: T) {
  const data = ref(initial) as Ref<T>
  const loading = ref(false)
  const error = ref<string | null>(null)
  // Only the latest load lands: one started earlier (a filter changed meanwhile) that
  // answers later is dropped.
  let latest = 0
  async function reload(): Promise<void> {
    const mine = ++latest
    loading.value = true
    error.value = null
    try {
      const value = await load()
      if (mine === latest) data.value = value
    } catch (e) {
      if (mine === latest) error.value = errorMessage(e)
    } finally {
      if (mine === latest) loading.value = false
    }
  }
  return { data, loading, error, reload }
}
