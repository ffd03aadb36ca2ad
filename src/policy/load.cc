// Reading a pack: TOML -> Pack. Only shape is checked here (syntax, required
// keys, types, allowed values, unknown keys); meaning is CheckPack's job.
#include <toml++/toml.h>

#include <algorithm>

#include <filesystem>
#include <set>
#include <sstream>

#include "policy/cites.h"
#include "policy/policy.h"

namespace mamori::policy {
namespace {

namespace fs = std::filesystem;

Source At(const std::string& file, const toml::node& n) {
  return {file, static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
}

// One TOML table being read into an entry. Every key it is asked for is marked
// used; Finish() reports the rest as unknown, since an unknown key in a pack is
// nearly always a misspelt known one.
class Entry {
 public:
  Entry(const toml::table& t, std::string file, std::string what, std::vector<Diagnostic>& errors)
      : t_(t), file_(std::move(file)), what_(std::move(what)), errors_(errors) {}

  Source where() const { return At(file_, t_); }
  const std::string& file() const { return file_; }

  void Error(const std::string& code, const Source& at, const std::string& message) {
    errors_.push_back({code, at, message});
  }

  const toml::node* Node(std::string_view key) {
    used_.insert(std::string(key));
    return t_.get(key);
  }

  std::string Str(std::string_view key, bool required = false) {
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Missing(key, "文字列");
      return "";
    }
    if (auto s = n->value<std::string>()) return *s;
    // Dates and numbers are kept as written: a pack never computes with them.
    if (n->is_date() || n->is_integer() || n->is_floating_point()) {
      std::ostringstream out;
      n->visit([&](auto&& v) {
        if constexpr (toml::is_date<decltype(v)> || toml::is_number<decltype(v)>) out << v;
      });
      return out.str();
    }
    WrongType(*n, key, "文字列");
    return "";
  }

  std::optional<std::string> OptStr(std::string_view key) {
    if (!t_.get(key)) {
      used_.insert(std::string(key));
      return std::nullopt;
    }
    return Str(key);
  }

  bool Bool(std::string_view key, bool fallback = false) {
    const toml::node* n = Node(key);
    if (!n) return fallback;
    if (auto b = n->value<bool>()) return *b;
    WrongType(*n, key, "真偽値（true / false）");
    return fallback;
  }

  std::optional<bool> OptBool(std::string_view key) {
    const toml::node* n = Node(key);
    if (!n) return std::nullopt;
    if (auto b = n->value<bool>()) return *b;
    WrongType(*n, key, "真偽値（true / false）");
    return std::nullopt;
  }

  int Int(std::string_view key, bool required = false) {
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Missing(key, "整数");
      return 0;
    }
    if (auto v = n->value<int64_t>()) return static_cast<int>(*v);
    WrongType(*n, key, "整数");
    return 0;
  }

  std::vector<std::string> StrList(std::string_view key, bool required = false) {
    std::vector<std::string> out;
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Missing(key, "文字列の配列");
      return out;
    }
    if (auto s = n->value<std::string>()) return {*s};  // a lone string is a list of one
    const toml::array* a = n->as_array();
    if (!a) {
      WrongType(*n, key, "文字列の配列");
      return out;
    }
    for (const toml::node& e : *a) {
      if (auto s = e.value<std::string>()) out.push_back(*s);
      else WrongType(e, key, "文字列");
    }
    return out;
  }

  Cites CitesOf(std::string_view key, bool required = false) {
    Cites out;
    const toml::node* n = Node(key);
    if (!n) {
      if (required) Missing(key, "条項の参照（例: \"第27条第2項\"）");
      return out;
    }
    auto take = [&](const toml::node& e) {
      if (auto s = e.value<std::string>()) out.push_back({*s, At(file_, e)});
      else WrongType(e, key, "条項の参照の文字列");
    };
    if (const toml::array* a = n->as_array()) {
      for (const toml::node& e : *a) take(e);
      if (required && a->empty()) Missing(key, "条項の参照");
    } else {
      take(*n);
    }
    return out;
  }

