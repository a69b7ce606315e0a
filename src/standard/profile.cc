#include "standard/profile.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace liantiao::standard {

namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, json>;  // relative path → parsed file

Error ProfileError(const std::string& profile, const std::string& file, const std::string& what) {
  return MakeError(ErrorCode::kConfigError, "接口标准配置文件有误：" + profile + "/" + file + "：" + what);
}

// Objects merge key by key (child wins, null removes the parent's key); anything else is
// replaced.
void DeepMerge(json& base, const json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    if (it.value().is_null()) {
      base.erase(it.key());
    } else if (base.contains(it.key())) {
      DeepMerge(base[it.key()], it.value());
    } else {
      base[it.key()] = it.value();
    }
  }
}

// Overlays a child's files on its parent's, file by file as docs/profiles.md says.
Files Overlay(Files parent, const Files& child) {
  for (const auto& [path, value] : child) {
    auto it = parent.find(path);
    if (it == parent.end()) {
      parent[path] = value;
    } else if (path == "profile.json") {
      DeepMerge(it->second, value);
    } else if (path == "dictionaries.json" && it->second.is_object() && value.is_object()) {
      for (auto d = value.begin(); d != value.end(); ++d) it->second[d.key()] = d.value();
    } else if (path == "conformance.json" && value.contains("cases")) {
      json& cases = it->second["cases"];
      for (const auto& c : value["cases"]) {
        auto same = std::find_if(cases.begin(), cases.end(),
                                 [&](const json& x) { return x.value("id", "") == c.value("id", ""); });
        if (same != cases.end())
          *same = c;
        else
          cases.push_back(c);
      }
    } else {
      it->second = value;
    }
  }
  return parent;
}

Result<Files> ParseFiles(const std::string& name, const ProfileFiles& raw) {
  Files out;
  for (const auto& [path, text] : raw) {
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return ProfileError(name, path, "不是有效的 JSON");
    out[path] = std::move(value);
  }
  if (!out.contains("profile.json")) return ProfileError(name, "profile.json", "缺少该文件");
  const json& root = out["profile.json"];
  if (!root.is_object()) return ProfileError(name, "profile.json", "应为 JSON 对象");
  if (root.contains("extends") && !root["extends"].is_string()) {
    return ProfileError(name, "profile.json", "extends 应为所继承接口标准的名称");
  }
  return out;
}

Result<Files> Resolve(const std::string& name, const std::map<std::string, Files>& parsed,
                      std::set<std::string>& visiting) {
  auto it = parsed.find(name);
  if (it == parsed.end()) return ProfileError(name, "profile.json", "找不到该接口标准");
  if (!visiting.insert(name).second) return ProfileError(name, "profile.json", "extends 形成循环");
  const std::string parent = it->second.at("profile.json").value("extends", "");
  if (parent.empty()) return it->second;
  LT_ASSIGN_OR_RETURN(Files base, Resolve(parent, parsed, visiting));
  Files merged = Overlay(std::move(base), it->second);
  merged["profile.json"]["extends"] = parent;
  merged["profile.json"]["name"] = name;
  return merged;
}

std::vector<Condition> ParseConditions(const json& list) {
  std::vector<Condition> out;
  if (!list.is_array()) return out;
  for (const auto& c : list) {
    out.push_back({c.value("method", ""), c.value("outcome", ""), c.value("tag", ""), c.value("error", "")});
  }
  return out;
}

// Marks the properties named in `names` x-encrypted, at any depth of a method's schema
// (cipher.fields: what a profile sends encrypted that its parent's methods send plain).
void MarkEncrypted(json& schema, const std::vector<std::string>& names) {
  if (names.empty() || !schema.is_object()) return;
  if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      if (!it.value().is_object()) continue;
      if (std::find(names.begin(), names.end(), it.key()) != names.end()) it.value()["x-encrypted"] = true;
      MarkEncrypted(it.value(), names);
    }
  }
  if (auto items = schema.find("items"); items != schema.end()) MarkEncrypted(*items, names);
}

