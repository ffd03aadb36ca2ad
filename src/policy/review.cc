// The review record (review.toml): what each cited clause said when the pack's
// bindings were last confirmed against it.
//
// Why text, not a hash: when a revised regulation changes a clause, the person
// re-confirming the bindings needs the old wording beside the new, and the
// regulation file of the old version may be gone. Invariant: after `mamori
// pack review` with no refs, every clause the pack cites and the text resolves
// has exactly one entry whose text is the clause's current CiteText.
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "policy/cites.h"

namespace mamori::policy {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReviewFile = "review.toml";

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : sep) + x;
  return out;
}

// The clause text a citation stands for, or nullopt when it does not resolve
// (E-PACK-010 reports that).
std::optional<std::string> TextOf(const reiki::Regulation& reg, const std::string& ref) {
  try {
    return reiki::CiteText(reiki::Resolve(reg, reiki::ParseReference(ref)));
  } catch (const reiki::Error&) {
    return std::nullopt;
  }
}

std::string Shorten(const std::string& text) {
  // Whole articles with tables run to thousands of characters; the message
  // shows the start, the file keeps all of it.
  constexpr std::size_t kMax = 600;
  if (text.size() <= kMax) return text;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

}  // namespace

void ForEachCite(const Pack& p,
                 const std::function<void(const Citation&, bool declaratory, const std::string& owner)>& f) {
  auto all = [&](const Cites& cs, const std::string& owner) {
    for (const Citation& c : cs) f(c, false, owner);
  };
  auto named = [](const char* table, const std::string& id) { return std::string(table) + "「" + id + "」"; };
  all(p.regulation.cite, "regulation");
  for (const auto& x : p.roles) all(x.cite, named("roles", x.id));
  for (const auto& x : p.person_categories) all(x.cite, named("person_categories", x.id));
  all(p.classification.cite, "classification");
  all(p.classification.media_highest_cite, "classification.media_highest");
  for (const auto& a : p.classification.axes) {
    all(a.cite, named("classification.axes", a.id));
    for (const auto& l : a.levels) all(l.cite, named("levels", l.id));
  }
  for (const auto& x : p.facets) all(x.cite, named("facets", x.id));
  for (const auto& x : p.actions) {
    all(x.cite, named("actions", x.id));
    if (x.applicants) all(x.applicants->cite, named("actions", x.id) + ".applicants");
  }
  for (const auto& x : p.obligations) all(x.cite, named("obligations", x.id));
  for (const auto& x : p.rules) {
    all(x.cite, named("rules", x.id));
    if (x.escape) all(x.escape->cite, named("rules", x.id) + ".escape");
  }
  for (const auto& x : p.zones) all(x.cite, named("zones", x.id));
  for (const auto& x : p.flows) all(x.cite, "flows「" + x.from + "→" + x.to + "」");
  all(p.sod.cite, "separation_of_duties");
  for (const auto& x : p.duties) all(x.cite, named("duties", x.id));
  for (const auto& x : p.workflows) {
    all(x.cite, named("workflows", x.id));
    for (const auto& s : x.steps) all(s.cite, named("workflows", x.id) + ".steps「" + s.id + "」");
  }
  for (const auto& x : p.checklist) all(x.cite, named("checklist", x.id));
  for (const auto& x : p.checks) all(x.cite, named("checks", x.id));
  for (const auto& x : p.parameters) all(x.cite, named("parameters", x.id));
  all(p.evidence.cite, "evidence");
  for (const Cites* c : {&p.audit.cite, &p.audit.plan_cite, &p.audit.independence_cite, &p.audit.report_cite,
                         &p.audit.keep_cite, &p.audit.instruct_cite})
    all(*c, "audit");
  for (const auto& x : p.access) all(x.cite, named("access", x.role));
  for (const auto& x : p.gaps) all(x.cite, named("gaps", x.id));
  for (std::size_t i = 0; i < p.declaratory.size(); ++i)
    for (const Citation& c : p.declaratory[i].cite) f(c, true, "declaratory#" + std::to_string(i + 1));
}

