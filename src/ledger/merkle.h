// RFC 9162 §2.1 Merkle tree hashing: leaf and node hashes, the tree head, and
// inclusion and consistency proofs with their verification.
//
// Invariants:
//  * A leaf hash is SHA-256(0x00 || entry) and a node hash SHA-256(0x01 || l || r):
//    the domain separation is what stops a node being passed off as a leaf.
//  * Proof generation never reads the leaves themselves: it asks a SubtreeFn for
//    the hashes of the subtrees the RFC's recursion visits, so a stored tree
//    answers from its kept nodes in O(log n) lookups.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::ledger {

using Hash = std::array<unsigned char, 32>;

Hash Sha256(std::string_view bytes);
Hash LeafHash(std::string_view entry);
Hash NodeHash(const Hash& left, const Hash& right);
// MTH({}) = SHA-256 of the empty string.
Hash EmptyRoot();

// Lower-case hex, the one spelling of bytes in exports, heads and keys.
std::string HexOf(std::span<const unsigned char> bytes);
std::string Hex(const Hash& h);
std::optional<Hash> FromHex(std::string_view hex);

// MTH over leaf hashes held in memory.
Hash RootOf(std::span<const Hash> leaves);

// The hash of the subtree over leaves [start, start + size), size >= 1.
using SubtreeFn = std::function<Hash(std::uint64_t start, std::uint64_t size)>;
// A SubtreeFn over leaf hashes in memory (tests and the export verifier).
SubtreeFn Over(std::span<const Hash> leaves);

// PATH(index, D[size]) and PROOF(old_size, D[new_size]) of RFC 9162 §2.1.3-2.1.4.
// Preconditions (std::invalid_argument otherwise): index < size;
// 0 < old_size <= new_size.
std::vector<Hash> InclusionProof(std::uint64_t index, std::uint64_t size, const SubtreeFn& mth);
std::vector<Hash> ConsistencyProof(std::uint64_t old_size, std::uint64_t new_size, const SubtreeFn& mth);

// Verification as RFC 9162 §2.1.3.2 and §2.1.4.2; false on any mismatch or
// malformed proof, never an exception.
bool VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf, std::span<const Hash> proof,
                     const Hash& root);
bool VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                       std::span<const Hash> proof);

// The right edge of a growing tree: one complete subtree per set bit of the
// size, largest first. Enough to append and to compute the root in O(log n)
// without holding the leaves.
class Frontier {
 public:
  // Called for every complete subtree formed by a push (level >= 1; a node at
  // level L with index i covers leaves [i << L, (i + 1) << L)).
  using NodeFn = std::function<void(int level, std::uint64_t index, const Hash& hash)>;

  void Push(const Hash& leaf, const NodeFn& on_node = {});
  Hash Root() const;  // EmptyRoot() when empty
  std::uint64_t size() const { return size_; }

  // The frontier of a tree of `size` leaves, from its subtree hashes.
  static Frontier Load(std::uint64_t size, const SubtreeFn& mth);

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> stack_;  // complete subtrees, largest (leftmost) first
};

}  // namespace mamori::ledger