// Replaces each object holding "$ref" in `node` (read in the profile file `file`) by the
// value it points to, "<file>#<JSON pointer>" with the file relative to the profile's
// folder ("#/…" alone: this file), amended by the object's other members as an RFC 7396
// merge patch (nlohmann's merge_patch): a member replaces or adds, null removes. So an
// Update's schema is its Add's with what differs, and the two cannot drift apart.
// References are followed through the files as the profile and its parents merged
// them, so a child that replaces the referenced file changes every method using it.
// `trail` holds the references being followed, to refuse a loop; `budget` counts the
// references one schema may follow, so that references of references cannot multiply
// into a schema too large to hold.
struct RefTrail {
  std::vector<std::string> following;
  int budget = 1000;
};

Status ResolveRefs(json& node, const std::string& file, const Files& files, RefTrail& trail) {
  if (node.is_array()) {
    for (json& element : node) LT_RETURN_IF_ERROR(ResolveRefs(element, file, files, trail));
    return OkStatus();
  }
  if (!node.is_object()) return OkStatus();
  auto ref = node.find("$ref");
  if (ref == node.end()) {
    for (auto& [key, member] : node.items()) LT_RETURN_IF_ERROR(ResolveRefs(member, file, files, trail));
    return OkStatus();
  }
  if (!ref->is_string()) return MakeError(ErrorCode::kConfigError, "$ref 应为 \"<文件>#<JSON 指针>\" 形式的字符串");
  const std::string text = ref->get<std::string>();
  const auto hash = text.find('#');
  const std::string target = hash == 0 ? file : text.substr(0, hash);
  const std::string pointer = hash == std::string::npos ? "" : text.substr(hash + 1);
  auto doc = files.find(target);
  if (doc == files.end()) return MakeError(ErrorCode::kConfigError, "$ref " + text + " 指向的文件不存在");
  const std::string where = target + "#" + pointer;
  if (std::find(trail.following.begin(), trail.following.end(), where) != trail.following.end()) {
    return MakeError(ErrorCode::kConfigError, "$ref " + text + " 形成循环");
  }
  if (--trail.budget < 0) return MakeError(ErrorCode::kConfigError, "$ref 过多：一个 schema 最多展开 1000 处引用");
  json resolved;
  try {
    resolved = doc->second.at(json::json_pointer(pointer));
  } catch (const json::exception&) {
    return MakeError(ErrorCode::kConfigError, "$ref " + text + " 指向的位置不存在");
  }
  trail.following.push_back(where);
  LT_RETURN_IF_ERROR(ResolveRefs(resolved, target, files, trail));
  trail.following.pop_back();
  json patch = std::move(node);
  patch.erase("$ref");
  LT_RETURN_IF_ERROR(ResolveRefs(patch, file, files, trail));
  resolved.merge_patch(patch);
  node = std::move(resolved);
  return OkStatus();
}

// The names of the properties, at any depth, that `marked` picks.
template <typename Marked>
void CollectFields(const Schema& schema, std::set<std::string, std::less<>>& out, const Marked& marked) {
  for (std::size_t i = 0; i < schema.properties.size(); ++i) {
    if (marked(schema.properties[i])) out.insert(schema.property_names[i]);
    CollectFields(schema.properties[i], out, marked);
  }
  if (schema.items) CollectFields(*schema.items, out, marked);
}

