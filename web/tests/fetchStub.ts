import { vi } from 'vitest'

// A JSON answer as the server gives it, for a stubbed fetch.
export function respond(status: number, body: unknown): Promise<Response> {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
}

// Replaces the global fetch with one answering `status` and `body` to every call, and
// returns it so that a test can read the calls made.
export function answerEveryFetch(status: number, body: unknown) {
  const fetch = vi.fn((_url: string, _init?: RequestInit) => respond(status, body))
  vi.stubGlobal('fetch', fetch)
  return fetch
}
