#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <soci/soci.h>

#include "services/deps.h"
#include "standard/conformance.h"
#include "standard/profile.h"
#include "storage/group_commit.h"

namespace liantiao::services {

namespace sandbox {
struct KnownKey;              // sandbox_pipeline.cc
class KnownObjects;           // sandbox_internal.h
class NonceLedger;            // sandbox_nonce_window.h
class UnsignedRefusalBudget;  // sandbox_refusal_budget.h
}  // namespace sandbox

// The test project and contractor provisioned for a key, so that a vendor's device
// can start at Team.Add. Derived from the key, so nothing needs storing but the scheme
// it was derived by (test_keys.identity_scheme).
struct SandboxIdentity {
  std::string project_code;  // city code + issue date + key sequence (18 digits)
  std::string corp_code;     // a valid GB 32100 credit code
  std::string corp_name;
  json ToJson() const;
};
// How a key's identity is derived (test_keys.identity_scheme). Scheme 1, the keys issued
// before migration 0019: the organisation code inside the credit code is "LT" and seven
// digits of the key id, with no GB 11714 check character. Any other, 2 for every key
// since (the column's default): "LT", six digits and the check character, so the code
// passes GB 32100 and GB 11714 both.
inline constexpr int kIdentityUncheckedOrganization = 1;
SandboxIdentity IdentityOfKey(long long key_id, const std::string& city_code, Instant issued_at, int scheme);

// Where a key's requests go: the city's own test environment when it has one, else the
// hosted sandbox (".../sandbox/440100/open.api", or ".../sandbox/440100/{method}" for
// profiles with one URL per method).
std::string SandboxEndpoint(const Deps& deps, const std::string& city_code, const std::string& profile,
                            const std::string& test_env);

// One request to city A's test environment, as the HTTP layer received it.
struct SandboxCall {
  std::string city_code;
  std::string endpoint;  // the last path segment: "open.api" or, per-method style, the method
  std::string body;      // the form: a POST's body, or a GET's query string
  // A POST's query string: where a standard whose body is JSON (transport.encoding
  // "json") carries its other parameters.
  std::string query;
  // "POST", or "GET" (the form as the query string, where the profile takes it); any
  // other is answered 405 in the profile's envelope.
  std::string http_method = "POST";
  // Microseconds since the request arrived; measured by the HTTP layer (latency
  // evidence), so this layer reads no clock of its own beyond deps.clock.
  std::function<long long()> elapsed_us = [] { return 0LL; };
};

// What the sandbox answers: the profile's JSON envelope, always with HTTP 200 as the
// reference servers do. `evidence_id` is 0 when nothing could be recorded.
struct SandboxReply {
  std::string body;
  long long evidence_id = 0;
  std::string outcome;    // accepted, refused, fault
  std::string error;      // the catalogue key of a refusal or of an asynchronous failure
  std::string path;       // where in `data` the failure is, "[workerList][0][idCardNumber]"
  int http_status = 200;  // 404 for a path the city's standard does not serve
  std::string allow;      // with a 405: the HTTP methods the standard takes ("POST", "POST, GET")
};

struct EvidenceQuery {
  std::optional<std::string> method;
  std::optional<std::string> outcome;
  std::optional<long long> key_id;
  // When it was received: from (inclusive) and to (exclusive), ISO 8601 as
  // core::ParseInstant reads them (a bare date is 00:00 in Shanghai).
  std::optional<std::string> from;
  std::optional<std::string> to;
  int limit = 50;
  int offset = 0;
};

// The text a decision keeps of its report (decided_reports.report): its JSON with the
// keys in order and no spaces, so that every copy of it (report.json as downloaded,
// pretty-printed or not) gives the same text again. Its SHA-256 ("sha256:" and 64 hex
// digits, as the evidence digest) is the report's content digest, which the decision's
// history entry records (history.report_digest).
std::string KeptReportText(const json& report);
std::string KeptReportDigest(std::string_view kept_text);
inline std::string ReportContentDigest(const json& report) { return KeptReportDigest(KeptReportText(report)); }

// A joint-test report checked against the database: its evidence digest recomputed from
// the evidence as stored now (docs/ARCHITECTURE.md defines the chain), whether the rows
// it covers are still what they were when it was made; and a kept report's content
// against the digest its decision's history entry recorded.
struct ReportDigestCheck {
  bool matches = false;  // everything checked agrees
  bool evidence_matches = false;
  std::string recorded;    // the report's evidence_digest
  std::string recomputed;  // the same chain over the same rows as stored now
  std::string app_key;     // the key whose evidence the report covers; empty: the report had no key
  long long rows = 0;      // rows chained now
  std::optional<long long> last_id;
  std::optional<long long> rows_recorded;  // how many the report says it covers (evidence_covered.rows)
  // The report names the last row it covers (evidence_covered). Reports kept before
  // reports did cover every row their key had then: all the key's rows are chained, so
  // a row recorded for the key since also makes the digests differ.
  bool coverage_recorded = false;
  // The report's content: its digest now, and for a report that says a decision kept it
  // (frozen_at) what that decision's history entry recorded (nullopt: not such a report,
  // or kept before decisions recorded it; then nothing is compared). For a path-2 report
  // built now on city B's kept report, the same of city B's kept report.
  std::string content_digest;
  std::optional<std::string> content_recorded;
  std::optional<long long> content_history_seq;  // the decision's history entry
  std::optional<long long> content_application;  // whose decision: this report's, or city B's
  bool kept = false;                             // the report says a decision kept it
  bool decision_found = true;                    // and the application it names has a decision recorded
  bool source_found = true;                      // a path-2 report's city B report is in the database
  // The report's key was issued for the application it names (or, on path 2, for city
  // B's application whose joint test it shows).
  bool key_belongs = true;
  // Its verdict (profile, key, cases, failures, summary, evidence digest and range) is
  // the one the key's application kept for the same key and evidence range, when it kept
  // one (verdict_compared_with): the same rows judged give the same verdict.
  bool verdict_matches = true;
  std::optional<long long> verdict_compared_with;
  bool ContentDigestMatches() const { return !content_recorded || *content_recorded == content_digest; }
  bool ContentMatches() const {
    return key_belongs && source_found && decision_found && verdict_matches && ContentDigestMatches();
  }
  // Why the check fails, in Chinese; empty when everything agrees. The rows counted tell
  // a change from a removal and from a row more. A row more need not be tampering: on
  // PostgreSQL two writers may commit rows out of id order, so a request in flight when
  // the report was made can land below its last row.
  std::string Explanation() const;
  json ToJson() const;
};

// The hosted test environment: the request pipeline (parse → key → freshness →
// signature → decrypt → schema → rules → store → answer → evidence), and the views of
// its evidence: the evidence log, the conformance checklist, the joint-test report
// and the reviewer's fault scenarios.
// What one PurgeEndedStores deleted.
struct StorePurge {
  long long keys = 0;     // keys whose stores are now gone (marked)
  long long objects = 0;  // workers, teams, records … deleted, of a store left unfinished too
  long long results = 0;  // their asynchronous results
};

class SandboxService {
 public:
  explicit SandboxService(Deps& deps);
  ~SandboxService();

