// cases: the policy's procedures running (案件) — applications through their
// approvals, exceptions, incidents — as the pack's workflows lay them down.
//
// Invariants:
//  * A case is its events. Each event is a row of "case_events" and the
//    case's state a row of "cases", both written through the store's one path
//    in the same transaction, so each is an evidence entry (kind "case") and
//    a failed command leaves neither. The state row is always Replay() of the
//    events; Verify() recomputes it, so a state edited by hand is found.
//  * Whoever acts on a step is resolved on the day they act, from the
//    registers of that day: the approvers of a decision step by deciding the
//    case's request again for that day (so after a 異動 the new 課長 approves
//    and the former one cannot), a role step by the role's holders that day.
//    Nobody is ever assumed: a vacant step waits and says why.
//  * Every command that changes a case takes the write lock first and reads
//    the case under it, so of two people acting on one step at once exactly
//    one lands and the other is told who did.
//  * A value mamori does not know (a step's record not given, a next step the
//    workflow does not have, a person not in the registers) is an error with
//    a stable code (E-CASE-0xx) and changes nothing.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "policy/policy.h"
#include "registry/io/table_io.h"
#include "reiki/reiki.h"
#include "store/store.h"

namespace mamori::ledger {
class Ledger;
}

namespace mamori::cases {

using Json = nlohmann::json;

// The state of one case as Replay() derives it: the static part fixed when
// it was opened (the workflow, the steps, the request, the article texts of
// that day) and what has happened since.
struct State {
  Json data;  // the "cases" row (see case_state.cc for its members)
  std::string id() const { return data.value("id", ""); }
  std::string status() const { return data.value("status", ""); }
  int current() const { return data.value("current", -1); }
};

// Events of one case, in order -> its state. Throws store::Error E-CASE-101
// when the events cannot have happened (an approval of a step that was not
// current, an event after the end): what Verify() reports.
State Replay(const std::vector<Json>& events);

// Replay in its two parts, for a command that holds the state already: the
// state after the opening event, and one event further (E-CASE-101 as above).
State Opening(const Json& first);
void Step(State& s, const Json& event);

// Japanese names of the statuses: open 審査中, returned 差戻し, rejected 却下,
// withdrawn 取下げ, done 完了.
std::string StatusName(const std::string& status);

struct Who {
  std::string person, name, post;  // post: the post or designation acted through
  bool acting = false;             // 代理 (代決)
};

// What a command did, for the CLI to print.
struct Outcome {
  std::string case_id;
  std::string message;  // Japanese, one or more lines
  State state;
  // apply on a permit: what was decided, for the caller to record as
  // evidence (the request, as decided, the decision), as decide --record does.
  Json permit;
};

// The workflow a hand-opened case runs: `given` when named, else the pack's
// one workflow of `kind` ("exception", matched on `emergency`, or
// "incident"). E-CASE-003 when the pack has none, or several and none is named.
std::string ChooseWorkflow(const policy::Pack& pack, const std::string& kind, bool emergency, const std::string& given);

class Cases {
 public:
  // `regulation` is the pack's text; `at` the JST timestamp commands record
  // ("" = now); `actor` the operator who ran the command.
  Cases(store::Store& store, const policy::Pack& pack, const reiki::Regulation& regulation, std::string actor);

  // mamori apply: decides `request_json` (the decide contract) for `as` on
  // `date` ("" = today). deny: refused with the reasons (E-CASE-001), no
  // case. permit: no case, says so. approval_required: opens a case of the
  // workflow for the action (E-CASE-003 when the pack has none).
  // `fields` is kept with the opening record, as Open keeps its own: what
  // the deciders are asked to approve beyond the request (the audit plan of
  // 第133条第1項: its units and auditors).
  Outcome Apply(const std::string& request_json, const std::string& as, const std::string& date,
                const Json& fields = Json::object());

  // A case opened by hand: an exception (例外措置) or an incident, of the
  // workflow `workflow_id`, with its fields (departs, measure, reason, until,
  // what happened …) kept as the opening record.
  Outcome Open(const std::string& workflow_id, const std::string& as, const Json& fields, const std::string& unit,
               const std::string& date);

  enum class Verb { kApprove, kRecord, kReject, kReturn, kResubmit, kWithdraw, kConfirm, kNote };
  struct Act {
    Verb verb = Verb::kApprove;
    std::string as, date;                // the person acting; the day ("" = today)
    std::string reason;                  // reject / return / withdraw / note
    Json records = Json::object();       // the step's records, by name
    std::string next;                    // the step chosen when several may follow
    std::vector<std::string> present;    // a committee step: the members who sat
    // incident assess | instruct | close: what the waiting step must be (its
    // act, or a step that may end the case); "" for any.
    std::string expect;
  };
  Outcome Do(const std::string& case_id, const Act& act);

