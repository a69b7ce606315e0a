#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace liantiao::crypto {

// Call once at start-up (sodium_init); safe to call again.
void InitCrypto();

// Random bytes from libsodium's CSPRNG.
std::string RandomBytes(std::size_t n);
// URL-safe base64 without padding of `bytes` random bytes: session tokens, key ids.
std::string RandomToken(std::size_t bytes = 32);

std::string Sha256Hex(std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// Compares in constant time (tokens, CSRF, signatures).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Argon2id via libsodium. The cost is a parameter so tests can use the minimum;
// production uses kModerate (about 100 ms here). Concurrent hashes are limited to
// the number of cores so a burst of logins cannot exhaust memory.
struct PasswordCost {
  unsigned long long ops;
  std::size_t mem_bytes;
  static PasswordCost Interactive();  // libsodium's INTERACTIVE limits (64 MiB, t=2)
  static PasswordCost Minimum();      // libsodium's MIN limits: tests only
};
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
bool VerifyPassword(std::string_view password, std::string_view encoded_hash);

// Authenticated encryption of small secrets (test keys) under a 32-byte server key:
// AES-256-GCM through OpenSSL EVP, output base64(nonce | ciphertext | tag).
class SecretBox {
 public:
  static Result<SecretBox> FromKey(std::string_view key32);  // exactly 32 bytes
  std::string Seal(std::string_view plaintext) const;
  Result<std::string> Open(std::string_view sealed) const;  // fails if tampered or wrong key

 private:
  explicit SecretBox(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

// The tamper-evident history chain: hash of an entry = SHA-256 over the previous
// hash and the entry's canonical text, hex-encoded. The first entry's previous hash
// is 64 zeros.
std::string ChainHash(std::string_view previous_hash, std::string_view canonical_entry);
inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace liantiao::crypto
