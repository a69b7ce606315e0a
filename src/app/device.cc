#include "app/device.h"

#include <algorithm>
#include <map>
#include <thread>

#include "core/json_text.h"
#include "crypto/crypto.h"
#include "standard/request.h"
#include "standard/tokens.h"

namespace liantiao::app {

namespace {

Status AsStatus(Result<json> r) {
  if (!r.ok()) return r.take_error();
  return OkStatus();
}

std::string Today(Instant t) { return FormatInstant(t).substr(0, 10); }
std::string NowText(Instant t) {
  const std::string iso = FormatInstant(t);
  return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

}  // namespace

std::string FictitiousIdNumber(unsigned long long seed) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  const unsigned year = 1985 + seed % 15, month = 1 + (seed / 15) % 12, day = 1 + (seed / 180) % 28;
  const unsigned sequence = 100 + (seed / 5040) % 900;
  char body[18];
  std::snprintf(body, sizeof body, "440106%04u%02u%02u%03u", year % 10000, month % 100, day % 100, sequence % 1000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body, 17) + kCheck[sum % 11];
}

json SampleWorker(const std::string& name, const std::string& id_number) {
  return {{"workerName", name},
          {"isTeamLeader", 0},
          {"idCardType", "01"},
          {"idCardNumber", id_number},
          {"workType", "020"},
          {"workRole", 20},
          {"nation", "汉"},
          {"address", "广州"},
          {"headImage", standard::SamplePng()},
          {"cellPhone", "13800000000"},
          {"grantOrg", "广州市公安局"}};
}

DeviceClient::DeviceClient(DeviceOptions options, standard::KeyCodec codec, http::Url url)
    : options_(std::move(options)),
      codec_(std::move(codec)),
      url_(std::move(url)),
      connection_(url_.host, url_.port),
      nonce_prefix_(crypto::HexEncode(crypto::RandomBytes(6))) {}

Result<std::unique_ptr<DeviceClient>> DeviceClient::Make(const DeviceOptions& options) {
  if (!options.profile) return MakeError(ErrorCode::kInvalidField, "未指定接口标准");
  if (!options.clock) return MakeError(ErrorCode::kInvalidField, "未指定时钟");
  LT_ASSIGN_OR_RETURN(http::Url url, http::ParseUrl(options.endpoint));
  LT_ASSIGN_OR_RETURN(standard::KeyCodec codec, standard::KeyCodec::Make(*options.profile, options.secret));
  return std::unique_ptr<DeviceClient>(new DeviceClient(options, std::move(codec), std::move(url)));
}

standard::Form DeviceClient::Build(const std::string& method, const json& data) {
  return standard::BuildRequest(*options_.profile, codec_, options_.app_id, method, data, options_.clock->Now(),
                                nonce_prefix_ + std::to_string(++nonce_));
}

Result<json> DeviceClient::SendForm(const std::string& method, const standard::Form& form) {
  std::string target = url_.target;
  if (const auto pos = target.find("{method}"); pos != std::string::npos) target.replace(pos, 8, method);
  const standard::WireRequest wire = standard::ToWire(*options_.profile, form);
  LT_ASSIGN_OR_RETURN(http::ClientResponse r, connection_.Post(wire.Target(target), wire.content_type, wire.body));
  json body = ParseJsonBounded(r.body);
  if (body.is_discarded()) {
    return MakeError(ErrorCode::kInternal, "测试环境的应答不是 JSON（HTTP " + std::to_string(r.status) + "）");
  }
  return body;
}

Result<json> DeviceClient::Send(const std::string& method, const json& data) {
  return SendForm(method, Build(method, data));
}

Result<json> DeviceClient::SendBadlySigned(const std::string& method, const json& data) {
  standard::Form form = Build(method, data);
  form.back().second = std::string(form.back().second.size(), '0');
  return SendForm(method, form);
}

std::string DeviceClient::CodeOf(const json& answer) const {
  const json& c = answer.value(options_.profile->code_field, json());
  return c.is_string() ? c.get<std::string>() : c.dump();
}

bool DeviceClient::Success(const json& answer) const {
  return CodeOf(answer) == options_.profile->Error("success").code;
}

namespace {

class Sequence {
 public:
  Sequence(const DeviceOptions& o, DeviceClient& client, std::ostream& out) : o_(o), c_(client), out_(out) {}

