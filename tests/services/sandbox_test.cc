// The sandbox's refusals, one per step of the pipeline, on SQLite and PostgreSQL:
// each answered in the profile's words (code and Chinese message), recorded as
// evidence with the failing rule, and leaving the key's store unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "app/device.h"
#include "crypto/crypto.h"
#include "domain/credit_code.h"
#include "services/history.h"
#include "services/sandbox_internal.h"
#include "standard/request.h"
#include "standard/tokens.h"
#include "storage/row.h"
#include "testing/app/sandbox_driver.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

using nlohmann::json;
using testing::SandboxDriver;
using testing::TestPlatform;

class SandboxTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), ParseInstant("2026-10-20T10:00:00+08:00").value(), false);
    ASSERT_NE(tp_, nullptr);
    vendor_ = tp_->AddVendor("sb_vendor");
    reviewer_ = tp_->AddUser(domain::Role::kCityReviewer, "sb_reviewer", "440100");
    key_ = testing::StartJointTest(*tp_, vendor_, reviewer_, "440100", "gd-v1.3");
    driver_ = std::make_unique<SandboxDriver>(*tp_, key_);
  }

  // A team of the key's contractor, or of `corp` (code, name) when given.
  json Team(const std::string& name = "木工班组", const std::pair<std::string, std::string>& corp = {}) {
    return {{"projectCode", key_.project_code},
            {"corpCode", corp.first.empty() ? key_.corp_code : corp.first},
            {"corpName", corp.first.empty() ? key_.corp_name : corp.second},
            {"teamName", name}};
  }

  SandboxDriver::Reply Refused(const SandboxDriver::Reply& r, const std::string& error, const std::string& code) {
    EXPECT_EQ(r.outcome, "refused") << r.body.dump();
    EXPECT_EQ(r.error, error) << r.body.dump();
    EXPECT_EQ(r.code(), code) << r.body.dump();
    EXPECT_TRUE(r.body["data"].is_null());
    const std::string message = r.body.value("message", "");
    EXPECT_TRUE(std::any_of(message.begin(), message.end(), [](char c) { return c & 0x80; }))
        << "a Chinese message: " << message;
    return r;
  }

  // The database id of the key in use.
  long long KeyId() {
    return tp_->db()
        .Read<long long>([&](soci::session& sql) -> Result<long long> {
          long long id = 0;
          sql << "SELECT id FROM test_keys WHERE app_key = :k", soci::use(key_.app_id), soci::into(id);
          return id;
        })
        .value();
  }

  // Where the nonces are kept: a log on SQLite, a keyed table on PostgreSQL
  // (services/sandbox_nonce_window.h).
  std::string NonceTable() const { return GetParam() == "sqlite" ? "sandbox_nonce_log" : "sandbox_recent_nonces"; }

  long long Count(const std::string& table, const std::string& where = "") {
    return tp_->db()
        .Read<long long>([&](soci::session& sql) -> Result<long long> {
          long long n = 0;
          sql << "SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where), soci::into(n);
          return n;
        })
        .value();
  }

  // Runs one statement in a transaction of its own.
  void Exec(const std::string& statement) {
    ASSERT_TRUE(tp_->db()
                    .Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
                      sql << statement;
                      return Ok{};
                    })
                    .ok())
        << statement;
  }

  // `form` with its nonce replaced and signed again by `driver`'s key.
  static standard::Form WithNonce(SandboxDriver& driver, standard::Form form, const std::string& nonce) {
    for (auto& [k, v] : form) {
      if (k == "nonce") v = nonce;
    }
    form.pop_back();  // the signature, last
    form.emplace_back("sign", driver.codec().Sign(form));
    return form;
  }

  // Rotates the application's key (revoking key_) and answers the new key's parts.
  testing::SandboxKey RotateKey() {
    auto rotated = tp_->platform().applications.RotateKey(vendor_, key_.application_id);
    EXPECT_TRUE(rotated.ok());
    testing::SandboxKey fresh = key_;
    if (!rotated.ok()) return fresh;
    fresh.app_id = rotated->body["app_id"];
    fresh.secret = rotated->body["secret"];
    fresh.project_code = rotated->body["sandbox"]["project_code"];
    fresh.corp_code = rotated->body["sandbox"]["corp_code"];
    return fresh;
  }

  // The async result of an accepted write, polled once: its `data`.
  json Polled(const SandboxDriver::Reply& write) { return driver_->Poll(write.data()["requestSerialCode"]).data(); }
  // Adds a project of the key's contractor in district 440106 (Project.Add) and returns
  // the projectCode the platform gave it.
  std::string AddProject(const std::string& name) {
    const json project = {{"contractorCorpCode", key_.corp_code},
                          {"contractorCorpName", key_.corp_name},
                          {"name", name},
                          {"category", "01"},
                          {"areaCode", "440106"},
                          {"prjStatus", "003"}};
    return json::parse(Polled(driver_->Send("Project.Add", project))["result"].get<std::string>())["projectCode"];
  }
  // The labour subcontractor of the profile's ProjectSubContractor.Add example, in the
  // key's project (null if the profile has no such example).
  json LabourSubcontractor() const {
    for (const auto& e : driver_->profile().examples) {
      if (e.method == "ProjectSubContractor.Add" && e.name == "valid-labour-subcontractor") {
        json sub = e.body["data"];
        sub["projectCode"] = key_.project_code;
        return sub;
      }
    }
    return nullptr;
  }
  // Adds Team() and returns its teamSysNo.
  long long AddTeam(const std::string& name = "木工班组", const std::pair<std::string, std::string>& corp = {}) {
    return json::parse(Polled(driver_->Send("Team.Add", Team(name, corp)))["result"].get<std::string>())["teamSysNo"];
  }

  // Registers worker `id` in a new team (of `corp`, default the key's contractor) of
  // `project` (default the key's own), entered the day before unless `enter` is false;
  // returns the teamSysNo.
  long long EnteredWorker(const std::string& id, const std::string& team = "木工班组",
                          const std::pair<std::string, std::string>& corp = {}, bool enter = true,
                          const std::string& project = "") {
    json team_data = Team(team, corp);
    if (!project.empty()) team_data["projectCode"] = project;
    const long long team_no =
        json::parse(Polled(driver_->Send("Team.Add", team_data))["result"].get<std::string>())["teamSysNo"];
    json worker = Worker(id);
    const json common = {{"projectCode", team_data["projectCode"]},
                         {"corpCode", team_data["corpCode"]},
                         {"corpName", team_data["corpName"]},
                         {"teamSysNo", team_no}};
    json add = common;
    add["teamName"] = team;
    add["workerList"] = {worker};
    EXPECT_EQ(Polled(driver_->Send("ProjectWorker.Add", add))["status"], 20);
    if (!enter) return team_no;
    json entry = common;
    entry["workerList"] = {{{"idCardType", "01"}, {"idCardNumber", id}, {"date", "2026-10-19"}, {"type", "1"}}};
    EXPECT_EQ(Polled(driver_->Send("WorkerEntryExit.Add", entry))["status"], 20);
    return team_no;
  }
  // The platform's evidence of key refusals on a 测试密钥无法使用 complaint the vendor
  // files now about the key's application, as the city's reviewer reads it.
  json KeyRefusalsOfANewComplaint() {
    auto complaint = tp_->platform().complaints.File(vendor_, {.application_id = key_.application_id,
                                                               .respondent = "广州市技术支持单位",
                                                               .conduct = "key_unusable",
                                                               .facts = "测试密钥无法使用",
                                                               .occurred_at = "2026-10-20T10:00:00+08:00",
                                                               .declaration = true});
    EXPECT_TRUE(complaint.ok()) << complaint.error().message;
    if (!complaint.ok()) return json::array();
    auto detail = tp_->platform().complaints.Get(reviewer_, (*complaint)["id"]);
    EXPECT_TRUE(detail.ok());
    return detail.ok() ? (*detail)["key_refusals"] : json::array();
  }
  // A payroll of team `team_no` for `month` paying worker `id` (an ID card number, or
  // another document's of type `id_type`).
  json Payroll(long long team_no, const std::string& id, const std::string& month = "2026-10",
               const std::string& id_type = "01") {
    return {{"projectCode", key_.project_code},
            {"corpCode", key_.corp_code},
            {"corpName", key_.corp_name},
            {"teamSysNo", team_no},
            {"payMonth", month},
            {"detailList",
             {{{"idCardType", id_type},
               {"idCardNumber", id},
               {"days", 20},
               {"workHours", 160},
               {"totalPayAmount", 100},
               {"actualAmount", 100},
               {"isBackPay", 0},
               {"balanceDate", "2026-10-20"}}}}};
  }
  // Worker `id` (an ID card number) as ProjectWorker.Add lists a worker.
  static json Worker(const std::string& id) { return app::SampleWorker("张三", id); }
  // A foreign worker, known by passport number (证件类型 08).
  static json PassportWorker(const std::string& passport) {
    json w = Worker(passport);
    w["workerName"] = "JOHN SMITH";
    w["idCardType"] = "08";
    w["grantOrg"] = "United Kingdom";
    return w;
  }
  // An attendance record of worker `id`, entering on the test's day at `time`.
  static json AttendanceRecord(const std::string& id, const std::string& time) {
    return json{{"idCardType", "01"},
                {"idCardNumber", id},
                {"date", "2026-10-20 " + time},
                {"direction", "01"},
                {"attendType", "001"}};
  }
  SandboxDriver::Reply Attend(json team_no, json list) {
    return driver_->Send("WorkerAttendance.Add",
                         {{"projectCode", key_.project_code}, {"teamSysNo", team_no}, {"dataList", std::move(list)}});
  }
  // The `data` of a WorkerEntryExit.Add of worker `id` in team `team_no` of the key's
  // contractor: 进场 (type "1") or 退场 ("0") on `day`.
  json EntryExit(json team_no, const std::string& id, const std::string& day, const char* type) {
    return {{"projectCode", key_.project_code},
            {"corpCode", key_.corp_code},
            {"corpName", key_.corp_name},
            {"teamSysNo", std::move(team_no)},
            {"workerList", {{{"idCardType", "01"}, {"idCardNumber", id}, {"date", day}, {"type", type}}}}};
  }
  // A query's `data`: first page of 10 of the key's project (Project.Query: of every
  // project), with `filters` added.
  json Query(const std::string& method, const json& filters = json::object()) {
    json data = {{"pageIndex", 0}, {"pageSize", 10}};
    if (method != "Project.Query") data["projectCode"] = key_.project_code;
    data.update(filters);
    auto r = driver_->Send(method, data);
    EXPECT_EQ(r.outcome, "accepted") << method << " " << r.body.dump();
    return r.data();
  }

  std::unique_ptr<TestPlatform> tp_;
  services::Principal vendor_, reviewer_;
  testing::SandboxKey key_;
  std::unique_ptr<SandboxDriver> driver_;
};

TEST_P(SandboxTest, AcceptsASignedRequestAndAnswersAsync) {
  auto r = driver_->Send("Team.Add", Team());
  EXPECT_EQ(r.outcome, "accepted") << r.body.dump();
  EXPECT_EQ(r.code(), "0");
  EXPECT_EQ(r.body["message"], "成功");
  const std::string serial = r.data()["requestSerialCode"];
  EXPECT_EQ(serial.rfind("team-add-2026102010-1-", 0), 0u) << serial;
  auto poll = driver_->Poll(serial);
  EXPECT_EQ(poll.data()["status"], 20);
  const json result = json::parse(poll.data()["result"].get<std::string>());
  EXPECT_GT(result["teamSysNo"].get<long long>(), 100000000);
}

// A serial names its result by the number it ends in, and only in full, only to its key;
// results stored before serials were numbered (sandbox_serials) are still answered.
TEST_P(SandboxTest, SerialsAreAnsweredInFullToTheirKeyOnly) {
  const std::string serial = driver_->Send("Team.Add", Team()).data()["requestSerialCode"];
  const std::string number = serial.substr(serial.rfind('-') + 1);
  EXPECT_EQ(number.size(), 4u) << serial;
  EXPECT_EQ(driver_->Poll(serial).data()["status"], 20);
  const std::string other_hour = "team-add-2026102011-1-" + number;
  Refused(driver_->Send("AsyncHandleResult.Query", {{"requestSerialCode", other_hour}}), "serial_unknown", "-1");
  Refused(driver_->Send("AsyncHandleResult.Query", {{"requestSerialCode", "worker-add-2026102010-1-" + number}}),
          "serial_unknown", "-1");

  Exec("UPDATE sandbox_async SET key_id = key_id + 1000");
  Refused(driver_->Send("AsyncHandleResult.Query", {{"requestSerialCode", serial}}), "serial_unknown", "-1");

  Exec(
      "INSERT INTO sandbox_serials (serial, key_id, method, status, result, pending_polls, created_at) "
      "SELECT 'team-add-2026102009-1-73925810', id, 'Team.Add', 20, '{\"teamSysNo\":100000042}', 1, 0 "
      "FROM test_keys WHERE app_key = '" +
      key_.app_id + "'");
  auto legacy = [&] {
    return driver_->Send("AsyncHandleResult.Query", {{"requestSerialCode", "team-add-2026102009-1-73925810"}});
  };
  auto first = legacy();
  EXPECT_EQ(first.data()["status"], 0) << "its pending poll: " << first.body.dump();
  auto done = legacy();
  EXPECT_EQ(done.data()["status"], 20) << done.body.dump();
  EXPECT_EQ(done.data()["result"], "{\"teamSysNo\":100000042}");
}

// The test contractor's credit code passes GB 32100, and the organisation code inside it
// (positions 9–17) GB 11714, so that a device checking either accepts it: "LT", six
// digits of the key id and the check character.
TEST_P(SandboxTest, TheTestContractorsCodePassesBothStandards) {
  const std::string& code = key_.corp_code;
  ASSERT_TRUE(domain::CheckCreditCode(code).ok()) << code;
  EXPECT_TRUE(domain::OrganizationCodeOk(code.substr(8, 9))) << code;
  char digits[8];
  std::snprintf(digits, sizeof digits, "%06lld", KeyId() % 1000000);
  EXPECT_EQ(code.substr(0, 16), std::string("91440100LT") + digits);
  const json app = tp_->platform().applications.Get(vendor_, key_.application_id).value();
  EXPECT_EQ(app["test_key"]["sandbox"]["corp_code"], code) << "the claim and the application agree";
  EXPECT_EQ(driver_->Send("Team.Add", Team()).outcome, "accepted");
  const testing::SandboxKey fresh = RotateKey();
  EXPECT_NE(fresh.corp_code, code);
  EXPECT_TRUE(domain::CheckCreditCode(fresh.corp_code).ok() && domain::OrganizationCodeOk(fresh.corp_code.substr(8, 9)))
      << fresh.corp_code;
}

// A key issued before migration 0019 keeps the code derived then ("LT" and seven digits,
// no GB 11714 check character): a device may be configured with it. The application, and
// the sandbox's rules, go on using that code for it.
TEST_P(SandboxTest, AKeyIssuedBeforeTheCheckedCodeKeepsItsCode) {
  const std::string checked = key_.corp_code;
  // The key as migration 0019 leaves a key issued before it: its own statement, run again
  // over the key (before the sandbox reads it).
  ASSERT_EQ(testing::RerunMigrationStatements(tp_->db(), "0019_test_keys_identity_scheme"), 1);
  const json app = tp_->platform().applications.Get(vendor_, key_.application_id).value();
  const std::string old = app["test_key"]["sandbox"]["corp_code"];
  char digits[9];
  std::snprintf(digits, sizeof digits, "%07lld", KeyId() % 10000000);
  EXPECT_EQ(old.substr(0, 17), std::string("91440100LT") + digits);
  EXPECT_TRUE(domain::CheckCreditCode(old).ok()) << old;
  EXPECT_EQ(app["test_key"]["sandbox"]["project_code"], key_.project_code) << "only the contractor's code differs";

  key_.corp_code = old;
  EXPECT_EQ(driver_->Send("Team.Add", Team()).outcome, "accepted");
  key_.corp_code = checked;
  Refused(driver_->Send("Team.Add", Team("钢筋班组")), "corp_in_project", "-1");
}

// Whether a worker is on site on a day follows their latest entry or exit on or before
// that day, and of two on one day the one stored later; a new entry or exit may not be
// dated before the latest one.
TEST_P(SandboxTest, AttendanceFollowsTheLatestEntryOrExit) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);  // in on 2026-10-19
  auto move = [&](const std::string& day, const char* type) {
    return driver_->Send("WorkerEntryExit.Add", EntryExit(team_no, id, day, type));
  };
  auto attend = [&](const std::string& day, const std::string& time) {
    json record = AttendanceRecord(id, time);
    record["date"] = day + " " + time;
    return Attend(team_no, {record});
  };
  Refused(move("2026-10-20", "1"), "entry_while_entered", "-1");
  ASSERT_EQ(Polled(move("2026-10-19", "0"))["status"], 20);
  // The exit day is the last day on site: its swipes may arrive after the exit record.
  EXPECT_EQ(Polled(attend("2026-10-19", "17:00:00"))["status"], 20) << "the exit day";
  Refused(attend("2026-10-20", "08:00:00"), "worker_entered", "-1");
  ASSERT_EQ(Polled(move("2026-10-20", "1"))["status"], 20) << "back in";
  EXPECT_EQ(Polled(attend("2026-10-20", "09:00:00"))["status"], 20) << "entered again";
  Refused(move("2026-10-18", "0"), "entry_exit_order", "-1");
  // The same record again is a resend: a duplicate, failed in its asynchronous result.
  EXPECT_EQ(Polled(move("2026-10-20", "1"))["status"], 10);
}

// A worker's records are filed under the team the worker was registered in: another team
// of the same project is refused (`worker_in_team`), also once the worker is known from
// accepted records, and whether teamSysNo comes as a number or a string.
TEST_P(SandboxTest, AWorkersRecordsNameTheWorkersOwnTeam) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);
  const long long other = AddTeam("钢筋班组");
  EXPECT_EQ(Polled(Attend(team_no, {AttendanceRecord(id, "08:00:00")}))["status"], 20);
  auto refused = Attend(other, {AttendanceRecord(id, "09:00:00")});
  Refused(refused, "worker_in_team", "-1");
  EXPECT_EQ(refused.path, "[dataList][0][idCardNumber]");
  EXPECT_NE(refused.body["message"].get<std::string>().find(std::to_string(other)), std::string::npos)
      << refused.body.dump();
  Refused(Attend(json(std::to_string(other)), {AttendanceRecord(id, "09:00:00")}), "worker_in_team", "-1");
  EXPECT_EQ(Polled(Attend(json(std::to_string(team_no)), {AttendanceRecord(id, "10:00:00")}))["status"], 20);
  Refused(driver_->Send("WorkerEntryExit.Add", EntryExit(other, id, "2026-10-20", "0")), "worker_in_team", "-1");
}

// A retry after a server error that stores the record twice fails the retry case: the
// second resend of the entry is a duplicate, as the reference servers judge it.
TEST_P(SandboxTest, ARetryThatDuplicatesAnEntryFailsTheRetryCase) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id, "木工班组", {}, /*enter=*/false);
  ASSERT_TRUE(tp_->platform().sandbox.SetFaults(reviewer_, key_.application_id, {{"server_error_once", true}}).ok());
  const json entry = EntryExit(team_no, id, "2026-10-19", "1");
  EXPECT_EQ(driver_->Send("WorkerEntryExit.Add", entry).outcome, "fault");
  EXPECT_EQ(Polled(driver_->Send("WorkerEntryExit.Add", entry))["status"], 20) << "the retry";
  auto status = [&] {
    auto c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
    for (const json& k : (*c)["cases"]) {
      if (k["id"] == "retry_server_error") return k["status"].get<std::string>();
    }
    return std::string("missing");
  };
  EXPECT_EQ(status(), "pass");
  EXPECT_EQ(Polled(driver_->Send("WorkerEntryExit.Add", entry))["status"], 10) << "stored twice";
  EXPECT_EQ(status(), "fail");
}

