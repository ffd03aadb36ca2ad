// Merkle hashing and proofs against the Certificate Transparency test vectors
// (RFC 6962 tree, as used unchanged by RFC 9162; figures from
// transparency-dev/merkle's testonly/constants.go and proof/verify_test.go),
// plus exhaustive properties over every small tree.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ledger/merkle.h"

namespace mamori::ledger {
namespace {

Hash H(std::string_view hex) {
  auto h = FromHex(hex);
  if (!h) throw std::invalid_argument("bad test hash");
  return *h;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

const char* const kLeafInputs[] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                   "606162636465666768696a6b6c6d6e6f"};

// Complete subtree hashes of the 8-leaf tree, [level][index].
const std::vector<std::vector<std::string>> kNodes = {
    {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
    {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
    {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
};

// Tree heads for sizes 0..8.
const char* const kRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  std::uint64_t index, size;
  std::vector<const char*> proof;
};
// The CT table numbers leaves from 1; these are 0-based.
const InclusionVector kInclusion[] = {
    {0, 1, {}},
    {0, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  std::uint64_t old_size, new_size;
  std::vector<const char*> proof;
};
const ConsistencyVector kConsistency[] = {
    {1, 1, {}},
    {1, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::vector<Hash> Hashes(const std::vector<const char*>& hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(H(h));
  return out;
}

std::vector<Hash> CtLeaves() {
  std::vector<Hash> out;
  for (const char* in : kLeafInputs) out.push_back(LeafHash(Unhex(in)));
  return out;
}

// Distinct leaves for the property tests: equal leaves would let a proof with
// swapped siblings verify.
std::vector<Hash> Leaves(std::size_t n) {
  std::vector<Hash> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(LeafHash("entry " + std::to_string(i)));
  return out;
}

Hash Flip(Hash h, std::size_t byte = 0, unsigned char mask = 0x08) {
  h[byte] ^= mask;
  return h;
}

// An oracle that records what it was asked, to check the proofs ask only for
// the subtrees they emit.
struct Recording {
  SubtreeFn inner;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  SubtreeFn fn() {
    return [this](std::uint64_t start, std::uint64_t size) {
      calls.emplace_back(start, size);
      return inner(start, size);
    };
  }
};

TEST(Hashing, Sha256KnownAnswers) {
  // FIPS 180-2 "abc" and the empty string.
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RootOf({}), EmptyRoot());
}

TEST(Hashing, DomainSeparation) {
  const Hash a = Sha256("a"), b = Sha256("b");
  EXPECT_EQ(LeafHash("xyz"), Sha256(std::string("\x00xyz", 4)));
  std::string node = "\x01";
  node.append(reinterpret_cast<const char*>(a.data()), a.size());
  node.append(reinterpret_cast<const char*>(b.data()), b.size());
  EXPECT_EQ(NodeHash(a, b), Sha256(node));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
  // The same 64 bytes as a leaf must not hash like the node.
  EXPECT_NE(LeafHash(node.substr(1)), NodeHash(a, b));
}

TEST(Hashing, HexRoundTripAndStrictParse) {
  const Hash h = H(kRoots[8]);
  EXPECT_EQ(Hex(h), kRoots[8]);
  std::string upper = kRoots[8];
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(FromHex(upper), h);
  const std::string s = kRoots[8];
  EXPECT_FALSE(FromHex(s.substr(1)));
  EXPECT_FALSE(FromHex(s + "0"));
  EXPECT_FALSE(FromHex(""));
  EXPECT_FALSE(FromHex("g" + s.substr(1)));
  EXPECT_FALSE(FromHex(s.substr(0, 63) + " "));
  EXPECT_FALSE(FromHex("0x" + s.substr(2)));
}

TEST(CtVectors, LeafHashesAndRoots) {
  const auto leaves = CtLeaves();
  for (std::size_t i = 0; i < leaves.size(); ++i) EXPECT_EQ(Hex(leaves[i]), kNodes[0][i]) << i;
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(Hex(RootOf(std::span(leaves).first(n))), kRoots[n]) << "size " << n;
  }
}

TEST(CtVectors, InclusionProofs) {
  const auto leaves = CtLeaves();
  for (const auto& v : kInclusion) {
    SCOPED_TRACE(testing::Message() << "index " << v.index << " size " << v.size);
    const auto want = Hashes(v.proof);
    const auto got = InclusionProof(v.index, v.size, Over(leaves));
    EXPECT_EQ(got, want);
    const Hash root = H(kRoots[v.size]);
    const Hash leaf = leaves[v.index];
    EXPECT_TRUE(VerifyInclusion(v.index, v.size, leaf, want, root));

    // The corruptions CT's verifier test applies to the same vectors.
    EXPECT_FALSE(VerifyInclusion(v.index - 1, v.size, leaf, want, root));
    EXPECT_FALSE(VerifyInclusion(v.index + 1, v.size, leaf, want, root));
    EXPECT_FALSE(VerifyInclusion(v.index ^ 2, v.size, leaf, want, root));
    EXPECT_FALSE(VerifyInclusion(v.index, v.size * 2, leaf, want, root));
    EXPECT_FALSE(VerifyInclusion(v.index, v.size / 2, leaf, want, root));
    EXPECT_FALSE(VerifyInclusion(v.index, v.size, LeafHash("WrongLeaf"), want, root));
    EXPECT_FALSE(VerifyInclusion(v.index, v.size, leaf, want, EmptyRoot()));
    auto longer = want;
    longer.push_back(root);
    EXPECT_FALSE(VerifyInclusion(v.index, v.size, leaf, longer, root));
    longer = want;
    longer.insert(longer.begin(), root);
    EXPECT_FALSE(VerifyInclusion(v.index, v.size, leaf, longer, root));
    for (std::size_t i = 0; i < want.size(); ++i) {
      auto bad = want;
      bad[i] = Flip(bad[i]);
      EXPECT_FALSE(VerifyInclusion(v.index, v.size, leaf, bad, root)) << "proof[" << i << "]";
    }
    if (!want.empty()) {
      EXPECT_FALSE(VerifyInclusion(v.index, v.size, leaf, std::span(want).first(want.size() - 1), root));
    }
  }
}

TEST(CtVectors, ConsistencyProofs) {
  const auto leaves = CtLeaves();
  for (const auto& v : kConsistency) {
    SCOPED_TRACE(testing::Message() << v.old_size << " -> " << v.new_size);
    const auto want = Hashes(v.proof);
    EXPECT_EQ(ConsistencyProof(v.old_size, v.new_size, Over(leaves)), want);
    const Hash r1 = H(kRoots[v.old_size]), r2 = H(kRoots[v.new_size]);
    EXPECT_TRUE(VerifyConsistency(v.old_size, v.new_size, r1, r2, want));
    if (want.empty()) continue;

    EXPECT_FALSE(VerifyConsistency(v.old_size - 1, v.new_size, r1, r2, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size + 1, v.new_size, r1, r2, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size ^ 2, v.new_size, r1, r2, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size * 2, r1, r2, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size / 2, r1, r2, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, Flip(r1), r2, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, Flip(r2), want));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r2, r1, want));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, r2, {}));
    for (const Hash& extra : {r1, r2, EmptyRoot()}) {
      auto bad = want;
      bad.push_back(extra);
      EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, r2, bad));
      bad = want;
      bad.insert(bad.begin(), extra);
      EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, r2, bad));
    }
    auto bad = want;
    bad.insert(bad.begin(), want[0]);
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, r2, bad));
    EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, r2, std::span(want).first(want.size() - 1)));
    for (std::size_t i = 0; i < want.size(); ++i) {
      bad = want;
      bad[i] = Flip(bad[i], 0, 0x10);
      EXPECT_FALSE(VerifyConsistency(v.old_size, v.new_size, r1, r2, bad)) << "proof[" << i << "]";
    }
  }
}

