// `mamori ledger head | verify | prove | consistency | export | pubkey | archive`:
// the evidence log, for the people who run mamori and for an auditor holding
// only an export and the public key (docs/ledger.md).
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "output/output.h"
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
    return k;
  }
  auto recorded = s.GetMeta("ledger_pubkey");
  auto k = recorded ? ledger::ParsePublicKey(*recorded) : std::nullopt;
  if (!k) {
    throw store::Error("E-LEDGER-021", "検証に使う公開鍵がありません。--pubkey で `mamori ledger pubkey` が書き出したファイルを指定してください。");
  }
  how = "データベースに記録された公開鍵（データベースごと差し替えられると見抜けません。監査では --pubkey を使ってください）";
  return *k;
}

std::string Short(const std::string& hex) { return hex.substr(0, 16) + "…"; }

void PrintReport(const ledger::Report& r, const std::string& how) {
  std::cout << "公開鍵: " << how << "\n";
  if (r.ok()) {
    std::cout << "検証: OK — エントリ " << r.entries << " 件";
    if (r.archived) std::cout << "（うち保管済み " << r.archived << " 件は葉ハッシュで確認）";
    std::cout << "、署名付きツリーヘッド " << r.heads << " 件。すべて計算し直して一致しました。\n";
    if (r.latest) {
      std::cout << "最新のツリーヘッド: " << r.latest->size << " 件、" << r.latest->at << "、根 " << ledger::Hex(r.latest->root)
                << "\n";
    }
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
  static std::string db = std::getenv("MAMORI_DB") ? std::getenv("MAMORI_DB") : "mamori.db";
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
        auto key = TrustedKey(db, "", *s.store, how);
        bool valid = ledger::SignatureValid(*h, key);
        if (json) {
          std::cout << nlohmann::json{{"size", h->size},
                                      {"timestamp", h->timestamp_ms},
                                      {"at", h->at},
                                      {"root", ledger::Hex(h->root)},
                                      {"signature", ledger::HexOf(h->signature)},
                                      {"pubkey", "ed25519:" + ledger::KeyHex(key)},
                                      {"signature_valid", valid}}
                           .dump()
                    << "\n";
        } else {
          std::cout << "署名付きツリーヘッド（RFC 9162 / Ed25519）\n"
                    << "  エントリ数: " << h->size << "\n"
                    << "  時刻: " << h->at << "\n"
                    << "  根ハッシュ: " << ledger::Hex(h->root) << "\n"
                    << "  公開鍵: ed25519:" << ledger::KeyHex(key) << "\n"
                    << "  署名: " << (valid ? "有効" : "無効（この公開鍵では検証できません）") << "\n";
        }
        if (!valid) SetExitCode(1);
      });
    });
  }
  {
    auto* cmd = top->add_subcommand("verify", "証跡をすべて計算し直して検証する（最初の不正なエントリを示す）");
    static std::string pubkey, export_file;
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_option("--pubkey", pubkey, "信頼する公開鍵のファイル（`mamori ledger pubkey` の出力）");
    cmd->add_option("--export", export_file, "データベースではなく、書き出したファイルを検証する（--pubkey が必要）");
    cmd->callback([] {
      Guard([] {
        if (!export_file.empty()) {
          if (pubkey.empty()) throw store::Error("E-LEDGER-022", "書き出しの検証には --pubkey で公開鍵のファイルを指定してください。");
          auto key = ledger::ReadPublicKeyFile(pubkey);
          std::ifstream in(export_file, std::ios::binary);
          if (!in) throw store::Error("E-LEDGER-023", "書き出しファイル「" + export_file + "」を開けません。");
          std::cout << "書き出し: " << export_file << "\n";
          PrintReport(ledger::VerifyExport(in, key), "公開鍵ファイル " + pubkey);
          return;
        }
        LedgerSession s(db);
        std::string how;
        auto key = TrustedKey(db, pubkey, *s.store, how);
        auto report = s.log->Verify(key, [](long long done, long long total) {
          std::cerr << "検証中… " << done << " / " << total << " 件\n";
        });
        PrintReport(report, how);
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
          std::cout << out.dump() << "\n";
        } else {
          std::cout << "エントリ #" << p.seq << "（大きさ " << p.size << " の木）\n";
          if (p.entry) std::cout << "  内容: " << *p.entry << "\n";
          else std::cout << "  内容: 保管済み（アーカイブの書き出しにあります）\n";
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
    static bool json = false;
    cmd->add_option("--from", from, "古い木の大きさ")->required();
    cmd->add_option("--to", to, "新しい木の大きさ（既定: 最新の署名付きツリーヘッド）");
    cmd->add_option("--db", db, "データベースのファイル");
    cmd->add_flag("--json", json, "JSON で出力する");
    cmd->callback([] {
      Guard([] {
        if (from < 0 || to < 0) throw store::Error("E-LEDGER-015", "--from と --to には 0 以上の数を指定してください。");
        LedgerSession s(db);
        auto c = s.log->ProveConsistency(static_cast<std::uint64_t>(from), static_cast<std::uint64_t>(to));
        bool ok = ledger::VerifyConsistency(c.from, c.to, c.from_root, c.to_root, c.proof);
        if (json) {
          nlohmann::json proof = nlohmann::json::array();
          for (const auto& h : c.proof) proof.push_back(ledger::Hex(h));
          std::cout << nlohmann::json{{"from", c.from}, {"to", c.to}, {"from_root", ledger::Hex(c.from_root)},
                                      {"to_root", ledger::Hex(c.to_root)}, {"proof", proof}, {"verified", ok}}
                           .dump()
                    << "\n";
        } else {
          std::cout << "整合性の証明: " << c.from << " 件の木 → " << c.to << " 件の木\n"
                    << "  古い根: " << ledger::Hex(c.from_root) << "\n  新しい根: " << ledger::Hex(c.to_root) << "\n"
                    << "  証明（" << c.proof.size() << " 個）:\n";
          for (const auto& h : c.proof) std::cout << "    " << ledger::Hex(h) << "\n";
          std::cout << "  検証: " << (ok ? "OK（古い木は新しい木の先頭のまま、書き換えられていません）" : "不合格") << "\n";
        }
        if (!ok) SetExitCode(1);
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
