import { onBeforeUnmount, ref, type Ref } from 'vue'

// Phones and narrow windows: the width below which the frame folds its side menu into
// a drawer. Kept equal to the @media rule of styles.css.
export const NARROW_QUERY = '(max-width: 768px)'

// Whether the window is narrow now, following it as it changes (a phone turned, a
// window resized). False where matchMedia is missing (unit tests without a DOM).
export function useNarrowScreen(): Ref<boolean> {
  const narrow = ref(false)
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return narrow
  const query = window.matchMedia(NARROW_QUERY)
  narrow.value = query.matches
  const follow = (e: MediaQueryListEvent) => {
    narrow.value = e.matches
  }
  query.addEventListener('change', follow)
  onBeforeUnmount(() => query.removeEventListener('change', follow))
  return narrow
}
