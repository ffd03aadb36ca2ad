// ledger: the evidence log (証跡). An append-only Merkle tree (RFC 9162 hashing)
// over canonical JSON entries (RFC 8785), with tree heads signed by Ed25519.
//
// Invariants:
//  * An entry is written in the same transaction as what it records: the
//    Ledger attaches to the store's change hook, and signs a tree head in the
//    store's pre-commit hook. A transaction that fails leaves neither.
//  * Entry seq = leaf index, from 0, without gaps; each entry carries its own
//    seq as its last member, so a moved or swapped entry names itself.
//  * Nothing is deleted. Archiving drops an entry's body only after it has been
//    written to an export that verified; its leaf hash stays, so the tree and
//    every signed head remain verifiable.
//  * Verification trusts nothing in the database but the entries: it
//    recomputes every leaf and every root, and checks every head's signature
//    against a public key given from outside.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/merkle.h"
#include "output/output.h"
#include "store/store.h"

namespace mamori::ledger {

using PublicKey = std::array<unsigned char, 32>;
using Signature = std::array<unsigned char, 64>;

// The signing key sits beside the database: "<db>.key", mode 0600.
std::string KeyPathFor(const std::string& db);
// Creates a new key at `path` (refusing to overwrite one); returns its public key.
PublicKey CreateKey(const std::string& path);
// The public key of the key at `path`.
PublicKey PublicKeyOf(const std::string& key_path);
std::string KeyHex(const PublicKey& k);
// Reads a public key as exported: 64 hex digits, optionally "ed25519:"-prefixed,
// surrounding whitespace ignored.
std::optional<PublicKey> ParsePublicKey(std::string_view text);
PublicKey ReadPublicKeyFile(const std::string& path);

struct TreeHead {
  std::uint64_t size = 0;
  std::int64_t timestamp_ms = 0;  // since the Unix epoch, as RFC 6962 §3.5
  std::string at;                 // the same instant in JST
  Hash root{};
  Signature signature{};
};
// The instant a head signs, in JST: the time to show, since the stored `at`
// text is not covered by the signature.
std::string SignedTime(const TreeHead& h);
// Whether the stored `at` text is the signed instant (or the second after it,
// as heads written before the two were taken from one clock reading may be).
bool AtMatchesSignedTime(const TreeHead& h);

// A head kept outside the operator's hands: what `ledger head` printed (text
// or --json), an earlier export, or a witness file (`ledger witness`). The
// log must still extend it. `timestamp_ms`/`signature` are there when the
// source carried them; `source` names the file and line for messages.
struct KeptHead {
  std::uint64_t size = 0;
  Hash root{};
  std::optional<std::int64_t> timestamp_ms;
  std::optional<Signature> signature;
  std::string source;
};
// Every head in `text`: all of a witness file's or an export's, the one of
// `ledger head`'s output. Throws E-LEDGER-030 naming `name` when it holds none.
std::vector<KeptHead> ReadKeptHeads(std::string_view text, const std::string& name);
// A witness file: its first line, and one line per head (the export's H line).
inline constexpr std::string_view kWitnessMagic = "mamori-ledger-witness 1";
std::string HeadLine(const TreeHead& h);

// The bytes a tree head signs: RFC 6962 §3.5 TreeHeadSignature (version v1,
// signature type tree_hash, timestamp, tree size, root), big-endian.
std::array<unsigned char, 50> SignedBytes(const TreeHead& h);
bool SignatureValid(const TreeHead& h, const PublicKey& key);

// One finding of a verification. `seq` names the entry when it can be told;
// otherwise [from, to) is the range that the failing head covers.
// A register finding also names the register row: `reg`, `id`, and where
// values differ the `column`, the value the log holds and the live one.
struct Problem {
  std::string code, message;
  long long seq = -1;
  long long from = -1, to = -1;
  std::string reg, id, column, logged, live;
};

struct Report {
  long long entries = 0, archived = 0, heads = 0;
  std::optional<TreeHead> latest;
  // An export: whether its END line was there. Without it the file may have
  // been cut after a head, and what verified is only a prefix of the log.
  bool export_ended = true;
  std::vector<Problem> problems;  // in log order; the first names the first bad entry
  long long more_problems = 0;    // found beyond those kept in `problems`
  long long kept_checked = 0;
  long long rotations = 0;        // key rotations followed     // heads kept outside (KeptHead) held against the log
  bool ok() const { return problems.empty() && heads > 0; }
};

struct Inclusion {
  std::uint64_t seq = 0, size = 0;
  Hash leaf{}, root{};
  std::vector<Hash> path;
  std::optional<std::string> entry;  // nullopt once archived
};

struct Consistency {
  std::uint64_t from = 0, to = 0;
  Hash from_root{}, to_root{};
  std::vector<Hash> proof;
};

struct Archived {
  std::uint64_t upto = 0;    // entries [0, upto) now live in the archive only
  std::uint64_t dropped = 0; // bodies dropped by this run
  std::string file_sha256;
};

class Ledger {
 public:
  // Attaches to `store`. The key is read only when a head must be signed, so a
  // store can be read (and verified with another public key) without it.
  Ledger(store::Store& store, std::string key_path);
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Appends one entry inside the current transaction; returns its seq. `kind`
  // is one of: register, pack, decision, approval, case, ledger. Data that
  // JSON cannot carry (ill-formed UTF-8, NaN) is refused with E-LEDGER-024
  // and nothing is appended.
  long long Append(std::string_view kind, const nlohmann::json& data, const std::string& actor,
                   const std::string& at);
  // The same, for data that `write` appends to the string it is given in
  // canonical form itself, with no tree in between: every decision recorded
  // comes this way, and building and canonicalising a tree of it cost more
  // than the rest of the append. What it wrote is held to IsCanonicalJson and
  // canonicalised the slow way when not known to be, so a writer's slip costs
  // time, never the entry's one byte form. A std::invalid_argument from
  // `write` (ill-formed UTF-8) is refused as Append refuses it.
  long long AppendWritten(std::string_view kind, const std::function<void(std::string&)>& write,
                          const std::string& actor, const std::string& at);

