// Copies text for the person (a key, an endpoint). navigator.clipboard needs a
// secure context (https or localhost); a city's intranet server over plain http
// has none, so the old execCommand way is the fallback.
export async function copyText(text: string): Promise<boolean> {
  try {
    if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    // permission refused: try the fallback
  }
  return legacyCopy(text)
}

export function legacyCopy(text: string): boolean {
  if (typeof document === 'undefined') return false
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.top = '-1000px'
  document.body.appendChild(area)
  area.select()
  let ok = false
  try {
    ok = typeof document.execCommand === 'function' && document.execCommand('copy')
  } catch {
    ok = false
  } finally {
    document.body.removeChild(area)
  }
  return ok
}
