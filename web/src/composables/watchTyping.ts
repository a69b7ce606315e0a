import { onBeforeUnmount, watch, type Ref } from 'vue'

// Runs `then` once typing in `text` pauses, so that a search field asks the server once
// for what was typed rather than at every key; nothing runs after the page is left.
export function watchTyping(text: Ref<string>, then: () => void, pauseMs = 250): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(text, () => {
    clearTimeout(timer)
    timer = setTimeout(then, pauseMs)
  })
  onBeforeUnmount(() => clearTimeout(timer))
}
