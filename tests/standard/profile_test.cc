#include "standard/profile.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "standard/shipped_profiles.h"

namespace liantiao::standard {
namespace {

// A profile "p" of the files given and the least profile.json that loads, with
// `members` (", \"transport\": {…}") added to it.
Result<ProfileSet> BuildMinimal(ProfileFiles files, const std::string& members = "") {
  files["profile.json"] = R"({"name": "p", "errors": {"success": {"code": "0"}, "malformed_form": {"code": "-1"},
                                "bad_signature": {"code": "-2"}, "server_error": {"code": "9999"}})" +
                          members + "}";
  return ProfileSet::Build({{"p", std::move(files)}});
}

// What the admin's city page offers: every loaded profile with its family traits,
// read from the profile files rather than a list in the web app.
TEST(DescribeProfiles, ListsEveryShippedProfileWithItsFamilyTraits) {
  const json list = DescribeProfiles(ShippedProfiles());
  ASSERT_EQ(list.size(), ShippedProfiles().Names().size());
  ASSERT_GE(list.size(), 3u);
  std::map<std::string, json> by_name;
  for (const json& p : list) by_name[p["name"]] = p;

  const json& gd = by_name.at("gd-v1.3");
  EXPECT_EQ(gd["extends"], "national-1.0");
  EXPECT_EQ(gd["signature"], "sha256");
  EXPECT_GT(gd["methods"].get<int>(), 0);
  EXPECT_GT(gd["required_cases"].get<int>(), 0);
  EXPECT_LE(gd["required_cases"].get<int>(), gd["cases"].get<int>());

  const json& gz = by_name.at("gz-md5-des");
  EXPECT_EQ(gz["signature"], "md5");
  EXPECT_EQ(gz["style"], "per_method");
  EXPECT_EQ(gz["encoding"], "form");
  EXPECT_EQ(by_name.at("mz-json-md5")["encoding"], "json");
  EXPECT_TRUE(by_name.at("national-1.0")["extends"].is_null());
}

// A profile without asynchronous processing does not serve the result query it would
// inherit, nor run its examples; its retry cases name its own codes.
TEST(ProfileSet, ASynchronousProfileHasNoResultQuery) {
  const Profile* national = ShippedProfiles().Find("national-1.0");
  const Profile* gz = ShippedProfiles().Find("gz-md5-des");
  ASSERT_TRUE(national && gz);
  EXPECT_NE(national->FindMethod("AsyncHandleResult.Query"), nullptr);
  EXPECT_EQ(gz->FindMethod("AsyncHandleResult.Query"), nullptr);
  for (const Example& e : gz->examples) EXPECT_NE(e.method, "AsyncHandleResult.Query") << e.name;
  for (const ConformanceCase& c : gz->cases) {
    if (c.id == "retry_rate_limit") {
      EXPECT_NE(c.clause.find("3001"), std::string::npos) << c.clause;
    }
  }
}

// signature.fields is a list of parameter names or all_except_sign; anything else
// fails the set with a message naming it, not a profile signing nothing.
TEST(ProfileSet, SignedFieldsMustBeAListOfNamesOrAllExceptSign) {
  const auto with_fields = [](const std::string& fields) {
    return BuildMinimal({}, R"(, "signature": {"fields": )" + fields + "}");
  };
  for (const char* bad : {R"("some")", R"([1, 2])", "7"}) {
    auto set = with_fields(bad);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_NE(set.error().message.find("signature.fields"), std::string::npos) << set.error().message;
  }
  for (const char* good : {R"("all_except_sign")", R"(["appid", "data"])"}) {
    auto set = with_fields(good);
    ASSERT_TRUE(set.ok()) << good << ": " << set.error().message;
  }
  EXPECT_EQ(with_fields(R"(["appid", "data"])")->Find("p")->signature.fields,
            (std::vector<std::string>{"appid", "data"}));
}

