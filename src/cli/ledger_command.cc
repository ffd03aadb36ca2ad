// `mamori ledger head | verify | prove | consistency | witness | rotate-key | export | pubkey | archive`:
// the evidence log, for the people who run mamori and for an auditor holding
// only an export and the public key (docs/ledger.md).
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <iostream>

#include "cli/commands.h"
#include "output/output.h"
#include "cases/cases.h"
#include "cli/guard.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "registry/binding.h"
#include "registry/registry.h"

namespace mamori::cli {
namespace {

namespace fs = std::filesystem;

// The ledger of a database, read without its pack: an auditor verifies even a
// store whose pack folder has moved.
struct LedgerSession {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<ledger::Ledger> log;
  explicit LedgerSession(const std::string& db)
      : store(store::OpenSqlite(db, /*create=*/false)), log(std::make_unique<ledger::Ledger>(*store, ledger::KeyPathFor(db))) {}
};

// Which public key to trust, and how it was chosen (said to the user: a key
// read from the database itself proves nothing against its administrator).
ledger::PublicKey TrustedKey(const std::string& db, const std::string& pubkey_file, store::Store& s, std::string& how) {
  if (!pubkey_file.empty()) {
    how = "公開鍵ファイル " + pubkey_file;
    return ledger::ReadPublicKeyFile(pubkey_file);
  }
  const std::string key = ledger::KeyPathFor(db);
  if (fs::exists(key)) {
    auto k = ledger::PublicKeyOf(key);
    auto recorded = s.GetMeta("ledger_pubkey");
    if (recorded && ledger::ParsePublicKey(*recorded) != k) {
      throw store::Error("E-LEDGER-020", "署名鍵「" + key + "」の公開鍵が、データベースに記録された公開鍵と違います。鍵かデータベースが差し替えられています。");
    }
    how = "署名鍵 " + key + " の公開鍵";
    // After a rotation the log is verified from the key it started with,
    // following each rotation it records.
    if (auto initial = s.GetMeta("ledger_pubkey_initial")) {
      if (auto k0 = ledger::ParsePublicKey(*initial)) {
        how = "最初の署名鍵の公開鍵（データベースの記録。鍵の交換は証跡の記録どおりにたどります）";
        return *k0;
      }
    }
    return k;
  }
  auto recorded = s.GetMeta("ledger_pubkey_initial");
  if (!recorded) recorded = s.GetMeta("ledger_pubkey");
  auto k = recorded ? ledger::ParsePublicKey(*recorded) : std::nullopt;
  if (!k) {
    throw store::Error("E-LEDGER-021", "検証に使う公開鍵がありません。--pubkey で `mamori ledger pubkey` が書き出したファイルを指定してください。");
  }
  how = "データベースに記録された公開鍵（データベースごと差し替えられると見抜けません。監査では --pubkey を使ってください）";
  return *k;
}

std::string Short(const std::string& hex) { return hex.substr(0, 16) + "…"; }

std::vector<std::string> Both(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<ledger::KeptHead> KeptHeadsFrom(const std::vector<std::string>& files) {
  std::vector<ledger::KeptHead> out;
  for (const auto& f : files) {
    if (std::string why = reiki::FileProblem(f); !why.empty())
      throw store::Error("E-LEDGER-030", "保存されたツリーヘッドのファイル「" + f + "」" + why + "。");
    std::ifstream in(f, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto heads = ledger::ReadKeptHeads(text, f);
    out.insert(out.end(), heads.begin(), heads.end());
  }
  return out;
}

void PrintReport(const ledger::Report& r, const std::string& how) {
  std::cout << "公開鍵: " << how << "\n";
  if (r.ok()) {
    std::cout << "検証: OK — エントリ " << r.entries << " 件";
    if (r.archived) std::cout << "（うち保管済み " << r.archived << " 件は葉ハッシュで確認）";
    std::cout << "、署名付きツリーヘッド " << r.heads << " 件。すべて計算し直して一致しました。\n";
    if (r.latest) {
      std::cout << "最新のツリーヘッド: " << r.latest->size << " 件、" << ledger::SignedTime(*r.latest) << "（署名された時刻）、根 "
                << ledger::Hex(r.latest->root) << "\n";
    }
    if (r.kept_checked)
      std::cout << "保存されたツリーヘッド " << r.kept_checked << " 件: すべて今の証跡の先頭と一致しました（書き換え・削除・縮みはありません）。\n";
    if (!r.export_ended)
      std::cout << "注意: この書き出しには終わりの印（END）がありません。途中で切れた書き出しかもしれず、確かめられたのは証跡の先頭から"
                << (r.latest ? "大きさ " + std::to_string(r.latest->size) + " のツリーヘッドまで" : std::string("最初の部分")) << "です。\n";
    return;
  }
  std::cout << "検証: 不合格 — " << r.problems.size() + r.more_problems << " 件の問題があります（最初のものが最初の不正箇所です）。\n";
  // Register findings also name the register and column as staff know them.
  // The classification columns depend on the pack, which an auditor may not
  // have: those keep their key.
  const auto kinds = registry::Kinds(policy::Pack{});
  auto label = [&](const std::string& reg, const std::string& column) {
    for (const auto& k : kinds) {
      if (k.id != reg) continue;
      if (column.empty()) return k.ja + "（" + reg + "）";
      for (const auto& c : k.columns)
        if (c.key == column) return c.ja + "（" + column + "）";
    }
    return column.empty() ? reg : column;
  };
  for (const auto& p : r.problems) {
    std::cout << "  " << p.code << ": " << p.message << "\n";
    if (p.reg.empty()) continue;
    std::cout << "      台帳: " << label(p.reg, "") << "　ID: " << p.id;
    if (!p.column.empty())
      std::cout << "　列: " << label(p.reg, p.column) << "　証跡の値: " << (p.logged.empty() ? "（なし）" : p.logged)
                << "　データベースの値: " << (p.live.empty() ? "（なし）" : p.live);
    std::cout << "\n";
  }
  if (r.more_problems) std::cout << "  ほかに " << r.more_problems << " 件（最初の " << r.problems.size() << " 件だけを示しています）。\n";
  SetExitCode(1);
}

}  // namespace

void AddLedgerCommand(CLI::App& app) {
  static std::string db = DefaultDb();
  auto* top = app.add_subcommand("ledger", "証跡（改ざんを検出できる記録）の確認・検証・証明・書き出し");
  top->require_subcommand(1);
  {
    auto* cmd = top->add_subcommand("head", "最新の署名付きツリーヘッドを表示する");
    static bool json = false;
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_flag("--json", json, "JSON で出力する");
    cmd->callback([] {
      Guard([] {
        LedgerSession s(db);
        auto h = s.log->Head();
        if (!h) throw store::Error("E-LEDGER-012", "証跡に署名付きツリーヘッドがまだありません。");
        std::string how;
        TrustedKey(db, "", *s.store, how);  // refuses a key that is not this store's
        // The latest head is signed by the current key (after any rotation).
        const auto current = s.store->GetMeta("ledger_pubkey");
        const auto key = current && ledger::ParsePublicKey(*current) ? *ledger::ParsePublicKey(*current) : TrustedKey(db, "", *s.store, how);
        bool valid = ledger::SignatureValid(*h, key);
        if (json) {
          std::cout << nlohmann::json{{"size", h->size},
                                      {"timestamp", h->timestamp_ms},
                                      {"at", ledger::SignedTime(*h)},
                                      {"root", ledger::Hex(h->root)},
                                      {"signature", ledger::HexOf(h->signature)},
                                      {"pubkey", "ed25519:" + ledger::KeyHex(key)},
                                      {"signature_valid", valid}}
                           .dump()
                    << "\n";
        } else {
          std::cout << "署名付きツリーヘッド（RFC 9162 / Ed25519）\n"
                    << "  エントリ数: " << h->size << "\n"
                    << "  時刻: " << ledger::SignedTime(*h) << "（署名された時刻）\n"
                    << "  タイムスタンプ: " << h->timestamp_ms << "\n"
                    << "  根ハッシュ: " << ledger::Hex(h->root) << "\n"
                    << "  公開鍵: ed25519:" << ledger::KeyHex(key) << "\n"
                    << "  署名値: " << ledger::HexOf(h->signature) << "\n"
                    << "  署名: " << (valid ? "有効" : "無効（この公開鍵では検証できません）") << "\n"
                    << "（この出力を保存しておくと、後で `mamori ledger verify --trusted-head ファイル` で、証跡がこの時点から書き換えられていないことを確かめられます）\n";
        }
        if (!valid) SetExitCode(1);
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("verify", "証跡をすべて計算し直して検証する（最初の不正なエントリを示す）");
    static std::string pubkey, export_file;
    static std::vector<std::string> trusted, witness;
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_option("--pubkey", pubkey, "信頼する公開鍵のファイル（`mamori ledger pubkey` の出力）");
    cmd->add_option("--export", export_file, "データベースではなく、書き出したファイルを検証する（--pubkey が必要）");
    cmd->add_option("--trusted-head", trusted,
                    "監査人が保存したツリーヘッド（`ledger head` の出力・以前の書き出し）。今の証跡がそれを先頭に含むことを確かめる");
    cmd->add_option("--witness", witness, "立会いファイル（`ledger witness`）。記録されたすべてのツリーヘッドを確かめる");
    cmd->callback([] {
      Guard([] {
        if (!export_file.empty()) {
          if (pubkey.empty()) throw store::Error("E-LEDGER-022", "書き出しの検証には --pubkey で公開鍵のファイルを指定してください。");
          if (std::string why = reiki::FileProblem(pubkey); !why.empty())
            throw store::Error("E-LEDGER-005", "公開鍵のファイル「" + pubkey + "」" + why + "。");
          if (std::string why = reiki::FileProblem(export_file); !why.empty())
            throw store::Error("E-LEDGER-023", "書き出しファイル「" + export_file + "」" + why + "。");
          auto key = ledger::ReadPublicKeyFile(pubkey);
          std::ifstream in(export_file, std::ios::binary);
          if (!in) throw store::Error("E-LEDGER-023", "書き出しファイル「" + export_file + "」を開けません。");
          std::cout << "書き出し: " << export_file << "\n";
          PrintReport(ledger::VerifyExport(in, key, KeptHeadsFrom(Both(trusted, witness))), "公開鍵ファイル " + pubkey);
          return;
        }
        LedgerSession s(db);
        std::string how;
        auto key = TrustedKey(db, pubkey, *s.store, how);
        const auto kept = KeptHeadsFrom(Both(trusted, witness));
        auto report = s.log->Verify(key, [](long long done, long long total) {
          std::cerr << "検証中… " << done << " / " << total << " 件\n";
        }, kept);
        PrintReport(report, how);
        // Cases: each state is what its events give (the events themselves
        // are entries the check above held to the log).
        const auto findings = cases::Verify(*s.store);
        if (s.store->Count("cases") > 0 || !findings.empty()) {
          if (findings.empty()) {
            std::cout << "案件: " << s.store->Count("cases") << " 件、どの状態も出来事から導かれるものと一致しました。\n";
          } else {
            std::cout << "案件: " << findings.size() << " 件の問題があります。\n";
            for (const auto& f : findings) std::cout << "  " << f.code << ": " << f.message << "\n";
            SetExitCode(1);
          }
        }
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("prove", "エントリが木に含まれることの証明（RFC 9162 の inclusion proof）");
    static long long entry = -1, size = 0;
    static bool json = false;
    cmd->add_option("--entry", entry, "エントリの番号（0 から）")->required();
    cmd->add_option("--size", size, "証明する木の大きさ（既定: 最新の署名付きツリーヘッド）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_flag("--json", json, "JSON で出力する");
    cmd->callback([] {
      Guard([] {
        if (entry < 0 || size < 0) throw store::Error("E-LEDGER-014", "--entry と --size には 0 以上の数を指定してください。");
        LedgerSession s(db);
        auto p = s.log->ProveInclusion(static_cast<std::uint64_t>(entry), static_cast<std::uint64_t>(size));
        bool ok = ledger::VerifyInclusion(p.seq, p.size, p.leaf, p.path, p.root);
        if (p.entry && ledger::LeafHash(*p.entry) != p.leaf) ok = false;
        if (json) {
          nlohmann::json path = nlohmann::json::array();
          for (const auto& h : p.path) path.push_back(ledger::Hex(h));
          nlohmann::json out = {{"entry", p.seq}, {"size", p.size}, {"leaf", ledger::Hex(p.leaf)},
                                {"root", ledger::Hex(p.root)}, {"path", path}, {"verified", ok}};
          if (p.entry) out["entry_json"] = *p.entry;
          if (auto by = s.log->RecordedBy(p.seq)) out["recorded_at"] = ledger::SignedTime(*by);
          std::cout << out.dump() << "\n";
        } else {
          std::cout << "エントリ #" << p.seq << "（大きさ " << p.size << " の木）\n";
          if (p.entry) std::cout << "  内容: " << *p.entry << "\n";
          else std::cout << "  内容: 保管済み（アーカイブの書き出しにあります）\n";
          // The entry's own "at" may be what the user gave (--at); the time
          // it was really recorded is the signed time of the head that first
          // covered it.
          if (auto by = s.log->RecordedBy(p.seq))
            std::cout << "  記録された時刻: " << ledger::SignedTime(*by) << "（大きさ " << by->size << " のツリーヘッドの署名された時刻）\n";
          std::cout << "  葉ハッシュ: " << ledger::Hex(p.leaf) << "\n  監査パス（" << p.path.size() << " 個）:\n";
          for (const auto& h : p.path) std::cout << "    " << ledger::Hex(h) << "\n";
          std::cout << "  根ハッシュ: " << ledger::Hex(p.root) << "\n"
                    << "  検証: " << (ok ? "OK（監査パスから根ハッシュを再計算して一致）" : "不合格") << "\n";
        }
        if (!ok) SetExitCode(1);
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("consistency", "古い木が新しい木の先頭であることの証明（consistency proof）");
    static long long from = 0, to = 0;
    static std::string trusted;
    static bool json = false;
    cmd->add_option("--from", from, "古い木の大きさ（--trusted-head がないとき）");
    cmd->add_option("--trusted-head", trusted, "監査人が保存したツリーヘッド（`ledger head` の出力・以前の書き出し・立会いファイルの最後）");
    cmd->add_option("--to", to, "新しい木の大きさ（既定: 最新の署名付きツリーヘッド）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_flag("--json", json, "JSON で出力する");
    cmd->callback([] {
      Guard([] {
        if (from < 0 || to < 0) throw store::Error("E-LEDGER-015", "--from と --to には 0 以上の数を指定してください。");
        if (trusted.empty() == (from == 0))
          throw store::Error("E-LEDGER-015", "古い木は --trusted-head（監査人が保存したツリーヘッド）か --from（大きさ）のどちらか一方で指定してください。");
        LedgerSession s(db);
        // The old root to hold the proof to: the one the auditor kept, never
        // one this log computes for itself (that would prove nothing).
        std::optional<ledger::KeptHead> kept;
        if (!trusted.empty()) {
          kept = KeptHeadsFrom({trusted}).back();
          from = static_cast<long long>(kept->size);
          const auto size = static_cast<long long>(s.log->size());
          if (from > size)
            throw store::Error("E-LEDGER-120", "保存されたツリーヘッドは " + std::to_string(from) + " 件ですが、今の証跡は " +
                                                   std::to_string(size) + " 件しかありません。証跡が縮んでいます（保存された後にエントリが削除されています）。");
        }
        auto c = s.log->ProveConsistency(static_cast<std::uint64_t>(from), static_cast<std::uint64_t>(to));
        const ledger::Hash given = kept ? kept->root : c.from_root;
        bool ok = ledger::VerifyConsistency(c.from, c.to, given, c.to_root, c.proof);
        const bool rewritten = kept && kept->root != c.from_root;
        if (rewritten) ok = false;
        if (json) {
          nlohmann::json proof = nlohmann::json::array();
          for (const auto& h : c.proof) proof.push_back(ledger::Hex(h));
          nlohmann::json out{{"from", c.from}, {"to", c.to}, {"from_root", ledger::Hex(given)},
                             {"computed_from_root", ledger::Hex(c.from_root)}, {"to_root", ledger::Hex(c.to_root)},
                             {"proof", proof}, {"verified", ok}, {"trusted", kept.has_value()}};
          std::cout << out.dump() << "\n";
        } else {
          std::cout << "整合性の証明: " << c.from << " 件の木 → " << c.to << " 件の木\n";
          if (kept) {
            std::cout << "  古い根（" << kept->source << " に保存されたもの）: " << ledger::Hex(given) << "\n"
                      << "  古い根（今の証跡から計算したもの）: " << ledger::Hex(c.from_root)
                      << (rewritten ? "  ← 一致しません" : "  （一致）") << "\n";
          } else {
            std::cout << "  古い根（今の証跡から計算したもの）: " << ledger::Hex(c.from_root) << "\n";
          }
          std::cout << "  新しい根: " << ledger::Hex(c.to_root) << "\n"
                    << "  証明（" << c.proof.size() << " 個）:\n";
          for (const auto& h : c.proof) std::cout << "    " << ledger::Hex(h) << "\n";
          if (rewritten)
            std::cout << "  検証: 不合格 — 保存された根と違います。保存された後に、エントリ #0〜#" << c.from - 1
                      << " のどこかが書き換えられたか、削除・挿入されています。\n";
          else if (!ok)
            std::cout << "  検証: 不合格\n";
          else if (kept)
            std::cout << "  検証: OK（保存されたツリーヘッドの木は、今の木の先頭のまま、書き換えられていません）\n";
          else
            std::cout << "  検証: 証明は今の証跡の中で整合しています。ただし古い根はこの証跡から計算したもので、"
                         "書き換えられていないことの証明にはなりません。監査人が保存したツリーヘッドと比べるには --trusted-head を使ってください。\n";
        }
        if (!ok) SetExitCode(1);
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("witness", "新しい署名付きツリーヘッドを立会いファイルに追記する（別の機械・部署・印刷で保管）");
    static std::string out;
    cmd->add_option("--out,-o", out, "立会いファイル（なければ作る）")->required();
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        std::string text;
        std::vector<ledger::KeptHead> had;
        if (fs::exists(out)) {
          std::ifstream in(out, std::ios::binary);
          text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
          if (!text.starts_with(ledger::kWitnessMagic))
            throw store::Error("E-LEDGER-031", "「" + out + "」は立会いファイルではありません（1行目が「" +
                                                   std::string(ledger::kWitnessMagic) + "」ではありません）。別のファイル名を指定してください。");
          had = ledger::ReadKeptHeads(text, out);
        } else {
          text = std::string(ledger::kWitnessMagic) + "\n";
        }
        // The operator's copy of the file could have been changed too; the
        // log is checked against every witnessed head before more are added,
        // so that a witness never vouches for a rewritten log.
        LedgerSession s(db);
        std::string how;
        auto key = TrustedKey(db, "", *s.store, how);
        if (!had.empty()) {
          auto r = s.log->Verify(key, {}, had);
          for (const auto& p : r.problems)
            if (p.code == "E-LEDGER-120" || p.code == "E-LEDGER-121" || p.code == "E-LEDGER-122") {
              std::cout << "立会いファイルの記録と証跡が一致しないため、追記しません。\n  " << p.code << ": " << p.message << "\n";
              SetExitCode(1);
              return;
            }
        }
        const std::uint64_t last = had.empty() ? 0 : std::max_element(had.begin(), had.end(), [](const auto& a, const auto& b) {
                                                          return a.size < b.size;
                                                        })->size;
        long long added = 0;
        std::optional<ledger::TreeHead> newest;
        for (const auto& h : s.log->Heads()) {
          if (h.size <= last) continue;
          text += ledger::HeadLine(h) + "\n";
          ++added;
          newest = h;
        }
        if (!added) {
          std::cout << "新しい署名付きツリーヘッドはありません（立会いファイルは大きさ " << last << " まで記録済み）。\n";
          return;
        }
        // Replacing the file with itself plus the new lines, atomically.
        output::WriteFile(out, text, {true, output::StoreFiles(db)});
        std::cout << "署名付きツリーヘッド " << added << " 件を " << out << " に追記しました（最新: " << newest->size << " 件、"
                  << ledger::SignedTime(*newest) << "、根 " << Short(ledger::Hex(newest->root)) << "）。\n"
                  << "このファイルを運用者の手の届かない所に保管し、監査では `mamori ledger verify --witness " << out << "` で確かめてください。\n";
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("rotate-key", "署名鍵を新しい鍵に替える（交換は古い鍵で署名して記録する）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        LedgerSession s(db);
        const char* user = std::getenv("USER");
        auto r = s.log->RotateKey(user ? user : "mamori");
        std::cout << "署名鍵を替えました（証跡 #" << r.seq << " に記録し、古い鍵で署名しました）。\n"
                  << "  古い公開鍵: ed25519:" << ledger::KeyHex(r.old_key) << "\n"
                  << "  新しい公開鍵: ed25519:" << ledger::KeyHex(r.new_key) << "\n"
                  << "  新しい鍵: " << ledger::KeyPathFor(db) << "（今すぐ控えを取ってください。docs/ledger.md）\n"
                  << "  古い鍵: " << r.retired_path << " に移しました。控えを確かめたら、安全に破棄してください。\n"
                  << "監査人が持っている最初の公開鍵のままで、交換の前後を通して検証できます。\n";
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("export", "証跡を書き出す（監査人が公開鍵だけで検証できる形式）");
    static std::string out;
    static long long size = 0;
    static bool force = false;
    cmd->add_option("--out,-o", out, "書き出すファイル")->required();
    cmd->add_flag("--force", force, "既にあるファイルを置き換える（データベースと鍵は置き換えない）");
    cmd->add_option("--size", size, "この大きさの署名付きツリーヘッドまで（既定: 最新）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        output::AtomicFile f(out, {force, output::StoreFiles(db)});  // checked before the store is opened
        LedgerSession s(db);
        s.log->Export(f.stream(), static_cast<std::uint64_t>(std::max(0LL, size)));
        f.Commit();
        std::cerr << "証跡を " << out << " に書き出しました。検証: mamori ledger verify --export " << out
                  << " --pubkey 公開鍵ファイル\n";
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("pubkey", "署名の公開鍵を書き出す（監査人に渡す）");
    static std::string out;
    static bool force = false;
    cmd->add_option("--out,-o", out, "書き出すファイル（省略時は標準出力）");
    cmd->add_flag("--force", force, "既にあるファイルを置き換える（データベースと鍵は置き換えない）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        LedgerSession s(db);
        std::string how;
        auto key = TrustedKey(db, "", *s.store, how);
        std::string line = "ed25519:" + ledger::KeyHex(key) + "\n";
        if (out.empty()) {
          std::cout << line;
        } else {
          output::WriteFile(out, line, {force, output::StoreFiles(db)});
          std::cerr << "公開鍵を " << out << " に書き出しました。\n";
        }
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("archive", "保存期間（パックの [evidence]）を過ぎたエントリを保管ファイルへ移す");
    static std::string out, today;
    static bool force = false;
    cmd->add_option("--out,-o", out, "保管ファイル（書き出しと同じ形式）")->required();
    cmd->add_flag("--force", force, "既にあるファイルを置き換える（データベースと鍵は置き換えない）");
    cmd->add_option("--today", today, "基準日（既定: 今日、JST）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(db);
        auto period = policy::EvidenceRetention(b.pack);
        if (!period) {
          std::cout << "証跡の保存期間がパックで未設定のため、すべて保存します。保管するものはありません。\n";
          return;
        }
        std::string date = today.empty() ? store::NowJst().substr(0, 10) : today;
        std::string cutoff = policy::DateBefore(date, *period) + "T00:00:00+09:00";
        std::string how;
        auto key = TrustedKey(db, "", *b.store, how);
        const char* user = std::getenv("USER");
        auto a = b.ledger->Archive(out, cutoff, key, user ? user : "mamori", {force, output::StoreFiles(db)});
        if (a.dropped == 0) {
          std::cout << cutoff << " より前に確定した、まだ保管していないエントリはありません。\n";
          return;
        }
        std::cout << "エントリ #0〜#" << a.upto - 1 << " を " << out << " に保管し（検証済み、SHA-256 " << Short(a.file_sha256)
                  << "）、データベースでは本文 " << a.dropped << " 件を外して葉ハッシュだけを残しました。\n";
      });
    });
  }
}

}  // namespace mamori::cli
