// The HTTP client of the device simulator, the load generator and the probes of city
// test environments, against a raw socket server that answers exactly as each case
// needs: lengths, chunks, a body that runs to the close, silence, a dropped connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/client.h"

namespace liantiao::http {
namespace {

// Accepts `connections` connections on 127.0.0.1 (port 0), one after another, and
// hands each to `serve`, which owns the socket until it returns.
class RawServer {
 public:
  RawServer(int connections, std::function<void(int)> serve) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(listener_, 4), 0);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, connections, serve = std::move(serve)] {
      for (int i = 0; i < connections; ++i) {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        serve(fd);
        ::close(fd);
      }
    });
  }
  ~RawServer() {
    thread_.join();
    ::close(listener_);
  }
  unsigned short port() const { return port_; }

 private:
  int listener_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
};

// Reads one request (head and Content-Length body); false once the client closed.
bool ReadRequest(int fd, std::string* body = nullptr) {
  std::string in;
  char c[4096];
  std::size_t head_end = std::string::npos;
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, c, sizeof c, 0);
    if (n <= 0) return false;
    in.append(c, static_cast<std::size_t>(n));
  }
  std::size_t length = 0;
  if (const auto at = in.find("Content-Length: "); at != std::string::npos && at < head_end) {
    length = std::stoul(in.substr(at + 16));
  }
  while (in.size() < head_end + 4 + length) {
    const ssize_t n = ::recv(fd, c, sizeof c, 0);
    if (n <= 0) return false;
    in.append(c, static_cast<std::size_t>(n));
  }
  if (body) *body = in.substr(head_end + 4, length);
  return true;
}

void Send(int fd, const std::string& s) { ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size())); }

std::string WithLength(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         body;
}

TEST(HttpClient, KeepsTheConnectionAcrossExchanges) {
  RawServer server(1, [](int fd) {
    std::string body;
    while (ReadRequest(fd, &body)) Send(fd, WithLength("echo:" + body));
  });
  HttpConnection c("127.0.0.1", server.port());
  auto first = c.Post("/a", "text/plain", "one");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->content_type, "text/plain");
  EXPECT_EQ(first->body, "echo:one");
  // A body larger than one read, on the same connection (the server accepts only one).
  const std::string big(100000, 'x');
  auto second = c.Post("/a", "text/plain", big);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "echo:" + big);
}

TEST(HttpClient, ReadsChunksAndBodiesThatRunToTheClose) {
  RawServer server(2, [n = 0](int fd) mutable {
    if (!ReadRequest(fd)) return;
    if (n++ == 0) {
      Send(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      Send(fd, "6\r\n world\r\n0\r\n\r\n");
    } else {
      Send(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the ");
      Send(fd, "end");
    }
  });
  HttpConnection c("127.0.0.1", server.port());
  auto chunked = c.Get("/");
  ASSERT_TRUE(chunked.ok()) << chunked.error().message;
  EXPECT_EQ(chunked->body, "hello world");
  // Each connection of this server answers once; the second answer on a connection of its own.
  HttpConnection d("127.0.0.1", server.port());
  auto to_close = d.Get("/");
  ASSERT_TRUE(to_close.ok()) << to_close.error().message;
  EXPECT_EQ(to_close->body, "to the end");
}

TEST(HttpClient, ASilentServerFailsAfterTheTimeout) {
  RawServer server(1, [](int fd) {
    if (!ReadRequest(fd)) return;
    char c;
    while (::recv(fd, &c, 1, 0) > 0) {
    }  // until the client gives up and closes
  });
  HttpConnection c("127.0.0.1", server.port(), std::chrono::milliseconds(100));
  auto r = c.Post("/", "text/plain", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("读取响应失败"), std::string::npos) << r.error().message;
}

TEST(HttpClient, AKeptConnectionTheServerClosedIsOpenedAgain) {
  RawServer server(2, [](int fd) {
    if (ReadRequest(fd)) Send(fd, WithLength("ok"));
  });  // each connection answers once, then closes without saying so
  HttpConnection c("127.0.0.1", server.port());
  ASSERT_TRUE(c.Post("/", "text/plain", "1").ok());
  auto again = c.Post("/", "text/plain", "2");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->body, "ok");
}

TEST(HttpClient, RefusedConnectionsFail) {
  unsigned short port = 0;
  {
    RawServer closed(0, [](int) {});
    port = closed.port();
  }  // bound, then released
  HttpConnection c("127.0.0.1", port);
  auto r = c.Get("/");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("无法连接"), std::string::npos) << r.error().message;
}

// The request bytes: a GET carries no body headers, anything else its body's.
TEST(HttpMessages, FormatRequestWritesTheBodyHeadersExceptForAGet) {
  EXPECT_EQ(FormatRequest("GET", "127.0.0.1", 8080, "/api/v1/health"),
            "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(FormatRequest("POST", "h", 80, "/open.api", "application/x-www-form-urlencoded", "a=1"),
            "POST /open.api HTTP/1.1\r\nHost: h:80\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 3\r\nConnection: keep-alive\r\n\r\na=1");
}

// A response head is read once its blank line is in, whatever the case of its header
// names; what is not HTTP is an error.
TEST(HttpMessages, ParseResponseHeadWaitsForTheBlankLineAndReadsTheFraming) {
  const std::string head =
      "HTTP/1.1 201 Created\r\ncontent-length: 12\r\nContent-Type: application/json\r\n"
      "CONNECTION: Close\r\n\r\n";
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, head.size() - 1}) {
    auto partial = ParseResponseHead(head.substr(0, cut));
    ASSERT_TRUE(partial.ok()) << cut;
    EXPECT_FALSE(partial->has_value()) << cut;
  }
  auto full = ParseResponseHead(head + "{\"code\":\"0\"}");
  ASSERT_TRUE(full.ok());
  ASSERT_TRUE(full->has_value());
  const ResponseHead& h = **full;
  EXPECT_EQ(h.status, 201);
  EXPECT_EQ(h.length, 12u);
  EXPECT_EQ(h.content_type, "application/json");
  EXPECT_TRUE(h.close);
  EXPECT_FALSE(h.chunked);
  EXPECT_EQ(h.size, head.size());

  auto chunked = ParseResponseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(chunked.ok() && chunked->has_value());
  EXPECT_TRUE((*chunked)->chunked);
  EXPECT_FALSE((*chunked)->length.has_value());
  EXPECT_FALSE(ParseResponseHead("SSH-2.0-OpenSSH\r\n\r\n").ok());
}

}  // namespace
}  // namespace liantiao::http
