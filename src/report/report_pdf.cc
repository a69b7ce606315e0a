#include "report/report_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib-object.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace liantiao::report {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------- RAII for the C objects

// One deleter template for every cairo / pango / glib release function, so each handle
// type is a one-line alias and nothing is released twice or leaked on an early return.
template <auto Release>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    if (p != nullptr) Release(p);
  }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_destroy>>;
using CairoPtr = std::unique_ptr<cairo_t, Deleter<cairo_destroy>>;
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, Deleter<cairo_font_options_destroy>>;
using PangoContextPtr = std::unique_ptr<PangoContext, Deleter<g_object_unref>>;
using LayoutPtr = std::unique_ptr<PangoLayout, Deleter<g_object_unref>>;
using FontPtr = std::unique_ptr<PangoFont, Deleter<g_object_unref>>;
using FontDescPtr = std::unique_ptr<PangoFontDescription, Deleter<pango_font_description_free>>;
using AttrListPtr = std::unique_ptr<PangoAttrList, Deleter<pango_attr_list_unref>>;
using GCharPtr = std::unique_ptr<gchar, Deleter<g_free>>;

// ---------------------------------------------------------------- page geometry (points)

constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210 * kMm;  // A4 portrait
constexpr double kPageHeight = 297 * kMm;
constexpr double kMargin = 20 * kMm;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kContentBottom = kPageHeight - kMargin;
// The footer sits in the bottom margin, so the body may use everything above it.
constexpr double kFooterTop = kContentBottom + 8;
constexpr double kCellPadding = 3;

constexpr const char* kFontFamily = "Noto Sans CJK SC";
constexpr const char* kDash = "—";

struct Style {
  double size;  // points
  bool bold = false;
};
constexpr Style kTitleStyle{18, true};
constexpr Style kHeadingStyle{12, true};
constexpr Style kBodyStyle{10};
constexpr Style kKeyStyle{10, true};
constexpr Style kTableStyle{9};
constexpr Style kTableHeaderStyle{9, true};
constexpr Style kFooterStyle{8};

// ---------------------------------------------------------------- reading the report JSON

// Accessors that never throw: a missing or mistyped part reads as empty, and its text
// as "—", because an incomplete record should still print rather than fail.
const json& Object(const json& j, const char* key) {
  static const json kEmpty = json::object();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kEmpty;
}

const json& Array(const json& j, const char* key) {
  static const json kEmpty = json::array();
  if (!j.is_object()) return kEmpty;
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

std::string Scalar(const json& v) {
  if (v.is_null()) return kDash;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return s.empty() ? kDash : s;
  }
  if (v.is_boolean()) return v.get<bool>() ? "是" : "否";
  if (v.is_array()) {
    std::string out;
    for (const json& e : v) {
      if (!out.empty()) out += "、";
      out += Scalar(e);
    }
    return out.empty() ? kDash : out;
  }
  // Numbers print as JSON does; `replace` keeps a stray invalid byte from throwing.
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Text(const json& j, const char* key) {
  if (!j.is_object()) return kDash;
  auto it = j.find(key);
  return it == j.end() ? std::string(kDash) : Scalar(*it);
}

bool Has(const json& j, const char* key) { return j.is_object() && j.contains(key) && !j[key].is_null(); }

// A time of the report (ISO 8601, as the JSON report has it) as a Chinese document
// writes it, in Shanghai time: "2026年11月28日 10:00". Anything else is shown as given.
std::string TimeText(const json& j, const char* key) {
  const std::string text = Text(j, key);
  auto at = ParseInstant(text);
  if (!at.ok() || text.size() <= 10) return text;  // a bare date is not a time of the report
  const CivilDay day = ShanghaiDay(*at);
  const long long of_day = (ToUnix(*at) + kShanghaiOffset.count()) % 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d年%u月%u日 %02lld:%02lld", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()), of_day / 3600,
                of_day % 3600 / 60);
  return buf;
}

