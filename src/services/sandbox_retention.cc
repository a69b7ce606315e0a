// How long a key's sandbox store is kept (SandboxService::PurgeEndedStores).
//
// A key's store holds what its requests stored: workers with their ID numbers
// decrypted, teams, entries, attendance, payroll, and the asynchronous results, whose
// failure texts repeat the numbers sent. The store is needed while the key works (the
// business rules and the Query methods read it); once the key is revoked or expired no
// request reaches it again, and the joint test's record is the evidence, kept masked.
// So personal information is not kept longer than the test needs it: a store is
// deleted `sandbox_store_retention_days` after its key ended.
//
// Deleted in batches, each its own transaction, so that the sandbox's writer is never
// held for long; a sweep takes a bounded number of keys, the next sweep the rest.

#include <spdlog/spdlog.h>

#include "services/sandbox_internal.h"
#include "services/sandbox_service.h"
#include "storage/row.h"

namespace liantiao::services {

namespace {
constexpr int kKeysPerSweep = 200;
constexpr long long kRowsPerTransaction = 5000;
}  // namespace

Result<StorePurge> SandboxService::PurgeEndedStores(Instant now) {
  const long long cutoff = ToUnix(now) - static_cast<long long>(deps_.config.sandbox_store_retention_days) * 86400;
  LT_ASSIGN_OR_RETURN(std::vector<long long> keys,
                      deps_.db.Read<std::vector<long long>>([&](soci::session& sql) -> Result<std::vector<long long>> {
                        std::vector<long long> ids(kKeysPerSweep);
                        sql << "SELECT id FROM test_keys WHERE store_purged_at IS NULL "
                               "AND (expires_at < :c1 OR revoked_at < :c2) "
                               "ORDER BY id LIMIT " +
                                   std::to_string(kKeysPerSweep),
                            soci::use(cutoff, "c1"), soci::use(cutoff, "c2"), soci::into(ids);
                        return ids;
                      }));
  StorePurge done;
  for (const long long key : keys) {
    // The store's objects, a batch at a time.
    for (;;) {
      LT_ASSIGN_OR_RETURN(long long deleted, deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
        soci::statement st = (sql.prepare << "DELETE FROM sandbox_objects WHERE id IN (SELECT id FROM sandbox_objects "
                                             "WHERE key_id = :k LIMIT " +
                                                 std::to_string(kRowsPerTransaction) + ")",
                              soci::use(key));
        st.execute(true);
        return static_cast<long long>(st.get_affected_rows());
      }));
      done.objects += deleted;
      if (deleted < kRowsPerTransaction) break;
    }
    // The asynchronous results: found through the key's evidence, whose serials end in
    // their numbers (sandbox_async has no index by key, which every write would pay for).
    LT_ASSIGN_OR_RETURN(long long results, deps_.db.Transact<long long>([&](soci::session& sql) -> Result<long long> {
      long long n = 0;
      std::string serial;
      soci::statement serials =
          (sql.prepare << "SELECT serial FROM sandbox_evidence WHERE key_id = :k AND serial <> ''", soci::use(key),
           soci::into(serial));
      std::vector<std::string> found;
      serials.execute();
      while (serials.fetch()) found.push_back(serial);
      long long number = 0;
      std::string text;
      soci::statement by_number =
          (sql.prepare << "DELETE FROM sandbox_async WHERE id = :n AND key_id = :k", soci::use(number), soci::use(key));
      soci::statement by_text = (sql.prepare << "DELETE FROM sandbox_serials WHERE serial = :s AND key_id = :k",
                                 soci::use(text), soci::use(key));
      for (const std::string& s : found) {
        if (auto parsed = sandbox::SerialNumber(s)) {
          number = *parsed;
          by_number.execute(true);
          n += static_cast<long long>(by_number.get_affected_rows());
        }
        text = s;
        by_text.execute(true);
        n += static_cast<long long>(by_text.get_affected_rows());
      }
      long long at = ToUnix(now);
      sql << "UPDATE test_keys SET store_purged_at = :t WHERE id = :k", soci::use(at), soci::use(key);
      return n;
    }));
    done.results += results;
    ++done.keys;
  }
  if (done.objects + done.results > 0) {
    spdlog::info("sandbox: stores of {} ended keys deleted ({} objects, {} asynchronous results)", done.keys,
                 done.objects, done.results);
  }
  return done;
}

}  // namespace liantiao::services
