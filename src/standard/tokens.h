// The `${name}` tokens of the shipped examples (spec/profiles/*/examples): what an
// example cannot know ahead (the key's project, today's date, an id the platform
// assigns) and whoever sends it fills in. Shared by `liantiao device --send` and the
// tests that run every example.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "standard/wire.h"

namespace liantiao::standard {

// `v` with each `${name}` in its strings replaced by `values[name]` (a string as its
// text, anything else as its JSON). A string that is one token alone becomes the value
// itself, so `"${teamSysNo}"` given a number stays a number. Tokens without a value are
// left as they are.
nlohmann::json FillTokens(nlohmann::json v, const std::map<std::string, nlohmann::json>& values);

// What a sender fills an example's tokens with before it has sent anything: the key's
// provisioned project and contractor (`${projectCode}`, `${corpCode}`, `${corpName}`);
// `${today}`, `${tomorrow}`, `${now}`, `${month}` and `${next_month}` from `now`, in
// the interface's formats and Shanghai time; and images for the image checks,
// `${image_png}` and `${image_jpg}` within every profile's limit, `${image_big}` a JPEG
// over 50 KB and `${image_bmp}` of a type no profile accepts. The tokens the platform's
// answers assign (`${teamSysNo}`, `${addedProjectCode}`, `${serial}`) are the sender's
// to add as it receives them.
struct ExampleIdentity {
  std::string project_code, corp_code, corp_name;
};
std::map<std::string, nlohmann::json> ExampleTokens(const ExampleIdentity& key, Instant now);

// What a write's answer assigned that later requests of an example name: `${teamSysNo}`
// from a Team.Add, `${addedProjectCode}` from a Project.Add. `assigned` is the answer's
// data, or its asynchronous result parsed; a value it lacks is left as it was.
void NoteAssigned(std::string_view method, const nlohmann::json& assigned, const KeyCodec& codec,
                  std::map<std::string, nlohmann::json>& values);
// The teamSysNo of a Team.Add's answer: a number, or its ciphertext where the profile
// encrypts it (gz: des:…); 0 when there is none.
long long AssignedTeamNumber(const nlohmann::json& assigned, const KeyCodec& codec);

// A 1×1 PNG as a data URI: small enough for every profile's image limit.
std::string SamplePng();
// A JPEG data URI of `size` bytes: the signature a server sniffs, then filler. Enough
// for the size and type checks; not a picture.
std::string SampleJpeg(std::size_t size);

// The month after "2026-12" ("2027-01"), for `${next_month}`; empty if `year_month`
// is not of that form.
std::string MonthAfter(std::string_view year_month);

// The first `${…}` token left anywhere in `v`, or empty when there is none.
std::string FirstToken(const nlohmann::json& v);

}  // namespace liantiao::standard
