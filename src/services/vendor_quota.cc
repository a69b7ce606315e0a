#include "services/vendor_quota.h"

#include <string>

namespace liantiao::services {

long long VendorStoredBytes(soci::session& sql, long long vendor_id) {
  long long materials = 0, evidence = 0;
  sql << "SELECT COALESCE(SUM(m.size), 0) FROM materials m JOIN applications a ON a.id = m.application_id "
         "WHERE a.vendor_id = :v",
      soci::use(vendor_id), soci::into(materials);
  sql << "SELECT COALESCE(SUM(e.size), 0) FROM complaint_evidence e JOIN complaints c ON c.id = e.complaint_id "
         "WHERE c.vendor_id = :v AND e.source = 'vendor'",
      soci::use(vendor_id), soci::into(evidence);
  return materials + evidence;
}

namespace {

// "2 GB", "300 MB": the quota as people read it.
std::string Megabytes(long long bytes) {
  const long long mb = bytes >> 20;
  if (mb >= 1024 && mb % 1024 == 0) return std::to_string(mb / 1024) + " GB";
  return std::to_string(mb) + " MB";
}

}  // namespace

Status RoomInVendorStorage(soci::session& sql, long long vendor_id, long long adding, long long quota) {
  const long long used = VendorStoredBytes(sql, vendor_id);
  if (used + adding <= quota) return OkStatus();
  return MakeError(ErrorCode::kQuotaExceeded,
                   "企业上传的文件总量将超过上限（" + Megabytes(quota) + "），请联系系统管理员",
                   {{"field", "file"}, {"quota_bytes", quota}, {"used_bytes", used}, {"file_bytes", adding}});
}

Status RoomForVendorDraft(soci::session& sql, long long vendor_id, int limit) {
  long long drafts = 0;
  sql << "SELECT COUNT(*) FROM applications WHERE vendor_id = :v AND state = 'draft'", soci::use(vendor_id),
      soci::into(drafts);
  if (drafts < limit) return OkStatus();
  return MakeError(ErrorCode::kQuotaExceeded,
                   "草稿申请已达上限（" + std::to_string(limit) + " 个），请先提交或撤回已有的草稿",
                   {{"limit", limit}, {"kind", "drafts"}});
}

Status RoomForVendorProduct(soci::session& sql, long long vendor_id, int limit) {
  long long products = 0;
  sql << "SELECT COUNT(*) FROM products WHERE vendor_id = :v", soci::use(vendor_id), soci::into(products);
  if (products < limit) return OkStatus();
  return MakeError(ErrorCode::kQuotaExceeded,
                   "产品数量已达上限（" + std::to_string(limit) + " 个），请删除不再使用的产品或联系系统管理员",
                   {{"limit", limit}, {"kind", "products"}});
}

}  // namespace liantiao::services
