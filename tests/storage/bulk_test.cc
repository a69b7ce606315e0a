#include "storage/bulk.h"

#include <gtest/gtest.h>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/row.h"
#include "testing/test_database.h"

namespace liantiao::storage {
namespace {

constexpr Migration kTable[] = {
    {"0001_t", "CREATE TABLE t (id {{ID}}, n {{BIGINT}} NOT NULL, label TEXT, note TEXT NOT NULL);"}};

class BulkTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BulkTest, InsertsAllRowsAcrossChunksWithTypesAndNulls) {
  auto tdb = testing::TestDatabase::Create(GetParam());
  ASSERT_FALSE(tdb.url().empty());
  auto url = ParseDbUrl(tdb.url());
  ASSERT_TRUE(url.ok());
  auto db = Database::Open(*url, 2);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Migrate(kTable).ok());
  std::vector<BulkRow> rows;
  // 3 columns → 1333 rows a chunk: 3000 rows take three statements.
  for (int i = 0; i < 3000; ++i) {
    rows.push_back({std::to_string(i), i % 2 ? std::optional<std::string>("名称 " + std::to_string(i)) : std::nullopt,
                    "it's \"quoted\" ;\ttab\\back\nline\r\\N"});
  }
  auto st = (*db)->Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
    BulkInsert(sql, "t", {"n", "label", "note"}, rows);
    return Ok{};
  });
  ASSERT_TRUE(st.ok());
  auto check = (*db)->Read<std::vector<long long>>([](soci::session& sql) -> Result<std::vector<long long>> {
    long long count = 0, sum = 0, nulls = 0;
    sql << "SELECT COUNT(*), SUM(n) FROM t", soci::into(count), soci::into(sum);
    sql << "SELECT COUNT(*) FROM t WHERE label IS NULL", soci::into(nulls);
    std::string label, note;
    sql << "SELECT label, note FROM t WHERE n = 2999", soci::into(label), soci::into(note);
    EXPECT_EQ(label, "名称 2999");
    EXPECT_EQ(note, "it's \"quoted\" ;\ttab\\back\nline\r\\N");
    return std::vector<long long>{count, sum, nulls};
  });
  ASSERT_TRUE(check.ok());
  EXPECT_EQ((*check)[0], 3000);
  EXPECT_EQ((*check)[1], 2999LL * 3000 / 2);
  EXPECT_EQ((*check)[2], 1500);
}

INSTANTIATE_TEST_SUITE_P(Databases, BulkTest, ::testing::ValuesIn(testing::TestDatabaseKinds()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace liantiao::storage
