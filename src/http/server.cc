// The only translation unit that includes RESTinio (it costs ~20 s to compile).
#include "http/server.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <variant>

#include <spdlog/spdlog.h>
#include <restinio/all.hpp>
#include <restinio/helpers/http_field_parsers/content-disposition.hpp>
#include <restinio/helpers/multipart_body.hpp>

#include "core/utf8.h"
#include "crypto/crypto.h"

namespace liantiao::http {

namespace fs = std::filesystem;

std::string_view MethodWord(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
  }
  return "GET";
}

namespace {

std::optional<Method> MethodOf(const restinio::http_method_id_t& m) {
  if (m == restinio::http_method_get()) return Method::kGet;
  if (m == restinio::http_method_head()) return Method::kGet;
  if (m == restinio::http_method_post()) return Method::kPost;
  if (m == restinio::http_method_put()) return Method::kPut;
  if (m == restinio::http_method_delete()) return Method::kDelete;
  return std::nullopt;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi << 4 | lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && s[i] == '+') ? ' ' : s[i];
  }
  return out;
}

// `repeated` receives the first name given twice with different values: the API's
// filters take one value each, and silently keeping one of two would answer a question
// the client did not ask.
std::map<std::string, std::string> ParseQuery(std::string_view q, std::string& repeated) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i <= q.size()) {
    std::size_t amp = q.find('&', i);
    if (amp == std::string_view::npos) amp = q.size();
    std::string_view pair = q.substr(i, amp - i);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      std::string key = PercentDecode(pair.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true);
      // try_emplace leaves key and value as they were when the name is already there.
      auto [it, added] = out.try_emplace(std::move(key), std::move(value));
      if (!added && it->second != value && repeated.empty()) repeated = std::move(key);
    }
    i = amp + 1;
  }
  return out;
}

std::string ContentTypeOf(const fs::path& p) {
  static const std::map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                           {".js", "text/javascript; charset=utf-8"},
                                                           {".mjs", "text/javascript; charset=utf-8"},
                                                           {".css", "text/css; charset=utf-8"},
                                                           {".svg", "image/svg+xml"},
                                                           {".png", "image/png"},
                                                           {".ico", "image/x-icon"},
                                                           {".json", "application/json; charset=utf-8"},
                                                           {".woff2", "font/woff2"},
                                                           {".woff", "font/woff"},
                                                           {".map", "application/json; charset=utf-8"},
                                                           {".txt", "text/plain; charset=utf-8"},
                                                           {".jpg", "image/jpeg"},
                                                           {".webp", "image/webp"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

std::optional<std::string> ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string ReasonOf(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Internal Server Error" : "OK";
  }
}

std::optional<std::string> CookieValue(const std::string& header, const std::string& name) {
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    std::size_t end = header.find(';', i);
    if (end == std::string::npos) end = header.size();
    std::string_view pair(header.data() + i, end - i);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    i = end + 1;
  }
  return std::nullopt;
}

// The hosted sandbox's paths: the interface standard's, not this API's.
bool IsSandboxPath(std::string_view path) { return path.starts_with("/sandbox/"); }
// The API and the hosted sandbox are routed; every other path is the web app's.
bool IsRoutedPath(std::string_view path) { return IsSandboxPath(path) || path == "/api" || path.starts_with("/api/"); }

bool IsMultipart(const std::map<std::string, std::string>& headers) {
  auto it = headers.find("content-type");
  return it != headers.end() && it->second.rfind("multipart/form-data", 0) == 0;
}

// Connections open per client address, counted by RESTinio's two hooks: the IP blocker
// (asked as each connection is accepted: it counts the connection in, or refuses it when
// the address has its share open) and the state listener (told when one closes). A
// trusted proxy's connections are not counted: it carries many clients.
class ClientConnections {
 public:
  ClientConnections(std::size_t per_client, const TrustedProxies& trusted)
      : per_client_(per_client), trusted_(trusted) {}

  restinio::ip_blocker::inspection_result_t inspect(const restinio::ip_blocker::incoming_info_t& info) noexcept {
    const std::string address = info.remote_endpoint().address().to_string();
    if (trusted_.Contains(address)) return restinio::ip_blocker::inspection_result_t::allow;
    std::lock_guard lock(mu_);
    Open& open = open_[address];
    if (open.count < per_client_) {
      ++open.count;
      return restinio::ip_blocker::inspection_result_t::allow;
    }
    // Once per address while it stays at its share, not once per refused connection.
    if (!open.warned) spdlog::warn("{} has {} connections open: further ones are closed", address, open.count);
    open.warned = true;
    return restinio::ip_blocker::inspection_result_t::deny;
  }

