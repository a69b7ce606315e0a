// Bad input through the API: a clear error (stable code, Chinese message) and nothing
// changed — the application, its materials and the history are compared before and after.
#include <gtest/gtest.h>

#include "testing/app/test_platform.h"
#include "testing/http_client.h"

namespace liantiao {
namespace {

using domain::Role;
using nlohmann::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::TestPlatform;

bool HasChinese(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

class ApiInputTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = TestPlatform::Create(GetParam(), *ParseInstant("2026-09-30T10:00:00+08:00"));
    ASSERT_NE(tp_, nullptr);
    tp_->AddVendor("input_vendor");
    vendor_ = std::make_unique<HttpClient>(tp_->port());
    auto login = vendor_->Post("/api/v1/session", {{"username", "input_vendor"}, {"password", testing::kTestPassword}});
    vendor_->SetDefaultHeader("Authorization", "Bearer " + login.json()["token"].get<std::string>());
    product_ = vendor_->Post("/api/v1/products", {{"name", "闸机"}, {"model", "G"}, {"kind", "face_gate"}, {"version", "1"}})
                   .json()["id"];
    app_ = vendor_->Post("/api/v1/applications",
                         {{"city_code", "440100"}, {"product_ids", {product_}}, {"path", "first"}, {"description", "d"}})
               .json()["id"];
  }

  json Snapshot() {
    json app = vendor_->Get("/api/v1/applications/" + std::to_string(app_)).json();
    return {{"state", app["state"]}, {"materials", app["materials"]}, {"history", app["history"]},
            {"products", vendor_->Get("/api/v1/products").json()},
            {"applications", vendor_->Get("/api/v1/applications").json()["total"]}};
  }

  void ExpectRefused(const HttpResponse& r, int status, const std::string& code, const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], code) << what << ": " << r.body;
    EXPECT_TRUE(HasChinese(r.json()["error"]["message"].get<std::string>())) << what;
  }

  std::unique_ptr<TestPlatform> tp_;
  std::unique_ptr<HttpClient> vendor_;
  long long product_ = 0, app_ = 0;
};