// `noted` lists the violations a profile accepts and notes: only those the validator
// marks notable; anything else fails the load, naming the key.
TEST(ProfileSet, NotedNamesOnlyNotableViolations) {
  auto set = BuildMinimal({}, R"(, "noted": ["credit_code_checksum"])");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->Find("p")->noted.contains("credit_code_checksum"));
  EXPECT_TRUE(BuildMinimal({})->Find("p")->noted.empty()) << "refused unless a profile says otherwise";
  for (const char* bad : {R"(["required"])", R"("credit_code_checksum")", "[1]"}) {
    auto broken = BuildMinimal({}, std::string(R"(, "noted": )") + bad);
    ASSERT_FALSE(broken.ok()) << bad;
    EXPECT_NE(broken.error().message.find("noted"), std::string::npos) << broken.error().message;
  }
}

// A method's also_accepts names parameters of transport.fixed only, and widens only
// that method.
TEST(ProfileSet, AlsoAcceptsWidensOneMethodsFixedParameter) {
  const auto build = [](const std::string& also) {
    return BuildMinimal(
        {{"methods/CheckSign.Query.json", R"({"method": "CheckSign.Query", "also_accepts": )" + also +
                                              R"(, "schema": {"type": "object", "properties": {}}})"},
         {"methods/Team.Query.json", R"({"method": "Team.Query", "schema": {"type": "object", "properties": {}}})"}},
        R"(, "transport": {"fixed": {"version": "1.0"}})");
  };
  auto bad = build(R"({"format": ["xml"]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("also_accepts"), std::string::npos) << bad.error().message;
  auto set = build(R"({"version": ["1.1"]})");
  ASSERT_TRUE(set.ok()) << set.error().message;
  const Profile& p = *set->Find("p");
  EXPECT_TRUE(p.FindMethod("CheckSign.Query")->AlsoAccepts("version", "1.1"));
  EXPECT_FALSE(p.FindMethod("CheckSign.Query")->AlsoAccepts("version", "2.0"));
  EXPECT_FALSE(p.FindMethod("Team.Query")->AlsoAccepts("version", "1.1"));
}

// transport.http_methods and cipher.fields are checked at load, and do what they say:
// GET accepted where listed, the named members encrypted in every method that has them.
TEST(ProfileSet, HttpMethodsAndCipherFieldsAreCheckedAndApplied) {
  const auto build = [](const std::string& transport, const std::string& cipher) {
    return BuildMinimal({{"methods/Team.Add.json",
                          R"({"method": "Team.Add", "schema": {"type": "object", "properties": {
                  "teamSysNo": {"type": ["integer", "string"]},
                  "workerList": {"type": "array", "items": {"type": "object",
                                 "properties": {"teamSysNo": {"type": "string"}, "name": {"type": "string"}}}}}}})"}},
                        R"(, "transport": )" + transport + R"(, "cipher": )" + cipher);
  };
  for (const char* bad : {R"({"http_methods": ["GET"]})", R"({"http_methods": ["POST", "PUT"]})"}) {
    auto set = build(bad, "{}");
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_NE(set.error().message.find("transport.http_methods"), std::string::npos) << set.error().message;
  }
  for (const char* bad : {R"({"fields": "teamSysNo"})", R"({"fields": [""]})", R"({"fields": [7]})"}) {
    auto set = build("{}", bad);
    ASSERT_FALSE(set.ok()) << bad;
    EXPECT_NE(set.error().message.find("cipher.fields"), std::string::npos) << set.error().message;
  }
  auto plain = build("{}", "{}");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain->Find("p")->accepts_get);
  EXPECT_FALSE(plain->Find("p")->FindMethod("Team.Add")->data_schema->Property("teamSysNo")->encrypted);
  auto set = build(R"({"http_methods": ["POST", "GET"]})", R"({"fields": ["teamSysNo"]})");
  ASSERT_TRUE(set.ok()) << set.error().message;
  const Profile& p = *set->Find("p");
  EXPECT_TRUE(p.accepts_get);
  const Schema& schema = *p.FindMethod("Team.Add")->data_schema;
  EXPECT_TRUE(schema.Property("teamSysNo")->encrypted);
  EXPECT_TRUE(schema.Property("workerList")->items->Property("teamSysNo")->encrypted) << "at any depth";
  EXPECT_FALSE(schema.Property("workerList")->items->Property("name")->encrypted);
  EXPECT_TRUE(p.cipher_fields.contains("teamSysNo")) << "and answered encrypted in query rows";
}