  const toml::table* Table(std::string_view key) {
    const toml::node* n = Node(key);
    if (!n) return nullptr;
    if (const toml::table* t = n->as_table()) return t;
    WrongType(*n, key, "テーブル");
    return nullptr;
  }

  const toml::array* Array(std::string_view key) {
    const toml::node* n = Node(key);
    if (!n) return nullptr;
    if (const toml::array* a = n->as_array()) return a;
    WrongType(*n, key, "テーブルの配列");
    return nullptr;
  }

  // A value from a fixed set (effect, fill kind, cycle …).
  std::string OneOf(std::string_view key, std::initializer_list<std::string_view> allowed,
                    bool required = false) {
    return OneOfRange(key, allowed, required);
  }
  template <typename Range>
  std::string OneOfRange(std::string_view key, const Range& allowed, bool required = false) {
    std::string v = Str(key, required);
    if (v.empty()) return v;
    for (auto a : allowed)
      if (v == std::string_view(a)) return v;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    Error("E-PACK-017", At(file_, *t_.get(key)),
          what_ + " の「" + std::string(key) + "」に使えない値「" + v + "」があります（使える値: " + list + "）。");
    return "";
  }

  std::optional<Effect> EffectOf(std::string_view key, bool required = false) {
    std::string v = OneOf(key, {"permit", "approval", "deny"}, required);
    if (v == "permit") return Effect::kPermit;
    if (v == "approval") return Effect::kApproval;
    if (v == "deny") return Effect::kDeny;
    return std::nullopt;
  }

  void Finish() {
    for (auto&& [k, v] : t_) {
      std::string key(k.str());
      if (used_.count(key)) continue;
      std::string known;
      for (const auto& u : used_) known += (known.empty() ? "" : ", ") + u;
      Error("E-PACK-004", At(file_, v),
            what_ + " に未知のキー「" + key + "」があります。綴りを確認してください（使えるキー: " + known + "）。");
    }
  }

 private:
  void Missing(std::string_view key, std::string_view type) {
    Error("E-PACK-002", where(),
          what_ + " に必須のキー「" + std::string(key) + "」（" + std::string(type) + "）がありません。");
  }
  void WrongType(const toml::node& n, std::string_view key, std::string_view type) {
    Error("E-PACK-002", At(file_, n),
          what_ + " の「" + std::string(key) + "」は" + std::string(type) + "で書いてください。");
  }

  const toml::table& t_;
  std::string file_, what_;
  std::vector<Diagnostic>& errors_;
  std::set<std::string> used_;
};

class Loader {
 public:
  explicit Loader(LoadResult& out) : out_(out), pack_(out.pack) {}

  void File(const std::string& path, const std::string& shown, bool manifest);

 private:
  template <typename F>
  void EachTable(const toml::node& n, const std::string& file, const std::string& kind, F&& f) {
    const toml::array* a = n.as_array();
    if (!a) {
      out_.errors.push_back({"E-PACK-002", At(file, n), "「" + kind + "」は [[" + kind + "]] の並びで書いてください。"});
      return;
    }
    int k = 0;
    for (const toml::node& e : *a) {
      ++k;
      const toml::table* t = e.as_table();
      if (!t) {
        out_.errors.push_back({"E-PACK-002", At(file, e), "「" + kind + "」の要素はテーブルで書いてください。"});
        continue;
      }
      Entry entry(*t, file, kind + " の " + std::to_string(k) + " 番目", out_.errors);
      f(entry);
      entry.Finish();
    }
  }

  bool Once(const std::string& key, const std::string& file, const toml::node& n) {
    if (seen_.insert(key).second) return true;
    out_.errors.push_back({"E-PACK-003", At(file, n), "[" + key + "] が2回以上書かれています。1つのファイルにまとめてください。"});
    return false;
  }

  void ReadPack(Entry& e);
  void ReadRole(Entry& e);
  void ReadClassification(Entry& e);
  void ReadRule(Entry& e);

  LoadResult& out_;
  Pack& pack_;
  std::set<std::string> seen_;
  std::vector<std::string> includes_;
  friend LoadResult mamori::policy::LoadPack(const std::string& dir);
};