  SandboxReply Handle(const SandboxCall& call);
  // The same, answering through `done`: on this thread when no test environment is
  // hosted for the city, else on the group commit's answering thread once the batch
  // holding the request committed. `done` must be quick and must not block.
  void HandleAsync(SandboxCall call, std::function<void(SandboxReply)> done);

  Result<json> Evidence(const Principal& p, long long application_id, const EvidenceQuery& q);
  // The same rows (limit and offset aside) as CSV for a spreadsheet, newest first, at
  // most `max_rows` of them (more: kInvalidField, naming how many).
  static constexpr long long kMaxEvidenceCsvRows = 20000;
  Result<std::string> EvidenceCsv(const Principal& p, long long application_id, const EvidenceQuery& q,
                                  long long max_rows = kMaxEvidenceCsvRows);
  Result<json> Conformance(const Principal& p, long long application_id);
  // The checklist summaries of several applications, read together (a list page);
  // applications unknown or out of the principal's scope are left out.
  Result<std::map<long long, json>> ConformanceSummaries(const Principal& p, const std::vector<long long>& ids);
  // A decided application's report is the one its decision froze; others are built now.
  Result<json> Report(const Principal& p, long long application_id);
  // The report of an application as its evidence stands now, on `sql`, without a scope
  // check: what a decision freezes (ApplicationService stores it with the decision).
  static Result<json> BuildReport(soci::session& sql, const Deps& deps, long long application_id, Instant now);
  // The report an application shows: the one its decision froze, else built now.
  static Result<json> ShownReport(soci::session& sql, const Deps& deps, long long application_id, Instant now);
  // The report a decision froze; none before the decision.
  static std::optional<json> FrozenReport(soci::session& sql, long long application_id);
  // The report's evidence digest checked against the evidence as stored now, and a kept
  // report's content against its decision's history entry, on `sql`, without a scope check (`liantiao report verify`,
  // for whoever holds the database). A report the key of which the database does not hold: kNotFound; no digest:
  // kInvalidField.
  static Result<ReportDigestCheck> CheckReportDigest(soci::session& sql, const json& report);
  // The same for the report the application shows (Report): its kept one once decided.
  Result<json> VerifyReport(const Principal& p, long long application_id);
  Result<json> Faults(const Principal& p, long long application_id);
  Result<json> SetFaults(const Principal& p, long long application_id, const json& switches);
  // Key refusals and failed probes of an application's keys: complaint evidence.
  static json KeyRefusals(soci::session& sql, long long application_id);

