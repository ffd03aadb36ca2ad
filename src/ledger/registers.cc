// See registers.h. The comparison is of bytes: a history row rebuilds its
// entry exactly (entry.h), so a live log is checked with one memcmp per
// change and an archived one with one hash. JSON is parsed only to explain a
// difference once one is found.
#include "ledger/registers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "ledger/entry.h"
#include "ledger/merkle.h"

namespace mamori::ledger {
namespace {

std::string N(long long v) { return std::to_string(v); }

bool IsChange(std::string_view entry) {
  const std::string_view k = EnvelopeKind(entry);
  return k == "register" || k == "pack" || k == "case";
}

std::optional<std::string> Rebuild(const store::HistoryRow& h) {
  try {
    std::string data, entry;
    AppendChangeData(data, h.kind, h.id, h.before, h.after, h.command);
    AppendEnvelope(entry, ChangeKind(h.kind), data, h.actor, h.at, static_cast<unsigned long long>(h.log_seq));
    return entry;
  } catch (const std::exception&) {
    return std::nullopt;  // not even JSON: certainly not what mamori wrote
  }
}

nlohmann::json ParseRow(const std::optional<std::string_view>& row) {
  if (!row) return nullptr;
  auto j = nlohmann::json::parse(row->begin(), row->end(), nullptr, false);
  return j.is_discarded() ? nlohmann::json(std::string(*row)) : j;
}

std::string Shown(const nlohmann::json& v) {
  if (v.is_null()) return "（なし）";
  if (v.is_string()) return "「" + v.get<std::string>() + "」";
  return v.dump();
}

// One Problem per column that differs between two versions of a row.
// `base` says where the row is and what happened to it.
// `live_is` names where the other value was found (the history, the live row).
void ColumnDiffs(const std::function<void(Problem)>& add, const std::string& code, const std::string& base,
                 long long seq, std::string_view reg, std::string_view id, const nlohmann::json& logged,
                 const nlohmann::json& live, const char* live_is) {
  auto one = [&](const std::string& column, const nlohmann::json& a, const nlohmann::json& b) {
    Problem p;
    p.code = code;
    p.seq = seq;
    p.reg = std::string(reg);
    p.id = std::string(id);
    p.column = column;
    p.logged = a.is_null() ? "" : a.is_string() ? a.get<std::string>() : a.dump();
    p.live = b.is_null() ? "" : b.is_string() ? b.get<std::string>() : b.dump();
    p.message = base + (column.empty() ? "" : "列「" + column + "」") + " 証跡: " + Shown(a) + "、" + live_is + ": " + Shown(b) + "。";
    add(std::move(p));
  };
  if (logged.is_object() && live.is_object()) {
    std::set<std::string> keys;
    for (auto it = logged.begin(); it != logged.end(); ++it) keys.insert(it.key());
    for (auto it = live.begin(); it != live.end(); ++it) keys.insert(it.key());
    bool any = false;
    for (const auto& k : keys) {
      const nlohmann::json a = logged.contains(k) ? logged[k] : nlohmann::json(), b = live.contains(k) ? live[k] : nlohmann::json();
      if (a != b) one(k, a, b), any = true;
    }
    if (any) return;
  }
  one("", logged, live);
}

Problem At(std::string code, std::string message, long long seq, std::string_view reg, std::string_view id) {
  Problem p;
  p.code = std::move(code);
  p.message = std::move(message);
  p.seq = seq;
  p.reg = std::string(reg);
  p.id = std::string(id);
  return p;
}

std::string Where(std::string_view reg, std::string_view id) {
  return "台帳「" + std::string(reg) + "」の ID「" + std::string(id) + "」";
}

}  // namespace

void RegisterCheck::Entries(std::span<const LoggedEntry> entries) {
  if (entries.empty()) return;
  const long long from = entries.front().seq, to = entries.back().seq + 1;
  std::vector<long long> claimed;
  store_.HistoryByLog(from, to, [&](const store::HistoryRow& h) {
    const std::string where = Where(h.kind, h.id);
    if (h.log_seq == last_claimed_) {
      add_(At("E-LEDGER-112", where + "の変更の履歴が、証跡 #" + N(h.log_seq) + " を別の履歴と二重に指しています（mamori の外で追加された履歴）。",
              h.log_seq, h.kind, h.id));
      return;
    }
    last_claimed_ = h.log_seq;
    auto e = std::lower_bound(entries.begin(), entries.end(), h.log_seq,
                              [](const LoggedEntry& x, long long s) { return x.seq < s; });
    if (e == entries.end() || e->seq != h.log_seq) return;  // the entry itself is missing: reported by the walk
    claimed.push_back(h.log_seq);
    const auto rebuilt = Rebuild(h);
    if (e->body && rebuilt && *rebuilt == *e->body) return;
    if (e->leaf && !e->body && rebuilt && LeafHash(*rebuilt) == *e->leaf) return;
    // Reported here; the chain and the live row would only echo it.
    tampered_.insert(std::string(h.kind) + '\0' + std::string(h.id));
    if (e->body) {
      if (!IsChange(*e->body)) {
        add_(At("E-LEDGER-112", where + "の変更の履歴が指す証跡 #" + N(h.log_seq) + " は台帳の変更ではありません（mamori の外で書き換えられた履歴）。",
                h.log_seq, h.kind, h.id));
        return;
      }
      // Explain the difference: field by field, then column by column.
      auto logged = nlohmann::json::parse(*e->body, nullptr, false);
      const auto& d = logged.is_object() && logged.contains("data") ? logged["data"] : nlohmann::json();
      const std::string base = where + "の履歴（証跡 #" + N(h.log_seq) + "）が mamori の外で書き換えられています。";
      bool told = false;
      auto field = [&](const char* label, const nlohmann::json& a, std::string_view b) {
        if (a.is_string() && a.get<std::string>() == b) return;
        ColumnDiffs(add_, "E-LEDGER-111", base + label, h.log_seq, h.kind, h.id, a, nlohmann::json(std::string(b)), "履歴");
        told = true;
      };
      if (d.is_object()) {
        field("台帳名", d.value("register", nlohmann::json()), h.kind);
        field("ID", d.value("id", nlohmann::json()), h.id);
        field("コマンド", d.value("command", nlohmann::json()), h.command);
        field("実行者", logged.value("actor", nlohmann::json()), h.actor);
        field("日時", logged.value("at", nlohmann::json()), h.at);
        const auto after = ParseRow(h.after), before = ParseRow(h.before);
        if (d.value("after", nlohmann::json()) != after) {
          ColumnDiffs(add_, "E-LEDGER-111", base + "変更後の", h.log_seq, h.kind, h.id, d.value("after", nlohmann::json()), after, "履歴");
          told = true;
        }
        if (d.value("before", nlohmann::json()) != before) {
          ColumnDiffs(add_, "E-LEDGER-111", base + "変更前の", h.log_seq, h.kind, h.id, d.value("before", nlohmann::json()), before, "履歴");
          told = true;
        }
      }
      if (!told) add_(At("E-LEDGER-111", base, h.log_seq, h.kind, h.id));
    } else {
      add_(At("E-LEDGER-111", where + "の履歴（保管済みの証跡 #" + N(h.log_seq) +
                                  "）が、保管時の葉ハッシュと一致しません（mamori の外で書き換えられた履歴）。",
              h.log_seq, h.kind, h.id));
    }
  });
  // A change in the log that no history row names: its row was deleted.
  std::size_t c = 0;
  for (const auto& e : entries) {
    while (c < claimed.size() && claimed[c] < e.seq) ++c;
    if (c < claimed.size() && claimed[c] == e.seq) continue;
    if (!e.body || !IsChange(*e.body)) continue;
    auto logged = nlohmann::json::parse(*e.body, nullptr, false);
    const auto d = logged.is_object() ? logged.value("data", nlohmann::json()) : nlohmann::json();
    const std::string reg = d.is_object() ? d.value("register", "") : "", id = d.is_object() ? d.value("id", "") : "";
    add_(At("E-LEDGER-113", Where(reg, id) + "の変更（証跡 #" + N(e.seq) + "）の履歴が、データベースにありません（mamori の外で削除された履歴）。",
            e.seq, reg, id));
  }
}

void RegisterCheck::Finish(long long log_size) {
  store_.HistoryUnlogged(log_size, [&](const store::HistoryRow& h) {
    add_(At("E-LEDGER-114", Where(h.kind, h.id) + "の変更の履歴（" + std::string(h.at) +
                                "）に対応する証跡がありません（mamori の外で追加された履歴）。",
            -1, h.kind, h.id));
  });
  // Each row's changes in order, with its live value beside: a broken chain
  // is a change made outside mamori and later overwritten by one made inside.
  struct Last {
    std::string kind, id;
    std::optional<std::string> after, live;
    long long log_seq = -1;
    bool any = false;
  } last;
  auto close = [&] {
    if (!last.any || last.after == last.live || tampered_.count(last.kind + '\0' + last.id)) return;
    const std::string where = Where(last.kind, last.id);
    const auto view = [](const std::optional<std::string>& s) {
      return s ? std::optional<std::string_view>(*s) : std::nullopt;
    };
    if (!last.live) {
      Problem p = At("E-LEDGER-116", where + "の行が、mamori の外で削除されています（証跡 #" + N(last.log_seq) + " の後）。",
                     last.log_seq, last.kind, last.id);
      p.logged = *last.after;
      add_(std::move(p));
      return;
    }
    ColumnDiffs(add_, "E-LEDGER-116", where + "の現在の行が、証跡の最後の変更（#" + N(last.log_seq) + "）と違います（mamori の外での変更）。",
                last.log_seq, last.kind, last.id, ParseRow(view(last.after)), ParseRow(view(last.live)), "現在の行");
  };
  store_.HistoryByRow([&](const store::HistoryRow& h, const std::optional<std::string_view>& live) {
    const bool same_row = last.any && last.kind == h.kind && last.id == h.id;
    if (!same_row) {
      close();
      last.kind = std::string(h.kind);
      last.id = std::string(h.id);
      last.live = live ? std::optional<std::string>(std::string(*live)) : std::nullopt;
      last.after.reset();
      last.any = true;
    }
    const std::optional<std::string_view> prev = last.after ? std::optional<std::string_view>(*last.after) : std::nullopt;
    if (prev != h.before && !tampered_.count(last.kind + '\0' + last.id)) {
      ColumnDiffs(add_, "E-LEDGER-115",
                  Where(h.kind, h.id) + "は、" + (same_row ? "証跡 #" + N(last.log_seq) + " と " : std::string("最初の変更") + "") +
                      "証跡 #" + N(h.log_seq) + (same_row ? " の間に" : " の前に") + " mamori の外で変更されています。",
                  h.log_seq, h.kind, h.id, ParseRow(prev), ParseRow(h.before), "次の変更の変更前");
    }
    last.after = h.after ? std::optional<std::string>(std::string(*h.after)) : std::nullopt;
    last.log_seq = h.log_seq;
  });
  close();
  store_.RowsWithoutHistory([&](std::string_view kind, std::string_view id, std::string_view data) {
    ColumnDiffs(add_, "E-LEDGER-116", Where(kind, id) + "の行は、証跡に記録がありません（mamori の外で追加された行）。", -1,
                kind, id, nlohmann::json(), ParseRow(data), "現在の行");
  });
}

}  // namespace mamori::ledger