// A one-off fault waits for a write whose data passes: spent on data refused anyway, it
// would leave the client's correct retry (the same data) refused too, and the retry case
// failed for a client that retried as it should.
TEST_P(SandboxTest, AFaultIsNotSpentOnDataThatIsRefused) {
  ASSERT_TRUE(tp_->platform().sandbox.SetFaults(reviewer_, key_.application_id, {{"server_error_once", true}}).ok());
  json bad = Team();
  bad.erase("teamName");
  Refused(driver_->Send("Team.Add", bad), "required", "-1");
  EXPECT_EQ(driver_->Send("Team.Add", Team()).outcome, "fault") << "the first write that passes takes the fault";
  EXPECT_EQ(Polled(driver_->Send("Team.Add", Team()))["status"], 20) << "the retry";
  const json c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id).value();
  for (const json& k : c["cases"]) {
    if (k["id"] == "retry_server_error") {
      EXPECT_EQ(k["status"], "pass") << k.dump();
    }
  }
}

// Nor on a record the business rules refuse (a worker the project does not have), nor
// on one that would fail in its asynchronous result (a duplicate): the rules are met
// before the fault is spent, so the client's retry of the record that took it passes.
TEST_P(SandboxTest, AFaultIsNotSpentOnARecordTheRulesRefuse) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);  // in on 2026-10-19
  ASSERT_TRUE(tp_->platform().sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", true}}).ok());
  Refused(Attend(team_no, {AttendanceRecord("440106198503121237", "08:00:00")}), "worker_registered", "-1");
  EXPECT_EQ(Polled(driver_->Send("WorkerEntryExit.Add", EntryExit(team_no, id, "2026-10-19", "1")))["status"], 10)
      << "a resend of the entry: a duplicate, failed in its result and not faulted";
  const json record = AttendanceRecord(id, "09:00:00");
  EXPECT_EQ(Attend(team_no, {record}).outcome, "fault") << "the first record the store takes";
  EXPECT_EQ(Polled(Attend(team_no, {record}))["status"], 20) << "the retry";
  const json c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id).value();
  bool judged = false;
  for (const json& k : c["cases"]) {
    if (k["id"] != "retry_rate_limit") continue;
    judged = true;
    EXPECT_EQ(k["status"], "pass") << k.dump();
  }
  EXPECT_TRUE(judged);
}

// A scenario switched on and off again before its fault showed itself asks nothing of
// the vendor: its case is not applicable and holds no decision back.
TEST_P(SandboxTest, AScenarioSwitchedOffBeforeItFiredNoLongerApplies) {
  auto applicable = [&] {
    const json c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id).value();
    for (const json& k : c["cases"]) {
      if (k["id"] == "retry_rate_limit") return k["applicable"].get<bool>();
    }
    return false;
  };
  auto& sandbox = tp_->platform().sandbox;
  ASSERT_TRUE(sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", true}}).ok());
  EXPECT_TRUE(applicable()) << "on, waiting for its fault";
  ASSERT_TRUE(sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", false}}).ok());
  EXPECT_FALSE(applicable()) << "off before it fired";
  ASSERT_TRUE(sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", true}}).ok());
  EXPECT_EQ(driver_->Send("Team.Add", Team()).outcome, "fault");
  ASSERT_TRUE(sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", false}}).ok());
  EXPECT_TRUE(applicable()) << "it fired: the vendor's retry is judged";
}

// Delayed results need asynchronous results: a city whose standard answers at once
// cannot have them delayed.
TEST_P(SandboxTest, DelayedResultsAreRefusedForASynchronousStandard) {
  const auto gz_reviewer = tp_->AddUser(domain::Role::kCityReviewer, "sb_gz_delay", "440300");
  const testing::SandboxKey k = testing::StartJointTest(*tp_, vendor_, gz_reviewer, "440300", "gz-md5-des");
  auto& sandbox = tp_->platform().sandbox;
  auto refused = sandbox.SetFaults(gz_reviewer, k.application_id, {{"delay_async", true}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidField);
  EXPECT_EQ(refused.error().details["field"], "delay_async");
  EXPECT_FALSE(sandbox.Faults(gz_reviewer, k.application_id).value()["scenarios"]["delay_async"]["enabled"]);
  EXPECT_TRUE(sandbox.SetFaults(gz_reviewer, k.application_id, {{"rate_limit_once", true}}).ok());
  EXPECT_TRUE(sandbox.SetFaults(reviewer_, key_.application_id, {{"delay_async", true}}).ok()) << "national: async";
}

// Where the URL names the method (gz-md5-des), a signed method field naming another is
// refused as a malformed form, recorded as the key's evidence; naming the same one is fine.
TEST_P(SandboxTest, AMethodFieldContradictingThePathIsRefused) {
  const auto gz_reviewer = tp_->AddUser(domain::Role::kCityReviewer, "sb_gz_method", "440300");
  const testing::SandboxKey k = testing::StartJointTest(*tp_, vendor_, gz_reviewer, "440300", "gz-md5-des");
  testing::SandboxDriver gz(*tp_, k);
  const json query = {{"projectCode", k.project_code}, {"pageIndex", 0}, {"pageSize", 10}};
  // The client's form names Team.Query beside its signed fields, and is sent to
  // ProjectWorker.Query's URL.
  standard::Form form = gz.Build("Team.Query", query);
  const std::string sign = gz.profile().Param("sign");
  std::erase_if(form, [&](const auto& f) { return f.first == sign; });
  form.emplace_back(gz.profile().Param("method"), "Team.Query");
  form.emplace_back(sign, gz.codec().Sign(form));
  ASSERT_TRUE(gz.codec().Verify(form, *standard::FormValue(form, sign)));
  auto refused = gz.SendBody(standard::EndpointFor(gz.profile(), "ProjectWorker.Query"), standard::EncodeForm(form));
  EXPECT_EQ(refused.outcome, "refused") << refused.body.dump();
  EXPECT_EQ(refused.error, "malformed_form");
  EXPECT_EQ(refused.code(), "1001");
  EXPECT_EQ(refused.body[gz.profile().message_field], "参数格式错误") << refused.body.dump();
  EXPECT_GT(refused.evidence_id, 0);
  EXPECT_EQ(gz.SendBody(standard::EndpointFor(gz.profile(), "Team.Query"), standard::EncodeForm(form)).outcome,
            "accepted")
      << "the same form at its own method's URL";
}

// A standard whose body is the JSON data (mz-json-md5, Meizhou's family): the parameters
// travel as the query string and the body is signed as `body`. A body that is not JSON,
// one changed after it was signed, and a query that names the body too are refused in
// the standard's words and recorded. It has no nonce, so the same signed request within
// the skew is accepted again.
TEST_P(SandboxTest, AJsonBodyStandardTakesItsParametersFromTheQuery) {
  const auto mz_reviewer = tp_->AddUser(domain::Role::kCityReviewer, "sb_mz_json", "441400");
  const testing::SandboxKey k = testing::StartJointTest(*tp_, vendor_, mz_reviewer, "441400", "mz-json-md5");
  testing::SandboxDriver mz(*tp_, k);
  const standard::Profile& p = mz.profile();
  const json query = {{"projectCode", k.project_code}, {"pageIndex", 0}, {"pageSize", 10}};
  const standard::WireRequest wire = standard::ToWire(p, mz.Build("Team.Query", query));
  EXPECT_EQ(json::parse(wire.body), query);
  EXPECT_NE(wire.query.find("api_key=" + k.app_id), std::string::npos) << wire.query;
  EXPECT_NE(wire.query.find("signature="), std::string::npos) << wire.query;
  EXPECT_EQ(wire.query.find("nonce"), std::string::npos) << wire.query;
  EXPECT_EQ(mz.SendBody("Team.Query", wire.body, "", wire.query).outcome, "accepted");
  EXPECT_EQ(mz.SendBody("Team.Query", wire.body, "", wire.query).outcome, "accepted") << "no nonce to replay";

  const json other_page = {{"projectCode", k.project_code}, {"pageIndex", 1}, {"pageSize", 10}};
  Refused(mz.SendBody("Team.Query", other_page.dump(), "", wire.query), "bad_signature", p.Error("bad_signature").code);
  // A body that is not JSON, signed as it is.
  standard::Form not_json = mz.Build("Team.Query", query);
  std::erase_if(not_json, [&](const auto& f) { return f.first == p.Param("sign"); });
  for (auto& f : not_json) {
    if (f.first == p.Param("data")) f.second = "pageIndex=0&pageSize=10";
  }
  not_json.emplace_back(p.Param("sign"), mz.codec().Sign(not_json));
  const standard::WireRequest bad = standard::ToWire(p, not_json);
  Refused(mz.SendBody("Team.Query", bad.body, "", bad.query), "invalid_json", p.Error("invalid_json").code);
  Refused(mz.SendBody("Team.Query", wire.body, "", wire.query + "&body=%7B%7D"), "malformed_form",
          p.Error("malformed_form").code);
  Refused(mz.SendBody("Team.Query", wire.body, "", ""), "missing_param", p.Error("missing_param").code);

  auto ev = tp_->platform().sandbox.Evidence(mz_reviewer, k.application_id, {});
  ASSERT_TRUE(ev.ok());
  // A query naming the body is not a form the sandbox reads a key from, as a malformed
  // form body is not; nor does a query without the key's name.
  EXPECT_EQ((*ev)["total"], 4) << "the two accepted, the changed body and the one not JSON: " << ev->dump();
  const json& first = (*ev)["items"].back();
  EXPECT_EQ(first["outcome"], "accepted");
  EXPECT_NE(first.dump().find("api_key"), std::string::npos) << first.dump();
  EXPECT_NE(first.dump().find("pageSize"), std::string::npos) << "the body kept as the request's data";
}

// Two payrolls of one team and month, sent in the same second, are two payrolls, each
// with its own payrollCode.
TEST_P(SandboxTest, EachPayrollHasItsOwnCode) {
  const long long team_no = AddTeam();
  json add = {{"projectCode", key_.project_code}, {"corpCode", key_.corp_code},
              {"corpName", key_.corp_name},       {"teamSysNo", team_no},
              {"teamName", "木工班组"},           {"workerList", json::array()}};
  const std::vector<std::string> ids = {"11010519491231002X", "440106198503121237"};
  for (const std::string& id : ids) {
    add["workerList"].push_back(Worker(id));
  }
  ASSERT_EQ(Polled(driver_->Send("ProjectWorker.Add", add))["status"], 20);
  std::set<std::string> codes;
  for (const std::string& id : ids) {
    json payroll = Payroll(team_no, id);
    const json result = Polled(driver_->Send("Payroll.Add", payroll));
    ASSERT_EQ(result["status"], 20) << result.dump();
    codes.insert(json::parse(result["result"].get<std::string>())[0]["payrollCode"].get<std::string>());
  }
  EXPECT_EQ(codes.size(), 2u);
  EXPECT_EQ(Count("sandbox_objects", "kind = 'payroll'"), 2);
}

// A worker who never entered cannot leave, nor have attendance on the day of such an exit.
TEST_P(SandboxTest, AnExitNeedsAnEntryBeforeIt) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id, "木工班组", {}, /*enter=*/false);
  Refused(driver_->Send("WorkerEntryExit.Add", EntryExit(team_no, id, "2026-10-19", "0")), "exit_before_entry", "-1");
  json record = AttendanceRecord(id, "08:00:00");
  record["date"] = "2026-10-19 08:00:00";
  Refused(Attend(team_no, {record}), "worker_entered", "-1");
}

// Attendance duplicates fail the whole request: a single record's own insert finds its
// duplicate, a longer list's records are looked up first; nothing of a failed list is
// kept. The worker's registration, found once, is then known without a query.
TEST_P(SandboxTest, DuplicateAttendanceFailsTheWholeRequest) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);
  auto record = [&](const std::string& time) { return AttendanceRecord(id, time); };
  auto attend = [&](json list) { return Polled(Attend(team_no, std::move(list)))["status"]; };
  EXPECT_EQ(attend({record("08:00:00")}), 20);
  EXPECT_EQ(attend({record("08:00:00")}), 10) << "one record, found by its insert";
  EXPECT_EQ(attend({record("09:00:00"), record("08:00:00")}), 10) << "a list, found by a query";
  EXPECT_EQ(attend({record("09:30:00"), record("09:30:00")}), 10) << "twice in one request";
  EXPECT_EQ(Count("sandbox_objects", "kind = 'attendance'"), 1);
  EXPECT_EQ(attend({record("09:00:00"), record("09:30:00")}), 20) << "neither failed list kept a record";
  // The worker is known now; one not registered is still refused.
  json stranger = record("09:45:00");
  stranger["idCardNumber"] = "440106198503121237";
  Refused(driver_->Send("WorkerAttendance.Add",
                        {{"projectCode", key_.project_code}, {"teamSysNo", team_no}, {"dataList", {stranger}}}),
          "worker_registered", "-1");
}

// Attendance keys begin with the time since migration 0007, which turned the keys stored
// before it ("id|time|direction"): a record stored then is still a duplicate.
TEST_P(SandboxTest, AttendanceStoredBeforeKeysBeganWithTheTimeIsStillADuplicate) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);
  auto attend = [&](json list) { return Polled(Attend(team_no, std::move(list)))["status"]; };
  ASSERT_EQ(attend({AttendanceRecord(id, "08:00:00")}), 20);
  auto keys = [&] {
    return tp_->db()
        .Read<std::vector<std::string>>([&](soci::session& sql) -> Result<std::vector<std::string>> {
          std::vector<std::string> out;
          soci::rowset<std::string> rows =
              (sql.prepare << "SELECT natural_key FROM sandbox_objects WHERE kind = 'attendance' ORDER BY id");
          for (const std::string& k : rows) out.push_back(k);
          return out;
        })
        .value();
  };
  const std::vector<std::string> now_kept = {"2026-10-20 08:00:00|" + id + "|01"};
  ASSERT_EQ(keys(), now_kept);

  // The row as stored before the migration, then the migration's own statement.
  Exec(
      "UPDATE sandbox_objects SET natural_key = subject || '|2026-10-20 08:00:00|' || attr "
      "WHERE kind = 'attendance'");
  ASSERT_EQ(keys(), std::vector<std::string>{id + "|2026-10-20 08:00:00|01"});
  // A record stored since: its key is in the new form already and must stay as it is.
  ASSERT_EQ(attend({AttendanceRecord(id, "07:00:00")}), 20);
  const std::vector<std::string> both = {"2026-10-20 08:00:00|" + id + "|01", "2026-10-20 07:00:00|" + id + "|01"};
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0007_sandbox_append_keys"), 1);
  EXPECT_EQ(keys(), both);
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0007_sandbox_append_keys"), 1);
  EXPECT_EQ(keys(), both) << "run twice, the statement changes nothing more";
  EXPECT_EQ(attend({AttendanceRecord(id, "08:00:00")}), 10) << "one record, found by its insert";
  EXPECT_EQ(attend({AttendanceRecord(id, "09:00:00"), AttendanceRecord(id, "08:00:00")}), 10)
      << "a list, found by a query";
  EXPECT_EQ(attend({AttendanceRecord(id, "09:00:00")}), 20);
}

// PostgreSQL runs several writers. A list is checked record by record, then one of its
// records is committed by another transaction before this one stores it: the request
// is not accepted with the rest of the list stored; its batch runs again and finds the
// duplicate. (SQLite's one writer holds the write lock from the first lookup on.)
TEST_P(SandboxTest, AListWhoseRecordIsCommittedConcurrentlyFailsWhole) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "one writer: nothing commits between a lookup and an insert";
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);
  const long long key_id = KeyId();
  ASSERT_GT(key_id, 0);

  // Another transaction stores the 08:00 record and holds its commit.
  std::promise<void> inserted, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread other([&] {
    bool told = false;
    auto st = tp_->db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
      const std::string natural_key = "2026-10-20 08:00:00|" + id + "|01";
      sql << "INSERT INTO sandbox_objects (key_id, kind, natural_key, subject, body, created_at) "
             "VALUES (:k, 'attendance', :n, :s, '{}', 0)",
          soci::use(key_id), soci::use(natural_key), soci::use(id);
      if (!told) inserted.set_value();
      told = true;
      released.wait();
      return Ok{};
    });
    EXPECT_TRUE(st.ok());
  });
  inserted.get_future().wait();
  SandboxDriver::Reply reply;
  std::thread device([&] {
    reply = Attend(team_no, {AttendanceRecord(id, "09:00:00"), AttendanceRecord(id, "08:00:00")});
  });
  // Until the sandbox's insert of the 08:00 record waits for the other transaction.
  long long waiting = 0;
  for (int i = 0; i < 100000 && waiting == 0; ++i) {
    waiting = Count("pg_stat_activity", "datname = current_database() AND wait_event_type = 'Lock'");
  }
  EXPECT_EQ(waiting, 1) << "the sandbox's insert never waited";
  release.set_value();
  other.join();
  device.join();
  EXPECT_EQ(Polled(reply)["status"], 10) << "failed as a duplicate";
  EXPECT_EQ(Count("sandbox_objects", "kind = 'attendance'"), 1) << "the 09:00 record is not kept";
}

TEST(KnownObjectsTest, FactsAreKeptPerKeyAndBounded) {
  services::sandbox::KnownObjects known;
  using K = services::sandbox::KnownObjects;
  EXPECT_EQ(K::Fact(7, "worker", "11010519491231002X"), "7|worker|11010519491231002X");
  EXPECT_EQ(K::FactById(7, "team", 3), "7|team|#3");
  known.Add({K::Fact(7, "worker", "A"), K::FactById(7, "team", 3)});
  EXPECT_TRUE(known.Contains(K::Fact(7, "worker", "A")));
  EXPECT_TRUE(known.Contains(K::FactById(7, "team", 3)));
  EXPECT_FALSE(known.Contains(K::Fact(8, "worker", "A"))) << "another key's store";
  EXPECT_FALSE(known.Contains(K::Fact(7, "team", "A")));
  std::vector<std::string> many;
  for (int i = 0; i < 200000; ++i) many.push_back(K::Fact(9, "worker", std::to_string(i)));
  known.Add(many);
  EXPECT_FALSE(known.Contains(K::Fact(7, "worker", "A"))) << "full: started again";
  EXPECT_TRUE(known.Contains(K::Fact(9, "worker", "199999")));
}

// A one-off fault fires for one request only, even when two processes read it armed:
// the one whose write transaction disarms it fires it; the other is served as if it
// never was armed, or takes the next one-off fault still armed.
TEST_P(SandboxTest, AOneOffFaultFiresOnceAcrossProcesses) {
  ASSERT_TRUE(
      tp_->platform()
          .sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", true}, {"server_error_once", true}})
          .ok());
  auto twin = tp_->Twin(false);
  ASSERT_NE(twin, nullptr);
  SandboxDriver other(*twin, key_);
  // The other process reads the key and both faults armed (a poll takes no fault).
  EXPECT_NE(other.Poll("team-add-2026102010-1-9999").outcome, "fault");

  auto first = driver_->Send("Team.Add", Team("一班"));
  EXPECT_EQ(first.outcome, "fault");
  EXPECT_EQ(first.error, "rate_limited");
  // Still read as armed over there: the rate limit is gone, the server error is not.
  auto second = other.Send("Team.Add", Team("二班"));
  EXPECT_EQ(second.outcome, "fault");
  EXPECT_EQ(second.error, "server_error");
  auto third = other.Send("Team.Add", Team("三班"));
  EXPECT_EQ(third.outcome, "accepted") << third.body.dump();
  auto fourth = driver_->Send("Team.Add", Team("四班"));
  EXPECT_EQ(fourth.outcome, "accepted") << fourth.body.dump();
  EXPECT_EQ(Count("sandbox_evidence", "outcome = 'fault'"), 2);
  EXPECT_EQ(Count("sandbox_evidence", "outcome = 'fault' AND error = 'rate_limited'"), 1);
  EXPECT_EQ(Count("sandbox_faults", "armed = 1"), 0);
}

TEST_P(SandboxTest, BadSignatureIsMinusTwo) {
  auto form = driver_->Build("Team.Add", Team());
  form.back().second[0] = form.back().second[0] == 'a' ? 'b' : 'a';
  Refused(driver_->SendForm("Team.Add", form), "bad_signature", "-2");
  // Signing with another secret is the same refusal.
  auto other = standard::KeyCodec::Make(driver_->profile(), std::string(32, 'f')).value();
  form.pop_back();
  form.emplace_back("sign", other.Sign(form));
  Refused(driver_->SendForm("Team.Add", form), "bad_signature", "-2");
  EXPECT_EQ(Count("sandbox_objects"), 0);
}

