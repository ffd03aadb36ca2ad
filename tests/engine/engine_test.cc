// The decision engine on the sample town, against the packs' texts: the
// acceptance request, separation of duties, vacancy, gaps, zones, defaults,
// property tests, and the scenario tables in scenarios/<pack>.jsonl.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "engine/engine.h"
#include "engine/flat_index.h"
#include "registry/binding.h"
#include "registry/registry.h"
#include "registry/sample.h"
#include "town.h"

namespace mamori::engine {
namespace {

namespace fs = std::filesystem;

const Town& Yasuda() {
  static Town t("yasuda");
  return t;
}

std::string ClauseText(const reiki::Regulation& reg, const std::string& ref) {
  return reiki::CiteText(reiki::Resolve(reg, reiki::ParseReference(ref)));
}

template <typename V>
std::vector<std::string> Ids(const V& v) {
  return std::vector<std::string>(v.begin(), v.end());
}

bool Cites(const Decision& d, const std::string& ref) {
  return std::any_of(d.citations.begin(), d.citations.end(), [&](const Entry* c) { return c->first == ref; });
}

TEST(Yasuda, TransportOfC2NeedsTheOwningUnitsOfficerOnTheDay) {
  const Town& t = Yasuda();
  const char* req = R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},)"
                    R"("context":{"date":"%s"}})";
  char buf[256];
  std::snprintf(buf, sizeof buf, req, "2026-04-01");
  Decision after = t.D(buf);
  ASSERT_EQ(after.effect, Effect::kApprovalRequired);
  ASSERT_EQ(after.approvals.size(), 1u);
  EXPECT_EQ(after.approvals[0].role_name, "情報セキュリティ責任者");
  EXPECT_EQ(after.approvals[0].unit, "U03");
  EXPECT_EQ(Ids(after.approvals[0].holders), std::vector<std::string>{"000022"});  // 税務課長 from 2026-04-01
  ASSERT_TRUE(Cites(after, "第27条第2項"));
  for (const Entry* c : after.citations)
    if (c->first == "第27条第2項") {
      EXPECT_EQ(c->second, ClauseText(t.reg, "第27条第2項"));
    }
  std::snprintf(buf, sizeof buf, req, "2026-03-31");
  EXPECT_EQ(Ids(t.D(buf).approvals.at(0).holders), std::vector<std::string>{"000004"});  // before the 異動
}

TEST(Yasuda, ApplicantNeverApprovesOwnRequest) {
  const Town& t = Yasuda();
  // 000022 is the 税務課長 and takes out his own unit's C2 asset (第17条).
  Decision d = t.D(R"({"subject":"000022","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},)"
                   R"("context":{"date":"2026-04-01"}})");
  EXPECT_EQ(d.effect, Effect::kApprovalRequired);
  ASSERT_EQ(d.approvals.size(), 1u);
  EXPECT_TRUE(d.approvals[0].holders.empty());
  EXPECT_FALSE(d.approvals[0].sod_override);
  auto reasons = Reasons(d);
  EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(),
                          [](const std::string& r) { return r.find("本人は承認できません") != std::string::npos; }));
  Decision j = t.D(R"({"subject":"000022","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},)"
                   R"("context":{"date":"2026-04-01","justification":"緊急の搬送"}})");
  EXPECT_TRUE(j.approvals.at(0).sod_override);
}

TEST(Yasuda, VacantPostIsNamedNotSkipped) {
  Decision d = Yasuda().D(R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C3","owner_unit":"U03"},)"
                          R"("context":{"date":"2023-06-01"}})");
  ASSERT_EQ(d.effect, Effect::kApprovalRequired);
  ASSERT_FALSE(d.approvals.empty());
  EXPECT_TRUE(d.approvals[0].vacant);
}

TEST(Yasuda, ActingHolderIsNamed) {
  // The CISO (副町長) approves external connection; an acting holder covers 2026-05-07..13.
  Decision d = Yasuda().D(R"({"subject":"000100","action":"external_network_connect","context":{"date":"2026-05-08"}})");
  bool acting = false;
  for (const auto& a : d.approvals) acting |= !a.acting.empty();
  EXPECT_TRUE(acting);
}

