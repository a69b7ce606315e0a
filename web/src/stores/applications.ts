import { defineStore } from 'pinia'
import { api, type Schemas } from '@/api/client'

type City = Schemas['City']
type Product = Schemas['Product']

// Cities and the vendor's products change rarely and several vendor pages need
// them (create dialog, detail header): loaded once per session, reloaded on demand.
export const useApplicationsStore = defineStore('applications', {
  state: () => ({ cities: [] as City[], products: [] as Product[], citiesLoaded: false }),
  getters: {
    cityName: (s) => (code: string | null | undefined) =>
      (code && s.cities.find((c) => c.code === code)?.name) || code || '—',
  },
  actions: {
    async loadCities(force = false): Promise<City[]> {
      if (!this.citiesLoaded || force) {
        this.cities = await api.get<City[]>('/cities')
        this.citiesLoaded = true
      }
      return this.cities
    },
    async loadProducts(): Promise<Product[]> {
      this.products = await api.get<Product[]>('/products')
      return this.products
    },
    async create(body: {
      city_code: string
      product_ids: number[]
      path: 'first' | 'connected_elsewhere'
      connected_city_code?: string | null
      description?: string
    }): Promise<Schemas['Application']> {
      return api.post<Schemas['Application']>('/applications', body)
    },
    async act(id: number, action: string, body: Record<string, unknown> = {}): Promise<Schemas['Application']> {
      return api.post<Schemas['Application']>(`/applications/${id}/actions/${action}`, body)
    },
  },
})