  void state_changed(const restinio::connection_state::notice_t& notice) noexcept {
    if (!std::holds_alternative<restinio::connection_state::closed_t>(notice.cause())) return;
    const std::string address = notice.remote_endpoint().address().to_string();
    if (trusted_.Contains(address)) return;
    std::lock_guard lock(mu_);
    auto it = open_.find(address);
    if (it == open_.end()) return;
    if (--it->second.count == 0) open_.erase(it);
  }

 private:
  struct Open {
    std::size_t count = 0;
    bool warned = false;
  };
  const std::size_t per_client_;
  const TrustedProxies trusted_;
  std::mutex mu_;
  std::unordered_map<std::string, Open> open_;
};

// RESTinio's defaults, with a limit on connections open at once (ServerOptions) and the
// per-client count above.
struct Traits : restinio::default_traits_t {
  static constexpr bool use_connection_count_limiter = true;
  using ip_blocker_t = ClientConnections;
  using connection_state_listener_t = ClientConnections;
};

}  // namespace

// An io_context whose pending handlers can be destroyed before it is: see Server::Stop.
struct StoppableIoContext : asio::io_context {
  using asio::execution_context::shutdown;  // protected in asio: destroys what is queued
};

struct Server::Impl {
  ServerOptions options;
  Router router;
  Authenticator authenticator;
  // Compiled patterns: segments with ":" marking parameters.
  std::vector<std::vector<std::string>> patterns;
  // The io_context RESTinio runs on; ours rather than RESTinio's own (declared before
  // `running`, so it outlives it): see Stop.
  StoppableIoContext io;
  restinio::running_server_handle_t<Traits> running;
  std::atomic<bool> stopped{false};
  std::mutex wait_mutex;
  restinio::asio_ns::io_context* waiter = nullptr;  // the io_context a Wait() runs, if any
  std::atomic<unsigned short> port{0};
  // Asynchronous handlers that have not answered yet. Stop() waits for them before it
  // ends RESTinio: an answer sent after would reach a connection whose io_context is gone.
  struct Pending {
    std::mutex mu;
    std::condition_variable none;
    long long count = 0;
  };
  std::shared_ptr<Pending> pending = std::make_shared<Pending>();
  // Sends an answer; `written` runs once RESTinio has written it or given up on the
  // connection. Stop() counts an asynchronous answer as delivered only then: handing it to
  // RESTinio just queues the write on the connection's io_context, which stop() ends.
  using Send = std::function<void(Response, std::function<void()> written)>;
  // An asynchronous answer Stop() waits for, in two parts: written (or dropped with its
  // connection), and every copy of its `send` gone. Both matter: a copy holds the RESTinio
  // request and with it the connection, and a connection that outlives RESTinio's server
  // reaches into its freed acceptor when it goes (the connection-count limiter). A work
  // pool's thread lets go of its copy only after the write it queued may have completed.
  struct Owed {
    explicit Owed(std::shared_ptr<Pending> p) : pending(std::move(p)) {}
    std::shared_ptr<Pending> pending;
    std::atomic<int> parts{2};
    void Settle() {
      if (parts.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      std::lock_guard lock(pending->mu);
      if (--pending->count == 0) pending->none.notify_all();
    }
  };
  // The `send` an asynchronous handler answers through; settles its Owed once released.
  struct SendHolder {
    SendHolder(Send s, std::shared_ptr<Owed> o) : send(std::move(s)), owed(std::move(o)) {}
    SendHolder(const SendHolder&) = delete;
    SendHolder& operator=(const SendHolder&) = delete;
    ~SendHolder() {
      send = nullptr;  // the request, and its connection, first
      if (owed) owed->Settle();
    }
    Send send;
    std::shared_ptr<Owed> owed;
  };
  // Requests that reached the handler, and those in it now (Drain).
  std::atomic<std::uint64_t> started{0};
  std::atomic<int> handling{0};

