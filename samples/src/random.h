// The sample generator's own pseudo-random generator: xoshiro256** seeded through splitmix64.
//
// The standard distributions (std::uniform_int_distribution ...) may give different sequences with different
// library versions, so the generator draws everything through this class: the same seed gives the same school
// on every platform and compiler. Not thread-safe; one generator per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ejournal::samples {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) s = splitmix(seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [lo, hi] (inclusive); lo <= hi.
  int range(int lo, int hi) {
    const uint64_t span = static_cast<uint64_t>(static_cast<int64_t>(hi) - lo) + 1;
    return lo + static_cast<int>(next() % span);
  }
  // Uniform index in [0, n); n > 0.
  size_t index(size_t n) { return static_cast<size_t>(next() % n); }
  // Uniform double in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return unit() < p; }
  // Roughly normal (Irwin-Hall of 4 uniforms), mean 0, standard deviation 1.
  double normal() { return (unit() + unit() + unit() + unit() - 2.0) * 1.7320508075688772; }

  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[index(v.size())];
  }

  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[index(i)]);
  }

  // A new generator for an independent stream (e.g. one per class), derived from this one's state and a salt.
  Rng fork(uint64_t salt) { return Rng(next() ^ (salt * 0x9E3779B97F4A7C15ULL)); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace ejournal::samples
