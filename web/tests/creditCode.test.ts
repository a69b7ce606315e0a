import { describe, expect, it } from 'vitest'
import { checkCreditCode, creditCodeCheckChar, normalizeCreditCode } from '@/utils/creditCode'

// Codes of real registered enterprises (public on their licences), plus the demo
// data's vendor; each passes the server's GB 32100 rule.
const VALID = [
  '914403001922038216', // 华为技术有限公司
  '91440300708461136T', // 深圳市腾讯计算机系统有限公司
  '91330100716105852F', // 阿里巴巴（中国）有限公司
  '91440101MA59ABCD1D', // demo: 广州华安智能科技有限公司
]

describe('creditCodeCheckChar', () => {
  it('computes the 18th character by the GB 32100 weights mod 31', () => {
    for (const code of VALID) expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17])
  })
  it('maps a sum divisible by 31 to 0, not to the 32nd character', () => {
    // 17 zeros: sum 0 → (31 - 0) % 31 = 0
    expect(creditCodeCheckChar('00000000000000000')).toBe('0')
  })
  it('refuses characters outside the alphabet and wrong lengths', () => {
    expect(creditCodeCheckChar('9144030019220382I')).toBeNull()
    expect(creditCodeCheckChar('914403')).toBeNull()
  })
})

describe('checkCreditCode', () => {
  it('accepts real valid codes', () => {
    for (const code of VALID) expect(checkCreditCode(code)).toEqual({ ok: true, normalized: code, reason: '' })
  })

  it('normalises spaces, lower case and full-width characters as pasted', () => {
    const r = checkCreditCode(' 9144 0300 7084 6113 6t ')
    expect(r.ok).toBe(true)
    expect(r.normalized).toBe('91440300708461136T')
    expect(normalizeCreditCode('９１４４０３００１９２２０３８２１６')).toBe('914403001922038216')
  })

  it('asks for the code when empty', () => {
    expect(checkCreditCode('  ').reason).toBe('请输入统一社会信用代码')
  })

  it('says how many characters are missing while typing', () => {
    const r = checkCreditCode('9144030019')
    expect(r.ok).toBe(false)
    expect(r.reason).toContain('当前 10 位')
    expect(r.reason).toContain('还差 8 位')
  })

  it('refuses too long a code', () => {
    expect(checkCreditCode('9144030019220382160').reason).toContain('多了 1 位')
  })

  it('names the letters GB 32100 leaves out', () => {
    const r = checkCreditCode('91440300192203821O')
    expect(r.ok).toBe(false)
    expect(r.reason).toContain('第 18 位“O”')
    expect(r.reason).toContain('I、O、Z、S、V')
  })

  it('refuses other characters', () => {
    expect(checkCreditCode('9144030019#').reason).toContain('第 11 位“#”不是有效字符')
  })

  it('wants digits in the division code (positions 3–8), like the server', () => {
    const r = checkCreditCode('9144A300192203821')
    expect(r.reason).toContain('第 5 位应为数字')
  })

  it('refuses a wrong check character and names the right one', () => {
    const r = checkCreditCode('914403001922038217')
    expect(r.ok).toBe(false)
    expect(r.reason).toContain('第 18 位应为“6”')
  })

  it('catches a single mistyped character (the checksum changes)', () => {
    const r = checkCreditCode('914403001922038316')
    expect(r.ok).toBe(false)
    expect(r.reason).toContain('校验位不正确')
  })
})
