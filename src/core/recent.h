#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <utility>

namespace liantiao {

// The `capacity` values used last, by a string key: Find moves what it finds to the
// front, Keep puts a value there (replacing the key's old one), and the least recently
// used leaves first. Not thread-safe: its owner holds the lock. A linear scan: meant for
// a few dozen large values (rendered PDFs, judged checklists), where the scan costs
// nothing beside what the values save.
template <typename V>
class RecentlyUsed {
 public:
  explicit RecentlyUsed(std::size_t capacity) : capacity_(capacity) {}

  // The value kept for `key`, now the most recently used; nullptr when none.
  const V* Find(const std::string& key) {
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
      if (it->first != key) continue;
      kept_.splice(kept_.begin(), kept_, it);
      return &kept_.front().second;
    }
    return nullptr;
  }
  void Keep(const std::string& key, V value) {
    if (capacity_ == 0) return;
    if (Find(key)) {
      kept_.front().second = std::move(value);
      return;
    }
    kept_.emplace_front(key, std::move(value));
    while (kept_.size() > capacity_) kept_.pop_back();
  }

 private:
  const std::size_t capacity_;
  std::list<std::pair<std::string, V>> kept_;  // most recently used first
};

}  // namespace liantiao
