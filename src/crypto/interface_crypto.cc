#include "crypto/interface_crypto.h"

#include <array>
#include <mutex>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "crypto/crypto.h"

namespace liantiao::crypto {

namespace {

const EVP_MD* FetchDigest(DigestAlgorithm algorithm) {
  // Fetched once each: implicit fetches in OpenSSL 3 are markedly slower.
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static EVP_MD* sm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
  switch (algorithm) {
    case DigestAlgorithm::kSha256:
      return sha256;
    case DigestAlgorithm::kMd5:
      return md5;
    case DigestAlgorithm::kSm3:
      return sm3;
  }
  return sha256;
}

void LoadLegacyProvider() {
  // Loading "legacy" explicitly makes the default provider implicit no more, so both
  // are loaded; they stay loaded for the life of the process.
  static std::once_flag once;
  std::call_once(once, [] {
    OSSL_PROVIDER_load(nullptr, "legacy");
    OSSL_PROVIDER_load(nullptr, "default");
  });
}

}  // namespace

struct FieldCipher::Algorithm {
  std::string_view name;
  const char* openssl_name;
  std::size_t key_bytes;
  std::size_t iv_bytes;
  bool legacy;
};

namespace {
constexpr std::array<FieldCipher::Algorithm, 4> kAlgorithms{{
    {"aes-256-cbc", "AES-256-CBC", 32, 16, false},
    {"aes-128-cbc", "AES-128-CBC", 16, 16, false},
    {"des-ecb", "DES-ECB", 8, 0, true},
    {"sm4-cbc", "SM4-CBC", 16, 16, false},
}};

const EVP_CIPHER* FetchCipher(const FieldCipher::Algorithm& a) {
  if (a.legacy) LoadLegacyProvider();
  // One fetch per algorithm for the process (the table is small and fixed), at
  // FieldCipher::Make: a keyed cipher keeps what it fetched.
  static std::array<EVP_CIPHER*, kAlgorithms.size()> cache{};
  static std::mutex mu;
  std::lock_guard lock(mu);
  const auto index = static_cast<std::size_t>(&a - kAlgorithms.data());
  if (cache[index] == nullptr) cache[index] = EVP_CIPHER_fetch(nullptr, a.openssl_name, nullptr);
  return cache[index];
}

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

Result<std::string> Run(const EVP_CIPHER* cipher, const std::string& key, const std::string& iv, std::string_view input,
                        bool encrypt) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter> ctx(EVP_CIPHER_CTX_new());
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  const auto* v = iv.empty() ? nullptr : reinterpret_cast<const unsigned char*>(iv.data());
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, k, v, encrypt ? 1 : 0, nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "加密算法初始化失败");
  }
  std::string out(input.size() + 32, '\0');
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), o, &n, reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), o + n, &tail) != 1) {
    return MakeError(ErrorCode::kInvalidField, "密文无法用此密钥解密");
  }
  out.resize(static_cast<std::size_t>(n + tail));
  return out;
}
}  // namespace

Result<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name) {
  DigestAlgorithm algorithm;
  if (name == "sha256") {
    algorithm = DigestAlgorithm::kSha256;
  } else if (name == "md5") {
    algorithm = DigestAlgorithm::kMd5;
  } else if (name == "sm3") {
    algorithm = DigestAlgorithm::kSm3;
  } else {
    return MakeError(ErrorCode::kInvalidField, "不支持的摘要算法：" + std::string(name));
  }
  // Checked here, where a profile names it, so that DigestHex never meets a missing one.
  if (FetchDigest(algorithm) == nullptr) {
    return MakeError(ErrorCode::kInternal, "本机 OpenSSL 未提供摘要算法 " + std::string(name));
  }
  return algorithm;
}

std::string DigestHex(DigestAlgorithm algorithm, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, FetchDigest(algorithm), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), n));
}

Result<FieldCipher> FieldCipher::Make(std::string_view name, std::string key, std::string iv) {
  for (const auto& a : kAlgorithms) {
    if (a.name != name) continue;
    if (key.size() != a.key_bytes || iv.size() != a.iv_bytes) {
      return MakeError(ErrorCode::kInvalidField, "密钥或初始向量的长度不符合 " + std::string(name));
    }
    const EVP_CIPHER* cipher = FetchCipher(a);
    if (cipher == nullptr) {
      return MakeError(ErrorCode::kInternal, "本机 OpenSSL 未提供加密算法 " + std::string(name));
    }
    return FieldCipher(cipher, std::move(key), std::move(iv));
  }
  return MakeError(ErrorCode::kInvalidField, "不支持的加密算法：" + std::string(name));
}

std::string FieldCipher::Encrypt(std::string_view plaintext) const {
  auto out = Run(cipher_, key_, iv_, plaintext, true);
  return out.ok() ? std::move(out).value() : std::string();  // encryption cannot fail once keyed
}

Result<std::string> FieldCipher::Decrypt(std::string_view ciphertext) const {
  return Run(cipher_, key_, iv_, ciphertext, false);
}

}  // namespace liantiao::crypto
