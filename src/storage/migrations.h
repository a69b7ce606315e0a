#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace liantiao::storage {

// One schema change: `name` is the file name without ".sql" (e.g. "0001_init") and is
// what schema_migrations records; `sql` is the portable text with dialect tokens.
struct Migration {
  std::string_view name;
  std::string_view sql;
};

// db/migrations/*.sql sorted by file name, compiled into the binary at build time
// (cmake/embed_migrations.cmake). Empty when the directory holds no .sql file.
std::span<const Migration> EmbeddedMigrations();

// Replaces the portable tokens of the migration SQL for one dialect:
//   {{ID}}     INTEGER PRIMARY KEY AUTOINCREMENT | BIGSERIAL PRIMARY KEY
//   {{BIGINT}} INTEGER                           | BIGINT
//   {{BLOB}}   BLOB                              | BYTEA
//   {{WITHOUT_ROWID}}  " WITHOUT ROWID"          | nothing
//   {{JSON_TEXT(column, member)}}  json_extract(column, '$.member') | (column::jsonb ->> 'member')
// ({{BIGINT}} is INTEGER on SQLite so that a rowid alias stays a rowid alias; SQLite
// integers are 64-bit anyway.)
std::string ApplyDialect(std::string_view sql, Dialect dialect);

// A CREATE TABLE statement with its columns declared INTEGER declared BIGINT instead,
// except an INTEGER PRIMARY KEY (the rowid): SOCI reads INTEGER columns of SQLite as a
// 32-bit int. Whole words only; the rest of the text as it is.
std::string WidenIntegerDeclarations(std::string_view sql);

// Splits migration SQL into statements: a statement ends at a ';' that ends a line
// (trailing blanks allowed); lines starting with "--" are comments and dropped. The
// terminating ';' is not part of the statement. Neither SQLite nor libpq accepts
// several statements in one prepared statement, hence the split.
std::vector<std::string> SplitStatements(std::string_view sql);

}  // namespace liantiao::storage
