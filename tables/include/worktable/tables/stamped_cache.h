// Values read from the store, each kept with the stamp that was stored when it was read. A
// value is handed out only to a caller that has just read the same stamp in its own
// transaction, so a change made by any server, which changes the stamp, is seen at once.
// Stamps are random, never counters: a change rolled back must not leave its stamp to a
// later, different change, or a value cached inside that transaction would pass for current.
// Thread-safe. Bounded: when full it starts again empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

namespace worktable {

template <class Key, class Value, size_t kMaxEntries = 4096>
class StampedCache {
 public:
  std::optional<Value> find(const Key& key, int64_t stamp) const {
    std::shared_lock lock(mutex_);
    auto found = entries_.find(key);
    if (found == entries_.end() || found->second.first != stamp) return std::nullopt;
    return found->second.second;
  }

  void put(const Key& key, int64_t stamp, Value value) {
    std::unique_lock lock(mutex_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(key, std::pair<int64_t, Value>(stamp, std::move(value)));
  }

 private:
  mutable std::shared_mutex mutex_;
  std::map<Key, std::pair<int64_t, Value>> entries_;
};

}  // namespace worktable
