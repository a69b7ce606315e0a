#pragma once

// The shipped profiles of the source tree, loaded once per test binary.
#include <string>

#include <gtest/gtest.h>

#include "standard/profile.h"

namespace liantiao::standard {

inline const ProfileSet& ShippedProfiles() {
  static const ProfileSet set = [] {
    auto r = ProfileSet::LoadDirectory(std::string(LIANTIAO_SOURCE_DIR) + "/spec/profiles");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : ProfileSet();
  }();
  return set;
}

}  // namespace liantiao::standard
