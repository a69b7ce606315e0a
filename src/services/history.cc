#include "services/history.h"

#include "crypto/crypto.h"
#include "domain/workflow.h"
#include "storage/bulk.h"
#include "storage/row.h"

namespace liantiao::services {

using storage::GetInt;
using storage::GetOptInt;
using storage::GetOptText;
using storage::GetText;

std::string CanonicalEntry(long long seq, const HistoryEntry& e) {
  // JSON with a fixed key order (nlohmann's ordered_json keeps insertion order).
  nlohmann::ordered_json j;
  j["seq"] = seq;
  j["entity"] = e.entity;
  j["entity_id"] = e.entity_id;
  j["application_id"] = e.application_id ? json(*e.application_id) : json(nullptr);
  j["city_code"] = e.city_code ? json(*e.city_code) : json(nullptr);
  j["vendor_id"] = e.vendor_id ? json(*e.vendor_id) : json(nullptr);
  j["actor_id"] = e.actor.user_id ? json(*e.actor.user_id) : json(nullptr);
  j["actor_name"] = e.actor.name;
  j["role"] = domain::ToString(e.actor.role);
  j["action"] = e.action;
  j["before"] = e.before;
  j["after"] = e.after;
  j["reason"] = e.reason;
  j["at"] = ToUnix(e.at);
  if (e.report_digest) j["report_digest"] = *e.report_digest;
  return j.dump();
}

Status AppendHistory(soci::session& sql, const HistoryEntry& e) { return AppendHistoryBatch(sql, {e}); }

Status AppendHistoryBatch(soci::session& sql, const std::vector<HistoryEntry>& entries) {
  if (entries.empty()) return OkStatus();
  const long long n = static_cast<long long>(entries.size());
  // Updating the head first takes its row lock, so concurrent appenders queue here
  // and every chain link is computed from the true predecessor.
  sql << "UPDATE history_head SET last_seq = last_seq + :n WHERE id = 1", soci::use(n);
  long long last = 0;
  std::string prev;
  sql << "SELECT last_seq, last_hash FROM history_head WHERE id = 1", soci::into(last), soci::into(prev);
  auto opt = [](const auto& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, std::string>) {
      return *v;
    } else {
      return std::to_string(*v);
    }
  };
  std::vector<storage::BulkRow> rows;
  rows.reserve(entries.size());
  long long seq = last - n;
  for (const HistoryEntry& e : entries) {
    ++seq;
    const std::string hash = crypto::ChainHash(prev, CanonicalEntry(seq, e));
    rows.push_back({std::to_string(seq), e.entity, std::to_string(e.entity_id), opt(e.application_id), opt(e.city_code),
                    opt(e.vendor_id), opt(e.actor.user_id), e.actor.name, std::string(domain::ToString(e.actor.role)),
                    e.action, e.before, e.after, e.reason, std::to_string(ToUnix(e.at)), prev, hash, e.report_digest});
    prev = hash;
  }
  storage::BulkInsert(
      sql, "history",
      {"seq", "entity", "entity_id", "application_id", "city_code", "vendor_id", "actor_id", "actor_name", "role",
       "action", "before_state", "after_state", "reason", "at", "prev_hash", "hash", "report_digest"},
      rows);
  sql << "UPDATE history_head SET last_hash = :h WHERE id = 1", soci::use(prev);
  return OkStatus();
}

