// A recorded decision's evidence is written without a JSON tree
// (engine::AppendEvidence, the raw request from ParseRequest): these hold
// those bytes to what ledger::Canonical makes of the tree — nlohmann's own
// reading of the request, ToJsonValue(r, d), EvidenceValue(s, d) — over every
// scenario of the five packs and over requests written to be awkward. Two
// writers of one entry that differ by a byte would give two leaf hashes for
// one fact. And a citation's hash must be the one the pack's entry keeps for
// that clause, or an auditor could not find the text a decision rested on.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "engine/engine.h"
#include "ledger/canonical.h"
#include "town.h"

namespace mamori::engine {
namespace {

std::string Expected(const Town& t, std::string_view text, const Request& r, const Decision& d) {
  return ledger::Canonical({{"request", nlohmann::json::parse(text)},
                            {"as_decided", ToJsonValue(r, d)},
                            {"decision", EvidenceValue(*t.snap, d)}});
}

// Decides `text` and checks both forms; returns the evidence.
std::string Check(const Town& t, std::string_view text) {
  std::string raw;
  const Request r = ParseRequest(*t.snap, text, &raw);
  const Decision d = Decide(*t.snap, r);
  EXPECT_EQ(raw, ledger::Canonical(nlohmann::json::parse(text))) << text;
  std::string evidence;
  AppendEvidence(evidence, *t.snap, r, d, raw);
  EXPECT_EQ(evidence, Expected(t, text, r, d)) << text;
  EXPECT_TRUE(ledger::IsCanonicalJson(evidence)) << evidence;
  return evidence;
}

class EveryPack : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryPack, EachScenarioIsRecordedAsCanonicalWouldWriteIt) {
  const Town t(GetParam());
  std::ifstream in(std::string(MAMORI_SCENARIOS_DIR) + "/" + GetParam() + ".jsonl");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto scenario = nlohmann::json::parse(line);
    const std::string text = scenario["request"].dump();
    try {
      Check(t, text);
      ++checked;
    } catch (const store::Error&) {
      // A scenario that expects a refusal has no evidence to compare.
    }
  }
  EXPECT_GT(checked, 5) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Packs, EveryPack, ::testing::Values("yasuda", "hokkaido", "hanamaki", "kohoku", "okitama"));

const Town& Yasuda() {
  static Town t("yasuda");
  return t;
}

TEST(Evidence, TheRawRequestIsCanonicalWhateverWayItWasWritten) {
  const Town& t = Yasuda();
  // Members out of order, spaces and lines, escapes that canonical form
  // undoes (\u0041, \/) or keeps (\n, \u001f), a character beyond the BMP as
  // an escape pair, and a BOM.
  Check(t, "{ \"context\" : {\"date\":\"2026-04-01\", \"justification\":\"\\u0041\\/ \\ud83d\\ude00 \\n\\u001f 😀\"},\n"
           "  \"resource\": {\"owner_unit\":\"U03\", \"confidentiality\":\"C2\"},\n  \"action\":\"transport\",\"subject\":\"000100\"}");
  const std::string with_bom = "\xEF\xBB\xBF{\"subject\":\"000100\",\"action\":\"transport\",\"resource\":\"A0000022\"}";
  std::string raw;
  ParseRequest(*t.snap, with_bom, &raw);
  EXPECT_EQ(raw, R"({"action":"transport","resource":"A0000022","subject":"000100"})");
}

TEST(Evidence, LabelsAndWarekiAreRecordedBesideWhatTheyWereDecidedAs) {
  const Town& t = Yasuda();
  const std::string evidence =
      Check(t, R"({"subject":"000100","action":"運搬","resource":{"confidentiality":"機密性2","owner_unit":"税務課"},"context":{"date":"令和8年4月1日"}})");
  const auto j = nlohmann::json::parse(evidence);
  EXPECT_EQ(j["request"]["context"]["date"], "令和8年4月1日");  // what was asked
  EXPECT_EQ(j["as_decided"]["date"], "2026-04-01");             // what it was decided as
  EXPECT_EQ(j["as_decided"]["action"], "transport");
}

TEST(Evidence, EachCitationIsPinnedByTheHashThePackEntryKeepsForItsClause) {
  const Town& t = Yasuda();
  const auto j = nlohmann::json::parse(
      Check(t, R"({"subject":"000100","action":"transport","resource":{"confidentiality":"C2","owner_unit":"U03"}})"));
  const auto version = t.b.store->Get("pack_versions", "1");
  ASSERT_TRUE(version);
  const auto clauses = nlohmann::json::parse(*version)["clauses"];
  ASSERT_FALSE(j["decision"]["citations"].empty());
  for (const auto& c : j["decision"]["citations"]) {
    const std::string ref = c["ref"];
    EXPECT_FALSE(c.contains("text")) << "the text is the pack's, not copied into each decision";
    // The hash of the clause's text, computed here apart from the engine.
    const std::string text = reiki::CiteText(reiki::Resolve(t.reg, reiki::ParseReference(ref)));
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    char hex[2 * sizeof h + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    EXPECT_EQ(c["sha256"], hex) << ref;
    ASSERT_TRUE(clauses.contains(ref)) << ref;
    EXPECT_EQ(clauses[ref], hex) << ref;
  }
}

TEST(Evidence, TextThatIsNotUtf8IsRefusedNotReplaced) {
  const Town& t = Yasuda();
  std::string raw;
  const Request r = ParseRequest(*t.snap, R"({"subject":"000100","action":"transport","resource":"A0000022"})", &raw);
  Decision d = Decide(*t.snap, r);
  const std::string bad = "\xff\xfe";
  d.subject_name = bad;
  std::string evidence;
  EXPECT_THROW(AppendEvidence(evidence, *t.snap, r, d, raw), std::invalid_argument);
  // What callers read is still written, with U+FFFD in its place.
  EXPECT_NE(ToJson(d).find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace mamori::engine
