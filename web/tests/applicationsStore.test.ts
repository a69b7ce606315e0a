import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useApplicationsStore } from '@/stores/applications'
import { ApiError } from '@/api/client'
import { respond } from './fetchStub'

const CITIES = [
  { code: '440100', name: '广州市', profile: 'gd-v1.3', test_env: 'sandbox', complaint_verification_days: 5 },
  { code: '440300', name: '深圳市', profile: 'gd-v1.3', test_env: 'sandbox', complaint_verification_days: 5 },
]

describe('applications store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.unstubAllGlobals()
  })

  it('loads the cities once and names a city by its code', async () => {
    const fetch = vi.fn(() => respond(200, CITIES))
    vi.stubGlobal('fetch', fetch)
    const store = useApplicationsStore()
    await store.loadCities()
    await store.loadCities()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(store.cityName('440300')).toBe('深圳市')
    expect(store.cityName('449999')).toBe('449999')
    expect(store.cityName(null)).toBe('—')
    await store.loadCities(true)
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('posts an action to the transition endpoint and passes the server refusal on', async () => {
    const fetch = vi.fn((_url: string, _init?: RequestInit) =>
      respond(409, { error: { code: 'invalid_transition', message: '当前状态不能执行该操作', details: {} } }),
    )
    vi.stubGlobal('fetch', fetch)
    const store = useApplicationsStore()
    const err = await store.act(12, 'submit').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('invalid_transition')
    expect(err.message).toBe('当前状态不能执行该操作')
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/applications/12/actions/submit')
    expect(init?.method).toBe('POST')
  })

  it('creates an application with the fields of the API', async () => {
    const fetch = vi.fn((_url: string, _init?: RequestInit) => respond(201, { id: 30, state: 'draft' }))
    vi.stubGlobal('fetch', fetch)
    const store = useApplicationsStore()
    const app = await store.create({ city_code: '440100', product_ids: [3], path: 'connected_elsewhere', connected_city_code: '440300' })
    expect(app.id).toBe(30)
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual({
      city_code: '440100',
      product_ids: [3],
      path: 'connected_elsewhere',
      connected_city_code: '440300',
    })
  })
})
