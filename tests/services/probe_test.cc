// Probes of a city's own test environment (ProbeService) against a fake city system
// on 127.0.0.1: an HTTP server that checks the signature with the key's secret and
// answers in the profile's envelope. Runs on SQLite and (with LIANTIAO_TEST_PG)
// PostgreSQL, through the real poster the app layer installs (libcurl), over http and
// https.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/http_poster.h"
#include "http/server.h"
#include "standard/wire.h"
#include "storage/row.h"
#include "testing/app/sandbox_driver.h"
#include "testing/app/test_platform.h"
#include "testing/must.h"
#include "testing/tls_server.h"

namespace liantiao {
namespace {

using domain::Role;
using nlohmann::json;
using services::Principal;
using testing::SandboxKey;
using testing::TestPlatform;

using testing::At;
using testing::Must;

const std::string kGz = "440100", kSz = "440300";

// City A's own real-name system, as far as a probe sees it: POST /api/fake/{endpoint}
// with the profile's form (for a JSON-body profile, the query string and the body); the
// signature is verified with the key's secret.
class FakeCity {
 public:
  enum class Mode { kCorrect, kRefuse, kServerError };

  FakeCity(const standard::Profile& profile, std::string app_id, std::string secret)
      : profile_(profile), app_id_(std::move(app_id)), codec_(Must(standard::KeyCodec::Make(profile, secret))) {
    http::Router router;
    router.Add(
        http::Method::kPost, "/api/fake/:endpoint", http::Access::kPublic,
        [this](http::Request& req) -> Result<http::Response> { return Answer(req); }, 64 << 10);
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<http::Server>(options, std::move(router), [](const std::string&) {
      return Result<http::SessionInfo>(MakeError(ErrorCode::kUnauthenticated));
    });
    port_ = Must(server_->Start());
  }
  ~FakeCity() { Stop(); }

  void Stop() {
    if (server_) server_->Stop();
    server_.reset();
  }
  void set_mode(Mode m) { mode_ = m; }
  // Runs on the city's thread while it answers a probe: what happens meanwhile elsewhere.
  void set_meanwhile(std::function<void()> f) {
    std::lock_guard lock(mu_);
    meanwhile_ = std::move(f);
  }
  int calls() const { return calls_; }
  std::string last_endpoint() {
    std::lock_guard lock(mu_);
    return last_endpoint_;
  }
  std::string last_method() {
    std::lock_guard lock(mu_);
    return last_method_;
  }

  // The test environment's URL as an admin configures it: the single endpoint, or the
  // base the method is appended to.
  std::string url() const {
    const std::string base = "http://127.0.0.1:" + std::to_string(port_) + "/api/fake";
    return profile_.style == "per_method" ? base : base + "/" + profile_.endpoint_path;
  }

 private:
  Result<http::Response> Answer(http::Request& req) {
    ++calls_;
    std::function<void()> meanwhile;
    {
      std::lock_guard lock(mu_);
      meanwhile.swap(meanwhile_);  // once
    }
    if (meanwhile) meanwhile();
    auto form = standard::FromWire(profile_, req.raw_query, req.body);
    bool ok = form.ok() && mode_ == Mode::kCorrect;
    {
      std::lock_guard lock(mu_);
      last_endpoint_ = req.params["endpoint"];
      if (form.ok()) {
        const std::string* m = standard::FormValue(*form, profile_.Param("method"));
        last_method_ = m ? *m : last_endpoint_;
      }
    }
    if (ok) {
      const std::string* app = standard::FormValue(*form, profile_.Param("app_id"));
      const std::string* sign = standard::FormValue(*form, profile_.Param("sign"));
      ok = app && *app == app_id_ && sign && codec_.Verify(*form, *sign);
    }
    http::Response r;
    if (mode_ == Mode::kServerError) {
      r.status = 500;
      r.content_type = "text/html";
      r.body = "<html>Internal Server Error</html>";
      return r;
    }
    const bool gz = profile_.code_field == "resultCode";
    json body;
    body[profile_.code_field] = ok ? profile_.Error("success").code : (gz ? "1001" : "-2");
    body[profile_.message_field] = ok ? profile_.Error("success").message : "签名校验错误";
    body[profile_.data_field] = ok ? json::object() : json(nullptr);
    r.body = body.dump();
    return r;
  }

