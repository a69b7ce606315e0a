#pragma once

#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

namespace liantiao::storage {

// One row of a bulk insert: every value bound as text (NULL when empty optional).
// Both databases convert a text parameter to the column's type (PostgreSQL infers the
// parameter type from the column; SQLite's type affinity stores numeric text as an
// integer), so one binding path serves every column.
using BulkRow = std::vector<std::optional<std::string>>;

// INSERT INTO table (columns) VALUES (…), (…), … in chunks. SOCI's PostgreSQL backend
// makes one round trip per row even for vector binds; a multi-row VALUES statement
// makes one per chunk, which is what lets a sweep over 100,000 rows stay under a second.
void BulkInsert(soci::session& sql, const std::string& table, const std::vector<std::string>& columns,
                const std::vector<BulkRow>& rows);

}  // namespace liantiao::storage
