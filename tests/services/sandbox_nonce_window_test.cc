#include "services/sandbox_nonce_window.h"

#include <gtest/gtest.h>

namespace liantiao::services::sandbox {
namespace {

using Row = NonceWindow::Row;

TEST(NonceWindowTest, AClaimCountsInItsTransactionAndJoinsTheWindowWhenItCommits) {
  NonceWindow w;
  w.Begin({}, 0);
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n1"), 900));
  w.Claim(NonceWindow::Key(1, "n1"), 1000, 1);
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "n1"), 900)) << "a later request of the same transaction";
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(2, "n1"), 900)) << "another key's nonces are its own";
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n1"), 1000)) << "not after the start of the window";
  w.End(true);
  EXPECT_FALSE(w.open());
  EXPECT_EQ(w.last_seq(), 1);
  w.Begin({}, 0);
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "n1"), 900));
  EXPECT_EQ(w.size(), 1u);
}

TEST(NonceWindowTest, ARolledBackTransactionLeavesItsNoncesUnclaimed) {
  NonceWindow w;
  w.Begin({}, 0);
  w.Claim(NonceWindow::Key(1, "n1"), 1000, 1);
  w.End(false);
  EXPECT_EQ(w.last_seq(), 0);
  w.Begin({}, 0);
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n1"), 900)) << "the batch run again may claim it";
  w.Claim(NonceWindow::Key(1, "n1"), 1000, 1);
  w.End(true);
  EXPECT_EQ(w.last_seq(), 1);
}

TEST(NonceWindowTest, RowsOtherProcessesAppendedCountFromTheNextTransaction) {
  NonceWindow w;
  w.Begin({}, 0);
  w.Claim(NonceWindow::Key(1, "mine"), 1000, 5);
  w.End(true);
  w.Begin({{6, 1, "theirs", 1001}, {7, 2, "theirs", 1002}}, 0);
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "theirs"), 900));
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(2, "theirs"), 900));
  EXPECT_EQ(w.last_seq(), 7);
  w.End(false);
  EXPECT_EQ(w.last_seq(), 7) << "committed rows stay read, whatever this transaction did";
}

TEST(NonceWindowTest, UsesOlderThanTheLongestWindowAreForgotten) {
  NonceWindow w;
  w.Begin({{1, 1, "old", 100}, {2, 1, "again", 150}, {3, 1, "new", 5000}}, 0);
  w.End(true);
  ASSERT_EQ(w.size(), 3u);
  w.Begin({{4, 1, "again", 4000}}, 200);  // "again" used anew: its new use stays
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "old"), 0));
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "again"), 3000));
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "new"), 0));
  EXPECT_EQ(w.size(), 2u);
}

TEST(NonceWindowTest, ANonceUsedAgainAfterItsWindowTakesTheNewTime) {
  NonceWindow w;
  w.Begin({{1, 1, "n", 100}}, 0);
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n"), 100)) << "the window is over";
  w.Claim(NonceWindow::Key(1, "n"), 2000, 2);
  w.End(true);
  w.Begin({}, 0);
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "n"), 1500));
}

TEST(NonceWindowTest, ARollbackGivesANonceBackItsEarlierUse) {
  NonceWindow w;
  w.Begin({{1, 1, "n", 100}}, 0);
  w.Claim(NonceWindow::Key(1, "n"), 2000, 2);  // the window of its use at 100 is over
  w.Claim(NonceWindow::Key(1, "m"), 2000, 3);
  w.End(false);
  w.Begin({}, 0);
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "n"), 50)) << "still used at 100";
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n"), 100));
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "m"), 0));
  EXPECT_EQ(w.size(), 1u);
}

// A window of 0 lets a nonce come twice in one transaction: both uses are kept in
// order and forgotten in order, the entry with the later one.
TEST(NonceWindowTest, ANonceUsedTwiceInOneTransactionIsForgottenOnce) {
  NonceWindow w;
  w.Begin({}, 0);
  w.Claim(NonceWindow::Key(1, "n"), 100, 1);
  w.Claim(NonceWindow::Key(1, "n"), 200, 2);
  w.End(true);
  EXPECT_EQ(w.last_seq(), 2);
  w.Begin({}, 150);  // forgets the use at 100 only
  EXPECT_TRUE(w.UsedSince(NonceWindow::Key(1, "n"), 150));
  w.End(true);
  w.Begin({}, 250);
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n"), 0));
  EXPECT_EQ(w.size(), 0u);
  w.End(true);
  w.Begin({}, 300);  // nothing left to forget
  EXPECT_EQ(w.size(), 0u);
}

TEST(NonceWindowTest, BeginningAgainWithoutAnEndDropsTheClaims) {
  NonceWindow w;
  w.Begin({}, 0);
  w.Claim(NonceWindow::Key(1, "n"), 1000, 1);
  w.Begin({}, 0);
  EXPECT_FALSE(w.UsedSince(NonceWindow::Key(1, "n"), 900)) << "never known to have committed";
}

}  // namespace
}  // namespace liantiao::services::sandbox