TEST_P(SandboxTest, TimestampOutsideTheSkewOrMalformed) {
  auto form = driver_->Build("Team.Add", Team());
  tp_->clock().Advance(std::chrono::minutes(11));
  Refused(driver_->SendForm("Team.Add", form), "timestamp_skew", "-1");
  auto early = driver_->Build("Team.Add", Team());
  tp_->clock().Advance(std::chrono::minutes(-11));
  Refused(driver_->SendForm("Team.Add", early), "timestamp_skew", "-1");
  // Within the skew it is fine.
  auto ok = driver_->Build("Team.Add", Team());
  tp_->clock().Advance(std::chrono::minutes(9));
  EXPECT_EQ(driver_->SendForm("Team.Add", ok).outcome, "accepted");
  // Another pattern, and the right one cut short (not read as if the seconds were 00).
  const std::string cut_short = standard::FormatTimestamp(tp_->clock().Now(), "%Y%m%d%H%M%S").substr(0, 12);
  for (const std::string& text : {std::string("2026-10-20 10:00:00"), cut_short}) {
    standard::Form bad = driver_->Build("Team.Add", Team("另一个班组"));
    for (auto& [k, v] : bad) {
      if (k == "timestamp") v = text;
    }
    bad.pop_back();
    bad.emplace_back("sign", driver_->codec().Sign(bad));
    Refused(driver_->SendForm("Team.Add", bad), "timestamp_format", "-1");
  }
}

TEST_P(SandboxTest, ReplayedNonceIsRefused) {
  auto form = driver_->Build("Team.Add", Team());
  EXPECT_EQ(driver_->SendForm("Team.Add", form).outcome, "accepted");
  Refused(driver_->SendForm("Team.Add", form), "nonce_replayed", "-1");
  EXPECT_EQ(Count("sandbox_objects"), 1) << "the replay stored nothing";
}

// Nonces are swept by the hour they arrived in.
constexpr long long kNonceHour = standard::kMaxNonceWindowSeconds;

// A key's nonce may not come again within the profile's window (twice the skew, when
// that is longer), wherever the window starts; then it may.
TEST_P(SandboxTest, ANonceRepeatsOnlyOnceItsWindowHasPassed) {
  const long long window = driver_->profile().NonceWindowSeconds();
  ASSERT_GE(window, 2 * driver_->profile().max_skew_seconds);
  const auto send = [&](const std::string& nonce, const std::string& team) {
    return driver_->SendForm("Team.Add", WithNonce(*driver_, driver_->Build("Team.Add", Team(team)), nonce));
  };
  // Ten seconds before an hour ends: the repeat arrives in the next hour.
  const long long now = ToUnix(tp_->clock().Now());
  tp_->clock().Advance(std::chrono::seconds(kNonceHour - now % kNonceHour - 10));
  EXPECT_EQ(send("123456", "一班").outcome, "accepted");
  tp_->clock().Advance(std::chrono::seconds(20));
  Refused(send("123456", "二班"), "nonce_replayed", "-1");
  tp_->clock().Advance(std::chrono::seconds(window - 21));
  Refused(send("123456", "三班"), "nonce_replayed", "-1");  // a second before the window ends
  tp_->clock().Advance(std::chrono::seconds(1));
  EXPECT_EQ(send("123456", "四班").outcome, "accepted") << "the window has passed";
  // The window starts again from the nonce's last use, in the same hour, and a use
  // older than the window in the same hour gives way to the new one.
  tp_->clock().Advance(std::chrono::seconds(window - 1));
  Refused(send("123456", "五班"), "nonce_replayed", "-1");
  tp_->clock().Advance(std::chrono::seconds(1));
  EXPECT_EQ(send("123456", "六班").outcome, "accepted");
  tp_->clock().Advance(std::chrono::seconds(1));
  Refused(send("123456", "七班"), "nonce_replayed", "-1");
  // Another key's nonces are its own.
  const testing::SandboxKey fresh = RotateKey();
  SandboxDriver other(*tp_, fresh);
  const json team = {{"projectCode", fresh.project_code},
                     {"corpCode", fresh.corp_code},
                     {"corpName", fresh.corp_name},
                     {"teamName", "八班"}};
  EXPECT_EQ(other.SendForm("Team.Add", WithNonce(other, other.Build("Team.Add", team), "123456")).outcome, "accepted");
}

// Another server on the same database recorded a nonce: here it is a replay. On SQLite
// this process keeps the window in memory and must catch up on the log's new rows.
TEST_P(SandboxTest, ANonceAnotherServerRecordedIsAReplayHere) {
  // A first request: this process has read the log before the other one writes to it.
  EXPECT_EQ(driver_->SendForm("Team.Add", driver_->Build("Team.Add", Team("一班"))).outcome, "accepted");
  const long long seen_at = ToUnix(tp_->clock().Now()) - 5;
  const std::string key = "(SELECT id FROM test_keys WHERE app_key = '" + key_.app_id + "')";
  if (GetParam() == "sqlite") {
    Exec("INSERT INTO sandbox_nonce_log (key_id, nonce, seen_at) VALUES (" + key + ", 'other-server', " +
         std::to_string(seen_at) + ")");
  } else {
    Exec("INSERT INTO sandbox_recent_nonces (hour, key_id, nonce, seen_at) VALUES (" +
         std::to_string(seen_at / kNonceHour) + ", " + key + ", 'other-server', " + std::to_string(seen_at) + ")");
  }
  Refused(driver_->SendForm("Team.Add", WithNonce(*driver_, driver_->Build("Team.Add", Team("二班")), "other-server")),
          "nonce_replayed", "-1");
  EXPECT_EQ(Count("sandbox_objects", "kind = 'team'"), 1) << "the replay stored nothing";
  EXPECT_EQ(
      driver_->SendForm("Team.Add", WithNonce(*driver_, driver_->Build("Team.Add", Team("三班")), "this-one")).outcome,
      "accepted");
}

// Two servers on one database take turns with one key's requests: each refuses the
// other's nonces, in both directions and again after each has claimed more, while
// fresh nonces pass on both.
TEST_P(SandboxTest, TwoServersOnOneDatabaseShareTheNonceWindow) {
  auto twin = tp_->Twin(false);
  ASSERT_NE(twin, nullptr);
  SandboxDriver there(*twin, key_);
  const auto send = [&](SandboxDriver& d, const std::string& nonce, const std::string& team) {
    return d.SendForm("Team.Add", WithNonce(d, d.Build("Team.Add", Team(team)), nonce));
  };
  for (int round = 0; round < 3; ++round) {
    const std::string n = std::to_string(round);
    EXPECT_EQ(send(*driver_, "here-" + n, "此处" + n).outcome, "accepted");
    Refused(send(there, "here-" + n, "彼处重放" + n), "nonce_replayed", "-1");
    EXPECT_EQ(send(there, "there-" + n, "彼处" + n).outcome, "accepted");
    Refused(send(*driver_, "there-" + n, "此处重放" + n), "nonce_replayed", "-1");
  }
  EXPECT_EQ(Count("sandbox_objects", "kind = 'team'"), 6) << "no replay stored anything";
}

// The sweep deletes the nonces that arrived before the last hour, which no window
// reaches; those of the last hour still refuse a replay. SQLite's log keeps its last
// row whatever its age (the next row's seq follows it), which refuses nothing.
TEST_P(SandboxTest, TheSweepDeletesTheNoncesNoWindowReaches) {
  auto& pf = tp_->platform();
  const auto send = [&](const std::string& nonce, const std::string& team) {
    return driver_->SendForm("Team.Add", WithNonce(*driver_, driver_->Build("Team.Add", Team(team)), nonce));
  };
  EXPECT_EQ(send("first", "一班").outcome, "accepted");
  EXPECT_EQ(send("second", "二班").outcome, "accepted");
  ASSERT_EQ(Count(NonceTable()), 2);
  ASSERT_TRUE(pf.Sweep(tp_->clock().Now()).ok());
  EXPECT_EQ(Count(NonceTable()), 2);
  Refused(send("first", "三班"), "nonce_replayed", "-1");
  tp_->clock().Advance(std::chrono::seconds(kNonceHour));
  ASSERT_TRUE(pf.Sweep(tp_->clock().Now()).ok());
  EXPECT_EQ(Count(NonceTable()), 2) << "in the hour before: a window may still reach them";
  tp_->clock().Advance(std::chrono::seconds(kNonceHour));
  ASSERT_TRUE(pf.Sweep(tp_->clock().Now()).ok());
  const bool log = GetParam() == "sqlite";
  EXPECT_EQ(Count(NonceTable()), log ? 1 : 0);
  if (log) {
    EXPECT_EQ(Count(NonceTable(), "nonce = 'second'"), 1);
  }
  EXPECT_EQ(send("second", "四班").outcome, "accepted") << "the row kept refuses nothing";
  EXPECT_EQ(send("third", "五班").outcome, "accepted");
  if (log) {
    EXPECT_EQ(Count(NonceTable(), "nonce = 'third' AND seq > (SELECT MIN(seq) FROM sandbox_nonce_log)"), 1)
        << "numbered after the row kept";
  }
}

// Migration 0008 files the nonces kept by key alone under the hour they arrived in:
// they keep refusing replays.
TEST_P(SandboxTest, NoncesKeptBeforeTheyWereFiledByHourStillRefuseReplays) {
  auto form = driver_->Build("Team.Add", Team());
  std::string nonce;
  for (const auto& [k, v] : form) {
    if (k == "nonce") nonce = v;
  }
  Exec(
      "CREATE TABLE sandbox_nonces (key_id BIGINT NOT NULL, nonce TEXT NOT NULL, seen_at BIGINT NOT NULL, "
      "PRIMARY KEY (key_id, nonce))");
  Exec("INSERT INTO sandbox_nonces (key_id, nonce, seen_at) SELECT id, '" + nonce + "', " +
       std::to_string(ToUnix(tp_->clock().Now()) - 5) + " FROM test_keys WHERE app_key = '" + key_.app_id + "'");
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0008_sandbox_recent_nonces", "INSERT"), 1);
  // And 0009 copies them into the log that SQLite now reads.
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0009_sandbox_nonce_log", "INSERT"), 1);
  Exec("DROP TABLE sandbox_nonces");
  Refused(driver_->SendForm("Team.Add", form), "nonce_replayed", "-1");
  EXPECT_EQ(Count("sandbox_objects"), 0) << "the replay stored nothing";
}

TEST_P(SandboxTest, RevokedExpiredAndOtherCitysKeys) {
  // Another city on the same family of profile: the key is not its key.
  Refused(driver_->SendBody("open.api", standard::EncodeForm(driver_->Build("Team.Add", Team())), "440300"),
          "wrong_city", "-3");
  // Anyone who knows the app_id can have such a refusal recorded, but not sign it.
  standard::Form forged = driver_->Build("Team.Add", Team());
  for (auto& [name, value] : forged) {
    if (name == "sign") value = std::string(value.size(), '0');
  }
  Refused(driver_->SendBody("open.api", standard::EncodeForm(forged), "440300"), "wrong_city", "-3");
  // Rotating revokes the key in use.
  const testing::SandboxKey fresh = RotateKey();
  Refused(driver_->Send("Team.Add", Team()), "key_revoked", "-3");
  SandboxDriver now(*tp_, fresh);
  EXPECT_EQ(now.Send("Team.Add", {{"projectCode", fresh.project_code},
                                  {"corpCode", fresh.corp_code},
                                  {"corpName", fresh.corp_name},
                                  {"teamName", "新班组"}})
                .outcome,
            "accepted");
  // Past its expiry (the joint-test window plus the grace days) the key stops working.
  tp_->clock().Advance(std::chrono::hours(24 * 30));
  Refused(now.Send("Team.Query", {{"projectCode", fresh.project_code}, {"pageIndex", 0}, {"pageSize", 10}}),
          "key_expired", "-3");
  // An appid nobody issued.
  testing::SandboxKey unknown = fresh;
  unknown.app_id = "lt00000000000000000000";
  const long long evidence_before = Count("sandbox_evidence");
  Refused(SandboxDriver(*tp_, unknown).Send("Team.Add", Team()), "unknown_app", "-1");
  EXPECT_EQ(Count("sandbox_evidence"), evidence_before) << "no evidence without an issued key: nobody could see it";

  // The key refusals are evidence on the vendor's complaints, without the vendor
  // attaching anything.
  const json refusals = KeyRefusalsOfANewComplaint();
  std::set<std::string> errors;
  for (const auto& r : refusals) errors.insert(r["error"]);
  EXPECT_TRUE(errors.contains("key_revoked")) << refusals.dump();
  EXPECT_TRUE(errors.contains("key_expired"));
  EXPECT_TRUE(errors.contains("wrong_city"));
  // The key holder's own refusals say so and come first; the forged one comes last,
  // marked as not signed.
  ASSERT_EQ(refusals.size(), 4u) << refusals.dump();
  for (std::size_t i = 0; i + 1 < refusals.size(); ++i) EXPECT_EQ(refusals[i]["signed"], true) << refusals.dump();
  EXPECT_EQ(refusals.back()["signed"], false);
  EXPECT_EQ(refusals.back()["error"], "wrong_city");
  // The old key's refusal after the vendor's own rotation says so, after the other
  // signed ones: the key did not fail, the vendor retired it.
  EXPECT_EQ(refusals[2]["error"], "key_revoked") << refusals.dump();
  EXPECT_EQ(refusals[2]["own_rotation"], true);
  for (std::size_t i : {0u, 1u, 3u}) EXPECT_EQ(refusals[i]["own_rotation"], false) << refusals.dump();
  // The key's history says the same.
  const json keys = tp_->platform().applications.Get(reviewer_, key_.application_id).value()["test_keys"];
  ASSERT_GE(keys.size(), 2u) << keys.dump();
  EXPECT_EQ(keys[0]["revoked_reason"], "rotated") << keys.dump();
}

// A key's store holds the ID numbers its requests sent, decrypted: it is deleted
// sandbox_store_retention_days (30) after the key ended, while the evidence, masked,
// stays. A key still in use keeps its store.
TEST_P(SandboxTest, AKeysStoreIsDeletedAMonthAfterTheKeyEnded) {
  EnteredWorker("11010519491231002X");
  const long long old_key = KeyId();
  const std::string old_objects = "key_id = " + std::to_string(old_key);
  ASSERT_GE(Count("sandbox_objects", old_objects), 3) << "a team, a worker, an entry";
  ASSERT_GE(Count("sandbox_async", old_objects), 2);
  const testing::SandboxKey fresh = RotateKey();  // revokes the old key now
  key_ = fresh;
  driver_ = std::make_unique<SandboxDriver>(*tp_, fresh);
  AddTeam();
  const long long evidence = Count("sandbox_evidence");
  const long long fresh_objects = Count("sandbox_objects", "NOT " + old_objects);
  ASSERT_GE(fresh_objects, 1);

  auto& sandbox = tp_->platform().sandbox;
  const Instant revoked = tp_->clock().Now();
  const long long kept = Count("sandbox_objects", old_objects);
  services::StorePurge none = sandbox.PurgeEndedStores(revoked + std::chrono::hours(24 * 30)).value();
  EXPECT_EQ(none.keys, 0) << "kept for 30 days after the key ended";
  EXPECT_EQ(Count("sandbox_objects", old_objects), kept);

  const Instant due = revoked + std::chrono::hours(24 * 30) + std::chrono::seconds(1);
  // A sweep deletes so many objects at most; a store it did not finish is not marked,
  // and the next sweep goes on with it.
  services::StorePurge part = sandbox.PurgeEndedStores(due, 2).value();
  EXPECT_EQ(part.keys, 0);
  EXPECT_EQ(part.objects, 2);
  EXPECT_EQ(Count("sandbox_objects", old_objects), kept - 2);
  services::StorePurge purged = sandbox.PurgeEndedStores(due).value();
  EXPECT_EQ(purged.keys, 1);
  EXPECT_EQ(purged.objects, kept - 2);
  EXPECT_GE(purged.results, 2);
  EXPECT_EQ(Count("sandbox_objects", old_objects), 0);
  EXPECT_EQ(Count("sandbox_async", old_objects), 0);
  EXPECT_EQ(Count("sandbox_objects", "NOT " + old_objects), fresh_objects) << "the key in use keeps its store";
  EXPECT_EQ(Count("sandbox_evidence"), evidence) << "the evidence stays";
  const json keys = tp_->platform().applications.Get(reviewer_, key_.application_id).value()["test_keys"];
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys[0]["store_purged_at"].is_string()) << keys.dump();
  EXPECT_TRUE(keys[1]["store_purged_at"].is_null());
  // Done once: the next sweep finds nothing more of that key.
  EXPECT_EQ(sandbox.PurgeEndedStores(revoked + std::chrono::hours(24 * 31)).value().keys, 0);
  // The key in use expires in time; a month later its store goes too.
  EXPECT_EQ(sandbox.PurgeEndedStores(revoked + std::chrono::hours(24 * 90)).value().keys, 1);
  EXPECT_EQ(Count("sandbox_objects"), 0);
}

// One sweep takes every ended key it can, each store with its asynchronous results;
// a key that ended less than the retention ago keeps its store.
TEST_P(SandboxTest, OneSweepDeletesTheStoresOfSeveralEndedKeys) {
  const Instant start = tp_->clock().Now();
  std::vector<long long> ended;
  for (const char* team : {"木工班组", "钢筋班组"}) {
    AddTeam(team);
    ended.push_back(KeyId());
    key_ = RotateKey();
    driver_ = std::make_unique<SandboxDriver>(*tp_, key_);
  }
  AddTeam("油漆班组");
  const std::string in_use = "key_id = " + std::to_string(KeyId());
  const long long kept_objects = Count("sandbox_objects", in_use);
  const long long kept_results = Count("sandbox_async", in_use);
  ASSERT_GE(kept_results, 1);
  const services::StorePurge purged =
      tp_->platform().sandbox.PurgeEndedStores(start + std::chrono::hours(24 * 30) + std::chrono::seconds(1)).value();
  EXPECT_EQ(purged.keys, 2);
  EXPECT_GE(purged.results, 2);
  for (const long long key : ended) {
    EXPECT_EQ(Count("sandbox_objects", "key_id = " + std::to_string(key)), 0) << key;
    EXPECT_EQ(Count("sandbox_async", "key_id = " + std::to_string(key)), 0) << key;
  }
  EXPECT_EQ(Count("sandbox_objects", in_use), kept_objects);
  EXPECT_EQ(Count("sandbox_async", in_use), kept_results);
}

// A credit code whose only fault is its check character is refused as the national
// server refuses it, unless the city's profile accepts and notes it (profile.json
// `noted`): legal codes of some early pilot regions fail it (research 5.2). A profile
// is data: this one is a file written beside the shipped ones, loaded without a build.
TEST_P(SandboxTest, AProfileMayAcceptAndNoteACreditCodeFailingItsCheckCharacter) {
  const std::string pilot = "91350100M0001TGQXM";
  json sub = LabourSubcontractor();
  ASSERT_FALSE(sub.is_null());
  sub["corpCode"] = pilot;
  Refused(driver_->Send("ProjectSubContractor.Add", sub), "credit_code", "-1");

  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("liantiao-noted-" + GetParam());
  fs::remove_all(dir);
  fs::copy(tp_->config().profiles_dir, dir, fs::copy_options::recursive);
  fs::create_directories(dir / "gd-noted");
  std::ofstream(dir / "gd-noted" / "profile.json")
      << R"({"name": "gd-noted", "extends": "gd-v1.3", "title": "广东省标准（试点地区信用代码仅提示）",)"
      << R"( "version": "1.3", "noted": ["credit_code_checksum"]})";
  auto tp = TestPlatform::Create(GetParam(), ParseInstant("2026-10-20T10:00:00+08:00").value(), false,
                                 [&](app::AppConfig& c) { c.profiles_dir = dir.string(); });
  ASSERT_NE(tp, nullptr);
  const auto vendor = tp->AddVendor("noted_vendor");
  const auto reviewer = tp->AddUser(domain::Role::kCityReviewer, "noted_reviewer", "440100");
  const testing::SandboxKey key = testing::StartJointTest(*tp, vendor, reviewer, "440100", "gd-noted");
  SandboxDriver driver(*tp, key);
  sub["projectCode"] = key.project_code;
  const auto accepted = driver.Send("ProjectSubContractor.Add", sub);
  ASSERT_EQ(accepted.outcome, "accepted") << accepted.body.dump();
  EXPECT_EQ(driver.Poll(accepted.data()["requestSerialCode"]).data()["status"], 20);
  sub["corpCode"] = "9135010AM0001TGQXM";  // not of the form: refused whatever the profile says
  const auto malformed = driver.Send("ProjectSubContractor.Add", sub);
  EXPECT_EQ(malformed.error, "credit_code") << malformed.body.dump();

  auto ev = tp->platform().sandbox.Evidence(reviewer, key.application_id, {.limit = 10});
  ASSERT_TRUE(ev.ok());
  int noted = 0;
  for (const json& item : (*ev)["items"]) {
    const bool tagged =
        std::find(item["tags"].begin(), item["tags"].end(), "noted:credit_code_checksum") != item["tags"].end();
    EXPECT_EQ(tagged, item["id"] == accepted.evidence_id) << item.dump();
    noted += tagged ? 1 : 0;
  }
  EXPECT_EQ(noted, 1) << (*ev)["items"].dump();
  fs::remove_all(dir);
}