void Loader::ReadPack(Entry& e) {
  pack_.id = e.Str("id", true);
  pack_.name = e.Str("name", true);
  pack_.format = e.Int("format", true);
  if (pack_.format != 0 && pack_.format != 1) {
    e.Error("E-PACK-017", e.where(), "format " + std::to_string(pack_.format) + " には対応していません（対応: 1）。");
  }
  includes_ = e.StrList("include");
  e.Str("note");
}

void Loader::ReadRole(Entry& e) {
  Role r;
  r.where = e.where();
  r.id = e.Str("id", true);
  r.name = e.Str("name", true);
  r.short_name = e.Str("short");
  r.note = e.Str("note");
  r.cite = e.CitesOf("cite", true);
  if (const toml::table* f = e.Table("fill")) {
    Entry fill(*f, e.file(), "roles「" + r.id + "」の fill", out_.errors);
    r.fill.kind = fill.OneOf("kind", {"post", "unit_head", "unit_post", "system_admin", "designated", "committee", "external", "unset"}, true);
    r.fill.post = fill.Str("post", r.fill.kind == "post");
    r.fill.unit_kind = fill.Str("unit_kind", r.fill.kind == "unit_head" || r.fill.kind == "unit_post");
    r.fill.titles = fill.StrList("titles");
    if (r.fill.kind == "unit_post" && r.fill.titles.empty())
      fill.Error("E-PACK-002", r.where, "roles「" + r.id + "」の fill は kind = \"unit_post\" ですが titles（各組織の職名の末尾、例: [\"次長\"]）がありません。");
    r.fill.by = fill.Str("by", r.fill.kind == "designated");
    r.fill.body = fill.Str("body", r.fill.kind == "external");
    r.fill.chair = fill.Str("chair");
    r.fill.vice_chair = fill.Str("vice_chair");
    r.fill.members = fill.StrList("members");
    r.fill.member_posts = fill.StrList("member_posts");
    r.fill.quorum = fill.OneOf("quorum", {"majority", "two_thirds", "unset"});
    r.fill.secretariat = fill.Str("secretariat");
    fill.Str("note");
    fill.Finish();
  } else {
    e.Error("E-PACK-002", r.where, "roles「" + r.id + "」に必須のキー「fill」（充て方）がありません。");
  }
  pack_.roles.push_back(std::move(r));
}

void Loader::ReadClassification(Entry& e) {
  Classification& c = pack_.classification;
  c.where = e.where();
  c.cite = e.CitesOf("cite");
  c.media_highest = e.Bool("media_highest");
  c.media_highest_cite = e.CitesOf("media_highest_cite");
  c.none_reason = e.Str("none_reason");
  c.note = e.Str("note");
  if (const toml::array* axes = e.Array("axes")) {
    EachTable(*axes, e.file(), "classification.axes", [&](Entry& ax) {
      Axis a;
      a.where = ax.where();
      a.id = ax.Str("id", true);
      a.name = ax.Str("name", true);
      a.note = ax.Str("note");
      a.cite = ax.CitesOf("cite", true);
      if (const toml::array* levels = ax.Array("levels")) {
        EachTable(*levels, ax.file(), "classification.axes.levels", [&](Entry& lv) {
          Level l;
          l.where = lv.where();
          l.id = lv.Str("id", true);
          l.name = lv.Str("name", true);
          l.rank = lv.Int("rank", true);
          l.definition = lv.Str("definition", true);
          l.restrictions = lv.StrList("restrictions");
          l.note = lv.Str("note");
          l.cite = lv.CitesOf("cite", true);
          a.levels.push_back(std::move(l));
        });
      }
      if (a.levels.empty()) {
        ax.Error("E-PACK-002", a.where,
                 "分類軸「" + a.id + "」に段階（levels）がありません。段階のない本文は axes を書かず none_reason で説明してください。");
      }
      c.axes.push_back(std::move(a));
    });
  }
  if (c.axes.empty() && c.none_reason.empty()) {
    e.Error("E-PACK-002", c.where, "[classification] に axes も none_reason もありません。分類がない本文なら none_reason に理由を書いてください。");
  }
}

