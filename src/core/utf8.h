#pragma once

#include <cstddef>
#include <string_view>

namespace liantiao {

// The length of the UTF-8 sequence that starts at `text[at]`, or 0 where none does:
// a stray continuation byte, a truncated sequence, an overlong form, a surrogate or a
// code point beyond U+10FFFF. Written here rather than taken from ICU (whose U8_NEXT
// does the same, linked by the standard layer): the HTTP layer and the probe's answer
// cleaning share it, and the core depends on nothing but the standard library.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t at);

bool IsValidUtf8(std::string_view text);

// How many characters a person counts in `text`: its code points (a byte that starts no
// valid sequence counts as one). The web app's length limits count the same way, so a
// field's limit means the same on both sides for Chinese text.
std::size_t CharacterCount(std::string_view text);

// Whether text a person typed holds characters nobody sees: C0 controls other than tab
// and line breaks, DEL, and the bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make "report\u202Efdp.exe" display as "reportexe.pdf".
bool HasHiddenControls(std::string_view text);

}  // namespace liantiao