// Anyone who learnt an app_id can send requests naming it. Those whose signature does
// not verify are recorded up to a number per key and hour, the last tagged, and beyond
// it answered alike but not recorded; the key holder's own requests always are.
TEST_P(SandboxTest, AKeysUnsignedRefusalsAreRecordedUpToANumberAnHour) {
  auto tp = TestPlatform::Create(GetParam(), ParseInstant("2026-10-20T10:00:00+08:00").value(), false,
                                 [](app::AppConfig& c) { c.services.sandbox_unsigned_refusals_per_hour = 3; });
  ASSERT_NE(tp, nullptr);
  const auto vendor = tp->AddVendor("cap_vendor");
  const auto reviewer = tp->AddUser(domain::Role::kCityReviewer, "cap_reviewer", "440100");
  const testing::SandboxKey key = testing::StartJointTest(*tp, vendor, reviewer, "440100", "gd-v1.3");
  testing::SandboxKey forged = key;
  forged.secret = std::string(key.secret.size(), 'x');
  SandboxDriver stranger(*tp, forged), holder(*tp, key);
  const json team = {{"projectCode", key.project_code},
                     {"corpCode", key.corp_code},
                     {"corpName", key.corp_name},
                     {"teamName", "木工班组"}};
  auto evidence = [&] {
    auto ev = tp->platform().sandbox.Evidence(reviewer, key.application_id, {.limit = 100});
    EXPECT_TRUE(ev.ok());
    return ev.ok() ? (*ev)["items"] : json::array();
  };
  for (int i = 0; i < 5; ++i) {
    const auto r = stranger.Send("Team.Add", team);
    EXPECT_EQ(r.error, "bad_signature") << "answered alike: " << r.body.dump();
    EXPECT_EQ(r.code(), "-2");
    EXPECT_EQ(r.evidence_id != 0, i < 3) << i;
  }
  json items = evidence();
  ASSERT_EQ(items.size(), 3u) << items.dump();
  EXPECT_EQ(items[0]["tags"], json::array({"unsigned_cap"})) << "the last recorded says more came";
  EXPECT_EQ(items[1]["tags"], json::array());
  // The holder's own requests, refused or accepted, are recorded whatever strangers sent.
  json no_name = team;
  no_name.erase("teamName");
  EXPECT_NE(holder.Send("Team.Add", no_name).evidence_id, 0);
  EXPECT_EQ(holder.Send("Team.Add", team).outcome, "accepted");
  EXPECT_EQ(evidence().size(), 5u);
  // The next hour, strangers' requests are recorded again.
  tp->clock().Advance(std::chrono::hours(1));
  EXPECT_NE(
      stranger.Send("Team.Query", {{"projectCode", key.project_code}, {"pageIndex", 0}, {"pageSize", 10}}).evidence_id,
      0);
  EXPECT_EQ(evidence().size(), 6u);
}

// The faults a reviewer switches on are the city's own test of the client, not the key
// failing: a complaint's evidence of refusals leaves them out.
TEST_P(SandboxTest, InjectedFaultsAreNotAComplaintsKeyRefusals) {
  ASSERT_TRUE(
      tp_->platform()
          .sandbox.SetFaults(reviewer_, key_.application_id, {{"rate_limit_once", true}, {"server_error_once", true}})
          .ok());
  EXPECT_EQ(driver_->Send("Team.Add", Team()).outcome, "fault");
  EXPECT_EQ(driver_->Send("Team.Add", Team("钢筋班组")).outcome, "fault");
  testing::SandboxKey forged = key_;
  forged.secret = std::string(key_.secret.size(), 'x');
  EXPECT_EQ(SandboxDriver(*tp_, forged).Send("Team.Add", Team()).error, "bad_signature");
  const json refusals = KeyRefusalsOfANewComplaint();
  ASSERT_EQ(refusals.size(), 1u) << refusals.dump();
  EXPECT_EQ(refusals[0]["error"], "bad_signature");
}

// The answer names the first violation of the data, as the reference servers do; the
// evidence keeps the others beside it, so that the vendor mends them all at once.
TEST_P(SandboxTest, EvidenceKeepsTheDatasOtherViolationsBesideTheOneAnswered) {
  json team = Team();
  team.erase("teamName");
  team["corpCode"] = "91350100M0001TGQXM";
  Refused(driver_->Send("Team.Add", team), "required", "-1");
  json one = Team();
  one.erase("teamName");
  Refused(driver_->Send("Team.Add", one), "required", "-1");
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  const json& items = (*ev)["items"];  // newest first
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["rule"], "required");
  EXPECT_EQ(items[1]["path"], "[teamName]");
  ASSERT_EQ(items[1]["violations"].size(), 1u) << items[1].dump();
  const json& other = items[1]["violations"][0];
  EXPECT_EQ(other["rule"], "credit_code");
  EXPECT_EQ(other["path"], "[corpCode]");
  EXPECT_EQ(other["message"], "[corpCode]统一社会信用代码无效!");
  EXPECT_EQ(items[0]["violations"], json::array()) << "one violation, answered";
  auto csv = tp_->platform().sandbox.EvidenceCsv(reviewer_, key_.application_id, {});
  ASSERT_TRUE(csv.ok());
  EXPECT_NE(csv->find("[corpCode]统一社会信用代码无效!"), std::string::npos) << "exported under 其他问题";

  // A list changed by hand into something else is left out, not a broken log or export.
  Exec("UPDATE sandbox_evidence SET violations = '[1, {\"rule\": \"x\"}]'");
  ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ((*ev)["items"][1]["violations"], json::array());
  EXPECT_TRUE(tp_->platform().sandbox.EvidenceCsv(reviewer_, key_.application_id, {}).ok());
}

// The report's evidence digest covers every column of the evidence it is built on: a
// row changed afterwards (its kept request, its answer, its message) changes the digest
// of the rows as stored now, and the report's verification tells it. The live report
// itself is judged once for rows that were only ever added (ChecklistCache): it keeps
// the digest of the rows as they were recorded.
TEST_P(SandboxTest, TheReportDigestCoversWhatTheEvidenceKept) {
  auto& pf = tp_->platform();
  AddTeam();
  auto digest = [&] { return pf.sandbox.Report(reviewer_, key_.application_id).value()["evidence_digest"]; };
  auto check = [&] { return pf.sandbox.VerifyReport(reviewer_, key_.application_id).value(); };
  const json before = digest();
  EXPECT_EQ(digest(), before) << "the same evidence, the same digest";
  EXPECT_EQ(check()["recomputed_digest"], before);
  EXPECT_TRUE(check()["matches"]);
  for (const char* change :
       {"UPDATE sandbox_evidence SET response = REPLACE(response, '成功', '失败') WHERE id = 1",
        "UPDATE sandbox_evidence SET request = REPLACE(request, '木工班组', '钢筋班组') WHERE id = 1",
        "UPDATE sandbox_evidence SET message = '篡改' WHERE id = 2",
        "UPDATE sandbox_evidence SET data_digest = '00' WHERE id = 1",
        "UPDATE sandbox_evidence SET violations = '[]' WHERE id = 1"}) {
    const json was = check()["recomputed_digest"];
    Exec(change);
    const json now = check();
    EXPECT_NE(now["recomputed_digest"], was) << change;
    EXPECT_FALSE(now["matches"]) << change;
    EXPECT_EQ(now["recorded_digest"], before) << change;
  }
  EXPECT_EQ(digest(), before) << "the rows as they were recorded";
}

// A checklist is judged again whenever the key's rows are not those it was judged from:
// one more row, and a row committed late below the last one (two writers on
// PostgreSQL give ids in one order and commit in another).
TEST_P(SandboxTest, TheChecklistIsJudgedAgainWhenTheKeysRowsChange) {
  auto& pf = tp_->platform();
  AddTeam();
  auto covered = [&] { return pf.sandbox.Report(reviewer_, key_.application_id).value()["evidence_covered"]; };
  const json first = covered();
  EXPECT_EQ(covered(), first);
  AddTeam("钢筋班组");
  const json more = covered();
  EXPECT_GT(more["rows"].get<long long>(), first["rows"].get<long long>());
  Exec(
      "INSERT INTO sandbox_evidence (id, application_id, key_id, city_code, source, received_at, method, outcome, "
      "code, error, rule_path, message, latency_us, tags, serial, data_digest, request, response) "
      "SELECT -1, application_id, key_id, city_code, source, received_at, method, outcome, code, error, rule_path, "
      "message, latency_us, tags, serial, data_digest, request, response FROM sandbox_evidence WHERE id = 1");
  const json late = covered();
  EXPECT_EQ(late["rows"].get<long long>(), more["rows"].get<long long>() + 1);
  EXPECT_EQ(late["last_id"], more["last_id"]);
  EXPECT_TRUE(pf.sandbox.VerifyReport(reviewer_, key_.application_id).value()["matches"]);
}

// A report's digest is checked against the evidence as stored now over the rows it
// names: rows recorded for the key later leave it standing; a covered row changed does not.
TEST_P(SandboxTest, AReportsDigestIsCheckedOverTheRowsItCovers) {
  auto& pf = tp_->platform();
  AddTeam();
  const json report = pf.sandbox.Report(reviewer_, key_.application_id).value();
  const long long rows = Count("sandbox_evidence");
  ASSERT_GT(rows, 0);
  EXPECT_EQ(report["evidence_covered"]["rows"], rows);
  const long long last = report["evidence_covered"]["last_id"];
  auto check = [&](const json& r) {
    return tp_->db().Read<services::ReportDigestCheck>(
        [&](soci::session& sql) { return services::SandboxService::CheckReportDigest(sql, r); });
  };
  auto first = check(report);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->matches);
  EXPECT_EQ(first->recomputed, report["evidence_digest"]);
  EXPECT_EQ(first->rows, rows);
  EXPECT_EQ(first->last_id, last);
  EXPECT_EQ(first->app_key, key_.app_id);
  EXPECT_TRUE(first->coverage_recorded);

  EXPECT_EQ(driver_->Send("Team.Add", Team("钢筋班组")).outcome, "accepted");
  EXPECT_TRUE(check(report)->matches) << "a row after the report is not covered";
  json unbounded = report;
  unbounded.erase("evidence_covered");
  auto all = check(unbounded);
  EXPECT_FALSE(all->matches) << "a report that names no last row covers every row of the key";
  EXPECT_FALSE(all->coverage_recorded);
  EXPECT_EQ(all->rows, rows + 1);

  Exec("UPDATE sandbox_evidence SET message = '篡改' WHERE id > " + std::to_string(last));
  EXPECT_TRUE(check(report)->matches) << "nor is a change to it";
  Exec("UPDATE sandbox_evidence SET message = '篡改' WHERE id = " + std::to_string(last));
  auto changed = check(report);
  EXPECT_FALSE(changed->matches);
  EXPECT_EQ(changed->recorded, report["evidence_digest"]);
  EXPECT_NE(changed->recomputed, changed->recorded);
  EXPECT_EQ(changed->rows_recorded, rows);
  EXPECT_EQ(changed->Explanation(), "报告所涵盖的证据在其生成后被改动");
  EXPECT_TRUE(first->Explanation().empty());
  Exec("DELETE FROM sandbox_evidence WHERE id = " + std::to_string(last));
  auto removed = check(report);
  EXPECT_FALSE(removed->matches) << "a covered row removed";
  EXPECT_NE(removed->Explanation().find("被删除"), std::string::npos) << removed->Explanation();
  EXPECT_NE(all->Explanation().find("未记录所涵盖的证据范围"), std::string::npos) << all->Explanation();
}

// A row that commits below a report's last row after the report was made (a request in
// flight then: two writers on PostgreSQL commit out of id order) makes the digests
// differ, and the check says there is a row more rather than a row changed.
TEST_P(SandboxTest, ARowCommittedBelowTheReportsLastRowIsToldApart) {
  auto& pf = tp_->platform();
  AddTeam();
  EXPECT_EQ(driver_->Send("Team.Add", Team("钢筋班组")).outcome, "accepted");
  const long long first_id = tp_->db()
                                 .Read<long long>([](soci::session& sql) -> Result<long long> {
                                   long long id = 0;
                                   sql << "SELECT MIN(id) FROM sandbox_evidence", soci::into(id);
                                   return id;
                                 })
                                 .value();
  const std::string where = " WHERE id = " + std::to_string(first_id);
  Exec("CREATE TABLE held_evidence AS SELECT * FROM sandbox_evidence" + where);
  Exec("DELETE FROM sandbox_evidence" + where);
  const json report = pf.sandbox.Report(reviewer_, key_.application_id).value();
  Exec("INSERT INTO sandbox_evidence SELECT * FROM held_evidence");
  auto late = tp_->db().Read<services::ReportDigestCheck>(
      [&](soci::session& sql) { return services::SandboxService::CheckReportDigest(sql, report); });
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->matches);
  EXPECT_EQ(late->rows, *late->rows_recorded + 1);
  EXPECT_NE(late->Explanation().find("尚未提交的请求"), std::string::npos) << late->Explanation();
  const json answer = pf.sandbox.VerifyReport(reviewer_, key_.application_id).value();
  EXPECT_TRUE(answer["matches"]) << "the report shown is built now, on every row";
  EXPECT_TRUE(answer["explanation"].is_null());
}

// What a report names its check by: a key the database does not hold, no digest, or a
// malformed range are refused; a report made before any key has the chain's start.
TEST_P(SandboxTest, AReportDigestCheckRefusesWhatIsNoReport) {
  auto check = [&](const json& r) {
    return tp_->db().Read<services::ReportDigestCheck>(
        [&](soci::session& sql) { return services::SandboxService::CheckReportDigest(sql, r); });
  };
  EXPECT_EQ(check(json::array()).error().code, ErrorCode::kInvalidField);
  EXPECT_EQ(check(json{{"title", "联调测试报告"}}).error().code, ErrorCode::kInvalidField);
  const std::string none = "sha256:" + std::string(crypto::kGenesisHash);
  EXPECT_EQ(check(json{{"evidence_digest", none},
                       {"key", {{"app_id", "nobody"}}},
                       {"evidence_covered", {{"rows", 0}, {"last_id", nullptr}}}})
                .error()
                .code,
            ErrorCode::kNotFound);
  EXPECT_EQ(
      check(json{{"evidence_digest", none}, {"key", nullptr}, {"evidence_covered", {{"last_id", "7"}}}}).error().code,
      ErrorCode::kInvalidField);
  EXPECT_EQ(check(json{{"evidence_digest", none}, {"key", {{"app_id", 7}}}}).error().code, ErrorCode::kInvalidField);
  auto keyless = check(json{{"evidence_digest", none}, {"key", nullptr}});
  ASSERT_TRUE(keyless.ok());
  EXPECT_TRUE(keyless->matches);
  EXPECT_EQ(keyless->rows, 0);
  EXPECT_TRUE(keyless->app_key.empty());
  // A key that had received nothing when the report was made covers none of its rows.
  AddTeam();
  const json empty_report{{"evidence_digest", none},
                          {"application", {{"id", key_.application_id}}},
                          {"key", {{"app_id", key_.app_id}}},
                          {"evidence_covered", {{"rows", 0}, {"last_id", nullptr}}}};
  auto empty = check(empty_report);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->matches) << empty->Explanation();
  EXPECT_EQ(empty->rows, 0);
  // A report whose key was issued for another application than the one it names.
  json elsewhere = empty_report;
  elsewhere["application"]["id"] = key_.application_id + 1000;
  auto foreign = check(elsewhere);
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(foreign->matches);
  EXPECT_TRUE(foreign->evidence_matches);
  EXPECT_FALSE(foreign->key_belongs);
}

// The check of the report an application shows: its kept one after the decision, whose
// evidence a later change to the database is told by.
TEST_P(SandboxTest, TheKeptReportIsVerifiedAgainstTheEvidence) {
  auto& pf = tp_->platform();
  AddTeam();
  const json live = pf.sandbox.VerifyReport(vendor_, key_.application_id).value();
  EXPECT_TRUE(live["matches"]);
  EXPECT_TRUE(live["frozen_at"].is_null()) << "built now: matches by construction, and says so";
  ASSERT_TRUE(pf.applications.Act(reviewer_, key_.application_id, domain::AppAction::kSucceed, {}).ok());
  EXPECT_EQ(driver_->Send("Team.Add", Team("钢筋班组")).error, "key_revoked");
  const json kept = pf.sandbox.VerifyReport(reviewer_, key_.application_id).value();
  EXPECT_TRUE(kept["matches"]) << kept.dump();
  EXPECT_FALSE(kept["frozen_at"].is_null());
  EXPECT_EQ(kept["key_app_id"], key_.app_id);
  Exec("UPDATE sandbox_evidence SET response = REPLACE(response, '成功', '失败') WHERE id = 1");
  const json tampered = pf.sandbox.VerifyReport(reviewer_, key_.application_id).value();
  EXPECT_FALSE(tampered["matches"]);
  EXPECT_EQ(tampered["recorded_digest"], kept["recorded_digest"]);
  const auto outsider = tp_->AddUser(domain::Role::kCityReviewer, "sb_verify_outsider", "440300");
  EXPECT_FALSE(pf.sandbox.VerifyReport(outsider, key_.application_id).ok());
}

// The decision's history entry records the kept report's content digest: the kept
// report changed afterwards is told by it (its evidence unchanged), and changing that
// entry as well breaks the history chain.
TEST_P(SandboxTest, TheKeptReportsContentIsCheckedAgainstItsDecisionsHistoryEntry) {
  auto& pf = tp_->platform();
  AddTeam();
  const json live = pf.sandbox.VerifyReport(vendor_, key_.application_id).value();
  EXPECT_FALSE(live["kept"]);
  EXPECT_TRUE(live["report_digest_recorded"].is_null()) << "a report built now is compared with nothing";
  ASSERT_TRUE(pf.applications.Act(reviewer_, key_.application_id, domain::AppAction::kSucceed, {}).ok());
  const json kept = pf.sandbox.VerifyReport(reviewer_, key_.application_id).value();
  EXPECT_TRUE(kept["matches"]) << kept.dump();
  EXPECT_TRUE(kept["kept"]);
  ASSERT_TRUE(kept["report_digest_recorded"].is_string()) << kept.dump();
  EXPECT_EQ(kept["report_digest"], kept["report_digest_recorded"]);
  const json report = pf.sandbox.Report(reviewer_, key_.application_id).value();
  EXPECT_EQ(kept["report_digest"], services::ReportContentDigest(report));
  // The application's history shows the decision with the digest.
  const json history = pf.applications.Get(reviewer_, key_.application_id).value()["history"];
  ASSERT_TRUE(history.is_array());
  const auto decision =
      std::find_if(history.begin(), history.end(), [](const json& h) { return h["action"] == "succeed"; });
  ASSERT_NE(decision, history.end()) << history.dump();
  EXPECT_EQ((*decision)["report_digest"], kept["report_digest"]);
  EXPECT_EQ(kept["report_digest_history_seq"], (*decision)["seq"]);
  EXPECT_EQ(std::count_if(history.begin(), history.end(), [](const json& h) { return h["report_digest"].is_null(); }),
            static_cast<long>(history.size()) - 1)
      << "only the decision records a report";

  // The cases not yet run turned into passed ones in the kept report: the evidence
  // digest still agrees, the content digest does not.
  Exec("UPDATE decided_reports SET report = REPLACE(report, '\"status\":\"pending\"', '\"status\":\"pass\"')");
  const json altered = pf.sandbox.VerifyReport(reviewer_, key_.application_id).value();
  EXPECT_FALSE(altered["matches"]);
  EXPECT_TRUE(altered["evidence_matches"]);
  EXPECT_NE(altered["report_digest"], altered["report_digest_recorded"]);
  EXPECT_NE(altered["explanation"].get<std::string>().find("报告在结论记录后被改动"), std::string::npos)
      << altered["explanation"];
  ASSERT_TRUE(services::VerifyHistory(tp_->db()).value().ok) << "the chain itself is intact";
  // The entry made to agree with the altered report: the chain breaks there.
  Exec("UPDATE history SET report_digest = '" + altered["report_digest"].get<std::string>() +
       "' WHERE report_digest IS NOT NULL");
  EXPECT_TRUE(pf.sandbox.VerifyReport(reviewer_, key_.application_id).value()["matches"]);
  const auto chain = services::VerifyHistory(tp_->db()).value();
  EXPECT_FALSE(chain.ok);
  EXPECT_EQ(chain.first_broken_seq, kept["report_digest_history_seq"].get<long long>());
}

