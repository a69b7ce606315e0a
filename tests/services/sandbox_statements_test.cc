// The sandbox's prepared statements in a group-commit batch: on PostgreSQL the async
// results and the evidence wait for the batch's flush (Statements::BeginBatch); on
// SQLite they are written as they come. Either way the same rows end up stored.
#include "services/sandbox_statements.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/row.h"
#include "testing/app/sandbox_driver.h"
#include "testing/test_database.h"

namespace liantiao::services::sandbox {
namespace {

using storage::Database;

class SandboxStatementsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tp_ = testing::TestPlatform::Create(GetParam(), ParseInstant("2026-10-20T10:00:00+08:00").value(), false);
    ASSERT_NE(tp_, nullptr);
    const auto vendor = tp_->AddVendor("st_vendor");
    const auto reviewer = tp_->AddUser(domain::Role::kCityReviewer, "st_reviewer", "440100");
    application_id_ = testing::StartJointTest(*tp_, vendor, reviewer, "440100", "gd-v1.3").application_id;
    key_id_ = Count("SELECT MAX(id) FROM test_keys WHERE application_id = " + std::to_string(application_id_));
    ASSERT_GT(key_id_, 0);
  }

  Database& db() { return tp_->db(); }

  long long Count(const std::string& query) {
    return db()
        .Read<long long>([&](soci::session& sql) -> Result<long long> {
          long long n = 0;
          sql << query, soci::into(n);
          return n;
        })
        .value();
  }

  // The evidence ids and messages written for this test's application, in id order.
  std::vector<std::pair<long long, std::string>> Evidence() {
    return db()
        .Read<std::vector<std::pair<long long, std::string>>>(
            [&](soci::session& sql) -> Result<std::vector<std::pair<long long, std::string>>> {
              std::vector<std::pair<long long, std::string>> out;
              soci::rowset<soci::row> rows = (sql.prepare << "SELECT id, message FROM sandbox_evidence WHERE "
                                                             "application_id = :a AND method = 'Test.Add' ORDER BY id",
                                              soci::use(application_id_));
              for (const soci::row& r : rows) out.emplace_back(storage::GetInt(r, 0), storage::GetText(r, 1));
              return out;
            })
        .value();
  }

  EvidenceRow Row(const std::string& message, long long application_id = 0) {
    EvidenceRow row;
    row.application_id = application_id ? application_id : application_id_;
    row.key_id = key_id_;
    row.city_code = "440100";
    row.received_at = 1'760'925'600;
    row.method = "Test.Add";
    row.outcome = "accepted";
    row.code = "0";
    row.message = message;
    row.request = "{\"a\":\"tab\there, line\nthere, back\\slash\"}";  // COPY's separators, escaped
    return row;
  }

  // The deferral the sandbox's writer runs its batches with on PostgreSQL.
  Database::Deferral deferral_{
      [this](soci::session& sql, bool defer) { db().Local<Statements>(sql).BeginBatch(db(), defer); },
      [this](soci::session& sql) { db().Local<Statements>(sql).FlushBatch(); }};

  std::unique_ptr<testing::TestPlatform> tp_;
  long long application_id_ = 0, key_id_ = 0;
};