  void Handle(Request& req, const Send& send) {
    const Respond respond = [&send](Response r) { send(std::move(r), nullptr); };
    // The API and the hosted sandbox are routed; everything else is the web app.
    const bool sandbox = IsSandboxPath(req.path);
    if (!IsRoutedPath(req.path)) return respond(Static(req));
    // Only the API's handlers read decoded parameters and the client's address: the web
    // app's files ignore both, the sandbox reads its GET form from raw_query itself and
    // its key is the client, so neither pays for what it does not use.
    if (!sandbox) {
      const auto forwarded = req.headers.find("x-forwarded-for");
      if (forwarded != req.headers.end() && options.trusted_proxies.empty()) WarnForwardedNotBelieved(req.remote_ip);
      req.client_ip = ClientAddress(req.remote_ip, forwarded == req.headers.end() ? "" : forwarded->second,
                                    options.trusted_proxies);
      std::string repeated;
      req.query = ParseQuery(req.raw_query, repeated);
      if (!repeated.empty()) {
        return respond(Response::FromError(
            MakeError(ErrorCode::kInvalidField, "查询参数 " + repeated + " 给出了多个不同的取值，每个参数只能给一个值",
                      {{"field", repeated}})));
      }
    }
    const auto path_segments = Segments(req.path);
    for (std::size_t r = 0; r < router.routes().size(); ++r) {
      const Router::Route& route = router.routes()[r];
      if (route.method != req.method) continue;
      const auto& pattern = patterns[r];
      if (pattern.size() != path_segments.size()) continue;
      std::map<std::string, std::string> params;
      bool match = true;
      for (std::size_t i = 0; i < pattern.size() && match; ++i) {
        if (!pattern[i].empty() && pattern[i][0] == ':') {
          params[pattern[i].substr(1)] = PercentDecode(path_segments[i], false);
        } else {
          match = pattern[i] == path_segments[i];
        }
      }
      if (!match) continue;
      req.params = std::move(params);
      return Dispatch(route, req, send);
    }
    // No route: a path that exists with other methods is told so (405, with the methods
    // it takes in Allow), any other is unknown. Looked for only on a miss, so that the
    // routes matched (the sandbox's above all) pay nothing for it.
    respond(NoRoute(MethodWord(req.method), req.path));
  }

  // A proxy in front that the configuration does not name: its X-Forwarded-For is rightly
  // not believed, but then every client behind it counts as one for the login and sign-up
  // limits. Said once, where the operator looks, rather than found out from refusals.
  std::once_flag forwarded_warned;
  void WarnForwardedNotBelieved(const std::string& peer) {
    std::call_once(forwarded_warned, [&] {
      spdlog::warn(
          "X-Forwarded-For from {} is not believed (trusted_proxies is not set): the login and sign-up limits "
          "count every client behind that proxy as one; name the proxy in trusted_proxies",
          peer);
    });
  }

  // The answer to a method no route takes at `path`: 405 with the methods that are taken
  // there in Allow (RFC 9110 §15.5.6), or 404 where no route has the path. The web app's
  // files take GET and HEAD; the sandbox's endpoints POST and GET (its pipeline answers
  // PUT and DELETE itself, with the profile's code, and a profile may refuse GET).
  Response NoRoute(std::string_view method, const std::string& path) const {
    std::string allowed;
    if (!IsRoutedPath(path)) {
      allowed = "GET, HEAD";
    } else if (IsSandboxPath(path)) {
      allowed = "POST, GET";
    } else {
      const auto path_segments = Segments(path);
      for (std::size_t r = 0; r < router.routes().size(); ++r) {
        const auto& pattern = patterns[r];
        if (pattern.size() != path_segments.size()) continue;
        bool match = true;
        for (std::size_t i = 0; i < pattern.size() && match; ++i) {
          match = (!pattern[i].empty() && pattern[i][0] == ':') || pattern[i] == path_segments[i];
        }
        const std::string_view word = MethodWord(router.routes()[r].method);
        if (match && allowed.find(word) == std::string::npos)
          allowed += (allowed.empty() ? "" : ", ") + std::string(word);
      }
    }
    if (allowed.empty()) return Response::FromError(MakeError(ErrorCode::kNotFound, "接口不存在", {{"path", path}}));
    Response resp =
        Response::FromError(MakeError(ErrorCode::kMethodNotAllowed, "", {{"method", method}, {"allowed", allowed}}));
    resp.headers.emplace_back("Allow", allowed);
    return resp;
  }