// A key is issued for one profile: once its city speaks another, the key is out of
// scope there, even when signed and encrypted the new profile's way with its secret.
TEST_P(SandboxTest, AKeyOfAnotherProfileIsRefusedAfterItsCitySwitches) {
  const auto admin = tp_->AddUser(domain::Role::kAdmin, "sb_profile_admin");
  ASSERT_TRUE(tp_->platform().SetCityProfile(admin, "440100", "gz-md5-des", "sandbox", std::nullopt).ok());
  testing::SandboxKey as_gz = key_;
  as_gz.profile = "gz-md5-des";
  SandboxDriver gz(*tp_, as_gz);
  const long long evidence_before = Count("sandbox_evidence");
  auto r = gz.Send("Team.Add", Team());
  EXPECT_EQ(r.outcome, "refused") << r.body.dump();
  EXPECT_EQ(r.error, "wrong_city");
  EXPECT_EQ(r.code(), "2004") << "the city's profile words the refusal";
  EXPECT_EQ(Count("sandbox_objects"), 0);
  EXPECT_EQ(Count("sandbox_evidence"), evidence_before + 1) << "recorded like any key refusal";
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ((*ev)["items"][0]["rule"], "wrong_city") << ev->dump();
  // Back on the key's profile, it works again.
  ASSERT_TRUE(tp_->platform().SetCityProfile(admin, "440100", "gd-v1.3", "sandbox", std::nullopt).ok());
  EXPECT_EQ(driver_->Send("Team.Add", Team()).outcome, "accepted");
}

// Guangzhou's standard lists 班组编号 among the fields sent DES-encrypted: a request
// must send teamSysNo encrypted, a plain one is refused as undecryptable, and Team.Add's
// answer and query rows give it encrypted. The national standard sends it plain.
TEST_P(SandboxTest, GuangzhouSendsTheTeamNumberEncrypted) {
  const auto gz_reviewer = tp_->AddUser(domain::Role::kCityReviewer, "sb_gz_reviewer", "440300");
  const testing::SandboxKey k = testing::StartJointTest(*tp_, vendor_, gz_reviewer, "440300", "gz-md5-des");
  SandboxDriver gz(*tp_, k);
  json team = {
      {"projectCode", k.project_code}, {"corpCode", k.corp_code}, {"corpName", k.corp_name}, {"teamName", "木工班组"}};
  auto added = gz.Send("Team.Add", team);
  ASSERT_EQ(added.outcome, "accepted") << added.body.dump();

  ASSERT_TRUE(added.data()["teamSysNo"].is_string()) << added.body.dump();
  const std::string answered = added.data()["teamSysNo"];
  EXPECT_EQ(answered.rfind("des:", 0), 0u) << answered;
  const long long team_no = std::stoll(gz.codec().DecryptField(answered).value());
  EXPECT_GT(team_no, 100000000);
  const json worker = {{"projectCode", k.project_code}, {"corpCode", k.corp_code},
                       {"corpName", k.corp_name},       {"teamSysNo", team_no},
                       {"teamName", "木工班组"},        {"workerList", {Worker("11010519491231002X")}}};
  // Signed correctly, but with teamSysNo as a plain number (the ID number encrypted).
  standard::Form form = gz.Build("ProjectWorker.Add", worker);
  const std::string& data_param = gz.profile().Param("data");
  const std::string& sign_param = gz.profile().Param("sign");
  std::erase_if(form, [&](const auto& field) { return field.first == sign_param; });
  for (auto& [name, value] : form) {
    if (name != data_param) continue;
    json data = json::parse(value);
    EXPECT_TRUE(data["teamSysNo"].is_string()) << "BuildRequest encrypts it: " << value;
    data["teamSysNo"] = team_no;
    value = data.dump();
  }
  form.emplace_back(sign_param, gz.codec().Sign(form));
  auto plain = gz.SendForm("ProjectWorker.Add", form);
  EXPECT_EQ(plain.outcome, "refused") << plain.body.dump();
  EXPECT_EQ(plain.error, "decrypt_failed");
  EXPECT_EQ(plain.path, "[teamSysNo]");
  // Encrypted, as the device sends it: accepted, and the query answers it encrypted.
  auto sent = gz.Send("ProjectWorker.Add", worker);
  ASSERT_EQ(sent.outcome, "accepted") << sent.body.dump();
  auto rows = gz.Send("ProjectWorker.Query", {{"projectCode", k.project_code}, {"pageIndex", 0}, {"pageSize", 10}});

  ASSERT_EQ(rows.outcome, "accepted") << rows.body.dump();
  ASSERT_EQ(rows.data()["rows"].size(), 1u) << rows.body.dump();
  const json row = rows.data()["rows"][0];
  ASSERT_TRUE(row["teamSysNo"].is_string()) << row.dump();
  EXPECT_EQ(row["teamSysNo"].get<std::string>().rfind("des:", 0), 0u) << row.dump();
  EXPECT_EQ(gz.codec().DecryptField(row["teamSysNo"].get<std::string>()).value(), std::to_string(team_no));
  // The national standard's profile leaves it plain.
  EXPECT_FALSE(driver_->profile().FindMethod("ProjectWorker.Add")->data_schema->Property("teamSysNo")->encrypted);
}

// Attendance records carry their team only; a query naming an enterprise answers the
// records of that enterprise's teams, each row saying its corpCode.
TEST_P(SandboxTest, AttendanceQueriesNameTheEnterpriseThroughTheTeam) {
  const json sub = LabourSubcontractor();
  ASSERT_TRUE(sub.is_object());
  ASSERT_EQ(Polled(driver_->Send("ProjectSubContractor.Add", sub))["status"], 20);
  const std::pair<std::string, std::string> labour{sub["corpCode"], sub["corpName"]};

  const std::string a = "11010519491231002X", b = "440106198503121237";
  const long long team_a = EnteredWorker(a, "木工班组");
  const long long team_b = EnteredWorker(b, "钢筋班组", labour);
  ASSERT_EQ(Attend(team_a, {AttendanceRecord(a, "08:00:00")}).outcome, "accepted");
  ASSERT_EQ(Attend(team_b, {AttendanceRecord(b, "08:05:00")}).outcome, "accepted");

  json rows = Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"corpCode", labour.first}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(driver_->codec().DecryptField(rows[0]["idCardNumber"].get<std::string>()).value(), b);
  EXPECT_EQ(rows[0]["corpCode"], labour.first);
  EXPECT_EQ(rows[0]["teamSysNo"], team_b);
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"corpCode", key_.corp_code}})["totalCount"], 1);
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"corpCode", "913311001484116584"}})["totalCount"],
            0);
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}})["totalCount"], 2) << "no corpCode: every record";
}

// Page numbers are bounded by the method's schema: one beyond it is refused, never
// wrapped into another page or echoed as another number.
TEST_P(SandboxTest, PageNumbersBeyondTheSchemaAreRefused) {
  AddTeam();
  auto page = [&](json index, json size) {
    return driver_->Send("Team.Query", {{"projectCode", key_.project_code}, {"pageIndex", index}, {"pageSize", size}});
  };
  for (const json& index :
       {json(2147483648LL), json(4294967296LL), json(9223372036854775807LL), json(18446744073709551615ULL)}) {
    EXPECT_EQ(Refused(page(index, 10), "maximum", "-1").path, "[pageIndex]") << index;
  }
  EXPECT_EQ(Refused(page(0, 4294967297LL), "maximum", "-1").path, "[pageSize]");
  // The last page the schema allows is answered as asked: empty, with the total.
  const auto maximum = driver_->profile().FindMethod("Team.Query")->data_schema->Property("pageIndex")->maximum;
  ASSERT_TRUE(maximum.has_value());
  const json bound = static_cast<long long>(*maximum);
  auto last = page(bound, 100);
  ASSERT_EQ(last.outcome, "accepted") << last.body.dump();
  EXPECT_EQ(last.data()["pageIndex"], bound);
  EXPECT_EQ(last.data()["pageSize"], 100);
  EXPECT_EQ(last.data()["totalCount"], 1);
  EXPECT_TRUE(last.data()["rows"].empty());
  EXPECT_EQ(page(0, 10).data()["rows"].size(), 1u);
}

// A query answers the rows its filters name (the method file's `filters`), an
// encrypted filter compared as decrypted.
TEST_P(SandboxTest, QueriesAnswerOnlyTheRowsTheirFiltersName) {
  const std::string a = "11010519491231002X", b = "440106198503121237";
  const long long team_a = EnteredWorker(a, "木工班组");
  const long long team_b = EnteredWorker(b, "钢筋班组");
  ASSERT_EQ(Attend(team_a, {AttendanceRecord(a, "08:00:00")}).outcome, "accepted");
  ASSERT_EQ(Attend(team_b, {AttendanceRecord(b, "08:05:00")}).outcome, "accepted");
  const auto decrypted = [&](const json& row) {
    return driver_->codec().DecryptField(row["idCardNumber"].get<std::string>()).value();
  };

  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2020-01-01"}})["totalCount"], 0);
  EXPECT_TRUE(Query("WorkerAttendance.Query", {{"date", "2020-01-01"}})["rows"].empty());
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}})["totalCount"], 2);
  json rows = Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"teamSysNo", team_a}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(decrypted(rows[0]), a);
  rows = Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"idCardNumber", b}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(decrypted(rows[0]), b);
  EXPECT_EQ(
      Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"teamSysNo", std::to_string(team_b)}})["totalCount"], 1)
      << "a number sent as text names the same team";

  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"corpCode", key_.corp_code}})["totalCount"], 2);
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}, {"corpCode", "91350200MA2YJ1XR9G"}})["totalCount"],
            0);

  EXPECT_EQ(Query("ProjectWorker.Query")["totalCount"], 2);
  rows = Query("ProjectWorker.Query", {{"teamSysNo", team_b}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(decrypted(rows[0]), b);
  // The sandbox keeps no photos: a row answers without one rather than with a stand-in
  // a client could not decode.
  EXPECT_FALSE(rows[0].contains("headImage")) << rows[0].dump();
  EXPECT_EQ(Query("ProjectWorker.Query", {{"idCardType", "03"}})["totalCount"], 0);

  rows = Query("Team.Query", {{"teamSysNo", team_a}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["teamName"], "木工班组");
  EXPECT_EQ(Query("Team.Query", {{"teamName", "钢筋班组"}})["totalCount"], 1);

  EXPECT_EQ(Query("WorkerEntryExit.Query", {{"idCardNumber", a}})["totalCount"], 1);
  EXPECT_EQ(Query("WorkerEntryExit.Query", {{"date", "2026-10-19"}})["totalCount"], 2);
  EXPECT_EQ(Query("WorkerEntryExit.Query", {{"date", "2026-10-18"}})["totalCount"], 0);

  json payroll = Payroll(team_a, a);
  ASSERT_EQ(Polled(driver_->Send("Payroll.Add", payroll))["status"], 20);
  EXPECT_EQ(Query("Payroll.Query", {{"payMonth", "2026-09"}})["totalCount"], 0);
  EXPECT_EQ(Query("Payroll.Query", {{"payMonth", "2026-10"}})["totalCount"], 1);
  EXPECT_EQ(Query("Payroll.Query", {{"teamSysNo", team_b}})["totalCount"], 0);

  // The key's own project, and one it uploaded: each once.
  const std::string code = AddProject("示例住宅小区一期工程");
  EXPECT_EQ(Query("Project.Query")["totalCount"], 2);
  rows = Query("Project.Query", {{"projectCode", code}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["name"], "示例住宅小区一期工程");
  EXPECT_EQ(Query("Project.Query", {{"projectCode", key_.project_code}})["totalCount"], 1);
  EXPECT_EQ(Query("Project.Query", {{"contractorCorpName", "另一家建设公司"}})["totalCount"], 0);
  // Its code begins with the area code it was given, then the date and a sequence.
  EXPECT_EQ(code.substr(0, 6), "440106") << code;
  EXPECT_EQ(code.size(), key_.project_code.size()) << code;
}

// A key's queries answer the rows of the project they name: a team added to a project
// the key uploaded is that project's, not the provisioned one's.
TEST_P(SandboxTest, QueriesAnswerTheProjectTheyName) {
  const std::string id = "11010519491231002X";
  EnteredWorker(id);  // in the provisioned project
  const std::string other = AddProject("示例住宅小区二期工程");
  json team = Team("钢筋班组");
  team["projectCode"] = other;
  ASSERT_EQ(Polled(driver_->Send("Team.Add", team))["status"], 20);
  const json own = Query("Team.Query");
  EXPECT_EQ(own["totalCount"], 1) << own.dump();
  EXPECT_EQ(own["rows"][0]["teamName"], "木工班组");
  const json theirs = Query("Team.Query", {{"projectCode", other}});
  ASSERT_EQ(theirs["totalCount"], 1) << theirs.dump();
  EXPECT_EQ(theirs["rows"][0]["teamName"], "钢筋班组");
  EXPECT_EQ(Query("ProjectWorker.Query")["totalCount"], 1);
  EXPECT_EQ(Query("ProjectWorker.Query", {{"projectCode", other}})["totalCount"], 0);
  EXPECT_EQ(Query("WorkerEntryExit.Query", {{"projectCode", other}})["totalCount"], 0);
  EXPECT_EQ(Query("WorkerEntryExit.Query")["totalCount"], 1);
}

// A project's records are its own: the worker, the team's name and the company of the
// key's provisioned project may be in a project the key added as well, each project
// refusing its own duplicates and holding its workers to its own entries.
TEST_P(SandboxTest, AWorkerTeamAndCompanyMayBeInTwoOfTheKeysProjects) {
  const std::string id = "11010519491231002X";
  const long long own_team = EnteredWorker(id);
  const std::string other = AddProject("示例住宅小区二期工程");
  const long long other_team = EnteredWorker(id, "木工班组", {}, /*enter=*/false, other);
  EXPECT_NE(other_team, own_team) << "the same name, another project's team";
  json team = Team();
  team["projectCode"] = other;
  EXPECT_EQ(Polled(driver_->Send("Team.Add", team))["status"], 10) << "a duplicate in its own project";
  json add = {{"projectCode", other},    {"corpCode", key_.corp_code}, {"corpName", key_.corp_name},
              {"teamSysNo", other_team}, {"teamName", "木工班组"},     {"workerList", json::array({Worker(id)})}};
  EXPECT_EQ(Polled(driver_->Send("ProjectWorker.Add", add))["status"], 10) << "a duplicate in its own project";
  EXPECT_EQ(Query("ProjectWorker.Query")["totalCount"], 1);
  EXPECT_EQ(Query("ProjectWorker.Query", {{"projectCode", other}})["totalCount"], 1);

  // Entered in the key's project, not yet in the other: no attendance there, and its
  // first record there is an entry.
  const auto attend = [&](const std::string& project, long long team_no, const std::string& time) {
    return driver_->Send(
        "WorkerAttendance.Add",
        {{"projectCode", project}, {"teamSysNo", team_no}, {"dataList", json::array({AttendanceRecord(id, time)})}});
  };
  Refused(attend(other, other_team, "08:00:00"), "worker_entered", "-1");
  json exit = EntryExit(other_team, id, "2026-10-19", "0");
  exit["projectCode"] = other;
  Refused(driver_->Send("WorkerEntryExit.Add", exit), "exit_before_entry", "-1");
  json entry = EntryExit(other_team, id, "2026-10-19", "1");
  entry["projectCode"] = other;
  EXPECT_EQ(Polled(driver_->Send("WorkerEntryExit.Add", entry))["status"], 20)
      << "entered in the key's project on that day too, but not in this one";
  EXPECT_EQ(Polled(attend(other, other_team, "08:00:00"))["status"], 20);
  EXPECT_EQ(Polled(attend(other, other_team, "08:00:00"))["status"], 10);
  EXPECT_EQ(Polled(attend(key_.project_code, own_team, "07:00:00"))["status"], 20);
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"date", "2026-10-20"}})["totalCount"], 1);
  EXPECT_EQ(Query("WorkerAttendance.Query", {{"projectCode", other}, {"date", "2026-10-20"}})["totalCount"], 1);

  // Paid by each project for the month, once.
  json own_pay = Payroll(own_team, id);
  json other_pay = Payroll(other_team, id);
  other_pay["projectCode"] = other;
  EXPECT_EQ(Polled(driver_->Send("Payroll.Add", own_pay))["status"], 20);
  EXPECT_EQ(Polled(driver_->Send("Payroll.Add", other_pay))["status"], 20);
  EXPECT_EQ(Polled(driver_->Send("Payroll.Add", other_pay))["status"], 10);

  // A company subcontracting on both projects.
  json sub = LabourSubcontractor();
  ASSERT_FALSE(sub.is_null());
  EXPECT_EQ(Polled(driver_->Send("ProjectSubContractor.Add", sub))["status"], 20);
  sub["projectCode"] = other;
  EXPECT_EQ(Polled(driver_->Send("ProjectSubContractor.Add", sub))["status"], 20);
  EXPECT_EQ(Polled(driver_->Send("ProjectSubContractor.Add", sub))["status"], 10);
}

// The records a key stored under a project it added, before their keys named the project
// (migration 0022): the migration's statements turn them, and the rules find them again.
TEST_P(SandboxTest, RecordsOfAnAddedProjectStoredBeforeTheirKeysNamedItAreFoundAgain) {
  const std::string id = "11010519491231002X";
  const std::string other = AddProject("示例住宅小区二期工程");
  const long long team_no = EnteredWorker(id, "木工班组", {}, /*enter=*/true, other);
  const auto attend = [&](const std::string& time) {
    return Polled(
        driver_->Send("WorkerAttendance.Add", {{"projectCode", other},
                                               {"teamSysNo", team_no},
                                               {"dataList", json::array({AttendanceRecord(id, time)})}}))["status"];
  };
  ASSERT_EQ(attend("08:00:00"), 20);
  const auto keys = [&] {
    return tp_->db()
        .Read<std::vector<std::string>>([&](soci::session& sql) -> Result<std::vector<std::string>> {
          std::vector<std::string> out;
          soci::rowset<soci::row> rows = (sql.prepare << "SELECT kind, natural_key, subject FROM sandbox_objects "
                                                         "WHERE kind NOT LIKE 'project%' ORDER BY id");
          for (const soci::row& r : rows) {
            out.push_back(r.get<std::string>(0) + " " + r.get<std::string>(1) + " " + r.get<std::string>(2));
          }
          return out;
        })
        .value();
  };
  const std::vector<std::string> scoped = keys();
  ASSERT_EQ(scoped.size(), 4u) << ::testing::PrintToString(scoped);
  EXPECT_EQ(scoped[0], "team " + other + "|" + key_.corp_code + "|木工班组 " + other);
  EXPECT_EQ(scoped[1], "worker " + other + "|" + id + " " + id);
  EXPECT_EQ(scoped[2], "entry_exit " + other + "|" + id + "|2026-10-19|1 " + other + "|" + id);
  EXPECT_EQ(scoped[3], "attendance 2026-10-20 08:00:00|" + other + "|" + id + "|01 " + id);

  // The rows as stored before the migration: keys without the added project.
  Exec("UPDATE sandbox_objects SET natural_key = substr(natural_key, " + std::to_string(other.size() + 2) +
       "), subject = CASE WHEN kind = 'entry_exit' THEN substr(subject, " + std::to_string(other.size() + 2) +
       ") ELSE subject END WHERE natural_key LIKE '" + other + "|%'");
  Exec("UPDATE sandbox_objects SET natural_key = replace(natural_key, '|" + other +
       "|', '|') WHERE kind = 'attendance'");
  EXPECT_EQ(keys()[1], "worker " + id + " " + id);
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0022_sandbox_project_scoped_keys"), 3);
  EXPECT_EQ(keys(), scoped);
  EXPECT_EQ(testing::RerunMigrationStatements(tp_->db(), "0022_sandbox_project_scoped_keys"), 3);
  EXPECT_EQ(keys(), scoped) << "run twice, the statements change nothing more";
  EXPECT_EQ(attend("08:00:00"), 10) << "the record stored before is still a duplicate";
  EXPECT_EQ(attend("09:00:00"), 20) << "the worker is still registered and entered there";
}

