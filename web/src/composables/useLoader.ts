import { ref, type Ref } from 'vue'
import { errorMessage } from '@/utils/notify'

// Loads data for a page and keeps its loading and error state, for PageState.
export function useLoader<T>(load: () => Promise<T>, initial: T) {
  const data = ref(initial) as Ref<T>
  const loading = ref(false)
  const error = ref<string | null>(null)
  async function reload(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      data.value = await load()
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      loading.value = false
    }
  }
  return { data, loading, error, reload }
}