std::string StatusWord(const json& c) {
  const std::string status = Text(c, "status");
  if (status == "pass") return "通过";
  if (status == "fail") return "未通过";
  if (status == "pending") return "待测";
  return status;
}

std::string PathWord(const std::string& path) {
  if (path == "first") return "首次对接";
  if (path == "connected_elsewhere") return "已在其他地市对接";
  return path;
}

// ---------------------------------------------------------------- typesetting

struct Column {
  const char* title;
  double width;  // points; the last column takes what the others leave
};

// Lays out and draws onto one cairo context, keeping the vertical position and the page
// number. It knows the total page count only on the second pass (0 before), which is why
// the whole document is rendered twice: "共 m 页" needs m before page 1 is finished.
class Typesetter {
 public:
  Typesetter(cairo_t* cr, PangoContext* pango, int total_pages, std::string digest)
      : cr_(cr), pango_(pango), total_pages_(total_pages), digest_(std::move(digest)) {}

  void Title(const std::string& text) {
    LayoutPtr l = Make(text, kTitleStyle, kContentWidth, PANGO_ALIGN_CENTER);
    Place(l.get(), kMargin, HeightOf(l.get()));
    y_ += 10;
  }

  void Heading(const std::string& text) {
    LayoutPtr l = Make(text, kHeadingStyle, kContentWidth);
    // Keep a heading with at least a few lines of what follows it.
    const double h = HeightOf(l.get());
    if (!Fits(h + 60)) Break();
    y_ += 8;
    Place(l.get(), kMargin, h);
    y_ += 4;
  }

  void Paragraph(const std::string& text) {
    LayoutPtr l = Make(text, kBodyStyle, kContentWidth);
    Place(l.get(), kMargin, HeightOf(l.get()));
    y_ += 2;
  }

  // Key/value lines: keys in a fixed column, values wrapping within the rest.
  void KeyValues(const std::vector<std::pair<std::string, std::string>>& lines) {
    constexpr double kKeyWidth = 110;
    for (const auto& [key, value] : lines) {
      LayoutPtr k = Make(key, kKeyStyle, kKeyWidth - 6);
      LayoutPtr v = Make(value, kBodyStyle, kContentWidth - kKeyWidth);
      const double h = std::max(HeightOf(k.get()), HeightOf(v.get())) + 3;
      if (!Fits(h)) Break();
      Draw(k.get(), kMargin, y_);
      Draw(v.get(), kMargin + kKeyWidth, y_);
      y_ += h;
    }
  }

  // A ruled table whose header row is repeated at the top of every page it runs onto.
  void Table(std::span<const Column> columns, const std::vector<std::vector<std::string>>& rows) {
    std::vector<double> widths;
    double used = 0;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const double w = i + 1 == columns.size() ? kContentWidth - used : columns[i].width;
      widths.push_back(w);
      used += w;
    }
    std::vector<std::string> titles;
    for (const Column& c : columns) titles.emplace_back(c.title);
    const Row header = MakeRow(titles, widths, kTableHeaderStyle);

