import { vi } from 'vitest'

// A JSON answer as the server gives it, for a stubbed fetch.
export function respond(status: number, body: unknown): Promise<Response> {
  return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
}

// Replaces the global fetch with one answering `status` and `body` to every call, and
// returns it so that a test can read the calls made.
export function answerEveryFetch(status: number, body: unknown) {
  return answerEveryFetchWith(() => respond(status, body))
}

// The same with any answer (a file, a body that is not JSON): `answer` makes a fresh one
// for every call, as a Response's body can be read once.
export function answerEveryFetchWith(answer: () => Promise<Response>) {
  const fetch = vi.fn((_url: string, _init?: RequestInit) => answer())
  vi.stubGlobal('fetch', fetch)
  return fetch
}