// CheckSign.Query may say version=1.1, as the client it was seen in does; no other
// method may: the profile's fixed version stands for them.
TEST_P(SandboxTest, CheckSignAlsoAcceptsVersionOneOne) {
  auto with_version = [&](const std::string& method, const json& data) {
    standard::Form form = driver_->Build(method, data);
    form.erase(std::remove_if(form.begin(), form.end(), [](const auto& kv) { return kv.first == "sign"; }), form.end());
    for (auto& [name, value] : form) {
      if (name == "version") value = "1.1";
    }
    form.emplace_back("sign", driver_->codec().Sign(form));
    return driver_->SendForm(method, form);
  };
  EXPECT_EQ(with_version("CheckSign.Query", json::object()).outcome, "accepted");
  Refused(with_version("Team.Add", Team()), "malformed_form", "-1");
}

// Every field the profile sends encrypted is answered encrypted with the key's
// cipher, not only idCardNumber.
TEST_P(SandboxTest, QueryAnswersEncryptEveryCipherField) {
  const std::string id = "11010519491231002X", card = "6222000000000000001", pay_card = "6222000000000000002";
  json team = Team();
  team["responsiblePersonName"] = "王五";
  team["responsiblePersonIDCardType"] = "01";
  team["responsiblePersonIDNumber"] = id;
  const long long team_no =
      json::parse(Polled(driver_->Send("Team.Add", team))["result"].get<std::string>())["teamSysNo"];
  json worker = Worker(id);
  worker["payRollBankCardNumber"] = card;
  worker["payRollBankName"] = "中国工商银行";
  ASSERT_EQ(Polled(driver_->Send("ProjectWorker.Add", {{"projectCode", key_.project_code},
                                                       {"corpCode", key_.corp_code},
                                                       {"corpName", key_.corp_name},
                                                       {"teamSysNo", team_no},
                                                       {"teamName", "木工班组"},
                                                       {"workerList", {worker}}}))["status"],
            20);
  json payroll = Payroll(team_no, id);
  payroll["detailList"][0]["payRollBankCardNumber"] = card;
  payroll["detailList"][0]["payBankCardNumber"] = pay_card;
  ASSERT_EQ(Polled(driver_->Send("Payroll.Add", payroll))["status"], 20);
  const auto encrypted = [&](const json& row, const std::string& field, const std::string& plain) {
    ASSERT_TRUE(row.contains(field)) << row.dump();
    const std::string sent = row[field];
    EXPECT_EQ(sent.find(plain), std::string::npos) << field << " leaves in clear: " << row.dump();
    auto opened = driver_->codec().DecryptField(sent);
    ASSERT_TRUE(opened.ok()) << field;
    EXPECT_EQ(*opened, plain) << field;
  };
  const json team_row = Query("Team.Query")["rows"].at(0);
  encrypted(team_row, "responsiblePersonIDNumber", id);
  const json worker_row = Query("ProjectWorker.Query")["rows"].at(0);
  encrypted(worker_row, "idCardNumber", id);
  encrypted(worker_row, "payRollBankCardNumber", card);
  const json payroll_row = Query("Payroll.Query")["rows"].at(0);
  encrypted(payroll_row, "idCardNumber", id);
  encrypted(payroll_row, "payRollBankCardNumber", card);
  encrypted(payroll_row, "payBankCardNumber", pay_card);
}

TEST_P(SandboxTest, MalformedFormsAndData) {
  Refused(driver_->SendBody("open.api", "appid=%ZZ&method=Team.Add"), "malformed_form", "-1");
  auto missing =
      Refused(driver_->SendBody("open.api", "appid=" + key_.app_id + "&method=Team.Add"), "missing_param", "-1");
  EXPECT_NE(missing.body["message"].get<std::string>().find("format"), std::string::npos) << missing.body.dump();
  // Recorded as the named key's evidence; a form naming no issued key is not.
  EXPECT_GT(missing.evidence_id, 0);
  EXPECT_EQ(Count("sandbox_evidence", "error = 'missing_param'"), 1);
  // A nonce longer than the profile allows is refused, and not stored.
  const standard::Form long_nonce = WithNonce(*driver_, driver_->Build("Team.Add", Team()),
                                              std::string(driver_->profile().nonce_max_length + 1, 'n'));
  Refused(driver_->SendForm("Team.Add", long_nonce), "malformed_form", "-1");
  EXPECT_EQ(Count(NonceTable(), "LENGTH(nonce) > 64"), 0);
  EXPECT_EQ(Refused(driver_->SendBody("open.api", "appid=nobody&method=Team.Add"), "missing_param", "-1").evidence_id,
            0);
  EXPECT_EQ(Count("sandbox_evidence", "error = 'missing_param'"), 1);
  // data that is not JSON, or a JSON that is not an object, or absurdly deep.
  for (const std::string& data :
       {std::string("{not json"), std::string("[1,2]"), std::string(100, '[') + std::string(100, ']')}) {
    standard::Form form = driver_->Build("Team.Add", Team());
    for (auto& [k, v] : form) {
      if (k == "data") v = data;
    }
    form.pop_back();
    form.emplace_back("sign", driver_->codec().Sign(form));
    Refused(driver_->SendForm("Team.Add", form), "invalid_json", "-1");
  }
  // An encrypted field that does not decrypt under the key.
  json worker = {{"projectCode", key_.project_code},
                 {"corpCode", key_.corp_code},
                 {"corpName", key_.corp_name},
                 {"teamSysNo", 100000001},
                 {"teamName", "x"},
                 {"workerList", {{{"idCardType", "01"}, {"idCardNumber", "not-a-ciphertext"}}}}};
  standard::Form form = driver_->Build("Team.Query", {{"pageIndex", 0}, {"pageSize", 1}});
  for (auto& [k, v] : form) {
    if (k == "method") v = "ProjectWorker.Add";
    if (k == "data") v = worker.dump();
  }
  form.pop_back();
  form.emplace_back("sign", driver_->codec().Sign(form));
  auto r = Refused(driver_->SendForm("ProjectWorker.Add", form), "decrypt_failed", "-1");
  EXPECT_EQ(r.path, "[workerList][0][idCardNumber]");
  // A method the standard does not have.
  Refused(driver_->Send("Nothing.Add", json::object()), "unknown_method", "-3");
  EXPECT_EQ(Count("sandbox_objects"), 0);
}

TEST_P(SandboxTest, OversizedBodyAndImage) {
  services::SandboxCall call;
  call.city_code = "440100";
  call.endpoint = "open.api";
  call.body = "appid=" + key_.app_id + "&data=" + std::string(1100 * 1024, 'x');
  auto reply = tp_->platform().sandbox.Handle(call);
  EXPECT_EQ(reply.error, "body_too_large");
  EXPECT_NE(reply.body.find("1024KB"), std::string::npos) << reply.body;
  const long long team_no = AddTeam();
  const std::string big = standard::SampleJpeg(52 * 1024 + 4);
  json worker = Worker("11010519491231002X");
  worker["headImage"] = big;
  auto r = Refused(driver_->Send("ProjectWorker.Add", {{"projectCode", key_.project_code},
                                                       {"corpCode", key_.corp_code},
                                                       {"corpName", key_.corp_name},
                                                       {"teamSysNo", team_no},
                                                       {"teamName", "木工班组"},
                                                       {"workerList", {worker}}}),
                   "image_size", "-1");
  EXPECT_EQ(r.body["message"], "[workerList][0][headImage]大小超过限制50KB!");
  // The evidence keeps the request with the image summarised and the number masked;
  // the fields the schema does not name are kept as sent.
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  const json& kept = (*ev)["items"][0]["request"]["data"]["workerList"][0];
  EXPECT_EQ(kept["headImage"], "<图片 " + std::to_string(big.size()) + " 字符>");
  EXPECT_EQ(kept["idCardNumber"], "110105********002X");
  EXPECT_EQ(kept["workerName"], "张三");
  EXPECT_EQ(kept["workRole"], 20);
}

// Member names are kept as sent, whatever characters they hold: the evidence is JSON.
TEST_P(SandboxTest, EvidenceKeepsMemberNamesThatNeedEscaping) {
  json team = Team();
  team["名\"称\\"] = "x";
  team["tab\tname"] = 1;
  driver_->Send("Team.Add", team);
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  const json& kept = (*ev)["items"][0]["request"]["data"];
  EXPECT_EQ(kept["名\"称\\"], "x") << kept.dump();
  EXPECT_EQ(kept["tab\tname"], 1) << kept.dump();
  EXPECT_EQ(kept["teamName"], team["teamName"]);
}

// The evidence keeps an accepted write's answer as it was sent, and a query's answer
// with its rows counted rather than copied.
TEST_P(SandboxTest, EvidenceKeepsTheAnswerAsSentAndCountsAQuerysRows) {
  auto write = driver_->Send("Team.Add", Team());
  ASSERT_EQ(write.outcome, "accepted") << write.body.dump();
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ((*ev)["items"][0]["response"], write.body);

  EXPECT_EQ(Query("Team.Query")["rows"].size(), 1u);
  ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  const json& kept = (*ev)["items"][0]["response"];
  EXPECT_EQ(kept["data"]["rows"], "1 行") << kept.dump();
  EXPECT_EQ(kept["code"], write.body["code"]);
}

// The key's secret is kept as *** whatever a client calls the field it sends it in.
TEST_P(SandboxTest, EvidenceMasksTheSecretUnderAnyName) {
  standard::Form leaky = driver_->Build("Team.Add", Team("油漆班组"));
  leaky.pop_back();  // the signature, made again below
  leaky.emplace_back("password", key_.secret);
  leaky.emplace_back("note", "secret=" + key_.secret + ";");
  leaky.emplace_back("sign", driver_->codec().Sign(leaky));
  driver_->SendForm("Team.Add", leaky);
  const json leaky_row = (*tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {}))["items"][0];
  EXPECT_EQ(leaky_row.dump().find(key_.secret), std::string::npos) << leaky_row.dump();
  EXPECT_EQ(leaky_row["request"]["password"], "***") << leaky_row.dump();
  EXPECT_EQ(leaky_row["request"]["note"], "***") << leaky_row.dump();
}

TEST_P(SandboxTest, EvidenceMasksPersonalNumbersAndSecrets) {
  const long long team_no = AddTeam();
  // A payroll for a worker never registered: the message names the ID number.
  auto r = Refused(driver_->Send("Payroll.Add", Payroll(team_no, "11010519491231002X")), "worker_registered", "-1");
  EXPECT_NE(r.body["message"].get<std::string>().find("11010519491231002X"), std::string::npos)
      << "the vendor's client is told which worker";
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  const std::string dump = ev->dump();
  EXPECT_EQ(dump.find("11010519491231002X"), std::string::npos) << "evidence never holds the number";
  EXPECT_NE(dump.find("110105********002X"), std::string::npos);
  EXPECT_EQ(dump.find(key_.secret), std::string::npos);
  const json& last = (*ev)["items"][0];
  EXPECT_EQ(last["method"], "Payroll.Add");
  EXPECT_EQ(last["rule"], "worker_registered");
  EXPECT_EQ(last["outcome"], "refused");
  EXPECT_EQ(last["request"]["sign"].get<std::string>().size(), std::string("12345678…").size());
  // Phone numbers the standard marks (x-mask), and ID-like numbers in members the
  // standard does not define, are kept masked as well.
  json team = Team("钢筋班组");
  team["responsiblePersonPhone"] = "13800001000";
  team["remarkIdCard"] = "联系人440106199002024564";
  team["remarkBank"] = "工资卡6222020200112233445，流水号20261020100000";
  EXPECT_EQ(driver_->Send("Team.Add", team).outcome, "accepted");
  auto masked = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(masked.ok());
  const json& team_row = (*masked)["items"][0];
  EXPECT_EQ(team_row["request"]["data"]["responsiblePersonPhone"], "138****1000") << team_row.dump();
  EXPECT_EQ(team_row["request"]["data"]["remarkIdCard"], "联系人440106********4564") << team_row.dump();
  EXPECT_EQ(team_row["request"]["data"]["remarkBank"], "工资卡622202*********3445，流水号20261020100000")
      << "a bank card number (16 to 19 digits) masked, a shorter number not";
  EXPECT_EQ(team_row["request"]["data"]["teamName"], "钢筋班组");
  // A mobile number in free text is masked in the members the standard defines too.
  json remarked = Team("木工班组");
  remarked["remark"] = "联系13512345678，项目编码" + key_.project_code;
  EXPECT_EQ(driver_->Send("Team.Add", remarked).outcome, "accepted");
  const json remark_row = (*tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {}))["items"][0];
  EXPECT_EQ(remark_row["request"]["data"]["remark"], "联系135****5678，项目编码" + key_.project_code)
      << "the project code is the data, not anyone's number";
  // And in data kept as it came because it is not JSON.
  standard::Form broken = driver_->Build("Team.Add", Team());
  for (auto& [k, v] : broken) {
    if (k == "data") v = R"({"teamName":"x","responsiblePersonPhone":"13700001111")";
  }
  broken.pop_back();
  broken.emplace_back("sign", driver_->codec().Sign(broken));
  EXPECT_EQ(driver_->SendForm("Team.Add", broken).error, "invalid_json");
  const json broken_row = (*tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {}))["items"][0];
  EXPECT_EQ(broken_row["request"].dump().find("13700001111"), std::string::npos) << broken_row.dump();
  EXPECT_NE(broken_row["request"].dump().find("137****1111"), std::string::npos) << broken_row.dump();
  // Filters and paging.
  services::EvidenceQuery q;
  q.method = "Team.Add";
  EXPECT_EQ((*tp_->platform().sandbox.Evidence(vendor_, key_.application_id, q))["total"], 4);
  q = {};
  q.limit = 1;
  q.offset = 1;
  auto page = tp_->platform().sandbox.Evidence(vendor_, key_.application_id, q);
  EXPECT_EQ((*page)["items"].size(), 1u);
  EXPECT_EQ((*page)["total"], 6);
  q.outcome = "nonsense";
  EXPECT_FALSE(tp_->platform().sandbox.Evidence(vendor_, key_.application_id, q).ok());
  // A bad page names the parameter that is wrong.
  q = {};
  q.offset = -1;
  EXPECT_EQ(tp_->platform().sandbox.Evidence(vendor_, key_.application_id, q).error().details["field"], "offset");
  q = {};
  q.limit = 500;
  EXPECT_EQ(tp_->platform().sandbox.Evidence(vendor_, key_.application_id, q).error().details["field"], "limit");
  // Another vendor sees nothing of it.
  auto stranger = tp_->AddVendor("sb_stranger");
  EXPECT_EQ(tp_->platform().sandbox.Evidence(stranger, key_.application_id, {}).error().code, ErrorCode::kNotFound);
}

// A document number that is not an ID card's (a passport's) is masked wherever the
// evidence would repeat it: a refusal's message, an asynchronous result's text and the
// query that fetched it. The client is told the number, as the city's system tells it.
TEST_P(SandboxTest, EvidenceMasksEveryEncryptedNumberItsMessagesRepeat) {
  const long long team_no = AddTeam();
  const std::string passport = "E12345678";
  json add = {{"projectCode", key_.project_code}, {"corpCode", key_.corp_code},
              {"corpName", key_.corp_name},       {"teamSysNo", team_no},
              {"teamName", "木工班组"},           {"workerList", {PassportWorker(passport)}}};
  ASSERT_EQ(Polled(driver_->Send("ProjectWorker.Add", add))["status"], 20);
  // The same worker again: accepted, then failed in its asynchronous result.
  const json failed = Polled(driver_->Send("ProjectWorker.Add", add));
  ASSERT_EQ(failed["status"], 10) << failed.dump();
  EXPECT_NE(failed["result"].get<std::string>().find(passport), std::string::npos) << failed.dump();
  // A payroll for a passport never registered: refused at once, the number in the message.
  auto r =
      Refused(driver_->Send("Payroll.Add", Payroll(team_no, "G87654321", "2026-10", "08")), "worker_registered", "-1");
  EXPECT_NE(r.body["message"].get<std::string>().find("G87654321"), std::string::npos);
  services::EvidenceQuery all;
  all.limit = 100;
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, all);
  ASSERT_TRUE(ev.ok());
  const std::string dump = ev->dump();
  EXPECT_EQ(dump.find(passport), std::string::npos) << dump;
  EXPECT_EQ(dump.find("G87654321"), std::string::npos) << dump;
  EXPECT_NE(dump.find("*********"), std::string::npos) << "masked, not left out";
  // The checklist explains the failed write by its masked result.
  auto checklist = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  ASSERT_TRUE(checklist.ok());
  EXPECT_EQ(checklist->dump().find(passport), std::string::npos) << checklist->dump();
}

TEST_P(SandboxTest, EvidenceCanBeNarrowedToWhenItWasReceived) {
  AddTeam("木工班组");  // 2026-10-20 10:00: Team.Add and its AsyncHandleResult.Query
  tp_->clock().Advance(std::chrono::hours(24));
  AddTeam("钢筋班组");  // 2026-10-21 10:00
  auto& sandbox = tp_->platform().sandbox;
  auto total = [&](std::optional<std::string> from, std::optional<std::string> to) {
    services::EvidenceQuery q;
    q.from = std::move(from);
    q.to = std::move(to);
    auto page = sandbox.Evidence(vendor_, key_.application_id, q);
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page.ok() ? (*page)["total"].get<long long>() : -1;
  };
  EXPECT_EQ(total(std::nullopt, std::nullopt), 4);
  EXPECT_EQ(total("2026-10-21", std::nullopt), 2) << "a bare date is 00:00 in Shanghai";
  EXPECT_EQ(total(std::nullopt, "2026-10-20"), 2) << "a bare date as `to` includes its day";
  EXPECT_EQ(total("2026-10-21", "2026-10-21"), 2);
  EXPECT_EQ(total(std::nullopt, "2026-10-21T00:00:00+08:00"), 2);
  EXPECT_EQ(total("2026-10-20T10:00:00+08:00", "2026-10-20T10:00:01+08:00"), 2) << "from inclusive, to exclusive";
  EXPECT_EQ(total("2026-10-20T02:00:01Z", "2026-10-21T02:00:00Z"), 0);
  EXPECT_EQ(total("2026-10-22", std::nullopt), 0);
  // The page's items are the range's.
  services::EvidenceQuery q;
  q.from = "2026-10-21";
  auto page = sandbox.Evidence(reviewer_, key_.application_id, q);
  ASSERT_TRUE(page.ok());
  for (const auto& item : (*page)["items"]) {
    EXPECT_EQ(item["received_at"].get<std::string>().substr(0, 10), "2026-10-21") << item.dump();
  }
  // Refused clearly, naming the parameter.
  for (const auto& [from, to, field] :
       std::vector<std::tuple<std::optional<std::string>, std::optional<std::string>, std::string>>{
           {"yesterday", std::nullopt, "from"},
           {std::nullopt, "2026-13-01", "to"},
           {"2026-10-21T10:00:00+08:00", "2026-10-21T10:00:00+08:00", "to"},
           {"2026-10-21", "2026-10-20", "to"}}) {
    q = {};
    q.from = from;
    q.to = to;
    auto refused = sandbox.Evidence(vendor_, key_.application_id, q);
    ASSERT_FALSE(refused.ok()) << from.value_or("-") << " " << to.value_or("-");
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidField);
    EXPECT_EQ(refused.error().details["field"], field);
  }
}

