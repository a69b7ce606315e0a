import { ref, type Ref } from 'vue'
import type { FormInstance } from 'element-plus'

// A dialog that acts on one record through a validated form (a user's new password, an
// enterprise's release): which record, whether it is open or saving, and a refusal of
// the server's to show under the form's field.
export function useRecordDialog<T>() {
  const target = ref(null) as Ref<T | null>
  const visible = ref(false)
  const busy = ref(false)
  const formRef = ref<FormInstance>()
  const serverError = ref('')

  // Opens on `record` with the form as `reset` leaves it, and no message left over.
  function open(record: T, reset: () => void) {
    target.value = record
    reset()
    serverError.value = ''
    visible.value = true
    formRef.value?.clearValidate()
  }

  // Validates the form, then runs `action` on the record while busy; a refusal goes to
  // `refused`. Nothing is sent while the form is invalid.
  async function submit(action: (record: T) => Promise<void>, refused: (e: unknown) => void) {
    const record = target.value
    if (!record) return
    serverError.value = ''
    if (!(await formRef.value?.validate().catch(() => false))) return
    busy.value = true
    try {
      await action(record)
    } catch (e) {
      refused(e)
    } finally {
      busy.value = false
    }
  }

  return { target, visible, busy, formRef, serverError, open, submit }
}