  Result<DeviceReport> Run() {
    const standard::Profile& p = c_.profile();
    const Instant now = o_.clock->Now();
    LT_RETURN_IF_ERROR(Identify());
    if (o_.mistakes) {
      LT_RETURN_IF_ERROR(Mistake("Project.Query", {{"pageIndex", 0}, {"pageSize", 10}}, /*bad_sign=*/true));
    }
    LT_RETURN_IF_ERROR(AsStatus(Expect("Project.Query", {{"pageIndex", 0}, {"pageSize", 10}})));

    // This run's own team and training names: a second run on the same key sends new
    // records, not duplicates of the first run's.
    const std::string suffix = crypto::HexEncode(crypto::RandomBytes(3));
    json team = {{"projectCode", project_},
                 {"corpCode", corp_},
                 {"corpName", corp_name_},
                 {"teamName", "钢筋班组" + suffix},
                 {"responsiblePersonName", "王班长"},
                 {"responsiblePersonPhone", "13800000000"},
                 {"responsiblePersonIDCardType", "01"},
                 {"responsiblePersonIDNumber", FictitiousIdNumber(seed_ + 999)},
                 {"entryTime", Today(now)}};
    if (o_.mistakes) {
      json bad = team;
      bad.erase("teamName");
      LT_RETURN_IF_ERROR(Mistake("Team.Add", bad));
    }
    LT_ASSIGN_OR_RETURN(json team_result, Write("Team.Add", team));
    const long long team_no = standard::AssignedTeamNumber(team_result, c_.codec());
    if (team_no == 0) return MakeError(ErrorCode::kInternal, "Team.Add 未返回 teamSysNo");

    json workers = json::array();
    for (int i = 0; i < o_.workers; ++i) {
      json w = SampleWorker("测试工人" + std::to_string(i + 1), Id(i));
      w["isTeamLeader"] = i == 0 ? 1 : 0;
      w["address"] = "广东省广州市海珠区测试路" + std::to_string(i + 1) + "号";
      w["cellPhone"] = "1380000" + std::to_string(1000 + i);
      w["grantOrg"] = "广州市公安局海珠分局";
      w["payRollBankCardNumber"] = "62220000000000" + std::to_string(10000 + i);
      w["payRollBankName"] = "中国工商银行广州分行";
      w["payRollTopBankCode"] = "102";
      workers.push_back(std::move(w));
    }
    json worker_add = {{"projectCode", project_},      {"corpCode", corp_},
                       {"corpName", corp_name_},       {"teamSysNo", team_no},
                       {"teamName", team["teamName"]}, {"workerList", workers}};
    if (o_.mistakes) {
      json bad = worker_add;
      std::string id = Id(0);
      id.back() = id.back() == '1' ? '2' : '1';  // a wrong check digit
      bad["workerList"][0]["idCardNumber"] = id;
      LT_RETURN_IF_ERROR(Mistake("ProjectWorker.Add", bad));
    }
    LT_RETURN_IF_ERROR(AsStatus(Write("ProjectWorker.Add", worker_add)));
    if (p.FindMethod("ProjectWorker.Update")) {
      // A worker's phone number changes: only that field is sent.
      json update = worker_add;
      update["workerList"] = {{{"idCardType", "01"}, {"idCardNumber", Id(0)}, {"cellPhone", "13900001000"}}};
      LT_RETURN_IF_ERROR(AsStatus(Write("ProjectWorker.Update", update)));
    }

    json entries = json::array();
    for (int i = 0; i < o_.workers; ++i) {
      entries.push_back({{"idCardType", "01"}, {"idCardNumber", Id(i)}, {"date", Today(now)}, {"type", "1"}});
    }
    LT_RETURN_IF_ERROR(AsStatus(Write("WorkerEntryExit.Add", {{"projectCode", project_},
                                                              {"corpCode", corp_},
                                                              {"corpName", corp_name_},
                                                              {"teamSysNo", team_no},
                                                              {"workerList", entries}})));
    const Instant in_at = o_.clock->Now();
    for (const char* direction : {"01", "02"}) {
      json list = json::array();
      for (int i = 0; i < o_.workers; ++i) {
        list.push_back({{"idCardType", "01"},
                        {"idCardNumber", Id(i)},
                        {"date", NowText(std::string(direction) == "01" ? in_at : o_.clock->Now())},
                        {"direction", direction},
                        {"attendType", "001"},
                        {"image", standard::SamplePng()}});  // the gate's face capture
      }
      // An out after its in: the second record is dated no earlier than the first.
      LT_RETURN_IF_ERROR(AsStatus(
          Write("WorkerAttendance.Add", {{"projectCode", project_}, {"teamSysNo", team_no}, {"dataList", list}})));
    }
    json contracts = json::array();
    for (int i = 0; i < o_.workers; ++i) {
      contracts.push_back({{"corpCode", corp_},
                           {"corpName", corp_name_},
                           {"idCardType", "01"},
                           {"idCardNumber", Id(i)},
                           {"contractPeriodType", "0"},
                           {"startDate", Today(now)},
                           {"endDate", std::to_string(std::stoi(Today(now).substr(0, 4)) + 1) + "-12-31"}});
    }
    LT_RETURN_IF_ERROR(AsStatus(Write("WorkerContract.Add", {{"projectCode", project_}, {"contractList", contracts}})));
    json details = json::array();
    for (int i = 0; i < o_.workers; ++i) {
      details.push_back({{"idCardType", "01"},
                         {"idCardNumber", Id(i)},
                         {"days", 22},
                         {"workHours", 176},
                         {"payRollBankCardNumber", "62220000000000" + std::to_string(10000 + i)},
                         {"payRollBankCode", "102"},
                         {"payRollBankName", "中国工商银行广州分行"},
                         {"payBankCardNumber", "6222000000009999999"},
                         {"payBankCode", "102"},
                         {"payBankName", "中国工商银行广州分行"},
                         {"totalPayAmount", 8000.00},
                         {"actualAmount", 8000.00},
                         {"isBackPay", 0},
                         {"balanceDate", Today(now)}});
    }
    LT_RETURN_IF_ERROR(AsStatus(Write("Payroll.Add", {{"projectCode", project_},
                                                      {"corpCode", corp_},
                                                      {"corpName", corp_name_},
                                                      {"teamSysNo", team_no},
                                                      {"payMonth", Today(now).substr(0, 7)},
                                                      {"detailList", details}})));
    LT_RETURN_IF_ERROR(AsStatus(Write("ProjectTraining.Add", {{"projectCode", project_},
                                                              {"trainingDate", Today(now)},
                                                              {"trainingDuration", 2},
                                                              {"trainingName", "入场安全教育" + suffix},
                                                              {"trainingTypeCode", "003002"}})));
    LT_RETURN_IF_ERROR(
        AsStatus(Expect("ProjectWorker.Query", {{"projectCode", project_}, {"pageIndex", 0}, {"pageSize", 10}})));
    return std::move(report_);
  }