  const standard::Profile& profile_;
  std::string app_id_;
  standard::KeyCodec codec_;
  std::unique_ptr<http::Server> server_;
  unsigned short port_ = 0;
  std::atomic<Mode> mode_{Mode::kCorrect};
  std::atomic<int> calls_{0};
  std::mutex mu_;
  std::string last_endpoint_, last_method_;
  std::function<void()> meanwhile_;
};

struct EvidenceRow {
  long long key_id = 0;
  std::string city_code, source, method, outcome, code, error, message, request, response;
};

class ProbeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), At("2026-10-12T10:00:00+08:00"), /*serve_http=*/false);
    ASSERT_NE(tp_, nullptr);
    vendor_ = tp_->AddVendor("probe_vendor");
    reviewer_ = tp_->AddUser(Role::kCityReviewer, "probe_rev_gz", kGz);
    reviewer_sz_ = tp_->AddUser(Role::kCityReviewer, "probe_rev_sz", kSz);
    admin_ = tp_->AddUser(Role::kAdmin, "probe_admin");
  }

  services::Platform& pf() { return tp_->platform(); }

  // An application in joint testing in `city` whose city then points at a fake system.
  SandboxKey Start(const std::string& city = kGz, const std::string& profile = "gd-v1.3") {
    SandboxKey k = testing::StartJointTest(*tp_, vendor_, city == kGz ? reviewer_ : reviewer_sz_, city, profile);
    fake_ = std::make_unique<FakeCity>(*pf().deps.profiles->Find(profile), k.app_id, k.secret);
    EXPECT_TRUE(pf().SetCityProfile(admin_, city, profile, fake_->url(), std::nullopt).ok());
    return k;
  }

  json Probe() { return Must(pf().probes.ProbeDue(tp_->clock().Now())); }

  std::vector<EvidenceRow> Evidence(long long application_id) {
    return Must(tp_->db().Read<std::vector<EvidenceRow>>([&](soci::session& sql) -> Result<std::vector<EvidenceRow>> {
      std::vector<EvidenceRow> out;
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT key_id, city_code, source, method, outcome, code, error, message, request, response "
                          "FROM sandbox_evidence WHERE application_id = :a ORDER BY id",
           soci::use(application_id));
      for (const soci::row& r : rows) {
        using storage::GetInt;
        using storage::GetText;
        out.push_back({GetInt(r, 0), GetText(r, 1), GetText(r, 2), GetText(r, 3), GetText(r, 4), GetText(r, 5),
                       GetText(r, 6), GetText(r, 7), GetText(r, 8), GetText(r, 9)});
      }
      return out;
    }));
  }

  long long KeyId(const std::string& app_key) {
    return Must(tp_->db().Read<long long>([&](soci::session& sql) -> Result<long long> {
      long long id = 0;
      sql << "SELECT id FROM test_keys WHERE app_key = :k", soci::use(app_key), soci::into(id);
      return id;
    }));
  }

  std::unique_ptr<TestPlatform> tp_;
  std::unique_ptr<FakeCity> fake_;
  Principal vendor_, reviewer_, reviewer_sz_, admin_;
};

TEST_P(ProbeTest, AWorkingKeyIsRecordedAsAcceptedProbeEvidence) {
  const SandboxKey k = Start();
  json summary = Probe();
  EXPECT_EQ(summary, (json{{"probed", 1}, {"working", 1}, {"failed", 0}}));
  EXPECT_EQ(fake_->calls(), 1);
  EXPECT_EQ(fake_->last_endpoint(), "open.api");
  EXPECT_EQ(fake_->last_method(), "CheckSign.Query");

  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  const EvidenceRow& e = rows[0];
  EXPECT_EQ(e.source, "probe");
  EXPECT_EQ(e.key_id, KeyId(k.app_id));
  EXPECT_EQ(e.city_code, kGz);
  EXPECT_EQ(e.method, "CheckSign.Query");
  EXPECT_EQ(e.outcome, "accepted");
  EXPECT_EQ(e.code, "0");
  EXPECT_EQ(e.error, "");
  EXPECT_EQ(e.message, "成功");
  // The request is kept without the secret and with a shortened signature.
  EXPECT_EQ(e.request.find(k.secret), std::string::npos);
  json req = json::parse(e.request);
  EXPECT_EQ(req["appid"], k.app_id);
  EXPECT_NE(req["sign"].get<std::string>().find("…"), std::string::npos);
  EXPECT_EQ(json::parse(e.response)["code"], "0");

  // The evidence view shows it to the vendor, marked as a probe.
  json view = Must(pf().sandbox.Evidence(vendor_, k.application_id, {}));
  ASSERT_EQ(view["items"].size(), 1u) << view.dump();
  EXPECT_EQ(view["items"][0]["source"], "probe");
  EXPECT_GT(view["items"][0]["latency_ms"].get<double>(), 0.0) << "the round trip to the city, as measured";
  // The checklist and the report count it apart from the vendor's requests.
  json summary_of_checklist = Must(pf().sandbox.Conformance(vendor_, k.application_id))["summary"];
  EXPECT_EQ(summary_of_checklist["requests"], 0) << summary_of_checklist.dump();
  EXPECT_EQ(summary_of_checklist["probes"], 1);
}

