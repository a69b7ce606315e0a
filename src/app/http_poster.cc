#include "app/http_poster.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace liantiao::app {

namespace {

// The most of an answer kept: a probe stores 2 KiB of it; the rest is read and dropped
// so a city system that answers with a page of HTML still completes the exchange.
constexpr std::size_t kMaxBody = 64 << 10;

// libcurl's write callback: appends to the std::string `user`, up to kMaxBody.
std::size_t Write(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * n;
  if (body->size() < kMaxBody) body->append(data, std::min(bytes, kMaxBody - body->size()));
  return bytes;
}

Error PostError(const std::string& what) { return MakeError(ErrorCode::kInternal, what); }

// What went wrong, in the words a city's administrator would look for.
std::string Describe(CURLcode code, const char* detail) {
  std::string what;
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
      what = "地址的协议不受支持（仅 http 与 https）";
      break;
    case CURLE_URL_MALFORMAT:
      what = "地址格式错误";
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
      what = "无法解析主机名";
      break;
    case CURLE_COULDNT_CONNECT:
      what = "无法连接";
      break;
    case CURLE_OPERATION_TIMEDOUT:
      what = "连接或应答超时";
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
      what = "服务器证书校验失败";
      break;
    case CURLE_SSL_CONNECT_ERROR:
      what = "TLS 握手失败";
      break;
    case CURLE_SSL_CACERT_BADFILE:
      what = "配置的 CA 证书文件无法读取";
      break;
    case CURLE_GOT_NOTHING:
      what = "服务器未作应答即关闭连接";
      break;
    default:
      what = "请求失败";
  }
  if (detail != nullptr && *detail != '\0') what += "（" + std::string(detail) + "）";
  return what;
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

HttpPoster::HttpPoster(std::chrono::milliseconds timeout, std::string ca_file)
    : timeout_(timeout), ca_file_(std::move(ca_file)) {}

Result<services::PostAnswer> HttpPoster::Post(const std::string& url, const std::string& content_type,
                                              const std::string& body) {
  // Once per process, before the first handle and not raced: libcurl's global set-up,
  // at the first probe rather than at the start of every command.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return PostError("无法创建 HTTP 请求");
  const std::string type_header = "Content-Type: " + content_type;
  std::unique_ptr<curl_slist, ListDeleter> headers(curl_slist_append(nullptr, type_header.c_str()));
  // No "Expect: 100-continue": some servers never answer it, and the body is small.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  std::string answer;
  char detail[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: called from worker threads
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file_.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file_.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
  const CURLcode done = curl_easy_perform(c);
  // The exchange's time as libcurl measured it, from the start to the last byte (or to
  // the failure): the latency a probe's evidence records.
  curl_off_t elapsed_us = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &elapsed_us);
  if (done != CURLE_OK) {
    Error e = PostError(Describe(done, detail));
    e.details["elapsed_us"] = static_cast<long long>(elapsed_us);
    return e;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return services::PostAnswer{static_cast<int>(status), std::move(answer), static_cast<long long>(elapsed_us)};
}

}  // namespace liantiao::app