void Loader::ReadRule(Entry& e) {
  Rule r;
  r.where = e.where();
  r.id = e.Str("id", true);
  r.action = e.Str("action", true);
  if (auto eff = e.EffectOf("effect", true)) r.effect = *eff;
  r.approvers = e.StrList("approvers");
  if (std::string mode = e.OneOf("approval", {"all", "any"}); !mode.empty()) r.approval = mode;
  r.obligations = e.StrList("obligations");
  r.overrides = e.StrList("overrides");
  r.note = e.Str("note");
  r.cite = e.CitesOf("cite", true);
  if (r.effect == Effect::kApproval && r.approvers.empty()) {
    e.Error("E-PACK-002", r.where, "rules「" + r.id + "」は effect = \"approval\" ですが approvers（承認者の役割）がありません。");
  }
  if (const toml::table* w = e.Table("when")) {
    r.when.where = At(e.file(), *w);
    for (auto&& [k, v] : *w) {
      std::string key(k.str());
      if (std::find(std::begin(kFlagNames), std::end(kFlagNames), key) != std::end(kFlagNames)) {
        if (auto b = v.value<bool>()) r.when.flags[key] = *b;
        else e.Error("E-PACK-002", At(e.file(), v), "when の「" + key + "」は true / false で書いてください。");
        continue;
      }
      std::vector<std::string> values;
      if (auto s = v.value<std::string>()) {
        values.push_back(*s);
      } else if (const toml::array* a = v.as_array()) {
        for (const toml::node& x : *a) {
          if (auto s2 = x.value<std::string>()) values.push_back(*s2);
          else e.Error("E-PACK-002", At(e.file(), x), "when の「" + key + "」は文字列の配列で書いてください。");
        }
      } else {
        e.Error("E-PACK-002", At(e.file(), v), "when の「" + key + "」は文字列の配列で書いてください。");
        continue;
      }
      if (key == "facets") r.when.facets = values;
      else if (key == "subject") r.when.subject = values;
      else if (key == "from_zone") r.when.from_zone = values;
      else if (key == "to_zone") r.when.to_zone = values;
      else if (key == "purpose") r.when.purpose = values;
      else if (key == "with_zone") r.when.with_zone = values;
      else if (key.rfind("area_", 0) == 0) r.when.area_levels[key.substr(5)] = values;  // area_<axis>
      else r.when.levels[key] = values;  // an axis id; CheckPack verifies it exists
    }
  }
  if (const toml::table* esc = e.Table("escape")) {
    Entry x(*esc, e.file(), "rules「" + r.id + "」の escape", out_.errors);
    Escape s;
    s.where = x.where();
    s.by = x.StrList("by");
    s.requires_what = x.OneOf("requires", {"justification", "report"}, true);
    s.cite = x.CitesOf("cite", true);
    x.Str("note");
    x.Finish();
    r.escape = std::move(s);
  }
  pack_.rules.push_back(std::move(r));
}

