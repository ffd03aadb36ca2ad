// The API's routes: who is calling (a session cookie or an API token), what
// they may do (their posts that day, the pack's [[access]], a token's
// scopes), and the same modules the CLI drives (engine, cases, registry,
// ledger) behind them. Every answer is JSON; an error carries the code the
// CLI would print and a Japanese message.
#include "server/api.h"

#include <nlohmann/json.hpp>

#include <sodium.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "cases/cases.h"
#include "compliance/compliance.h"
#include "report/report.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "registry/io/table_io.h"
#include "registry/registry.h"
#include "server/accounts.h"
#include "server/sessions.h"
#include "server/totp.h"

namespace mamori::server::internal {

using Json = nlohmann::json;

namespace {

constexpr const char* kCookie = "mamori_session";
// One answer for every failed login, whatever failed (no enumeration).
constexpr const char* kLoginFailed = "職員番号かパスワードが違うか、このアカウントは使えません。続けて失敗すると、定められた回数でロックされます。";

[[noreturn]] void Fail(const std::string& code, const std::string& message) { throw store::Error(code, message); }

std::string Today() { return store::NowJst().substr(0, 10); }

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The HTTP status of an error code: who is calling (401), what they may not
// do (403), what is not there (404); anything else the client sent is 400.
int StatusOf(const std::string& code) {
  static const std::map<std::string, int> kStatus = {
      {"E-AUTH-001", 401}, {"E-AUTH-002", 401}, {"E-AUTH-008", 401}, {"E-AUTH-009", 401}, {"E-AUTH-006", 403},
      {"E-AUTH-007", 403}, {"E-API-403", 403},  {"E-CASE-010", 403}, {"E-CASE-004", 403}, {"E-API-404", 404},
      {"E-CASE-005", 404}, {"E-API-413", 413},  {"E-AUTH-010", 403}, {"E-AUTH-014", 401}, {"E-AUTH-015", 403},
      {"E-COMP-003", 403}, {"E-COMP-002", 404}};
  if (auto it = kStatus.find(code); it != kStatus.end()) return it->second;
  return code.rfind("E-SRV-5", 0) == 0 || code == "E-AUTH-500" || code == "E-API-500" || code == "E-AUTH-016" ? 500 : 400;
}

void Answer(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

Json BodyJson(const httplib::Request& req) {
  if (req.body.empty()) return Json::object();
  Json j = Json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    Fail("E-API-400", "要求の本文が JSON のオブジェクトではありません。");
  return j;
}

std::string CookieOf(const httplib::Request& req, const std::string& name) {
  const std::string all = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < all.size()) {
    auto end = all.find(';', at);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(at, end - at);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

// A private temporary directory for a file a library insists on writing
// (a PDF, a workbook) or reading (an upload), removed with everything in it:
// nothing is ever left beside the store.
struct TempDir {
  std::string path;
  TempDir() {
    char dir[] = "/tmp/mamori-api-XXXXXX";
    if (!mkdtemp(dir)) Fail("E-API-500", "一時ディレクトリを作れません。");
    path = dir;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Read(const std::string& name) const {
    std::ifstream in(path + "/" + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  void Write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path + "/" + name, std::ios::binary);
    out << bytes;
    if (!out.flush()) Fail("E-API-500", "受け取ったファイルを一時ディレクトリに書けません。");
  }
};

// Content-Disposition with an ASCII name and the Japanese one (RFC 6266 / 5987).
std::string Attachment(const std::string& ascii, const std::string& utf8) {
  std::string enc;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char ch : utf8) {
    // ASCII letters and digits by range: isalnum() follows the locale and may take a UTF-8 byte.
    const bool plain = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    if (plain || ch == '.' || ch == '-' || ch == '_') enc += static_cast<char>(ch);
    else enc += {'%', kHex[ch >> 4], kHex[ch & 15]};
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + enc;
}

// Who is calling: a person in a session, or a system with a token (which
// names the person each decide asks for).
struct Caller {
  std::string person, name;  // "" for a token
  std::optional<Token> token;
  std::string session_id;
  bool temporary = false;
  bool needs_totp = false;
};

}  // namespace

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> r = {
      {"GET", "/healthz"},
      {"GET", "/api/v1/openapi.json"},
      {"POST", "/api/v1/login"},
      {"POST", "/api/v1/logout"},
      {"POST", "/api/v1/password"},
      {"POST", "/api/v1/totp/enrol"},
      {"POST", "/api/v1/totp/confirm"},
      {"GET", "/api/v1/me"},
      {"POST", "/api/v1/decide"},
      {"POST", "/api/v1/decide/batch"},
      {"GET", "/api/v1/cases"},
      {"POST", "/api/v1/cases"},
      {"GET", "/api/v1/cases/inbox"},
      {"GET", "/api/v1/exceptions"},
      {"POST", "/api/v1/exceptions"},
      {"POST", "/api/v1/incidents"},
      {"GET", "/api/v1/cases/{id}"},
      {"POST", "/api/v1/cases/{id}/{verb}"},
      {"GET", "/api/v1/registers/{kind}"},
      {"GET", "/api/v1/registers/{kind}/{id}"},
      {"GET", "/api/v1/checks"},
      {"GET", "/api/v1/reports/annual"},
      {"GET", "/api/v1/ledger/head"},
      {"GET", "/api/v1/ledger/inclusion/{entry}"},
      {"GET", "/api/v1/ledger/consistency"},
      {"GET", "/api/v1/ledger/export"},
      {"GET", "/api/v1/ledger/witness"},
      {"GET", "/api/v1/cases/{id}/proof"},
      {"POST", "/api/v1/registers/import"},
      {"GET", "/api/v1/registers/{kind}/export"},
      {"GET", "/api/v1/duties"},
      {"POST", "/api/v1/duties/{id}/done"},
      {"GET", "/api/v1/training"},
      {"GET", "/api/v1/inspection"},
      {"GET", "/api/v1/inspection/form"},
      {"POST", "/api/v1/inspection/answers"},
      {"GET", "/api/v1/audits"},
  };
  return r;
}

class Api {
 public:
  Api(registry::Bound& b, std::mutex& mu, std::string db)
      : b_(b),
        mu_(mu),
        db_(std::move(db)),
        reg_(reiki::ParseFile((std::filesystem::path(b.pack.dir) / b.pack.regulation.file).string())),
        enforced_(EnforcedValues(b.pack)) {}

  void Mount(httplib::Server& svr) {
    svr.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(OpenApiDocument(), "application/json; charset=utf-8");
    });
    Post(svr, "/api/v1/login", false, [this](auto& req, auto& res, Caller&) { Login(req, res); });
    Post(svr, "/api/v1/logout", true, [this](auto&, auto& res, Caller& c) {
      RequirePerson(c);
      sessions_.Close(c.session_id);
      res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
      Answer(res, 200, {{"ended", true}});
    });
    Post(svr, "/api/v1/password", true, [this](auto& req, auto& res, Caller& c) {
      RequirePerson(c);
      const Json body = BodyJson(req);
      ChangePassword(*b_.store, b_.pack, c.person, Str(body, "current"), Str(body, "new"), "api:" + c.person);
      sessions_.Changed(c.session_id);
      Answer(res, 200, {{"changed", true}});
    });
    Post(svr, "/api/v1/totp/enrol", true, [this](auto&, auto& res, Caller& c) {
      RequireSettled(c, true);
      std::string raw(20, '\0');  // 160 bits, as RFC 4226 recommends
      randombytes_buf(raw.data(), raw.size());
      pending_totp_[c.person] = raw;
      const std::string uri = OtpauthUri("mamori " + b_.pack.org_name, c.person, raw);
      Answer(res, 200, {{"secret", Base32(raw)}, {"uri", uri}, {"qr_svg", QrSvg(uri)}});
    });
    Post(svr, "/api/v1/totp/confirm", true, [this](auto& req, auto& res, Caller& c) {
      RequireSettled(c, true);
      const auto it = pending_totp_.find(c.person);
      if (it == pending_totp_.end()) Fail("E-AUTH-018", "登録中の認証アプリがありません。POST /api/v1/totp/enrol から始めてください。");
      const long long step = MatchingStep(it->second, Str(BodyJson(req), "code"), std::time(nullptr));
      if (step < 0) Fail("E-AUTH-018", "確認コードが違います。認証アプリに表示されている6桁を入れてください。");
      EnableTotp(*b_.store, c.person, Seal(db_, it->second), "api:" + c.person);
      last_step_[c.person] = step;
      pending_totp_.erase(it);
      sessions_.TotpDone(c.session_id);
      Answer(res, 200, {{"enrolled", true}});
    });
    Get(svr, "/api/v1/me", [this](auto&, auto& res, Caller& c) {
      RequirePerson(c);
      Json roles = Json::array();
      registry::Registry reg(*b_.store, b_.pack);
      for (const auto& h : reg.RolesHeld(c.person, Today()))
        roles.push_back({{"role", h.role}, {"name", RoleName(h.role)}, {"scope", h.scope}, {"acting", h.acting}});
      Answer(res, 200, {{"person", c.person}, {"name", c.name}, {"temporary", c.temporary}, {"needs_totp", c.needs_totp}, {"roles", roles}});
    });
    Post(svr, "/api/v1/decide", true, [this](auto& req, auto& res, Caller& c) {
      RequireScope(c, "decide");
      res.status = 200;
      res.set_content(DecideOne(c, req.body), "application/json; charset=utf-8");
    });
    Post(svr, "/api/v1/decide/batch", true, [this](auto& req, auto& res, Caller& c) {
      RequireScope(c, "decide");
      // Lines read in place and answers appended to one string sized for
      // them (an answer is about eight times its request): a batch of
      // 10,000 is 15 MB out, and growing it by doubling was a third of the time.
      const std::string_view body = req.body;
      Refresh();  // once: the batch is decided on one state of the registers (the store is held throughout)
      // `part` holds whole lines, the first numbered `n + 1`.
      const auto decide = [&](std::string_view part, long n, std::string& out) {
        out.reserve(std::min<std::size_t>(part.size() * 9, std::size_t{64} << 20));
        for (std::size_t at = 0; at < part.size();) {
          std::size_t end = part.find('\n', at);
          if (end == std::string_view::npos) end = part.size();
          const std::string_view line = part.substr(at, end - at);
          at = end + 1;
          ++n;
          if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
          try {
            DecideInto(out, c, line, false);
          } catch (const store::Error& e) {
            out += Json{{"error", {{"code", e.code()}, {"message", e.what()}, {"line", n}}}}.dump(
                -1, ' ', false, Json::error_handler_t::replace);
          }
          out += '\n';
        }
      };
      // A large batch is decided in two halves at once, the second on a
      // thread of its own: deciding reads only the compiled snapshot, which
      // nothing changes while the store is held, so the halves cannot differ
      // in what they see, and the second core halves the wait. Small ones
      // are not worth a thread.
      std::string out, second;
      std::size_t half = body.size() >= (std::size_t{256} << 10) ? body.find('\n', body.size() / 2) : std::string_view::npos;
      if (half == std::string_view::npos) {
        decide(body, 0, out);
      } else {
        const std::string_view first_part = body.substr(0, half + 1), second_part = body.substr(half + 1);
        const long before = static_cast<long>(std::count(first_part.begin(), first_part.end(), '\n'));
        std::exception_ptr failed;
        std::thread helper([&] {
          try {
            decide(second_part, before, second);
          } catch (...) {
            failed = std::current_exception();
          }
        });
        try {
          decide(first_part, 0, out);
        } catch (...) {
          helper.join();
          throw;
        }
        helper.join();
        if (failed) std::rethrow_exception(failed);
        out += second;
      }
      res.status = 200;
      res.body = std::move(out);
      res.set_header("Content-Type", "application/x-ndjson; charset=utf-8");
    });
    Get(svr, "/api/v1/cases", [this](auto& req, auto& res, Caller& c) {
      RequireSettled(c);
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      cases::Cases::Filter f;
      f.status = req.get_param_value("status");
      f.kind = req.get_param_value("kind");
      Json out = Json::array();
      const Grants g = GrantsOf(c.person);
      for (const auto& s : cs.List(f))
        if (Sees(cs, g, c.person, s)) out.push_back(Summary(s));
      Answer(res, 200, {{"cases", out}});
    });
    Post(svr, "/api/v1/cases", true, [this](auto& req, auto& res, Caller& c) {
      RequireWriter(c);
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      auto o = cs.Apply(req.body, c.person, "");
      Answer(res, o.case_id.empty() ? 200 : 201, {{"case", o.case_id.empty() ? Json(nullptr) : Summary(o.state)},
                                                 {"message", o.message},
                                                 {"decision", o.permit.is_null() ? Json(nullptr) : o.permit["decision"]}});
    });
    // An exception (例外措置) and an incident, opened by hand as the CLI opens them.
    Post(svr, "/api/v1/exceptions", true, [this](auto& req, auto& res, Caller& c) {
      RequireWriter(c);
      const Json body = BodyJson(req);
      const bool emergency = body.value("emergency", false);
      Json fields = {{"departs", Str(body, "departs")}, {"measure", Str(body, "measure")}, {"reason", Str(body, "reason")}};
      for (const char* k : {"departs", "measure", "reason"})
        if (Str(body, k).empty()) Fail("E-API-400", std::string("例外措置の ") + k + "（遵守しない条項・代わりの措置・理由）を与えてください。");
      if (!Str(body, "until").empty()) {
        const auto d = registry::io::ParseDate(Str(body, "until"));
        if (!d) Fail("E-CASE-008", "until の日付「" + Str(body, "until") + "」を読めません（例: 2027-03-31、令和9年3月31日）。");
        fields["until"] = *d;
      }
      if (emergency) fields["emergency"] = "はい";
      if (!Str(body, "renews").empty()) fields["renews"] = Str(body, "renews");
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      const auto id = cases::ChooseWorkflow(b_.pack, "exception", emergency, Str(body, "workflow"));
      const auto o = cs.Open(id, c.person, fields, Str(body, "unit"), "");
      Answer(res, 201, {{"case", Summary(o.state)}, {"message", o.message}});
    });
    Post(svr, "/api/v1/incidents", true, [this](auto& req, auto& res, Caller& c) {
      RequireWriter(c);
      const Json body = BodyJson(req);
      if (Str(body, "what").empty()) Fail("E-API-400", "何が起きたか（what）を与えてください。");
      Json fields = {{"what", Str(body, "what")}};
      if (!Str(body, "system").empty()) fields["system"] = Str(body, "system");
      if (body.value("from_resident", false)) fields["from_resident"] = "はい";
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      const auto id = cases::ChooseWorkflow(b_.pack, "incident", false, Str(body, "workflow"));
      const auto o = cs.Open(id, c.person, fields, Str(body, "unit"), "");
      Answer(res, 201, {{"case", Summary(o.state)}, {"message", o.message}});
    });
    // The 第121条 register of exceptions: for those who see every exception.
    Get(svr, "/api/v1/exceptions", [this](auto&, auto& res, Caller& c) {
      RequireSettled(c);
      const Grants g = GrantsOf(c.person);
      if (!g.all.count("cases") && !g.all.count("exceptions"))
        Fail("E-API-403", "例外措置の一覧を見る権限がありません。" + VisibilityNote() + "が見られます。");
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      const auto t = cs.ExceptionRegister(Today());
      Answer(res, 200, {{"columns", t.header}, {"rows", t.rows}});
    });
    Get(svr, "/api/v1/cases/inbox", [this](auto&, auto& res, Caller& c) {
      RequireSettled(c);
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      Json out = Json::array();
      for (const auto& i : cs.Inbox(c.person, Today())) out.push_back(Json::parse(i.json));
      Answer(res, 200, {{"inbox", out}});
    });
    Get(svr, R"(/api/v1/cases/([^/]+))", [this](auto& req, auto& res, Caller& c) {
      RequireSettled(c);
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      const auto s = cs.Get(req.matches[1]);
      if (!Sees(cs, GrantsOf(c.person), c.person, s))
        Fail("E-API-403", "案件 " + s.id() + " を見る権限がありません。申請した人、その段を進める職の人、" + VisibilityNote() + "が見られます。");
      Json events = Json::array();
      for (auto& e : cs.Events(s.id())) {
        e.erase("citations");  // the article texts stay in the case's own record (GET shows them once)
        events.push_back(std::move(e));
      }
      std::string why;
      Json actors = Json::array();
      for (const auto& w : cs.Actors(s, Today(), &why))
        actors.push_back({{"person", w.person}, {"name", w.name}, {"post", w.post}, {"acting", w.acting}});
      Answer(res, 200, {{"case", s.data}, {"timeline", events}, {"actors", actors}, {"waiting_because", why}});
    });
    Post(svr, R"(/api/v1/cases/([^/]+)/([a-z]+))", true, [this](auto& req, auto& res, Caller& c) {
      RequireWriter(c);
      static const std::map<std::string, cases::Cases::Verb> kVerbs = {
          {"approve", cases::Cases::Verb::kApprove}, {"record", cases::Cases::Verb::kRecord},
          {"reject", cases::Cases::Verb::kReject},   {"return", cases::Cases::Verb::kReturn},
          {"resubmit", cases::Cases::Verb::kResubmit}, {"withdraw", cases::Cases::Verb::kWithdraw},
          {"confirm", cases::Cases::Verb::kConfirm}, {"note", cases::Cases::Verb::kNote}};
      const auto verb = kVerbs.find(req.matches[2]);
      if (verb == kVerbs.end())
        Fail("E-API-404", "案件への操作「" + std::string(req.matches[2]) +
                              "」はありません（approve、record、reject、return、resubmit、withdraw、confirm、note）。");
      const Json body = BodyJson(req);
      cases::Cases::Act act;
      act.verb = verb->second;
      act.as = c.person;
      act.reason = Str(body, "reason");
      act.next = Str(body, "next");
      act.expect = Str(body, "expect");
      if (body.contains("records") && body["records"].is_object()) act.records = body["records"];
      for (const auto& p : body.value("present", Json::array()))
        if (p.is_string()) act.present.push_back(p.get<std::string>());
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      auto o = cs.Do(req.matches[1], act);
      Answer(res, 200, {{"case", Summary(o.state)}, {"message", o.message}});
    });
    // Before the row route, which would take "export" for an id.
    Get(svr, R"(/api/v1/registers/([a-z_]+)/export)", [this](auto& req, auto& res, Caller& c) { ExportRegister(req, res, c); });
    Post(svr, "/api/v1/registers/import", true, [this](auto& req, auto& res, Caller& c) { ImportRegisters(req, res, c); });
    Get(svr, R"(/api/v1/registers/([a-z_]+))", [this](auto& req, auto& res, Caller& c) { Registers(req, res, c); });
    Get(svr, R"(/api/v1/registers/([a-z_]+)/([^/]+))", [this](auto& req, auto& res, Caller& c) { RegisterRow(req, res, c); });
    // The pack's checks over the registers today (mamori check).
    Get(svr, "/api/v1/checks", [this](auto&, auto& res, Caller& c) {
      RequireReader(c, "registers");
      Json out = Json::array();
      for (const auto& r : compliance::RunChecks(*b_.store, b_.pack, Today())) {
        Json findings = Json::array();
        for (const auto& f : r.findings)
          findings.push_back({{"kind", f.kind}, {"kind_name", f.kind_name}, {"row", f.row}, {"detail", f.detail}});
        out.push_back({{"id", r.check ? r.check->id : ""}, {"kind", r.check ? r.check->kind : ""}, {"name", r.name},
                       {"cite", r.check ? Refs(r.check->cite) : ""}, {"findings", findings}});
      }
      Answer(res, 200, {{"date", Today()}, {"checks", out}});
    });
    // The committee's annual report, as `mamori report annual` writes it.
    Get(svr, "/api/v1/reports/annual", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const std::string format = req.has_param("format") ? req.get_param_value("format") : "pdf";
      if (format != "pdf" && format != "xlsx") Fail("E-API-400", "format は pdf か xlsx です。");
      const compliance::FiscalYear fy = req.has_param("fy") ? compliance::ParseFiscalYear(req.get_param_value("fy"))
                                                            : compliance::FiscalYearOf(Today());  // 年度 from 1 April
      report::Options o;
      o.fy = fy.year;
      o.unit = req.get_param_value("unit");
      o.now = Today();
      o.as_of = fy.Contains(o.now) ? o.now : o.now > fy.end ? fy.end : fy.start;
      const report::Document doc = report::AnnualReport(*b_.store, *b_.ledger, b_.pack, o);
      const TempDir dir;
      if (format == "pdf") report::WritePdf(doc, dir.path + "/report.pdf");
      else report::WriteXlsx(doc, dir.path + "/report.xlsx");
      const std::string bytes = dir.Read("report." + format);
      res.status = 200;
      res.set_header("Content-Disposition", "attachment; filename=\"annual-" + std::to_string(fy.year) + "." + format + "\"");
      res.set_content(bytes, format == "pdf" ? "application/pdf"
                                             : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    });
    Get(svr, "/api/v1/ledger/head", [this](auto&, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const auto h = b_.ledger->Head();
      if (!h) Fail("E-LEDGER-012", "証跡に署名付きツリーヘッドがまだありません。");
      Answer(res, 200, {{"size", h->size}, {"timestamp", h->timestamp_ms}, {"at", ledger::SignedTime(*h)},
                        {"root", ledger::Hex(h->root)}, {"signature", ledger::HexOf(h->signature)}});
    });
    Get(svr, R"(/api/v1/ledger/inclusion/([0-9]{1,18}))", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      auto p = b_.ledger->ProveInclusion(std::stoull(req.matches[1]), 0);
      Json path = Json::array();
      for (const auto& h : p.path) path.push_back(ledger::Hex(h));
      const bool ok = ledger::VerifyInclusion(p.seq, p.size, p.leaf, p.path, p.root);
      Answer(res, 200, {{"entry", p.seq}, {"size", p.size}, {"leaf", ledger::Hex(p.leaf)}, {"root", ledger::Hex(p.root)},
                        {"path", path}, {"verified", ok}});
    });
    // RFC 9162 consistency: the old tree by its size, or by a head the
    // caller kept (a line of `ledger head`, an export or a witness file),
    // which is what makes it a proof rather than this log agreeing with itself.
    Get(svr, "/api/v1/ledger/consistency", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const std::string trusted = req.get_param_value("trusted_head");
      std::uint64_t from = 0, to = 0;
      if (!trusted.empty() == req.has_param("from"))
        Fail("E-LEDGER-015", "古い木は trusted_head（保存したツリーヘッドの行）か from（大きさ）のどちらか一方で指定してください。");
      if (req.has_param("from")) from = Count(req.get_param_value("from"), "from");
      if (req.has_param("to")) to = Count(req.get_param_value("to"), "to");
      std::optional<ledger::KeptHead> kept;
      if (!trusted.empty()) {
        const std::string text = trusted.starts_with(ledger::kWitnessMagic) ? trusted : std::string(ledger::kWitnessMagic) + "\n" + trusted + "\n";
        const auto heads = ledger::ReadKeptHeads(text, "trusted_head");
        if (heads.empty()) Fail("E-LEDGER-015", "trusted_head にツリーヘッドの行がありません。");
        kept = heads.back();
        from = kept->size;
        if (from > b_.ledger->size())
          Fail("E-LEDGER-120", "保存されたツリーヘッドは " + std::to_string(from) + " 件ですが、今の証跡は " +
                                   std::to_string(b_.ledger->size()) + " 件しかありません。証跡が縮んでいます。");
      }
      if (from == 0) Fail("E-LEDGER-015", "from は 1 以上の大きさで指定してください。");
      const auto p = b_.ledger->ProveConsistency(from, to);
      const ledger::Hash given = kept ? kept->root : p.from_root;
      const bool ok = ledger::VerifyConsistency(p.from, p.to, given, p.to_root, p.proof) && (!kept || kept->root == p.from_root);
      Json proof = Json::array();
      for (const auto& h : p.proof) proof.push_back(ledger::Hex(h));
      Answer(res, 200, {{"from", p.from}, {"to", p.to}, {"from_root", ledger::Hex(given)}, {"computed_from_root", ledger::Hex(p.from_root)},
                        {"to_root", ledger::Hex(p.to_root)}, {"proof", proof}, {"verified", ok}, {"trusted", kept.has_value()}});
    });
    // The export an auditor verifies with the public key alone (`mamori
    // ledger verify --export`), up to a signed head's size (0: the latest).
    Get(svr, "/api/v1/ledger/export", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const std::uint64_t size = req.has_param("size") ? Count(req.get_param_value("size"), "size") : 0;
      std::ostringstream out;
      b_.ledger->Export(out, size);
      res.status = 200;
      res.set_header("Content-Disposition", "attachment; filename=\"ledger-export.jsonl\"");
      res.set_content(out.str(), "application/x-ndjson; charset=utf-8");
    });
    // The signed heads past `after` as witness-file lines: a witness on
    // another machine appends them to the file it keeps (docs/ledger.md).
    Get(svr, "/api/v1/ledger/witness", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const std::uint64_t after = req.has_param("after") ? Count(req.get_param_value("after"), "after") : 0;
      std::string text;
      for (const auto& h : b_.ledger->Heads())
        if (h.size > after) text += ledger::HeadLine(h) + "\n";
      res.status = 200;
      res.set_content(text, "text/plain; charset=utf-8");
    });
    Get(svr, R"(/api/v1/cases/([^/]+)/proof)", [this](auto& req, auto& res, Caller& c) {
      cases::Cases cs(*b_.store, b_.pack, reg_, "api:" + c.person);
      if (!c.token) {
        RequireSettled(c);
        const auto s = cs.Get(req.matches[1]);
        if (!Sees(cs, GrantsOf(c.person), c.person, s))
          Fail("E-API-403", "案件 " + s.id() + " を見る権限がありません。申請した人、その段を進める職の人、" + VisibilityNote() + "が見られます。");
      } else if (!TokenAllows(*c.token, "cases")) {
        Fail("E-API-403", "API トークン「" + c.token->name + "」の範囲に cases がありません。");
      }
      Answer(res, 200, cases::Proofs(cs, *b_.store, *b_.ledger, req.matches[1]));
    });
    MountYear(svr);
  }

  // The 年度's work: its duties (and recording one done), training, the
  // self-inspection and the audits, as `mamori duties|training|inspect|audit`
  // show them. `fy` is any form ParseFiscalYear reads; absent, today's 年度.
  void MountYear(httplib::Server& svr) {
    Get(svr, "/api/v1/duties", [this](auto& req, auto& res, Caller& c) {
      RequireAnyReader(c);
      const auto fy = FyOf(req);
      compliance::Duties duties(*b_.store, b_.pack);
      const auto list = duties.List(fy, AsOfIn(fy), Today());
      Json out = Json::array();
      for (const auto& d : list) {
        Json scopes = Json::array();
        for (const auto& sc : d.scopes)
          scopes.push_back({{"id", sc.id}, {"name", sc.name}, {"status_name", compliance::ScopeStatusName(d, sc)},
                            {"done", sc.done}, {"vacancy", sc.vacancy}});
        out.push_back({{"id", d.duty->id}, {"name", d.duty->name}, {"role", d.duty->role}, {"role_name", d.role_name},
                       {"cycle", d.duty->cycle}, {"cycle_name", compliance::CycleName(d.duty->cycle)}, {"due", d.due},
                       {"status", d.status}, {"status_name", d.StatusName()},
                       {"cite", compliance::Join(compliance::Refs(d.duty->cite), "・")}, {"scopes", scopes}});
      }
      Answer(res, 200, {{"fy", fy.year}, {"fy_name", fy.Wareki()}, {"duties", out}});
    });
    // A duty done, by the caller, who must hold its role that day. Evidence
    // is a note, a SHA-256 (with the file's name) or a case: a path on the
    // server is nobody's evidence, so file: is refused here.
    Post(svr, R"(/api/v1/duties/([^/]+)/done)", true, [this](auto& req, auto& res, Caller& c) {
      RequireWriter(c);
      const Json body = BodyJson(req);
      compliance::Duties duties(*b_.store, b_.pack);
      compliance::Duties::Done d;
      d.duty = duties.Find(req.matches[1]).id;  // E-COMP-002 with the nearest ids
      d.as = c.person;
      d.date = Str(body, "date");
      d.scope = Str(body, "scope");
      d.actor = "api:" + c.person;
      for (const auto& e : body.value("evidence", Json::array())) {
        if (!e.is_object()) Fail("E-COMP-004", "evidence は {\"type\": \"note\", \"value\": \"…\"} の並びで与えてください。");
        const std::string type = Str(e, "type");
        if (type == "file")
          Fail("E-COMP-004", "API ではファイルの場所を証拠にできません。ファイルの SHA-256 を type \"sha256\" で、名前を name で与えてください。");
        compliance::Evidence ev = compliance::ParseEvidence(type + ":" + Str(e, "value"));
        if (ev.type == "sha256") ev.name = Str(e, "name");
        d.evidence.push_back(ev);
      }
      const Json row = duties.Record(d);
      Answer(res, 201, {{"record", row}});
    });
    Get(svr, "/api/v1/training", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const auto y = compliance::Training(*b_.store, b_.pack, FyOf(req));
      auto unit = [](const compliance::TrainingUnit& u) {
        const auto rate = compliance::AttendanceRate(u);
        return Json{{"id", u.id}, {"name", u.name}, {"in_scope", u.in_scope}, {"attended", u.attended},
                    {"not_attended", u.not_attended}, {"rate", rate ? Json(*rate) : Json(nullptr)},
                    {"new_staff", u.new_staff}, {"new_staff_untrained", u.new_staff_untrained}};
      };
      Json units = Json::array(), courses = Json::array();
      for (const auto& u : y.units) units.push_back(unit(u));
      for (const auto& k : y.courses) {
        Json sessions = Json::array();
        for (const auto& [date, n] : k.sessions) sessions.push_back({{"date", date}, {"attendees", n}});
        courses.push_back({{"name", k.name}, {"sessions", sessions}, {"attendees", k.attendees}});
      }
      auto cite = [](const policy::Duty* d) { return d ? Json(compliance::Join(compliance::Refs(d->cite), "・")) : Json(nullptr); };
      Answer(res, 200, {{"fy", y.fy.year}, {"fy_name", y.fy.Wareki()}, {"total", unit(y.total)}, {"units", units},
                        {"courses", courses}, {"others", y.others},
                        {"yearly_cite", cite(y.yearly)}, {"new_staff_cite", cite(y.new_staff_duty)}});
    });
    // The self-inspection's progress by respondent, and each いいえ with its
    // improvement measure (安田町 第139条・第140条).
    Get(svr, "/api/v1/inspection", [this](auto& req, auto& res, Caller& c) {
      RequireReader(c, "registers");
      const auto fy = FyOf(req);
      const auto progress = compliance::Progress(*b_.store, b_.pack, fy, AsOfIn(fy));
      Answer(res, 200, {{"fy", fy.year}, {"fy_name", fy.Wareki()}, {"progress", TableJson(compliance::ProgressTable(progress))},
                        {"measures", TableJson(compliance::MeasuresTable(progress))}});
    });
    // 自己点検 by its respondents (安田町 第139条): each downloads their own
    // form and sends it back filled. Nobody answers for another: a row of a
    // respondent the sender is not that day is refused (403), and the whole
    // organisation's forms stay with `mamori inspect export|import`.
    Get(svr, "/api/v1/inspection/form", [this](auto& req, auto& res, Caller& c) { InspectionForm(req, res, c); });
    Post(svr, "/api/v1/inspection/answers", true, [this](auto& req, auto& res, Caller& c) { InspectionAnswers(req, res, c); });
    // The 年度's audits and their findings: everything for those who see
    // every register, a unit's own findings for one who sees that unit.
    Get(svr, "/api/v1/audits", [this](auto& req, auto& res, Caller& c) {
      const auto fy = FyOf(req);
      const auto audits = compliance::AuditsOf(*b_.store, fy);
      registry::io::Table findings;
      if (c.token) {
        RequireReader(c, "registers");
        findings = compliance::FindingsTable(audits);
      } else {
        RequireSettled(c);
        const Grants g = GrantsOf(c.person);
        if (g.all.count("registers") || g.all.count("cases")) {
          findings = compliance::FindingsTable(audits);
        } else {
          std::set<std::string> units;
          for (const auto& [what, us] : g.units) units.insert(us.begin(), us.end());
          if (units.empty()) Fail("E-API-403", "監査の指摘事項を見る権限がありません。" + VisibilityNote() + "が見られます。");
          for (const auto& u : units) {
            auto t = compliance::FindingsTable(audits, u);
            if (findings.header.empty()) findings.header = t.header;
            findings.rows.insert(findings.rows.end(), t.rows.begin(), t.rows.end());
          }
        }
      }
      Json plans = Json::array();
      for (const auto& a : audits)
        plans.push_back({{"id", Str(a.audit, "id")}, {"title", Str(a.audit, "title")}, {"plan_status", a.plan_status},
                         {"plan_status_name", compliance::PlanStatusName(a.plan_status)}, {"findings", a.findings.size()}});
      Answer(res, 200, {{"fy", fy.year}, {"fy_name", fy.Wareki()}, {"audits", plans}, {"findings", TableJson(findings)}});
    });
  }

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, Caller&)>;

  // Every handler runs under the store's lock, with the caller resolved, and
  // an error answered with its code.
  httplib::Server::Handler Wrap(Handler h, bool writes) {
    return [this, h = std::move(h), writes](const httplib::Request& req, httplib::Response& res) {
      try {
        std::lock_guard<std::mutex> lock(mu_);
        Caller c = Identify(req, writes);
        h(req, res, c);
      } catch (const store::Error& e) {
        Answer(res, StatusOf(e.code()), {{"code", e.code()}, {"message", e.what()}});
      } catch (const reiki::Error& e) {  // what the readers below (a workbook, a CSV) refuse, as the CLI shows it
        Answer(res, StatusOf(e.code()), {{"code", e.code()}, {"message", e.what()}});
      }
    };
  }
  void Get(httplib::Server& svr, const std::string& path, Handler h) { svr.Get(path, Wrap(std::move(h), false)); }
  void Post(httplib::Server& svr, const std::string& path, bool authenticated, Handler h) {
    svr.Post(path, Wrap(std::move(h), authenticated));
  }

  // The caller of a request: a token (Authorization: Bearer), or a session
  // (the cookie; a request that writes must also bring its CSRF token).
  // Nobody is an anonymous caller, refused by the route that needs someone.
  Caller Identify(const httplib::Request& req, bool writes) {
    Caller c;
    // One look at the registers' version a request: it tells whether a
    // token checked before still stands and whether the compiled registers
    // are current (any change, a revocation too, moves it).
    version_now_ = b_.store->RegisterVersion();
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      const std::string secret = auth.substr(7);
      if (auto it = tokens_.find(secret); it != tokens_.end() && it->second.second == version_now_) {
        c.token = it->second.first;
        return c;
      }
      c.token = TokenOf(*b_.store, secret);
      if (!c.token) Fail("E-AUTH-001", "API トークンが無効です（発行されていないか、失効しています）。");
      if (tokens_.size() > 10000) tokens_.clear();  // bounded: a flood of secrets cannot grow it
      tokens_[secret] = {*c.token, version_now_};
      return c;
    }
    const std::string sid = CookieOf(req, kCookie);
    if (sid.empty()) return c;
    bool expired = false;
    std::optional<std::chrono::minutes> idle;
    if (enforced_.idle_minutes) idle = std::chrono::minutes(*enforced_.idle_minutes);
    const auto s = sessions_.Find(sid, idle, &expired);
    if (!s) {
      if (expired)
        Fail("E-AUTH-008", std::to_string(*enforced_.idle_minutes) + " 分操作がなかったため、ログインが終わりました。もう一度ログインしてください。");
      return c;
    }
    if (!Serving(*b_.store, s->person, Today())) {
      sessions_.CloseAll(s->person);
      Fail("E-AUTH-009", "職員の台帳で在職していないため、ログインが終わりました。");
    }
    if (writes) {
      const std::string csrf = req.get_header_value("X-CSRF-Token");
      if (csrf.size() != s->csrf.size() || csrf != s->csrf)
        Fail("E-AUTH-007", "X-CSRF-Token がないか違います。ログインの答えの csrf を付けてください。");
    }
    c.person = s->person;
    c.session_id = s->id;
    c.temporary = s->temporary;
    c.needs_totp = s->needs_totp;
    if (const auto p = b_.store->Get("people", c.person)) c.name = Str(Json::parse(*p), "name");
    return c;
  }

  // A person settled in, or a token that reads: what the policy's own
  // duties are and who holds them is no one post's secret.
  void RequireAnyReader(const Caller& c) {
    if (c.token) {
      if (!TokenAllows(*c.token, "read")) Fail("E-API-403", "API トークン「" + c.token->name + "」の範囲に read がありません。");
      return;
    }
    RequireSettled(c);
  }
  static compliance::FiscalYear FyOf(const httplib::Request& req) {
    return req.has_param("fy") ? compliance::ParseFiscalYear(req.get_param_value("fy")) : compliance::FiscalYearOf(Today());
  }
  // The day whose holders a 年度 is read with: today within it, else its last day or its first.
  static std::string AsOfIn(const compliance::FiscalYear& fy) {
    const std::string now = Today();
    return fy.Contains(now) ? now : now > fy.end ? fy.end : fy.start;
  }
  static Json TableJson(const registry::io::Table& t) { return {{"columns", t.header}, {"rows", t.rows}}; }
  // A count in a query (from, to, size, after): digits only, E-API-400 otherwise.
  static std::uint64_t Count(const std::string& text, const char* name) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
      Fail("E-API-400", std::string(name) + " は 0 以上の整数で与えてください（「" + text + "」）。");
    return std::stoull(text);
  }

  void RequirePerson(const Caller& c) {
    if (c.person.empty() && !c.token) Fail("E-AUTH-001", "ログインしていません。POST /api/v1/login でログインしてください。");
    if (c.person.empty()) Fail("E-API-403", "この操作は人のログインで行います（API トークンでは行えません）。");
  }
  // A person with a password of their own (not the temporary one) and, where
  // their role requires it, a second factor (`enrolling`: the TOTP routes).
  void RequireSettled(const Caller& c, bool enrolling = false) {
    RequirePerson(c);
    if (c.temporary) Fail("E-AUTH-006", "仮のパスワードのままです。POST /api/v1/password で自分のパスワードに変えてください。");
    if (c.needs_totp && !enrolling)
      Fail("E-AUTH-015", "あなたの役割には二要素目（TOTP）が要ります。POST /api/v1/totp/enrol で認証アプリを登録してください。");
  }
  // A person who may change something: settled, and holding no read-only role that day.
  void RequireWriter(const Caller& c) {
    RequireSettled(c);
    registry::Registry reg(*b_.store, b_.pack);
    for (const auto& h : reg.RolesHeld(c.person, Today()))
      for (const auto& a : b_.pack.access)
        if (a.read_only && a.role == h.role)
          Fail("E-API-403", c.person + " は今日「" + RoleName(a.role) + "」で、見るだけの役割です（" + Refs(a.cite) +
                                "）。何も変えていません。");
  }
  void RequireScope(const Caller& c, const std::string& scope) {
    if (c.token) {
      if (!TokenAllows(*c.token, scope))
        Fail("E-API-403", "API トークン「" + c.token->name + "」の範囲に " + scope + " がありません。");
      return;
    }
    RequireSettled(c);
  }
  void RequireReader(const Caller& c, const std::string& what) {
    if (c.token) {
      if (!TokenAllows(*c.token, "read")) Fail("E-API-403", "API トークン「" + c.token->name + "」の範囲に read がありません。");
      return;
    }
    RequireSettled(c);
    if (GrantsOf(c.person).all.count(what) == 0)
      Fail("E-API-403", "見る権限がありません。" + VisibilityNote() + "が見られます。");
  }

  static std::string Refs(const policy::Cites& cs) {
    std::string out;
    for (const auto& c : cs) out += (out.empty() ? "" : "・") + c.ref;
    return out;
  }
  std::string RoleName(const std::string& id) const {
    for (const auto& r : b_.pack.roles)
      if (r.id == id) return r.name;
    return id;
  }
  // Who, besides those of a case, the pack lets see more, for a refusal to say.
  std::string VisibilityNote() const {
    std::string out;
    for (const auto& a : b_.pack.access)
      out += (out.empty() ? "" : "、") + RoleName(a.role) + (a.sees == "unit" ? "（所管の課等）" : "") + "（" + Refs(a.cite) + "）";
    return out.empty() ? "このパックが他に見せる役割はありません" : out;
  }

  // What the pack's [[access]] gives `person` today: `all` what they see
  // everywhere, `units` what they see of the units they hold a role for.
  struct Grants {
    std::set<std::string> all;
    std::map<std::string, std::set<std::string>> units;  // what -> unit ids
  };
  // A role that sees by unit sees the units under it too (北海道 第11条第3項:
  // a 部局's 責任者 and the 課 of that 部局).
  Grants GrantsOf(const std::string& person) {
    Grants g;
    registry::Registry reg(*b_.store, b_.pack);
    std::map<std::string, std::vector<std::string>> children;
    bool read_units = false;
    for (const auto& h : reg.RolesHeld(person, Today()))
      for (const auto& a : b_.pack.access) {
        if (a.role != h.role) continue;
        std::set<std::string> under;
        if (a.sees == "unit" && !h.scope.empty()) {
          if (!read_units) {
            for (const auto& u : b_.store->List("units")) children[Str(Json::parse(u.data), "parent")].push_back(u.id);
            read_units = true;
          }
          std::vector<std::string> todo = {h.scope};
          while (!todo.empty()) {
            const std::string u = todo.back();
            todo.pop_back();
            if (!under.insert(u).second) continue;  // a cycle in the register is not followed twice
            for (const auto& c : children[u]) todo.push_back(c);
          }
        }
        for (const auto& w : a.what) {
          if (a.sees == "all") g.all.insert(w);
          else g.units[w].insert(under.begin(), under.end());
        }
      }
    return g;
  }
  bool Sees(cases::Cases& cs, const Grants& g, const std::string& person, const cases::State& s) {
    const Json& d = s.data;
    if (Str(d, "applicant") == person) return true;
    const std::string kind = Str(d, "kind");
    const std::string what = kind == "incident" ? "incidents" : kind == "exception" ? "exceptions" : "";
    if (g.all.count("cases") || (!what.empty() && g.all.count(what))) return true;
    for (const auto& w : {std::string("cases"), what})
      if (auto it = g.units.find(w); it != g.units.end() && it->second.count(Str(d, "unit"))) return true;
    for (const auto& st : d.value("steps", Json::array()))
      if (st.contains("done") && Str(st["done"], "by") == person) return true;
    if (s.status() == "open")
      for (const auto& w : cs.Actors(s, Today()))
        if (w.person == person) return true;
    return false;
  }
  static Json Summary(const cases::State& s) {
    const Json& d = s.data;
    Json out = {{"id", s.id()},           {"name", Str(d, "name")},       {"kind", Str(d, "kind")},
                {"status", s.status()},   {"status_name", cases::StatusName(s.status())},
                {"applicant", Str(d, "applicant")}, {"unit", Str(d, "unit")}, {"opened_at", Str(d, "opened_at")}};
    if (s.current() >= 0 && d.contains("steps") && s.current() < static_cast<int>(d["steps"].size()))
      out["step"] = Str(d["steps"][s.current()], "name");
    return out;
  }

  // One decide request: a token's names its person (the system asks for
  // someone); a person's is their own unless it says otherwise.
  std::string DecideOne(const Caller& c, std::string_view text, bool refresh = true) {
    std::string out;
    DecideInto(out, c, text, refresh);
    return out;
  }
  // Appends the answer to `out` (nothing when it throws).
  void DecideInto(std::string& out, const Caller& c, std::string_view text, bool refresh = true) {
    if (text.size() > engine::kMaxRequestBytes)
      Fail("E-DEC-009", "要求が大きすぎます（" + std::to_string(engine::kMaxRequestBytes) + " バイトまで）。");
    if (refresh) Refresh();
    // The contract's own parser reads the request once; only a person's
    // request without a subject is parsed here first, to name them in it.
    if (text.find("\"subject\"") != std::string::npos)
      return engine::AppendJson(out, engine::Decide(*snap_, engine::ParseRequest(*snap_, text)));
    Json raw = Json::parse(text, nullptr, false);
    if (raw.is_discarded() || !raw.is_object()) Fail("E-DEC-001", "要求が JSON のオブジェクトではありません。");
    if (!raw.contains("subject")) {
      if (c.token) Fail("E-API-010", "システムからの判定は、誰のための判定かを subject（職員番号）で示してください。");
      raw["subject"] = c.person;
    }
    engine::AppendJson(out, engine::Decide(*snap_, engine::ParseRequest(*snap_, raw.dump())));
  }
  // The compiled registers, again whenever a register changed since.
  void Refresh() {
    const long long v = version_now_;
    if (snap_ && v == version_) return;
    snap_ = engine::Compile(b_.pack, reg_, *b_.store);
    version_ = v;
  }

  void Login(const httplib::Request& req, httplib::Response& res) {
    const Json body = BodyJson(req);
    const std::string person = Str(body, "person"), password = Str(body, "password");
    // Counted only for 職員番号 that have an account, so a flood of made-up
    // ones cannot grow the table (nor reset it).
    const auto known = failures_.find(person);
    const auto r = CheckLogin(*b_.store, b_.pack, person, password, known == failures_.end() ? 0 : known->second, "api");
    if (!r.known) Fail("E-AUTH-002", kLoginFailed);
    int& failures = failures_[person];
    if (!r.ok) {
      ++failures;
      Fail("E-AUTH-002", kLoginFailed);
    }
    // The second factor, once enrolled. A wrong or replayed code counts as
    // a failure, and locks as a wrong password does.
    if (const std::string sealed = TotpSealed(*b_.store, person); !sealed.empty()) {
      const std::string code = Str(body, "code");
      if (code.empty()) Fail("E-AUTH-014", "確認コード（認証アプリの6桁）を code に入れてください。");
      const long long step = MatchingStep(Open(db_, sealed), code, std::time(nullptr));
      auto last = last_step_.find(person);
      if (step < 0 || (last != last_step_.end() && step <= last->second)) {
        if (const auto limit = enforced_.login_attempts; limit && ++failures >= *limit) LockAccount(*b_.store, person, failures, "api");
        Fail("E-AUTH-002", kLoginFailed);
      }
      last_step_[person] = step;
    }
    failures = 0;
    bool needs_totp = false;
    if (TotpSealed(*b_.store, person).empty()) {
      const auto required = InstallationRoles(*b_.store, kTotpRoles);
      registry::Registry reg(*b_.store, b_.pack);
      for (const auto& h : reg.RolesHeld(person, Today()))
        needs_totp |= std::find(required.begin(), required.end(), h.role) != required.end();
    }
    const Session s = sessions_.Open(person, r.temporary, needs_totp, RandomSecret(32), RandomSecret(32));
    res.set_header("Set-Cookie", std::string(kCookie) + "=" + s.id + "; Path=/; HttpOnly; Secure; SameSite=Strict");
    std::string name;
    if (const auto p = b_.store->Get("people", person)) name = Str(Json::parse(*p), "name");
    Answer(res, 200, {{"person", person}, {"name", name}, {"temporary", r.temporary}, {"needs_totp", needs_totp}, {"csrf", s.csrf}});
  }

  void Registers(const httplib::Request& req, httplib::Response& res, Caller& c) {
    const std::string kind = req.matches[1];
    const auto units = RegisterScope(c, kind);
    const std::string q = req.get_param_value("q");
    long offset = 0, limit = 100;
    try {
      if (req.has_param("offset")) offset = std::stol(req.get_param_value("offset"));
      if (req.has_param("limit")) limit = std::stol(req.get_param_value("limit"));
    } catch (const std::exception&) {
      Fail("E-API-400", "offset と limit は数で与えてください。");
    }
    if (offset < 0 || limit < 1 || limit > 1000) Fail("E-API-400", "offset は 0 以上、limit は 1〜1000 で与えてください。");
    Json rows = Json::array();
    long total = 0;
    for (const auto& r : b_.store->List(kind)) {
      if (!q.empty() && r.data.find(q) == std::string::npos && r.id.find(q) == std::string::npos) continue;
      const Json row = Json::parse(r.data);
      if (units && !units->count(Str(row, "owner_unit"))) continue;
      if (total >= offset && static_cast<long>(rows.size()) < limit) rows.push_back(row);
      ++total;
    }
    Answer(res, 200, {{"kind", kind}, {"total", total}, {"offset", offset}, {"limit", limit}, {"rows", rows}});
  }
  void RegisterRow(const httplib::Request& req, httplib::Response& res, Caller& c) {
    const std::string kind = req.matches[1], id = req.matches[2];
    const auto units = RegisterScope(c, kind);
    const auto row = b_.store->Get(kind, id);
    if (!row) Fail("E-API-404", "台帳「" + kind + "」に「" + id + "」はありません。");
    const Json data = Json::parse(*row);
    if (units && !units->count(Str(data, "owner_unit")))
      Fail("E-API-403", "「" + id + "」は所管の課等の情報資産ではないため見られません（" + VisibilityNote() + "）。");
    Json history = Json::array();
    for (const auto& h : b_.store->History(kind, id))
      history.push_back({{"seq", h.seq},
                         {"entry", h.log_seq},
                         {"at", h.at},
                         {"actor", h.actor},
                         {"command", h.command},
                         {"before", h.change.before ? Json::parse(*h.change.before) : Json(nullptr)},
                         {"after", h.change.after ? Json::parse(*h.change.after) : Json(nullptr)}});
    Answer(res, 200, {{"kind", kind}, {"row", data}, {"history", history}});
  }
  // A register as a workbook or CSV (BOM, for Excel), as `mamori export`
  // writes it and `import` reads it back; ?date= the rows in force that day.
  void ExportRegister(const httplib::Request& req, httplib::Response& res, Caller& c) {
    const std::string kind = req.matches[1];
    // A reader of their 課's rows (a 情報セキュリティ責任者's assets) gets
    // those rows only, as the listing shows them.
    const auto units = RegisterScope(c, kind);
    const std::unordered_set<std::string> own = units ? std::unordered_set<std::string>(units->begin(), units->end())
                                                      : std::unordered_set<std::string>{};
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "xlsx";
    if (format != "xlsx" && format != "csv") Fail("E-API-400", "format は xlsx か csv です。");
    registry::AsOf when;
    if (req.has_param("date")) {
      const auto d = registry::io::ParseDate(req.get_param_value("date"));
      if (!d) Fail("E-API-400", "date の日付「" + req.get_param_value("date") + "」を読めません（例: 2026-04-01、令和8年4月1日）。");
      when.in_effect = *d;
    }
    registry::Registry reg(*b_.store, b_.pack);
    const registry::Kind& k = *registry::FindKind(reg.kinds(), kind);  // RegisterScope refused an unknown one
    const auto table = reg.Export(k, when, units ? &own : nullptr);
    std::string bytes;
    if (format == "csv") {
      bytes = registry::io::WriteCsv(table);
    } else {
      const TempDir dir;
      registry::io::WriteXlsx(dir.path + "/export.xlsx", k.ja, table);
      bytes = dir.Read("export.xlsx");
    }
    res.status = 200;
    res.set_header("Content-Disposition", Attachment(kind + "." + format, k.ja + "." + format));
    res.set_content(bytes, format == "csv" ? "text/csv; charset=utf-8"
                                           : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }

  // A workbook (each sheet a register, by its name) or one CSV (?kind=), all
  // or nothing as `mamori import`: with any error nothing is written and each
  // error names its sheet, row and column; ?dry_run=true says what would
  // change and changes nothing. Only holders of a role the installation
  // names for it (`mamori editors set`) import; unnamed, nobody does.
  void ImportRegisters(const httplib::Request& req, httplib::Response& res, Caller& c) {
    RequireWriter(c);
    const auto editors = InstallationRoles(*b_.store, kRegisterEditors);
    std::string names;
    for (const auto& e : editors) names += (names.empty() ? "" : "・") + RoleName(e);
    if (editors.empty())
      Fail("E-API-403", "API で台帳を取り込む役割がまだ定められていません。mamori の情報システム管理者が `mamori editors set 役割 --as 職員番号` で定めます。何も変えていません。");
    registry::Registry reg(*b_.store, b_.pack);
    bool editor = false;
    for (const auto& h : reg.RolesHeld(c.person, Today()))
      editor |= std::find(editors.begin(), editors.end(), h.role) != editors.end();
    if (!editor)
      Fail("E-API-403", c.person + " は今日、台帳を取り込む役割（" + names + "。`mamori editors set` の定め）にありません。何も変えていません。");
    const std::string dry = req.get_param_value("dry_run");
    if (!dry.empty() && dry != "true" && dry != "false") Fail("E-API-400", "dry_run は true か false です。");
    if (req.body.empty()) Fail("E-API-400", "取り込むブック（xlsx）か CSV を本文に入れてください。");
    std::vector<registry::SourceTable> tables;
    Json notices = Json::array();
    const std::string kind = req.get_param_value("kind");
    if (req.body.starts_with(std::string_view("PK\x03\x04", 4))) {
      if (!kind.empty()) Fail("E-API-400", "ブックは各シートの名前で台帳を示します（kind は CSV のときに使います）。");
      const TempDir dir;
      dir.Write("upload.xlsx", req.body);
      std::vector<registry::io::Sheet> book;
      try {
        book = registry::io::ReadXlsxSheets(dir.path + "/upload.xlsx");
      } catch (const reiki::Error& e) {  // named as the sender knows it, not by the server's temporary path
        std::string m = e.what();
        for (auto at = m.find(dir.path + "/upload.xlsx"); at != std::string::npos; at = m.find(dir.path + "/upload.xlsx"))
          m.replace(at, dir.path.size() + 12, "送られたブック");
        Fail(e.code(), m);
      }
      for (auto& sheet : book) {
        const auto* k = registry::FindKind(reg.kinds(), registry::io::TrimCell(sheet.name));
        if (!k || sheet.table.header.empty()) {
          notices.push_back("シート「" + sheet.name + "」は、台帳の名前ではないか空のため読みませんでした。");
          continue;
        }
        tables.push_back({"シート「" + sheet.name + "」", k, std::move(sheet.table)});
      }
    } else {
      const auto* k = registry::FindKind(reg.kinds(), kind);
      if (!k) Fail("E-REG-023", kind.empty() ? "CSV の台帳を kind で示してください（例: ?kind=people）。"
                                              : "台帳「" + kind + "」はありません。");
      tables.push_back({"CSV", k, registry::io::ReadCsv(req.body)});
    }
    if (tables.empty())
      Fail("E-REG-023", "取り込める台帳がありません。ブックのシート名を台帳の名前（例: 組織、職員）にしてください。");
    registry::ImportOptions o;
    o.dry_run = dry == "true";
    o.actor = "api:" + c.person;
    o.list_ids = true;
    const auto results = reg.ImportAll(std::move(tables), o);
    Json errors = Json::array(), out = Json::array();
    for (const auto& r : results) {
      for (const auto& n : r.summary.notices) notices.push_back(r.source + ": " + n);
      for (const auto& e : r.summary.errors)
        errors.push_back({{"source", r.source}, {"kind", r.kind->id}, {"row", e.row}, {"column", e.column}, {"reason", e.reason}});
      out.push_back({{"kind", r.kind->id}, {"kind_name", r.kind->ja}, {"source", r.source}, {"added", r.summary.added},
                     {"changed", r.summary.changed}, {"unchanged", r.summary.unchanged},
                     {"added_ids", r.summary.added_ids}, {"changed_ids", r.summary.changed_ids}});
    }
    if (!errors.empty()) {
      Answer(res, 400, {{"code", "E-REG-021"},
                        {"message", std::to_string(errors.size()) + " 件の誤りがあるため、何も取り込んでいません。各行を直して、もう一度取り込んでください。"},
                        {"errors", errors}, {"notices", notices}});
      return;
    }
    Answer(res, 200, {{"dry_run", o.dry_run}, {"results", out}, {"notices", notices}});
  }

  void InspectionForm(const httplib::Request& req, httplib::Response& res, Caller& c) {
    RequireSettled(c);
    const auto fy = FyOf(req);
    const std::string role = req.get_param_value("role"), scope = req.get_param_value("scope");
    std::vector<compliance::InspectionForm> mine;
    std::string choices;
    for (auto& f : compliance::InspectionForms(*b_.store, b_.pack, fy, AsOfIn(fy))) {
      const auto& r = f.respondent;
      if (std::none_of(r.scope.holders.begin(), r.scope.holders.end(), [&](const auto& h) { return h.person_id == c.person; }))
        continue;
      choices += (choices.empty() ? "" : "、") + std::string("role=") + r.role->id + (r.scope.id.empty() ? "" : "&scope=" + r.scope.id);
      if ((role.empty() || role == r.role->id) && (scope.empty() || scope == r.scope.id)) mine.push_back(std::move(f));
    }
    if (choices.empty())
      Fail("E-API-404", c.person + " は " + fy.Wareki() + " の自己点検の回答者ではありません（" + AsOfIn(fy) + " 時点、点検項目のある役割に在任していません）。");
    if (mine.empty()) Fail("E-API-404", "その役割・組織の票はありません。選べるのは " + choices + " です。");
    if (mine.size() > 1) Fail("E-API-400", "回答する票が " + std::to_string(mine.size()) + " 件あります。" + choices + " のどれかを付けてください。");
    const TempDir dir;
    registry::io::WriteXlsxBook(dir.path + "/form.xlsx", {mine.front().sheet});
    res.status = 200;
    res.set_header("Content-Disposition", Attachment("inspection-" + std::to_string(fy.year) + ".xlsx", mine.front().file_name));
    res.set_content(dir.Read("form.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }

  void InspectionAnswers(const httplib::Request& req, httplib::Response& res, Caller& c) {
    RequireWriter(c);
    const std::string dry = req.get_param_value("dry_run");
    if (!dry.empty() && dry != "true" && dry != "false") Fail("E-API-400", "dry_run は true か false です。");
    if (!req.body.starts_with(std::string_view("PK\x03\x04", 4)))
      Fail("E-API-400", "記入した自己点検票（xlsx）を本文に入れてください（GET /api/v1/inspection/form で書き出した票）。");
    const TempDir dir;
    dir.Write("form.xlsx", req.body);
    registry::io::Table table;
    try {
      table = registry::io::ReadXlsx(dir.path + "/form.xlsx");
    } catch (const reiki::Error& e) {  // named as the sender knows it, not by the server's temporary path
      std::string m = e.what();
      for (auto at = m.find(dir.path + "/form.xlsx"); at != std::string::npos; at = m.find(dir.path + "/form.xlsx"))
        m.replace(at, dir.path.size() + 10, "送られた票");
      Fail(e.code(), m);
    }
    const auto r = compliance::ImportInspection(*b_.store, b_.pack, table, "送られた票", "api:" + c.person, "", Today(),
                                                dry == "true", c.person);
    if (!r.errors.empty()) {
      Json errors = Json::array();
      for (const auto& e : r.errors) errors.push_back({{"row", e.row}, {"column", e.column}, {"reason", e.reason}});
      Answer(res, r.not_theirs ? 403 : 400,
             {{"code", r.not_theirs ? "E-API-403" : "E-COMP-022"},
              {"message", r.not_theirs ? "自分が回答者ではない行があるため、何も取り込んでいません。自分の票（GET /api/v1/inspection/form）に記入してください。"
                                       : std::to_string(r.errors.size()) + " か所の誤りがあるため、何も取り込んでいません。票を直してやり直してください。"},
              {"errors", errors}});
      return;
    }
    Answer(res, 200, {{"dry_run", dry == "true"}, {"answered", r.answered}, {"unchanged", r.unchanged}});
  }

  // Which rows of a register the caller sees: nullopt all of them, or only
  // those of these units (a 情報セキュリティ責任者's assets). Refuses a
  // register that is not one (E-API-404) or not theirs to see (E-API-403).
  std::optional<std::set<std::string>> RegisterScope(const Caller& c, const std::string& kind) {
    registry::Registry reg(*b_.store, b_.pack);
    const bool known = std::any_of(reg.kinds().begin(), reg.kinds().end(), [&](const auto& k) { return k.id == kind; });
    if (!known) Fail("E-API-404", "台帳「" + kind + "」はありません。");
    if (c.token) {
      if (!TokenAllows(*c.token, "read:" + kind))
        Fail("E-API-403", "API トークン「" + c.token->name + "」の範囲に read:" + kind + " がありません。");
      return std::nullopt;
    }
    RequireSettled(c);
    const Grants g = GrantsOf(c.person);
    if (g.all.count("registers") || (kind == "assets" && g.all.count("assets"))) return std::nullopt;
    if (kind == "assets")
      if (auto it = g.units.find("assets"); it != g.units.end()) return it->second;
    Fail("E-API-403", "台帳「" + kind + "」を見る権限がありません。" + VisibilityNote() + "が見られます。");
  }

  registry::Bound& b_;
  std::mutex& mu_;
  std::string db_;
  std::unordered_map<std::string, std::string> pending_totp_;  // person -> secret shown, not yet confirmed
  std::unordered_map<std::string, long long> last_step_;       // person -> the TOTP step last used (no replay)
  reiki::Regulation reg_;
  Enforced enforced_;
  Sessions sessions_;
  std::unordered_map<std::string, int> failures_;  // consecutive failed logins, by 職員番号
  std::shared_ptr<const engine::Snapshot> snap_;
  long long version_ = -1;
  long long version_now_ = -1;  // RegisterVersion() as this request began (under the store's lock)
  std::unordered_map<std::string, std::pair<Token, long long>> tokens_;  // secret -> the token, as of a version
};

std::shared_ptr<Api> Mount(httplib::Server& svr, registry::Bound& b, std::mutex& store_mu, const std::string& db) {
  auto api = std::make_shared<Api>(b, store_mu, db);
  api->Mount(svr);
  return api;
}

}  // namespace mamori::server::internal