  // Drops the cached city profiles (after an admin changed a city).
  void ForgetCities();
  // Deletes the nonces that arrived before the last hour: no window reaches them (a
  // nonce may not repeat within its profile's window, at most an hour). Run with each
  // deadline sweep; answers how many were deleted.
  Result<long long> PurgeOldNonces(Instant now);
  // Deletes the stores of keys that ended (revoked or expired) more than
  // sandbox_store_retention_days before `now`, at most `max_objects` objects in one
  // call, and marks each key whose store is gone (store_purged_at); the next call goes
  // on with a store left unfinished (sandbox_retention.cc). Run with each sweep.
  static constexpr long long kMaxPurgedObjects = 5000;
  Result<StorePurge> PurgeEndedStores(Instant now, long long max_objects = kMaxPurgedObjects);

 private:
  Result<std::pair<std::string, std::string>> CityProfile(const std::string& city_code);
  // The key a request names, with its opened secret, its codec for the city's profile
  // and its application's fault switches; null when no key has that app key.
  Result<std::shared_ptr<const sandbox::KnownKey>> FindKey(const std::string& app_key,
                                                           const standard::Profile& profile);

  struct CachedCity {
    std::string profile, test_env;
    Instant until;
  };
  Deps& deps_;
  // Workers, teams, projects and contractors of the keys' stores known to exist. Before
  // writer_, whose queued units use it when it stops.
  std::unique_ptr<sandbox::KnownObjects> known_objects_;
  // The replay check of the requests' write transactions (sandbox_nonce_window.h).
  std::unique_ptr<sandbox::NonceLedger> nonces_;
  // How many refusals of each key whose signature did not verify are recorded.
  std::unique_ptr<sandbox::UnsignedRefusalBudget> unsigned_refusals_;
  storage::GroupCommit writer_;  // the requests' write transactions (step 8 of Handle)
  std::mutex cities_mu_;
  std::map<std::string, CachedCity> cities_;
  // Keys as last read (FindKey). Current while the database's write epoch and the
  // sandbox's own (a one-off fault that fired) have not moved, for at most a second
  // (another process may have revoked one).
  std::mutex keys_mu_;
  std::unordered_map<std::string, std::shared_ptr<const sandbox::KnownKey>> keys_;
  std::atomic<std::uint64_t> faults_fired_{0};
};

// The fault scenarios a city reviewer can switch on (docs/profiles.md, conformance.json).
inline const std::vector<std::string> kFaultScenarios = {"delay_async", "rate_limit_once", "server_error_once"};

}  // namespace liantiao::services
