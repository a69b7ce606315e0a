#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/time.h"
#include "crypto/crypto.h"
#include "domain/workdays.h"
#include "domain/workflow.h"
#include "services/file_store.h"
#include "services/hash_gate.h"
#include "services/principal.h"
#include "services/sandbox_checklist.h"
#include "standard/profile.h"
#include "storage/database.h"

namespace liantiao::services {

using nlohmann::json;

struct Config {
  crypto::PasswordCost password_cost = crypto::PasswordCost::Interactive();
  std::string files_dir = "var/files";         // material and evidence files, never served
  std::size_t max_file_bytes = 20u << 20;      // one uploaded file
  long long vendor_storage_bytes = 2LL << 30;  // every file a vendor's users upload (vendor_quota.h)
  int vendor_max_drafts = 200;                 // applications of one vendor not yet submitted
  int vendor_max_products = 1000;              // products of one vendor
  int key_grace_days = 2;                      // calendar days a key outlives its window
  int session_ttl_hours = 12;
  int login_max_failures = 5;       // per user name and client within the window
  int login_max_failures_all = 50;  // per user name from every client within the window
  int login_window_minutes = 15;
  // Failed logins from one client (its address) within the window, whatever the user
  // names: beyond it, that client logs in as nobody until the window passes. Guessing
  // passwords of many names, or made-up ones, from one address.
  int login_max_failures_client = 100;
  // Enterprises registered from one client (its address) within the window: beyond it,
  // that client signs up nothing until the window passes. Sign-up is public; this bounds
  // the accounts and password hashes one address can make.
  int signup_max_per_client = 10;
  int signup_window_minutes = 60;
  // Password hashes at once, more waiting for one and for how long (HashGate). app/
  // derives them from the HTTP threads so that hashing never holds all of them.
  int password_hash_slots = 2;
  int password_hash_queue = 1;
  std::chrono::milliseconds password_hash_wait{2000};
  std::string sandbox_base_url = "http://127.0.0.1:8080/sandbox";
  // Refusals of one key whose signature did not verify, recorded as its evidence per
  // clock hour; more are answered but not recorded (sandbox_refusal_budget.h).
  int sandbox_unsigned_refusals_per_hour = 1000;
  // Days a key's sandbox store (its requests' data, ID numbers decrypted) is kept after
  // the key was revoked or expired (sandbox_retention.cc).
  int sandbox_store_retention_days = 30;
  std::string default_profile = "gd-v1.3";
  // A city's own test environment is probed with an application's key at most this
  // often (ProbeService).
  std::chrono::seconds probe_interval{30 * 60};
};

// What a city's test environment answered, and how long the exchange took as the HTTP
// layer measured it (services read no clock of their own).
struct PostAnswer {
  int status = 0;
  std::string body;
  long long elapsed_us = 0;
};

// One HTTP POST to a city's own test environment, or an error when no answer came
// (connection refused, timeout, malformed answer) with the time spent trying in its
// details' `elapsed_us`. The app layer supplies one built on libcurl; services never
// open sockets themselves.
struct HttpPoster {
  virtual ~HttpPoster() = default;
  virtual Result<PostAnswer> Post(const std::string& url, const std::string& content_type, const std::string& body) = 0;
};

// The working-day calendar as stored, cached in memory and replaced whole when an
// admin loads a year (readers keep the snapshot they took).
class CalendarCache {
 public:
  std::shared_ptr<const domain::WorkCalendar> Get() const {
    std::lock_guard lock(mu_);
    return calendar_;
  }
  void Set(domain::WorkCalendar calendar) {
    auto next = std::make_shared<const domain::WorkCalendar>(std::move(calendar));
    std::lock_guard lock(mu_);
    calendar_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const domain::WorkCalendar> calendar_ = std::make_shared<domain::WorkCalendar>();
};

// What every use case needs. Built once in app/.
struct Deps {
  storage::Database& db;
  const Clock& clock;  // the process's time: deadlines, history, everything the workflow dates
  // Sessions and login throttling run on real time even under `serve --test-clock`: a
  // tester who moves the process a week ahead must not be logged out by it.
  const Clock& session_clock;
  const crypto::SecretBox& secrets;
  Config config;
  FileStore files{config.files_dir, config.max_file_bytes};
  CalendarCache calendar;
  HashGate hashing{config.password_hash_slots, config.password_hash_queue, config.password_hash_wait};
  // The interface-standard profiles (spec/profiles), loaded at start-up.
  std::shared_ptr<const standard::ProfileSet> profiles = std::make_shared<standard::ProfileSet>();
  // Probes of cities' own test environments; null: nothing is probed.
  HttpPoster* poster = nullptr;
  // Conformance checklists judged last (sandbox_checklist.h). Mutable: a cache of what
  // the judge makes from the database, read and filled by views given a const Deps.
  mutable sandbox::ChecklistCache checklists;
};

// An actor as the history and notifications record it; the platform itself is the
// system actor (sweeps, automatic steps).
struct Actor {
  std::optional<long long> user_id;
  std::string name;
  domain::Role role;
  static Actor Of(const Principal& p) { return Actor{p.user_id, p.username, p.role}; }
  static Actor System() { return Actor{std::nullopt, "platform", domain::Role::kSystem}; }
};

}  // namespace liantiao::services
