#include "app/demo.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "app/runtime.h"
#include "services/history.h"
#include "storage/database.h"

namespace liantiao::app {

namespace {

using domain::AppAction;
using domain::Role;
using services::ActionInput;
using services::json;
using services::Principal;

// A one-page PDF saying which demo material it stands for, with the cross-reference
// table a viewer needs to open it (a browser's viewer refuses a file without one).
// Written by hand rather than through the report layer's cairo and pango: one line of
// ASCII in a standard font needs no layout or CJK fonts, and the demo stays writable
// where fonts are missing.
std::string DemoPdf(const std::string& line) {
  const std::string text = "BT /F1 14 Tf 72 760 Td (" + line + ") Tj ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
      "/Contents 4 0 R >>",
      "<< /Length " + std::to_string(text.size()) + " >>\nstream\n" + text + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

class DemoBuilder {
 public:
  DemoBuilder(services::Platform& pf, ManualClock& clock, Instant base) : pf_(pf), clock_(clock), base_(base) {}

  void At(int day, int hour = 10) { clock_.Set(base_ + std::chrono::days{day} + std::chrono::hours{hour - 9}); }

  Result<Principal> User(Role role, const std::string& username, const std::string& display,
                         std::optional<std::string> city = std::nullopt) {
    services::NewUser u{role, username, kDemoPassword, display, city, std::nullopt};
    LT_ASSIGN_OR_RETURN(long long id, pf_.auth.AddUser(u, services::Actor{std::nullopt, "demo", Role::kAdmin}));
    logins_.push_back({username, display});
    return Principal{id, username, role, city, std::nullopt};
  }

  // A demo enterprise: its name, credit code and login, then its own legal
  // representative, address, contact and phone.
  struct Enterprise {
    std::string name, code, username, legal_rep, address, contact, phone;
  };
  Result<Principal> Vendor(const Enterprise& e) {
    const std::string& name = e.name;
    const std::string& username = e.username;
    services::VendorRegistration r{
        {name, e.legal_rep, e.address, e.contact, e.phone, username + "@example.cn"}, e.code, username, kDemoPassword};
    LT_ASSIGN_OR_RETURN(json v, pf_.auth.RegisterVendor(r, false));
    logins_.push_back({username, name});
    return Principal{v["user"]["id"].get<long long>(), username, Role::kVendor, std::nullopt,
                     v["enterprise"]["id"].get<long long>()};
  }

  Result<long long> Product(const Principal& v, const std::string& name, const std::string& model,
                            const std::string& kind) {
    LT_ASSIGN_OR_RETURN(json p, pf_.applications.CreateProduct(v, {name, model, kind, "V2.3.1"}));
    return p["id"].get<long long>();
  }

  Result<long long> Application(const Principal& v, const std::string& city, std::vector<long long> products,
                                const std::string& description, std::optional<std::string> connected = std::nullopt) {
    services::NewApplication a{city, std::move(products), connected ? "connected_elsewhere" : "first", connected,
                               description};
    LT_ASSIGN_OR_RETURN(json app, pf_.applications.Create(v, a));
    const long long id = app["id"].get<long long>();
    for (const char* kind : {"business_license", "product_description", "interface_statement"}) {
      LT_ASSIGN_OR_RETURN(
          json m, pf_.applications.UploadMaterial(
                      v, id, kind, std::string(kind) + ".pdf",
                      DemoPdf("liantiao demo material: " + std::string(kind) + ", application " + std::to_string(id))));
      (void)m;
    }
    return id;
  }

  Status Act(const Principal& p, long long id, AppAction action, ActionInput in = {}) {
    auto r = pf_.applications.Act(p, id, action, in);
    if (!r.ok()) return r.take_error();
    return OkStatus();
  }

  const std::vector<std::pair<std::string, std::string>>& logins() const { return logins_; }

 private:
  services::Platform& pf_;
  ManualClock& clock_;
  Instant base_;
  std::vector<std::pair<std::string, std::string>> logins_;
};

json Problems(std::initializer_list<std::pair<const char*, const char*>> items) {
  json out = json::array();
  for (auto [clause, text] : items) out.push_back({{"clause", clause}, {"text", text}});
  return out;
}

}  // namespace

Status RunDemo(const AppConfig& config, std::ostream& out) {
  SystemClock system_clock;
  const Instant now = system_clock.Now();
  // Replay the last 30 days, starting at 09:00 Shanghai 30 days ago.
  const Instant base = StartOfDay(AddDays(ShanghaiDay(now), -30)) + std::chrono::hours{9};
  ManualClock clock{base};
  LT_ASSIGN_OR_RETURN(auto rt, Runtime::Open(config, clock, clock));
  services::Platform& pf = rt->platform();
  auto users = rt->db().Read<long long>([](soci::session& sql) -> Result<long long> {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM users", soci::into(n);
    return n;
  });
  if (!users.ok()) return users.take_error();
  if (*users > 0) {
    return MakeError(ErrorCode::kAlreadyExists, "数据库已有数据，演示数据只能写入空数据库");
  }
  DemoBuilder b(pf, clock, base);
  b.At(0, 9);
  LT_ASSIGN_OR_RETURN(Principal admin, b.User(Role::kAdmin, "admin", "平台管理员"));
  (void)admin;
  LT_ASSIGN_OR_RETURN(Principal province, b.User(Role::kProvince, "province", "省住房城乡建设厅"));
  (void)province;
  LT_ASSIGN_OR_RETURN(json cities, pf.Cities());
  std::map<std::string, Principal> reviewer, support;
  for (const json& c : cities) {
    const std::string code = c["code"], name = c["name"];
    LT_ASSIGN_OR_RETURN(reviewer[code], b.User(Role::kCityReviewer, "reviewer_" + code, name + "住房城乡建设局", code));
    LT_ASSIGN_OR_RETURN(support[code],
                        b.User(Role::kTechSupport, "support_" + code, name + "实名制系统技术支持单位", code));
  }
  LT_ASSIGN_OR_RETURN(Principal va, b.Vendor({"广州华安智能科技有限公司", "91440101MA59ABCD1D", "huaan", "张伟",
                                              "广东省广州市天河区科韵路 16 号", "李明", "020-38880000"}));
  LT_ASSIGN_OR_RETURN(Principal vb, b.Vendor({"深圳捷通物联技术有限公司", "91440300MA5FXY712F", "jietong", "黄志强",
                                              "广东省深圳市南山区科技园南区高新南七道 8 号", "陈静", "0755-86660000"}));
  LT_ASSIGN_OR_RETURN(long long gate, b.Product(va, "人脸识别闸机", "HA-FG300", "face_gate"));
  LT_ASSIGN_OR_RETURN(long long term, b.Product(va, "实名制考勤终端", "HA-AT20", "attendance_terminal"));
  LT_ASSIGN_OR_RETURN(long long jt_gate, b.Product(vb, "工地实名制通道闸", "JT-G8", "face_gate"));

  const std::string gz = "440100", sz = "440300", zh = "440400", st = "440500", fs = "440600", jm = "440700",
                    hz = "441300", dg = "441900", zs = "442000";
  // Day 0: applications on the first path.
  LT_ASSIGN_OR_RETURN(long long a_ok, b.Application(va, gz, {gate, term}, "人脸识别闸机与考勤终端首次在广东对接"));
  LT_ASSIGN_OR_RETURN(long long a_delay, b.Application(va, hz, {gate}, "闸机接入惠州市实名制管理系统"));
  LT_ASSIGN_OR_RETURN(long long a_ret, b.Application(va, dg, {term}, "考勤终端接入东莞市系统"));
  LT_ASSIGN_OR_RETURN(long long a_wd, b.Application(va, jm, {term}, "考勤终端接入江门市系统"));
  LT_ASSIGN_OR_RETURN(long long b_ok, b.Application(vb, gz, {jt_gate}, "通道闸首次在广东对接"));
  LT_ASSIGN_OR_RETURN(long long a_draft, b.Application(va, st, {gate}, "闸机接入汕头市系统（草稿）"));
  (void)a_draft;
  for (long long id : {a_ok, a_delay, a_ret, a_wd}) LT_RETURN_IF_ERROR(b.Act(va, id, AppAction::kSubmit));
  LT_RETURN_IF_ERROR(b.Act(vb, b_ok, AppAction::kSubmit));
  b.At(1);
  LT_RETURN_IF_ERROR(b.Act(reviewer[gz], a_ok, AppAction::kApprove));
  LT_RETURN_IF_ERROR(b.Act(reviewer[gz], b_ok, AppAction::kApprove));
  LT_RETURN_IF_ERROR(b.Act(reviewer[hz], a_delay, AppAction::kApprove));
  b.At(2);
  {
    ActionInput ret;
    auto detail = pf.applications.Get(reviewer[dg], a_ret);
    if (!detail.ok()) return detail.take_error();
    ret.problems =
        json::array({{{"material_id", (*detail)["materials"][0]["id"]}, {"text", "营业执照复印件未加盖企业公章"}},
                     {{"text", "接口说明未写明所遵循的数据接口标准版本（应为 V1.3）"}}});
    LT_RETURN_IF_ERROR(b.Act(reviewer[dg], a_ret, AppAction::kReturn, ret));
  }
  b.At(3);
  LT_RETURN_IF_ERROR(b.Act(reviewer[gz], a_ok, AppAction::kSucceed, {json::array(), "全部接口联调通过"}));
  b.At(4);
  LT_RETURN_IF_ERROR(b.Act(reviewer[gz], b_ok, AppAction::kSucceed, {json::array(), "联调通过"}));
  b.At(5);
  LT_RETURN_IF_ERROR(b.Act(va, a_wd, AppAction::kWithdraw));
  b.At(12);
  LT_RETURN_IF_ERROR(b.Act(reviewer[hz], a_delay, AppAction::kDelay,
                           {Problems({{"V1.3 5.4 WorkerAttendance.Add", "考勤记录时间晚于当前时间，未通过业务规则校验"},
                                      {"V1.3 4.2 签名", "签名计算未按参数名排序，服务端返回 -2"}}),
                            "联调期内未完成考勤上传"}));
  // From day 3 the products have succeeded in 广州, so applications for them come by the
  // second path with that success as their linked proof.
  // Day 14–15: a joint test that will run past its window.
  b.At(14);
  LT_ASSIGN_OR_RETURN(long long a_jt_late,
                      b.Application(va, zs, {gate}, "闸机已在广州市联调成功，申请接入中山市系统", gz));
  LT_RETURN_IF_ERROR(b.Act(va, a_jt_late, AppAction::kSubmit));
  b.At(15);
  LT_RETURN_IF_ERROR(b.Act(reviewer[zs], a_jt_late, AppAction::kApprove));
  // Day 20: a review that will run past its deadline.
  b.At(20);
  LT_ASSIGN_OR_RETURN(long long a_rev_late,
                      b.Application(va, fs, {term}, "考勤终端已在广州市联调成功，申请接入佛山市系统", gz));
  LT_RETURN_IF_ERROR(b.Act(va, a_rev_late, AppAction::kSubmit));
  // Day 21: an unfounded complaint on the late joint test.
  b.At(21);
  {
    services::NewComplaint c{a_jt_late,
                             "",
                             "",
                             "中山市实名制管理系统",
                             "technical_barrier",
                             "对接时服务端多次返回系统繁忙，无法完成班组上传。",
                             FormatInstant(clock.Now()),
                             true};
    LT_ASSIGN_OR_RETURN(json filed, pf.complaints.File(va, c));
    b.At(22);
    LT_ASSIGN_OR_RETURN(json v,
                        pf.complaints.Verify(reviewer[zs], filed["id"].get<long long>(),
                                             {false, "经核查服务端运行正常，失败原因为企业签名错误。", std::nullopt}));
    (void)v;
  }
  // Day 26–28: a joint test with a founded complaint under rectification.
  b.At(26);
  LT_ASSIGN_OR_RETURN(long long a_cmp,
                      b.Application(va, zh, {gate, term}, "闸机与考勤终端已在广州市联调成功，申请接入珠海市系统", gz));
  LT_RETURN_IF_ERROR(b.Act(va, a_cmp, AppAction::kSubmit));
  b.At(27);
  LT_RETURN_IF_ERROR(b.Act(reviewer[zh], a_cmp, AppAction::kApprove));
  b.At(27, 14);
  // The vendor claims the key it then finds unusable: its key history shows the claim.
  LT_ASSIGN_OR_RETURN(auto claimed, pf.applications.ClaimKey(va, a_cmp));
  (void)claimed;
  b.At(27, 15);
  {
    services::NewComplaint c{a_cmp,
                             "",
                             "",
                             "珠海市实名制管理系统技术支持单位",
                             "key_unusable",
                             "领取的测试密钥调用接口时返回 -3（appid 无效），无法开始联调。",
                             FormatInstant(clock.Now()),
                             true};
    LT_ASSIGN_OR_RETURN(json filed, pf.complaints.File(va, c));
    b.At(28);
    LT_ASSIGN_OR_RETURN(json v, pf.complaints.Verify(reviewer[zh], filed["id"].get<long long>(),
                                                     {true, "经核实测试环境未登记该密钥，投诉属实。", 3}));
    (void)v;
  }
  // Day 29: fresh work in the inboxes, including the second path (linked proof).
  b.At(29);
  LT_ASSIGN_OR_RETURN(long long a_new, b.Application(va, sz, {gate}, "闸机已在广州市联调成功，申请接入深圳市系统", gz));
  LT_RETURN_IF_ERROR(b.Act(va, a_new, AppAction::kSubmit));
  LT_ASSIGN_OR_RETURN(long long b_path2, b.Application(vb, sz, {jt_gate}, "已在广州市联调成功，申请接入深圳市", gz));
  LT_RETURN_IF_ERROR(b.Act(vb, b_path2, AppAction::kSubmit));

  // Now: the platform sweeps and raises the alerts the past 30 days left due.
  clock.Set(now);
  LT_ASSIGN_OR_RETURN(auto swept, pf.alerts.Sweep(now));

  out << "演示数据已写入 " << storage::MaskPassword(config.db_url) << "\n"
      << "  21 个城市、" << b.logins().size() << " 个用户、2 家企业，各状态的申请俱全；本次巡检产生预警 "
      << swept.raised << " 条\n\n"
      << "演示账号（密码均为 " << kDemoPassword << "）\n";
  out << "  admin                  平台管理员\n"
      << "  province               省住房城乡建设厅\n"
      << "  huaan                  企业：广州华安智能科技有限公司\n"
      << "  jietong                企业：深圳捷通物联技术有限公司\n"
      << "  reviewer_440100        广州市住房城乡建设局（各市：reviewer_<城市代码>）\n"
      << "  support_440400         珠海市技术支持单位（各市：support_<城市代码>）\n";
  return OkStatus();
}

}  // namespace liantiao::app