    bool header_on_page = false;
    for (const auto& cells : rows) {
      const Row row = MakeRow(cells, widths, kTableStyle);
      if (header_on_page && !Fits(row.height)) {
        Break();
        header_on_page = false;
      }
      if (!header_on_page) {
        // The header never ends a page alone; a row taller than a whole page is drawn
        // anyway (clipped) rather than breaking forever.
        if (!Fits(header.height + row.height) && !AtPageTop()) Break();
        DrawRow(header, widths, true);
        header_on_page = true;
      }
      DrawRow(row, widths, false);
    }
  }

  // Draws the last page's footer and ends it; answers the number of pages.
  int Finish() {
    Footer();
    cairo_show_page(cr_);
    return page_;
  }

 private:
  struct Row {
    std::vector<LayoutPtr> cells;
    double height = 0;
  };

  LayoutPtr Make(const std::string& text, Style style, double width, PangoAlignment align = PANGO_ALIGN_LEFT) const {
    LayoutPtr layout(pango_layout_new(pango_));
    FontDescPtr font(pango_font_description_from_string(kFontFamily));
    // Absolute size: points are the PDF surface's unit, whatever pango's dpi is.
    pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(), style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_width(layout.get(), pango_units_from_double(width));
    // Words where possible, characters where a word (an id, a digest) is wider than the cell.
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    // ...and without the hyphen pango would add there: an app id or digest must read exactly.
    AttrListPtr attrs(pango_attr_list_new());
    pango_attr_list_insert(attrs.get(), pango_attr_insert_hyphens_new(FALSE));
    pango_layout_set_attributes(layout.get(), attrs.get());
    pango_layout_set_alignment(layout.get(), align);
    // Pango replaces invalid UTF-8 itself but warns on stderr; a report must not log noise.
    GCharPtr valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
    pango_layout_set_text(layout.get(), valid.get(), -1);
    return layout;
  }

  static double HeightOf(PangoLayout* layout) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return pango_units_to_double(logical.height);
  }

  Row MakeRow(const std::vector<std::string>& cells, const std::vector<double>& widths, Style style) const {
    Row row;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string& text = i < cells.size() ? cells[i] : std::string(kDash);
      row.cells.push_back(Make(text, style, widths[i] - 2 * kCellPadding));
      row.height = std::max(row.height, HeightOf(row.cells.back().get()));
    }
    row.height += 2 * kCellPadding;
    return row;
  }

  void DrawRow(const Row& row, const std::vector<double>& widths, bool shaded) {
    double x = kMargin;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      cairo_rectangle(cr_, x, y_, widths[i], row.height);
      if (shaded) {
        cairo_set_source_rgb(cr_, 0.90, 0.92, 0.95);
        cairo_fill_preserve(cr_);
      }
      cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
      cairo_set_line_width(cr_, 0.5);
      cairo_stroke(cr_);
      Draw(row.cells[i].get(), x + kCellPadding, y_ + kCellPadding);
      x += widths[i];
    }
    y_ += row.height;
  }

  void Draw(PangoLayout* layout, double x, double y) {
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
  }

  // Draws a block of the given height at the current position, on a new page if needed.
  void Place(PangoLayout* layout, double x, double height) {
    if (!Fits(height) && !AtPageTop()) Break();
    Draw(layout, x, y_);
    y_ += height;
  }

  bool Fits(double height) const { return y_ + height <= kContentBottom; }
  bool AtPageTop() const { return y_ <= kMargin; }

  void Break() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  void Footer() {
    cairo_set_source_rgb(cr_, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, kFooterTop - 3);
    cairo_line_to(cr_, kPageWidth - kMargin, kFooterTop - 3);
    cairo_stroke(cr_);
    constexpr double kPageNumberWidth = 100;
    LayoutPtr digest = Make("证据摘要：" + digest_, kFooterStyle, kContentWidth - kPageNumberWidth);
    const std::string total = total_pages_ > 0 ? std::to_string(total_pages_) : "?";
    LayoutPtr number = Make("第 " + std::to_string(page_) + " 页 共 " + total + " 页", kFooterStyle, kPageNumberWidth,
                            PANGO_ALIGN_RIGHT);
    Draw(digest.get(), kMargin, kFooterTop);
    Draw(number.get(), kPageWidth - kMargin - kPageNumberWidth, kFooterTop);
  }

  cairo_t* cr_;
  PangoContext* pango_;
  int total_pages_;
  std::string digest_;
  int page_ = 1;
  double y_ = kMargin;
};

// ---------------------------------------------------------------- the report's parts