TEST(Yasuda, ZonesDecideTransfers) {
  const Town& t = Yasuda();
  EXPECT_EQ(t.D(R"({"subject":"000100","action":"zone_transfer","context":{"date":"2026-04-01","from_zone":"mynumber","to_zone":"lgwan"}})")
                .effect,
            Effect::kDeny);  // 第30条
  EXPECT_EQ(t.D(R"({"subject":"000100","action":"zone_transfer","context":{"from_zone":"internet","to_zone":"lgwan","sanitized":false}})")
                .effect,
            Effect::kDeny);  // 第32条: only with 無害化
  Decision ok = t.D(R"({"subject":"000100","action":"zone_transfer","context":{"from_zone":"internet","to_zone":"lgwan","sanitized":true}})");
  EXPECT_EQ(ok.effect, Effect::kPermit);
  EXPECT_TRUE(Cites(ok, "第32条"));
}

TEST(Yasuda, GapOnThePathIsNeverPermit) {
  // 第31条の2第2項: the undefined "CIO" approves; nobody can be named.
  Decision d = Yasuda().D(R"({"subject":"000100","action":"mynumber_noncloud_hosting","context":{"date":"2026-04-01"}})");
  EXPECT_NE(d.effect, Effect::kPermit);
  ASSERT_FALSE(d.gaps.empty());
  EXPECT_EQ(d.gaps[0]->first, "cio-undefined");
}

TEST(Yasuda, UnregulatedCaseGetsTheDefaultWithAReason) {
  Decision d = Yasuda().D(R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C1"}})");
  EXPECT_EQ(d.effect, Effect::kPermit);
  ASSERT_EQ(Reasons(d).size(), 1u);
  EXPECT_NE(Reasons(d)[0].find("規制する条文はありません"), std::string::npos);
  EXPECT_THROW(Yasuda().D(R"({"subject":"000100","action":"teleport"})"), store::Error);
  EXPECT_EQ(Yasuda().D(R"({"subject":"999999","action":"transport"})").effect, Effect::kDeny);
  EXPECT_THROW(Yasuda().D("{not json"), store::Error);
}

// 置賜 第4条第3項: 受託者 are not 職員等 but must comply with the policy. Where
// no article speaks of their case, the answer cites the general one rather
// than saying nothing regulates them.
TEST(Okitama, AContractorIsToldTheGeneralArticleBindsThem) {
  Town t("okitama");
  registry::Registry reg(*t.b.store, t.b.pack);
  registry::io::Table people;
  people.header = {"職員番号", "氏名", "所属", "区分", "開始日", "終了日"};
  people.rows = {{"K00001", "委託 一郎", "", "受託者", "2026-04-01", ""}};
  ASSERT_TRUE(reg.Import(*registry::FindKind(reg.kinds(), "people"), people, {}).errors.empty());
  t.snap = Compile(t.b.pack, t.reg, *t.b.store);
  Decision d = t.D(R"({"subject":"K00001","action":"use_asset","context":{"date":"2026-04-02"}})");
  EXPECT_TRUE(Cites(d, "第4条第3項"));
  auto reasons = Reasons(d);
  EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return r.find("遵守する義務を負います") != std::string::npos; }));
  EXPECT_FALSE(std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return r.find("規制する条文はありません") != std::string::npos; }));
  // A staff member's use is decided by the staff rule (第4条第1項), as before.
  EXPECT_TRUE(Cites(t.D(R"({"subject":"000050","action":"use_asset","context":{"date":"2026-04-02"}})"), "第4条第1項"));
}

