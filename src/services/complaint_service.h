#pragma once

#include <optional>
#include <string>

#include "services/application_service.h"
#include "services/deps.h"
#include "services/scope.h"

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

// A complaint as its state changes need it.
struct ComplaintRow {
  long long id, application_id, vendor_id;
  std::string city_code;
  domain::ComplaintState state;
};

// Moves complaint `c` by `action` through the complaint table (domain/workflow.cc):
// its row and a history entry; `out` is the state it is in now. Refused as the table
// refuses, with nothing written.
Status TransitionComplaint(soci::session& sql, const ComplaintRow& c, domain::ComplaintAction action,
                           const Actor& actor, const std::string& reason, Instant now, domain::ComplaintState& out);

struct Verification {
  bool founded = false;
  std::string findings;
  std::optional<int> rectification_due_days;
};

class ComplaintService {
 public:
  explicit ComplaintService(Deps& deps) : deps_(deps) {}

  Result<json> File(const Principal& p, const NewComplaint& c);
  Result<json> AddEvidence(const Principal& p, long long id, const std::string& filename, const std::string& data,
                           const std::string& description);
  // Newest first; a page of them (scope.h: PageRequest).
  Result<ListPage> List(const Principal& p, std::optional<std::string> state, PageRequest page = {});
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