// transport.encoding is form or json; a JSON body has no query-string form for a GET; the
// parameters that carry the key, the time, the data and the signature must have names,
// as must a single endpoint's method. A nonce may have none: it is then not sent.
TEST(ProfileSet, TheEncodingAndTheParameterNamesAreChecked) {
  const auto build = [](const std::string& transport) { return BuildMinimal({}, R"(, "transport": )" + transport); };
  const std::pair<const char*, const char*> bad[] = {
      {R"({"encoding": "xml"})", "transport.encoding"},
      {R"({"encoding": "json", "http_methods": ["POST", "GET"]})", "transport.encoding"},
      {R"({"params": {"data": ""}})", "transport.params.data"},
      {R"({"params": {"sign": ""}})", "transport.params.sign"},
      {R"({"params": {"method": ""}})", "transport.params.method"},
  };
  for (const auto& [transport, named] : bad) {
    auto set = build(transport);
    ASSERT_FALSE(set.ok()) << transport;
    EXPECT_NE(set.error().message.find(named), std::string::npos) << set.error().message;
  }
  auto json_body = build(R"({"style": "per_method", "encoding": "json", "params": {"method": "", "nonce": ""}})");
  ASSERT_TRUE(json_body.ok()) << json_body.error().message;
  EXPECT_TRUE(json_body->Find("p")->JsonBody());
  EXPECT_EQ(json_body->Find("p")->Param("nonce"), "");
  EXPECT_FALSE(build("{}")->Find("p")->JsonBody()) << "form by default";
}

// A child's profile.json amends its parent's key by key; null removes one of the
// parent's (mz-json-md5 drops the national `format` and `version` parameters).
TEST(ProfileSet, AChildMayRemoveAParentsSettingWithNull) {
  const Profile* national = ShippedProfiles().Find("national-1.0");
  const Profile* mz = ShippedProfiles().Find("mz-json-md5");
  ASSERT_TRUE(national && mz);
  EXPECT_TRUE(national->fixed_params.contains("format"));
  EXPECT_EQ(mz->fixed_params, (std::map<std::string, std::string>{{"api_version", "1.0"}}));
  EXPECT_EQ(mz->signature.secret_prefix, "{secret}");
  EXPECT_EQ(mz->errors.size(), national->errors.size()) << "the rest inherited";
}

