#pragma once

#include <optional>
#include <string>

#include "services/application_service.h"
#include "services/deps.h"

namespace liantiao::services {

// The fields of 《广东省实名制管理数据对接违法违规行为举报表（范本）》.
struct NewComplaint {
  long long application_id = 0;
  std::string complainant;  // defaults to the vendor's contact
  std::string contact;      // defaults to the vendor's phone
  std::string respondent;   // city system / technical support unit
  std::string conduct;      // key_unusable, interface_not_provided, technical_barrier, designation_or_fees, other
  std::string facts;
  std::string occurred_at;  // ISO 8601
  bool declaration = false;
};

struct Verification {
  bool founded = false;
  std::string findings;
  std::optional<int> rectification_due_days;
};

class ComplaintService {
 public:
  explicit ComplaintService(Deps& deps) : deps_(deps) {}

  Result<json> File(const Principal& p, const NewComplaint& c);
  Result<json> AddEvidence(const Principal& p, long long id, const std::string& filename,
                           const std::string& data, const std::string& description);
  Result<json> List(const Principal& p, std::optional<std::string> state);
  Result<json> Get(const Principal& p, long long id);
  Result<FileDownload> DownloadEvidence(const Principal& p, long long id, long long evidence_id);
  // city_reviewer: founded → the tech support unit is ordered to rectify by a deadline.
  Result<json> Verify(const Principal& p, long long id, const Verification& v);
  // tech_support: rectification done → new key, fresh 5-working-day window.
  Result<json> ReportRectified(const Principal& p, long long id, const std::string& report);

 private:
  Deps& deps_;
};

}  // namespace liantiao::services
