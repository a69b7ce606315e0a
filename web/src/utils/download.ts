import { fetchFile } from '@/api/client'
import { showError } from './notify'

// Downloads a file of the API (a report PDF) and saves it under the server's name. A
// refusal is shown as a message and answers false; nothing is saved then.
export async function downloadFile(path: string, fallbackName: string): Promise<boolean> {
  try {
    const { blob, filename } = await fetchFile(path, fallbackName)
    saveBlob(blob, filename)
    return true
  } catch (e) {
    showError(e)
    return false
  }
}

// Hands a blob to the browser as a download named `filename`.
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // The download has its own copy once it started; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