// Random requests over the pack's actions, levels, zones and flags.
std::vector<Request> RandomRequests(const policy::Pack& p, int n, unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](std::size_t size) { return std::uniform_int_distribution<std::size_t>(0, size - 1)(rng); };
  static const char* kFlagNames[] = {"device_issued", "encrypted", "sanitized", "emergency", "email_attachment",
                                     "official_dispatch", "outside_office"};
  std::vector<Request> out;
  for (int i = 0; i < n; ++i) {
    Request r;
    r.subject = "000" + std::to_string(100 + pick(200));
    r.action = p.actions[pick(p.actions.size())].id;
    r.date = "2026-04-01";
    for (const auto& axis : p.classification.axes) r.resource[axis.id] = axis.levels[pick(axis.levels.size())].id;
    r.resource["owner_unit"] = "U" + std::string(pick(2) ? "03" : "05");
    if (!p.zones.empty() && pick(2)) {
      r.from_zone = p.zones[pick(p.zones.size())].id;
      r.to_zone = p.zones[pick(p.zones.size())].id;
    }
    for (const char* f : kFlagNames)
      if (pick(3) == 0) r.flags[f] = pick(2);
    if (!p.facets.empty() && pick(2)) r.resource_facets.push_back(p.facets[pick(p.facets.size())].id);
    out.push_back(std::move(r));
  }
  return out;
}

class EveryPack : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryPack, AddingADenyRuleNeverLoosensAnyAnswer) {
  Town t(GetParam());
  auto requests = RandomRequests(t.b.pack, 2000, 7);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 10; ++trial) {
    policy::Pack stricter = t.b.pack;
    policy::Rule deny;
    deny.id = "property-deny";
    deny.action = stricter.actions[rng() % stricter.actions.size()].id;
    deny.effect = policy::Effect::kDeny;
    if (!stricter.classification.axes.empty() && rng() % 2) {
      const auto& axis = stricter.classification.axes[rng() % stricter.classification.axes.size()];
      deny.when.levels[axis.id] = {axis.levels[rng() % axis.levels.size()].id};
    }
    stricter.rules.push_back(deny);
    auto snap2 = Compile(stricter, t.reg, *t.b.store);
    for (const auto& r : requests) {
      Effect before = Decide(*t.snap, r).effect, after = Decide(*snap2, r).effect;
      ASSERT_GE(static_cast<int>(after), static_cast<int>(before)) << r.action;
      if (before == Effect::kDeny) {
        ASSERT_EQ(after, Effect::kDeny);
      }
    }
  }
}

TEST_P(EveryPack, AnswersDoNotDependOnRuleOrder) {
  Town t(GetParam());
  auto requests = RandomRequests(t.b.pack, 2000, 3);
  policy::Pack shuffled = t.b.pack;
  std::mt19937 rng(5);
  std::shuffle(shuffled.rules.begin(), shuffled.rules.end(), rng);
  auto snap2 = Compile(shuffled, t.reg, *t.b.store);
  auto key = [](const Decision& d) {
    std::vector<std::string> roles, obligations;
    for (const auto& a : d.approvals) roles.push_back(std::string(a.role));
    for (const Entry* o : d.obligations) obligations.push_back(o->first);
    std::sort(roles.begin(), roles.end());
    std::sort(obligations.begin(), obligations.end());
    return std::make_tuple(d.effect, roles, obligations);
  };
  for (const auto& r : requests) ASSERT_EQ(key(Decide(*t.snap, r)), key(Decide(*snap2, r))) << r.action;
}

