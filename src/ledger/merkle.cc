#include "ledger/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace mamori::ledger {
namespace {

// SHA-256 through OpenSSL's EVP rather than libsodium: OpenSSL uses the CPU's
// SHA extensions, libsodium portable C. Measured here: 1,078-byte entries
// 1.46M/s against 0.32M/s, 65-byte node inputs 8.4M/s against 2.5M/s, and
// verification is mostly hashing. One context per thread, reused: creating
// one per hash would cost more than the hash of a node.
class Sha256Context {
 public:
  Sha256Context() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (!md_ || !ctx_) throw std::runtime_error("OpenSSL SHA-256 is not available");
  }
  ~Sha256Context() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256Context(const Sha256Context&) = delete;
  Sha256Context& operator=(const Sha256Context&) = delete;

  Hash Of(const void* a, std::size_t na, const void* b = nullptr, std::size_t nb = 0) {
    Hash out;
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(ctx_, a, na) != 1 ||
        (nb && EVP_DigestUpdate(ctx_, b, nb) != 1) || EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 ||
        len != out.size())
      throw std::runtime_error("OpenSSL SHA-256 failed");
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

Sha256Context& Context() {
  thread_local Sha256Context ctx;
  return ctx;
}

// The largest power of two strictly below n (n >= 2): the RFC's split point k.
std::uint64_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

Hash Sha256(std::string_view bytes) { return Context().Of(bytes.data(), bytes.size()); }

Hash LeafHash(std::string_view entry) {
  // Streaming the prefix and the entry avoids copying an entry of any size.
  const unsigned char prefix = 0x00;
  return Context().Of(&prefix, 1, entry.data(), entry.size());
}

Hash NodeHash(const Hash& left, const Hash& right) {
  // One stack buffer and one update: this runs once per append level at
  // hundreds of thousands of entries a second.
  unsigned char buf[1 + 2 * sizeof(Hash)];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  return Context().Of(buf, sizeof buf);
}

Hash EmptyRoot() {
  static const Hash empty = Sha256({});
  return empty;
}

std::string HexOf(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    s[2 * i] = kDigits[bytes[i] >> 4];
    s[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return s;
}

std::string Hex(const Hash& h) { return HexOf(h); }

std::optional<Hash> FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash h;
  if (hex.size() != h.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return h;
}

Hash RootOf(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  // Left to right with one slot per level, as Frontier does, so the root costs
  // n - 1 node hashes and no allocation; folding the leftover slots right to
  // left reproduces the RFC's split at the largest power of two.
  Hash levels[64];
  int depth = 0;
  std::uint64_t count = 0;
  for (const Hash& leaf : leaves) {
    Hash h = leaf;
    for (std::uint64_t c = count; c & 1; c >>= 1) h = NodeHash(levels[--depth], h);
    levels[depth++] = h;
    ++count;
  }
  Hash root = levels[depth - 1];
  for (int i = depth - 2; i >= 0; --i) root = NodeHash(levels[i], root);
  return root;
}

SubtreeFn Over(std::span<const Hash> leaves) {
  return [leaves](std::uint64_t start, std::uint64_t size) {
    if (size == 0 || start > leaves.size() || size > leaves.size() - start)
      throw std::out_of_range("subtree outside the leaves");
    return RootOf(leaves.subspan(start, size));
  };
}

std::vector<Hash> InclusionProof(std::uint64_t index, std::uint64_t size, const SubtreeFn& mth) {
  if (index >= size) throw std::invalid_argument("inclusion proof: index must be below the tree size");
  // PATH(m, D[n]) descends towards the leaf and appends each sibling after the
  // deeper part of the path, so the siblings found top-down come out reversed.
  std::vector<Hash> path;
  std::uint64_t start = 0;
  std::uint64_t n = size;
  std::uint64_t m = index;
  while (n > 1) {
    const std::uint64_t k = SplitPoint(n);
    if (m < k) {
      path.push_back(mth(start + k, n - k));
      n = k;
    } else {
      path.push_back(mth(start, k));
      start += k;
      m -= k;
      n -= k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<Hash> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size, const SubtreeFn& mth) {
  if (old_size == 0 || old_size > new_size)
    throw std::invalid_argument("consistency proof: need 0 < old_size <= new_size");
  // SUBPROOF(m, D[n], b), unrolled the same way as PATH above.
  std::vector<Hash> proof;
  std::uint64_t start = 0;
  std::uint64_t n = new_size;
  std::uint64_t m = old_size;
  bool whole_old_tree = true;  // the RFC's b: the old tree's root is known to the verifier
  while (m != n) {
    const std::uint64_t k = SplitPoint(n);
    if (m <= k) {
      proof.push_back(mth(start + k, n - k));
      n = k;
    } else {
      proof.push_back(mth(start, k));
      start += k;
      m -= k;
      n -= k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) proof.push_back(mth(start, m));
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                     const Hash& root) {
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      // Skip the levels where this node has no right sibling: the RFC tree
      // promotes it unchanged.
      while (fn != 0 && !(fn & 1)) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                       std::span<const Hash> proof) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root && (old_size != 0 || old_root == EmptyRoot());
  // Every tree extends the empty one, but only if the claimed old root really
  // is the empty tree's.
  if (old_size == 0) return proof.empty() && old_root == EmptyRoot();
  if (proof.empty()) return false;

  // A power-of-two old tree is a complete subtree of the new one, so the
  // prover leaves its root out and the verifier supplies it.
  const bool old_is_complete = std::has_single_bit(old_size);
  std::size_t next = 0;
  const Hash& first = old_is_complete ? old_root : proof[next++];

  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = first;
  Hash sr = first;
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (fn != 0 && !(fn & 1)) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

void Frontier::Push(const Hash& leaf, const NodeFn& on_node) {
  Hash h = leaf;
  ++size_;
  // Each trailing one bit of the old size is a complete subtree of the same
  // size as the one being carried, so they merge like a binary increment.
  int level = 0;
  for (std::uint64_t c = size_ - 1; c & 1; c >>= 1) {
    h = NodeHash(stack_.back(), h);
    stack_.pop_back();
    ++level;
    if (on_node) on_node(level, (size_ >> level) - 1, h);
  }
  stack_.push_back(h);
}

Hash Frontier::Root() const {
  if (stack_.empty()) return EmptyRoot();
  Hash r = stack_.back();
  for (auto it = stack_.rbegin() + 1; it != stack_.rend(); ++it) r = NodeHash(*it, r);
  return r;
}

Frontier Frontier::Load(std::uint64_t size, const SubtreeFn& mth) {
  Frontier f;
  f.size_ = size;
  std::uint64_t start = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const std::uint64_t span = std::uint64_t{1} << bit;
    if (!(size & span)) continue;
    f.stack_.push_back(mth(start, span));
    start += span;
  }
  return f;
}

}  // namespace mamori::ledger