std::vector<std::pair<std::string, std::string>> HeaderLines(const json& r, const std::string& content_digest) {
  const json& app = Object(r, "application");
  const json& vendor = Object(r, "vendor");
  const json& profile = Object(r, "profile");
  const json& key = Object(r, "key");

  std::string products;
  for (const json& p : Array(r, "products")) {
    if (!products.empty()) products += "\n";
    const char* kind = Has(p, "kind_name") ? "kind_name" : "kind";
    products +=
        Text(p, "name") + "　型号 " + Text(p, "model") + "　类型 " + Text(p, kind) + "　版本 " + Text(p, "version");
  }
  if (products.empty()) products = kDash;

  std::string city = Text(app, "city_name");
  if (Has(app, "city_code")) city += "（" + Text(app, "city_code") + "）";

  std::string standard = Text(profile, "title");
  if (Has(profile, "name")) standard += "（" + Text(profile, "name") + "）";
  standard += "　版本 " + Text(profile, "version");

  std::string validity = TimeText(key, "issued_at") + " 至 " + TimeText(key, "expires_at");
  if (Has(key, "revoked_at")) validity += "（已于 " + TimeText(key, "revoked_at") + " 撤销）";

  std::vector<std::pair<std::string, std::string>> lines = {
      {"申请编号", Text(app, "id")},
      {"申请状态", Text(app, Has(app, "state_name") ? "state_name" : "state")},
      {"对接方式", PathWord(Text(app, "path"))},
      {"提交时间", TimeText(app, "submitted_at")},
      {"企业名称", Text(vendor, "name")},
      {"统一社会信用代码", Text(vendor, "credit_code")},
      {"产品", products},
      {"城市", city},
      {"接口标准及版本", standard},
      {"测试密钥", Text(key, "app_id")},
      {"测试密钥有效期", validity},
      {"生成时间", TimeText(r, "generated_at")},
  };
  // Which evidence the footer's digest covers: what `liantiao report verify` recomputes.
  if (r.contains("evidence_covered") && r["evidence_covered"].is_object()) {
    const json& covered = r["evidence_covered"];
    lines.emplace_back("证据摘要范围", Has(covered, "last_id")
                                           ? "该测试密钥的 " + Text(covered, "rows") + " 条证据（至证据编号 " +
                                                 Text(covered, "last_id") + "），可对照平台数据核验页脚的证据摘要"
                                           : "报告生成时该测试密钥尚无证据");
  }
  // Decided: this is the report the decision was taken on, kept with it.
  if (Has(r, "frozen_at")) {
    lines.emplace_back("报告性质",
                       "联调结果记录时留存的报告（" + TimeText(r, "frozen_at") + "），此后的测试请求不再计入");
    // What the decision's history entry recorded of this report: the reader can quote it.
    if (!content_digest.empty()) lines.emplace_back("报告内容摘要", content_digest + "，已记入联调结论的历史记录");
  }
  // Path 2: the report shown is another city's, and the reader must be told whose; or,
  // once the application has a key of its own, its own, city B's beside it as the proof.
  if (r.contains("source") && r["source"].is_object()) {
    const json& source = r["source"];
    const bool own = source.value("own_test", false);
    std::string from = Has(source, "city_name") ? Text(source, "city_name") + "（" + Text(source, "city_code") + "）"
                                                : Text(source, "city_code");
    if (Has(source, "application_id")) from += "　申请编号 " + Text(source, "application_id");
    lines.emplace_back(own ? "已联调城市" : "报告来源城市", from);
    lines.emplace_back("来源说明", Text(source, "note"));
    if (own && source.contains("summary") && source["summary"].is_object()) {
      const json& summary = source["summary"];
      lines.emplace_back("该市测试概况", "必测用例 " + Text(summary, "required_passed") + "/" +
                                             Text(summary, "required") + " 通过；证据摘要 " +
                                             Text(source, "evidence_digest"));
    }
    if (Has(source, "frozen_at")) {
      lines.emplace_back(
          own ? "该市报告性质" : "报告性质",
          "该市记录联调结果时留存的报告（" + TimeText(source, "frozen_at") + "），此后的测试请求不再计入");
    }
  }
  return lines;
}

