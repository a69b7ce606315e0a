#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace liantiao::testing {

// An HTTPS server on 127.0.0.1 for the tests of clients that speak TLS (the probes of a
// city's own test environment). At construction it makes a key and a self-signed
// certificate for 127.0.0.1 (its own CA: trusting certificate_file() trusts the server);
// one thread answers each request with 200 and `answer(target, body)` as
// application/json, then closes the connection. Plain OpenSSL over POSIX sockets.
class TlsServer {
 public:
  using Handler = std::function<std::string(const std::string& target, const std::string& body)>;

  explicit TlsServer(Handler answer);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  unsigned short port() const { return port_; }
  // A PEM file of the certificate, what a client is told to trust: this server's own
  // (tests run side by side each have theirs), removed with it.
  const std::string& certificate_file() const { return certificate_file_; }
  // Requests read whole (each is answered), and TLS handshakes the client broke off (a
  // client that did not trust the certificate).
  int requests() const { return requests_; }
  int handshakes_failed() const { return handshakes_failed_; }

 private:
  void Serve();
  void Answer(void* ssl);

  Handler answer_;
  std::string certificate_file_;
  void* ctx_ = nullptr;  // SSL_CTX
  int listener_ = -1, wake_[2] = {-1, -1};
  unsigned short port_ = 0;
  std::atomic<int> requests_{0}, handshakes_failed_{0};
  std::thread thread_;
};

}  // namespace liantiao::testing