// The scenario tables: each row names the article that justifies its answer.
TEST_P(EveryPack, ScenarioTables) {
  fs::path file = fs::path(MAMORI_SCENARIOS_DIR) / (GetParam() + ".jsonl");
  ASSERT_TRUE(fs::exists(file)) << file;
  Town t(GetParam());
  std::ifstream in(file);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::json::parse(line);
    ++rows;
    SCOPED_TRACE(j.value("name", "") + " [" + j.value("cite", "") + "]");
    ASSERT_FALSE(j.value("cite", "").empty()) << "every scenario names its article";
    EXPECT_NO_THROW(reiki::Resolve(t.reg, reiki::ParseReference(j["cite"].get<std::string>())));
    Decision d = Decide(*t.snap, ParseRequest(*t.snap, j["request"].dump()));
    const auto& e = j["expect"];
    EXPECT_EQ(EffectName(d.effect), e["effect"].get<std::string>());
    if (e.contains("approver_roles")) {
      std::vector<std::string> roles;
      for (const auto& a : d.approvals) roles.push_back(std::string(a.role));
      EXPECT_EQ(roles, e["approver_roles"].get<std::vector<std::string>>());
    }
    if (e.contains("approver_holders")) {
      std::vector<std::vector<std::string>> holders;
      for (const auto& a : d.approvals) holders.push_back(Ids(a.holders));
      EXPECT_EQ(holders, e["approver_holders"].get<std::vector<std::vector<std::string>>>());
    }
    for (const auto& o : e.value("obligations_include", std::vector<std::string>{}))
      EXPECT_TRUE(std::any_of(d.obligations.begin(), d.obligations.end(), [&](const Entry* x) { return x->first == o; })) << o;
    for (const auto& c : e.value("citations_include", std::vector<std::string>{})) EXPECT_TRUE(Cites(d, c)) << c;
    if (e.contains("gaps_nonempty")) {
      EXPECT_EQ(!d.gaps.empty(), e["gaps_nonempty"].get<bool>());
    }
    if (e.contains("reason_contains")) {
      std::string want = e["reason_contains"];
      auto reasons = Reasons(d);
      EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [&](const std::string& r) { return r.find(want) != std::string::npos; }))
          << want;
    }
  }
  const int minimum = GetParam() == "yasuda" ? 30 : GetParam() == "hokkaido" ? 15 : 5;
  EXPECT_GE(rows, minimum);
}

// `decide --record` records ToJsonValue rather than parsing ToJson's text
// again: the ledger must hold exactly what the caller was told.
TEST_P(EveryPack, RecordedDecisionIsWhatWasPrinted) {
  Town t(GetParam());
  for (const auto& r : RandomRequests(t.b.pack, 2000, 19)) {
    const Decision d = Decide(*t.snap, r);
    const std::string text = ToJson(d);
    ASSERT_EQ(ToJsonValue(d), nlohmann::json::parse(text));
    // Written by hand (render.cc), byte for byte what nlohmann prints of it:
    // compact, the keys in the documented order, the same escapes.
    const auto ordered = nlohmann::ordered_json::parse(text);
    ASSERT_EQ(ordered.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), text);
    std::vector<std::string> keys;
    for (const auto& [k, v] : ordered.items()) keys.push_back(k);
    std::vector<std::string> want = {"effect", "date", "date_defaulted", "subject_name", "resource", "owner_unit",
                                     "approvals", "obligations", "citations", "rules", "reasons", "gaps"};
    std::erase_if(want, [&](const std::string& k) { return !ordered.contains(k); });
    ASSERT_EQ(keys, want);
  }
}

