// docs/openapi.yaml and the router agree: every route the server has is documented,
// and the file documents no endpoint the server lacks. The file is read with a line
// scanner that relies on its layout rules: `paths:` at column 0, each path at two
// spaces (`  /applications/{id}:`), each method at four (`    get:`).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "http/routes.h"
#include "testing/app/test_platform.h"

namespace liantiao {
namespace {

using Endpoint = std::pair<std::string, std::string>;  // (path relative to /api/v1, lower-case method)

const char* kOpenApiPath = LIANTIAO_SOURCE_DIR "/docs/openapi.yaml";
constexpr std::string_view kBase = "/api/v1";

std::string OpenApiMethod(http::Method m) {
  switch (m) {
    case http::Method::kGet:
      return "get";
    case http::Method::kPost:
      return "post";
    case http::Method::kPut:
      return "put";
    case http::Method::kDelete:
      return "delete";
  }
  return "?";
}

// "/api/v1/applications/:id/actions/:action" -> "/applications/{id}/actions/{action}"
std::string OpenApiPathOf(const std::string& pattern) {
  std::string p = pattern;
  if (p.rfind(kBase, 0) == 0) p = p.substr(kBase.size());
  std::string out;
  std::size_t i = 0;
  while (i < p.size()) {
    if (p[i] == ':' && (i == 0 || p[i - 1] == '/')) {
      std::size_t end = p.find('/', i);
      if (end == std::string::npos) end = p.size();
      out += "{" + p.substr(i + 1, end - i - 1) + "}";
      i = end;
    } else {
      out += p[i++];
    }
  }
  return out;
}

bool IsMethodWord(const std::string& w) {
  static const std::set<std::string> kMethods{"get", "put", "post", "delete", "patch", "head", "options", "trace"};
  return kMethods.count(w) > 0;
}

// Keys a path item may hold besides operations (OpenAPI 3.0.3).
bool IsPathItemKey(const std::string& w) {
  static const std::set<std::string> kKeys{"summary", "description", "servers", "parameters", "$ref"};
  return kKeys.count(w) > 0;
}

struct ScannedFile {
  std::vector<Endpoint> endpoints;  // in file order
  std::vector<std::string> problems;
  bool found_paths = false;
  bool has_tabs = false;
};

std::string Key(const std::string& line, std::size_t indent) {
  // "    get:" -> "get"; "  /a/{b}:" -> "/a/{b}"; anything else -> "".
  std::string rest = line.substr(indent);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.pop_back();
  if (rest.empty() || rest.back() != ':') return "";
  rest.pop_back();
  if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '\'') && rest.back() == rest.front()) {
    rest = rest.substr(1, rest.size() - 2);
  }
  return rest;
}

std::size_t IndentOf(const std::string& line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

ScannedFile Scan(std::istream& in) {
  ScannedFile f;
  std::string line;
  int number = 0;
  bool in_paths = false;
  std::string path;  // the current path, "" before the first
  int path_line = 0;
  int methods_of_path = 0;
  auto close_path = [&] {
    if (!path.empty() && methods_of_path == 0) {
      f.problems.push_back("line " + std::to_string(path_line) + ": path " + path + " has no method");
    }
    path.clear();
    methods_of_path = 0;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.find('\t') != std::string::npos) {
      f.has_tabs = true;
      f.problems.push_back("line " + std::to_string(number) + ": tab character");
    }
    const std::size_t indent = IndentOf(line);
    const bool blank = indent == line.size() || line[indent] == '#' || line[indent] == '\r';
    if (blank) continue;
    if (indent == 0) {
      if (in_paths) close_path();
      in_paths = line.rfind("paths:", 0) == 0;
      if (in_paths) {
        if (f.found_paths) f.problems.push_back("line " + std::to_string(number) + ": a second paths:");
        f.found_paths = true;
      }
      continue;
    }
    if (!in_paths) continue;
    if (indent == 2) {
      close_path();
      const std::string key = Key(line, 2);
      if (key.empty() || key[0] != '/') {
        f.problems.push_back("line " + std::to_string(number) + ": expected a path at two spaces, got: " + line);
        continue;
      }
      if (key.rfind(kBase, 0) == 0) {
        f.problems.push_back("line " + std::to_string(number) + ": path must be relative to the server (no " +
                             std::string(kBase) + "): " + key);
      }
      if (key.find(':', 1) != std::string::npos) {
        f.problems.push_back("line " + std::to_string(number) + ": use {name}, not :name: " + key);
      }
      path = key;
      path_line = number;
    } else if (indent == 4) {
      const std::string key = Key(line, 4);
      if (path.empty()) {
        f.problems.push_back("line " + std::to_string(number) + ": entry before any path: " + line);
        continue;
      }
      if (IsMethodWord(key)) {
        f.endpoints.emplace_back(path, key);
        ++methods_of_path;
      } else if (!IsPathItemKey(key)) {
        f.problems.push_back("line " + std::to_string(number) + ": unexpected key under " + path + ": " + line);
      }
    } else if (indent < 6 && indent % 2 != 0) {
      // One or three or five spaces: a path or method indented wrongly.
      f.problems.push_back("line " + std::to_string(number) + ": odd indentation: " + line);
    }
  }
  if (in_paths) close_path();
  if (!f.found_paths) f.problems.push_back("no `paths:` key at column 0");
  return f;
}