// Several servers on one database each run the probe round. One that finds the key due
// while another's probe of it is still waiting for the city's answer leaves it alone:
// the city is probed once and the result recorded once.
TEST_P(ProbeTest, AKeyIsProbedByOneServerARound) {
  const SandboxKey k = Start();
  json second;
  fake_->set_meanwhile([&] { second = Probe(); });  // the other server's round, meanwhile
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 1}, {"failed", 0}}));
  EXPECT_EQ(second, (json{{"probed", 0}, {"working", 0}, {"failed", 0}})) << "claimed by the first";
  EXPECT_EQ(fake_->calls(), 1);
  EXPECT_EQ(Evidence(k.application_id).size(), 1u);
  // The next round, an interval later, probes it again.
  tp_->clock().Advance(pf().deps.config.probe_interval);
  EXPECT_EQ(Probe()["probed"], 1);
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_P(ProbeTest, ARefusedKeyIsComplaintEvidence) {
  const SandboxKey k = Start();
  fake_->set_mode(FakeCity::Mode::kRefuse);
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 0}, {"failed", 1}}));
  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].source, "probe");
  EXPECT_EQ(rows[0].outcome, "refused");
  EXPECT_EQ(rows[0].error, "probe_failed");
  EXPECT_EQ(rows[0].code, "-2");
  EXPECT_EQ(rows[0].message, "签名校验错误");

  services::NewComplaint nc{k.application_id,
                            "",
                            "",
                            "广州市实名制系统",
                            "key_unusable",
                            "测试密钥被拒绝",
                            FormatInstant(tp_->clock().Now()),
                            true};
  json filed = Must(pf().complaints.File(vendor_, nc));
  json complaint = Must(pf().complaints.Get(vendor_, filed["id"]));
  ASSERT_EQ(complaint["key_refusals"].size(), 1u) << complaint["key_refusals"].dump();
  const json& refusal = complaint["key_refusals"][0];
  EXPECT_EQ(refusal["source"], "probe");
  EXPECT_EQ(refusal["error"], "probe_failed");
  EXPECT_EQ(refusal["code"], "-2");
  EXPECT_EQ(refusal["method"], "CheckSign.Query");
  EXPECT_EQ(refusal["app_id"], k.app_id);
}

TEST_P(ProbeTest, AnUnreachableTestEnvironmentIsAFailedProbe) {
  const SandboxKey k = Start();
  fake_->Stop();  // connection refused
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 0}, {"failed", 1}}));
  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome, "refused");
  EXPECT_EQ(rows[0].error, "probe_failed");
  EXPECT_EQ(rows[0].code, "");
  EXPECT_EQ(rows[0].message.rfind("测试环境无法连接：", 0), 0u) << rows[0].message;
  EXPECT_EQ(rows[0].response, "");
  // No answer is shown as none.
  json view = Must(pf().sandbox.Evidence(vendor_, k.application_id, {}));
  ASSERT_EQ(view["items"].size(), 1u);
  EXPECT_TRUE(view["items"][0]["response"].is_null()) << view.dump();
}

TEST_P(ProbeTest, AServerErrorIsAFailedProbe) {
  const SandboxKey k = Start();
  fake_->set_mode(FakeCity::Mode::kServerError);
  EXPECT_EQ(Probe()["failed"], 1);
  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].error, "probe_failed");
  EXPECT_EQ(rows[0].code, "");
  EXPECT_EQ(rows[0].message, "测试环境应答 HTTP 500");
  EXPECT_EQ(rows[0].response, "<html>Internal Server Error</html>");
  // An answer that is not JSON is shown as the text it was, and the view stays JSON.
  json view = Must(pf().sandbox.Evidence(vendor_, k.application_id, {}));
  ASSERT_EQ(view["items"].size(), 1u);
  EXPECT_EQ(view["items"][0]["response"], "<html>Internal Server Error</html>");
  EXPECT_FALSE(json::parse(view.dump(), nullptr, false).is_discarded()) << view.dump();
}

TEST_P(ProbeTest, AKeyIsProbedAtMostOncePerInterval) {
  const SandboxKey k = Start();
  EXPECT_EQ(Probe()["probed"], 1);
  EXPECT_EQ(Probe()["probed"], 0);
  tp_->clock().Advance(std::chrono::minutes(29));
  EXPECT_EQ(Probe()["probed"], 0);
  EXPECT_EQ(fake_->calls(), 1);
  tp_->clock().Advance(std::chrono::minutes(1));  // 30 minutes after the first probe
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 1}, {"failed", 0}}));
  EXPECT_EQ(fake_->calls(), 2);
  EXPECT_EQ(Evidence(k.application_id).size(), 2u);
}