Result<HistoryVerification> VerifyHistory(storage::Database& db) {
  return db.Read<HistoryVerification>([](soci::session& sql) -> Result<HistoryVerification> {
    HistoryVerification v;
    std::string expected_prev{crypto::kGenesisHash};
    long long expected_seq = 1;
    const char* report_digest = HistoryHasReportDigests(sql) ? "report_digest" : "NULL";
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT seq, entity, entity_id, application_id, city_code, vendor_id, "
                        "actor_id, actor_name, role, action, before_state, after_state, reason, at, "
                        "prev_hash, hash, "
                     << report_digest << " FROM history ORDER BY seq");
    for (const soci::row& r : rows) {
      HistoryEntry e;
      long long seq = GetInt(r, 0);
      e.entity = GetText(r, 1);
      e.entity_id = GetInt(r, 2);
      e.application_id = GetOptInt(r, 3);
      e.city_code = GetOptText(r, 4);
      e.vendor_id = GetOptInt(r, 5);
      e.actor.user_id = GetOptInt(r, 6);
      e.actor.name = GetText(r, 7);
      auto role = domain::ParseRole(GetText(r, 8));
      e.actor.role = role.value_or(domain::Role::kSystem);
      e.action = GetText(r, 9);
      e.before = GetText(r, 10);
      e.after = GetText(r, 11);
      e.reason = GetText(r, 12);
      e.at = FromUnix(GetInt(r, 13));
      const std::string prev = GetText(r, 14);
      const std::string hash = GetText(r, 15);
      e.report_digest = GetOptText(r, 16);
      ++v.entries;
      auto broken = [&](std::string why) {
        v.ok = false;
        v.first_broken_seq = seq;
        v.problem = std::move(why);
      };
      if (seq != expected_seq) {
        broken("序号不连续：缺少第 " + std::to_string(expected_seq) + " 条");
      } else if (!role) {
        broken("角色无效");
      } else if (prev != expected_prev) {
        broken("前序哈希与上一条记录不符");
      } else if (hash != crypto::ChainHash(prev, CanonicalEntry(seq, e))) {
        broken("记录内容与其哈希不符（已被篡改）");
      }
      if (!v.ok) break;
      expected_prev = hash;
      ++expected_seq;
    }
    if (v.ok) {
      std::string head_hash;
      long long head_seq = 0;
      sql << "SELECT last_seq, last_hash FROM history_head WHERE id = 1", soci::into(head_seq), soci::into(head_hash);
      if (head_seq != expected_seq - 1 || head_hash != expected_prev) {
        v.ok = false;
        v.first_broken_seq = expected_seq;
        v.problem = "链尾记录缺失（最后的记录被删除）";
      }
    }
    return v;
  });
}

bool HistoryHasReportDigests(soci::session& sql) {
  long long applied = 0;
  sql << "SELECT COUNT(*) FROM schema_migrations WHERE name = '0014_history_report_digest'", soci::into(applied);
  return applied > 0;
}

std::optional<DecisionReportDigest> FindDecisionReportDigest(soci::session& sql, long long application_id) {
  const std::string succeed{domain::ToString(domain::AppAction::kSucceed)};
  const std::string delay{domain::ToString(domain::AppAction::kDelay)};
  const char* report_digest = HistoryHasReportDigests(sql) ? "report_digest" : "NULL";
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT seq, " << report_digest
                                              << " FROM history WHERE entity = 'application' AND entity_id = :a "
                                                 "AND action IN (:s, :d) ORDER BY seq DESC LIMIT 1",
                                  soci::use(application_id), soci::use(succeed), soci::use(delay));
  for (const soci::row& r : rows) return DecisionReportDigest{GetInt(r, 0), GetOptText(r, 1)};
  return std::nullopt;
}

json ApplicationHistory(soci::session& sql, long long application_id) {
  json out = json::array();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT h.seq, h.entity, h.entity_id, h.actor_name, h.role, h.action, h.before_state, "
                      "h.after_state, h.reason, h.at, h.hash, h.report_digest, u.display_name FROM history h "
                      "LEFT JOIN users u ON u.id = h.actor_id WHERE h.application_id = :a ORDER BY h.seq",
       soci::use(application_id));
  for (const soci::row& r : rows) {
    const std::optional<std::string> report_digest = GetOptText(r, 11);
    out.push_back({{"seq", GetInt(r, 0)},
                   {"entity", GetText(r, 1)},
                   {"entity_id", GetInt(r, 2)},
                   {"actor", GetText(r, 3)},
                   {"role", GetText(r, 4)},
                   {"action", GetText(r, 5)},
                   {"before", GetText(r, 6)},
                   {"after", GetText(r, 7)},
                   {"reason", GetText(r, 8)},
                   {"at", FormatInstant(FromUnix(GetInt(r, 9)))},
                   {"hash", GetText(r, 10)},
                   {"report_digest", report_digest ? json(*report_digest) : json(nullptr)}});
    // The account's name as people know it (not part of the entry, nor of its hash): read
    // from the user now; null for the platform itself or an account gone.
    const std::optional<std::string> display = GetOptText(r, 12);
    out.back()["actor_display"] = display && !display->empty() ? json(*display) : json(nullptr);
  }
  return out;
}

}  // namespace liantiao::services
