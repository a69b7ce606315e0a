#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "http/client_address.h"
#include "services/principal.h"

namespace liantiao::http {

enum class Method { kGet, kPost, kPut, kDelete };
std::string_view MethodWord(Method);  // "GET", "POST", …

struct UploadedFile {
  std::string field;         // form field name
  std::string filename;      // as the client named it
  std::string content_type;  // as the client declared it (not trusted)
  std::string data;
};

struct Request {
  Method method = Method::kGet;
  std::string path;                            // without the query string
  std::map<std::string, std::string> params;   // path parameters (":id" -> "42")
  std::map<std::string, std::string> query;    // decoded query parameters (not for /sandbox/)
  std::string raw_query;                       // the query string as sent (after '?')
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // The body parsed as multipart/form-data: never for /sandbox/, whose standard reads the
  // body itself and refuses what it cannot read in its own envelope.
  bool multipart = false;
  std::map<std::string, std::string> form;  // multipart text fields
  std::vector<UploadedFile> files;          // multipart files
  std::string remote_ip;                    // the connection's peer
  // The client: remote_ip, or behind a trusted proxy the address it forwards
  // (ClientAddress); what the login limits count by. Set for /api/ routes only.
  std::string client_ip;
  // Set by the auth step for routes that need a login.
  std::optional<services::Principal> principal;
  std::string session_token;  // the token that authenticated the call
  std::string csrf_token;     // that session's CSRF token

  // Parses the body as a JSON object; kMalformedJson otherwise.
  Result<nlohmann::json> Json() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response JsonBody(const nlohmann::json& value, int status = 200);
  // {"error": {"code", "message", "details"}} with the status of the error's category.
  static Response FromError(const Error& error);
};

// The one place an error category becomes an HTTP status.
int StatusOf(ErrorCategory category);

using Handler = std::function<Result<Response>(Request&)>;
// Sends a response; callable from any thread, once.
using Respond = std::function<void(Response)>;
// A handler that answers later, by calling `respond` once from any thread (the
// sandbox answers from the thread that commits its write batch). The server thread is
// free as soon as the handler returns.
using AsyncHandler = std::function<void(Request&, Respond respond)>;

enum class Access {
  kPublic,         // no login needed
  kAuthenticated,  // a valid session (cookie + CSRF on unsafe methods) or Bearer token
};

// What the auth step learns from a token: the caller and the session's CSRF token.
struct SessionInfo {
  services::Principal principal;
  std::string csrf_token;
};
using Authenticator = std::function<Result<SessionInfo>(const std::string& token)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (tests)
  std::size_t threads = 4;
  std::size_t max_json_body = 1 << 20;      // 1 MiB → 413 beyond
  std::size_t max_upload_body = 25u << 20;  // multipart requests
  // The largest file an upload may carry (the services' own limit), which a multipart
  // body refused here reports as `max_bytes`: the figure the user can act on, whatever
  // the body's envelope adds. 0: max_upload_body.
  std::size_t max_upload_file = 0;
  std::string static_dir;  // web/dist; empty: no static files
  std::string session_cookie = "lt_session";
  // Proxies whose X-Forwarded-For names the client (Request::client_ip).
  TrustedProxies trusted_proxies;
  // Connections open at once: beyond it, new ones wait in the listen backlog until one
  // closes. Each may hold a body up to the largest limit above while it is read, so this
  // bounds the memory that requests in flight can take.
  std::size_t max_connections = 1024;
  // Connections open at once from one address (not counting trusted proxies): a further
  // one is closed as soon as it is accepted, so one client cannot take every slot.
  std::size_t max_connections_per_client = 128;
  // Called with the bound port before the first connection is accepted: what depends on
  // the port (the sandbox's address in key claims) is set here, never while requests run.
  std::function<void(unsigned short port)> on_bound;
};

// The routes of the API. Patterns are express-style: "/api/v1/applications/:id".
//
// Why not RESTinio's express_router: the table is data the rest of the project reads.
// Each route carries its roles and its body limit, checked before the handler runs (the
// limit before the body is parsed); tests/http/api_authz_test.cc and openapi_test.cc walk
// routes() to hold every route to its roles and to docs/openapi.yaml; and routes.cc stays
// free of RESTinio's templates, which are slow to compile, so only server.cc includes them.
// Matching is a linear scan of literal segments and ":name" parameters: about a hundred
// routes, no regular expressions, no wildcards.
class Router {
 public:
  // max_body: the largest non-multipart body this route takes (0: the server's JSON
  // limit). The sandbox answers oversize bodies itself, in its profile's words.
  void Add(Method method, std::string pattern, Access access, Handler handler, std::size_t max_body = 0);
  void AddAsync(Method method, std::string pattern, Access access, AsyncHandler handler, std::size_t max_body = 0);
  struct Route {
    Method method;
    std::string pattern;
    Access access;
    Handler handler;  // one of the two is set
    AsyncHandler async_handler;
    std::size_t max_body = 0;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The HTTP server (RESTinio). Unknown /api/ paths answer 404 JSON; other GETs serve
// static_dir with index.html as the single-page-app fallback.
class Server {
 public:
  Server(ServerOptions options, Router router, Authenticator authenticator);
  ~Server();
  // Whether the address can be bound now (port 0: always), binding it and letting it go,
  // so that a command can refuse before it changes anything when another process
  // listens there. Start may still fail if one takes it meanwhile.
  static Status CheckCanListen(const ServerOptions& options);
  // Binds and starts serving on background threads; returns the bound port.
  Result<unsigned short> Start();
  // Blocks until Stop() is called or SIGINT/SIGTERM arrives.
  void Wait();
  // Keeps serving until no request has started for `quiet` and none is being handled,
  // for at most `limit`: the requests already sent on open connections (read, or
  // waiting for a thread) are answered rather than dropped by the Stop that follows.
  // What `serve` does after SIGTERM.
  void Drain(std::chrono::milliseconds quiet, std::chrono::milliseconds limit);
  // Waits (up to 10 s) for asynchronous handlers still owing an answer, then stops.
  // An answer is owed until it is written (or its connection dropped) and the handler
  // has let go of every copy of its Respond: a copy holds the connection, which must not
  // outlive RESTinio's server.
  void Stop();
  // True once Stop() was called.
  bool stopping() const;
  // The asynchronous answers Stop() would wait for now.
  long long answers_owed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liantiao::http