void Loader::File(const std::string& path, const std::string& shown, bool manifest) {
  // A pack's files are a few hundred lines of TOML each; one far larger is
  // not a pack file, and reading it whole could exhaust memory.
  constexpr std::uintmax_t kMaxPackFileBytes = 4u << 20;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxPackFileBytes) {
    out_.errors.push_back({"E-PACK-038", {shown, 0, 0},
                           "ファイルが大きすぎます（" + std::to_string(size >> 20) + " MiB、上限 4 MiB）。パックのファイルか確かめてください。"});
    return;
  }
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& err) {
    out_.errors.push_back({"E-PACK-001",
                           {shown, static_cast<int>(err.source().begin.line), static_cast<int>(err.source().begin.column)},
                           "TOML の書き方に誤りがあります: " + std::string(err.description())});
    return;
  }
  pack_.files.push_back(shown);
  for (auto&& entry : root) {
    // Named, not a structured binding: clang 14 (the fuzz build) cannot capture those in a lambda.
    const auto& k = entry.first;
    auto& v = entry.second;
    std::string key(k.str());
    auto single = [&](auto&& read) {
      const toml::table* t = v.as_table();
      if (!t) {
        out_.errors.push_back({"E-PACK-002", At(shown, v), "[" + key + "] はテーブルで書いてください。"});
        return;
      }
      if (!Once(key, shown, v)) return;
      Entry e(*t, shown, "[" + key + "]", out_.errors);
      read(e);
      e.Finish();
    };
    if (key == "pack") {
      if (!manifest) {
        out_.errors.push_back({"E-PACK-002", At(shown, v), "[pack] は pack.toml にだけ書けます。"});
        continue;
      }
      single([&](Entry& e) { ReadPack(e); });
    } else if (key == "organisation") {
      single([&](Entry& e) {
        pack_.org_name = e.Str("name", true);
        pack_.org_kind = e.Str("kind");
        e.Str("note");
      });
    } else if (key == "regulation") {
      single([&](Entry& e) {
        RegulationRef& r = pack_.regulation;
        r.where = e.where();
        r.file = e.Str("file", true);
        r.title = e.Str("title", true);
        r.tiers = e.StrList("tiers", true);
        r.number = e.Str("number");
        r.effective = e.Str("effective");
        r.is_public = e.OptBool("public");
        r.cite = e.CitesOf("cite");
        e.Str("note");
      });
    } else if (key == "decision") {
      single([&](Entry& e) {
        if (auto eff = e.EffectOf("default_effect", true)) pack_.default_effect = *eff;
        pack_.default_note = e.Str("note");
      });
    } else if (key == "classification") {
      single([&](Entry& e) { ReadClassification(e); });
    } else if (key == "separation_of_duties") {
      single([&](Entry& e) {
        SeparationOfDuties& s = pack_.sod;
        s.present = true;
        s.where = e.where();
        s.applicant_not_approver = e.Bool("applicant_not_approver");
        s.auditor_not_auditee = e.Bool("auditor_not_auditee");
        s.fallback = e.OneOf("fallback", {"override_with_justification", "next_approver", "deny", "unset"}, true);
        s.fallback_by = e.Str("fallback_by");
        s.note = e.Str("note");
        s.cite = e.CitesOf("cite", true);
      });
    } else if (key == "roles") {
      EachTable(v, shown, key, [&](Entry& e) { ReadRole(e); });
    } else if (key == "person_categories") {
      EachTable(v, shown, key, [&](Entry& e) {
        PersonCategory p;
        p.where = e.where();
        p.id = e.Str("id", true);
        p.name = e.Str("name", true);
        p.staff = e.Bool("staff");
        p.bound = e.Bool("bound");
        p.includes = e.StrList("includes");
        p.unit = e.Str("unit");
        p.note = e.Str("note");
        p.cite = e.CitesOf("cite", true);
        pack_.person_categories.push_back(std::move(p));
      });
    } else if (key == "facets" || key == "zones") {
      EachTable(v, shown, key, [&](Entry& e) {
        Named n;
        n.where = e.where();
        n.id = e.Str("id", true);
        n.name = e.Str("name", true);
        n.note = e.Str("note");
        n.cite = e.CitesOf("cite", true);
        (key == "facets" ? pack_.facets : pack_.zones).push_back(std::move(n));
      });
    } else if (key == "actions") {
      EachTable(v, shown, key, [&](Entry& e) {
        Action a;
        a.where = e.where();
        a.id = e.Str("id", true);
        a.name = e.Str("name", true);
        a.default_effect = e.EffectOf("default");
        a.note = e.Str("note");
        a.cite = e.CitesOf("cite", true);
        if (const toml::table* ap = e.Table("applicants")) {
          Entry x(*ap, e.file(), "actions「" + a.id + "」の applicants", out_.errors);
          Applicants who;
          who.where = x.where();
          who.roles = x.StrList("roles");
          who.cite = x.CitesOf("cite", true);
          if (who.roles.empty())
            x.Error("E-PACK-002", who.where, "actions「" + a.id + "」の applicants に roles（申請できる役割）がありません。");
          x.Str("note");
          x.Finish();
          a.applicants = std::move(who);
        }
        pack_.actions.push_back(std::move(a));
      });
    } else if (key == "obligations") {
      EachTable(v, shown, key, [&](Entry& e) {
        Obligation o;
        o.where = e.where();
        o.id = e.Str("id", true);
        o.text = e.Str("text", true);
        o.note = e.Str("note");
        o.cite = e.CitesOf("cite", true);
        pack_.obligations.push_back(std::move(o));
      });
    } else if (key == "rules") {
      EachTable(v, shown, key, [&](Entry& e) { ReadRule(e); });
    } else if (key == "flows") {
      EachTable(v, shown, key, [&](Entry& e) {
        Flow f;
        f.where = e.where();
        f.from = e.Str("from", true);
        f.to = e.Str("to", true);
        if (auto eff = e.EffectOf("effect", true)) f.effect = *eff;
        f.requires_what = e.StrList("requires");
        if (const toml::table* w = e.Table("when")) {
          for (auto&& [k, v] : *w) {
            if (auto b = v.value<bool>()) f.when[std::string(k.str())] = *b;
            else e.Error("E-PACK-002", At(e.file(), v), "flows の when は真偽値の条件（sanitized = false など）で書いてください。");
          }
        }
        f.note = e.Str("note");
        f.cite = e.CitesOf("cite", true);
        pack_.flows.push_back(std::move(f));
      });
    } else if (key == "duties") {
      EachTable(v, shown, key, [&](Entry& e) {
        Duty d;
        d.where = e.where();
        d.id = e.Str("id", true);
        d.name = e.Str("name", true);
        d.role = e.Str("role", true);
        d.cycle = e.OneOf("cycle", {"fiscal_year", "periodic", "as_needed", "on_event", "continuous"}, true);
        d.event = e.Str("event");
        d.interval = e.Str("interval");
        d.note = e.Str("note");
        d.cite = e.CitesOf("cite", true);
        pack_.duties.push_back(std::move(d));
      });
    } else if (key == "workflows") {
      EachTable(v, shown, key, [&](Entry& e) {
        Workflow w;
        w.where = e.where();
        w.id = e.Str("id", true);
        w.name = e.Str("name", true);
        w.kind = e.OneOf("kind", {"application", "exception", "incident"}, true);
        w.actions = e.StrList("actions", w.kind == "application");
        w.applicants = e.StrList("applicants");
        w.emergency = e.Bool("emergency");
        w.note = e.Str("note");
        w.cite = e.CitesOf("cite", true);
        if (const toml::array* steps = e.Array("steps")) {
          EachTable(*steps, e.file(), "workflows「" + w.id + "」の steps", [&](Entry& s) {
            WorkflowStep st;
            st.where = s.where();
            st.id = s.Str("id", true);
            st.name = s.Str("name", true);
            st.by = s.Str("by", true);
            st.records = s.StrList("records");
            st.people = s.Str("people");
            st.people_at_least = s.Int("people_at_least");
            st.next = s.StrList("next");
            st.deadline = s.Str("deadline");
            st.act = s.OneOf("act", {"assess", "instruct"});
            st.note = s.Str("note");
            st.cite = s.CitesOf("cite", true);
            w.steps.push_back(std::move(st));
          });
        } else {
          e.Error("E-PACK-002", w.where, "workflows「" + w.id + "」に steps（手順の段）がありません。");
        }
        pack_.workflows.push_back(std::move(w));
      });
    } else if (key == "checklist") {
      EachTable(v, shown, key, [&](Entry& e) {
        ChecklistItem c;
        c.where = e.where();
        c.id = e.Str("id", true);
        c.text = e.Str("text", true);
        c.role = e.Str("role", true);
        c.note = e.Str("note");
        c.cite = e.CitesOf("cite", true);
        pack_.checklist.push_back(std::move(c));
      });
    } else if (key == "checks") {
      EachTable(v, shown, key, [&](Entry& e) {
        RegisterCheck c;
        c.where = e.where();
        c.id = e.Str("id", true);
        c.kind = e.OneOfRange("kind", kCheckKinds, true);
        c.items = e.StrList("items");
        c.level = e.Str("level");
        c.service_kinds = e.StrList("service_kinds");
        c.note = e.Str("note");
        c.cite = e.CitesOf("cite", true);
        pack_.checks.push_back(std::move(c));
      });
    } else if (key == "parameters") {
      EachTable(v, shown, key, [&](Entry& e) {
        Parameter p;
        p.where = e.where();
        p.id = e.Str("id", true);
        p.name = e.Str("name", true);
        p.unit = e.Str("unit");
        p.owner = e.Str("owner", true);
        p.source = e.Str("source", true);
        p.enforced = e.OneOfRange("enforced", kEnforcedAs);
        p.value = e.OptStr("value");
        p.note = e.Str("note");
        p.cite = e.CitesOf("cite", true);
        pack_.parameters.push_back(std::move(p));
      });
    } else if (key == "gaps") {
      EachTable(v, shown, key, [&](Entry& e) {
        Gap g;
        g.where = e.where();
        g.id = e.Str("id", true);
        g.kind = e.OneOf("kind", {"undefined_role", "unspecified_actor", "unspecified_approver", "empty_cell",
                                  "missing_value", "contradiction", "typo", "other"}, true);
        g.note = e.Str("note", true);
        g.cite = e.CitesOf("cite", true);
        pack_.gaps.push_back(std::move(g));
      });
    } else if (key == "evidence") {
      single([&](Entry& e) {
        Evidence& ev = pack_.evidence;
        ev.present = true;
        ev.where = e.where();
        ev.retention = e.Str("retention", true);
        ev.note = e.Str("note");
        ev.cite = e.CitesOf("cite", true);
      });
    } else if (key == "audit") {
      single([&](Entry& e) {
        Audit& a = pack_.audit;
        a.present = true;
        a.where = e.where();
        a.lead = e.Str("lead", true);
        a.auditor = e.Str("auditor", true);
        a.report_to = e.Str("report_to", true);
        a.plan_action = e.Str("plan_action");
        a.instructs = e.Str("instructs");
        a.owner = e.Str("owner");
        a.note = e.Str("note");
        a.cite = e.CitesOf("cite", true);
        a.plan_cite = e.CitesOf("plan_cite", !a.plan_action.empty());
        a.independence_cite = e.CitesOf("independence_cite", true);
        a.report_cite = e.CitesOf("report_cite", true);
        a.keep_cite = e.CitesOf("keep_cite");
        a.instruct_cite = e.CitesOf("instruct_cite", !a.instructs.empty());
      });
    } else if (key == "access") {
      EachTable(v, shown, key, [&](Entry& e) {
        Access a;
        a.where = e.where();
        a.role = e.Str("role", true);
        a.sees = e.OneOf("sees", {"all", "unit"}, true);
        a.what = e.StrList("what", true);
        a.read_only = e.Bool("read_only");
        a.note = e.Str("note");
        a.cite = e.CitesOf("cite", true);
        pack_.access.push_back(std::move(a));
      });
    } else if (key == "declaratory") {
      EachTable(v, shown, key, [&](Entry& e) {
        Declaratory d;
        d.where = e.where();
        d.reason = e.Str("reason", true);
        d.cite = e.CitesOf("cite", true);
        e.Str("note");
        pack_.declaratory.push_back(std::move(d));
      });
    } else {
      out_.errors.push_back({"E-PACK-004", At(shown, v),
                             "未知の項目「" + key + "」があります。使える項目は docs/pack-format.md を見てください。"});
    }
  }
}