// A city system reached over https: the probe speaks TLS, checks the certificate (here
// against the CA file an operator would configure, probe_ca_file) and judges the answer
// as over http.
TEST_P(ProbeTest, AnHttpsTestEnvironmentIsProbedWithItsCertificateChecked) {
  const SandboxKey k = testing::StartJointTest(*tp_, vendor_, reviewer_, kGz, "gd-v1.3");
  const standard::Profile& profile = *pf().deps.profiles->Find("gd-v1.3");
  const standard::KeyCodec codec = Must(standard::KeyCodec::Make(profile, k.secret));
  std::string seen_target;
  testing::TlsServer city([&](const std::string& target, const std::string& body) {
    seen_target = target;
    auto form = standard::ParseForm(body);
    const std::string* sign = form.ok() ? standard::FormValue(*form, profile.Param("sign")) : nullptr;
    const bool ok = sign != nullptr && codec.Verify(*form, *sign);
    return json{{"code", ok ? "0" : "-2"}, {"message", ok ? "成功" : "签名校验错误"}, {"data", nullptr}}.dump();
  });
  const std::string url = "https://127.0.0.1:" + std::to_string(city.port()) + "/api/open.api";
  ASSERT_TRUE(pf().SetCityProfile(admin_, kGz, "gd-v1.3", url, std::nullopt).ok());

  // The system's CA store does not vouch for the city's certificate: a failed probe that
  // says so, and the signed request is never sent.
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 0}, {"failed", 1}}));
  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].error, "probe_failed");
  EXPECT_EQ(rows[0].message.rfind("测试环境无法连接：服务器证书校验失败", 0), 0u) << rows[0].message;
  EXPECT_EQ(city.requests(), 0);

  // With the city's CA trusted, the key is found working.
  app::HttpPoster trusting(std::chrono::seconds(5), city.certificate_file());
  services::HttpPoster* installed = pf().deps.poster;
  pf().deps.poster = &trusting;
  tp_->clock().Advance(pf().deps.config.probe_interval);
  const json summary = Probe();
  pf().deps.poster = installed;
  EXPECT_EQ(summary, (json{{"probed", 1}, {"working", 1}, {"failed", 0}}));
  EXPECT_EQ(seen_target, "/api/open.api");
  rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].outcome, "accepted");
  EXPECT_EQ(rows[1].code, "0");
}

TEST_P(ProbeTest, CitiesOnTheHostedSandboxAreNeverProbed) {
  const SandboxKey k = testing::StartJointTest(*tp_, vendor_, reviewer_, kGz, "gd-v1.3");
  EXPECT_EQ(Probe(), (json{{"probed", 0}, {"working", 0}, {"failed", 0}}));
  EXPECT_TRUE(Evidence(k.application_id).empty());
}

TEST_P(ProbeTest, ARevokedKeyIsNotProbed) {
  const SandboxKey k = Start();
  const long long key_id = KeyId(k.app_id), at = ToUnix(tp_->clock().Now());
  ASSERT_TRUE(tp_->db()
                  .Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
                    sql << "UPDATE test_keys SET revoked_at = :t, revoked_reason = 'test' WHERE id = :k", soci::use(at),
                        soci::use(key_id);
                    return Ok{};
                  })
                  .ok());
  EXPECT_EQ(Probe()["probed"], 0);
  EXPECT_EQ(fake_->calls(), 0);
  EXPECT_TRUE(Evidence(k.application_id).empty());
}

TEST_P(ProbeTest, PerMethodProfilesAppendTheMethodToTheUrl) {
  const SandboxKey k = Start(kSz, "gz-md5-des");
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 1}, {"failed", 0}}));
  EXPECT_EQ(fake_->last_endpoint(), "CheckSign.Query");
  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome, "accepted");
  EXPECT_EQ(rows[0].code, pf().deps.profiles->Find("gz-md5-des")->Error("success").code);
  EXPECT_EQ(rows[0].city_code, kSz);
}

// A JSON-body standard's probe carries its parameters in the query string and the data
// as the body, which the city's system verifies as it would any request.
TEST_P(ProbeTest, AJsonBodyProfileIsProbedWithItsParametersInTheQuery) {
  const SandboxKey k = Start(kSz, "mz-json-md5");
  EXPECT_EQ(Probe(), (json{{"probed", 1}, {"working", 1}, {"failed", 0}}));
  EXPECT_EQ(fake_->last_endpoint(), "CheckSign.Query");
  auto rows = Evidence(k.application_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].outcome, "accepted") << rows[0].message;
  EXPECT_NE(rows[0].request.find("api_key"), std::string::npos) << rows[0].request;
}

INSTANTIATE_TEST_SUITE_P(Databases, ProbeTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
