// The enterprises page (企业管理): what an enterprise's state is called, and what a
// refused release tells the admin.
import { ApiError, type Schemas } from '@/api/client'
import { errorMessage } from '@/utils/notify'

type Vendor = Schemas['Vendor']

// Released once the admin released it (Vendor.released), registered otherwise.
export function vendorStatus(v: Pick<Vendor, 'released'>): 'registered' | 'released' {
  return v.released ? 'released' : 'registered'
}

// A release refused while applications are open names them, so that the admin can look
// them up: "…（申请编号 12、15）".
export function releaseRefusal(e: unknown): string {
  const message = errorMessage(e)
  if (!(e instanceof ApiError)) return message
  const ids = e.details.applications
  if (!Array.isArray(ids) || ids.length === 0) return message
  return `${message}（申请编号 ${ids.join('、')}）`
}
