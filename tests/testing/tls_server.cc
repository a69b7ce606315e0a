#include "testing/tls_server.h"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace liantiao::testing {

namespace {

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("TlsServer: ") + what);
}

std::string Pem(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr && X509_add_ext(cert, ext, -1) == 1, "certificate extension");
  X509_EXTENSION_free(ext);
}

}  // namespace

TlsServer::TlsServer(Handler answer) : answer_(std::move(answer)) {
  // A P-256 key and a self-signed certificate for 127.0.0.1, valid for a day.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  Check(key != nullptr, "key");
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1");
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  const std::string pem = Pem(bio.get());

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  Check(ctx != nullptr, "context");
  ctx_ = ctx;
  Check(SSL_CTX_use_certificate(ctx, cert.get()) == 1 && SSL_CTX_use_PrivateKey(ctx, key.get()) == 1,
        "certificate and key");

  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Check(listener_ >= 0, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  Check(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && ::listen(listener_, 16) == 0,
        "bind");
  socklen_t len = sizeof addr;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  certificate_file_ = (std::filesystem::path(::testing::TempDir()) /
                       ("tls_server_" + std::to_string(::getpid()) + "_" + std::to_string(port_) + ".pem"))
                          .string();
  std::ofstream(certificate_file_, std::ios::binary) << pem;
  Check(::pipe2(wake_, O_CLOEXEC) == 0, "pipe");
  thread_ = std::thread([this] { Serve(); });
}

TlsServer::~TlsServer() {
  const char stop = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_[1], &stop, 1);
  thread_.join();
  ::close(listener_);
  ::close(wake_[0]);
  ::close(wake_[1]);
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
  std::error_code ignored;
  std::filesystem::remove(certificate_file_, ignored);
}

void TlsServer::Serve() {
  for (;;) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    // A client that stalls does not hold the server forever.
    timeval five{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &five, sizeof five);
    SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      Answer(ssl);
      SSL_shutdown(ssl);
    } else {
      ++handshakes_failed_;
      ERR_clear_error();
    }
    SSL_free(ssl);
    ::close(fd);
  }
}

void TlsServer::Answer(void* handle) {
  SSL* ssl = static_cast<SSL*>(handle);
  std::string in;
  char chunk[4096];
  std::size_t head_end = std::string::npos, length = 0;
  for (;;) {
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      head_end += 4;
      std::string head = in.substr(0, head_end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::size_t at = head.find("content-length:");
      if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
    }
    if (head_end != std::string::npos && in.size() >= head_end + length) break;
    const int n = SSL_read(ssl, chunk, sizeof chunk);
    if (n <= 0) return;
    in.append(chunk, static_cast<std::size_t>(n));
  }
  ++requests_;
  const std::size_t sp = in.find(' ');
  const std::string target = in.substr(sp + 1, in.find(' ', sp + 1) - sp - 1);
  const std::string body = answer_(target, in.substr(head_end, length));
  const std::string out =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  SSL_write(ssl, out.data(), static_cast<int>(out.size()));
}

}  // namespace liantiao::testing
