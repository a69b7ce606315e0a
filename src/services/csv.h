#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace liantiao::services {

// CSV as the platform's exports write it (RFC 4180, CRLF), to be opened in Excel or
// WPS: a cell holding a comma, a quote or a line break is quoted; a cell that a
// spreadsheet would take for a formula (=, +, -, @ first, unless it is a number) is
// prefixed with an apostrophe, since exported cells carry text that vendors sent.
// Small enough not to need a library; none in Debian's packages fits.
std::string CsvCell(std::string_view text);
void AppendCsvRow(std::string& out, const std::vector<std::string>& cells);
// The byte-order mark Excel needs to read UTF-8 (Chinese headers) as UTF-8.
inline constexpr std::string_view kCsvBom = "\xEF\xBB\xBF";

}  // namespace liantiao::services
