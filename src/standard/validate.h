#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/time.h"
#include "standard/profile.h"
#include "standard/schema.h"

namespace liantiao::standard {

// One thing wrong with a payload. `kind` is an error-catalogue key (docs/profiles.md:
// required, dict, id_number, image_size …); `path` is in the observed server style,
// "[workerList][0][headImage]".
struct Violation {
  std::string kind;
  std::string path;
  std::map<std::string, std::string> params;  // fills the catalogue message
  std::string message;                        // the field's own wording (x-messages), else empty
  // What a profile may accept and note instead of refusing (Profile::noted), empty for
  // every violation but one: `credit_code_checksum`, a credit code of the right form
  // whose check character fails, as the legal codes of some early pilot regions do
  // (Fujian's 91350100M0001TGQXM; interface research 5.2).
  std::string notable;
};

// "Now" as the date rules see it, in Beijing time. Built from an Instant by the
// caller: the validator never reads a clock.
struct CivilNow {
  std::string today;  // 2026-11-24
  std::string now;    // 2026-11-24 15:00:00
  std::string month;  // 2026-11
  static CivilNow At(Instant t);
};

// Validates `data` against a method's compiled schema (MethodSpec::data_schema: the
// subset of JSON Schema with the x- keywords of docs/profiles.md). Returns every
// violation, in document order.
std::vector<Violation> ValidateData(const Schema& schema, const json& data, const CivilNow& now);

// The catalogue message of a violation, e.g. "[workerList][0][headImage]不能为空!".
std::string ViolationMessage(const Profile& profile, const Violation& v);

// Calls `transform` on every string found at an `x-encrypted` position of the schema
// and stores its result in place (decrypting on the server, encrypting in the device).
// Stops at the first failure and returns the path of that field.
struct EncryptedFields {
  int count = 0;
  std::optional<std::string> failed_path;
};
EncryptedFields TransformEncrypted(const Schema& schema, json& data,
                                   const std::function<Result<std::string>(const std::string&)>& transform);

// GB 11643-1999 citizen identity number: 18 characters, check digit, a real birth
// date between 1900-01-01 and `today`.
bool IsValidIdNumber(std::string_view id, std::string_view today);

// Masks a personal number for evidence: keeps the first 6 and last 4 characters.
std::string MaskNumber(std::string_view value);
// Masks a phone number for evidence: keeps the first 3 and last 4 characters
// (13800001000 → 138****1000); a shorter one is masked whole.
std::string MaskPhone(std::string_view value);

}  // namespace liantiao::standard