TEST_P(SandboxStatementsTest, ABatchsRowsGetIdsInTheOrderItsUnitsRan) {
  const bool deferred = GetParam() == "postgresql";
  std::vector<long long> evidence_ids(3, -1), ids_at_once(3, -1), async_ids(3, 0);
  std::vector<Database::Unit> units;
  for (std::size_t i = 0; i < 3; ++i) {
    units.push_back([&, i](soci::session& sql) -> Status {
      auto& statements = db().Local<Statements>(sql);
      async_ids[i] = statements.InsertAsync(key_id_, "Test.Add", 20, "r" + std::to_string(i), "", 0, 1'760'925'600);
      statements.InsertEvidence(Row("m" + std::to_string(i)), evidence_ids[i]);
      ids_at_once[i] = evidence_ids[i];
      return OkStatus();
    });
  }
  auto r = db().TransactBatch(units, nullptr, &deferral_);
  ASSERT_TRUE(r.ok());
  for (const Status& st : *r) EXPECT_TRUE(st.ok());
  for (std::size_t i = 0; i < 3; ++i) {
    if (deferred) {
      EXPECT_EQ(ids_at_once[i], 0) << "drawn at the flush";
    } else {
      EXPECT_EQ(ids_at_once[i], evidence_ids[i]) << "written at once";
    }
  }
  const auto evidence = Evidence();
  ASSERT_EQ(evidence.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(evidence[i].first, evidence_ids[i]);
    EXPECT_EQ(evidence[i].second, "m" + std::to_string(i)) << "in the order the units ran";
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sandbox_evidence WHERE request = '{\"a\":\"tab\there, line\nthere, "
                  "back\\slash\"}' AND source = 'sandbox' AND latency_us = 0"),
            3)
      << "stored as given, with the columns' defaults";
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM sandbox_async WHERE id = " + std::to_string(async_ids[i]) +
                    " AND result = 'r" + std::to_string(i) + "' AND status = 20 AND polled_pending = 0"),
              1);
  }
  EXPECT_NE(async_ids[0], async_ids[1]);
  EXPECT_NE(async_ids[1], async_ids[2]);
}

// A row the database refuses at the flush belongs to no one unit there: the batch runs
// again writing as it goes, and only the unit whose row it is fails.
TEST_P(SandboxStatementsTest, ARowRefusedAtTheFlushFailsOnlyItsOwnUnit) {
  std::vector<long long> ids(3, -1);
  std::vector<Database::Unit> units;
  for (std::size_t i = 0; i < 3; ++i) {
    units.push_back([&, i](soci::session& sql) -> Status {
      // The second names an application that does not exist (its foreign key).
      db().Local<Statements>(sql).InsertEvidence(Row("m" + std::to_string(i), i == 1 ? 987654321 : 0), ids[i]);
      return OkStatus();
    });
  }
  auto r = db().TransactBatch(units, nullptr, &deferral_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].ok());
  EXPECT_EQ((*r)[1].error().code, ErrorCode::kDatabaseError);
  EXPECT_TRUE((*r)[2].ok());
  const auto evidence = Evidence();
  ASSERT_EQ(evidence.size(), 2u);
  EXPECT_EQ(evidence[0], std::make_pair(ids[0], std::string("m0")));
  EXPECT_EQ(evidence[1], std::make_pair(ids[2], std::string("m2")));
}

// Outside a batch that defers (after one, on the same connection), rows are written at
// once: nothing waits for a flush that will not come. Also after a run of the batch that
// a failing unit rolled back, which runs again on whichever connection is free.
TEST_P(SandboxStatementsTest, AfterABatchRowsAreWrittenAtOnce) {
  long long in_batch = 0, refused = 0;
  std::vector<Database::Unit> units = {[&](soci::session& sql) -> Status {
                                         db().Local<Statements>(sql).InsertEvidence(Row("in the batch"), in_batch);
                                         return OkStatus();
                                       },
                                       [&](soci::session& sql) -> Status {
                                         db().Local<Statements>(sql).InsertEvidence(Row("refused"), refused);
                                         return MakeError(ErrorCode::kInvalidField);
                                       }};
  auto r = db().TransactBatch(units, nullptr, &deferral_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[1].ok());
  for (int i = 0; i < 8; ++i) {  // every pooled connection, whichever ran the batch
    long long id = 0;
    ASSERT_TRUE(db().Transact<Ok>([&](soci::session& sql) -> Result<Ok> {
                      db().Local<Statements>(sql).InsertEvidence(Row("alone"), id);
                      return Ok{};
                    })
                    .ok());
    EXPECT_GT(id, in_batch);
  }
  EXPECT_EQ(Evidence().size(), 9u);
}

INSTANTIATE_TEST_SUITE_P(Databases, SandboxStatementsTest, ::testing::ValuesIn(testing::TestDatabaseKinds()));

}  // namespace
}  // namespace liantiao::services::sandbox