Result<Profile> ParseProfile(const std::string& name, const Files& files) {
  Profile p;
  const json& root = files.at("profile.json");
  std::string reading = "profile.json";  // the file a JSON exception below is about
  try {
    p.name = name;
    p.title = root.value("title", name);
    p.version = root.value("version", "");
    p.extends = root.value("extends", "");
    const json t = root.value("transport", json::object());
    p.style = t.value("style", p.style);
    if (p.style != "single_endpoint" && p.style != "per_method") {
      return ProfileError(name, "profile.json", "transport.style 只能是 single_endpoint 或 per_method");
    }
    p.endpoint_path = t.value("path", p.endpoint_path);
    const auto http_methods = t.value("http_methods", std::vector<std::string>{"POST"});
    for (const auto& m : http_methods) {
      if (m != "POST" && m != "GET") {
        return ProfileError(name, "profile.json", "transport.http_methods 只能包含 POST 和 GET");
      }
    }
    if (std::find(http_methods.begin(), http_methods.end(), "POST") == http_methods.end()) {
      return ProfileError(name, "profile.json", "transport.http_methods 必须包含 POST");
    }
    p.accepts_get = std::find(http_methods.begin(), http_methods.end(), "GET") != http_methods.end();
    p.max_body_bytes = t.value("max_body_bytes", p.max_body_bytes);
    p.params = {{"app_id", "appid"}, {"method", "method"}, {"timestamp", "timestamp"},
                {"nonce", "nonce"},  {"data", "data"},     {"sign", "sign"}};
    const json params = t.value("params", json::object());
    for (auto& [role, field] : params.items()) p.params[role] = field;
    for (const char* role : {"app_id", "timestamp", "data", "sign"}) {
      if (p.Param(role).empty()) {
        return ProfileError(name, "profile.json", std::string("transport.params.") + role + " 不能为空");
      }
    }
    if (p.style == "single_endpoint" && p.Param("method").empty()) {
      return ProfileError(name, "profile.json", "transport.params.method 不能为空：single_endpoint 由它指明接口");
    }
    p.encoding = t.value("encoding", p.encoding);
    if (p.encoding != "form" && p.encoding != "json") {
      return ProfileError(name, "profile.json", "transport.encoding 只能是 form 或 json");
    }
    // The query string of a GET is where a form-encoded standard may put its body; a
    // standard whose body is JSON has no such place for it.
    if (p.JsonBody() && p.accepts_get) {
      return ProfileError(name, "profile.json", "transport.encoding 为 json 时 http_methods 只能是 POST");
    }
    p.required_params = t.value("required", std::vector<std::string>{});
    const json fixed = t.value("fixed", json::object());
    for (auto& [k, v] : fixed.items()) p.fixed_params[k] = v;

    const json s = root.value("signature", json::object());
    p.signature.algorithm = s.value("algorithm", p.signature.algorithm);
    p.signature.pair_separator = s.value("pair_separator", p.signature.pair_separator);
    p.signature.kv_separator = s.value("kv_separator", p.signature.kv_separator);
    p.signature.secret_prefix = s.value("secret_prefix", p.signature.secret_prefix);
    p.signature.secret_suffix = s.value("secret_suffix", p.signature.secret_suffix);
    p.signature.lowercase_input = s.value("lowercase_input", p.signature.lowercase_input);
    if (const json fields = s.value("fields", json("all_except_sign")); fields.is_array()) {
      for (const json& f : fields) {
        if (!f.is_string()) return ProfileError(name, "profile.json", "signature.fields 须为参数名数组");
        p.signature.fields.push_back(f.get<std::string>());
      }
    } else if (fields != "all_except_sign") {
      return ProfileError(name, "profile.json", "signature.fields 只能是 all_except_sign 或参数名数组");
    }
    p.signature.upper_output = s.value("output_case", "lower") == "upper";

    const json ts = root.value("timestamp", json::object());
    p.timestamp_format = ts.value("format", p.timestamp_format);
    p.max_skew_seconds = ts.value("max_skew_seconds", p.max_skew_seconds);
    p.nonce_window_seconds = root.value("nonce", json::object()).value("window_seconds", p.nonce_window_seconds);
    p.nonce_max_length = root.value("nonce", json::object()).value("max_length", p.nonce_max_length);
    if (p.max_skew_seconds < 0 || p.nonce_window_seconds < 0 || p.NonceWindowSeconds() > kMaxNonceWindowSeconds) {
      return ProfileError(name, "profile.json",
                          "nonce.window_seconds 与 timestamp.max_skew_seconds 的两倍均须在 0 到 " +
                              std::to_string(kMaxNonceWindowSeconds) + " 秒之间");
    }

    const json c = root.value("cipher", json::object());
    // cipher.fields: member names sent encrypted in every method, as if each schema
    // marked them x-encrypted (Guangzhou's 班组编号 teamSysNo, which the national
    // standard sends plain). Marked on the methods' schemas as they are compiled below.
    std::vector<std::string> encrypted_fields;
    p.cipher.algorithm = c.value("algorithm", p.cipher.algorithm);
    p.cipher.key = c.value("key", p.cipher.key);
    p.cipher.iv = c.value("iv", p.cipher.iv);
    p.cipher.encoding = c.value("encoding", p.cipher.encoding);
    p.cipher.prefix = c.value("prefix", p.cipher.prefix);
    if (c.contains("fields")) {
      const json& fields = c["fields"];
      if (!fields.is_array() || !std::all_of(fields.begin(), fields.end(), [](const json& f) {
            return f.is_string() && !f.get_ref<const std::string&>().empty();
          })) {
        return ProfileError(name, "profile.json", "cipher.fields 应为字段名的数组");
      }
      encrypted_fields = fields.get<std::vector<std::string>>();
    }

    const json e = root.value("envelope", json::object());
    p.code_field = e.value("code", p.code_field);
    p.message_field = e.value("message", p.message_field);
    p.data_field = e.value("data", p.data_field);
    p.integer_codes = e.value("code_type", "string") == "integer";

    const json a = root.value("async", json::object());
    p.serial_field = a.value("serial_field", p.serial_field);
    p.async_query_method = a.value("query_method", p.async_query_method);
    const json st = a.value("status", json::object());
    p.status_pending = st.value("pending", p.status_pending);
    p.status_failed = st.value("failed", p.status_failed);
    p.status_succeeded = st.value("succeeded", p.status_succeeded);
    const bool default_async = root.value("default_mode", "async") == "async";
    // A profile without asynchronous processing answers every method at once,
    // whatever the inherited method files say.
    const bool async_enabled = a.value("enabled", true);
    p.async_enabled = async_enabled;

    const json errors = root.value("errors", json::object());
    for (auto& [key, entry] : errors.items()) {
      p.errors[key] = {entry.at("code").is_string() ? entry.at("code").get<std::string>() : entry.at("code").dump(),
                       entry.value("message", ""), entry.value("async", false)};
    }
    const json noted = root.value("noted", json::array());
    if (!noted.is_array()) return ProfileError(name, "profile.json", "noted 应为数组");
    for (const json& n : noted) {
      if (!n.is_string() || std::find(std::begin(kNotableViolations), std::end(kNotableViolations),
                                      n.get<std::string>()) == std::end(kNotableViolations)) {
        return ProfileError(name, "profile.json", "noted 只能列出 credit_code_checksum");
      }
      p.noted.insert(n.get<std::string>());
    }
    for (const char* needed : {"success", "malformed_form", "bad_signature", "server_error"}) {
      if (!p.errors.contains(needed)) {
        return ProfileError(name, "profile.json", std::string("errors 缺少 ") + needed);
      }
    }
    json dictionaries = json::object();  // as written; read into p.dictionaries below
    if (auto d = files.find("dictionaries.json"); d != files.end()) dictionaries = d->second;
    // A long, generated dictionary (行政区划) has a file of its own,
    // dictionaries/<name>.json, so that regenerating it leaves the hand-kept ones alone.
    std::map<std::string, std::string> dictionary_file;
    constexpr std::string_view kDictionaryDir = "dictionaries/", kJson = ".json";
    for (const auto& [path, value] : files) {
      if (!path.starts_with(kDictionaryDir) || !path.ends_with(kJson)) continue;
      const std::string dict = path.substr(kDictionaryDir.size(), path.size() - kDictionaryDir.size() - kJson.size());
      if (dict.empty() || dict.find('/') != std::string::npos) {
        return ProfileError(name, path, "字典文件应为 dictionaries/<字典名>.json");
      }
      if (dictionaries.contains(dict)) {
        return ProfileError(name, path, "字典 " + dict + " 已在 dictionaries.json 中定义");
      }
      dictionaries[dict] = value;
      dictionary_file[dict] = path;
    }
    for (const auto& [dict, entry] : dictionaries.items()) {
      const std::string file = dictionary_file.contains(dict) ? dictionary_file[dict] : "dictionaries.json";
      std::string problem;
      auto built = Dictionary::Build(dict, entry, problem);
      if (!built) return ProfileError(name, file, problem);
      p.dictionaries.emplace(dict, std::move(built));
    }

    for (const auto& [path, value] : files) {
      reading = path;
      if (path.rfind("methods/", 0) == 0) {
        if (!value.is_object() || !value.contains("method") || !value["method"].is_string()) {
          return ProfileError(name, path, "应为 JSON 对象，其 method 为方法名");
        }
        MethodSpec m;
        m.name = value.at("method").get<std::string>();
        m.title = value.value("title", m.name);
        m.clause = value.value("clause", "");
        // Unless the method says, writes follow the profile's default and reads are sync.
        const bool write = !m.name.ends_with(".Query");
        m.async = async_enabled && value.value("mode", write && default_async ? "async" : "sync") == "async";
        m.serial_prefix = value.value("serial_prefix", "");
        m.effect = value.value("effect", "");
        m.rules = value.value("rules", std::vector<std::string>{});
        json schema = value.value("schema", json::object());
        RefTrail trail;
        if (Status refs = ResolveRefs(schema, path, files, trail); !refs.ok()) {
          return ProfileError(name, path, refs.error().message);
        }
        MarkEncrypted(schema, encrypted_fields);
        auto compiled = Schema::Compile(schema, p.dictionaries);
        if (!compiled.ok()) return ProfileError(name, path, compiled.error().message);
        m.data_schema = std::move(compiled).value();
        for (const auto& rule : m.rules) {
          if (!p.errors.contains(rule)) {
            return ProfileError(name, path, "规则 " + rule + " 在 errors 中没有对应条目");
          }
        }
        const json also_accepts = value.value("also_accepts", json::object());
        for (const auto& [param, values] : also_accepts.items()) {
          if (!p.fixed_params.contains(param)) {
            return ProfileError(name, path, "also_accepts 的 " + param + " 不是 transport.fixed 中的参数");
          }
          m.also_accepts[param] = values.get<std::vector<std::string>>();
        }
        for (const auto& f : value.value("filters", json::array())) {
          QueryFilter filter;
          filter.param = f.at("param").get<std::string>();
          filter.field = f.value("field", filter.param);
          const std::string match = f.value("match", "equal");
          if (match != "equal" && match != "prefix") {
            return ProfileError(name, path, "过滤条件 " + filter.param + " 的 match 只能是 equal 或 prefix");
          }
          filter.prefix = match == "prefix";
          // A filter on a field the request cannot send would never apply.
          if (!m.data_schema->Property(filter.param)) {
            return ProfileError(name, path, "过滤条件 " + filter.param + " 不在 schema 的 properties 中");
          }
          m.filters.push_back(std::move(filter));
        }
        CollectFields(*m.data_schema, p.cipher_fields, [](const Schema& field) { return field.encrypted; });
        CollectFields(*m.data_schema, p.image_fields, [](const Schema& field) { return field.image.has_value(); });
        // Without asynchronous processing there are no results to ask for: the query
        // method is not served (unknown_method), as on the city's own server.
        if (!async_enabled && m.effect == "async.query") continue;
        p.methods[m.name] = std::move(m);
      } else if (path.rfind("examples/", 0) == 0) {
        const auto slash = path.find('/', 9);
        if (slash == std::string::npos) continue;
        std::string file = path.substr(slash + 1);
        if (file.ends_with(".json")) file.resize(file.size() - 5);
        p.examples.push_back({path.substr(9, slash - 9), file, value});
      }
    }
    // Examples of a method the profile does not serve (its inherited async query).
    std::erase_if(p.examples, [&](const Example& ex) { return !p.methods.contains(ex.method); });
    reading = "conformance.json";
    if (auto cf = files.find("conformance.json"); cf != files.end()) {
      const json cases = cf->second.value("cases", json::array());
      for (const auto& item : cases) {
        ConformanceCase cc;
        cc.id = item.at("id").get<std::string>();
        cc.title = item.value("title", cc.id);
        cc.clause = item.value("clause", "");
        cc.scenario = item.value("scenario", "");
        cc.until = ParseConditions(item.value("until", json::array()));
        cc.required = item.value("required", false);
        cc.all = ParseConditions(item.value("all", json::array()));
        cc.none = ParseConditions(item.value("none", json::array()));
        p.cases.push_back(std::move(cc));
      }
    }
  } catch (const json::exception& ex) {
    return ProfileError(name, reading, ex.what());
  }
  return p;
}

}  // namespace

