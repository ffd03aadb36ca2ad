// An id -> index table for the snapshot's registers. Internal to the engine.
//
// Why not std::unordered_map<std::string, int>: a lookup there walks bucket ->
// previous node -> node, three dependent cache misses on a million assets, and
// finding a request's std::string_view needs a std::string built first. Here a
// lookup is one 8-byte slot (open addressing, linear probing, load <= 1/2, so
// probes are short and stay on one cache line) and then the record itself,
// which holds its own id: the key compare reads the line the decision reads
// next anyway. The table keeps no keys; the caller says where key i lives.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace mamori::engine {

// Written by hand because Debian packages no small fast string hash (the
// project installs only Debian packages) and std::hash over a string_view is
// a byte loop in libstdc++. Eight bytes at a time, each folded in with a
// 64x64->128 multiply (the wyhash mixing step); ids are short (A0000042,
// 000123), so this is two or three multiplies. Not meant to resist chosen
// collisions: ids come from the registers, and a request's unknown id only
// costs a probe.
inline uint64_t HashId(std::string_view s) {
  auto mix = [](uint64_t a, uint64_t b) {
    unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  };
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  const char* p = s.data();
  std::size_t n = s.size();
  uint64_t h = k0 ^ n;
  for (; n > 8; n -= 8, p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w, k1);
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  return mix(mix(h ^ w, k1), k2);
}

class FlatIndex {
 public:
  // Sizes the table for n keys, dropping any it held.
  void Reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    slots_.assign(cap, Slot{0, -1});
    mask_ = cap - 1;
    size_ = 0;
  }

  // key_of(i) gives key i as a string_view. A key already present is pointed
  // at `index` (the last one wins, as map[key] = index did).
  template <typename KeyOf>
  void Insert(std::string_view key, int index, KeyOf key_of) {
    if (2 * (size_ + 1) > slots_.size()) Grow(key_of);
    uint64_t h = HashId(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& sl = slots_[i];
      if (sl.index < 0) {
        sl = Slot{Tag(h), index};
        ++size_;
        return;
      }
      if (sl.tag == Tag(h) && key_of(sl.index) == key) {
        sl.index = index;
        return;
      }
    }
  }

  // The index of `key`, or -1.
  template <typename KeyOf>
  int Find(std::string_view key, KeyOf key_of) const {
    if (slots_.empty()) return -1;
    uint64_t h = HashId(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& sl = slots_[i];
      if (sl.index < 0) return -1;
      if (sl.tag == Tag(h) && key_of(sl.index) == key) return sl.index;
    }
  }

 private:
  // The hash's high half: the low bits already chose the slot.
  struct Slot {
    uint32_t tag;
    int32_t index;  // -1: empty
  };
  static uint32_t Tag(uint64_t h) { return static_cast<uint32_t>(h >> 32); }

  template <typename KeyOf>
  void Grow(KeyOf key_of) {
    std::vector<Slot> old = std::move(slots_);
    Reserve(old.size());  // twice the slots: Reserve(n) allocates >= 2n
    for (const Slot& sl : old)
      if (sl.index >= 0) Insert(key_of(sl.index), sl.index, key_of);
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mamori::engine