  // One request of the vendor's own (SendOne): the requests it assumes (`given`) first,
  // each `${…}` token filled, and every asynchronous write polled until its result is
  // final.
  Result<DeviceReport> One(const std::string& method, const json& data, const json& given) {
    const std::string text = data.dump() + given.dump();
    if (text.find("${projectCode}") != std::string::npos || text.find("${corp") != std::string::npos) {
      LT_RETURN_IF_ERROR(Identify());
    }
    std::map<std::string, json> values = standard::ExampleTokens({project_, corp_, corp_name_}, o_.clock->Now());
    for (const json& g : given) {
      if (!g.is_object() || !g.value("method", json()).is_string()) {
        return MakeError(ErrorCode::kInvalidField, "given 须是 {\"method\": …, \"data\": …} 的列表");
      }
      const std::string given_method = g["method"];
      LT_ASSIGN_OR_RETURN(json filled, Fill(g.value("data", json::object()), values));
      LT_ASSIGN_OR_RETURN(json result, Write(given_method, filled));
      // What later requests name by what the platform assigned, as the examples do.
      standard::NoteAssigned(given_method, result, c_.codec(), values);
      if (!last_serial_.empty()) values["serial"] = last_serial_;
    }
    LT_ASSIGN_OR_RETURN(json filled, Fill(data, values));
    LT_RETURN_IF_ERROR(AsStatus(Write(method, filled)));
    return std::move(report_);
  }

