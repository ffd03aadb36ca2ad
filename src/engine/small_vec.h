// A vector that keeps its first N elements inline. A decision's lists are
// almost always short (one approval step, a few citations); keeping them in the
// Decision itself means deciding allocates nothing in the common case. Beyond
// N it spills to a std::vector, so no input is ever truncated.
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <vector>

namespace mamori::engine {

template <typename T, std::size_t N>
class SmallVec {
 public:
  void push_back(T v) {
    if (size_ < N) {
      inline_[size_] = std::move(v);
    } else {
      if (size_ == N) heap_.assign(std::make_move_iterator(inline_.begin()), std::make_move_iterator(inline_.end()));
      heap_.push_back(std::move(v));
    }
    ++size_;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return size_ <= N ? inline_.data() : heap_.data(); }
  T* end() { return begin() + size_; }
  const T* begin() const { return size_ <= N ? inline_.data() : heap_.data(); }
  const T* end() const { return begin() + size_; }
  T& operator[](std::size_t i) { return begin()[i]; }
  const T& operator[](std::size_t i) const { return begin()[i]; }
  T& at(std::size_t i) { return begin()[i]; }
  const T& at(std::size_t i) const { return begin()[i]; }

 private:
  std::array<T, N> inline_{};
  std::vector<T> heap_;
  std::size_t size_ = 0;
};

}  // namespace mamori::engine