std::vector<std::string> SummaryLines(const json& r) {
  const json& s = Object(r, "summary");
  std::string verdict = kDash;
  if (s.contains("all_required_passed") && s["all_required_passed"].is_boolean()) {
    verdict = s["all_required_passed"].get<bool>() ? "必测用例全部通过" : "必测用例未全部通过";
  }
  return {
      "必测用例 " + Text(s, "required_passed") + "/" + Text(s, "required") + " 通过；全部用例 " + Text(s, "total") +
          " 项：通过 " + Text(s, "passed") + "，未通过 " + Text(s, "failed") + "，待测 " + Text(s, "pending") +
          "；测试请求 " + Text(s, "requests") + " 次" +
          (Has(s, "probes") && Text(s, "probes") != "0"
               ? "（另有平台对该市测试环境的探测 " + Text(s, "probes") + " 次，不计入用例判定）"
               : "") +
          "。",
      "结论：" + verdict,
  };
}

std::vector<std::vector<std::string>> CaseRows(const json& r) {
  std::vector<std::vector<std::string>> rows;
  int n = 0;
  for (const json& c : Array(r, "cases")) {
    // The document names cases by their titles; their ids are the JSON report's.
    const std::string name = Has(c, "title") ? Text(c, "title") : Text(c, "id");
    rows.push_back(
        {std::to_string(++n), name, Text(c, "required"), StatusWord(c), Text(c, "clause"), Text(c, "evidence_ids")});
  }
  return rows;
}

std::vector<std::vector<std::string>> FailureRows(const json& r) {
  std::vector<std::vector<std::string>> rows;
  int n = 0;
  // A failure names its case by the case's title, and the field it is about; the
  // rule's catalogue key (a machine word) stays in the JSON report.
  std::map<std::string, std::string> titles;
  for (const json& c : Array(r, "cases")) {
    if (Has(c, "id") && Has(c, "title")) titles[Text(c, "id")] = Text(c, "title");
  }
  for (const json& f : Array(r, "failures")) {
    const auto title = titles.find(Text(f, "case_id"));
    rows.push_back({std::to_string(++n), title != titles.end() ? title->second : Text(f, "case_id"),
                    Has(f, "path") && !Text(f, "path").empty() ? Text(f, "path") : kDash, Text(f, "clause"),
                    Text(f, "message"), Text(f, "evidence_id")});
  }
  return rows;
}

constexpr Column kCaseColumns[] = {{"序号", 30}, {"用例", 165},     {"必测", 32},
                                   {"结果", 42}, {"标准条款", 125}, {"证据编号", 0}};
constexpr Column kFailureColumns[] = {{"序号", 30},      {"用例", 85},  {"字段", 85},
                                      {"标准条款", 100}, {"说明", 125}, {"证据编号", 0}};

void Compose(Typesetter& t, const json& r, const std::string& content_digest) {
  t.Title(Has(r, "title") ? Text(r, "title") : "联调测试报告");
  t.KeyValues(HeaderLines(r, content_digest));
  t.Heading("测试概况");
  for (const std::string& line : SummaryLines(r)) t.Paragraph(line);
  t.Heading("测试用例");
  const auto cases = CaseRows(r);
  if (cases.empty()) {
    t.Paragraph(kDash);
  } else {
    t.Table(kCaseColumns, cases);
  }
  t.Heading("未通过的规则");
  const auto failures = FailureRows(r);
  if (failures.empty()) {
    t.Paragraph("无");
  } else {
    t.Table(kFailureColumns, failures);
  }
}

// ---------------------------------------------------------------- one rendering pass

Error RenderError(std::string reason) {
  return MakeError(ErrorCode::kReportRenderFailed, {}, {{"reason", std::move(reason)}});
}

// cairo calls this from C: it must not throw, so an allocation failure becomes a write error.
cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) noexcept {
  try {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  } catch (...) {
    return CAIRO_STATUS_WRITE_ERROR;
  }
}

