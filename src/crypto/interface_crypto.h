#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

struct evp_cipher_st;  // OpenSSL's EVP_CIPHER

// The primitives the interface standards use for request signatures and field
// encryption. Which of them a city uses, and how keys are derived from the secret,
// is profile data (spec/profiles/*); this file only implements the algorithms.
namespace liantiao::crypto {

enum class DigestAlgorithm { kSha256, kMd5, kSm3 };

// "sha256", "md5", "sm3" → the algorithm; anything else → kInvalidField, one this
// machine's OpenSSL does not provide → kInternal.
Result<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name);
// Lower-case hex digest.
std::string DigestHex(DigestAlgorithm algorithm, std::string_view data);

// A block cipher in CBC or ECB mode with PKCS#7 padding, keyed once. DES is only in
// OpenSSL 3's legacy provider, which is loaded on first use of a DES cipher.
class FieldCipher {
 public:
  // name: "aes-256-cbc", "aes-128-cbc", "des-ecb", "sm4-cbc". The key and iv must
  // have the algorithm's lengths (iv empty for ECB) → kInvalidField otherwise.
  static Result<FieldCipher> Make(std::string_view name, std::string key, std::string iv);
  std::string Encrypt(std::string_view plaintext) const;
  // Wrong padding or a length that is not a whole number of blocks → kInvalidField.
  Result<std::string> Decrypt(std::string_view ciphertext) const;

  struct Algorithm;  // the table of supported ciphers (interface_crypto.cc)

 private:
  FieldCipher(const evp_cipher_st* cipher, std::string key, std::string iv)
      : cipher_(cipher), key_(std::move(key)), iv_(std::move(iv)) {}
  const evp_cipher_st* cipher_;  // fetched once for the process, never freed
  std::string key_, iv_;
};

}  // namespace liantiao::crypto
