#pragma once

#include <soci/soci.h>

#include "core/result.h"

namespace liantiao::services {

// The bytes of files a vendor's users have uploaded: the materials of its applications
// and the evidence they added to its complaints (not the platform's own evidence files).
long long VendorStoredBytes(soci::session& sql, long long vendor_id);

// quota_exceeded when `adding` more bytes would take the vendor past `quota`. Each
// application holds at most 100 materials and each complaint 100 files, but a vendor
// may open any number of them: this bounds what one enterprise can put on the disk.
// Checked before a file is written and again in the transaction that records it; two
// uploads of one vendor to different records at the same instant may each pass, so the
// quota can be passed by at most one file per upload in flight.
Status RoomInVendorStorage(soci::session& sql, long long vendor_id, long long adding, long long quota);

// quota_exceeded when the vendor already has `limit` drafts (applications not yet
// submitted), or `limit` products: a draft or a product costs no upload, so the storage
// quota does not bound how many rows one enterprise can add. Checked in the transaction
// that adds one; two adds of one vendor at the same instant may each pass.
Status RoomForVendorDraft(soci::session& sql, long long vendor_id, int limit);
Status RoomForVendorProduct(soci::session& sql, long long vendor_id, int limit);

}  // namespace liantiao::services