// Fontconfig substitutes silently, and a substitute without CJK glyphs would print boxes:
// better to refuse than to issue an unreadable report.
Status RequireFont(PangoContext* pango) {
  FontDescPtr want(pango_font_description_from_string(kFontFamily));
  FontPtr font(pango_context_load_font(pango, want.get()));
  if (!font) return RenderError(std::string("font not found: ") + kFontFamily);
  FontDescPtr got(pango_font_describe(font.get()));
  const char* family = pango_font_description_get_family(got.get());
  if (family == nullptr || g_ascii_strcasecmp(family, kFontFamily) != 0) {
    return RenderError(std::string("font not installed: ") + kFontFamily + " (fonts-noto-cjk); got " +
                       (family ? family : "none"));
  }
  return OkStatus();
}

// Where a pass draws: the PDF into `out`, or, for counting the pages, a recording
// surface, which lays out and draws the same text with the same font options but embeds
// no font. (A PDF surface that discards its bytes would still build the font subsets, and
// for a CJK font cairo reads the whole outline table to do so: most of a render's time.)
// kCountOnPdf: the count taken on a PDF surface after all (see RenderReportPdf).
enum class Pass { kCount, kCountOnPdf, kWrite };

// Renders the whole document once; its page count.
Result<int> RenderPass(const json& report, const std::string& content_digest, int total_pages, Pass pass,
                       std::string* out = nullptr) {
  SurfacePtr surface(pass == Pass::kCount
                         ? cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr)
                         : cairo_pdf_surface_create_for_stream(pass == Pass::kWrite ? AppendToString : nullptr, out,
                                                               kPageWidth, kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return RenderError(cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  if (pass == Pass::kWrite) {
    const std::string title = Has(report, "title") ? Text(report, "title") : "联调测试报告";
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "liantiao");
  }

  CairoPtr cr(cairo_create(surface.get()));
  PangoContextPtr pango(pango_cairo_create_context(cr.get()));
  // Unhinted metrics: glyph advances as designed, so both passes (and every machine)
  // break lines and pages at the same places.
  FontOptionsPtr options(cairo_font_options_create());
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pango.get(), options.get());
  LT_RETURN_IF_ERROR(RequireFont(pango.get()));

  Typesetter t(cr.get(), pango.get(), total_pages, Text(report, "evidence_digest"));
  Compose(t, report, content_digest);
  const int pages = t.Finish();

  cairo_surface_finish(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return RenderError(cairo_status_to_string(cairo_status(cr.get())));
  }
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return RenderError(cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  return pages;
}

}  // namespace

Result<std::string> RenderReportPdf(const json& report, const std::string& content_digest) {
  if (!report.is_object()) return RenderError("report is not a JSON object");
  try {
    LT_ASSIGN_OR_RETURN(int pages, RenderPass(report, content_digest, 0, Pass::kCount));
    std::string pdf;
    LT_ASSIGN_OR_RETURN(int again, RenderPass(report, content_digest, pages, Pass::kWrite, &pdf));
    if (again != pages) {
      // Both surfaces are given the same unhinted font options, so they break lines and
      // pages alike; should a cairo or pango release ever differ, the count is taken on
      // a PDF surface, as the document itself is laid out.
      LT_ASSIGN_OR_RETURN(pages, RenderPass(report, content_digest, 0, Pass::kCountOnPdf));
      pdf.clear();
      LT_ASSIGN_OR_RETURN(again, RenderPass(report, content_digest, pages, Pass::kWrite, &pdf));
      // Identical text with identical metrics on identical surfaces: a difference is a bug.
      if (again != pages) return RenderError("page count changed between passes");
    }
    return pdf;
  } catch (const json::exception& e) {
    return RenderError(std::string("report JSON: ") + e.what());
  } catch (const std::exception& e) {
    return RenderError(e.what());
  }
}

}  // namespace liantiao::report