TEST(Verify, MalformedInclusionIsFalseNotThrown) {
  const Hash some = Sha256("some");
  for (auto [index, size] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 0}, {1, 0}, {2, 1}, {1, 1}}) {
    EXPECT_FALSE(VerifyInclusion(index, size, some, {}, some)) << index << "/" << size;
    EXPECT_FALSE(VerifyInclusion(index, size, some, {}, EmptyRoot()));
  }
  // A one-leaf tree's root is its leaf, with an empty proof.
  EXPECT_TRUE(VerifyInclusion(0, 1, some, {}, some));
  EXPECT_FALSE(VerifyInclusion(0, 1, some, {}, EmptyRoot()));
  const std::vector<Hash> one = {some};
  EXPECT_FALSE(VerifyInclusion(0, 1, some, one, some));
  EXPECT_FALSE(VerifyInclusion(UINT64_MAX, UINT64_MAX, some, one, some));
}

TEST(Verify, ConsistencyEdgeCases) {
  const Hash a = Sha256("don't care 1"), b = Sha256("don't care 2");
  const std::vector<Hash> none, one = {EmptyRoot()};
  const Hash e = EmptyRoot();
  EXPECT_FALSE(VerifyConsistency(0, 0, a, b, none));
  EXPECT_FALSE(VerifyConsistency(1, 1, a, b, none));
  EXPECT_TRUE(VerifyConsistency(0, 0, e, e, none));
  EXPECT_TRUE(VerifyConsistency(0, 1, e, b, none));
  EXPECT_TRUE(VerifyConsistency(1, 1, b, b, none));
  // Time travel.
  EXPECT_FALSE(VerifyConsistency(1, 0, a, b, none));
  EXPECT_FALSE(VerifyConsistency(2, 1, a, b, none));
  // A growing tree needs a proof.
  EXPECT_FALSE(VerifyConsistency(1, 2, a, b, none));
  // Equal sizes need equal roots and an empty proof.
  EXPECT_FALSE(VerifyConsistency(0, 0, e, b, none));
  EXPECT_FALSE(VerifyConsistency(1, 1, e, b, none));
  EXPECT_FALSE(VerifyConsistency(0, 0, e, e, one));
  EXPECT_FALSE(VerifyConsistency(0, 1, e, e, one));
  EXPECT_FALSE(VerifyConsistency(1, 1, e, e, one));
  // An empty old tree has the empty root, whatever the new one is.
  EXPECT_FALSE(VerifyConsistency(0, 5, a, b, none));
  EXPECT_FALSE(VerifyConsistency(UINT64_MAX, UINT64_MAX - 1, a, b, one));
}

