#include "testing/http_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>

namespace liantiao::testing {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

HttpResponse Failure(const std::string& why) {
  HttpResponse r;
  r.body = why;
  return r;
}

// Closes the socket however the exchange ends.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

std::optional<std::string> DecodeChunked(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  while (true) {
    const std::size_t eol = in.find("\r\n", i);
    if (eol == std::string_view::npos) return std::nullopt;
    std::size_t size = 0;
    try {
      size = std::stoul(std::string(in.substr(i, eol - i)), nullptr, 16);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    i = eol + 2;
    if (size == 0) return out;
    if (i + size > in.size()) return std::nullopt;
    out.append(in.substr(i, size));
    i += size + 2;  // the chunk's trailing CRLF
  }
}

HttpResponse Parse(const std::string& raw) {
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return Failure(raw.empty() ? "connection closed without a response" : "incomplete response head");
  }
  HttpResponse r;
  std::string_view head(raw.data(), head_end);
  const std::size_t first_eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, first_eol);
  // "HTTP/1.1 200 OK"
  const std::size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos) return Failure("bad status line");
  r.status = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
  std::size_t i = first_eol == std::string_view::npos ? head.size() : first_eol + 2;
  while (i < head.size()) {
    std::size_t eol = head.find("\r\n", i);
    if (eol == std::string_view::npos) eol = head.size();
    const std::string_view line = head.substr(i, eol - i);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      r.headers.emplace(Lower(std::string(line.substr(0, colon))), Trim(line.substr(colon + 1)));
    }
    i = eol + 2;
  }
  std::string_view body(raw.data() + head_end + 4, raw.size() - head_end - 4);
  if (Lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
    auto decoded = DecodeChunked(body);
    if (!decoded) return Failure("bad chunked body");
    r.body = std::move(*decoded);
  } else if (const std::string length = r.header("content-length"); !length.empty()) {
    const std::size_t n = std::stoul(length);
    r.body = std::string(body.substr(0, std::min(n, body.size())));
  } else {
    r.body = std::string(body);
  }
  return r;
}

std::string JsonText(const nlohmann::json& body) { return body.dump(); }

}  // namespace

nlohmann::json HttpResponse::json() const { return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false); }

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpResponse::error_code() const {
  const nlohmann::json j = json();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
  const auto it = j["error"].find("code");
  return it != j["error"].end() && it->is_string() ? it->get<std::string>() : "";
}

HttpClient::HttpClient(unsigned short port, std::string host) : host_(std::move(host)), port_(port) {}

std::string HttpClient::Cookie(const std::string& name) const {
  auto it = cookies_.find(name);
  return it == cookies_.end() ? std::string() : it->second;
}

void HttpClient::SetDefaultHeader(const std::string& name, const std::string& value) {
  std::erase_if(default_headers_, [&](const auto& h) { return Lower(h.first) == Lower(name); });
  if (!value.empty()) default_headers_.emplace_back(name, value);
}

HttpResponse HttpClient::Get(const std::string& path, const Headers& headers) {
  return Send("GET", path, "", "", headers);
}

HttpResponse HttpClient::Post(const std::string& path, const nlohmann::json& body, const Headers& headers) {
  return Send("POST", path, JsonText(body), "application/json", headers);
}

HttpResponse HttpClient::Put(const std::string& path, const nlohmann::json& body, const Headers& headers) {
  return Send("PUT", path, JsonText(body), "application/json", headers);
}

HttpResponse HttpClient::Delete(const std::string& path, const Headers& headers) {
  return Send("DELETE", path, "", "", headers);
}

HttpResponse HttpClient::PostRaw(const std::string& path, const std::string& body, const std::string& content_type,
                                 const Headers& headers) {
  return Send("POST", path, body, content_type, headers);
}

std::string HttpClient::Login(const std::string& username, const std::string& password) {
  const HttpResponse r = Post("/api/v1/session", {{"username", username}, {"password", password}});
  const nlohmann::json j = r.json();
  if (r.status != 200 && r.status != 201) return "";
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) return "";
  const std::string token = j["token"].get<std::string>();
  SetBearer(token);
  return token;
}

HttpResponse HttpClient::PostMultipart(const std::string& path, const std::map<std::string, std::string>& fields,
                                       const std::vector<MultipartFile>& files, const Headers& headers) {
  // A boundary that occurs in none of the contents (a counter makes a retry cheap).
  static std::atomic<unsigned> counter{0};
  std::string boundary;
  auto occurs = [&](const std::string& b) {
    for (const auto& [k, v] : fields) {
      if (v.find(b) != std::string::npos) return true;
    }
    for (const auto& f : files) {
      if (f.data.find(b) != std::string::npos) return true;
    }
    return false;
  };
  do {
    boundary = "----lt-test-boundary-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  } while (occurs(boundary));
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
    body += value + "\r\n";
  }
  for (const auto& f : files) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + f.field + "\"; filename=\"" + f.filename + "\"\r\n";
    body += "Content-Type: " + f.content_type + "\r\n\r\n";
    body += f.data + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return Send("POST", path, body, "multipart/form-data; boundary=" + boundary, headers);
}

HttpResponse HttpClient::Send(const std::string& method, const std::string& path, const std::string& body,
                              const std::string& content_type, const Headers& headers) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addrs = nullptr;
  if (::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &addrs) != 0 || addrs == nullptr) {
    return Failure("cannot resolve " + host_);
  }
  int fd = -1;
  for (addrinfo* a = addrs; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(addrs);
  if (fd < 0) return Failure(std::string("cannot connect: ") + std::strerror(errno));
  Socket socket(fd);
  // A server bug must fail the test, not hang it.
  timeval timeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

  std::string request = method + " " + path + " HTTP/1.1\r\n";
  request += "Host: " + host_ + ":" + std::to_string(port_) + "\r\n";
  request += "Connection: close\r\n";
  if (!content_type.empty()) request += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  bool explicit_cookie = false;
  auto add = [&](const Headers& hs) {
    for (const auto& [name, value] : hs) {
      if (Lower(name) == "cookie") explicit_cookie = true;
      request += name + ": " + value + "\r\n";
    }
  };
  add(default_headers_);
  add(headers);
  if (keep_cookies_ && !explicit_cookie && !cookies_.empty()) {
    std::string cookie;
    for (const auto& [name, value] : cookies_) cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    request += "Cookie: " + cookie + "\r\n";
  }
  request += "\r\n";
  request += body;

  // A server may answer and close before reading a refused body: stop writing then,
  // and still read what it said.
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buf[16384];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
  }
  HttpResponse response = Parse(raw);
  if (keep_cookies_ && response.status != 0) RememberCookies(response);
  return response;
}

void HttpClient::RememberCookies(const HttpResponse& response) {
  auto [begin, end] = response.headers.equal_range("set-cookie");
  for (auto it = begin; it != end; ++it) {
    const std::string& line = it->second;
    const std::string pair = line.substr(0, line.find(';'));
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = Trim(pair.substr(0, eq));
    const std::string value = Trim(pair.substr(eq + 1));
    // Logout clears the cookie with an empty value or Max-Age=0.
    const std::string attrs = Lower(line);
    if (value.empty() || attrs.find("max-age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
}

}  // namespace liantiao::testing
