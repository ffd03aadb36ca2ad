// policy: loads a pack (TOML, docs/pack-format.md), checks it against its
// regulation, and summarises it for a human reader.
//
// Parse -> validate, as in Cedar: LoadPack only reads and type-checks the TOML
// (syntax, required keys, allowed values, unknown keys); CheckPack then holds the
// pack to its regulation (citations, references between entries, conflicts,
// completeness, coverage). Neither ever guesses a missing value: unset stays unset.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reiki/reiki.h"

namespace mamori::policy {

// Where an entry or value was written: shown as file:line:col in every message.
struct Source {
  std::string file;
  int line = 0;
  int col = 0;
};

struct Citation {
  std::string ref;  // 第27条第2項
  Source where;
};
using Cites = std::vector<Citation>;

enum class Effect { kPermit, kApproval, kDeny };  // ordered: most restrictive last
std::string_view EffectName(Effect e);            // "permit" ...
std::string_view EffectJapanese(Effect e);        // 許可 / 承認が必要 / 禁止

struct RoleFill {
  std::string kind;  // post | unit_head | unit_post | system_admin | designated | committee | external | unset
  std::string post, unit_kind, by, body, chair, vice_chair, quorum, secretariat;
  std::vector<std::string> members, member_posts;
  // unit_post: the post of each unit (or its nearest enclosing unit) whose
  // name ends with one of these titles (北海道 第2条第7号: 各部等の次長 …).
  std::vector<std::string> titles;
  // unit_post: whether a post of this name is the role's (総務部次長 ends with 次長).
  bool HasTitle(std::string_view post_name) const {
    for (const auto& t : titles)
      if (post_name.size() >= t.size() && post_name.substr(post_name.size() - t.size()) == t) return true;
    return false;
  }
};

struct Role {
  std::string id, name, short_name, note;
  RoleFill fill;
  Cites cite;
  Source where;
};

struct PersonCategory {
  std::string id, name, note;
  std::string unit;  // members of the unit of this name only (湖北 総務課職員)
  bool staff = false, bound = false;
  std::vector<std::string> includes;
  Cites cite;
  Source where;
};

struct Level {
  std::string id, name, definition, note;
  int rank = 0;
  std::vector<std::string> restrictions;
  Cites cite;
  Source where;
};

struct Axis {
  std::string id, name, note;
  std::vector<Level> levels;
  Cites cite;
  Source where;
};

struct Classification {
  Cites cite;
  bool media_highest = false;
  Cites media_highest_cite;
  std::string none_reason, note;
  std::vector<Axis> axes;
  Source where;
};

struct Named {  // facets, zones
  std::string id, name, note;
  Cites cite;
  Source where;
};

// Who the text lets ask for an action (安田町 第119条: 情報セキュリティ責任者
// and 情報システム管理者 only). Anyone else is answered deny.
struct Applicants {
  std::vector<std::string> roles;  // any one suffices, held on the day
  Cites cite;
  Source where;
};

struct Action {
  std::string id, name, note;
  std::optional<Effect> default_effect;
  std::optional<Applicants> applicants;
  Cites cite;
  Source where;
};

struct Obligation {
  std::string id, text, note;
  Cites cite;
  Source where;
};

// The flags a request states about the act and a matcher may test, in the
// order the engine's bitmasks use.
inline constexpr const char* kFlagNames[] = {"device_issued", "encrypted", "sanitized", "emergency",
                                             "email_attachment", "official_dispatch", "outside_office",
                                             "unauthorized_copy", "support_ended"};
inline constexpr int kFlagCount = static_cast<int>(sizeof kFlagNames / sizeof kFlagNames[0]);

// Purposes a request may state (context.purpose): 業務 / 業務外.
inline constexpr const char* kPurposes[] = {"business", "non_business"};

// A rule's matcher. Absent keys match anything; lists match any of their values.
struct Matcher {
  std::map<std::string, std::vector<std::string>> levels;  // axis id -> level ids
  std::vector<std::string> facets, subject, from_zone, to_zone;
  std::map<std::string, bool> flags;  // kFlagNames
  std::vector<std::string> purpose;   // kPurposes (安田町 第24条第1項: 業務以外の目的)
  // The second resource the act involves (context.with: the system a medium is
  // used on), by its zone (安田町 第98条第4号: インターネットに接続していないシステム).
  std::vector<std::string> with_zone;
  // The place (context.area, a 管理区域): the highest level of the assets its
  // systems handle, per axis (第42条第4項: 機密性2以上の情報資産を扱うシステムを設置している管理区域).
  std::map<std::string, std::vector<std::string>> area_levels;
  Source where;
  bool Empty() const {
    return levels.empty() && facets.empty() && subject.empty() && from_zone.empty() && to_zone.empty() &&
           flags.empty() && purpose.empty() && with_zone.empty() && area_levels.empty();
  }
};

struct Escape {
  std::vector<std::string> by;  // any one of these roles may allow it
  std::string requires_what;    // requires: justification | report
  Cites cite;
  Source where;
};

struct Rule {
  std::string id, action, note;
  Effect effect = Effect::kPermit;
  std::vector<std::string> approvers, obligations, overrides;
  // "all": every approver, in order. "any": one of them suffices (the text's
  // 「A又はB」), so listing both does not make the rule stricter than the text.
  std::string approval = "all";
  Matcher when;
  std::optional<Escape> escape;
  Cites cite;
  Source where;
};

struct Flow {
  std::string from, to, note;
  Effect effect = Effect::kPermit;
  std::map<std::string, bool> when;  // flags, as in a rule's matcher (sanitized = false)
  std::vector<std::string> requires_what;
  Cites cite;
  Source where;
};

struct SeparationOfDuties {
  bool present = false;
  bool applicant_not_approver = false, auditor_not_auditee = false;
  std::string fallback, fallback_by, note;
  Cites cite;
  Source where;
};

struct Duty {
  std::string id, name, role, cycle, event, note;
  // A 定期的に duty's interval: the id of a [[parameters]] entry (the text
  // gives none, so its value stays unset, shown as 未設定 with its owner,
  // until the owner sets it). Required for cycle "periodic".
  std::string interval;
  Cites cite;
  Source where;
};

// A procedure the text lays down (申請, 例外措置, インシデント), as src/cases
// runs it: steps in order, each acted on by someone resolved on the day it is
// acted on, recording what the text requires.
struct WorkflowStep {
  std::string id, name;
  // Who acts: "decision" (the approvals the decision names, one step each,
  // in order), "applicant" (the one who opened the case), "reporter" (the
  // same, for an incident), or a role id of [[roles]] resolved that day.
  std::string by;
  std::vector<std::string> records;  // what acting records (日時・担当者・処理内容)
  // A record that names people, each of the 職員 register, at least
  // `people_at_least` of them distinct (花巻市 第9第3号イ 「複数の人間で」): the
  // text's count is checked against the register, not taken on trust.
  std::string people;
  int people_at_least = 0;
  // The steps that may follow; empty: the next step, or the end after the
  // last. "end" ends the case.
  std::vector<std::string> next;
  std::string deadline;  // a parameter id whose value is the time allowed (速やかに), or empty
  // What the text calls the step, where it is one the incident commands
  // name: "assess" (評価: 安田町 第56条第1項), "instruct" (指示: 第56条第3項・
  // 第5項), or empty. `incident assess|instruct` record only such a step.
  std::string act;
  std::string note;
  Cites cite;
  Source where;
};

struct Workflow {
  std::string id, name;
  std::string kind;  // application | exception | incident
  // application: the actions (of [[actions]]) whose approval it runs.
  std::vector<std::string> actions;
  // Who may open it (roles); empty: anyone in the 職員 register.
  std::vector<std::string> applicants;
  // An exception taken first and reported after (安田町 第120条: 緊急時).
  bool emergency = false;
  std::vector<WorkflowStep> steps;
  std::string note;
  Cites cite;
  Source where;
};

struct ChecklistItem {
  std::string id, text, role, note;
  Cites cite;
  Source where;
};

// An automated check over the registers that the text supports (`mamori
// check`): `kind` is one of the checks mamori implements (kCheckKinds), cited
// to the article of this text it enforces.
struct RegisterCheck {
  std::string id, kind, note;
  // contract_clauses: the items the text requires a contract to state, as
  // the text lists them (安田町 第126条 (1)〜(13)).
  std::vector<std::string> items;
  // tos_services_confidential: the lowest level (id or name, of an axis)
  // that may not be handled on a terms-of-service service (安田町 第128条:
  // 機密性2以上).
  std::string level;
  // cloud_exit_terms: the service kinds (外部サービスの種別) the text asks
  // exit terms of (安田町 第20条第1項: クラウドサービス).
  std::vector<std::string> service_kinds;
  Cites cite;
  Source where;
};
// The kinds, with what each finds: assets_unclassified (an asset without a
// level on an axis), systems_without_zone, accounts_of_leavers (an account
// still enabled after its person left), vacant_approvers (an approving post
// nobody holds), unset_parameters (a value the text leaves to its owner, not
// yet set), exceptions_past_period, contract_clauses (a contract not stating
// an item the text requires), tos_services_confidential (a terms-of-service
// service handling an asset at or above `level`), cloud_exit_terms (a
// service of `service_kinds` without its exit terms).
inline constexpr const char* kCheckKinds[] = {"assets_unclassified",  "systems_without_zone",      "accounts_of_leavers",
                                              "vacant_approvers",     "unset_parameters",          "exceptions_past_period",
                                              "contract_clauses",     "tos_services_confidential", "cloud_exit_terms"};

// What the server does with a parameter's value (`enforced` in the pack):
// the login attempts before lock-out, the idle minutes before a session
// ends, the least password length. A parameter so marked must be set before
// `mamori serve` starts; nothing is defaulted.
inline constexpr const char* kEnforcedAs[] = {"login_attempts", "idle_timeout", "password_length"};

struct Parameter {
  std::string id, name, unit, owner, source, note;
  std::string enforced;              // one of kEnforcedAs, or "" (mamori only shows it)
  std::optional<std::string> value;  // unset: shown as 未設定, never defaulted
  // Set by its owner through `mamori param set` (registry::ApplyParameterValues
  // fills these from the store): the row of "parameter_values", as stored.
  std::string set_by;                // "" when the value is the pack's own (or unset)
  Cites cite;
  Source where;
};

// [evidence]: how long the ledger keeps entries. `retention` names the
// parameter whose value is the period; while that value is unset (未設定),
// everything is kept.
struct Evidence {
  bool present = false;
  std::string retention;
  std::string note;
  Cites cite;
  Source where;
};

// [audit]: who runs the text's audit, and the steps it sets (`mamori audit`;
// 安田町 第131条〜第137条, 北海道 第19条〜第21条・第140条〜第142条). A
// step the text does not set is absent here and so not run: a plan needs
// the committee only where plan_action names its approval (安田町 第133条
// 第1項; 北海道 第140条 only has the plan drawn up), and the CISO instructs
// only where `instructs` says so (安田町 第137条). No [audit]: the text
// sets no audit mamori can run (花巻市 第10 names nobody to do it).
struct Audit {
  bool present = false;
  std::string lead;         // plans, asks the auditors, keeps the papers, reports
  std::string auditor;      // does the audit (a designation)
  std::string report_to;    // the results go to this role
  std::string plan_action;  // the action whose workflow approves the plan, or ""
  std::string instructs;    // who instructs on the findings, or ""
  std::string owner;        // the role, per unit, who is instructed and answers
  std::string note;
  Cites cite, plan_cite, independence_cite, report_cite, keep_cite, instruct_cite;
  Source where;
};

// [[access]]: what a role sees through the server beyond its own steps and
// applications, as its article gives it (安田町 第11条第1項: the CISO, all;
// 第13条第2項・第20条第1項: a 情報セキュリティ責任者, their 課's). `sees`:
// "all", or "unit" (the units the role is held for; unit_head / unit_post
// roles only). `what`: cases, incidents, exceptions, registers, assets.
// A `read_only` role changes nothing through the server (監査).
struct Access {
  std::string role, sees;
  std::vector<std::string> what;
  bool read_only = false;
  std::string note;
  Cites cite;
  Source where;
};

struct Gap {
  std::string id, kind, note;
  Cites cite;
  Source where;
};

struct Declaratory {
  std::string reason;
  Cites cite;
  Source where;
};

struct RegulationRef {
  std::string file, title, number, effective;
  std::vector<std::string> tiers;
  std::optional<bool> is_public;  // unset when the text does not say
  Cites cite;
  Source where;
};

// review.toml: the text of each cited clause as its bindings were reviewed
// against (mamori pack review writes it). A regulation revised under a pack
// shows up as a clause whose text is no longer the reviewed one.
struct ClauseReview {
  std::string ref, text, reviewed_by, reviewed_at, note;
  Source where;
};

struct Pack {
  std::string dir;
  std::string id, name;
  int format = 0;
  std::string org_name, org_kind;
  RegulationRef regulation;
  Effect default_effect = Effect::kPermit;
  std::string default_note;
  std::vector<Role> roles;
  std::vector<PersonCategory> person_categories;
  Classification classification;
  std::vector<Named> facets;
  std::vector<Action> actions;
  std::vector<Obligation> obligations;
  std::vector<Rule> rules;
  std::vector<Named> zones;
  std::vector<Flow> flows;
  SeparationOfDuties sod;
  std::vector<Duty> duties;
  std::vector<Workflow> workflows;
  std::vector<ChecklistItem> checklist;
  std::vector<RegisterCheck> checks;
  std::vector<Parameter> parameters;
  Evidence evidence;
  Audit audit;
  std::vector<Access> access;
  std::vector<Gap> gaps;
  std::vector<Declaratory> declaratory;
  std::vector<std::string> files;  // the TOML files read, in order
  std::vector<ClauseReview> reviews;
  std::string review_file;  // DIR/review.toml when it exists, else empty
};

// One finding. Errors make `pack check` fail; notes are informational.
struct Diagnostic {
  std::string code;     // E-PACK-010
  Source where;
  std::string message;  // Japanese
};

struct LoadResult {
  Pack pack;
  std::vector<Diagnostic> errors;
};

// Reads DIR/pack.toml and the files it includes. Never throws on bad input:
// every problem becomes a Diagnostic, and loading goes on as far as it can.
LoadResult LoadPack(const std::string& dir);

struct Coverage {
  int articles = 0, bound = 0, declaratory = 0;
  std::vector<std::string> missing;  // citations of articles neither bound nor declaratory
};

struct CheckReport {
  std::vector<Diagnostic> errors;
  Coverage coverage;
  std::vector<std::string> unregulated_actions;  // actions with no rule: the default applies
  bool ok() const { return errors.empty(); }
};

// Holds a loaded pack to its regulation. `reg` is the parsed regulation.txt.
CheckReport CheckPack(const Pack& pack, const reiki::Regulation& reg);

// Load, parse the regulation and check in one go (what `mamori pack check` does).
struct PackCheck {
  LoadResult load;
  std::optional<reiki::Regulation> regulation;
  CheckReport report;
  bool ok() const { return load.errors.empty() && regulation && report.ok(); }
};
PackCheck LoadAndCheck(const std::string& dir);

// Every binding of the pack that cites each clause, as "rules「transport-c2plus」",
// in the order the clauses are first cited.
std::vector<std::pair<std::string, std::vector<std::string>>> BindingsByClause(const Pack& pack);

// `mamori pack review`: records the current text of the clauses `refs` (every
// cited clause whose text differs from its record, or has none, when `refs` is
// empty) as reviewed by `actor` at `at`, rewriting DIR/review.toml. Returns
// what was confirmed. Throws reiki::Error E-PACK-036 when a ref is not cited
// by the pack or the pack does not load.
struct ReviewChange {
  std::string ref, old_text, new_text;  // old_text empty: never reviewed
  std::vector<std::string> bindings;
};
std::vector<ReviewChange> ReviewClauses(const std::string& dir, const std::vector<std::string>& refs,
                                        const std::string& actor, const std::string& at, const std::string& note);

// The pack's content without comments and layout: each TOML file's tables as
// canonical JSON, then the regulation text. What a store's binding hashes, so
// that a comment-only edit does not count as a new pack version.
std::string CanonicalContent(const Pack& pack);

// "file:line:col: CODE: message" lines, sorted by place.
std::string FormatDiagnostics(std::vector<Diagnostic> diags);
std::string FormatCoverage(const Coverage& c);

// The Japanese summary of `mamori pack show`.
std::string Summary(const Pack& pack);

// The effect the pack gives `action` for one level of one axis, considering the
// rules whose matcher depends on nothing but that level (what the handling
// matrix shows). nullopt when neither such a rule nor a default decides it.
struct Decided {
  Effect effect;
  std::vector<const Rule*> rules;  // the rules that decided it (empty: a default)
  bool by_default = false;         // the action's default
  bool by_pack_default = false;    // the pack's [decision] default
};
// A period as a parameter's value gives it: "5年", "6か月" (ヶ月, ヵ月, 箇月),
// "90日"; full-width digits too. nullopt when the text is not one of these.
struct Period {
  int years = 0, months = 0, days = 0;
};
std::optional<Period> ParsePeriod(std::string_view text);
// The date `p` before `date` ("2026-11-22"); a day past the month's end is
// clamped to it (2026-03-31 less 1か月 is 2026-02-28).
std::string DateBefore(const std::string& date, const Period& p);
// The date `p` after `date`, clamped the same way (2026-01-31 and 1か月 is
// 2026-02-28): when a 定期的に duty falls due again.
std::string DateAfter(const std::string& date, const Period& p);
// A parameter's value as a period, its unit applied to a bare number ("5" 年).
std::optional<Period> PeriodOf(const Parameter& p);
// The evidence retention period the pack sets; nullopt while unset (keep all).
std::optional<Period> EvidenceRetention(const Pack& pack);

std::optional<Decided> DecideForLevel(const Pack& pack, const std::string& action,
                                      const std::string& axis, const std::string& level);

}  // namespace mamori::policy
