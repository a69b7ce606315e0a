# cmake -DIN=file -DOUT=file.cc -DSYMBOL=name -P embed.cmake
# Writes the bytes of IN as a constexpr array; a raw string literal would break on
# arbitrary content, a hex array never does.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE ${OUT} "// Generated from ${IN} by cmake/embed.cmake. Do not edit.\n#include <string_view>\nnamespace liantiao::embedded {\nstatic const unsigned char kData[] = {${body} 0};\nextern const std::string_view ${SYMBOL};\nconst std::string_view ${SYMBOL}{reinterpret_cast<const char*>(kData), ${len}};\n}  // namespace liantiao::embedded\n")