// Whatever the registers hold, the answer is JSON: quotes, backslashes and
// control characters escaped, a byte that is not UTF-8 replaced by U+FFFD
// (as nlohmann's replace handler does), Japanese kept as it is.
TEST(ToJson, EscapesWhatJsonMustAndReplacesWhatIsNotUtf8) {
  Decision d;
  d.date = "2026-04-01";
  const std::string name = std::string("a\"b\\c\n\t\x01\x1f\x7f 日本 ") + "\xff" + "\xe6\x97" + " \xed\xa0\x80 \xf0\x9f\x98\x80";
  d.subject_name = name;
  const std::string text = ToJson(d);
  EXPECT_NE(text.find(R"("subject_name":"a\"b\\c\n\t\u0001\u001f)"), std::string::npos) << text;
  const auto j = nlohmann::json::parse(text);
  const std::string fffd = "\xef\xbf\xbd";
  // The field's bytes are what nlohmann prints of the same string.
  const std::size_t from = text.find("\"subject_name\":") + 15, to = text.find(",\"approvals\"");
  EXPECT_EQ(text.substr(from, to - from), nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  EXPECT_NE(j["subject_name"].get<std::string>().find("日本 " + fffd), std::string::npos);
  EXPECT_NE(j["subject_name"].get<std::string>().find("\xf0\x9f\x98\x80"), std::string::npos);  // a 4-byte character is kept

  // Long runs with nothing to escape are copied eight bytes at a time: an
  // escape right after one, in the last bytes, and none at all.
  for (const std::string text : {std::string("abcdefgh\"ijklmnopqrstuvw\\xyz\x02"), std::string("第四十六条第五項の本文です。\n"),
                                 std::string("01234567"), std::string("0123456789abcdef\x1f"), std::string("")}) {
    Decision e;
    e.resource_id = "A1";
    e.resource_name = text;
    const std::string out = ToJson(e);
    EXPECT_NE(out.find("\"name\":" + nlohmann::json(text).dump() + "}"), std::string::npos) << out;
  }
}

INSTANTIATE_TEST_SUITE_P(Packs, EveryPack, ::testing::Values("yasuda", "kohoku", "okitama", "hokkaido", "hanamaki"));

TEST(SmallVec, SpillsPastItsInlineCapacityWithoutLosingAnything) {
  SmallVec<std::string, 2> v;
  for (int i = 0; i < 5; ++i) v.push_back("s" + std::to_string(i));
  ASSERT_EQ(v.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(v[i], "s" + std::to_string(i));
  SmallVec<std::string, 2> copy = v;  // a Decision is returned and copied by value
  EXPECT_EQ(std::vector<std::string>(copy.begin(), copy.end()), std::vector<std::string>(v.begin(), v.end()));
  SmallVec<int, 4> small;
  small.push_back(7);
  EXPECT_EQ(small.size(), 1u);
  EXPECT_EQ(*small.begin(), 7);
}

// The snapshot's id index, against std::map over the same keys: ids of every
// length around the 8-byte steps of the hash, the empty id, a repeated id
// (the last one wins, as map[key] = index did), absent ids, and growth past
// an undersized Reserve.
TEST(FlatIndex, FindsWhatAMapFinds) {
  std::mt19937 rng(7);
  std::vector<std::string> keys = {"", "A", "000123", "A0000042", "A00000420", "0123456789abcdef", "0123456789abcdefg"};
  for (int i = 0; i < 5000; ++i) {
    std::string k(rng() % 20, 'x');
    for (auto& c : k) c = static_cast<char>('0' + rng() % 43);
    keys.push_back(k);
  }
  keys.push_back("A0000042");  // repeated
  FlatIndex index;
  index.Reserve(10);
  std::map<std::string, int> expect;
  auto key_of = [&](int i) -> std::string_view { return keys[i]; };
  for (std::size_t i = 0; i < keys.size(); ++i) {
    index.Insert(keys[i], static_cast<int>(i), key_of);
    expect[keys[i]] = static_cast<int>(i);
  }
  for (const auto& [k, i] : expect) EXPECT_EQ(index.Find(k, key_of), i) << k;
  for (std::string absent : {"A0000043", "A000004", "zzzzzzzzzzzzzzzzzzzzzzzzz", "0123456789abcdeg"}) {
    if (!expect.count(absent)) {
      EXPECT_EQ(index.Find(absent, key_of), -1) << absent;
    }
  }
  EXPECT_EQ(FlatIndex().Find("A", key_of), -1);
}

TEST(Engine, EveryDecisionReachesTheEvidenceHook) {
  const Town& t = Yasuda();
  Engine engine(t.snap);
  std::vector<std::string> recorded;
  engine.OnDecision([&](const Snapshot&, const Request& r, const Decision& d) {
    recorded.push_back(r.action + ":" + std::string(EffectName(d.effect)) + ":" + ToJson(d).substr(0, 10));
  });
  engine.Decide(ParseRequest(*t.snap, R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"}})"));
  engine.Decide(ParseRequest(*t.snap, R"({"subject":"999999","action":"transport"})"));
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].rfind("transport:approval_required:", 0), 0u);
  EXPECT_EQ(recorded[1].rfind("transport:deny:", 0), 0u);
}

TEST(Engine, ReadersKeepDecidingWhileASnapshotIsSwapped) {
  const Town& t = Yasuda();
  Engine engine(t.snap);
  Request r = ParseRequest(*t.snap, R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})");
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::thread reader([&] {
    while (!stop)
      if (engine.Decide(r).effect != Effect::kApprovalRequired) ++wrong;
  });
  for (int i = 0; i < 20; ++i) engine.Swap(Compile(t.b.pack, t.reg, *t.b.store));
  stop = true;
  reader.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace mamori::engine