 private:
  // The key's test project and contractor: as given (--project-code and the rest), else
  // as CheckSign.Query answers them.
  Status Identify() {
    const standard::Profile& p = c_.profile();
    if (p.FindMethod("CheckSign.Query")) {
      LT_ASSIGN_OR_RETURN(json a, Expect("CheckSign.Query", json::object()));
      const json d = a.value(p.data_field, json());
      if (o_.project_code.empty() && d.is_object()) {
        project_ = d.value("projectCode", "");
        corp_ = d.value("corpCode", "");
        corp_name_ = d.value("corpName", "");
      }
    }
    if (project_.empty()) {
      return MakeError(ErrorCode::kInvalidField, "请用 --project-code、--corp-code、--corp-name 指定测试项目");
    }
    return OkStatus();
  }

  // `v` with its `${…}` tokens filled, or the first token nothing fills, named with the
  // tokens that can be filled at this point, before anything is sent.
  static Result<json> Fill(const json& v, const std::map<std::string, json>& values) {
    json filled = standard::FillTokens(v, values);
    if (const std::string left = standard::FirstToken(filled); !left.empty()) {
      std::string known;
      for (const auto& [name, value] : values) known += (known.empty() ? "${" : "、${") + name + "}";
      return MakeError(ErrorCode::kInvalidField, "data 中的 " + left + " 没有可代入的值，请改为实际值（可代入：" +
                                                     known +
                                                     "；given 中的 Team.Add、Project.Add 与异步写入另可代入 "
                                                     "${teamSysNo}、${addedProjectCode}、${serial}）");
    }
    return filled;
  }

  std::string Id(int i) const { return FictitiousIdNumber(seed_ + static_cast<unsigned long long>(i) * 7919); }

  void Print(const std::string& arrow, const std::string& method, const json& body) {
    if (o_.quiet) return;
    std::string text = body.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 600) {
      std::size_t cut = 600;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a whole character
      text = text.substr(0, cut) + "…";
    }
    out_ << arrow << " " << method << " " << text << "\n";
  }

  // Sends and records; retries a transient fault (the profile's -5 or server error)
  // with the same data, as a well-behaved client must.
  Result<json> Exchange(const std::string& method, const json& data, bool mistake, bool bad_sign = false) {
    const standard::Profile& p = c_.profile();
    for (int attempt = 0;; ++attempt) {
      Print("→", method + (mistake ? "（有意出错）" : ""), data);
      auto answer = bad_sign ? c_.SendBadlySigned(method, data) : c_.Send(method, data);
      if (!answer.ok()) return answer.take_error();
      Print("←", method, *answer);
      const std::string code = c_.CodeOf(*answer);
      const bool transient = code == p.Error("rate_limited").code || code == p.Error("server_error").code;
      const bool accepted = c_.Success(*answer);
      report_.exchanges.push_back({method, mistake, data, *answer, accepted});
      accepted ? ++report_.accepted : ++report_.refused;
      if (transient && !mistake && attempt < 3) {
        Wait(o_.retry_delay);
        continue;
      }
      return std::move(answer).value();
    }
  }

  Result<json> Expect(const std::string& method, const json& data) {
    LT_ASSIGN_OR_RETURN(json a, Exchange(method, data, false));
    if (!c_.Success(a)) {
      ++report_.unexpected;
      return MakeError(ErrorCode::kInvalidField, method + " 被拒绝：" + a.value(c_.profile().message_field, ""));
    }
    return a;
  }

