#include "services/hash_gate.h"

#include <optional>
#include <thread>

#include <gtest/gtest.h>

namespace liantiao::services {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

// Until `gate` has `n` callers waiting (they block in Enter; no sleeping).
void AwaitWaiting(const HashGate& gate, int n) {
  while (gate.Current().waiting < n) std::this_thread::yield();
}

TEST(HashGateTest, BeyondTheSlotsAndTheQueueTheAnswerIsBusyAtOnce) {
  HashGate gate(2, 0, hours(1));
  auto first = gate.Enter();
  auto second = gate.Enter();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(gate.Current().hashing, 2);
  auto third = gate.Enter();  // an hour's wait would fail the test: it must not wait
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kServerBusy);
  EXPECT_EQ(third.error().details["retry_after_seconds"], 3600);
  { auto gone = std::move(*first); }  // a ticket gives its slot back when it goes
  EXPECT_EQ(gate.Current().hashing, 1);
  EXPECT_TRUE(gate.Enter().ok());
}

TEST(HashGateTest, AWaiterTakesTheSlotThatFreesAndTheQueueIsBounded) {
  HashGate gate(1, 1, hours(1));
  std::optional<HashGate::Ticket> held;
  held.emplace(std::move(gate.Enter().value()));
  bool waited_ok = false;
  std::jthread waiter([&] {
    auto ticket = gate.Enter();
    waited_ok = ticket.ok();
  });
  AwaitWaiting(gate, 1);
  auto refused = gate.Enter();
  ASSERT_FALSE(refused.ok()) << "the queue holds one";
  EXPECT_EQ(refused.error().code, ErrorCode::kServerBusy);
  held.reset();
  waiter.join();
  EXPECT_TRUE(waited_ok);
  EXPECT_EQ(gate.Current().hashing, 0);
  EXPECT_EQ(gate.Current().waiting, 0);
}

TEST(HashGateTest, AWaiterWhoseTimeRunsOutIsBusy) {
  HashGate gate(1, 4, milliseconds(0));
  auto held = gate.Enter();
  ASSERT_TRUE(held.ok());
  auto late = gate.Enter();
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kServerBusy);
  EXPECT_EQ(late.error().details["retry_after_seconds"], 1) << "never less than a second";
  EXPECT_EQ(gate.Current().waiting, 0);
}

TEST(HashGateTest, AtLeastOneSlotWhateverItIsGiven) {
  HashGate gate(0, -1, milliseconds(0));
  auto one = gate.Enter();
  EXPECT_TRUE(one.ok());
  EXPECT_FALSE(gate.Enter().ok());
}

}  // namespace
}  // namespace liantiao::services