// The evidence log as a spreadsheet: the filtered rows, newest first, in one file, with
// Chinese headers, outcomes and sources; larger than its bound, it is refused with the count.
TEST_P(SandboxTest, EvidenceExportsAsCsvOfTheFilteredRows) {
  AddTeam("木工班组");  // Team.Add and its AsyncHandleResult.Query
  json bad = Team();
  bad.erase("teamName");
  Refused(driver_->Send("Team.Add", bad), "required", "-1");
  auto& sandbox = tp_->platform().sandbox;
  auto csv = sandbox.EvidenceCsv(reviewer_, key_.application_id, {});
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  ASSERT_EQ(csv->rfind("\xEF\xBB\xBF编号,接收时间,appId,接口方法,结果,返回码,", 0), 0u) << *csv;
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = csv->find("\r\n", at)) != std::string::npos; at = end + 2) {
    lines.push_back(csv->substr(at, end - at));
  }
  ASSERT_EQ(lines.size(), 4u) << *csv;
  EXPECT_NE(lines[1].find(",Team.Add,拒绝,-1,required,"), std::string::npos) << lines[1] << ": newest first";
  EXPECT_NE(lines[2].find(",AsyncHandleResult.Query,受理,0,"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find(",Team.Add,受理,0,"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find(key_.app_id), std::string::npos);
  EXPECT_NE(lines[3].find(",设备请求（沙箱）,"), std::string::npos) << lines[3] << ": the source in Chinese";
  EXPECT_EQ(csv->find(key_.secret), std::string::npos) << "masked as in the log";
  // The log's filters apply.
  services::EvidenceQuery q;
  q.outcome = "refused";
  auto refused = sandbox.EvidenceCsv(vendor_, key_.application_id, q);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(std::count(refused->begin(), refused->end(), '\n'), 2) << *refused;
  q = {};
  q.from = "2030-01-01";
  auto none = sandbox.EvidenceCsv(vendor_, key_.application_id, q);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(std::count(none->begin(), none->end(), '\n'), 1) << "the header alone";
  q.from = "not a time";
  EXPECT_EQ(sandbox.EvidenceCsv(vendor_, key_.application_id, q).error().code, ErrorCode::kInvalidField);
  // Over the bound: refused, naming how many.
  auto many = sandbox.EvidenceCsv(vendor_, key_.application_id, {}, 2);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, ErrorCode::kInvalidField);
  EXPECT_EQ(many.error().details["total"], 3);
  EXPECT_NE(many.error().message.find("3 条"), std::string::npos) << many.error().message;
  // Out of scope as the log is.
  auto stranger = tp_->AddVendor("sb_csv_stranger");
  EXPECT_EQ(sandbox.EvidenceCsv(stranger, key_.application_id, {}).error().code, ErrorCode::kNotFound);
}

TEST_P(SandboxTest, FailingCasesBecomeTheDelayProblemList) {
  json bad = Team();
  bad.erase("teamName");
  Refused(driver_->Send("Team.Add", bad), "required", "-1");
  auto c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  ASSERT_TRUE(c.ok());
  bool listed = false;
  for (const auto& p : (*c)["delay_problems"]) {
    if (p["clause"].get<std::string>().find("Team.Add") != std::string::npos) {
      listed = true;
      EXPECT_NE(p["text"].get<std::string>().find("[teamName]不能为空!"), std::string::npos) << p.dump();
    }
  }
  EXPECT_TRUE(listed) << (*c)["delay_problems"].dump();
  EXPECT_FALSE((*c)["summary"]["all_required_passed"].get<bool>());
  // The required cases no request has met yet are problems too, after the failures: a
  // delay names what the device never did as well as what it did wrong.
  std::set<std::string> problem_clauses;
  std::size_t first_untested = (*c)["delay_problems"].size();
  for (std::size_t i = 0; i < (*c)["delay_problems"].size(); ++i) {
    const json& p = (*c)["delay_problems"][i];
    problem_clauses.insert(p["clause"].get<std::string>());
    if (p["text"].get<std::string>().starts_with("未完成测试：")) first_untested = std::min(first_untested, i);
    if (i > first_untested) {
      EXPECT_TRUE(p["text"].get<std::string>().starts_with("未完成测试：")) << p.dump();
    }
  }
  EXPECT_GT(first_untested, 0u) << "the failure first";
  int pending_required = 0;
  for (const json& k : (*c)["cases"]) {
    if (k["required"].get<bool>() && k["applicable"].get<bool>() && k["status"] == "pending") {
      ++pending_required;
      EXPECT_EQ(problem_clauses.count(k["clause"].get<std::string>()), 1u) << k.dump();
    }
  }
  EXPECT_GT(pending_required, 0);
  EXPECT_LT(first_untested, (*c)["delay_problems"].size());
  // Once corrected, the case passes and leaves the list.
  auto ok = driver_->Send("Team.Add", Team());
  driver_->Poll(ok.data()["requestSerialCode"]);
  c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  for (const auto& p : (*c)["cases"]) {
    if (p["id"] == "team_add_async" || p["id"] == "corrected") {
      EXPECT_EQ(p["status"], "pass") << p.dump();
    }
  }
}

TEST_P(SandboxTest, FailuresNameOnlyTheRefusalsBehindEachCase) {
  // A team without its name, then corrected: no case's failure any more.
  json unnamed = Team();
  unnamed.erase("teamName");
  Refused(driver_->Send("Team.Add", unnamed), "required", "-1");
  const long long team_no = AddTeam();
  // A payroll for a worker never registered: the payroll case's failure, and no other's.
  const auto payroll =
      Refused(driver_->Send("Payroll.Add", Payroll(team_no, "11010519491231002X")), "worker_registered", "-1");
  auto c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  ASSERT_TRUE(c.ok());
  ASSERT_FALSE((*c)["failures"].empty());
  for (const json& f : (*c)["failures"]) {
    EXPECT_EQ(f["case_id"], "payroll") << f.dump();
    EXPECT_EQ(f["rule"], "worker_registered") << f.dump();
    EXPECT_EQ(f["evidence_id"], payroll.evidence_id) << f.dump();
  }
  bool listed = false;
  for (const json& p : (*c)["delay_problems"]) {
    const std::string text = p["text"];
    EXPECT_EQ(text.find("teamName"), std::string::npos) << text;
    listed = listed || text.find("（证据 " + std::to_string(payroll.evidence_id) + "）") != std::string::npos;
  }
  EXPECT_TRUE(listed) << (*c)["delay_problems"].dump();
}

// Anyone who learnt the app_id can send requests naming the key; without its valid
// signature they are evidence (unsigned) and judge none of the vendor's cases.
TEST_P(SandboxTest, RequestsWithoutTheKeysSignatureJudgeNothing) {
  auto form =
      driver_->Build("ProjectWorker.Query", {{"projectCode", key_.project_code}, {"pageIndex", 1}, {"pageSize", 10}});
  form.back().second[0] = form.back().second[0] == 'a' ? 'b' : 'a';
  const auto forged = Refused(driver_->SendForm("ProjectWorker.Query", form), "bad_signature", "-2");
  auto c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  ASSERT_TRUE(c.ok());
  for (const json& k : (*c)["cases"]) {
    if (k["id"] == "query" || k["id"] == "signature") {
      EXPECT_EQ(k["status"], "pending") << k.dump();
    }
  }
  EXPECT_TRUE((*c)["failures"].empty()) << (*c)["failures"].dump();
  EXPECT_EQ((*c)["summary"]["requests"], 1) << "received, though not judged";
  for (const json& p : (*c)["delay_problems"]) {
    EXPECT_EQ(p["text"].get<std::string>().find("证据 " + std::to_string(forged.evidence_id)), std::string::npos)
        << p.dump();
  }
  // Still in the evidence, marked as not the key holder's.
  auto evidence = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(evidence.ok());
  bool kept = false;
  for (const json& e : (*evidence)["items"]) {
    if (e["id"] == forged.evidence_id) {
      kept = true;
      for (const json& tag : e["tags"]) EXPECT_NE(tag, "signed") << e.dump();
    }
  }
  EXPECT_TRUE(kept);
}

// A case failed by many requests names the first few and counts the rest.
TEST_P(SandboxTest, AProblemWithManyRequestsCountsThoseItDoesNotName) {
  const long long team_no = AddTeam();
  for (const char* id : {"11010519491231002X", "440106198503121237", "440106199002024564", "11010519491231002X"}) {
    Refused(driver_->Send("Payroll.Add", Payroll(team_no, id)), "worker_registered", "-1");
  }
  auto c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  ASSERT_TRUE(c.ok());
  for (const json& k : (*c)["cases"]) {
    if (k["id"] == "payroll") {
      EXPECT_EQ(k["failure_count"], 4) << k.dump();
    }
  }
  bool counted = false;
  for (const json& p : (*c)["delay_problems"]) {
    counted = counted || p["text"].get<std::string>().find("另有 1 条同类问题") != std::string::npos;
  }
  EXPECT_TRUE(counted) << (*c)["delay_problems"].dump();
}

// A duplicate is answered 成功 at once and fails in its asynchronous result: that
// result, not the 成功, explains the failed case.
TEST_P(SandboxTest, ADuplicateIsExplainedByItsAsynchronousResult) {
  AddTeam("钢筋班组");
  const auto again = driver_->Send("Team.Add", Team("钢筋班组"));
  ASSERT_EQ(Polled(again)["status"], 10);
  auto c = tp_->platform().sandbox.Conformance(reviewer_, key_.application_id);
  ASSERT_TRUE(c.ok());
  bool explained = false;
  for (const json& f : (*c)["failures"]) {
    if (f["case_id"] != "no_duplicates") continue;
    EXPECT_EQ(f["evidence_id"], again.evidence_id) << f.dump();
    EXPECT_NE(f["message"].get<std::string>().find("班组已存在"), std::string::npos) << f.dump();
    explained = true;
  }
  EXPECT_TRUE(explained) << (*c)["failures"].dump();
}

// The answer words a future pay month as the reference servers do (the field's own
// x-messages), with the catalogue's code.
// A gate whose clock runs a few seconds ahead of the server records attendance at "now"
// by its own clock: "not in the future" allows it the lead its timestamp is allowed.
TEST_P(SandboxTest, ADevicesClockAheadWithinTheSkewIsNotTheFuture) {
  const std::string id = "11010519491231002X";
  const long long team_no = EnteredWorker(id);
  ASSERT_EQ(driver_->profile().max_skew_seconds, 600);
  EXPECT_EQ(Polled(Attend(team_no, {AttendanceRecord(id, "10:00:05")}))["status"], 20) << "5 s ahead";
  EXPECT_EQ(Polled(Attend(team_no, {AttendanceRecord(id, "10:09:59")}))["status"], 20) << "within the skew";
  Refused(Attend(team_no, {AttendanceRecord(id, "10:10:01")}), "not_future", "-1");
}

TEST_P(SandboxTest, AFutureMonthIsRefusedInTheFieldsOwnWords) {
  const long long team_no = AddTeam();
  const auto r =
      Refused(driver_->Send("Payroll.Add", Payroll(team_no, "11010519491231002X", "2026-11")), "not_future", "-1");
  EXPECT_EQ(r.body["message"], "[payMonth]不能大于今天!") << r.body.dump();
}

TEST_P(SandboxTest, PathTwoShowsCityBsReport) {
  // The vendor joint-tests in Guangzhou (city B here), then applies to Shenzhen as
  // already connected there: Shenzhen's reviewer is shown Guangzhou's report.
  auto team = driver_->Send("Team.Add", Team());
  driver_->Poll(team.data()["requestSerialCode"]);
  auto& pf = tp_->platform();
  // The product tested there.
  const long long product = pf.applications.Get(vendor_, key_.application_id).value()["products"][0]["id"];
  json app =
      pf.applications
          .Create(vendor_, {"440300", {product}, "connected_elsewhere", std::string("440100"), "已在广州完成联调"})
          .value();
  const auto reviewer_sz = tp_->AddUser(domain::Role::kCityReviewer, "sb_reviewer_sz", "440300");
  auto report = pf.sandbox.Report(reviewer_sz, app["id"]);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ((*report)["source"]["city_code"], "440100");
  EXPECT_EQ((*report)["source"]["city_name"], "广州市");
  EXPECT_EQ((*report)["source"]["application_id"], key_.application_id);
  EXPECT_EQ((*report)["source"]["passed"], false) << "joint testing there, not yet succeeded";
  EXPECT_NE((*report)["source"]["note"].get<std::string>().find("尚未联调成功"), std::string::npos);
  EXPECT_TRUE((*report)["source"]["frozen_at"].is_null()) << "judged on city B's evidence as it stands";
  // The application is the one applied for, in its own city; the report is city B's.
  EXPECT_EQ((*report)["application"]["id"], app["id"]);
  EXPECT_EQ((*report)["application"]["city_code"], "440300");
  EXPECT_EQ((*report)["key"]["app_id"], key_.app_id);
  EXPECT_GT((*report)["summary"]["requests"].get<long long>(), 0);
  // Not submitted yet: no submission time.
  EXPECT_TRUE((*report)["application"]["submitted_at"].is_null());
  // A first-path application has no source, and was submitted before its key.
  const json own = pf.sandbox.Report(vendor_, key_.application_id).value();
  EXPECT_TRUE(own["source"].is_null());
  ASSERT_TRUE(own["application"]["submitted_at"].is_string()) << own["application"].dump();
  EXPECT_LE(own["application"]["submitted_at"].get<std::string>(), own["key"]["issued_at"].get<std::string>());
  // Once Guangzhou records the success, a new application links it and shows it as passed.
  ASSERT_TRUE(pf.applications.Act(reviewer_, key_.application_id, domain::AppAction::kSucceed, {}).ok());
  json linked =
      pf.applications.Create(vendor_, {"440400", {product}, "connected_elsewhere", std::string("440100"), ""}).value();
  ASSERT_EQ(linked["connected_application_id"], key_.application_id);
  // Recorded as a success on a report whose required cases did not all pass (one team
  // added): shown as succeeded there, not as a passing report.
  const json succeeded = pf.sandbox.Report(vendor_, linked["id"]).value();
  EXPECT_EQ(succeeded["source"]["application_id"], key_.application_id);
  EXPECT_EQ(succeeded["source"]["state"], "succeeded");
  EXPECT_FALSE(succeeded["summary"]["all_required_passed"].get<bool>());
  EXPECT_EQ(succeeded["source"]["passed"], false);
  EXPECT_NE(succeeded["source"]["note"].get<std::string>().find("必测用例未全部通过"), std::string::npos)
      << succeeded["source"]["note"];
}

// A path-2 application takes the same steps: once approved with a key of its own, its
// report shows its own joint test, with city B's verdict beside it as the proof; the
// decision keeps that, and the checklist does not turn into city B's when it is taken.
TEST_P(SandboxTest, APathTwoApplicationsOwnJointTestIsItsReport) {
  auto& pf = tp_->platform();
  AddTeam();
  ASSERT_TRUE(pf.applications.Act(reviewer_, key_.application_id, domain::AppAction::kSucceed, {}).ok());
  const json city_b = pf.sandbox.Report(vendor_, key_.application_id).value();
  const long long product = pf.applications.Get(vendor_, key_.application_id).value()["products"][0]["id"];
  const long long id =
      pf.applications
          .Create(vendor_, {"440300", {product}, "connected_elsewhere", std::string("440100"), "已在广州完成联调"})
          .value()["id"];
  const json before = pf.sandbox.Report(vendor_, id).value();
  EXPECT_EQ(before["key"]["app_id"], key_.app_id) << "no key of its own yet: city B's report";
  EXPECT_NE(before["source"]["note"].get<std::string>().find("以下为该报告"), std::string::npos)
      << before["source"]["note"];

  const auto reviewer_sz = tp_->AddUser(domain::Role::kCityReviewer, "sb_own_rev_sz", "440300");
  const auto admin = tp_->AddUser(domain::Role::kAdmin, "sb_own_admin");
  ASSERT_TRUE(pf.SetCityProfile(admin, "440300", key_.profile, "sandbox", std::nullopt).ok());
  ASSERT_TRUE(pf.applications.UploadMaterial(vendor_, id, "business_license", "l.pdf", "%PDF-1.4\nl\n").ok());
  ASSERT_TRUE(pf.applications.Act(vendor_, id, domain::AppAction::kSubmit, {}).ok());
  ASSERT_TRUE(pf.applications.Act(reviewer_sz, id, domain::AppAction::kApprove, {}).ok());
  const testing::SandboxKey own =
      testing::KeyFromClaim(id, "440300", pf.applications.ClaimKey(vendor_, id).value().body);
  testing::SandboxDriver driver(*tp_, own);
  driver.Send("Project.Query", {{"pageIndex", 0}, {"pageSize", 1}});

  const json shown = pf.sandbox.Report(reviewer_sz, id).value();
  EXPECT_EQ(shown["key"]["app_id"], own.app_id) << "its own joint test";
  EXPECT_EQ(shown["summary"]["requests"], 1);
  EXPECT_EQ(shown["source"]["application_id"], key_.application_id);
  EXPECT_EQ(shown["source"]["summary"], city_b["summary"]) << "city B's verdict, beside it";
  EXPECT_EQ(shown["source"]["own_test"], true);
  EXPECT_EQ(before["source"]["own_test"], false);
  EXPECT_EQ(shown["source"]["evidence_digest"], city_b["evidence_digest"]);
  EXPECT_NE(shown["source"]["note"].get<std::string>().find("以下为本申请在本市的联调测试报告"), std::string::npos)
      << shown["source"]["note"];
  const json checklist = pf.sandbox.Conformance(reviewer_sz, id).value();
  EXPECT_EQ(checklist["summary"], shown["summary"]);

  ASSERT_TRUE(pf.applications.Act(reviewer_sz, id, domain::AppAction::kSucceed, {}).ok());
  const json kept = pf.sandbox.Report(reviewer_sz, id).value();
  EXPECT_EQ(kept["key"]["app_id"], own.app_id);
  EXPECT_EQ(kept["evidence_digest"], shown["evidence_digest"]);
  EXPECT_EQ(pf.sandbox.Conformance(reviewer_sz, id).value()["summary"], checklist["summary"]);
  const json verified = pf.sandbox.VerifyReport(reviewer_sz, id).value();
  EXPECT_TRUE(verified["matches"]) << verified.dump();
  EXPECT_EQ(verified["key_app_id"], own.app_id);
}

// 联调成功 is decided on the report as it stands then: kept with the decision, it is the
// application's report and checklist from then on, whatever reaches the key afterwards,
// and what a later application connected through it shows.
TEST_P(SandboxTest, TheReportADecisionWasTakenOnStaysAsItWas) {
  auto& pf = tp_->platform();
  AddTeam();
  const json live = pf.sandbox.Report(vendor_, key_.application_id).value();
  EXPECT_TRUE(live["frozen_at"].is_null());
  tp_->clock().Advance(std::chrono::hours(1));
  ASSERT_TRUE(pf.applications.Act(reviewer_, key_.application_id, domain::AppAction::kSucceed, {}).ok());
  const json decided = pf.sandbox.Report(vendor_, key_.application_id).value();
  EXPECT_EQ(decided["frozen_at"], "2026-10-20T11:00:00+08:00");
  EXPECT_EQ(decided["generated_at"], "2026-10-20T11:00:00+08:00");
  EXPECT_EQ(decided["application"]["state"], "succeeded");
  EXPECT_EQ(decided["evidence_digest"], live["evidence_digest"]);
  // The device left running, signed with the now revoked key: recorded, and the
  // report and checklist stay those of the decision.
  tp_->clock().Advance(std::chrono::hours(1));
  EXPECT_EQ(driver_->Send("Team.Add", Team("钢筋班组")).error, "key_revoked");
  EXPECT_EQ(pf.sandbox.Report(vendor_, key_.application_id).value(), decided);
  const json checklist = pf.sandbox.Conformance(reviewer_, key_.application_id).value();
  EXPECT_EQ(checklist["summary"], decided["summary"]);
  EXPECT_EQ(checklist["frozen_at"], decided["frozen_at"]);
  EXPECT_EQ(pf.sandbox.Evidence(reviewer_, key_.application_id, {}).value()["total"], 3) << "still recorded";
  // An application connected through it shows the decided report.
  const json source = pf.applications.Get(vendor_, key_.application_id).value();
  const long long tested = source["products"][0]["id"];
  json linked =
      pf.applications.Create(vendor_, {"440400", {tested}, "connected_elsewhere", std::string("440100"), ""}).value();
  const json shown = pf.sandbox.Report(vendor_, linked["id"]).value();
  EXPECT_EQ(shown["evidence_digest"], decided["evidence_digest"]);
  EXPECT_EQ(shown["summary"], decided["summary"]);
  EXPECT_TRUE(shown["frozen_at"].is_null()) << "its own report is not decided yet";
  EXPECT_EQ(shown["source"]["frozen_at"], decided["frozen_at"]) << "city B's is, and says when it was kept";
  EXPECT_EQ(shown["source"]["uncovered_products"], json::array());
  // A product city B never tested is named as such, beside the report that covers the
  // other.
  const json untested = pf.applications.CreateProduct(vendor_, {"人脸闸机", "G9", "face_gate", "9"}).value();
  json other =
      pf.applications
          .Create(
              vendor_,
              {"440600", {tested, untested["id"].get<long long>()}, "connected_elsewhere", std::string("440100"), ""})
          .value();
  const json uncovered = pf.sandbox.Report(vendor_, other["id"]).value();
  EXPECT_EQ(uncovered["source"]["uncovered_products"], json::array({"人脸闸机 G9"})) << uncovered["source"].dump();
  EXPECT_NE(uncovered["source"]["note"].get<std::string>().find("人脸闸机 G9"), std::string::npos)
      << uncovered["source"]["note"];
}

