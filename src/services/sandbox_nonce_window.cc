#include "services/sandbox_nonce_window.h"

#include <algorithm>

#include "services/sandbox_statements.h"
#include "storage/database.h"

namespace liantiao::services::sandbox {

std::string NonceWindow::Key(long long key_id, const std::string& nonce) {
  // The id holds no '|': the pair reads back one way only.
  return std::to_string(key_id) + '|' + nonce;
}

void NonceWindow::Age(Entry& entry, Seen use) {
  order_.push_back({use.seen_at, use.seq, &entry});
  last_seq_ = std::max(last_seq_, use.seq);
}

void NonceWindow::Remember(std::string key, Seen seen) {
  auto [it, inserted] = seen_.insert_or_assign(std::move(key), seen);
  Age(*it, seen);
}

void NonceWindow::Begin(const std::vector<Row>& rows, long long forget_before) {
  if (open_) End(false);  // not ended: nothing of it is known to have committed
  for (const Row& r : rows) Remember(Key(r.key_id, r.nonce), {r.seen_at, r.seq});
  // Oldest first, as they came; a later use of the same nonce keeps its entry.
  while (!order_.empty() && order_.front().seen_at < forget_before) {
    const Aged& a = order_.front();
    if (a.entry->second.seq == a.seq) seen_.erase(seen_.find(a.entry->first));
    order_.pop_front();
  }
  open_ = true;
}

bool NonceWindow::UsedSince(const std::string& key, long long since) const {
  auto it = seen_.find(key);
  return it != seen_.end() && it->second.seen_at > since;
}

void NonceWindow::Claim(std::string key, long long seen_at, long long seq) {
  auto [it, inserted] = seen_.try_emplace(std::move(key));  // {0, 0} when new
  claims_.push_back({&*it, {seen_at, seq}, it->second});
  it->second = {seen_at, seq};
}

void NonceWindow::End(bool committed) {
  if (committed) {
    // In the order they were appended, so that order_ stays by seq.
    for (const Claimed& c : claims_) Age(*c.entry, c.now);
  } else {
    // Last first: a nonce claimed twice gets back what it had before the first.
    for (auto c = claims_.rbegin(); c != claims_.rend(); ++c) {
      if (c->before.seq == 0) {
        seen_.erase(seen_.find(c->entry->first));
      } else {
        c->entry->second = c->before;
      }
    }
  }
  claims_.clear();
  open_ = false;
}

bool NonceLedger::Claim(soci::session& sql, Statements& statements, long long key_id, const std::string& nonce,
                        long long seen_at, long long window) {
  if (db_.dialect() != storage::Dialect::kSqlite) return statements.InsertNonce(key_id, nonce, seen_at, window);
  std::lock_guard lock(mu_);
  if (!window_.open()) {
    window_.Begin(statements.NonceLogAfter(window_.last_seq()), seen_at - kNonceHour);
    db_.AfterTransaction(sql, [this](bool committed) {
      std::lock_guard end_lock(mu_);
      window_.End(committed);
    });
  }
  std::string key = NonceWindow::Key(key_id, nonce);
  if (window_.UsedSince(key, seen_at - window)) return false;
  window_.Claim(std::move(key), seen_at, statements.AppendNonce(key_id, nonce, seen_at));
  return true;
}

}  // namespace liantiao::services::sandbox