  void Dispatch(const Router::Route& route, Request& req, const Send& send) {
    const Respond respond = [&send](Response r) { send(std::move(r), nullptr); };
    const std::size_t limit = route.max_body ? route.max_body : options.max_json_body;
    if (!req.multipart && req.body.size() > limit) {
      return respond(Response::FromError(MakeError(ErrorCode::kPayloadTooLarge, "", {{"max_bytes", limit}})));
    }
    if (route.access == Access::kAuthenticated) {
      if (auto err = Authenticate(req)) return respond(Response::FromError(*err));
    }
    // An asynchronous handler that throws may or may not have answered already.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<Owed> owed;
    if (route.async_handler) {
      owed = std::make_shared<Owed>(pending);
      std::lock_guard lock(pending->mu);
      ++pending->count;
    }
    // Copies `send`: an asynchronous handler answers after Dispatch has returned. Its
    // copies, in the handler's closures, hold the RESTinio request, and so the connection:
    // the last of them settles the answer's second part when it goes (SendHolder).
    auto holder = std::make_shared<SendHolder>(send, owed);
    const Respond once = [answered, holder](Response r) {
      if (answered->exchange(true)) return;
      if (!holder->owed) return holder->send(std::move(r), nullptr);
      holder->send(std::move(r), [owed = holder->owed] { owed->Settle(); });
    };
    try {
      if (route.async_handler) return route.async_handler(req, once);
      Result<Response> r = route.handler(req);
      once(r.ok() ? std::move(r).value() : Response::FromError(r.error()));
    } catch (const std::exception& e) {
      spdlog::error("{} {}: unhandled exception: {}", MethodWord(req.method), req.path, e.what());
      once(Response::FromError(MakeError(ErrorCode::kInternal)));
    } catch (...) {
      spdlog::error("{} {}: unhandled non-standard exception", MethodWord(req.method), req.path);
      once(Response::FromError(MakeError(ErrorCode::kInternal)));
    }
  }

  std::optional<Error> Authenticate(Request& req) {
    std::string token;
    bool from_cookie = false;
    if (auto it = req.headers.find("authorization"); it != req.headers.end()) {
      // The scheme's name is case-insensitive (RFC 9110 11.1): "bearer" is "Bearer".
      static constexpr std::string_view kBearer = "bearer ";
      const std::string& value = it->second;
      if (value.size() > kBearer.size() &&
          std::equal(kBearer.begin(), kBearer.end(), value.begin(),
                     [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
        token = value.substr(kBearer.size());
      }
    }
    if (token.empty()) {
      if (auto it = req.headers.find("cookie"); it != req.headers.end()) {
        if (auto v = CookieValue(it->second, options.session_cookie)) {
          token = *v;
          from_cookie = true;
        }
      }
    }
    if (token.empty()) return MakeError(ErrorCode::kUnauthenticated);
    auto session = authenticator(token);
    if (!session.ok()) return session.take_error();
    if (from_cookie && req.method != Method::kGet) {
      auto it = req.headers.find("x-csrf-token");
      if (it == req.headers.end() || !crypto::ConstantTimeEquals(it->second, session->csrf_token)) {
        return MakeError(ErrorCode::kCsrfMismatch);
      }
    }
    req.principal = session->principal;
    req.session_token = token;
    req.csrf_token = session->csrf_token;
    return std::nullopt;
  }

  Response Static(const Request& req) {
    auto not_found = [&] {
      return Response::FromError(MakeError(ErrorCode::kNotFound, "页面不存在", {{"path", req.path}}));
    };
    if (options.static_dir.empty() || req.method != Method::kGet) return not_found();
    const fs::path root = fs::weakly_canonical(options.static_dir);
    const std::string decoded = PercentDecode(req.path, false);
    if (decoded.find("..") != std::string::npos || decoded.find('\0') != std::string::npos) return not_found();
    std::error_code ec;
    fs::path target = fs::weakly_canonical(root / fs::path(decoded).relative_path(), ec);
    const std::string root_text = root.string() + "/";
    // Resolving follows symlinks, so the prefix check also catches links out of the root.
    const bool found = !ec && target.string().rfind(root_text, 0) == 0 && fs::is_regular_file(target, ec);
    const bool asset = decoded.rfind("/assets/", 0) == 0;
    if (!found) {
      // A missing hashed asset is a stale page, not a deep link: index.html in its place
      // would be cached as JavaScript for a year.
      if (asset) return not_found();
      // Single-page app: deep links get index.html, the router in the page takes over.
      target = root / "index.html";
    }
    auto data = ReadFile(target);
    if (!data) return not_found();
    Response r;
    r.content_type = ContentTypeOf(target);
    r.body = std::move(*data);
    // Asset names carry a content hash, so they never change; index.html must be
    // revalidated to pick up a new build.
    r.headers.emplace_back("Cache-Control", asset ? "public, max-age=31536000, immutable" : "no-cache");
    return r;
  }
};

Server::Server(ServerOptions options, Router router, Authenticator authenticator) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->router = std::move(router);
  impl_->authenticator = std::move(authenticator);
  for (const auto& route : impl_->router.routes()) {
    std::vector<std::string> segs;
    for (auto s : Segments(route.pattern)) segs.emplace_back(s);
    impl_->patterns.push_back(std::move(segs));
  }
}

Server::~Server() { Stop(); }

namespace {

Error CannotListen(const ServerOptions& o, const std::string& why) {
  return MakeError(ErrorCode::kConfigError, "无法监听 " + o.host + ":" + std::to_string(o.port) + "：" + why);
}

}  // namespace

Status Server::CheckCanListen(const ServerOptions& options) {
  if (options.port == 0) return OkStatus();  // any free port
  namespace asio = restinio::asio_ns;
  // The address as RESTinio's acceptor reads it (impl/acceptor.hpp): "localhost" is the
  // IPv4 loopback, anything else a numeric address; bound with SO_REUSEADDR as it binds.
  std::string host = options.host;
  if (host == "localhost") host = "127.0.0.1";
  if (host == "ip6-localhost") host = "::1";
  asio::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return CannotListen(options, ec.message());
  const asio::ip::tcp::endpoint endpoint(address, options.port);
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io);
  if (!acceptor.open(endpoint.protocol(), ec) &&
      !acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec)) {
    acceptor.bind(endpoint, ec);
  }
  if (ec) return CannotListen(options, ec.message());
  return OkStatus();  // the acceptor closes: Start binds it again
}