std::vector<std::pair<std::string, std::vector<std::string>>> BindingsByClause(const Pack& pack) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  std::map<std::string, std::size_t> at;
  ForEachCite(pack, [&](const Citation& c, bool, const std::string& owner) {
    auto [it, fresh] = at.emplace(c.ref, out.size());
    if (fresh) out.push_back({c.ref, {}});
    auto& owners = out[it->second].second;
    if (owners.empty() || owners.back() != owner) owners.push_back(owner);
  });
  return out;
}

void LoadReviews(const std::string& dir, Pack& pack, std::vector<Diagnostic>& errors) {
  const fs::path path = fs::path(dir) / kReviewFile;
  if (!fs::exists(path)) return;
  pack.review_file = path.string();
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& err) {
    errors.push_back({"E-PACK-035", {path.string(), static_cast<int>(err.source().begin.line), static_cast<int>(err.source().begin.column)},
                      std::string("review.toml を読めません: ") + std::string(err.description()) +
                          "。`mamori pack review` で作り直してください。"});
    return;
  }
  const toml::array* clauses = root["clauses"].as_array();
  if (!clauses) return;
  for (const toml::node& n : *clauses) {
    const toml::table* t = n.as_table();
    Source where{path.string(), static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
    auto str = [&](const char* key) { return t ? t->get_as<std::string>(key) : nullptr; };
    if (!t || !str("ref") || !str("text")) {
      errors.push_back({"E-PACK-035", where, "review.toml の [[clauses]] には ref と text（文字列）が必要です。"});
      continue;
    }
    ClauseReview r;
    r.where = where;
    r.ref = str("ref")->get();
    r.text = str("text")->get();
    if (auto* v = str("reviewed_by")) r.reviewed_by = v->get();
    if (auto* v = str("reviewed_at")) r.reviewed_at = v->get();
    if (auto* v = str("note")) r.note = v->get();
    pack.reviews.push_back(std::move(r));
  }
}

std::vector<Diagnostic> CheckReviews(const Pack& p, const reiki::Regulation& reg) {
  std::vector<Diagnostic> out;
  const std::string shown = (fs::path(p.dir) / kReviewFile).string();
  if (p.review_file.empty()) {
    out.push_back({"E-PACK-033", {shown, 0, 0},
                   "審査の記録 review.toml がありません。各規定を本文と照らして確かめたうえで `mamori pack review " + p.dir +
                       " --as 氏名` で記録してください（引用した条項の本文を記録し、本文が改正されたときに知らせます）。"});
    return out;
  }
  std::map<std::string, const ClauseReview*> reviewed;
  for (const auto& r : p.reviews) reviewed[r.ref] = &r;
  for (const auto& [ref, bindings] : BindingsByClause(p)) {
    auto now = TextOf(reg, ref);
    if (!now) continue;  // E-PACK-010
    auto it = reviewed.find(ref);
    if (it == reviewed.end()) {
      out.push_back({"E-PACK-033", {shown, 0, 0},
                     ref + " は審査の記録にありません（引用している規定: " + Join(bindings, "、") +
                         "）。本文と照らして確かめ、`mamori pack review " + p.dir + " --ref " + ref + " --as 氏名` で記録してください。"});
    } else if (it->second->text != *now) {
      out.push_back({"E-PACK-034", it->second->where,
                     ref + " の本文が審査時（" + it->second->reviewed_at + "、" + it->second->reviewed_by +
                         "）から変わっています。\n    審査時: " + Shorten(it->second->text) + "\n    現在:   " + Shorten(*now) +
                         "\n    この条項を引用する規定: " + Join(bindings, "、") +
                         "\n    各規定を新しい本文に合わせて直すか、変更が規定に影響しないことを確かめて `mamori pack review " + p.dir +
                         " --ref " + ref + " --as 氏名` で確認を記録してください。"});
    }
  }
  return out;
}

