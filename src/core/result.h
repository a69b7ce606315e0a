#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.h"

namespace liantiao {

// Result<T>: a value or an Error from the catalogue. Failures caused by input or
// the environment travel as Result; bugs assert. (std::expected is C++23.)
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& take_error() {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace liantiao

// Early return of the error of an expression that yields a Result.
#define LT_CONCAT_INNER(a, b) a##b
#define LT_CONCAT(a, b) LT_CONCAT_INNER(a, b)
#define LT_TRY_IMPL(tmp, lhs, expr)       \
  auto tmp = (expr);                      \
  if (!tmp.ok()) return tmp.take_error(); \
  lhs = std::move(tmp).value()
#define LT_ASSIGN_OR_RETURN(lhs, expr) LT_TRY_IMPL(LT_CONCAT(lt_result_, __LINE__), lhs, expr)
#define LT_RETURN_IF_ERROR(expr)                          \
  do {                                                    \
    auto lt_status_ = (expr);                             \
    if (!lt_status_.ok()) return lt_status_.take_error(); \
  } while (0)