// A path-2 report shows city B's kept verdict: checking it compares city B's kept report
// with city B's decision, and the verdict shown with that report.
TEST_P(SandboxTest, APathTwoReportIsCheckedAgainstCityBsDecision) {
  auto& pf = tp_->platform();
  AddTeam();
  ASSERT_TRUE(pf.applications.Act(reviewer_, key_.application_id, domain::AppAction::kSucceed, {}).ok());
  const long long tested = pf.applications.Get(vendor_, key_.application_id).value()["products"][0]["id"];
  const long long linked =
      pf.applications.Create(vendor_, {"440400", {tested}, "connected_elsewhere", std::string("440100"), ""})
          .value()["id"];
  const json shown = pf.sandbox.VerifyReport(vendor_, linked).value();
  EXPECT_TRUE(shown["matches"]) << shown.dump();
  EXPECT_FALSE(shown["kept"]);
  EXPECT_TRUE(shown["key_belongs"]);
  EXPECT_TRUE(shown["verdict_matches"]);
  EXPECT_EQ(shown["verdict_compared_with"], key_.application_id);
  EXPECT_EQ(shown["report_digest_application_id"], key_.application_id);
  EXPECT_EQ(shown["report_digest"], pf.sandbox.VerifyReport(vendor_, key_.application_id).value()["report_digest"]);

  // A downloaded copy whose verdict was changed no longer shows city B's.
  json copy = pf.sandbox.Report(vendor_, linked).value();
  copy["summary"]["required_passed"] = copy["summary"]["required"];
  auto check = [&](const json& r) {
    return tp_->db()
        .Read<services::ReportDigestCheck>(
            [&](soci::session& sql) { return services::SandboxService::CheckReportDigest(sql, r); })
        .value();
  };
  const services::ReportDigestCheck changed = check(copy);
  EXPECT_FALSE(changed.matches);
  EXPECT_TRUE(changed.evidence_matches);
  EXPECT_FALSE(changed.verdict_matches);
  EXPECT_NE(changed.Explanation().find("同一证据范围留存的报告不一致"), std::string::npos) << changed.Explanation();
  // City B's kept report changed in the database: told by city B's decision.
  Exec(
      "UPDATE decided_reports SET report = REPLACE(report, '\"title\":\"联调测试报告\"', "
      "'\"title\":\"联调测试报告（修订）\"') WHERE application_id = " +
      std::to_string(key_.application_id));
  const services::ReportDigestCheck altered = check(pf.sandbox.Report(vendor_, linked).value());
  EXPECT_FALSE(altered.matches);
  EXPECT_TRUE(altered.verdict_matches) << "the verdict is still the one the database keeps";
  EXPECT_FALSE(altered.ContentDigestMatches());
  EXPECT_NE(altered.Explanation().find("所引用的他市留存报告与记录联调结论时写入历史记录"), std::string::npos)
      << altered.Explanation();
  // City B's kept report gone from the database: said so.
  const json shown_before = pf.sandbox.Report(vendor_, linked).value();
  Exec("DELETE FROM decided_reports WHERE application_id = " + std::to_string(key_.application_id));
  const services::ReportDigestCheck gone = check(shown_before);
  EXPECT_FALSE(gone.matches);
  EXPECT_FALSE(gone.source_found);
  EXPECT_NE(gone.Explanation().find("在数据库中不存在"), std::string::npos) << gone.Explanation();
}

// A standard with one endpoint is served at that path only; elsewhere: 404, and
// nothing recorded.
TEST_P(SandboxTest, ASingleEndpointStandardAnswersAtItsPathOnly) {
  const long long before = Count("sandbox_evidence");
  const std::string body = standard::EncodeForm(driver_->Build("Team.Add", Team()));
  auto elsewhere = driver_->SendBody("CheckSign.Query", body);
  EXPECT_EQ(elsewhere.http_status, 404);
  EXPECT_EQ(elsewhere.outcome, "refused");
  EXPECT_EQ(Count("sandbox_evidence"), before);
  EXPECT_EQ(driver_->SendBody("open.api", body).outcome, "accepted");
}

TEST_P(SandboxTest, CityWithItsOwnTestEnvironmentIsNotServedHere) {
  const auto admin = tp_->AddUser(domain::Role::kAdmin, "sb_admin");
  ASSERT_TRUE(
      tp_->platform().SetCityProfile(admin, "440100", "gd-v1.3", "http://10.0.0.1/open.api", std::nullopt).ok());
  auto r = driver_->Send("Team.Add", Team());
  EXPECT_EQ(r.outcome, "refused");
  EXPECT_EQ(r.code(), "-3");
  // A key is claimed for the city's own system: no hosted test project is offered,
  // since that system knows nothing of it.
  auto claimed = tp_->platform().applications.RotateKey(vendor_, key_.application_id);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->body["endpoint"], "http://10.0.0.1/open.api");
  EXPECT_TRUE(claimed->body["sandbox"].is_null()) << claimed->body.dump();
  const json detail = tp_->platform().applications.Get(vendor_, key_.application_id).value();
  EXPECT_TRUE(detail["test_key"]["sandbox"].is_null()) << detail["test_key"].dump();
  // An unknown profile is refused when the admin sets it.
  EXPECT_FALSE(tp_->platform().SetCityProfile(admin, "440100", "no-such-profile", "sandbox", std::nullopt).ok());
  // An address that names no host, or holds a space, would be probed and recorded as
  // the city's system failing: refused when the admin sets it.
  for (const char* bad : {"http://", "http:///open.api", "http://10.0.0.1/open.api?x=1 y", "https://:8080/x",
                          "http://127.0.0.1:99999/open.api", "http://10.0.0.1:0/open.api", "http://10.0.0.1:/x",
                          "http://10.0.0.1:80a/x", "http://[::1/x", "http://[]:80/x"}) {
    auto set = tp_->platform().SetCityProfile(admin, "440100", "gd-v1.3", bad, std::nullopt);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_EQ(set.error().details["field"], "test_env") << bad;
  }
  // The history says what the city was configured with before.
  std::string before;
  tp_->db()
      .Read<Ok>([&](soci::session& sql) -> Result<Ok> {
        sql << "SELECT before_state FROM history WHERE action = 'city_configure' ORDER BY seq DESC LIMIT 1",
            soci::into(before);
        return Ok{};
      })
      .value();
  EXPECT_EQ(before, "gd-v1.3 sandbox");
  // A user name or password in it would be shown to every vendor: refused, and said why.
  auto secret =
      tp_->platform().SetCityProfile(admin, "440100", "gd-v1.3", "http://user:S3cret@10.0.0.1/open.api", std::nullopt);
  ASSERT_FALSE(secret.ok());
  EXPECT_NE(secret.error().message.find("用户名或密码"), std::string::npos) << secret.error().message;
  for (const char* good : {"http://10.0.0.1:8080/open.api", "https://[::1]:8443/api", "https://[::1]/api",
                           "http://test.example.cn/api?x=1"}) {
    EXPECT_TRUE(tp_->platform().SetCityProfile(admin, "440100", "gd-v1.3", good, std::nullopt).ok()) << good;
  }
}

TEST_P(SandboxTest, TeamUpdateRenamesTheTeamItsNumberNames) {
  const long long carpenters = AddTeam("木工班组");
  const long long rebar = AddTeam("钢筋班组");
  json update = Team("木工班组（二标段）");
  update["teamSysNo"] = carpenters;
  update["remark"] = "更名";
  const json done = Polled(driver_->Send("Team.Update", update));
  EXPECT_EQ(done["status"], 20) << done.dump();
  EXPECT_EQ(json::parse(done["result"].get<std::string>())["teamSysNo"], carpenters);
  json rows = Query("Team.Query", {{"teamSysNo", carpenters}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["teamName"], "木工班组（二标段）");
  EXPECT_EQ(rows[0]["remark"], "更名");
  EXPECT_EQ(Query("Team.Query")["totalCount"], 2) << "updated, not added";
  // The old name is free again; another team's name is that team's duplicate.
  EXPECT_EQ(Polled(driver_->Send("Team.Add", Team("木工班组")))["status"], 20);
  update["teamName"] = "钢筋班组";
  const json duplicate = Polled(driver_->Send("Team.Update", update));
  EXPECT_EQ(duplicate["status"], 10) << duplicate.dump();
  EXPECT_NE(duplicate["result"].get<std::string>().find(std::to_string(rebar)), std::string::npos) << duplicate.dump();
  // A number that is no team of this project and company is refused at once.
  update["teamSysNo"] = 999999999;
  Refused(driver_->Send("Team.Update", update), "team_exists", "-1");
}

// ProjectWorker.Update: the fields sent replace the stored ones, the others stay; the
// worker stays in its team and keeps its attendance going.
TEST_P(SandboxTest, ProjectWorkerUpdateChangesOnlyTheFieldsSent) {
  const std::string a = "11010519491231002X";
  const long long team = EnteredWorker(a, "木工班组");
  const json stored = Query("ProjectWorker.Query", {{"idCardNumber", a}})["rows"].at(0);
  json update = {{"projectCode", key_.project_code},
                 {"corpCode", key_.corp_code},
                 {"corpName", key_.corp_name},
                 {"teamSysNo", team},
                 {"teamName", "木工班组"},
                 {"workerList", {{{"idCardType", "01"}, {"idCardNumber", a}, {"cellPhone", "13900000009"}}}}};
  // A team named inside the item does not move the worker either.
  json moved = update;
  moved["workerList"][0]["teamSysNo"] = team + 1;
  const json done = Polled(driver_->Send("ProjectWorker.Update", moved));
  EXPECT_EQ(done["status"], 20) << done.dump();
  json rows = Query("ProjectWorker.Query")["rows"];
  ASSERT_EQ(rows.size(), 1u) << "updated, not added";
  EXPECT_EQ(rows[0]["cellPhone"], "13900000009");
  for (const char* kept : {"workerName", "address", "grantOrg", "workType", "teamSysNo", "corpCode"}) {
    EXPECT_EQ(rows[0][kept], stored[kept]) << kept;
  }
  EXPECT_EQ(Attend(team, {AttendanceRecord(a, "08:00:00")}).outcome, "accepted");

  // Another team of the project is not the worker's: an update does not move it.
  const long long other = AddTeam("钢筋班组");
  update["teamSysNo"] = other;
  update["teamName"] = "钢筋班组";
  Refused(driver_->Send("ProjectWorker.Update", update), "worker_in_team", "-1");
  // Nor does it register anyone.
  update["teamSysNo"] = team;
  update["workerList"][0]["idCardNumber"] = "440106198503121237";
  Refused(driver_->Send("ProjectWorker.Update", update), "worker_registered", "-1");
  EXPECT_EQ(Query("ProjectWorker.Query")["totalCount"], 1);
}

// ProjectSubContractor.Update: a company the key added takes the fields sent, the others
// kept; the key's own contractor and a company never added are unknown to it.
TEST_P(SandboxTest, ProjectSubContractorUpdateChangesOnlyTheFieldsSent) {
  const json sub = LabourSubcontractor();
  ASSERT_TRUE(sub.is_object());
  ASSERT_EQ(Polled(driver_->Send("ProjectSubContractor.Add", sub))["status"], 20);
  const json update = {{"projectCode", key_.project_code}, {"corpCode", sub["corpCode"]}, {"pmName", "王五"}};
  EXPECT_EQ(Polled(driver_->Send("ProjectSubContractor.Update", update))["status"], 20);
  json rows = Query("ProjectSubContractor.Query")["rows"];
  ASSERT_EQ(rows.size(), 1u) << "updated, not added";
  EXPECT_EQ(rows[0]["pmName"], "王五");
  EXPECT_EQ(rows[0]["corpName"], sub["corpName"]);
  EXPECT_EQ(rows[0]["pmPhone"], sub["pmPhone"]);

  for (const std::string& corp : {key_.corp_code, std::string("913311001484116584")}) {
    json other = update;
    other["corpCode"] = corp;
    Refused(driver_->Send("ProjectSubContractor.Update", other), "subcontractor_unknown", "-1");
  }
  EXPECT_EQ(Query("ProjectSubContractor.Query")["totalCount"], 1);
}

// Project.Update: a project the key added takes the fields sent, the others kept, and
// keeps its code; a new name frees the old one and may not be another project's. The
// key's provisioned project and a code never assigned are unknown to it.
TEST_P(SandboxTest, ProjectUpdateChangesOnlyTheFieldsSentAndKeepsTheCode) {
  const std::string first = AddProject("一期工程");
  const std::string second = AddProject("二期工程");
  const json update = {
      {"projectCode", first}, {"name", "一期工程（A区）"}, {"prjStatus", "004"}, {"areaCode", "440104"}};
  EXPECT_EQ(Polled(driver_->Send("Project.Update", update))["status"], 20);
  json rows = Query("Project.Query", {{"projectCode", first}})["rows"];
  ASSERT_EQ(rows.size(), 1u) << "updated, not added";
  EXPECT_EQ(rows[0]["name"], "一期工程（A区）");
  EXPECT_EQ(rows[0]["prjStatus"], "004");
  EXPECT_EQ(rows[0]["areaCode"], "440104");
  EXPECT_EQ(rows[0]["category"], "01") << "a field not sent keeps its value";
  EXPECT_EQ(Query("Project.Query", {{"projectCode", first}})["totalCount"], 1);

  // The other project's name is taken; the old name is free again.
  const json taken = {{"projectCode", first}, {"name", "二期工程"}};
  const json failed = Polled(driver_->Send("Project.Update", taken));
  EXPECT_EQ(failed["status"], 10) << failed.dump();
  EXPECT_EQ(Query("Project.Query", {{"projectCode", first}})["rows"][0]["name"], "一期工程（A区）");
  EXPECT_FALSE(AddProject("一期工程").empty()) << "the name given up may be used again";
  EXPECT_EQ(Query("Project.Query", {{"projectCode", second}})["rows"][0]["name"], "二期工程");

  for (const std::string& code : {key_.project_code, std::string("440106202403010000")}) {
    Refused(driver_->Send("Project.Update", {{"projectCode", code}, {"prjStatus", "004"}}), "project_unknown", "-1");
  }
}

// Project.PartUpdate (一项目一密钥) changes the key's own project, field by field, as
// Project.Query then answers it; its code and contractor stay the platform's, and any
// other project, one the key added included, is not the key's to change this way.
TEST_P(SandboxTest, ProjectPartUpdateChangesTheKeysOwnProjectOnly) {
  const auto own = [&] {
    json rows = Query("Project.Query", {{"projectCode", key_.project_code}})["rows"];
    EXPECT_EQ(rows.size(), 1u) << rows.dump();
    return rows.empty() ? json::object() : rows[0];
  };
  EXPECT_EQ(own()["name"], "联调测试项目");
  EXPECT_EQ(Polled(driver_->Send("Project.PartUpdate", {{"projectCode", key_.project_code},
                                                        {"prjStatus", "004"},
                                                        {"linkman", "李四"},
                                                        {"contractorCorpCode", "91350200MA2YJ1XR9G"}}))["status"],
            20);
  EXPECT_EQ(
      Polled(driver_->Send("Project.PartUpdate", {{"projectCode", key_.project_code}, {"linkman", "王五"}}))["status"],
      20);
  const json row = own();
  EXPECT_EQ(row["prjStatus"], "004") << "a field not sent again keeps its value";
  EXPECT_EQ(row["linkman"], "王五");
  EXPECT_EQ(row["name"], "联调测试项目");
  EXPECT_EQ(row["projectCode"], key_.project_code);
  EXPECT_EQ(row["contractorCorpCode"], key_.corp_code) << "the contractor stays the platform's";

  const std::string added = AddProject("一期工程");
  for (const std::string& code : {added, std::string("440106202403010000")}) {
    Refused(driver_->Send("Project.PartUpdate", {{"projectCode", code}, {"prjStatus", "004"}}), "project_unknown",
            "-1");
  }
  EXPECT_EQ(Query("Project.Query", {{"projectCode", added}})["rows"][0].value("prjStatus", ""), "003");

  // The key's projects share one name space: its own project's name is taken for
  // Project.Add and for an added project's rename, an added project's for its own.
  const auto status = [&](const std::string& method, const json& data) {
    const json polled = Polled(driver_->Send(method, data));
    if (polled["status"] == 10) {
      EXPECT_NE(polled["result"].get<std::string>().find("联调测试项目"), std::string::npos)
          << method << " names the duplicate: " << polled.dump();
    }
    return polled["status"];
  };
  json same_name = {{"contractorCorpCode", key_.corp_code},
                    {"contractorCorpName", key_.corp_name},
                    {"name", "联调测试项目"},
                    {"category", "01"},
                    {"areaCode", "440106"},
                    {"prjStatus", "003"}};
  EXPECT_EQ(status("Project.Add", same_name), 10) << "the key's own project has that name";
  EXPECT_EQ(status("Project.Update", {{"projectCode", added}, {"name", "联调测试项目"}}), 10);
  EXPECT_EQ(
      Polled(driver_->Send("Project.PartUpdate", {{"projectCode", key_.project_code}, {"name", "一期工程"}}))["status"],
      10);
  EXPECT_EQ(own()["name"], "联调测试项目") << "a refused rename changes nothing";
  EXPECT_EQ(status("Project.PartUpdate", {{"projectCode", key_.project_code}, {"name", "联调测试项目"}}), 20)
      << "its own name again is no duplicate";
  EXPECT_EQ(status("Project.PartUpdate", {{"projectCode", key_.project_code}, {"name", "联调测试项目（主体）"}}), 20);
  EXPECT_EQ(own()["name"], "联调测试项目（主体）");
  EXPECT_FALSE(AddProject("联调测试项目").empty()) << "the name given up may be used again";
}

// Corp.Upload keeps one record a company: uploading it again replaces what was stored.
// Corp.Query lists the records beside the key's contractor, whose own upload takes the
// place of the platform's record. An uploaded company is not one of the project's.
TEST_P(SandboxTest, CorpUploadKeepsOneRecordACompanyListedByCorpQuery) {
  const auto rows_of = [&](const json& filters) {
    json data = {{"pageIndex", 0}, {"pageSize", 10}};
    data.update(filters);
    return Query("Corp.Query", data);
  };
  json before = rows_of(json::object());
  ASSERT_EQ(before["totalCount"], 1);
  EXPECT_EQ(before["rows"][0]["corpCode"], key_.corp_code);

  json corp = {{"corpCode", "91350200MA2YJ1XR9G"},
               {"corpName", "示例劳务有限公司"},
               {"areaCode", "440106"},
               {"linkPhone", "13800000003"}};
  EXPECT_EQ(Polled(driver_->Send("Corp.Upload", corp))["status"], 20);
  corp["linkPhone"] = "13800000009";
  corp.erase("corpName");
  Refused(driver_->Send("Corp.Upload", corp), "required", "-1");
  corp["corpName"] = "示例劳务有限公司（更名）";
  EXPECT_EQ(Polled(driver_->Send("Corp.Upload", corp))["status"], 20) << "uploaded again, not a duplicate";
  json rows = rows_of({{"corpCode", "91350200MA2YJ1XR9G"}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["corpName"], "示例劳务有限公司（更名）");
  EXPECT_EQ(rows[0]["linkPhone"], "13800000009");
  EXPECT_EQ(rows_of(json::object())["totalCount"], 2);

  // The key's contractor, uploaded, is listed once, as uploaded.
  const json own = {
      {"corpCode", key_.corp_code}, {"corpName", key_.corp_name}, {"areaCode", "440106"}, {"legalMan", "张三"}};
  EXPECT_EQ(Polled(driver_->Send("Corp.Upload", own))["status"], 20);
  rows = rows_of({{"corpCode", key_.corp_code}})["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["legalMan"], "张三");
  EXPECT_EQ(rows_of(json::object())["totalCount"], 2);

  // Not one of the project's companies.
  EXPECT_EQ(Query("ProjectSubContractor.Query")["totalCount"], 0);
}

INSTANTIATE_TEST_SUITE_P(Databases, SandboxTest, ::testing::ValuesIn(testing::TestDatabaseKinds()));

}  // namespace
}  // namespace liantiao