std::vector<ReviewChange> ReviewClauses(const std::string& dir, const std::vector<std::string>& refs,
                                        const std::string& actor, const std::string& at, const std::string& note) {
  LoadResult loaded = LoadPack(dir);
  // Review problems are what this command mends; any other error stops it.
  std::vector<Diagnostic> others;
  for (auto& e : loaded.errors)
    if (e.code != "E-PACK-035") others.push_back(e);
  if (!others.empty())
    throw reiki::Error("E-PACK-036", "パック「" + dir + "」を読み込めません。`mamori pack check " + dir + "` の誤りを先に直してください。");
  const Pack& p = loaded.pack;
  const reiki::Regulation reg = reiki::ParseFile((fs::path(dir) / p.regulation.file).string());
  const auto clauses = BindingsByClause(p);
  for (const auto& r : refs) {
    bool cited = false;
    for (const auto& c : clauses) cited = cited || c.first == r;
    if (!cited) throw reiki::Error("E-PACK-036", "「" + r + "」はこのパックのどの規定も引用していません。`mamori pack check " + dir + "` の表示どおりに書いてください。");
  }
  std::map<std::string, ClauseReview> kept;
  for (const auto& r : p.reviews) kept[r.ref] = r;
  std::vector<ReviewChange> changes;
  toml::array entries;
  for (const auto& [ref, bindings] : clauses) {
    auto now = TextOf(reg, ref);
    if (!now) continue;
    auto it = kept.find(ref);
    const bool asked = refs.empty() || std::find(refs.begin(), refs.end(), ref) != refs.end();
    ClauseReview r = it != kept.end() ? it->second : ClauseReview{};
    if (asked && (it == kept.end() || it->second.text != *now)) {
      changes.push_back({ref, it == kept.end() ? "" : it->second.text, *now, bindings});
      r.ref = ref;
      r.text = *now;
      r.reviewed_by = actor;
      r.reviewed_at = at;
      r.note = note;
    }
    if (r.ref.empty()) continue;  // not reviewed and not asked: stays unrecorded
    toml::table t{{"ref", r.ref}, {"reviewed_by", r.reviewed_by}, {"reviewed_at", r.reviewed_at}};
    if (!r.note.empty()) t.insert("note", r.note);
    t.insert("text", r.text);
    entries.push_back(std::move(t));
  }
  toml::table root{{"clauses", std::move(entries)}};
  // Written beside the file and renamed over it: a reader never sees half a record.
  const fs::path path = fs::path(dir) / kReviewFile, tmp = fs::path(dir) / ".review.toml.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw reiki::Error("E-PACK-036", "「" + tmp.string() + "」に書き込めません。パックのフォルダの権限を確かめてください。");
    out << "# 審査の記録: 各規定が照らし合わせた条項の本文（mamori pack review が書きます。手で直さないでください）。\n"
           "# 規程の本文が変わると、mamori pack check がその条項を引用する規定を示して失敗します。\n\n"
        << toml::toml_formatter(root) << "\n";
    if (!out) throw reiki::Error("E-PACK-036", "「" + tmp.string() + "」に書き込めません（ディスクの空きを確かめてください）。");
  }
  fs::rename(tmp, path);
  return changes;
}

std::string CanonicalContent(const Pack& pack) {
  std::ostringstream out;
  std::vector<std::string> files = pack.files;
  if (!pack.review_file.empty()) files.push_back(pack.review_file);
  for (const auto& f : files) {
    out << fs::path(f).filename().string() << "\n";
    try {
      out << toml::json_formatter(toml::parse_file(f)) << "\n";
    } catch (const toml::parse_error&) {
      out << "(unreadable)\n";  // LoadPack reported it; the hash still changes
    }
  }
  std::ifstream reg(fs::path(pack.dir) / pack.regulation.file, std::ios::binary);
  out << pack.regulation.file << "\n" << reg.rdbuf();
  return out.str();
}

}  // namespace mamori::policy
