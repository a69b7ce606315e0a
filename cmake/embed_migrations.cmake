# cmake -DDIR=db/migrations -DOUT=file.cc -P embed_migrations.cmake
# Writes every DIR/*.sql, sorted by file name, into one .cc that defines
# liantiao::storage::EmbeddedMigrations(), so the binary needs no SQL files at run
# time. Bytes become hex arrays: a raw string literal would break on arbitrary SQL.
file(GLOB files ${DIR}/*.sql)
list(SORT files)
set(arrays "")
set(entries "")
set(i 0)
foreach(f IN LISTS files)
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR len "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  string(APPEND arrays "const unsigned char kSql${i}[] = {${body} 0};\n")
  string(APPEND entries "      {\"${name}\", std::string_view(reinterpret_cast<const char*>(kSql${i}), ${len})},\n")
  math(EXPR i "${i} + 1")
endforeach()
if(i EQUAL 0)
  set(body "  return {};\n")
else()
  # A function-local static: initialised on first use, so no static-order issue.
  set(body "  static const Migration kMigrations[] = {\n${entries}  };\n  return kMigrations;\n")
endif()
set(content "// Generated from ${DIR}/*.sql by cmake/embed_migrations.cmake. Do not edit.\n#include <span>\n#include <string_view>\n\n#include \"storage/migrations.h\"\n\nnamespace liantiao::storage {\nnamespace {\n${arrays}}  // namespace\n\nstd::span<const Migration> EmbeddedMigrations() {\n${body}}\n\n}  // namespace liantiao::storage\n")
# Rewrite only on change so that an unrelated reconfigure does not rebuild.
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE ${OUT} "${content}")