Result<unsigned short> Server::Start() {
  Impl* impl = impl_.get();
  auto handler = [impl](restinio::request_handle_t rh) -> restinio::request_handling_status_t {
    const auto started = std::chrono::steady_clock::now();
    impl->started.fetch_add(1, std::memory_order_relaxed);
    impl->handling.fetch_add(1, std::memory_order_acq_rel);
    struct Handled {
      std::atomic<int>& handling;
      ~Handled() { handling.fetch_sub(1, std::memory_order_acq_rel); }
    } handled{impl->handling};
    Request req;
    const auto method = MethodOf(rh->header().method());
    // Sends `resp` on rh; RESTinio takes a response from any thread.
    Impl::Send deliver = [rh, started, word = std::string(rh->header().method().c_str()),
                          path = std::string(rh->header().path())](Response resp, std::function<void()> written) {
      auto out = rh->create_response(restinio::http_status_line_t{
          restinio::http_status_code_t{static_cast<std::uint16_t>(resp.status)}, ReasonOf(resp.status)});
      out.append_header(restinio::http_field::content_type, resp.content_type);
      out.append_header("X-Content-Type-Options", "nosniff");
      out.append_header("X-Frame-Options", "DENY");
      out.append_header("Referrer-Policy", "same-origin");
      if (resp.content_type.rfind("application/json", 0) == 0) out.append_header("Cache-Control", "no-store");
      // The web app's page: scripts, styles and connections from this origin only
      // (Element Plus sets inline styles; a material previews from a blob: URL), no
      // plugins, never framed. Sent with documents only, where a policy applies.
      if (resp.content_type.rfind("text/html", 0) == 0) {
        out.append_header("Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                          "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                          "frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
                          "frame-ancestors 'none'");
      }
      for (const auto& [name, value] : resp.headers) out.append_header(name, value);
      out.set_body(std::move(resp.body));
      if (written) {
        // Called on success, on a write error, and when the write is dropped with its
        // connection (RESTinio's write group calls it from its destructor then).
        out.done([written = std::move(written)](const restinio::asio_ns::error_code&) { written(); });
      } else {
        out.done();
      }
      const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      spdlog::info("{} {} {} {:.1f}ms", word, path, resp.status, ms);
    };
    auto send = [&deliver](Response resp) { deliver(std::move(resp), nullptr); };
    if (!method) {
      send(impl->NoRoute(rh->header().method().c_str(), std::string(rh->header().path())));
      return restinio::request_accepted();
    }
    req.method = *method;
    req.path = std::string(rh->header().path());
    req.raw_query = std::string(rh->header().query());
    rh->header().for_each_field([&](const restinio::http_header_field_t& f) {
      std::string name(f.name());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string& value = req.headers[name];
      // Each proxy may add its own X-Forwarded-For line: they read as one list, in order.
      if (!value.empty() && name == "x-forwarded-for") {
        value += ", ";
        value += f.value();
      } else {
        value = std::string(f.value());
      }
    });
    req.body = rh->body();
    req.remote_ip = rh->remote_endpoint().address().to_string();
    req.multipart = IsMultipart(req.headers) && !IsSandboxPath(req.path);
    if (req.multipart) {
      if (req.body.size() > impl->options.max_upload_body) {
        const std::size_t file_limit =
            impl->options.max_upload_file ? impl->options.max_upload_file : impl->options.max_upload_body;
        send(Response::FromError(MakeError(ErrorCode::kPayloadTooLarge, "", {{"max_bytes", file_limit}})));
        return restinio::request_accepted();
      }
      namespace hfp = restinio::http_field_parsers;
      // A part whose Content-Disposition does not parse (a file name with a bare quote or
      // line break, which browsers send percent-encoded) is refused as such, not skipped
      // into a "missing field" the client did send.
      bool unreadable_part = false;
      auto parsed = restinio::multipart_body::enumerate_parts(
          *rh,
          [&](restinio::multipart_body::parsed_part_t part) {
            auto disposition = part.fields.opt_value_of(restinio::http_field::content_disposition);
            if (!disposition) return restinio::multipart_body::handling_result_t::continue_enumeration;
            auto value = hfp::content_disposition_value_t::try_parse(*disposition);
            if (!value) {
              unreadable_part = true;
              return restinio::multipart_body::handling_result_t::stop_enumeration;
            }
            auto name = hfp::find_first(value->parameters, "name");
            auto filename = hfp::find_first(value->parameters, "filename");
            if (!name) return restinio::multipart_body::handling_result_t::continue_enumeration;
            if (filename) {
              auto type = part.fields.opt_value_of(restinio::http_field::content_type);
              req.files.push_back(UploadedFile{std::string(*name), std::string(*filename),
                                               type ? std::string(*type) : "",
                                               std::string(part.body.data(), part.body.size())});
            } else {
              req.form[std::string(*name)] = std::string(part.body.data(), part.body.size());
            }
            return restinio::multipart_body::handling_result_t::continue_enumeration;
          },
          "multipart", "form-data");
      if (!parsed || unreadable_part) {
        send(Response::FromError(MakeError(
            ErrorCode::kInvalidField,
            unreadable_part ? "multipart/form-data 的 Content-Disposition 无法解析：文件名中的引号或换行须经编码"
                            : "multipart/form-data 请求体格式无效")));
        return restinio::request_accepted();
      }
      // Text fields and file names are stored and shown as text: bytes that are not
      // UTF-8 (a GBK file name) are refused rather than stored altered.
      std::optional<std::string> not_text;
      for (const auto& [name, value] : req.form) {
        if (!IsValidUtf8(value)) not_text = name;
      }
      for (const auto& f : req.files) {
        if (!IsValidUtf8(f.filename)) not_text = f.field;
      }
      if (not_text) {
        send(Response::FromError(MakeError(ErrorCode::kInvalidField,
                                           "字段 " + *not_text + " 须为 UTF-8 编码的文本（文件名亦然）",
                                           {{"field", *not_text}})));
        return restinio::request_accepted();
      }
    }
    // Handle answers through `send` exactly once (Dispatch guards the handlers); an
    // exception here is the router's own, before any handler answered.
    try {
      impl->Handle(req, deliver);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", MethodWord(req.method), req.path, e.what());
      send(Response::FromError(MakeError(ErrorCode::kInternal)));
    } catch (...) {
      spdlog::error("{} {}: unhandled non-standard exception", MethodWord(req.method), req.path);
      send(Response::FromError(MakeError(ErrorCode::kInternal)));
    }
    return restinio::request_accepted();
  };

  const std::uint64_t hard_cap = std::max(impl->options.max_upload_body, impl->options.max_json_body) * 2;
  auto connections =
      std::make_shared<ClientConnections>(impl->options.max_connections_per_client, impl->options.trusted_proxies);
  try {
    impl->running = restinio::run_async(
        restinio::external_io_context(impl->io),
        restinio::server_settings_t<Traits>{}
            .address(impl->options.host)
            .port(impl->options.port)
            .request_handler(std::move(handler))
            .max_parallel_connections(impl->options.max_connections)
            .ip_blocker(connections)
            .connection_state_listener(connections)
            .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}.max_body_size(hard_cap))
            .acceptor_post_bind_hook([impl](asio::ip::tcp::acceptor& acceptor) {
              impl->port = acceptor.local_endpoint().port();
              if (impl->options.on_bound) impl->options.on_bound(impl->port);
            })
            .read_next_http_message_timelimit(std::chrono::seconds{60})
            .handle_request_timeout(std::chrono::seconds{120}),
        impl->options.threads);
  } catch (const std::exception& e) {
    // Not logged here: the caller reports the error (the command line as its one line).
    return CannotListen(impl->options, e.what());
  }
  return impl->port.load();
}