// A schema may take part of another's with "$ref": the value it points to, in this
// file or another of the profile's, amended by the members beside it as a merge patch
// (replaced, added, removed by null). Anything a reference cannot resolve fails the
// load, naming the method file and the reference.
TEST(ProfileSet, ASchemaMayReferToAnotherAndAmendIt) {
  const std::string add =
      R"({"method": "X.Add", "schema": {"type": "object", "required": ["name", "code"], "properties": {
           "name": {"type": "string", "maxLength": 10}, "code": {"type": "string"},
           "phone": {"$ref": "#/definitions/phone"}}},
         "definitions": {"phone": {"type": "string", "x-mask": "phone"}}})";
  const auto build = [&](const std::string& update_schema, ProfileFiles more = {}) {
    more["methods/X.Add.json"] = add;
    more["methods/X.Update.json"] = R"({"method": "X.Update", "schema": )" + update_schema + "}";
    return BuildMinimal(std::move(more));
  };
  auto set = build(R"({"$ref": "methods/X.Add.json#/schema", "required": ["sysNo"],
                       "properties": {"sysNo": {"type": "integer"}, "code": null,
                                      "name": {"maxLength": 20}}})");
  ASSERT_TRUE(set.ok()) << set.error().message;
  const Schema& added = *set->Find("p")->FindMethod("X.Add")->data_schema;
  EXPECT_TRUE(added.Property("phone")->mask_phone) << "a reference within its own file";
  const Schema& update = *set->Find("p")->FindMethod("X.Update")->data_schema;
  EXPECT_EQ(update.required, std::vector<std::string>{"sysNo"}) << "a list is replaced";
  EXPECT_EQ(update.property_names, (std::vector<std::string>{"name", "phone", "sysNo"})) << "null removes";
  EXPECT_EQ(update.Property("name")->max_length, 20u) << "an object is amended member by member";
  EXPECT_TRUE(update.Property("name")->types & Schema::kString) << "what the patch leaves stays";
  EXPECT_TRUE(update.Property("phone")->mask_phone) << "the referenced file's own reference, read in its file";
  EXPECT_EQ(set->Find("p")->FindMethod("X.Add")->data_schema->Property("code")->types, Schema::kString)
      << "the referenced file is not changed";

  // A shared fragment in a file of its own.
  set = build(R"({"$ref": "definitions/x.json"})", {{"definitions/x.json", R"({"type": "object"})"}});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->Find("p")->FindMethod("X.Update")->data_schema->types, Schema::kObject);

  // References that multiply (here 1,001 side by side) stop at a bound.
  std::string many_refs = R"({"type": "object", "examples": [{"$ref": "definitions/x.json#/a"})";
  for (int i = 0; i < 1000; ++i) many_refs += R"(, {"$ref": "definitions/x.json#/a"})";
  many_refs += "]}";
  for (const auto& [schema, problem] : std::vector<std::pair<std::string, std::string>>{
           {R"({"$ref": 7})", "$ref 应为"},
           {R"({"$ref": "methods/Y.json#/schema"})", "methods/Y.json#/schema 指向的文件不存在"},
           {R"({"$ref": "methods/X.Add.json#/schema/nothing"})", "指向的位置不存在"},
           {R"({"$ref": "methods/X.Add.json#schema"})", "指向的位置不存在"},
           {R"({"type": "object", "properties": {"a": {"$ref": "#/schema"}}})", "#/schema 形成循环"},
           {many_refs, "最多展开 1000 处"},
           {R"({"$ref": "methods/X.Add.json#/schema", "properties": {"name": {"maxLenght": 3}}})", "maxLenght"}}) {
    auto broken = build(schema, {{"definitions/x.json", R"({"a": 1})"}});
    ASSERT_FALSE(broken.ok()) << schema;
    EXPECT_NE(broken.error().message.find("p/methods/X.Update.json"), std::string::npos) << broken.error().message;
    EXPECT_NE(broken.error().message.find(problem), std::string::npos) << broken.error().message;
  }
}

// The shipped queries take their page bounds from definitions/paging.json, and the
// Update methods their schemas from the Add methods: a child profile that ships its own
// paging.json bounds every query it inherits, and the shipped Updates keep the rules
// their Adds have.
TEST(ProfileSet, AChildProfileBoundsEveryInheritedQuerysPagesInOneFile) {
  // The shipped folder copied, with a child profile beside it, read by the loader itself.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("lt_profiles_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(fs::path(LIANTIAO_SOURCE_DIR) / "spec" / "profiles", dir, fs::copy_options::recursive);
  fs::create_directories(dir / "city" / "definitions");
  std::ofstream(dir / "city" / "profile.json") << R"({"name": "city", "extends": "national-1.0"})";
  std::ofstream(dir / "city" / "definitions" / "paging.json") << R"({"pageIndex": {"type": "integer", "minimum": 1},
             "pageSize": {"type": "integer", "minimum": 1, "maximum": 50}})";
  auto set = ProfileSet::LoadDirectory(dir.string());
  fs::remove_all(dir);
  ASSERT_TRUE(set.ok()) << set.error().message;
  int queries = 0;
  for (const auto& [name, method] : set->Find("city")->methods) {
    const Schema* size = method.data_schema->Property("pageSize");
    if (!size) continue;
    ++queries;
    EXPECT_EQ(size->maximum, 50) << name;
    EXPECT_EQ(method.data_schema->Property("pageIndex")->minimum, 1) << name;
    EXPECT_EQ(set->Find("national-1.0")->FindMethod(name)->data_schema->Property("pageSize")->maximum, 100) << name;
  }
  EXPECT_GE(queries, 10);

  const Profile& shipped = *set->Find("national-1.0");
  const Schema& add = *shipped.FindMethod("ProjectWorker.Add")->data_schema;
  const Schema& update = *shipped.FindMethod("ProjectWorker.Update")->data_schema;
  EXPECT_EQ(update.Property("workerList")->items->required, (std::vector<std::string>{"idCardType", "idCardNumber"}));
  EXPECT_GT(add.Property("workerList")->items->required.size(), 2u);
  EXPECT_EQ(update.Property("workerList")->items->property_names, add.Property("workerList")->items->property_names);
  EXPECT_TRUE(update.Property("workerList")->items->Property("idCardNumber")->encrypted);
  EXPECT_EQ(shipped.FindMethod("Project.PartUpdate")->data_schema->Property("contractorCorpCode"), nullptr);
  EXPECT_NE(shipped.FindMethod("Project.Update")->data_schema->Property("contractorCorpCode"), nullptr);
}

// A file of the wrong shape fails the load naming the file, and a file a child inherits
// is named in the profile that holds it, whatever order the names sort in.
TEST(ProfileSet, ABrokenFileIsNamedWhereItIs) {
  const auto message = [](const Result<ProfileSet>& set) { return set.ok() ? std::string() : set.error().message; };
  EXPECT_NE(message(ProfileSet::Build({{"p", {{"profile.json", "[]"}}}})).find("p/profile.json：应为 JSON 对象"),
            std::string::npos);
  EXPECT_NE(message(ProfileSet::Build({{"p", {{"profile.json", R"({"extends": 5})"}}}})).find("extends 应为"),
            std::string::npos);
  EXPECT_NE(message(BuildMinimal({{"methods/X.Add.json", "[]"}})).find("p/methods/X.Add.json：应为 JSON 对象"),
            std::string::npos);
  EXPECT_NE(message(BuildMinimal({{"methods/X.Add.json", R"({"method": 7})"}})).find("p/methods/X.Add.json"),
            std::string::npos);
  EXPECT_NE(message(BuildMinimal({{"methods/X.Add.json", R"({"method": "X.Add", "rules": "none"})"}}))
                .find("p/methods/X.Add.json：[json.exception"),
            std::string::npos)
      << "a member of the wrong type, in the file that has it";

  ProfileFiles z = {
      {"methods/X.Add.json", R"({"method": "X.Add", "schema": {"$ref": "methods/Y.json"}})"},
      {"profile.json", R"({"name": "z", "errors": {"success": {"code": "0"}, "malformed_form": {"code": "-1"},
                                        "bad_signature": {"code": "-2"}, "server_error": {"code": "9999"}}})"}};
  const std::string both =
      message(ProfileSet::Build({{"z", z}, {"c", {{"profile.json", R"({"name": "c", "extends": "z"})"}}}}));
  EXPECT_NE(both.find("z/methods/X.Add.json：$ref methods/Y.json 指向的文件不存在"), std::string::npos) << both;
}

// A nonce window (the standard's, or twice the skew when longer) is at most an hour:
// the sandbox files nonces by the hour they arrived in. A longer one fails the set.
TEST(ProfileSet, ANonceWindowIsAtMostAnHour) {
  const auto with = [](const std::string& window, const std::string& skew) {
    return BuildMinimal(
        {}, R"(, "nonce": {"window_seconds": )" + window + R"(}, "timestamp": {"max_skew_seconds": )" + skew + "}");
  };
  auto fits = with("900", "600");
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->Find("p")->NonceWindowSeconds(), 1200) << "twice the skew, longer than the window";
  EXPECT_EQ(with("3600", "60")->Find("p")->NonceWindowSeconds(), 3600);
  for (const auto& [window, skew] : {std::pair{"3601", "60"}, std::pair{"900", "1801"}, std::pair{"-1", "60"}}) {
    auto set = with(window, skew);
    ASSERT_FALSE(set.ok()) << window << " " << skew;
    EXPECT_NE(set.error().message.find("nonce.window_seconds"), std::string::npos) << set.error().message;
  }
}

// What a query filters on is data: the method file's `filters`, each naming a field
// the request may send.
TEST(ProfileSet, QueryFiltersAreReadFromTheMethodFiles) {
  const Profile* gd = ShippedProfiles().Find("gd-v1.3");
  ASSERT_NE(gd, nullptr);
  const MethodSpec* attendance = gd->FindMethod("WorkerAttendance.Query");
  ASSERT_NE(attendance, nullptr);
  std::map<std::string, QueryFilter> by_param;
  for (const QueryFilter& f : attendance->filters) by_param[f.param] = f;
  ASSERT_TRUE(by_param.contains("date"));
  EXPECT_TRUE(by_param["date"].prefix) << "a day names the records of its date-times";
  ASSERT_TRUE(by_param.contains("idCardNumber"));
  EXPECT_FALSE(by_param["idCardNumber"].prefix);
  EXPECT_EQ(by_param["teamSysNo"].field, "teamSysNo");

  const auto build = [](const std::string& filters) {
    return BuildMinimal({{"methods/X.Query.json",
                          R"({"method": "X.Query", "effect": "team.query", "filters": )" + filters +
                              R"(, "schema": {"type": "object", "properties": {"teamName": {"type": "string"}}}})"}});
  };
  EXPECT_TRUE(build(R"([{"param": "teamName"}])").ok());
  EXPECT_FALSE(build(R"([{"param": "teamSysNo"}])").ok()) << "a filter the request cannot send";
  EXPECT_FALSE(build(R"([{"param": "teamName", "match": "like"}])").ok());
}

// The fields a profile sends encrypted, wherever a method's schema marks them.
TEST(ProfileSet, CipherFieldsAreEveryEncryptedPropertyOfEveryMethod) {
  const Profile* gd = ShippedProfiles().Find("gd-v1.3");
  ASSERT_NE(gd, nullptr);
  for (const char* field : {"idCardNumber", "responsiblePersonIDNumber", "teamLeaderIDNumber", "pmIDCardNumber",
                            "payRollBankCardNumber", "payBankCardNumber", "bankNumber"}) {
    EXPECT_TRUE(gd->cipher_fields.contains(field)) << field;
  }
  EXPECT_FALSE(gd->cipher_fields.contains("cellPhone"));
  EXPECT_FALSE(gd->cipher_fields.contains("workerName"));
}

// 行政区划: every province, prefecture and county-level code, in a dictionary file of
// its own generated from the statistics bureau's division codes (tools/update-areas).
TEST(ProfileSet, AreaCodesMustBeKnownDivisions) {
  const Profile* gd = ShippedProfiles().Find("gd-v1.3");
  ASSERT_NE(gd, nullptr);
  EXPECT_EQ(gd->DictionaryTitle("areaDivision"), "行政区划");
  for (const char* good : {"440106", "440100", "440300", "441900", "445381", "440000", "110105", "820000"}) {
    EXPECT_TRUE(gd->InDictionary("areaDivision", good)) << good;
  }
  // 445399 and 440199: counties their prefectures do not have; 441006: no such
  // prefecture; 990106: no such province.
  for (const char* bad : {"445399", "440199", "990106", "441006", "444444", "000000", "44", "4401", ""}) {
    EXPECT_FALSE(gd->InDictionary("areaDivision", bad)) << bad;
  }
  // Guangdong's prefectures are exactly the platform's 21 cities.
  std::ifstream in(std::string(LIANTIAO_SOURCE_DIR) + "/data/guangdong-cities.json");
  const json cities = json::parse(in, nullptr, false);
  ASSERT_TRUE(cities.contains("cities"));
  std::set<std::string> listed, expected;
  std::size_t counties = 0;
  for (const std::string& code : gd->dictionaries.at("areaDivision")->codes) {
    if (!code.starts_with("44") || code == "440000") continue;
    if (code.ends_with("00")) {
      listed.insert(code);
    } else {
      ++counties;
    }
  }
  for (const json& c : cities["cities"]) expected.insert(c["code"].get<std::string>());
  EXPECT_EQ(listed, expected);
  EXPECT_GT(counties, 100u) << "Guangdong's county-level divisions";
}

// A schema naming a dictionary the profile lacks, or a dictionary of an unknown kind,
// fails the set at load with a message naming it, not every value refused later.
TEST(ProfileSet, DictionariesASchemaNamesMustExist) {
  const auto build = [](const std::string& dictionaries, const std::string& dict) {
    return BuildMinimal(
        {{"dictionaries.json", dictionaries},
         {"methods/X.Add.json", R"({"method": "X.Add", "effect": "team.add", "schema": {"type": "object",
                                                   "properties": {"list": {"type": "array", "items": {"type": "object",
                                                   "properties": {"kind": {"type": "string", "x-dict": ")" +
                                    dict + R"("}}}}}}})"}});
  };
  const std::string dicts = R"({"kinds": {"title": "类别", "codes": {"1": "一"}}})";
  EXPECT_TRUE(build(dicts, "kinds").ok());
  auto missing = build(dicts, "kindz");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("kindz"), std::string::npos) << missing.error().message;
  auto bad_match = build(R"({"kinds": {"codes": {"1": "一"}, "match": "like"}})", "kinds");
  ASSERT_FALSE(bad_match.ok());
  EXPECT_NE(bad_match.error().message.find("match"), std::string::npos) << bad_match.error().message;
  EXPECT_FALSE(build(R"({"kinds": {"title": "类别"}})", "kinds").ok()) << "a dictionary without codes";

  // A prefix dictionary lists the beginnings a valid value has; an exact one wants the
  // whole value.
  auto prefix = build(R"({"kinds": {"codes": {"44": "广东", "1101": "北京市辖区"}, "match": "prefix"},
                          "exact": {"codes": {"CNY": "人民币"}}})",
                      "kinds");
  ASSERT_TRUE(prefix.ok()) << prefix.error().message;
  const Profile* p = prefix->Find("p");
  for (const char* good : {"440106", "44", "110105"}) EXPECT_TRUE(p->InDictionary("kinds", good)) << good;
  for (const char* bad : {"4", "110205", ""}) EXPECT_FALSE(p->InDictionary("kinds", bad)) << bad;
  EXPECT_TRUE(p->InDictionary("exact", "CNY"));
  EXPECT_FALSE(p->InDictionary("exact", "CNYX"));
}

