// `mamori account …` and `mamori token …`: who may log in to the server and
// which systems may call it, issued by mamori's own 情報システム管理者
// (src/server/accounts.h). The CLI is where an account starts: the first
// password is printed here once, for its holder to change at first login.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/guard.h"
#include "registry/binding.h"
#include "server/accounts.h"
#include "server/hooks.h"

namespace mamori::cli {
namespace {

using Json = nlohmann::json;

std::string g_adb = DefaultDb();
const std::string g_aactor = std::getenv("USER") ? std::getenv("USER") : "mamori";

// `mamori totp require|roles` and `mamori editors set|list`: the roles an
// installation names for one purpose (server::SetInstallationRoles).
struct RolesCommand {
  const char* name;
  const char* help;
  const char* set, *set_help;
  const char* list, *list_help;
  const char* what;   // the installation row
  const char* title;  // what `set` prints before the roles
  const char* none;   // what `list` prints when none are named
};
void AddRolesCommands(CLI::App& app, const RolesCommand& rc) {
  auto* top = app.add_subcommand(rc.name, rc.help);
  top->require_subcommand(1);
  {
    auto* cmd = top->add_subcommand(rc.set, rc.set_help);
    auto roles = std::make_shared<std::vector<std::string>>();
    auto as = std::make_shared<std::string>();
    cmd->add_option("ROLE", *roles, "役割（id・名前・略称。いくつでも）")->required();
    cmd->add_option("--as", *as, "定める人（mamori の情報システムの情報システム管理者）の職員番号")->required();
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([rc, roles, as] {
      Guard([&] {
        auto b = registry::Open(g_adb);
        server::SetInstallationRoles(*b.store, b.pack, rc.what, *roles, *as, g_aactor);
        std::cout << rc.title << ": ";
        for (const auto& r : server::InstallationRoles(*b.store, rc.what)) std::cout << r << " ";
        std::cout << "\n";
      });
    });
  }
  auto* cmd = top->add_subcommand(rc.list, rc.list_help);
  cmd->add_option("--db", g_adb, "データベースのファイル");
  cmd->callback([rc] {
    Guard([&] {
      auto b = registry::Open(g_adb);
      const auto roles = server::InstallationRoles(*b.store, rc.what);
      if (roles.empty()) std::cout << rc.none << "\n";
      for (const auto& r : roles) std::cout << r << "\n";
    });
  });
}

}  // namespace

void AddAccountCommands(CLI::App& app) {
  auto* account = app.add_subcommand("account", "mamori serve にログインする人のアカウント（発行・一覧）");
  account->require_subcommand(1);
  {
    auto* cmd = account->add_subcommand("issue", "アカウントを発行する（再発行はロックを解く）。仮のパスワードを一度だけ示す");
    static std::vector<std::string> people;
    static std::string as;
    cmd->add_option("PERSON", people, "職員番号（いくつでも）")->required();
    cmd->add_option("--as", as, "発行する人（mamori の情報システムの情報システム管理者）の職員番号")->required();
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        for (const auto& p : people) {
          const std::string password = server::IssueAccount(*b.store, b.pack, p, as, g_aactor);
          std::cout << p << "\t" << password << "\t（仮のパスワード。最初のログインで変えてもらう）\n";
        }
      });
    });
  }
  {
    auto* cmd = account->add_subcommand("list", "アカウントと、その状態（仮のパスワード・ロック）");
    static bool json = false;
    cmd->add_flag("--json", json, "JSON で出力する");
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        Json out = Json::array();
        for (const auto& r : b.store->List("server_accounts")) {
          Json a = Json::parse(r.data);
          a.erase("hash");  // never shown, even to the administrator
          out.push_back(a);
          if (!json)
            std::cout << a.value("id", "") << "\t" << a.value("name", "") << "\t"
                      << (a.value("locked", false) ? "ロック中" : a.value("temporary", false) ? "仮のパスワード" : "使用中") << "\t発行 "
                      << a.value("issued_at", "") << "（" << a.value("issued_by", "") << "）\n";
        }
        if (json) std::cout << out.dump() << "\n";
      });
    });
  }

  auto* token = app.add_subcommand("token", "システムが mamori serve を呼ぶための API トークン（発行・失効・一覧）");
  token->require_subcommand(1);
  {
    auto* cmd = token->add_subcommand("issue", "トークンを発行する。秘密は一度だけ示す");
    static std::string name, as;
    static std::vector<std::string> scopes;
    cmd->add_option("--name", name, "つなぐシステムの名前（例: USB制御）")->required();
    cmd->add_option("--scope", scopes, "範囲: decide、read（全台帳を読む）、read:台帳の id（例: read:assets）")->required();
    cmd->add_option("--as", as, "発行する人（mamori の情報システムの情報システム管理者）の職員番号")->required();
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        std::cout << server::IssueToken(*b.store, b.pack, name, scopes, as, g_aactor) << "\n";
        std::cerr << "このトークンは二度と表示されません。つなぐシステムの設定に保管してください。\n";
      });
    });
  }
  {
    auto* cmd = token->add_subcommand("revoke", "トークンを失効させる");
    static std::string id, as;
    cmd->add_option("ID", id, "トークンの id（mamori token list）")->required();
    cmd->add_option("--as", as, "失効させる人（mamori の情報システムの情報システム管理者）の職員番号")->required();
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        server::RevokeToken(*b.store, b.pack, id, as, g_aactor);
        std::cout << "トークン " << id << " を失効させました。\n";
      });
    });
  }
  AddRolesCommands(app, {"totp", "二要素目（TOTP）を必須とする役割", "require", "この役割にある人に TOTP を必須とする（置き換える）",
                          "roles", "TOTP を必須とする役割", server::kTotpRoles, "TOTP を必須とする役割",
                          "未設定: TOTP を必須とする役割はありません（mamori totp require 役割 --as 管理者）。"});
  AddRolesCommands(app, {"editors", "API で台帳を編集する（ブックを取り込む）役割", "set",
                          "この役割にある人が API で台帳を取り込めるようにする（置き換える）", "list",
                          "API で台帳を編集する役割（定めがなければ誰も編集しない）", server::kRegisterEditors,
                          "API で台帳を編集する役割", "未設定: 誰も API で台帳を編集しません（mamori editors set 役割 --as 管理者）。"});

  auto* hook = app.add_subcommand("hook", "案件の出来事をメールやチャットへ渡すフック（追加・一覧・削除・送信）");
  hook->require_subcommand(1);
  {
    auto* cmd = hook->add_subcommand("add", "フックを加える（これから起きる出来事から届ける）");
    static std::string event, command, url, as;
    cmd->add_option("--event", event, "出来事: case.*、case.open、case.approve、case.record、case.reject、case.return、case.resubmit、case.withdraw、case.confirm、case.note")->required();
    cmd->add_option("--command", command, "実行するコマンド（/bin/sh で。出来事の JSON を標準入力に、種類を MAMORI_EVENT に）");
    cmd->add_option("--url", url, "出来事の JSON を POST する URL（http:// か https://）");
    cmd->add_option("--as", as, "加える人（mamori の情報システムの情報システム管理者）の職員番号")->required();
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        const auto h = server::AddHook(*b.store, b.pack, event, command, url, as, g_aactor);
        std::cout << "フック " << h.id << " を加えました（" << h.event << " → " << (h.command.empty() ? h.url : h.command) << "）。\n";
      });
    });
  }
  {
    auto* cmd = hook->add_subcommand("remove", "フックを削除する");
    static std::string id, as;
    cmd->add_option("ID", id, "フックの id（mamori hook list）")->required();
    cmd->add_option("--as", as, "削除する人（mamori の情報システムの情報システム管理者）の職員番号")->required();
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        server::RemoveHook(*b.store, b.pack, id, as, g_aactor);
        std::cout << "フック " << id << " を削除しました。\n";
      });
    });
  }
  {
    auto* cmd = hook->add_subcommand("list", "フック");
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        for (const auto& h : server::Hooks(*b.store))
          std::cout << h.id << "\t" << h.event << "\t" << (h.command.empty() ? h.url : h.command) << "\t追加 " << h.added_at << "（"
                    << h.added_by << "）\n";
      });
    });
  }
  {
    auto* cmd = hook->add_subcommand("deliver", "まだ届けていない出来事を今届ける（mamori serve は毎秒届ける）");
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        server::Notifier n(*b.store, [] { return std::unique_lock<std::mutex>(); });
        std::cout << n.DeliverPending() << " 件を届けました。\n";
      });
    });
  }
  {
    auto* cmd = token->add_subcommand("list", "トークン（秘密は示さない）");
    cmd->add_option("--db", g_adb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_adb);
        for (const auto& t : server::Tokens(*b.store)) {
          std::string scopes;
          for (const auto& s : t.scopes) scopes += (scopes.empty() ? "" : ",") + s;
          std::cout << t.id << "\t" << t.name << "\t" << scopes << "\t発行 " << t.issued_at << "（" << t.issued_by << "）"
                    << (t.revoked_at.empty() ? "" : "\t失効 " + t.revoked_at) << "\n";
        }
      });
    });
  }
}

}  // namespace mamori::cli