  // Group commit: while set, commands neither begin nor commit; the caller
  // holds one store::Transaction (and so the write lock) around many of
  // them, and one signed head covers them all. Unset, each command is its
  // own transaction.
  void SetBatch(bool on) { batch_ = on; }

  // The case, replayed from its events (E-CASE-005 when there is no such case).
  State Get(const std::string& case_id);
  std::vector<Json> Events(const std::string& case_id);
  // The "case_events" row of a case's n-th event (1-based): "C2026-000001/0001".
  static std::string EventRowId(const std::string& case_id, long n);

  // Who may act on the case's current step on `date`, and, when nobody may,
  // why (空席, the step's role not filled).
  std::vector<Who> Actors(const State& s, const std::string& date, std::string* why = nullptr);

  struct Filter {
    std::string kind, status, applicant, unit, from, to;  // dates: opened between, inclusive
  };
  std::vector<State> List(const Filter& f);
  // What waits for `person` on `date`, oldest first: the cases whose current
  // step is for a role they hold that day where it applies (their 課, their
  // system, the whole body), and their own cases returned to them. Read from
  // the queue rows (QueueOf) under the roles Registry::RolesHeld gives, so
  // a 課長's inbox does not read every case; acting on one resolves the step
  // again for that day, exactly (inbox.cc).
  struct InboxItem {
    std::string case_id, name, kind, status, applicant, applicant_name, opened_at, step_name;
    int step = -1;
    std::string json;  // the queue row as stored (canonical JSON), what --format json prints
  };
  std::vector<InboxItem> Inbox(const std::string& person, const std::string& date);

  // The queue rows a state stands in ("case_queue", id "role|scope|case"):
  // one per role that may take its current step, "applicant|<id>" when it
  // waits for its applicant; none once it has ended. Written beside the
  // state by the same path; Verify() holds them to the states (E-CASE-104).
  static std::vector<std::pair<std::string, Json>> QueueOf(const State& s);

  // 安田町 第121条: the CISO keeps every exception's application and the
  // result of its review, and checks them periodically. One row per
  // exception case on `date`: its period, its age in days, whether it is in
  // force, past its period, or renewed by a later case (fields.renews).
  registry::io::Table ExceptionRegister(const std::string& date);

  // Japanese text of a case: its steps, who acted as whom and when, who may
  // act now, the article texts it was opened under.
  std::string Show(const State& s, const std::string& date);

 private:
  struct Resolved;
  Resolved Resolve(const State& s, int step, const std::string& date);
  void CheckApplicants(const policy::Workflow& wf, const std::string& as, const std::string& name, const std::string& day);
  Outcome Opened(const Json& open, const policy::Workflow& wf, const std::string& as, const std::string& name,
                 const std::string& day, const std::string& date);
  Json OpenEvent(const Json& open, const std::string& as, const std::string& name, const std::string& day);
  // `before` (the stored state, taken) and `before_text` (its row as
  // stored) are null for the opening event.
  State Write(const std::string& case_id, State* before, const std::string* before_text, Json event,
              const std::string& at);
  std::string At(const std::string& date) const;
  std::string NextId(const std::string& day);

  store::Store& store_;
  const policy::Pack& pack_;
  const reiki::Regulation& regulation_;
  std::string actor_;
  // Compiled once per command, on first need: a command sees one state of
  // the registers (it holds the write lock while it acts).
  std::shared_ptr<const engine::Snapshot> snapshot_;
  bool batch_ = false;
  std::string pack_hash_;  // of the pack as bound now (HashPack reads the whole text)
};

// Every case's state row is Replay() of its events, and every event belongs
// to a case: findings E-CASE-101 (events that cannot have happened),
// E-CASE-102 (a state row that is not what its events give), E-CASE-103 (a
// case without events, or events without a case), E-CASE-104 (a queue row
// missing, extra or stale).
struct Finding {
  std::string code, case_id, message;
};

// An exception (例外措置) case's period on `date`, as the 第121条 register
// shows it: 期間内, 期間切れ, 期間の定めなし (once permitted), else its status
// name; "（更新済み）" when a later case renews it (fields.renews).
std::string ExceptionPeriod(const State& s, const std::string& date, bool renewed);
// The exceptions in force past their period on `date` that no later case
// renews: what `mamori check` reports (exceptions_past_period).
std::vector<State> ExceptionsPastPeriod(store::Store& store, const std::string& date);
std::vector<Finding> Verify(store::Store& store);

// For the auditor: each event of a case with its inclusion proof in the
// ledger (RFC 9162), verified here against the tree it names. What `mamori
// case proof` prints and GET /api/v1/cases/{id}/proof answers:
// {"case", "size", "root", "verified", "proofs": [{"event", "type", "entry",
// "size", "leaf", "root", "path", "verified"} or {"event", "verified":
// false, "reason"}]}. E-CASE-005 for no such case, E-CASE-017 with no signed
// head yet.
Json Proofs(Cases& cases, store::Store& store, ledger::Ledger& log, const std::string& case_id);

}  // namespace mamori::cases