  Status Mistake(const std::string& method, const json& data, bool bad_sign = false) {
    LT_ASSIGN_OR_RETURN(json a, Exchange(method, data, true, bad_sign));
    if (c_.Success(a)) {
      ++report_.unexpected;
      return MakeError(ErrorCode::kInvalidField, method + " 的错误请求竟被受理");
    }
    return OkStatus();
  }

  // A write: sent, then (async profiles) polled until the result is final.
  Result<json> Write(const std::string& method, const json& data) {
    const standard::Profile& p = c_.profile();
    LT_ASSIGN_OR_RETURN(json a, Expect(method, data));
    const json d = a.value(p.data_field, json());
    if (!d.is_object() || !d.contains(p.serial_field)) return d;  // answered at once
    const json serial = {{p.serial_field, d[p.serial_field]}};
    if (d[p.serial_field].is_string()) last_serial_ = d[p.serial_field];
    for (int poll = 0; poll < o_.max_polls; ++poll) {
      LT_ASSIGN_OR_RETURN(json r, Expect(p.async_query_method, serial));
      const json rd = r.value(p.data_field, json());
      const int status = rd.value("status", p.status_pending);
      if (status == p.status_succeeded) {
        const json result = ParseJsonBounded(rd.value("result", std::string("{}")));
        if (result.is_array() && !result.empty()) return result[0];
        return result.is_object() ? result : json::object();
      }
      if (status == p.status_failed) {
        ++report_.unexpected;
        return MakeError(ErrorCode::kInvalidField, method + " 处理失败：" + rd.value("result", std::string()));
      }
      Wait(o_.poll_interval);
    }
    ++report_.unexpected;
    return MakeError(ErrorCode::kInternal, method + " 的异步结果一直未处理完");
  }

  void Wait(std::chrono::milliseconds d) {
    if (o_.wait) {
      o_.wait(d);
    } else {
      std::this_thread::sleep_for(d);
    }
  }

  const DeviceOptions& o_;
  DeviceClient& c_;
  std::ostream& out_;
  DeviceReport report_;
  std::string last_serial_;  // the serial code of the last asynchronous write
  std::string project_ = o_.project_code, corp_ = o_.corp_code, corp_name_ = o_.corp_name;
  unsigned long long seed_ = [] {
    const std::string r = crypto::RandomBytes(8);
    unsigned long long v = 0;
    for (unsigned char c : r) v = v * 256 + c;
    return v % 1000000000ULL;
  }();
};

}  // namespace

Result<DeviceReport> RunDevice(const DeviceOptions& options, std::ostream& out) {
  LT_ASSIGN_OR_RETURN(auto client, DeviceClient::Make(options));
  Sequence s(options, *client, out);
  auto r = s.Run();
  return r;
}

Result<DeviceRequest> DeviceData(std::string_view text) {
  json file = ParseJsonBounded(text);
  if (file.is_discarded()) return MakeError(ErrorCode::kInvalidField, "--data 文件不是有效的 JSON");
  return DeviceRequestOf(file);
}

Result<DeviceRequest> DeviceRequestOf(const json& file) {
  DeviceRequest r{file, json::array()};
  if (file.is_object() && file.contains("data") && file.contains("expect")) {
    r.data = file["data"];
    r.given = file.value("given", json::array());
    if (!r.given.is_array()) return MakeError(ErrorCode::kInvalidField, "示例的 given 须是列表");
  }
  if (!r.data.is_object()) return MakeError(ErrorCode::kInvalidField, "--data 文件须是 JSON 对象（请求的 data）");
  return r;
}

Result<DeviceReport> SendOne(const DeviceOptions& options, const std::string& method, const DeviceRequest& request,
                             std::ostream& out) {
  LT_ASSIGN_OR_RETURN(auto client, DeviceClient::Make(options));
  Sequence s(options, *client, out);
  return s.One(method, request.data, request.given);
}

}  // namespace liantiao::app
