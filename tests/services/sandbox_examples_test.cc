// Every example beside every profile's method files (spec/profiles/*/examples) run
// through the whole sandbox pipeline: each valid one is accepted (and its async
// result succeeds), each invalid one is refused with the catalogue entry it names.
// gd-v1.3 and gz-md5-des inherit national-1.0's examples, so the same traffic is
// judged under a second signature and cipher family and with synchronous answers.
#include <gtest/gtest.h>

#include "standard/tokens.h"
#include "testing/app/sandbox_driver.h"
#include "testing/test_database.h"

namespace liantiao {
namespace {

using nlohmann::json;
using testing::SandboxDriver;
using testing::TestPlatform;

class ExampleRunner {
 public:
  ExampleRunner(TestPlatform& tp, SandboxDriver& d) : tp_(tp), d_(d) {
    vars_ = standard::ExampleTokens({d.key().project_code, d.key().corp_code, d.key().corp_name}, tp.clock().Now());
  }

  // Sends; for an async answer polls once and returns the async data.
  struct Outcome {
    SandboxDriver::Reply reply;
    json async;  // {status, result} or null
  };
  Outcome Run(const std::string& method, const json& data) {
    Outcome o{d_.Send(method, standard::FillTokens(data, vars_)), nullptr};
    const auto& p = d_.profile();
    if (o.reply.outcome == "accepted" && o.reply.data().is_object() && o.reply.data().contains(p.serial_field)) {
      const std::string serial = o.reply.data()[p.serial_field];
      vars_["serial"] = serial;
      o.async = d_.Poll(serial).data();
    }
    // Remember what the platform assigned, for ${teamSysNo} and ${addedProjectCode} in
    // later requests.
    json assigned = o.reply.data();
    if (o.async.is_object() && o.async["result"].is_string()) {
      assigned = json::parse(o.async["result"].get<std::string>(), nullptr, false);
    }
    standard::NoteAssigned(method, assigned, d_.codec(), vars_);
    return o;
  }

  void Check(const standard::Example& ex) {
    SCOPED_TRACE(ex.method + "/" + ex.name + ": " + ex.body.value("description", ""));
    const auto& p = d_.profile();
    for (const auto& g : ex.body.value("given", json::array())) {
      Outcome o = Run(g["method"], g["data"]);
      ASSERT_EQ(o.reply.outcome, "accepted") << "given " << g["method"] << ": " << o.reply.body.dump();
      if (!o.async.is_null()) {
        ASSERT_EQ(o.async["status"], p.status_succeeded) << o.async.dump();
      }
    }
    const json& expect = ex.body["expect"];
    Outcome o = Run(ex.method, ex.body["data"]);
    if (expect.value("accepted", false)) {
      EXPECT_EQ(o.reply.outcome, "accepted") << o.reply.body.dump();
      EXPECT_EQ(o.reply.code(), p.Error("success").code);
      if (!o.async.is_null()) {
        EXPECT_EQ(o.async["status"], p.status_succeeded) << o.async.dump();
      }
      // A query's example may say how many rows its filters leave.
      if (expect.contains("totalCount")) {
        EXPECT_EQ(o.reply.data()["totalCount"], expect["totalCount"]) << o.reply.body.dump();
      }
      return;
    }
    const std::string error = expect["error"];
    EXPECT_EQ(o.reply.error, error) << o.reply.body.dump();
    if (expect.value("async", false) && p.FindMethod(ex.method)->async) {
      EXPECT_EQ(o.reply.outcome, "accepted") << o.reply.body.dump();
      EXPECT_EQ(o.async["status"], p.status_failed) << o.async.dump();
      return;
    }
    EXPECT_EQ(o.reply.outcome, "refused") << o.reply.body.dump();
    EXPECT_EQ(o.reply.code(), p.Error(error).code) << o.reply.body.dump();
    if (p.name == "national-1.0" && expect.contains("code")) {
      EXPECT_EQ(o.reply.code(), expect["code"]);
    }
    if (p.name == "national-1.0" && expect.contains("message")) {
      EXPECT_EQ(o.reply.body[p.message_field], expect["message"]) << o.reply.body.dump();
    }
    if (expect.contains("path")) {
      EXPECT_EQ(o.reply.path, expect["path"]) << o.reply.body.dump();
    }
  }

 private:
  TestPlatform& tp_;
  SandboxDriver& d_;
  std::map<std::string, json> vars_;
};

class SandboxExamplesTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(SandboxExamplesTest, EveryExampleOfTheProfile) {
  const auto& [kind, profile] = GetParam();
  auto start = ParseInstant("2026-10-20T10:00:00+08:00");
  auto tp = TestPlatform::Create(kind, *start, /*serve_http=*/false);
  ASSERT_NE(tp, nullptr);
  const auto vendor = tp->AddVendor("ex_vendor");
  const auto reviewer = tp->AddUser(domain::Role::kCityReviewer, "ex_reviewer", "440100");
  testing::SandboxKey key = testing::StartJointTest(*tp, vendor, reviewer, "440100", profile);
  const standard::Profile* p = tp->platform().deps.profiles->Find(profile);
  ASSERT_NE(p, nullptr);
  ASSERT_GE(p->examples.size(), 40u);
  int valid = 0, invalid = 0;
  for (const auto& ex : p->examples) {
    // A profile that answers everything at once has no async results to query.
    if (!p->async_enabled && ex.method == p->async_query_method) continue;
    // Each example gets a fresh key, so its store holds only its own `given` data.
    auto rotated = tp->platform().applications.RotateKey(vendor, key.application_id);
    ASSERT_TRUE(rotated.ok());
    key.app_id = rotated->body["app_id"];
    key.secret = rotated->body["secret"];
    key.project_code = rotated->body["sandbox"]["project_code"];
    key.corp_code = rotated->body["sandbox"]["corp_code"];
    SandboxDriver driver(*tp, key);
    ExampleRunner runner(*tp, driver);
    runner.Check(ex);
    (ex.name.rfind("valid", 0) == 0 ? valid : invalid)++;
  }
  EXPECT_GT(valid, 10);
  EXPECT_GT(invalid, 30);
}

INSTANTIATE_TEST_SUITE_P(Profiles, SandboxExamplesTest,
                         ::testing::Combine(::testing::ValuesIn(testing::TestDatabaseKinds()),
                                            ::testing::Values("national-1.0", "gd-v1.3", "gz-md5-des", "mz-json-md5")),
                         [](const auto& param_info) { return testing::DatabaseAndProfileName(param_info.param); });

}  // namespace
}  // namespace liantiao
