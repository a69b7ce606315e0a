#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace liantiao::report {

// Renders the joint-test report (联调测试报告) to PDF bytes. Input is the report JSON the
// services layer builds:
//
//   {"title", "application": {"id", "state", "state_name"?, "path", "city_code", "city_name",
//    "submitted_at"}, "vendor": {"name", "credit_code"},
//    "products": [{"name", "model", "kind", "version"}],
//    "profile": {"name", "title", "version"},
//    "key": {"app_id", "issued_at", "expires_at", "revoked_at"},
//    "cases": [{"id", "title", "required", "status", "clause", "evidence_ids"}],
//    "failures": [{"case_id", "rule", "clause", "message", "evidence_id"}],
//    "summary": {"total", "required", "passed", "failed", "pending", "required_passed",
//                "all_required_passed", "requests"},
//    "generated_at", "evidence_digest", "evidence_covered"?: {"rows", "last_id"},
//    "source"?: {"city_code", "note"}}
//
// Output is a complete A4 PDF document (text set in Noto Sans CJK SC, so it stays
// searchable and extractable). A missing field is shown as "—" rather than refused: the
// report is a record of what the platform holds. Fails with kReportRenderFailed when the
// input is not a JSON object, the font is not installed, or cairo cannot write the PDF.
// Safe to call from several threads at once (pango's font map is per thread).
// `content_digest`: for a report a decision kept (frozen_at), the digest of its content
// that the decision's history entry recorded, printed beside when it was kept.
Result<std::string> RenderReportPdf(const nlohmann::json& report, const std::string& content_digest = "");

}  // namespace liantiao::report