void Server::Wait() {
  // asio installs a process-wide handler, so the signal is caught whichever thread it
  // lands on (a sigwait here would need every thread, workers included, to block it).
  restinio::asio_ns::io_context waiter;
  restinio::asio_ns::signal_set signals(waiter, SIGINT, SIGTERM);
  signals.async_wait([&waiter](const restinio::asio_ns::error_code& ec, int signal_number) {
    if (!ec) spdlog::info("signal {}: stopping", signal_number);
    waiter.stop();
  });
  {
    std::lock_guard lock(impl_->wait_mutex);
    if (impl_->stopped.load()) return;
    impl_->waiter = &waiter;
  }
  waiter.run();
  std::lock_guard lock(impl_->wait_mutex);
  impl_->waiter = nullptr;
}

bool Server::stopping() const { return impl_ && impl_->stopped.load(); }

long long Server::answers_owed() const {
  std::lock_guard lock(impl_->pending->mu);
  return impl_->pending->count;
}

void Server::Drain(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) {
  if (!impl_ || !impl_->running) return;
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + limit;
  std::uint64_t seen = impl_->started.load();
  auto quiet_since = Clock::now();
  // A poll rather than a wake-up: a request waiting for a thread is invisible until a
  // thread takes it, so only a stretch without any new one says the connections are done.
  constexpr auto kPoll = std::chrono::milliseconds(20);
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(kPoll);
    const std::uint64_t now_seen = impl_->started.load();
    if (now_seen != seen || impl_->handling.load() > 0) {
      seen = now_seen;
      quiet_since = Clock::now();
    } else if (Clock::now() - quiet_since >= quiet) {
      return;
    }
  }
  spdlog::warn("stopping while requests still arrive ({} ms of draining)", limit.count());
}

void Server::Stop() {
  if (!impl_) return;
  {
    // Under the lock so that a Wait() either sees the flag or is registered to be woken.
    std::lock_guard lock(impl_->wait_mutex);
    if (impl_->stopped.exchange(true)) return;
    if (impl_->waiter != nullptr) impl_->waiter->stop();
  }
  {
    // Answers still owed (the sandbox's requests queued for its writer) go out first.
    Impl::Pending& p = *impl_->pending;
    std::unique_lock lock(p.mu);
    if (!p.none.wait_for(lock, std::chrono::seconds(10), [&] { return p.count == 0; })) {
      spdlog::warn("stopping with {} request(s) unanswered", p.count);
    }
  }
  if (impl_->running) {
    impl_->running->stop();
    impl_->running->wait();
    // Connections still open (a keep-alive one waiting for its next request, an answer
    // being written) live on in the handlers queued on the io_context. Each reaches into
    // the acceptor's connection-count limiter when it goes, and RESTinio's server frees its
    // acceptor before the io_context it owns would destroy those handlers. So they are
    // destroyed here, the threads stopped and the acceptor still there, and the server
    // after them.
    impl_->io.shutdown();
    impl_->running.reset();
  }
}

}  // namespace liantiao::http