  // Replaces the signing key: a new key is made, the change is recorded as an
  // entry signed by the old key, and the old key is kept beside as
  // "<key>.retired-<seq>" for its owner to destroy once backups are checked.
  // The key given at init keeps verifying the whole log (Verify follows the
  // rotations it records).
  struct Rotated {
    PublicKey old_key{}, new_key{};
    std::uint64_t seq = 0;
    std::string retired_path;
  };
  Rotated RotateKey(const std::string& actor);

  std::uint64_t size() const { return frontier_.size(); }
  std::optional<TreeHead> Head();
  // Every signed head, by size.
  std::vector<TreeHead> Heads();
  // The head signed when entry `seq` was committed: its signed time is when
  // the entry was really recorded, whatever `at` the entry itself carries.
  std::optional<TreeHead> RecordedBy(std::uint64_t seq);

  // A full recomputation (see the invariants above), calling `progress` now
  // and then on a long log.
  // `kept`: heads the auditor kept; the log must extend every one of them.
  Report Verify(const PublicKey& trusted, const std::function<void(long long done, long long total)>& progress = {},
                const std::vector<KeptHead>& kept = {});

  // Proofs against the tree of `size` entries (0: the latest signed head).
  Inclusion ProveInclusion(std::uint64_t seq, std::uint64_t size = 0);
  Consistency ProveConsistency(std::uint64_t from, std::uint64_t to = 0);

  // Writes entries [0, size) and the heads up to size (0: the latest head).
  void Export(std::ostream& out, std::uint64_t size = 0);

  // Archives entries whose tree head was signed before `cutoff` (a JST
  // timestamp) to `file`, verifies that file with `key`, then drops their
  // bodies and records the archive as an entry. Stops at a signed head, so
  // the archive verifies on its own.
  // The archive file is written through output::AtomicFile (`out` says what it
  // may replace) and put in place only once it verifies.
  Archived Archive(const std::string& file, const std::string& cutoff, const PublicKey& key, const std::string& actor,
                   const output::Options& out);

  // The kept-node lookups that proofs use (exposed for the benchmark).
  Hash Subtree(std::uint64_t start, std::uint64_t size);

 private:
  long long AppendCanonical(std::string_view kind, std::string_view data, const std::string& actor,
                            const std::string& at);
  long long OnChange(const store::Change& c, const std::string& actor, const std::string& at, const std::string& command);
  void SignHead();
  void VerifyLocked(const PublicKey& trusted, const std::function<void(long long, long long)>& progress,
                    const std::vector<KeptHead>& kept, Report& report);
  const std::array<unsigned char, 64>& SecretKey();
  long long data_version_ = 0;  // the store's, when this ledger last read the log's end
  std::span<const Hash> Leaves(std::uint64_t start, std::uint64_t size);
  Hash RootAt(std::uint64_t size);

  // The leaf-run cache is valid for one proof only: appends may follow.
  struct Proving {
    Ledger& l;
    explicit Proving(Ledger& ledger) : l(ledger) {
      l.leaf_cache_ = false;
      l.proving_ = true;
    }
    ~Proving() {
      l.leaf_cache_ = false;
      l.proving_ = false;
    }
  };

  store::Store& store_;
  std::string key_path_;
  std::optional<std::array<unsigned char, 64>> secret_;
  Frontier frontier_;  // includes this transaction's appends; reloaded on rollback
  std::uint64_t signed_size_ = 0;
  bool leaf_cache_ = false, proving_ = false;
  std::uint64_t leaf_run_ = 0;
  std::vector<Hash> leaf_run_cache_;
};

// Verifies an export with nothing but the export and the public key.
Report VerifyExport(std::istream& in, const PublicKey& trusted, const std::vector<KeptHead>& kept = {});

// Interior nodes are kept from this level up: a proof then reads at most one
// 16-leaf run plus one node per level, while the kept nodes add only about one
// row per eight entries to every append.
inline constexpr int kKeptLevel = 4;

}  // namespace mamori::ledger
