#include "services/csv.h"

#include <gtest/gtest.h>

namespace liantiao::services {
namespace {

TEST(Csv, PlainCellsAreWrittenAsTheyAre) {
  EXPECT_EQ(CsvCell("广州市"), "广州市");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("-2"), "-2") << "a number, as the sandbox's codes are";
  EXPECT_EQ(CsvCell("+8.5"), "+8.5");
  EXPECT_EQ(CsvCell("12.5"), "12.5");
}

TEST(Csv, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell(R"({"code":"0"})"), R"("{""code"":""0""}")");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell("cr\rhere"), "\"cr\rhere\"");
}

// Text a vendor sent must not become a spreadsheet formula when a reviewer opens it.
TEST(Csv, WhatASpreadsheetWouldRunIsKeptAsText) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("+cmd"), "'+cmd");
  EXPECT_EQ(CsvCell("-1+2"), "'-1+2");
  EXPECT_EQ(CsvCell("\tx"), "'\tx");
}

TEST(Csv, RowsEndWithCrLf) {
  std::string out;
  AppendCsvRow(out, {"编号", "a,b", "-5"});
  AppendCsvRow(out, {});
  EXPECT_EQ(out, "编号,\"a,b\",-5\r\n\r\n");
}

}  // namespace
}  // namespace liantiao::services
