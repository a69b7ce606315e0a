// The non-secret part of a claimed key (endpoint, sandbox project) is shown at
// claim time only: the application's public key record does not carry it. It is
// kept in this browser, keyed by the key's appId, so the joint-test panel can show
// it afterwards. The secret is never stored.
import type { Schemas } from '@/api/client'

export interface KeyInfo {
  app_id: string
  endpoint: string
  profile: string
  sandbox: Schemas['KeyClaim']['sandbox']
}

const PREFIX = 'liantiao.key-info.'

export function rememberKeyInfo(claim: Schemas['KeyClaim'], storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return
  const info: KeyInfo = { app_id: claim.app_id, endpoint: claim.endpoint, profile: claim.profile, sandbox: claim.sandbox }
  try {
    storage.setItem(PREFIX + claim.app_id, JSON.stringify(info))
  } catch {
    // storage full or disabled: the panel falls back to the city's test_env
  }
}

export function recallKeyInfo(appId: string | null | undefined, storage: Storage | undefined = globalThis.localStorage): KeyInfo | null {
  if (!appId || !storage) return null
  try {
    const raw = storage.getItem(PREFIX + appId)
    if (!raw) return null
    const info = JSON.parse(raw) as KeyInfo
    return info && info.app_id === appId && typeof info.endpoint === 'string' ? info : null
  } catch {
    return null
  }
}
