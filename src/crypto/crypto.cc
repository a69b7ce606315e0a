#include "crypto/crypto.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <semaphore>
#include <thread>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

namespace liantiao::crypto {

namespace {

Error CryptoError(std::string message) { return MakeError(ErrorCode::kInternal, std::move(message)); }

// Fetched once: implicit fetches in OpenSSL 3 are markedly slower.
const EVP_MD* Sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
EVP_MAC* HmacMac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return c;
}

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

}  // namespace

void InitCrypto() {
  static const int ok = sodium_init();
  (void)ok;  // 0 first time, 1 when already initialised; -1 only without entropy
}

std::string RandomBytes(std::size_t n) {
  InitCrypto();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string RandomToken(std::size_t bytes) {
  const std::string raw = RandomBytes(bytes);
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[c >> 4];
    out[2 * i + 1] = kHex[c & 15];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2) return MakeError(ErrorCode::kInvalidField, "十六进制数据长度无效");
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return MakeError(ErrorCode::kInvalidField, "十六进制数据含无效字符");
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return MakeError(ErrorCode::kInvalidField, "Base64 数据无效");
  }
  out.resize(len);
  return out;
}

std::string Sha256Hex(std::string_view data) {
  // A context per thread, reused: EVP_Digest allocates and frees one for every digest,
  // and the report's evidence chain takes thirteen for every evidence row.
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), Sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
    // Only when OpenSSL cannot allocate: the one-shot call, as before.
    EVP_Digest(data.data(), data.size(), md, &len, Sha256(), nullptr);
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacMac());
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params);
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  EVP_MAC_final(ctx, out, &len, sizeof out);
  EVP_MAC_CTX_free(ctx);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), len));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::Minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

namespace {
// Each hash takes 64 MiB at the interactive cost: bound how many run at once so a
// burst of logins queues instead of exhausting memory on a small server.
std::counting_semaphore<64>& HashSlots() {
  static std::counting_semaphore<64> slots(
      static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u)));
  return slots;
}
struct SlotGuard {
  SlotGuard() { HashSlots().acquire(); }
  ~SlotGuard() { HashSlots().release(); }
};
}  // namespace

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  InitCrypto();
  SlotGuard slot;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return CryptoError("密码哈希失败（内存不足）");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, std::string_view encoded_hash) {
  InitCrypto();
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  SlotGuard slot;
  const std::string hash(encoded_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<SecretBox> SecretBox::FromKey(std::string_view key32) {
  if (key32.size() != 32) return MakeError(ErrorCode::kConfigError, "主密钥须为 32 字节");
  return SecretBox(std::string(key32));
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  const std::string nonce = RandomBytes(kNonceBytes);
  std::string ct(plaintext.size(), '\0');
  unsigned char tag[kTagBytes];
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_EncryptInit_ex2(ctx, Aes256Gcm(), reinterpret_cast<const unsigned char*>(key_.data()),
                      reinterpret_cast<const unsigned char*>(nonce.data()), nullptr);
  EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(ct.data()), &len,
                    reinterpret_cast<const unsigned char*>(plaintext.data()), static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(ct.data()) + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, tag);
  EVP_CIPHER_CTX_free(ctx);
  return Base64Encode(nonce + ct + std::string(reinterpret_cast<const char*>(tag), kTagBytes));
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  auto raw = Base64Decode(sealed);
  if (!raw.ok() || raw->size() < kNonceBytes + kTagBytes) return CryptoError("密钥数据无法解密");
  const std::string& r = *raw;
  const std::size_t ct_len = r.size() - kNonceBytes - kTagBytes;
  std::string pt(ct_len, '\0');
  std::string tag = r.substr(kNonceBytes + ct_len);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_DecryptInit_ex2(ctx, Aes256Gcm(), reinterpret_cast<const unsigned char*>(key_.data()),
                      reinterpret_cast<const unsigned char*>(r.data()), nullptr);
  EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(pt.data()), &len,
                    reinterpret_cast<const unsigned char*>(r.data()) + kNonceBytes, static_cast<int>(ct_len));
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data());
  const int ok = EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(pt.data()) + len, &len);
  EVP_CIPHER_CTX_free(ctx);
  if (ok <= 0) return CryptoError("密钥数据无法解密");
  return pt;
}

std::string ChainHash(std::string_view previous_hash, std::string_view canonical_entry) {
  std::string text;
  text.reserve(previous_hash.size() + 1 + canonical_entry.size());
  text.append(previous_hash).append("\n").append(canonical_entry);
  return Sha256Hex(text);
}

}  // namespace liantiao::crypto