// Ids must be unique within their kind: references between entries use them.
template <typename T>
void CheckUnique(const std::vector<T>& items, const std::string& kind, std::vector<Diagnostic>& errors) {
  std::map<std::string, Source> first;
  for (const T& x : items) {
    if (x.id.empty()) continue;
    auto [it, fresh] = first.emplace(x.id, x.where);
    if (!fresh) {
      errors.push_back({"E-PACK-003", x.where,
                        kind + " の id「" + x.id + "」が重複しています（最初は " + it->second.file + ":" +
                            std::to_string(it->second.line) + "）。"});
    }
  }
}

}  // namespace

namespace {

std::string Shorten(const std::string& s) { return s.size() > 80 ? s.substr(0, 60) + "…（" + std::to_string(s.size()) + " バイト）" : s; }

// An include names a TOML file of the pack itself: a path inside the pack's
// folder, never absolute, never climbing out of it, each part a name the file
// system can hold. (A name of 256+ bytes used to end the program.)
std::string IncludeProblem(const std::string& inc) {
  if (inc.empty()) return "空の名前です。";
  if (inc.find('\0') != std::string::npos) return "名前に NUL 文字があります。";
  const fs::path p(inc);
  if (p.is_absolute()) return "絶対パスです。パックのフォルダからの相対パス（例: roles.toml）で書いてください。";
  for (const auto& part : p) {
    if (part == "..") return "「..」でパックのフォルダの外を指しています。パックのファイルはパックのフォルダに置いてください。";
    if (part.string().size() > 255) return "名前が長すぎます（1つの名前は 255 バイトまで）。";
  }
  if (inc.size() > 1024) return "パスが長すぎます（1024 バイトまで）。";
  if (p.extension() != ".toml") return "TOML ファイル（.toml）ではありません。";
  return "";
}

}  // namespace

