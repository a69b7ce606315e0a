import { describe, expect, it } from 'vitest'
import { recallKeyInfo, rememberKeyInfo } from '@/utils/keyInfo'
import { copyText, legacyCopy } from '@/utils/clipboard'

const claim = {
  app_id: 'lt380d171449441c43d1cc',
  secret: 'the-secret-shown-once',
  profile: 'gd-v1.3',
  endpoint: 'http://127.0.0.1:8080/sandbox/440100/open.api',
  expires_at: '2026-12-09T23:59:59+08:00',
  sandbox: { project_code: '440100202611300006', corp_code: '914401000LT0000006F', corp_name: '联调测试建设工程有限公司' },
}

describe('keyInfo', () => {
  it('keeps the endpoint and sandbox project but never the secret', () => {
    localStorage.clear()
    rememberKeyInfo(claim)
    const stored = Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('')
    expect(stored).not.toContain('the-secret-shown-once')
    expect(recallKeyInfo(claim.app_id)).toEqual({
      app_id: claim.app_id,
      endpoint: claim.endpoint,
      profile: 'gd-v1.3',
      sandbox: claim.sandbox,
    })
  })
  it('knows nothing of another key or of damaged storage', () => {
    localStorage.clear()
    rememberKeyInfo(claim)
    expect(recallKeyInfo('lt-other')).toBeNull()
    expect(recallKeyInfo(null)).toBeNull()
    localStorage.setItem('liantiao.key-info.ltbad', '{not json')
    expect(recallKeyInfo('ltbad')).toBeNull()
  })
})

describe('copyText', () => {
  it('falls back to execCommand where the clipboard API is missing (plain http)', async () => {
    let copied = ''
    const exec = (cmd: string) => {
      if (cmd === 'copy') copied = document.querySelector('textarea')?.value ?? ''
      return true
    }
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true })
    expect(await copyText('appid-123')).toBe(true)
    expect(copied).toBe('appid-123')
    // The helper leaves nothing behind in the page.
    expect(document.querySelectorAll('textarea').length).toBe(0)
  })
  it('reports failure when the browser refuses', () => {
    Object.defineProperty(document, 'execCommand', { value: () => false, configurable: true })
    expect(legacyCopy('x')).toBe(false)
  })
})
