import { describe, expect, it } from 'vitest'
import { useLoader } from '@/composables/useLoader'

// A promise settled from outside, to order two loads' answers by hand.
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

// A loader whose first and second loads answer when the test settles them.
function twoLoads() {
  const answers = [deferred<string>(), deferred<string>()]
  let call = 0
  return { answers, loader: useLoader(() => answers[call++].promise, 'none') }
}

describe('useLoader', () => {
  it('keeps what the latest load answered when an earlier one answers after it', async () => {
    const { answers, loader } = twoLoads()
    const { data, loading, reload } = loader
    const first = reload()
    const second = reload()
    answers[1].resolve('second')
    await second
    expect(data.value).toBe('second')
    expect(loading.value).toBe(false)
    answers[0].resolve('first')
    await first
    expect(data.value).toBe('second')
  })

  it('drops an earlier load’s failure once a later one has answered', async () => {
    const { answers, loader } = twoLoads()
    const { data, error, reload } = loader
    const first = reload()
    const second = reload()
    answers[1].resolve('second')
    await second
    answers[0].reject(new Error('网络错误'))
    await first
    expect(error.value).toBeNull()
    expect(data.value).toBe('second')
  })

  it('reports the latest load’s failure', async () => {
    const { data, error, loading, reload } = useLoader(() => Promise.reject(new Error('网络错误')), 'none')
    await reload()
    expect(error.value).toBeTruthy()
    expect(data.value).toBe('none')
    expect(loading.value).toBe(false)
  })
})