TEST(Proofs, PreconditionsThrow) {
  const auto leaves = Leaves(4);
  EXPECT_THROW(InclusionProof(4, 4, Over(leaves)), std::invalid_argument);
  EXPECT_THROW(InclusionProof(0, 0, Over(leaves)), std::invalid_argument);
  EXPECT_THROW(ConsistencyProof(0, 4, Over(leaves)), std::invalid_argument);
  EXPECT_THROW(ConsistencyProof(4, 3, Over(leaves)), std::invalid_argument);
  EXPECT_TRUE(ConsistencyProof(4, 4, Over(leaves)).empty());
  EXPECT_THROW(Over(leaves)(3, 2), std::out_of_range);
  EXPECT_THROW(Over(leaves)(0, 0), std::out_of_range);
}

// For every tree of 1..70 leaves and every leaf, the proof verifies, and no
// single change to what is being proved or to the proof itself does.
TEST(Properties, InclusionEverySmallTree) {
  const auto all = Leaves(71);
  for (std::uint64_t n = 1; n <= 70; ++n) {
    const auto leaves = std::span(all).first(n);
    const Hash root = RootOf(leaves);
    for (std::uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE(testing::Message() << "index " << i << " size " << n);
      const auto proof = InclusionProof(i, n, Over(leaves));
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], proof, root));
      EXPECT_FALSE(VerifyInclusion(i, n, all[70], proof, root));
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], proof, Flip(root)));
      for (std::uint64_t j = 0; j < n; ++j) {
        if (j != i) {
          EXPECT_FALSE(VerifyInclusion(j, n, leaves[i], proof, root)) << "as index " << j;
        }
      }
      EXPECT_FALSE(VerifyInclusion(n, n, leaves[i], proof, root));
      // Proved against another size's real tree head.
      for (std::uint64_t m : {n - 1, n + 1, 2 * n}) {
        if (m > i && m <= 70) {
          EXPECT_FALSE(VerifyInclusion(i, m, leaves[i], proof, RootOf(std::span(all).first(m)))) << "as size " << m;
        }
      }
      for (std::size_t k = 0; k < proof.size(); ++k) {
        for (std::size_t byte = 0; byte < 32; ++byte) {
          auto bad = proof;
          bad[k] = Flip(bad[k], byte, 0x01);
          EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root)) << "proof[" << k << "] byte " << byte;
        }
      }
      auto bad = proof;
      bad.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root));
      if (!proof.empty()) {
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], std::span(proof).first(proof.size() - 1), root));
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], std::span(proof).subspan(1), root));
      }
    }
  }
}

