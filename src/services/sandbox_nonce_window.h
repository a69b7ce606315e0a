#pragma once

// The nonces of the last window, held in memory, for SQLite databases.
//
// The replay check used to insert each nonce into the primary key of
// sandbox_recent_nonces. Nonces are random, so every insert went to a page of its own,
// and under load those pages were most of what a commit wrote to the log. SQLite's
// writers take turns (one write transaction at a time, across processes), which allows
// another way: the nonces are appended to sandbox_nonce_log in the order they are used,
// and each process keeps the window's nonces in memory. At the start of each write
// transaction that checks a nonce, the process reads the rows appended since the last
// it knows of (another server on the same file may have added some; with one server,
// none), so inside the transaction its memory is the whole log. A nonce claimed in the
// transaction counts at once for the transaction's later requests, and joins the
// committed ones only when the transaction commits: a batch rolled back and run again
// finds its nonces unclaimed.
//
// PostgreSQL runs write transactions side by side, so a transaction cannot know what
// the others are claiming: it keeps the key of sandbox_recent_nonces.
//
// Memory: about 150 bytes per nonce used within the longest window a profile may have
// (an hour, kMaxNonceWindowSeconds): the entry with its key, its hash bucket and its
// place in the order of use. 150 MB for a million requests in an hour.

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <soci/soci.h>

namespace liantiao::storage {
class Database;
}

namespace liantiao::services::sandbox {

class Statements;

// The window's bookkeeping, without the database (tests drive it directly).
class NonceWindow {
 public:
  // One row of sandbox_nonce_log.
  struct Row {
    long long seq = 0, key_id = 0;
    std::string nonce;
    long long seen_at = 0;
  };

  // Whether a transaction has caught up and may claim (between Begin and End).
  bool open() const { return open_; }
  // The last row of the log this process knows to be committed.
  long long last_seq() const { return last_seq_; }
  // A write transaction starts claiming: `rows`, the log's rows after last_seq() in
  // order, are committed (another process's, or this one's missed by a failure);
  // nonces seen before `forget_before` are dropped, no window reaches them.
  void Begin(const std::vector<Row>& rows, long long forget_before);
  // The window's key of a key's nonce.
  static std::string Key(long long key_id, const std::string& nonce);
  // Whether the nonce of `key` (Key()) was used after `since`, committed or claimed in
  // the open transaction.
  bool UsedSince(const std::string& key, long long since) const;
  // The open transaction appended the log's row `seq`, using `key` at `seen_at`.
  void Claim(std::string key, long long seen_at, long long seq);
  // The open transaction ended: its claims stay when it committed, and are undone when
  // it rolled back.
  void End(bool committed);

  std::size_t size() const { return seen_.size(); }

 private:
  struct Seen {
    long long seen_at = 0, seq = 0;
  };
  using Entry = std::pair<const std::string, Seen>;
  void Remember(std::string key, Seen seen);
  void Age(Entry& entry, Seen use);

  // The latest use of each nonce, the open transaction's claims included.
  std::unordered_map<std::string, Seen> seen_;
  // The committed uses in the order they came, to forget them once old: each points at
  // its nonce's entry (an unordered_map moves no element, even when it rehashes). An
  // entry is erased only once its latest use is forgotten, after every earlier one, or
  // when a rollback undoes a claim that made it, which no use here points at yet.
  struct Aged {
    long long seen_at = 0, seq = 0;
    Entry* entry = nullptr;
  };
  std::deque<Aged> order_;
  long long last_seq_ = 0;
  bool open_ = false;
  // The open transaction's claims in order, each with the use it replaced (seq 0: none),
  // to undo them if it rolls back.
  struct Claimed {
    Entry* entry = nullptr;
    Seen now, before;
  };
  std::vector<Claimed> claims_;
};

// The replay check of a process's write transactions, on either database: on SQLite
// the window in memory with its turn, on PostgreSQL the keyed table.
class NonceLedger {
 public:
  explicit NonceLedger(storage::Database& db) : db_(db) {}

  // In a write transaction on `sql`: whether the key may use `nonce` at `seen_at` (Unix
  // seconds), that is, did not within the last `window` seconds; if so, it is claimed.
  // On SQLite the first claim of a transaction catches up on the log and asks the
  // database to end the window's transaction with it.
  bool Claim(soci::session& sql, Statements& statements, long long key_id, const std::string& nonce, long long seen_at,
             long long window);

 private:
  storage::Database& db_;
  std::mutex mu_;  // SQLite's writers take turns already; this keeps the memory safe
  NonceWindow window_;
};

}  // namespace liantiao::services::sandbox