std::string Join(const std::set<Endpoint>& endpoints) {
  std::ostringstream out;
  for (const auto& [path, method] : endpoints) out << "\n  " << method << " " << path;
  return out.str();
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto start = ParseInstant("2026-09-30T10:00:00+08:00");
    ASSERT_TRUE(start.ok());
    tp_ = testing::TestPlatform::Create("sqlite", *start, /*serve_http=*/false);
    ASSERT_NE(tp_, nullptr);
    http::RouteOptions options;
    options.test_clock = &tp_->clock();  // the test-clock routes are part of the API too
    http::Router router = http::BuildRouter(tp_->platform(), options);
    for (const auto& route : router.routes()) {
      // Routes outside /api/v1 (the sandbox) are documented with their full path and
      // a path-level `servers` entry.
      routes_.emplace(OpenApiPathOf(route.pattern), OpenApiMethod(route.method));
    }
    ASSERT_FALSE(routes_.empty());

    std::ifstream in(kOpenApiPath, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << kOpenApiPath;
    file_ = Scan(in);
    documented_.insert(file_.endpoints.begin(), file_.endpoints.end());
  }

  std::unique_ptr<testing::TestPlatform> tp_;
  std::set<Endpoint> routes_;
  ScannedFile file_;
  std::set<Endpoint> documented_;
};

TEST(OpenApiScan, ConvertsRouterPatterns) {
  EXPECT_EQ(OpenApiPathOf("/api/v1/health"), "/health");
  EXPECT_EQ(OpenApiPathOf("/api/v1/applications/:id/actions/:action"), "/applications/{id}/actions/{action}");
  EXPECT_EQ(OpenApiPathOf("/api/v1/applications/:id/materials/:mid"), "/applications/{id}/materials/{mid}");
}

TEST(OpenApiScan, ReadsTheLayoutAndFlagsAPathWithoutMethods) {
  std::istringstream in(
      "openapi: 3.0.3\n"
      "paths:\n"
      "  /a/{id}:\n"
      "    get:\n"
      "      summary: x\n"
      "    post:\n"
      "      responses:\n"
      "        \"200\":\n"
      "          description: ok\n"
      "  /b:\n"
      "components:\n"
      "  schemas:\n"
      "    get:\n");
  ScannedFile f = Scan(in);
  EXPECT_TRUE(f.found_paths);
  EXPECT_EQ(f.endpoints, (std::vector<Endpoint>{{"/a/{id}", "get"}, {"/a/{id}", "post"}}));
  ASSERT_EQ(f.problems.size(), 1u);
  EXPECT_NE(f.problems[0].find("/b has no method"), std::string::npos) << f.problems[0];
}

TEST_F(OpenApiTest, FileHasNoTabs) { EXPECT_FALSE(file_.has_tabs); }

TEST_F(OpenApiTest, FileIsWellFormedForTheScanner) {
  std::ostringstream msg;
  for (const auto& p : file_.problems) msg << "\n  " << p;
  EXPECT_TRUE(file_.problems.empty()) << kOpenApiPath << ":" << msg.str();
  EXPECT_FALSE(file_.endpoints.empty());
  // A (path, method) written twice is a duplicate YAML key: one of them is lost.
  std::map<Endpoint, int> seen;
  for (const auto& e : file_.endpoints) ++seen[e];
  for (const auto& [e, n] : seen) EXPECT_EQ(n, 1) << "documented twice: " << e.second << " " << e.first;
}

TEST_F(OpenApiTest, EveryRouteIsDocumented) {
  std::set<Endpoint> missing;
  std::set_difference(routes_.begin(), routes_.end(), documented_.begin(), documented_.end(),
                      std::inserter(missing, missing.end()));
  EXPECT_TRUE(missing.empty()) << "routes of the server missing from docs/openapi.yaml:" << Join(missing);
}

TEST_F(OpenApiTest, EveryDocumentedEndpointExists) {
  std::set<Endpoint> extra;
  std::set_difference(documented_.begin(), documented_.end(), routes_.begin(), routes_.end(),
                      std::inserter(extra, extra.end()));
  EXPECT_TRUE(extra.empty()) << "docs/openapi.yaml documents endpoints the server does not have:" << Join(extra);
}

TEST_F(OpenApiTest, TestClockRoutesAreDocumented) {
  for (const Endpoint& e : {Endpoint{"/test/clock", "get"}, Endpoint{"/test/clock", "put"},
                            Endpoint{"/test/sweep", "post"}, Endpoint{"/test/probe", "post"}}) {
    EXPECT_TRUE(routes_.count(e)) << "router lacks " << e.second << " " << e.first;
    EXPECT_TRUE(documented_.count(e)) << "not documented: " << e.second << " " << e.first;
  }
}

// Every code of the error catalogue is one the Error schema names, so that a client
// generated from the file knows every code the server answers.
TEST(OpenApiErrors, TheErrorSchemaNamesEveryCode) {
  std::ifstream in(kOpenApiPath, std::ios::binary);
  ASSERT_TRUE(in);
  std::string line, codes;
  bool in_error = false;
  while (std::getline(in, line)) {
    if (line == "    Error:") in_error = true;
    if (in_error && line.find("enum: [") != std::string::npos) {
      codes = line;
      break;
    }
  }
  ASSERT_FALSE(codes.empty()) << "no enum of codes under components/schemas/Error";
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    const std::string word(CodeWordOf(static_cast<ErrorCode>(c)));
    EXPECT_TRUE(codes.find(" " + word + ",") != std::string::npos ||
                codes.find("[" + word + ",") != std::string::npos || codes.find(" " + word + "]") != std::string::npos)
        << word << " is missing from the Error schema's enum";
  }
}

}  // namespace
}  // namespace liantiao