LoadResult LoadPack(const std::string& dir) {
  LoadResult out;
  out.pack.dir = dir;
  Loader loader(out);
  const std::string manifest = (fs::path(dir) / "pack.toml").string();
  std::error_code ec;
  if (!fs::is_regular_file(manifest, ec)) {
    out.errors.push_back({"E-PACK-006", {manifest, 0, 0},
                          "pack.toml がありません。パックのフォルダ（例: packs/yasuda）を指定してください。"});
    return out;
  }
  loader.File(manifest, manifest, true);
  for (const std::string& inc : loader.includes_) {
    if (std::string why = IncludeProblem(inc); !why.empty()) {
      out.errors.push_back({"E-PACK-037", {manifest, 0, 0}, "include に書かれた「" + Shorten(inc) + "」は使えません: " + why});
      continue;
    }
    const std::string path = (fs::path(dir) / inc).string();
    if (!fs::is_regular_file(path, ec)) {
      out.errors.push_back({"E-PACK-006", {manifest, 0, 0},
                            "include に書かれたファイル「" + inc + "」がありません（" + path + "）。"});
      continue;
    }
    loader.File(path, path, false);
  }
  LoadReviews(dir, out.pack, out.errors);
  if (!loader.seen_.count("pack")) out.errors.push_back({"E-PACK-002", {manifest, 1, 1}, "[pack] がありません。"});
  for (const char* need : {"organisation", "regulation", "decision"}) {
    if (!loader.seen_.count(need))
      out.errors.push_back({"E-PACK-002", {manifest, 1, 1}, std::string("[") + need + "] がありません。"});
  }
  const Pack& p = out.pack;
  CheckUnique(p.roles, "roles", out.errors);
  CheckUnique(p.person_categories, "person_categories", out.errors);
  CheckUnique(p.facets, "facets", out.errors);
  CheckUnique(p.actions, "actions", out.errors);
  CheckUnique(p.obligations, "obligations", out.errors);
  CheckUnique(p.rules, "rules", out.errors);
  CheckUnique(p.zones, "zones", out.errors);
  CheckUnique(p.duties, "duties", out.errors);
  CheckUnique(p.workflows, "workflows", out.errors);
  for (const Workflow& w : p.workflows) CheckUnique(w.steps, "workflows「" + w.id + "」の steps", out.errors);
  CheckUnique(p.checklist, "checklist", out.errors);
  CheckUnique(p.checks, "checks", out.errors);
  CheckUnique(p.parameters, "parameters", out.errors);
  CheckUnique(p.gaps, "gaps", out.errors);
  CheckUnique(p.classification.axes, "classification.axes", out.errors);
  for (const Axis& a : p.classification.axes) CheckUnique(a.levels, "levels（" + a.id + "）", out.errors);
  return out;
}

std::string_view EffectName(Effect e) {
  switch (e) {
    case Effect::kPermit: return "permit";
    case Effect::kApproval: return "approval";
    case Effect::kDeny: return "deny";
  }
  return "";
}

std::string_view EffectJapanese(Effect e) {
  switch (e) {
    case Effect::kPermit: return "許可";
    case Effect::kApproval: return "承認が必要";
    case Effect::kDeny: return "禁止";
  }
  return "";
}

}  // namespace mamori::policy
