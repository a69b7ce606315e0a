import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { visiblePoller } from '@/utils/visiblePoller'

// A document whose visibility the test sets.
function fakeDoc(initial: 'visible' | 'hidden' = 'visible') {
  const target = new EventTarget()
  const doc = {
    visibilityState: initial as DocumentVisibilityState,
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    show() {
      doc.visibilityState = 'visible'
      target.dispatchEvent(new Event('visibilitychange'))
    },
    hide() {
      doc.visibilityState = 'hidden'
      target.dispatchEvent(new Event('visibilitychange'))
    },
  }
  return doc
}

describe('visiblePoller', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('ticks every interval while visible and never after stop', async () => {
    const tick = vi.fn()
    const doc = fakeDoc()
    const p = visiblePoller(tick, 5000, { doc: doc as unknown as Document })
    p.start()
    await vi.advanceTimersByTimeAsync(4999)
    expect(tick).toHaveBeenCalledTimes(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(tick).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(10000)
    expect(tick).toHaveBeenCalledTimes(3)
    p.stop()
    await vi.advanceTimersByTimeAsync(60000)
    doc.show()
    await vi.advanceTimersByTimeAsync(0)
    expect(tick).toHaveBeenCalledTimes(3)
  })

  it('skips ticks while hidden and reads at once on coming back', async () => {
    const tick = vi.fn()
    const doc = fakeDoc('hidden')
    const p = visiblePoller(tick, 5000, { doc: doc as unknown as Document })
    p.start()
    await vi.advanceTimersByTimeAsync(30000)
    expect(tick).toHaveBeenCalledTimes(0)
    doc.show()
    await vi.advanceTimersByTimeAsync(0)
    expect(tick).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(tick).toHaveBeenCalledTimes(2)
    doc.hide()
    await vi.advanceTimersByTimeAsync(20000)
    expect(tick).toHaveBeenCalledTimes(2)
    p.stop()
  })

  it('keeps polling after a failed read, and starting twice does not double it', async () => {
    const tick = vi.fn().mockRejectedValueOnce(new Error('网络错误')).mockResolvedValue(undefined)
    const p = visiblePoller(tick, 1000, { doc: fakeDoc() as unknown as Document })
    p.start()
    p.start()
    await vi.advanceTimersByTimeAsync(3000)
    expect(tick).toHaveBeenCalledTimes(3)
    p.stop()
  })
})