bool MethodSpec::HasRule(std::string_view rule) const {
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

bool MethodSpec::AlsoAccepts(const std::string& param, const std::string& value) const {
  auto it = also_accepts.find(param);
  return it != also_accepts.end() && std::find(it->second.begin(), it->second.end(), value) != it->second.end();
}

const MethodSpec* Profile::FindMethod(std::string_view method) const {
  auto it = methods.find(std::string(method));
  return it == methods.end() ? nullptr : &it->second;
}

const ErrorEntry& Profile::Error(std::string_view key) const {
  if (auto it = errors.find(std::string(key)); it != errors.end()) return it->second;
  static const ErrorEntry kParam{"-1", "请求参数错误", false};
  static const ErrorEntry kServer{"9999", "Internal Error", false};
  return key == "server_error" ? kServer : kParam;
}

const std::string& Profile::Param(std::string_view role) const {
  auto it = params.find(role);
  static const std::string kEmpty;
  return it == params.end() ? kEmpty : it->second;
}

std::string Profile::DictionaryTitle(std::string_view dict) const {
  auto it = dictionaries.find(dict);
  return it == dictionaries.end() ? std::string(dict) : it->second->title;
}

bool Profile::InDictionary(std::string_view dict, std::string_view code) const {
  auto it = dictionaries.find(dict);
  return it != dictionaries.end() && it->second->Contains(code);
}

Result<ProfileSet> ProfileSet::Build(const std::map<std::string, ProfileFiles>& folders) {
  std::map<std::string, Files> parsed;
  for (const auto& [name, raw] : folders) {
    LT_ASSIGN_OR_RETURN(Files files, ParseFiles(name, raw));
    parsed[name] = std::move(files);
  }
  // Parents before their children, so that a broken file is named in the profile that
  // holds it rather than in the first child inheriting it. A loop of `extends` is left
  // for Resolve to name.
  std::vector<std::string> order;
  std::set<std::string> placed;
  const std::function<void(const std::string&, std::size_t)> place = [&](const std::string& name, std::size_t depth) {
    auto it = parsed.find(name);
    if (it == parsed.end() || placed.contains(name) || depth > parsed.size()) return;
    place(it->second.at("profile.json").value("extends", ""), depth + 1);
    if (placed.insert(name).second) order.push_back(name);
  };
  for (const auto& [name, unused] : parsed) place(name, 0);
  ProfileSet set;
  for (const std::string& name : order) {
    std::set<std::string> visiting;
    LT_ASSIGN_OR_RETURN(Files merged, Resolve(name, parsed, visiting));
    LT_ASSIGN_OR_RETURN(Profile profile, ParseProfile(name, merged));
    set.profiles_[name] = std::make_shared<const Profile>(std::move(profile));
  }
  return set;
}

Result<ProfileSet> ProfileSet::LoadDirectory(const std::string& dir) {
  std::map<std::string, ProfileFiles> folders;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kConfigError, "接口标准目录不存在：" + dir);
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory() || !fs::exists(entry.path() / "profile.json")) continue;
    ProfileFiles files;
    for (const auto& f : fs::recursive_directory_iterator(entry.path(), ec)) {
      if (!f.is_regular_file() || f.path().extension() != ".json") continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      files[fs::relative(f.path(), entry.path()).generic_string()] = text.str();
    }
    folders[entry.path().filename().string()] = std::move(files);
  }
  if (ec) return MakeError(ErrorCode::kConfigError, "无法读取接口标准目录：" + dir);
  return Build(folders);
}

const Profile* ProfileSet::Find(std::string_view name) const {
  auto it = profiles_.find(name);
  return it == profiles_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ProfileSet::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, unused] : profiles_) out.push_back(name);
  return out;
}

json DescribeProfiles(const ProfileSet& set) {
  json out = json::array();
  for (const std::string& name : set.Names()) {
    const Profile* p = set.Find(name);
    std::size_t required = 0;
    for (const ConformanceCase& c : p->cases) required += c.required ? 1 : 0;
    out.push_back({{"name", p->name},
                   {"title", p->title},
                   {"version", p->version},
                   {"extends", p->extends.empty() ? json(nullptr) : json(p->extends)},
                   {"style", p->style},
                   {"encoding", p->encoding},
                   {"signature", p->signature.algorithm},
                   {"cipher", p->cipher.algorithm},
                   {"methods", p->methods.size()},
                   {"cases", p->cases.size()},
                   {"required_cases", required}});
  }
  return out;
}

std::string FillMessage(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string token = "{" + key + "}";
    for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size())) {
      text.replace(pos, token.size(), value);
    }
  }
  return text;
}

}  // namespace liantiao::standard
