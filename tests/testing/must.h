#pragma once

// Shorthands for tests: an instant from ISO text, and the value of a Result that must
// be ok (the test fails with the error's code and message, then stops by throwing).
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "core/result.h"
#include "core/time.h"

namespace liantiao::testing {

inline Instant At(const char* iso) {
  auto t = ParseInstant(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : Instant{};
}

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : std::string(r.error().CodeWord()) + ": " + r.error().message);
  if (!r.ok()) throw std::runtime_error("unexpected error");
  return std::move(r).value();
}

}  // namespace liantiao::testing
