#include "core/error.h"

#include <cassert>

namespace liantiao {
namespace {

struct Entry {
  std::string_view word;
  ErrorCategory category;
  std::string_view message;
};

// One switch without default: a new ErrorCode that is not listed here fails to compile
// with -Werror=switch.
Entry Lookup(ErrorCode code) {
  using C = ErrorCategory;
  switch (code) {
    case ErrorCode::kMalformedJson:
      return {"malformed_json", C::kInvalidInput, "请求体不是有效的 JSON"};
    case ErrorCode::kInvalidField:
      return {"invalid_field", C::kUnprocessable, "字段取值无效"};
    case ErrorCode::kMissingField:
      return {"missing_field", C::kUnprocessable, "缺少必填字段"};
    case ErrorCode::kUnauthenticated:
      return {"unauthenticated", C::kUnauthenticated, "请先登录"};
    case ErrorCode::kBadCredentials:
      return {"bad_credentials", C::kUnauthenticated, "用户名或密码错误"};
    case ErrorCode::kAccountDisabled:
      return {"account_disabled", C::kForbidden, "账号已停用，请联系系统管理员"};
    case ErrorCode::kCsrfMismatch:
      return {"csrf_mismatch", C::kForbidden, "CSRF 校验失败，请刷新页面后重试"};
    case ErrorCode::kForbidden:
      return {"forbidden", C::kForbidden, "当前角色无权执行此操作"};
    case ErrorCode::kNotFound:
      return {"not_found", C::kNotFound, "记录不存在"};
    case ErrorCode::kMethodNotAllowed:
      return {"method_not_allowed", C::kMethodNotAllowed, "该接口不支持此请求方法"};
    case ErrorCode::kInvalidTransition:
      return {"invalid_transition", C::kConflict, "当前状态不允许此操作"};
    case ErrorCode::kAlreadyExists:
      return {"already_exists", C::kConflict, "记录已存在"};
    case ErrorCode::kAlreadyClaimed:
      return {"already_claimed", C::kConflict, "测试密钥已领取，如需查看请重新生成"};
    case ErrorCode::kProblemsRequired:
      return {"problems_required", C::kUnprocessable, "须逐项列明问题"};
    case ErrorCode::kInvalidCreditCode:
      return {"invalid_credit_code", C::kUnprocessable, "统一社会信用代码无效"};
    case ErrorCode::kUnknownCity:
      return {"unknown_city", C::kUnprocessable, "未知的城市代码"};
    case ErrorCode::kUnknownProduct:
      return {"unknown_product", C::kUnprocessable, "未知的产品"};
    case ErrorCode::kPayloadTooLarge:
      return {"payload_too_large", C::kTooLarge, "上传内容超过大小限制"};
    case ErrorCode::kUnsupportedFileType:
      return {"unsupported_file_type", C::kUnprocessable, "不支持的文件类型"};
    case ErrorCode::kTooManyAttempts:
      return {"too_many_attempts", C::kRateLimited, "登录失败次数过多，请稍后再试"};
    case ErrorCode::kQuotaExceeded:
      return {"quota_exceeded", C::kConflict, "已达到上限"};
    case ErrorCode::kServerBusy:
      return {"server_busy", C::kUnavailable, "服务器繁忙，请稍后重试"};
    case ErrorCode::kInvalidCalendar:
      return {"invalid_calendar", C::kUnprocessable, "工作日历数据无效"};
    case ErrorCode::kDatabaseError:
      return {"database_error", C::kInternal, "数据库错误，请稍后重试"};
    case ErrorCode::kStorageError:
      return {"storage_error", C::kInternal, "文件存储错误，请稍后重试"};
    case ErrorCode::kConfigError:
      return {"config_error", C::kInternal, "配置错误"};
    case ErrorCode::kReportRenderFailed:
      return {"report_render_failed", C::kInternal, "联调测试报告生成失败"};
    case ErrorCode::kInternal:
      return {"internal", C::kInternal, "服务器内部错误"};
  }
  assert(false && "unknown ErrorCode");
  return {"internal", C::kInternal, "服务器内部错误"};
}

}  // namespace

ErrorCategory CategoryOf(ErrorCode code) { return Lookup(code).category; }
std::string_view CodeWordOf(ErrorCode code) { return Lookup(code).word; }
std::string_view DefaultMessageOf(ErrorCode code) { return Lookup(code).message; }

ErrorCategory Error::Category() const { return CategoryOf(code); }
std::string_view Error::CodeWord() const { return CodeWordOf(code); }

Error MakeError(ErrorCode code, std::string message, nlohmann::json details) {
  if (message.empty()) message = std::string(DefaultMessageOf(code));
  return Error{code, std::move(message), std::move(details)};
}

}  // namespace liantiao