TEST_P(ApiInputTest, MalformedAndMistypedBodiesChangeNothing) {
  const json before = Snapshot();
  const std::string apps = "/api/v1/applications";
  ExpectRefused(vendor_->Send("POST", apps, "{", "application/json"), 400, "malformed_json", "truncated JSON");
  ExpectRefused(vendor_->Send("POST", apps, "[1,2]", "application/json"), 400, "malformed_json", "array body");
  ExpectRefused(vendor_->Post(apps, {{"city_code", 440100}, {"product_ids", {product_}}, {"path", "first"}}), 422,
                "invalid_field", "number for a string");
  ExpectRefused(vendor_->Post(apps, {{"city_code", "440100"}, {"product_ids", "1"}, {"path", "first"}}), 422,
                "invalid_field", "string for product_ids");
  ExpectRefused(vendor_->Post(apps, {{"city_code", "440100"}, {"path", "first"}}), 422, "missing_field",
                "no product_ids");
  ExpectRefused(vendor_->Post(apps, {{"city_code", "999999"}, {"product_ids", {product_}}, {"path", "first"}}), 422,
                "unknown_city", "unknown city");
  ExpectRefused(vendor_->Post(apps, {{"city_code", "440100"}, {"product_ids", {987654}}, {"path", "first"}}), 422,
                "unknown_product", "unknown product");
  ExpectRefused(vendor_->Post(apps, {{"city_code", "440100"}, {"product_ids", {product_}}, {"path", "sideways"}}), 422,
                "invalid_field", "unknown path");
  ExpectRefused(vendor_->Post("/api/v1/products", {{"name", "x"}, {"model", "m"}, {"kind", "toaster"}, {"version", "1"}}),
                422, "invalid_field", "unknown product kind");
  const std::string app = apps + "/" + std::to_string(app_);
  ExpectRefused(vendor_->Post(app + "/actions/explode"), 404, "not_found", "unknown action");
  ExpectRefused(vendor_->Post(app + "/actions/submit"), 422, "missing_field", "submit without materials");
  ExpectRefused(vendor_->Get(apps + "/abc"), 404, "not_found", "non-numeric id");
  ExpectRefused(vendor_->Get(apps + "/-3"), 404, "not_found", "negative id");
  ExpectRefused(vendor_->Post("/api/v1/complaints", {{"application_id", app_}, {"respondent", "x"}, {"conduct", "other"},
                                                     {"facts", "f"}, {"occurred_at", "yesterday"}, {"declaration", true}}),
                422, "invalid_field", "bad occurred_at");
  ExpectRefused(vendor_->Post("/api/v1/complaints", {{"application_id", app_}, {"respondent", "x"}, {"conduct", "other"},
                                                     {"facts", "f"}, {"occurred_at", "2026-09-30"}, {"declaration", "yes"}}),
                422, "invalid_field", "non-bool declaration");
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ApiInputTest, UploadsAreCheckedForSizeAndType) {
  const json before = Snapshot();
  const std::string path = "/api/v1/applications/" + std::to_string(app_) + "/materials";
  const std::size_t limit = tp_->config().services.max_file_bytes;
  ExpectRefused(vendor_->PostMultipart(path, {{"kind", "other"}}, {{"file", "big.pdf", "application/pdf",
                                                                     "%PDF-" + std::string(limit + 1, 'x')}}),
                413, "payload_too_large", "file over the limit");
  ExpectRefused(vendor_->PostMultipart(path, {{"kind", "other"}}, {{"file", "a.exe", "application/pdf", "MZ\x90"}}), 422,
                "unsupported_file_type", "executable named .pdf");
  ExpectRefused(vendor_->PostMultipart(path, {{"kind", "other"}}, {{"file", "empty.pdf", "application/pdf", ""}}), 422,
                "invalid_field", "empty file");
  ExpectRefused(vendor_->PostMultipart(path, {{"kind", "toaster"}}, {{"file", "a.pdf", "application/pdf", "%PDF-1"}}),
                422, "invalid_field", "unknown material kind");
  ExpectRefused(vendor_->PostMultipart(path, {}, {{"file", "a.pdf", "application/pdf", "%PDF-1"}}), 422,
                "missing_field", "no kind");
  ExpectRefused(vendor_->Send("POST", path, "not multipart", "multipart/form-data; boundary=zzz"), 422, "invalid_field",
                "broken multipart");
  ExpectRefused(vendor_->Send("POST", "/api/v1/products", "{\"name\":\"" + std::string(2u << 20, 'a') + "\"}",
                              "application/json"),
                413, "payload_too_large", "JSON body over 1 MiB");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(vendor_->Get("/api/v1/health").status, 200);
}

TEST_P(ApiInputTest, RegistrationChecksTheCreditCodeAndStoresNothingOnRefusal) {
  HttpClient anonymous(tp_->port());
  auto body = [](const std::string& code, const std::string& user) {
    return json{{"enterprise", {{"name", "新企业"}, {"credit_code", code}, {"legal_rep", "甲"}, {"address", "广州"},
                                {"contact_name", "乙"}, {"contact_phone", "020-1234567"}, {"contact_email", "a@b.cn"}}},
                {"username", user}, {"password", "Passw0rd!x"}};
  };
  std::string bad_check = testing::ValidCreditCode(4242);
  bad_check.back() = bad_check.back() == '0' ? '1' : '0';
  ExpectRefused(anonymous.Post("/api/v1/vendors/register", body(bad_check, "reg_one")), 422, "invalid_credit_code",
                "wrong check character");
  ExpectRefused(anonymous.Post("/api/v1/vendors/register", body("12345", "reg_one")), 422, "invalid_credit_code",
                "malformed code");
  // Refused registrations left no user behind: the name is still free.
  EXPECT_EQ(anonymous.Post("/api/v1/vendors/register", body(testing::ValidCreditCode(4242), "reg_one")).status, 201);
  ExpectRefused(anonymous.Post("/api/v1/vendors/register", body(testing::ValidCreditCode(4242), "reg_two")), 409,
                "already_exists", "code registered twice");
  ExpectRefused(anonymous.Post("/api/v1/vendors/register", body(testing::ValidCreditCode(4343), "reg_one")), 409,
                "already_exists", "user name taken");
}

INSTANTIATE_TEST_SUITE_P(Databases, ApiInputTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao
