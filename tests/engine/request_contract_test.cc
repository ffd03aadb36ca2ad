// The request contract (docs/decide.md) against malformed and hostile input:
// every field mutated, registered facts a request tries to lower, labels and
// 和暦 that must resolve to the same answer as ids, limits, and the property
// that no value for a registered attribute loosens an answer. The expected
// answers come from 安田町's text (第27条第2項: 機密性2以上の運搬は
// 情報セキュリティ責任者の許可), not from the engine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "engine/snapshot.h"
#include "town.h"

namespace mamori::engine {
namespace {

const Town& Yasuda() {
  static Town t("yasuda");
  return t;
}

// The code a request is refused with, or "" when it is decided.
std::string CodeOf(const Town& t, const std::string& json) {
  try {
    t.D(json);
    return "";
  } catch (const store::Error& e) {
    return e.code();
  }
}

std::string MessageOf(const Town& t, const std::string& json) {
  try {
    t.D(json);
  } catch (const store::Error& e) {
    return e.what();
  }
  return "";
}

// A registered 機密性3 asset of 住民課 (U04) in the sample town: A0000003.
constexpr const char* kC3Asset = "A0000003";

TEST(RegisteredFacts, AContextLevelCannotLowerTheRegisteredOne) {
  const Town& t = Yasuda();
  ASSERT_EQ(t.snap->assets[t.snap->AssetOf(kC3Asset)].levels[0], 0) << "A0000003 is 機密性3 (C3) in the sample";
  const std::string base = std::string(R"({"subject":"000100","action":"transport","resource":")") + kC3Asset + "\"";
  EXPECT_EQ(t.D(base + R"(,"context":{"date":"2026-04-01"}})").effect, Effect::kApprovalRequired);  // 第27条第2項
  for (const char* lower : {"C1", "C2", "機密性1"}) {
    const std::string req = base + R"(,"context":{"date":"2026-04-01","confidentiality":")" + lower + "\"}}";
    EXPECT_EQ(CodeOf(t, req), "E-DEC-008") << lower;
    const std::string msg = MessageOf(t, req);
    EXPECT_NE(msg.find("機密性3（C3）"), std::string::npos) << msg;  // names both values
  }
  // Agreeing with the register is allowed, in any of its spellings.
  EXPECT_EQ(CodeOf(t, base + R"(,"context":{"confidentiality":"機密性3"}})"), "");
  // The same through an inline object with the id.
  EXPECT_EQ(CodeOf(t, std::string(R"({"subject":"000100","action":"transport","resource":{"id":")") + kC3Asset +
                          R"(","confidentiality":"C1"}})"),
            "E-DEC-008");
}

TEST(RegisteredFacts, OwnerUnitZoneAndSystemCannotBeReassigned) {
  const Town& t = Yasuda();
  const std::string id = kC3Asset;
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","resource":{"id":")" + id + R"(","owner_unit":"U03"}})"),
            "E-DEC-008");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","resource":{"id":")" + id + R"(","owner_unit":"住民課"}})"),
            "");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","resource":{"id":")" + id + R"(","system":"S01"}})"),
            "E-DEC-008");
  // S04 (the asset's system) is in LGWAN接続系 in the sample.
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"zone_transfer","resource":")" + id +
                          R"(","context":{"from_zone":"internet","to_zone":"lgwan"}})"),
            "E-DEC-008");
  // A request that says two different things about one attribute is refused too.
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C3"},"context":{"confidentiality":"C1"}})"),
            "E-DEC-008");
}

TEST(Vocabulary, LabelsFullWidthAndNamesMeanTheirIds) {
  const Town& t = Yasuda();
  auto effect_and_unit = [&](const std::string& json) {
    Decision d = t.D(json);
    return std::make_pair(d.effect, d.approvals.empty() ? std::string() : std::string(d.approvals[0].unit));
  };
  const auto want = effect_and_unit(R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})");
  ASSERT_EQ(want, std::make_pair(Effect::kApprovalRequired, std::string("U03")));
  for (const char* variant : {
           R"({"subject":"000100","action":"transport","resource":{"confidentiality":"機密性2","owner_unit":"U03"},"context":{"date":"2026-04-01"}})",
           R"({"subject":"000100","action":"transport","resource":{"confidentiality":"Ｃ２","owner_unit":"U03"},"context":{"date":"2026-04-01"}})",
           R"({"subject":"000100","action":"transport","resource":{"confidentiality":"c2","owner_unit":"Ｕ０３"},"context":{"date":"2026-04-01"}})",
           R"({"subject":"000100","action":"運搬","resource":{"confidentiality":"機密性２","owner_unit":"税務課"},"context":{"date":"令和8年4月1日"}})",
           R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"R8.4.1"}})",
           R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026/4/1"}})",
       })
    EXPECT_EQ(effect_and_unit(variant), want) << variant;
}

TEST(Dates, EveryDateFormStaffWriteResolvesThePostHolderOfThatDay) {
  // The 税務課長 changes on 2026-04-01 (sample): 000004 until 03-31, 000022 after.
  const Town& t = Yasuda();
  auto holder = [&](const std::string& date) {
    Decision d = t.D(R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":")" +
                     date + "\"}}");
    return d.approvals.at(0).holders.empty() ? std::string() : std::string(d.approvals[0].holders[0]);
  };
  for (const char* d : {"2026-03-31", "令和8年3月31日", "2026/3/31", "R8.3.31", "２０２６年３月３１日"}) EXPECT_EQ(holder(d), "000004") << d;
  for (const char* d : {"2026-04-01", "令和8年4月1日", "R8.4.1"}) EXPECT_EQ(holder(d), "000022") << d;
  for (const char* bad : {"20260331", "2026-02-30", "garbage", "2026-13-01", "令和8年2月30日", ""})
    EXPECT_EQ(CodeOf(t, std::string(R"({"subject":"000100","action":"transport","context":{"date":")") + bad + "\"}}"), "E-DEC-004")
        << bad;
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","context":{"date":20260331}})"), "E-DEC-006");
  // Absent: today, and the answer says so.
  Decision today = t.D(R"({"subject":"000100","action":"transport"})");
  EXPECT_TRUE(today.date_defaulted);
  EXPECT_EQ(today.date, store::NowJst().substr(0, 10));
  EXPECT_FALSE(t.D(R"({"subject":"000100","action":"transport","context":{"date":"2026-04-01"}})").date_defaulted);
  // A Request built in code is held to the same calendar.
  Request r;
  r.subject = "000100";
  r.action = "transport";
  r.date = "2026-02-30";
  EXPECT_THROW(Decide(*t.snap, r), store::Error);
}

// Each field of a well-formed request, mutated: the answer is an error with a
// code, never a decision on a default. The base is approval_required (第27条第2項).
TEST(Mutation, EveryFieldRefusesWhatItCannotMean) {
  const Town& t = Yasuda();
  const std::string base =
      R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":"2026-04-01","encrypted":true}})";
  ASSERT_EQ(t.D(base).effect, Effect::kApprovalRequired);
  struct Case {
    const char* json;
    const char* code;
  };
  const Case cases[] = {
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C9","owner_unit":"U03"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":["C3"],"owner_unit":"U03"}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":3,"owner_unit":"U03"}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":null}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentialty":"C3","owner_unit":"U03"}})", "E-DEC-005"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U99"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"財政課"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":3}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","resource":{"facets":"my_number"}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","resource":{"facets":["no_such_facet"]}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":{"zone":"moon"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":{"system":"S99"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":"A9999999"})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","resource":42})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","resource":true})", "E-DEC-006"},
      {R"({"subject":"000100","action":"teleport"})", "E-DEC-002"},
      {R"({"subject":"000100","action":"transprt"})", "E-DEC-002"},
      {R"({"subject":"000100","action":["transport"]})", "E-DEC-006"},
      {R"({"subject":100,"action":"transport"})", "E-DEC-006"},
      {R"({"subject":null,"action":"transport"})", "E-DEC-006"},
      {R"({"action":"transport"})", "E-DEC-001"},
      {R"({"subject":"000100"})", "E-DEC-001"},
      {R"({"subject":"000100","action":"transport","subjet":"000022"})", "E-DEC-005"},
      {R"({"subject":"000100","action":"transport","context":[]})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","context":{"encrypted":"true"}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","context":{"encrypted":1}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","context":{"encryptd":true}})", "E-DEC-005"},
      {R"({"subject":"000100","action":"transport","context":{"from_zone":"internet","to_zone":"lgwwan"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"transport","context":{"justification":"  "}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","context":{"justification":{"why":"x"}}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"transport","context":{"time":"2026-04-01T10:00"}})", "E-DEC-005"},
      {R"({"subject":"000100","action":"transport","context":{"confidentiality":"C1","confidentiality":"C3"}})", "E-DEC-005"},
      {R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C3"},"resource":{"confidentiality":"C1"}})", "E-DEC-005"},
      {R"(["subject","000100"])", "E-DEC-001"},
      {R"("transport")", "E-DEC-001"},
      {R"({"subject":"000100","action":"transport")", "E-DEC-001"},
      {"{\"subject\":\"000100\",\"action\":\"transport\",\"context\":{\"justification\":\"\xff\xfe\"}}", "E-DEC-001"},
      {"", "E-DEC-001"},
      {R"({"subject":"000100","action":"use","context":{"purpose":"maybe"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"use","context":{"purpose":1}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"non_issued_device","context":{"with":"S99"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"non_issued_device","context":{"with":["S04"]}})", "E-DEC-006"},
      {R"({"subject":"000100","action":"bring_in","context":{"area":"R99"}})", "E-DEC-007"},
      {R"({"subject":"000100","action":"software_use","context":{"support_ended":"はい"}})", "E-DEC-006"},
  };
  for (const auto& c : cases) EXPECT_EQ(CodeOf(t, c.json), c.code) << c.json;
}

TEST(Mutation, UnknownKeysSuggestTheNearestValidOne) {
  const Town& t = Yasuda();
  EXPECT_NE(MessageOf(t, R"({"subject":"000100","action":"transport","resource":{"confidentialty":"C3"}})").find("「confidentiality」のことですか"),
            std::string::npos);
  EXPECT_NE(MessageOf(t, R"({"subject":"000100","action":"transprt"})").find("「transport」のことですか"), std::string::npos);
  // An unknown level lists the valid ones with their labels.
  EXPECT_NE(MessageOf(t, R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C9"}})").find("C3（機密性3）"),
            std::string::npos);
}

// What staff's tools write: a request saved with a BOM (Notepad, Excel) or
// Windows line ends is the same request; a BOM anywhere else is not JSON,
// and neither is a number JSON cannot hold, nor a key written twice however deep.
TEST(Limits, WhatWindowsToolsWriteIsReadAndWhatIsNotJsonIsRefused) {
  const Town& t = Yasuda();
  const std::string ok = R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"}})";
  EXPECT_EQ(CodeOf(t, ok), "");
  EXPECT_EQ(CodeOf(t, "\xEF\xBB\xBF" + ok), "");
  EXPECT_EQ(CodeOf(t, ok + "\r\n"), "");
  EXPECT_EQ(CodeOf(t, " \xEF\xBB\xBF" + ok), "E-DEC-001");
  EXPECT_EQ(CodeOf(t, ok + " " + ok), "E-DEC-001");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","context":{"emergency":1e999}})"), "E-DEC-001");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","context":{"emergency":12}})"), "E-DEC-006");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","resource":{"facets":[{"a":1,"a":2}]}})"), "E-DEC-005");
  EXPECT_EQ(CodeOf(t, "{\"subject\":\"000100\",\"action\":\"transport\",\"context\":{\"justification\":\"\xff\"}}"), "E-DEC-001");
}

TEST(Limits, DeepLongAndLargeRequestsAreErrorsNotCrashes) {
  const Town& t = Yasuda();
  for (const char* where : {"context", "resource", "action"}) {
    for (const char* open_close : {"[]", "{}"}) {
      for (int depth : {9, 1000, 100000}) {
        std::string nest;
        for (int i = 0; i < depth; ++i) nest += open_close[0] == '[' ? "[" : "{\"a\":";
        nest += "1";
        for (int i = 0; i < depth; ++i) nest += open_close[1];
        const std::string req = std::string(R"({"subject":"000100","action":"transport",")") + where + "\":" + nest + "}";
        const std::string code = CodeOf(t, req);
        EXPECT_EQ(code, "E-DEC-009") << where << " " << depth;
      }
    }
  }
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","context":{"justification":")" + std::string(5000, 'x') + "\"}}"),
            "E-DEC-009");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","context":{"justification":")" + std::string(4000, 'x') + "\"}}"),
            "");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","x":")" + std::string(70000, ' ') + "\"}"), "E-DEC-009");
  // Brackets inside strings are text, not depth.
  EXPECT_EQ(CodeOf(t, R"({"subject":"000100","action":"transport","context":{"justification":"[[[[[[[[[[{{{{{{{{{\"]]"}})"), "");
}

TEST(Subjects, OnlyStaffOnTheDayMayAct) {
  Town t("yasuda");
  registry::Registry reg(*t.b.store, t.b.pack);
  registry::io::Table people;
  people.header = {"職員番号", "氏名", "所属", "区分", "開始日", "終了日"};
  people.rows = {{"009001", "新任 太郎", "U03", "一般職", "2026-04-01", ""},
                 {"009002", "退職 花子", "U03", "一般職", "2015-04-01", "2026-03-31"}};
  registry::ImportOptions o;
  o.at = "2026-03-01T09:00:00+09:00";
  reg.Import(*registry::FindKind(reg.kinds(), "people"), people, o);
  t.snap = Compile(t.b.pack, t.reg, *t.b.store);
  auto d = [&](const char* who, const char* date) {
    return t.D(std::string(R"({"subject":")") + who + R"(","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"},"context":{"date":")" +
               date + "\"}}");
  };
  EXPECT_EQ(d("009001", "2026-03-31").effect, Effect::kDeny);  // not yet 職員等
  EXPECT_EQ(d("009001", "2026-04-01").effect, Effect::kApprovalRequired);
  EXPECT_EQ(d("009002", "2026-03-31").effect, Effect::kApprovalRequired);
  Decision gone = d("009002", "2026-04-01");
  EXPECT_EQ(gone.effect, Effect::kDeny);
  ASSERT_FALSE(gone.reasons.empty());
  EXPECT_NE(gone.reasons.back().find("終了日 2026-03-31"), std::string::npos);
}

TEST(Answers, NameUnitsAssetsAndPeople) {
  Decision d = Yasuda().D(std::string(R"({"subject":"000100","action":"transport","resource":")") + kC3Asset +
                          R"(","context":{"date":"2026-04-01"}})");
  EXPECT_EQ(d.resource_id, kC3Asset);
  EXPECT_FALSE(d.resource_name.empty());
  EXPECT_EQ(d.owner_unit, "U04");
  EXPECT_EQ(d.owner_unit_name, "住民課");
  ASSERT_FALSE(d.approvals.empty());
  EXPECT_EQ(d.approvals[0].unit_name, "住民課");
  ASSERT_EQ(d.approvals[0].holder_names.size(), d.approvals[0].holders.size());
  auto j = nlohmann::json::parse(ToJson(d));
  EXPECT_EQ(j["owner_unit"]["name"], "住民課");
  EXPECT_EQ(j["resource"]["id"], kC3Asset);
  EXPECT_EQ(j["date"], "2026-04-01");
  // No owning unit given: the applicant's own 課, and the answer says so.
  Decision own = Yasuda().D(R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2"},"context":{"date":"2026-04-01"}})");
  auto reasons = Reasons(own);
  EXPECT_TRUE(std::any_of(reasons.begin(), reasons.end(), [](const std::string& r) { return r.find("申請者の所属") != std::string::npos; }));
}

// A device's system and owning unit come from the register (機器・媒体 の
// 所属する情報システム): a terminal of the 税務システム (S02, マイナンバー利用事務系)
// cannot be claimed to sit in the internet zone, and its unit is the system's
// when nobody holds it.
TEST(RegisteredFacts, ADevicesSystemAndUnitComeFromTheRegister) {
  Town t("yasuda");
  registry::Registry reg(*t.b.store, t.b.pack);
  registry::io::Table devices;
  devices.header = {"管理番号", "種別", "支給", "所属する情報システム"};
  devices.rows = {{"T9001", "端末", "はい", "S02"}};
  ASSERT_TRUE(reg.Import(*registry::FindKind(reg.kinds(), "devices"), devices, {}).errors.empty());
  t.snap = Compile(t.b.pack, t.reg, *t.b.store);
  Decision d = t.D(R"({"subject":"000050","action":"zone_transfer","resource":"T9001","context":{"date":"2026-04-01","to_zone":"lgwan"}})");
  EXPECT_EQ(d.effect, Effect::kDeny);  // 第30条: マイナンバー利用事務系 → LGWAN接続系
  EXPECT_EQ(d.owner_unit, "U03");      // S02's unit (税務課)
  EXPECT_EQ(CodeOf(t, R"({"subject":"000050","action":"zone_transfer","resource":"T9001","context":{"from_zone":"internet","to_zone":"lgwan"}})"),
            "E-DEC-008");
  EXPECT_EQ(CodeOf(t, R"({"subject":"000050","action":"take_out","resource":"T9001","context":{"device_issued":false}})"), "E-DEC-008");
}

// The property of DESIGN.md's trust rule: for a registered resource, no value
// a request gives for an attribute the register sets makes the answer less
// restrictive than the register alone. Either the value agrees (same answer)
// or the request is refused.
class EveryPackContract : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryPackContract, NoRequestValueLoosensWhatTheRegisterSays) {
  Town t(GetParam());
  const Snapshot& s = *t.snap;
  ASSERT_FALSE(s.assets.empty());
  std::mt19937 rng(2026);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  int refused = 0, agreed = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const Asset& a = s.assets[pick(s.assets.size())];
    const std::string action = s.actions[pick(s.actions.size())].id;
    nlohmann::json base = {{"subject", "000" + std::to_string(100 + pick(200))}, {"action", action}, {"resource", a.id},
                           {"context", {{"date", "2026-04-01"}}}};
    const Effect before = t.D(base.dump()).effect;
    nlohmann::json req = base;
    nlohmann::json res = {{"id", a.id}};
    // One registered attribute, given a random value of its vocabulary.
    switch (pick(4)) {
      case 0:
        if (s.axis_ids.empty()) continue;
        {
          const std::size_t ax = pick(s.axis_ids.size());
          if (a.levels[ax] < 0) continue;
          const auto& lv = s.level_ids[ax][pick(s.level_ids[ax].size())];
          if (pick(2)) req["context"][s.axis_ids[ax]] = lv;
          else res[s.axis_ids[ax]] = lv;
        }
        break;
      case 1:
        if (a.owner_unit < 0) continue;
        res["owner_unit"] = s.unit_ids[pick(s.unit_ids.size())];
        break;
      case 2:
        if (a.system < 0 || s.system_zone[a.system] < 0 || s.zone_ids.empty()) continue;
        req["context"]["from_zone"] = s.zone_ids[pick(s.zone_ids.size())];
        req["context"]["to_zone"] = s.zone_ids[pick(s.zone_ids.size())];
        base["context"]["to_zone"] = req["context"]["to_zone"];
        break;
      case 3:
        if (s.facet_ids.empty()) continue;
        res["facets"] = {s.facet_ids[pick(s.facet_ids.size())]};
        break;
    }
    if (res.size() > 1) req["resource"] = res;
    const Effect reference = t.D(base.dump()).effect;  // base with the same to_zone
    (void)before;
    try {
      const Effect after = t.D(req.dump()).effect;
      ASSERT_EQ(after, reference) << req.dump();  // agreeing with the register changes nothing
      ++agreed;
    } catch (const store::Error& e) {
      ASSERT_EQ(e.code(), "E-DEC-008") << req.dump() << " " << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(agreed, 0);
}

INSTANTIATE_TEST_SUITE_P(Packs, EveryPackContract, ::testing::Values("yasuda", "kohoku", "okitama", "hokkaido", "hanamaki"));

}  // namespace
}  // namespace mamori::engine
