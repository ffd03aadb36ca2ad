// `mamori param list | set`: the values the text leaves to their owners (the
// 実施手順's numbers), listed with who sets each, and set by them only.
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/guard.h"
#include "registry/binding.h"
#include "registry/registry.h"

namespace mamori::cli {
namespace {

using Json = nlohmann::json;

std::string g_pdb = DefaultDb();
const std::string g_pactor = std::getenv("USER") ? std::getenv("USER") : "mamori";

std::string RoleName(const policy::Pack& pack, const std::string& id) {
  for (const auto& r : pack.roles)
    if (r.id == id) return r.name;
  return id;
}

Json ParamJson(const policy::Pack& pack, const policy::Parameter& p) {
  std::vector<std::string> cites;
  for (const auto& c : p.cite) cites.push_back(c.ref);
  Json j = {{"id", p.id},           {"name", p.name},   {"unit", p.unit},   {"owner", p.owner}, {"owner_name", RoleName(pack, p.owner)},
            {"source", p.source},   {"cite", cites},    {"value", p.value ? Json(*p.value) : Json(nullptr)}};
  if (!p.enforced.empty()) j["enforced"] = p.enforced;
  if (!p.set_by.empty()) j["set"] = Json::parse(p.set_by, nullptr, false);
  return j;
}

}  // namespace

void AddParamCommands(CLI::App& app) {
  auto* param = app.add_subcommand("param", "実施手順などに委ねられた値（パラメータ）を示し、定める者が定める");
  param->require_subcommand(1);
  {
    auto* cmd = param->add_subcommand("list", "パラメータと、その値・定める者・根拠条文");
    static bool unset = false, enforced = false;
    static std::string format = "text";
    cmd->add_flag("--unset", unset, "未設定のものだけ");
    cmd->add_flag("--enforced", enforced, "mamori serve が守らせるものだけ（未設定の間は serve が起動しない）");
    cmd->add_option("--format,-f", format, "text | json | ids（1行に1つの id）")->check(CLI::IsMember({"text", "json", "ids"}));
    cmd->add_option("--db", g_pdb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_pdb);
        Json arr = Json::array();
        for (const auto& p : b.pack.parameters) {
          if ((unset && p.value) || (enforced && p.enforced.empty())) continue;
          if (format == "ids") {
            std::cout << p.id << "\n";
          } else if (format == "json") {
            arr.push_back(ParamJson(b.pack, p));
          } else {
            std::string cites;
            for (const auto& c : p.cite) cites += (cites.empty() ? "" : "、") + c.ref;
            std::cout << p.id << "　" << p.name << "（" << p.unit << "）: " << (p.value ? *p.value : std::string("未設定"));
            if (!p.set_by.empty()) {
              const Json s = Json::parse(p.set_by, nullptr, false);
              if (s.is_object())
                std::cout << "（" << s.value("on", "") << " " << s.value("by", "") << " " << s.value("by_name", "") << " が定めた"
                          << (s.value("demo", false) ? "・デモ用の値" : "") << "）";
            }
            std::cout << "\n    定める者: " << RoleName(b.pack, p.owner) << "　根拠: " << cites
                      << (p.enforced.empty() ? "" : "　mamori serve が守らせる") << "\n";
          }
        }
        if (format == "json") std::cout << Json{{"parameters", arr}}.dump(2) << "\n";
      });
    });
  }
  {
    auto* cmd = param->add_subcommand("set", "パラメータの値を定める（その日に定める者の役割にある人だけ。証跡に残る）");
    static registry::ParameterSet s;
    cmd->add_option("ID", s.id, "パラメータの id（`mamori param list`）")->required();
    cmd->add_option("VALUE", s.value, "値（単位はパラメータのとおり。例: 5、15、1年）")->required();
    cmd->add_option("--as", s.as, "定める人の職員番号（その日に定める者の役割にあること）")->required();
    cmd->add_option("--date", s.date, "定めた日（既定: 今日）");
    cmd->add_option("--reason", s.reason, "根拠（実施手順の条など。証跡に残る）");
    cmd->add_option("--db", g_pdb, "データベースのファイル");
    cmd->callback([] {
      Guard([] {
        auto b = registry::Open(g_pdb);
        s.actor = g_pactor;
        const Json row = registry::SetParameter(*b.store, b.pack, s);
        std::cout << "「" << row.value("name", "") << "」を " << row.value("value", "") << "（" << row.value("unit", "") << "）と定めました: "
                  << row.value("on", "") << " " << row.value("by", "") << " " << row.value("by_name", "") << "（" << row.value("role_name", "")
                  << (row.value("acting", false) ? "・代理" : "") << "）。\n";
      });
    });
  }
}

}  // namespace mamori::cli
