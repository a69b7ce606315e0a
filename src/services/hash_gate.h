#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/result.h"

namespace liantiao::services {

// How many password hashes run at once. Argon2id (crypto::HashPassword and
// VerifyPassword) takes about a tenth of a second of a core and 64 MiB for each hash, on
// the HTTP thread that asked: without a bound, a flood of logins at made-up user names
// holds every HTTP thread and the memory for as long as it lasts. At most `slots` hash
// at once; at most `queue` more wait, each for at most `max_wait`, for one to finish.
// Anyone beyond those is answered server_busy at once (503 with Retry-After), and the
// threads left serve everything else.
//
// A mutex and a condition variable rather than std::counting_semaphore: the queue's bound
// needs the count of waiters, which a semaphore does not give.
class HashGate {
 public:
  HashGate(int slots, int queue, std::chrono::milliseconds max_wait);
  HashGate(const HashGate&) = delete;
  HashGate& operator=(const HashGate&) = delete;

  // A slot, held until it is destroyed.
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket();

   private:
    friend class HashGate;
    explicit Ticket(HashGate* gate) : gate_(gate) {}
    HashGate* gate_;
  };

  // A slot; server_busy when every slot is taken and the queue is full, or when none
  // frees within max_wait.
  Result<Ticket> Enter();

  struct Load {
    int hashing = 0, waiting = 0;
  };
  Load Current() const;

 private:
  void Leave();

  const int slots_, queue_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int hashing_ = 0, waiting_ = 0;
};

}  // namespace liantiao::services