TEST(Properties, ConsistencyEverySmallPair) {
  const auto all = Leaves(70);
  std::vector<Hash> roots = {EmptyRoot()};
  for (std::size_t n = 1; n <= 70; ++n) roots.push_back(RootOf(std::span(all).first(n)));
  for (std::uint64_t n = 1; n <= 70; ++n) {
    for (std::uint64_t m = 1; m <= n; ++m) {
      SCOPED_TRACE(testing::Message() << m << " -> " << n);
      const auto proof = ConsistencyProof(m, n, Over(std::span(all).first(n)));
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], proof));
      EXPECT_EQ(proof.empty(), m == n);
      EXPECT_FALSE(VerifyConsistency(m, n, Flip(roots[m]), roots[n], proof));
      EXPECT_FALSE(VerifyConsistency(m, n, roots[m], Flip(roots[n]), proof));
      if (m != n) {
        EXPECT_FALSE(VerifyConsistency(m, n, roots[n], roots[m], proof));
      }
      // The same proof for other sizes, with those sizes' real heads.
      for (std::uint64_t m2 = 1; m2 <= n; ++m2) {
        if (m2 != m) {
          EXPECT_FALSE(VerifyConsistency(m2, n, roots[m2], roots[n], proof)) << "as old size " << m2;
        }
      }
      for (std::uint64_t n2 : {n - 1, n + 1}) {
        if (n2 >= m && n2 <= 70) {
          EXPECT_FALSE(VerifyConsistency(m, n2, roots[m], roots[n2], proof)) << "as new size " << n2;
        }
      }
      for (std::size_t k = 0; k < proof.size(); ++k) {
        for (std::size_t byte = 0; byte < 32; ++byte) {
          auto bad = proof;
          bad[k] = Flip(bad[k], byte, 0x80);
          EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], bad)) << "proof[" << k << "] byte " << byte;
        }
      }
      auto bad = proof;
      bad.push_back(roots[n]);
      EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], bad));
      if (!proof.empty()) {
        EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], std::span(proof).first(proof.size() - 1)));
        EXPECT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], std::span(proof).subspan(1)));
      }
    }
  }
}

// A stored tree answers from kept nodes, so each proof element must be one
// call for exactly its range, and complete ranges must be aligned subtrees.
TEST(Proofs, AskTheOracleOnlyForEmittedSubtrees) {
  const auto all = Leaves(70);
  for (std::uint64_t n = 1; n <= 70; ++n) {
    const auto leaves = std::span(all).first(n);
    auto check = [&](const std::vector<Hash>& proof, const Recording& rec) {
      ASSERT_EQ(rec.calls.size(), proof.size());
      std::multiset<Hash> emitted(proof.begin(), proof.end());
      for (auto [start, size] : rec.calls) {
        ASSERT_GE(size, 1u);
        ASSERT_LE(start + size, n);
        // Whole subtrees of the RFC's shape: a power of two on its own
        // alignment, or the incomplete right edge as one piece.
        if (start + size < n) {
          EXPECT_TRUE(std::has_single_bit(size) && start % size == 0) << start << "+" << size;
        }
        const auto it = emitted.find(RootOf(leaves.subspan(start, size)));
        ASSERT_NE(it, emitted.end());
        emitted.erase(it);
      }
    };
    for (std::uint64_t i = 0; i < n; ++i) {
      Recording rec{Over(leaves), {}};
      check(InclusionProof(i, n, rec.fn()), rec);
    }
    for (std::uint64_t m = 1; m <= n; ++m) {
      Recording rec{Over(leaves), {}};
      check(ConsistencyProof(m, n, rec.fn()), rec);
    }
  }
  // The RFC's PATH(5, D[8]) and PROOF(3, D[7]), spelled out.
  const auto leaves = std::span(all).first(8);
  Recording rec{Over(leaves), {}};
  InclusionProof(5, 8, rec.fn());
  using Calls = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  EXPECT_EQ(std::set(rec.calls.begin(), rec.calls.end()), std::set<Calls::value_type>({{0, 4}, {6, 2}, {4, 1}}));
  Recording rec7{Over(std::span(all).first(7)), {}};
  InclusionProof(0, 7, rec7.fn());
  EXPECT_EQ(std::set(rec7.calls.begin(), rec7.calls.end()), std::set<Calls::value_type>({{1, 1}, {2, 2}, {4, 3}}));
  Recording rec37{Over(std::span(all).first(7)), {}};
  ConsistencyProof(3, 7, rec37.fn());
  EXPECT_EQ(std::set(rec37.calls.begin(), rec37.calls.end()),
            std::set<Calls::value_type>({{2, 1}, {3, 1}, {0, 2}, {4, 3}}));
}