// A dictionary may have a file of its own, dictionaries/<name>.json; one name in both
// places fails the set, naming the file.
TEST(ProfileSet, ADictionaryMayHaveAFileOfItsOwn) {
  const auto build = [](const std::string& dictionaries, const std::string& own) {
    return BuildMinimal(
        {{"dictionaries.json", dictionaries},
         {"dictionaries/kinds.json", own},
         {"methods/X.Add.json", R"({"method": "X.Add", "effect": "team.add", "schema": {"type": "object",
                                                   "properties": {"kind": {"type": "string", "x-dict": "kinds"}}}})"}});
  };
  auto set = build(R"({"other": {"codes": {"a": "甲"}}})", R"({"title": "类别", "codes": {"1": "一"}})");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->Find("p")->InDictionary("kinds", "1"));
  EXPECT_TRUE(set->Find("p")->InDictionary("other", "a"));
  EXPECT_EQ(set->Find("p")->DictionaryTitle("kinds"), "类别");

  auto twice = build(R"({"kinds": {"codes": {"1": "一"}}})", R"({"codes": {"1": "一"}})");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("dictionaries/kinds.json"), std::string::npos) << twice.error().message;
  auto nested = BuildMinimal({{"dictionaries/a/kinds.json", R"({"codes": {"1": "一"}})"}});
  ASSERT_FALSE(nested.ok()) << "a dictionary file in a folder of its own";
  EXPECT_NE(nested.error().message.find("dictionaries/a/kinds.json"), std::string::npos) << nested.error().message;
  auto no_codes = build("{}", R"({"title": "类别"})");
  ASSERT_FALSE(no_codes.ok());
  EXPECT_NE(no_codes.error().message.find("dictionaries/kinds.json"), std::string::npos) << no_codes.error().message;
}

TEST(DescribeProfiles, AnEmptySetIsAnEmptyList) { EXPECT_EQ(DescribeProfiles(ProfileSet()), json::array()); }

}  // namespace
}  // namespace liantiao::standard
