// The device simulator against the hosted sandbox over HTTP, for every shipped
// profile on SQLite and PostgreSQL: the full sequence reaches every required case,
// deliberate mistakes are refused and corrected, injected faults are retried without
// duplicates, and the joint-test report comes out as JSON and as a PDF whose text
// pdftotext can read.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "app/device.h"
#include "standard/request.h"
#include "testing/app/sandbox_driver.h"
#include "testing/http_client.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

using nlohmann::json;
using testing::TestPlatform;

class DeviceTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  void SetUp() override {
    const auto& [kind, profile] = GetParam();
    tp_ = TestPlatform::Create(kind, ParseInstant("2026-10-20T10:00:00+08:00").value());
    ASSERT_NE(tp_, nullptr);
    vendor_ = tp_->AddVendor("dev_vendor");
    reviewer_ = tp_->AddUser(domain::Role::kCityReviewer, "dev_reviewer", "440100");
    key_ = testing::StartJointTest(*tp_, vendor_, reviewer_, "440100", profile);
  }

  app::DeviceOptions Options(bool mistakes = false) {
    app::DeviceOptions o;
    o.profile = tp_->platform().deps.profiles->Find(key_.profile);
    o.endpoint = key_.endpoint;
    o.app_id = key_.app_id;
    o.secret = key_.secret;
    o.mistakes = mistakes;
    o.quiet = true;
    o.clock = &tp_->clock();
    // Waiting is moving the test clock: no sleeps.
    o.wait = [this](std::chrono::milliseconds d) {
      tp_->clock().Advance(std::chrono::duration_cast<std::chrono::seconds>(d) + std::chrono::seconds(1));
    };
    return o;
  }

  json Checklist() {
    auto c = tp_->platform().sandbox.Conformance(vendor_, key_.application_id);
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : json();
  }

  static std::string Status(const json& checklist, const std::string& id) {
    for (const auto& c : checklist["cases"]) {
      if (c["id"] == id) return c["status"];
    }
    return "missing";
  }

  std::unique_ptr<TestPlatform> tp_;
  services::Principal vendor_, reviewer_;
  testing::SandboxKey key_;
};

TEST_P(DeviceTest, FullSequenceReachesEveryRequiredCase) {
  std::ostringstream out;
  EXPECT_EQ(Status(Checklist(), "team_add_async"), "pending");
  auto report = app::RunDevice(Options(), out);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok());
  EXPECT_GT(report->accepted, 10);
  json checklist = Checklist();
  EXPECT_TRUE(checklist["summary"]["all_required_passed"].get<bool>()) << checklist.dump(1);
  for (const auto& c : checklist["cases"]) {
    if (c["required"].get<bool>() && c["scenario"].is_null()) {
      EXPECT_EQ(c["status"], "pass") << c.dump();
      EXPECT_FALSE(c["evidence_ids"].empty()) << c.dump();
    }
    // A fault scenario that was never switched on does not apply.
    if (!c["scenario"].is_null()) {
      EXPECT_EQ(c["status"], "pending") << c.dump();
    }
  }
  EXPECT_EQ(Status(checklist, "no_duplicates"), "pass");
  // The optional cases of what the sequence sends pass too (gz-md5-des lists only the
  // required ones).
  if (std::get<1>(GetParam()) != "gz-md5-des") {
    EXPECT_EQ(Status(checklist, "contract"), "pass");
    EXPECT_EQ(Status(checklist, "training"), "pass");
    EXPECT_EQ(Status(checklist, "worker_update"), "pass");
  }

  // The evidence: every exchange, personal numbers masked, newest first.
  auto ev = tp_->platform().sandbox.Evidence(reviewer_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ((*ev)["total"], report->exchanges.size());
  const std::string dump = ev->dump();
  EXPECT_EQ(dump.find(key_.secret), std::string::npos);
  EXPECT_EQ(dump.find("iVBORw0KGgo"), std::string::npos) << "photos are summarised, not kept";
  EXPECT_NE(dump.find("440106********"), std::string::npos) << "ID numbers appear masked";
  // Latency is measured from the request's arrival at the HTTP layer.
  double slowest = 0;
  for (const auto& e : (*ev)["items"]) slowest = std::max(slowest, e["latency_ms"].get<double>());
  EXPECT_GT(slowest, 0.0);
}

// Whole UTF-8 characters only: the printed exchanges are cut short, never mid-character.
bool ValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// The simulator run again on the same key sends new records: it succeeds again, and
// the checklist finds no duplicate.
TEST_P(DeviceTest, ASecondRunOnTheSameKeyIsNoDuplicate) {
  std::ostringstream out;
  ASSERT_TRUE(app::RunDevice(Options(), out).ok());
  auto again = app::RunDevice(Options(), out);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->ok());
  const json checklist = Checklist();
  EXPECT_EQ(Status(checklist, "no_duplicates"), "pass") << checklist.dump(1);
  EXPECT_TRUE(checklist["summary"]["all_required_passed"].get<bool>());
}

TEST_P(DeviceTest, MistakesAreRefusedThenCorrected) {
  std::ostringstream out;
  app::DeviceOptions options = Options(/*mistakes=*/true);
  options.quiet = false;  // print every exchange, as the command line does
  auto report = app::RunDevice(options, out);
  EXPECT_NE(out.str().find("→ Team.Add（有意出错）"), std::string::npos);
  EXPECT_NE(out.str().find("签名"), std::string::npos);  // the profile's signature refusal
  EXPECT_TRUE(ValidUtf8(out.str()));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->ok());
  EXPECT_GE(report->refused, 3);
  json checklist = Checklist();
  EXPECT_EQ(Status(checklist, "corrected"), "pass");
  EXPECT_TRUE(checklist["summary"]["all_required_passed"].get<bool>());
  services::EvidenceQuery q;
  q.outcome = "refused";
  auto refused = tp_->platform().sandbox.Evidence(vendor_, key_.application_id, q);
  ASSERT_TRUE(refused.ok());
  std::set<std::string> rules;
  for (const auto& e : (*refused)["items"]) rules.insert(e["rule"]);
  EXPECT_TRUE(rules.contains("bad_signature"));
  EXPECT_TRUE(rules.contains("required"));
  EXPECT_TRUE(rules.contains("id_number"));
  // The checklist's failures are the delay problem list: none once corrected.
  EXPECT_TRUE(checklist["failures"].empty()) << checklist["failures"].dump();
}

TEST_P(DeviceTest, FaultsAreRetriedWithoutDuplicates) {
  const auto& profile = *tp_->platform().deps.profiles->Find(key_.profile);
  json scenarios = {{"rate_limit_once", true}, {"server_error_once", true}};
  if (profile.async_enabled) scenarios["delay_async"] = true;
  ASSERT_TRUE(tp_->platform().sandbox.SetFaults(reviewer_, key_.application_id, scenarios).ok());
  EXPECT_EQ(tp_->platform().sandbox.SetFaults(vendor_, key_.application_id, scenarios).error().code,
            ErrorCode::kForbidden);
  std::ostringstream out;
  auto report = app::RunDevice(Options(), out);
  ASSERT_TRUE(report.ok()) << report.error().message;
  json checklist = Checklist();
  EXPECT_EQ(Status(checklist, "retry_rate_limit"), "pass") << checklist.dump(1);
  EXPECT_EQ(Status(checklist, "retry_server_error"), "pass");
  if (profile.async_enabled) {
    EXPECT_EQ(Status(checklist, "async_delay"), "pass");
  }
  EXPECT_EQ(Status(checklist, "no_duplicates"), "pass");
  EXPECT_TRUE(checklist["summary"]["all_required_passed"].get<bool>()) << checklist["summary"].dump();
  auto faults = tp_->platform().sandbox.Faults(reviewer_, key_.application_id);
  EXPECT_FALSE((*faults)["scenarios"]["rate_limit_once"]["armed"].get<bool>()) << "one-off faults fire once";
}

TEST_P(DeviceTest, ReportAsJsonAndPdf) {
  std::ostringstream out;
  ASSERT_TRUE(app::RunDevice(Options(), out).ok());
  testing::HttpClient client(tp_->port());
  ASSERT_FALSE(client.Login("dev_reviewer", testing::kTestPassword).empty());
  auto report = client.Get("/api/v1/applications/" + std::to_string(key_.application_id) + "/report.json");
  ASSERT_EQ(report.status, 200) << report.body;
  const json r = report.json();
  EXPECT_EQ(r["title"], "联调测试报告");
  EXPECT_EQ(r["profile"]["name"], key_.profile);
  EXPECT_EQ(r["key"]["app_id"], key_.app_id);
  ASSERT_FALSE(r["products"].empty());
  for (const auto& product : r["products"]) {
    EXPECT_FALSE(product["kind_name"].get<std::string>().empty()) << product.dump();
    EXPECT_NE(product["kind_name"], product["kind"]) << "a Chinese name, not the code";
  }
  EXPECT_TRUE(r["summary"]["all_required_passed"].get<bool>());
  EXPECT_EQ(r["evidence_digest"].get<std::string>().rfind("sha256:", 0), 0u);
  // The digest covers the evidence: a new request changes it.
  testing::SandboxDriver driver(*tp_, key_);
  driver.Send("Project.Query", {{"pageIndex", 0}, {"pageSize", 1}});
  auto again = client.Get("/api/v1/applications/" + std::to_string(key_.application_id) + "/report.json");
  EXPECT_NE(again.json()["evidence_digest"], r["evidence_digest"]);

  auto pdf = client.Get("/api/v1/applications/" + std::to_string(key_.application_id) + "/report.pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  // Named as the JSON download is: 联调测试报告-<id>.pdf, in RFC 5987 encoding.
  EXPECT_NE(pdf.header("content-disposition")
                .find("filename*=UTF-8''%E8%81%94%E8%B0%83%E6%B5%8B%E8%AF%95%E6%8A%A5%E5%91%8A-" +
                      std::to_string(key_.application_id) + ".pdf"),
            std::string::npos)
      << pdf.header("content-disposition");
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  // The PDF's text as pdftotext reads it, without the spaces of its layout. The process
  // id keeps the SQLite and PostgreSQL runs of this test, which ctest may run at the same
  // time with the same application id, off each other's file.
  const auto pdf_text = [&](const std::string& body) {
    const std::string path = ::testing::TempDir() + "/report_" + std::to_string(key_.application_id) + "_" +
                             std::to_string(getpid()) + ".pdf";
    std::ofstream(path, std::ios::binary) << body;
    FILE* p = popen(("pdftotext -layout " + path + " - 2>&1").c_str(), "r");
    std::string text;
    if (p == nullptr) return text;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
    const int status = pclose(p);
    std::remove(path.c_str());
    EXPECT_EQ(status, 0) << "pdftotext failed (scripts/bootstrap installs poppler-utils): " << text;
    std::string compact;
    for (char c : text) {
      if (c != ' ') compact += c;
    }
    return compact;
  };
  const std::string compact = pdf_text(pdf.body);
  const std::string& text = compact;
  EXPECT_NE(compact.find("联调测试报告"), std::string::npos) << text;
  EXPECT_NE(compact.find("通过"), std::string::npos);
  EXPECT_NE(compact.find(key_.app_id), std::string::npos);
  EXPECT_NE(compact.find("班组"), std::string::npos);

  // 联调成功 carries the report it was decided on.
  auto succeed =
      client.Post("/api/v1/applications/" + std::to_string(key_.application_id) + "/actions/succeed", json::object());
  ASSERT_EQ(succeed.status, 200) << succeed.body;
  EXPECT_EQ(succeed.json()["state"], "succeeded");
  EXPECT_TRUE(succeed.json()["report"]["summary"]["all_required_passed"].get<bool>());
  // Its PDF names the digest of the kept report that the decision's history entry recorded.
  const json verification =
      client.Get("/api/v1/applications/" + std::to_string(key_.application_id) + "/report/verification").json();
  ASSERT_TRUE(verification["report_digest_recorded"].is_string()) << verification.dump();
  const std::string kept_pdf =
      pdf_text(client.Get("/api/v1/applications/" + std::to_string(key_.application_id) + "/report.pdf").body);
  EXPECT_NE(kept_pdf.find("报告内容摘要"), std::string::npos) << kept_pdf;
  EXPECT_NE(kept_pdf.find(verification["report_digest_recorded"].get<std::string>().substr(0, 40)), std::string::npos)
      << kept_pdf;
  // A passing report: shown as such to a city the vendor applies to as connected here.
  auto& pf = tp_->platform();
  const long long product = pf.applications.Get(vendor_, key_.application_id).value()["products"][0]["id"];
  const json elsewhere =
      pf.applications.Create(vendor_, {"440300", {product}, "connected_elsewhere", std::string("440100"), ""}).value();
  const json shown = pf.sandbox.Report(vendor_, elsewhere["id"]).value();
  EXPECT_EQ(shown["source"]["application_id"], key_.application_id);
  EXPECT_EQ(shown["source"]["passed"], true) << shown["source"].dump();
  EXPECT_NE(shown["source"]["note"].get<std::string>().find("联调成功，以下为该市的联调测试报告"), std::string::npos)
      << shown["source"]["note"];

  // Another vendor cannot read it.
  auto other = tp_->AddVendor("dev_other");
  testing::HttpClient stranger(tp_->port());
  ASSERT_FALSE(stranger.Login("dev_other", testing::kTestPassword).empty());
  EXPECT_EQ(stranger.Get("/api/v1/applications/" + std::to_string(key_.application_id) + "/report.pdf").status, 404);
}

// Guangzhou's standard takes GET as well as POST: the signed form as the query string
// is the same request. The others take POST only, and answer a GET 405, recording nothing.
TEST_P(DeviceTest, AGetIsServedWhereTheStandardTakesIt) {
  testing::SandboxDriver driver(*tp_, key_);
  const standard::Profile& p = driver.profile();
  const std::string method = "Project.Query";
  const std::string query = standard::EncodeForm(driver.Build(method, {{"pageIndex", 0}, {"pageSize", 10}}));
  testing::HttpClient client(tp_->port());
  const auto code_of = [&](const testing::HttpResponse& r) {
    const json c = r.json()[p.code_field];
    return c.is_string() ? c.get<std::string>() : c.dump();
  };
  auto got = client.Get("/sandbox/440100/" + standard::EndpointFor(p, method) + "?" + query);
  auto ev = tp_->platform().sandbox.Evidence(vendor_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  if (p.accepts_get) {
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(code_of(got), p.Error("success").code) << got.body;
    ASSERT_EQ((*ev)["total"], 1) << ev->dump();
    EXPECT_EQ((*ev)["items"][0]["outcome"], "accepted");
    const json tags = (*ev)["items"][0]["tags"];
    EXPECT_NE(std::find(tags.begin(), tags.end(), "via_get"), tags.end()) << tags.dump();
    // The same signed form again is a replay, as it would be as a POST.
    auto again = client.Get("/sandbox/440100/" + standard::EndpointFor(p, method) + "?" + query);
    EXPECT_EQ(code_of(again), p.Error("nonce_replayed").code) << again.body;
  } else {
    EXPECT_EQ(got.status, 405) << got.body;
    EXPECT_EQ(got.header("allow"), "POST");
    EXPECT_EQ(code_of(got), p.Error("malformed_form").code) << got.body;
    EXPECT_EQ((*ev)["total"], 0) << ev->dump();
  }
}

// What the standard does not take is refused in its own envelope, not in the platform
// API's: PUT and DELETE (405, nothing recorded), and a multipart body, which is not the
// form the standard defines (its code for a missing or malformed parameter).
TEST_P(DeviceTest, WhatTheStandardDoesNotTakeIsRefusedInItsEnvelope) {
  testing::SandboxDriver driver(*tp_, key_);
  const standard::Profile& p = driver.profile();
  const std::string path = "/sandbox/440100/" + standard::EndpointFor(p, "Team.Add");
  testing::HttpClient client(tp_->port());
  const auto code_of = [&](const testing::HttpResponse& r) {
    const json body = r.json();
    if (!body.contains(p.code_field)) return std::string("<no ") + p.code_field + ">";
    const json c = body[p.code_field];
    return c.is_string() ? c.get<std::string>() : c.dump();
  };
  for (const char* method : {"PUT", "DELETE"}) {
    auto r = client.Send(method, path, "", "application/x-www-form-urlencoded");
    EXPECT_EQ(r.status, 405) << method << " " << r.body;
    EXPECT_EQ(r.header("allow"), p.accepts_get ? "POST, GET" : "POST") << method;
    EXPECT_EQ(code_of(r), p.Error("malformed_form").code) << r.body;
    EXPECT_NE(r.body.find(std::string("请求方式不支持：") + method), std::string::npos) << r.body;
  }
  const std::string form = standard::EncodeForm(driver.Build("Team.Add", {{"teamName", "钢筋班组"}}));
  auto multipart = client.Send(
      "POST", path, "--zz\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n" + form + "\r\n--zz--\r\n",
      "multipart/form-data; boundary=zz");
  EXPECT_EQ(multipart.status, 200) << multipart.body;
  const std::string code = code_of(multipart);
  EXPECT_TRUE(code == p.Error("missing_param").code || code == p.Error("malformed_form").code) << multipart.body;
  EXPECT_FALSE(multipart.json().contains("error")) << "not the platform API's error shape: " << multipart.body;
  auto ev = tp_->platform().sandbox.Evidence(vendor_, key_.application_id, {});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ((*ev)["total"], 0) << "no key named by any of them: " << ev->dump();
}

// `device --send`: a shipped example's data, placeholders filled from CheckSign.Query
// and the clock, sent and its result polled; the same team again is the duplicate the
// sandbox says it is; a placeholder it cannot fill is told before anything is sent.
TEST_P(DeviceTest, SendOneSendsTheVendorsOwnRequest) {
  const standard::Profile& profile = *tp_->platform().deps.profiles->Find(key_.profile);
  json team;
  for (const auto& e : profile.examples) {
    if (e.method == "Team.Add" && e.name == "valid-team") team = e.body["data"];
  }
  ASSERT_TRUE(team.is_object());
  ASSERT_NE(team.dump().find("${projectCode}"), std::string::npos) << "the example names the key's project";
  std::ostringstream out;
  app::DeviceOptions options = Options();
  options.quiet = false;
  auto sent = app::SendOne(options, "Team.Add", {team}, out);
  ASSERT_TRUE(sent.ok()) << sent.error().message << "\n" << out.str();
  EXPECT_EQ(sent->unexpected, 0);
  EXPECT_NE(out.str().find("→ CheckSign.Query"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(key_.project_code), std::string::npos) << "the placeholder filled: " << out.str();
  if (profile.async_enabled) {
    EXPECT_NE(out.str().find("← " + profile.async_query_method), std::string::npos) << out.str();
  }

  std::ostringstream again_out;
  auto again = app::SendOne(options, "Team.Add", {team}, again_out);
  ASSERT_FALSE(again.ok()) << again_out.str();
  EXPECT_NE(again_out.str().find("班组"), std::string::npos)
      << "the duplicate, as the sandbox told it: " << again_out.str();

  json worker = {{"projectCode", "${projectCode}"},
                 {"teamSysNo", "${teamSysNo}"},
                 {"workerList", {{{"isTeamLeader", 0}, {"workRole", 20}, {"hasBuyInsurance", true}}}}};
  auto unfilled = app::SendOne(Options(), "ProjectWorker.Add", {worker}, out);
  ASSERT_FALSE(unfilled.ok());
  EXPECT_NE(unfilled.error().message.find("${teamSysNo}"), std::string::npos) << unfilled.error().message;
}

// A shipped example sent as it is: its given requests first (a team, a worker with a
// photo), the teamSysNo the team got filled in, then the query it is an example of.
TEST_P(DeviceTest, SendOneRunsAShippedExampleWithTheRequestsItAssumes) {
  const standard::Profile& profile = *tp_->platform().deps.profiles->Find(key_.profile);
  const standard::Example* example = nullptr;
  for (const auto& e : profile.examples) {
    if (e.method == "Worker.Query" && e.name == "valid-registered") example = &e;
  }
  ASSERT_NE(example, nullptr);
  auto request = app::DeviceData(example->body.dump());
  ASSERT_TRUE(request.ok()) << request.error().message;
  ASSERT_EQ(request->given.size(), 2u);
  ASSERT_NE(request->given.dump().find("${teamSysNo}"), std::string::npos);
  ASSERT_NE(request->given.dump().find("${image_png}"), std::string::npos);
  std::ostringstream out;
  auto sent = app::SendOne(Options(), "Worker.Query", *request, out);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  ASSERT_FALSE(sent->exchanges.empty());
  const auto& last = sent->exchanges.back();
  EXPECT_EQ(last.method, "Worker.Query");
  EXPECT_EQ(last.answer[profile.data_field]["totalCount"], 1) << last.answer.dump();
}

// What a given request was assigned fills the example's tokens: the project code a
// Project.Add gave (${addedProjectCode}) and the serial code of the last asynchronous
// write (${serial}).
TEST_P(DeviceTest, SendOneFillsWhatTheGivenRequestsWereAssigned) {
  const standard::Profile& profile = *tp_->platform().deps.profiles->Find(key_.profile);
  std::vector<std::pair<std::string, std::string>> runs = {{"Project.Update", "valid-renamed"}};
  if (profile.FindMethod(profile.async_query_method) && profile.FindMethod("Team.Add")->async) {
    runs.emplace_back(profile.async_query_method, "valid-team-add");
  }
  for (const auto& [method, name] : runs) {
    SCOPED_TRACE(method + "/" + name);
    const standard::Example* example = nullptr;
    for (const auto& e : profile.examples) {
      if (e.method == method && e.name == name) example = &e;
    }
    ASSERT_NE(example, nullptr);
    auto request = app::DeviceData(example->body.dump());
    ASSERT_TRUE(request.ok()) << request.error().message;
    std::ostringstream out;
    auto sent = app::SendOne(Options(), method, *request, out);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_TRUE(sent->ok());
    // The example's own request, its tokens filled (a write's polls come after it).
    auto own = std::find_if(sent->exchanges.rbegin(), sent->exchanges.rend(),
                            [&](const app::DeviceExchange& x) { return x.method == method; });
    ASSERT_NE(own, sent->exchanges.rend());
    EXPECT_TRUE(own->accepted) << own->answer.dump();
    EXPECT_EQ(own->request_data.dump().find("${"), std::string::npos) << own->request_data.dump();
    if (method == profile.async_query_method) {
      EXPECT_EQ(own->answer[profile.data_field]["status"], profile.status_succeeded) << own->answer.dump();
    }
  }
}

// A token nothing fills is refused before anything is sent, naming the token and what
// can be filled.
TEST_P(DeviceTest, SendOneRefusesATokenNothingFillsBeforeSending) {
  app::DeviceOptions o = Options();
  o.quiet = false;  // every exchange would be printed
  std::ostringstream out;
  auto sent = app::SendOne(o, "Team.Add", {{{"teamName", "${today}-${nope}"}}, json::array()}, out);
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.error().message.find("data 中的 ${nope} 没有可代入的值"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find("${today}"), std::string::npos) << sent.error().message;
  EXPECT_EQ(out.str(), "") << "nothing sent";
}

TEST(DeviceData, AnExampleFileGivesItsDataAndGivenAndAnythingElseMustBeAnObject) {
  auto example = app::DeviceData(
      R"({"description": "x", "given": [{"method": "Team.Add", "data": {}}], "data": {"a": 1}, "expect": {}})");
  ASSERT_TRUE(example.ok());
  EXPECT_EQ(example->data, json({{"a", 1}}));
  EXPECT_EQ(example->given.size(), 1u);
  auto plain = app::DeviceData(R"({"data": "kept", "b": 2})");
  ASSERT_TRUE(plain.ok()) << "no `expect`: the data itself";
  EXPECT_EQ(plain->data["b"], 2);
  EXPECT_TRUE(plain->given.empty());
  EXPECT_FALSE(app::DeviceData("{").ok());
  EXPECT_FALSE(app::DeviceData("[1, 2]").ok());
  EXPECT_FALSE(app::DeviceData(R"({"data": [1], "expect": {}})").ok());
  EXPECT_FALSE(app::DeviceData(R"({"data": {}, "given": {}, "expect": {}})").ok());
}

INSTANTIATE_TEST_SUITE_P(Profiles, DeviceTest,
                         ::testing::Combine(::testing::ValuesIn(testing::TestDatabaseKinds()),
                                            ::testing::Values("national-1.0", "gd-v1.3", "gz-md5-des", "mz-json-md5")),
                         [](const auto& param_info) { return testing::DatabaseAndProfileName(param_info.param); });

}  // namespace
}  // namespace liantiao
