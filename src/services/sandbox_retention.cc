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
// One transaction per sweep, bounded (at most kKeysPerSweep keys and max_objects
// objects), so that the sandbox's writer is never held for long; the next sweep goes on
// where this one stopped. A key with nothing stored costs three indexed statements.

#include <spdlog/spdlog.h>

#include "services/sandbox_internal.h"
#include "services/sandbox_service.h"
#include "storage/row.h"

namespace liantiao::services {

namespace {
constexpr int kKeysPerSweep = 200;
}  // namespace

Result<StorePurge> SandboxService::PurgeEndedStores(Instant now, long long max_objects) {
  const long long cutoff = ToUnix(now) - static_cast<long long>(deps_.config.sandbox_store_retention_days) * 86400;
  const long long at = ToUnix(now);
  auto purged = deps_.db.Transact<StorePurge>([&](soci::session& sql) -> Result<StorePurge> {
    std::vector<long long> keys(kKeysPerSweep);
    sql << "SELECT id FROM test_keys WHERE store_purged_at IS NULL AND (expires_at < :c1 OR revoked_at < :c2) "
           "ORDER BY id LIMIT " +
               std::to_string(kKeysPerSweep),
        soci::use(cutoff, "c1"), soci::use(cutoff, "c2"), soci::into(keys);
    StorePurge done;
    long long key = 0, number = 0;
    std::string serial, text;
    soci::statement serials = (sql.prepare << "SELECT serial FROM sandbox_evidence WHERE key_id = :k AND serial <> ''",
                               soci::use(key), soci::into(serial));
    soci::statement by_number =
        (sql.prepare << "DELETE FROM sandbox_async WHERE id = :n AND key_id = :k", soci::use(number), soci::use(key));
    soci::statement by_text = (sql.prepare << "DELETE FROM sandbox_serials WHERE serial = :s AND key_id = :k",
                               soci::use(text), soci::use(key));
    soci::statement mark =
        (sql.prepare << "UPDATE test_keys SET store_purged_at = :t WHERE id = :k", soci::use(at), soci::use(key));
    // The store's objects, as many as this sweep has room for: a store left with some
    // stays unmarked, and the next sweep goes on with it.
    long long room = 0;
    soci::statement objects = (sql.prepare << "DELETE FROM sandbox_objects WHERE id IN (SELECT id FROM "
                                              "sandbox_objects WHERE key_id = :k LIMIT :room)",
                               soci::use(key, "k"), soci::use(room, "room"));
    for (const long long k : keys) {
      key = k;
      room = max_objects - done.objects;
      if (room <= 0) break;
      objects.execute(true);
      const auto deleted = static_cast<long long>(objects.get_affected_rows());
      done.objects += deleted;
      if (deleted == room) break;
      // The asynchronous results: found through the key's evidence, whose serials end in
      // their numbers (sandbox_async has no index by key, which every write would pay for).
      std::vector<std::string> found;
      serials.execute();
      while (serials.fetch()) found.push_back(serial);
      for (const std::string& s : found) {
        if (auto parsed = sandbox::SerialNumber(s)) {
          number = *parsed;
          by_number.execute(true);
          done.results += static_cast<long long>(by_number.get_affected_rows());
        }
        text = s;
        by_text.execute(true);
        done.results += static_cast<long long>(by_text.get_affected_rows());
      }
      mark.execute(true);
      ++done.keys;
    }
    return done;
  });
  if (purged.ok() && purged->objects + purged->results > 0) {
    spdlog::info("sandbox: stores of ended keys deleted: {} finished, {} objects, {} asynchronous results",
                 purged->keys, purged->objects, purged->results);
  }
  return purged;
}

}  // namespace liantiao::services
