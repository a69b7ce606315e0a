// Re-reads something every few seconds while the page is visible: a hidden tab
// costs the server nothing, coming back reads at once, and stop() ends it for good
// (a component calls it when it unmounts).
export interface VisiblePoller {
  start(): void
  stop(): void
}

export interface PollerEnv {
  doc?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (t: unknown) => void
}

export function visiblePoller(tick: () => Promise<unknown> | unknown, intervalMs: number, env: PollerEnv = {}): VisiblePoller {
  const doc = env.doc ?? document
  const setTimer = env.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = env.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>))
  let timer: unknown = null
  let running = false

  const visible = () => doc.visibilityState === 'visible'
  function schedule() {
    if (timer !== null) clearTimer(timer)
    timer = null
    if (!running) return
    timer = setTimer(async () => {
      timer = null
      if (!running) return
      if (visible()) {
        try {
          await tick()
        } catch {
          // the caller shows its own errors; polling goes on
        }
      }
      schedule()
    }, intervalMs)
  }
  function onVisibility() {
    if (running && visible()) {
      Promise.resolve()
        .then(tick)
        .catch(() => undefined)
      schedule()
    }
  }
  return {
    start() {
      if (running) return
      running = true
      doc.addEventListener('visibilitychange', onVisibility)
      schedule()
    },
    stop() {
      running = false
      if (timer !== null) clearTimer(timer)
      timer = null
      doc.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
