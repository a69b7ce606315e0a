#include "storage/bulk.h"

#include <algorithm>
#include <cassert>

namespace liantiao::storage {

void BulkInsert(soci::session& sql, const std::string& table, const std::vector<std::string>& columns,
                const std::vector<BulkRow>& rows) {
  if (rows.empty()) return;
  // Stay well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
  const std::size_t per_chunk = std::max<std::size_t>(1, 4000 / columns.size());
  std::string head = "INSERT INTO " + table + " (";
  for (std::size_t c = 0; c < columns.size(); ++c) head += (c ? ", " : "") + columns[c];
  head += ") VALUES ";
  for (std::size_t start = 0; start < rows.size(); start += per_chunk) {
    const std::size_t end = std::min(rows.size(), start + per_chunk);
    std::string q = head;
    std::vector<std::string> values;
    std::vector<soci::indicator> indicators;
    values.reserve((end - start) * columns.size());
    indicators.reserve(values.capacity());
    for (std::size_t r = start; r < end; ++r) {
      assert(rows[r].size() == columns.size());
      q += r == start ? "(" : ", (";
      for (std::size_t c = 0; c < columns.size(); ++c) {
        q += (c ? ", :p" : ":p") + std::to_string(values.size());
        values.push_back(rows[r][c].value_or(""));
        indicators.push_back(rows[r][c] ? soci::i_ok : soci::i_null);
      }
      q += ")";
    }
    soci::statement st = (sql.prepare << q);
    for (std::size_t i = 0; i < values.size(); ++i) st.exchange(soci::use(values[i], indicators[i]));
    st.define_and_bind();
    st.execute(true);
  }
}

}  // namespace liantiao::storage