TEST(FrontierTest, CtVectorsAndNodes) {
  const auto leaves = CtLeaves();
  Frontier f;
  EXPECT_EQ(f.Root(), EmptyRoot());
  std::vector<std::tuple<int, std::uint64_t, Hash>> nodes;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    f.Push(leaves[i], [&](int level, std::uint64_t index, const Hash& h) { nodes.emplace_back(level, index, h); });
    EXPECT_EQ(f.size(), i + 1);
    EXPECT_EQ(Hex(f.Root()), kRoots[i + 1]) << "size " << i + 1;
  }
  // Every complete subtree above the leaves, once, with CT's hash for it.
  ASSERT_EQ(nodes.size(), 4u + 2u + 1u);
  std::set<std::pair<int, std::uint64_t>> seen;
  for (const auto& [level, index, h] : nodes) {
    ASSERT_GE(level, 1);
    ASSERT_LT(static_cast<std::size_t>(level), kNodes.size());
    ASSERT_LT(index, kNodes[level].size());
    EXPECT_EQ(Hex(h), kNodes[level][index]) << level << "/" << index;
    EXPECT_TRUE(seen.emplace(level, index).second);
  }
}

TEST(FrontierTest, PushMatchesRootOfAndReportsCompleteSubtrees) {
  const auto all = Leaves(70);
  Frontier f;
  std::vector<std::tuple<int, std::uint64_t, Hash>> nodes;
  for (std::size_t n = 1; n <= all.size(); ++n) {
    f.Push(all[n - 1], [&](int level, std::uint64_t index, const Hash& h) { nodes.emplace_back(level, index, h); });
    ASSERT_EQ(f.Root(), RootOf(std::span(all).first(n))) << n;
    EXPECT_EQ(nodes.size(), n - std::popcount(n)) << n;
  }
  for (const auto& [level, index, h] : nodes) {
    const std::uint64_t start = index << level, width = std::uint64_t{1} << level;
    ASSERT_LE(start + width, all.size());
    EXPECT_EQ(h, RootOf(std::span(all).subspan(start, width))) << level << "/" << index;
  }
  // A few positions by hand: after 70 leaves the top complete subtree is
  // leaves [0, 64), and the last node formed was [68, 70).
  EXPECT_EQ(std::count_if(nodes.begin(), nodes.end(), [](const auto& t) { return std::get<0>(t) == 6; }), 1);
  EXPECT_EQ(std::get<0>(nodes.back()), 1);
  EXPECT_EQ(std::get<1>(nodes.back()), 34u);
  EXPECT_EQ(std::get<2>(nodes[0]), NodeHash(all[0], all[1]));
}

TEST(FrontierTest, LoadThenPushMatchesPushingEverything) {
  const auto all = Leaves(70);
  std::vector<Hash> roots;
  {
    Frontier f;
    for (const Hash& l : all) {
      f.Push(l);
      roots.push_back(f.Root());
    }
  }
  for (std::uint64_t size = 0; size <= all.size(); ++size) {
    Recording rec{Over(std::span(all).first(size)), {}};
    Frontier f = Frontier::Load(size, rec.fn());
    EXPECT_EQ(f.size(), size);
    EXPECT_EQ(rec.calls.size(), static_cast<std::size_t>(std::popcount(size)));
    for (auto [start, width] : rec.calls) EXPECT_TRUE(std::has_single_bit(width) && start % width == 0);
    EXPECT_EQ(f.Root(), size == 0 ? EmptyRoot() : roots[size - 1]);
    for (std::uint64_t n = size + 1; n <= all.size(); ++n) {
      f.Push(all[n - 1]);
      ASSERT_EQ(f.Root(), roots[n - 1]) << "loaded at " << size << ", now " << n;
    }
  }
}

}  // namespace
}  // namespace mamori::ledger
