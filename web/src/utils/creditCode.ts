// The unified social credit code (统一社会信用代码, GB 32100-2015), checked in the
// browser as the person types, by the same rule as the server
// (src/domain/credit_code.cc): 18 characters from a 31-character alphabet
// (no I, O, Z, S, V), positions 3–8 digits (the GB/T 2260 division code), and
// the 18th the check character of weighted sum mod 31.

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
export const CREDIT_CODE_LENGTH = 18

export interface CreditCodeResult {
  ok: boolean
  normalized: string
  // Chinese reason shown under the field; empty when ok.
  reason: string
}

// People paste codes with spaces, lower case or full-width characters (from Word
// or a PDF of the licence); the server stores the plain upper-case form.
export function normalizeCreditCode(input: string): string {
  let out = ''
  for (const ch of input) {
    const code = ch.charCodeAt(0)
    // Full-width ASCII (！..～) maps to ASCII by a fixed offset.
    const c = code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ch
    if (/\s/.test(c) || c === '\u3000' || c === '-') continue
    out += c.toUpperCase()
  }
  return out
}

// The check character of the first 17 characters, or null if one is not in the alphabet.
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i])
    if (v < 0) return null
    sum += v * CREDIT_CODE_WEIGHTS[i]
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]
}

export function checkCreditCode(input: string): CreditCodeResult {
  const normalized = normalizeCreditCode(input)
  const fail = (reason: string): CreditCodeResult => ({ ok: false, normalized, reason })
  if (!normalized) return fail('请输入统一社会信用代码')
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized[i]
    if (CREDIT_CODE_ALPHABET.indexOf(c) < 0) {
      return 'IOZSV'.includes(c)
        ? fail(`第 ${i + 1} 位“${c}”不是统一社会信用代码使用的字符（代码中不使用 I、O、Z、S、V）`)
        : fail(`第 ${i + 1} 位“${c}”不是有效字符，只能是数字或大写字母`)
    }
    // Positions 3–8 are the administrative division code.
    if (i >= 2 && i < 8 && CREDIT_CODE_ALPHABET.indexOf(c) > 9) {
      return fail(`第 ${i + 1} 位应为数字（第 3–8 位是登记管理机关行政区划码）`)
    }
  }
  if (normalized.length < CREDIT_CODE_LENGTH) {
    return fail(`统一社会信用代码为 18 位，当前 ${normalized.length} 位，还差 ${CREDIT_CODE_LENGTH - normalized.length} 位`)
  }
  if (normalized.length > CREDIT_CODE_LENGTH) {
    return fail(`统一社会信用代码为 18 位，当前 ${normalized.length} 位，多了 ${normalized.length - CREDIT_CODE_LENGTH} 位`)
  }
  const expected = creditCodeCheckChar(normalized.slice(0, 17))
  if (expected !== normalized[17]) {
    return fail(`校验位不正确：按前 17 位计算，第 18 位应为“${expected}”，请核对营业执照上的代码`)
  }
  return { ok: true, normalized, reason: '' }
}
