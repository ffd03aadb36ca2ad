// Sessions end when idle longer than the owner's time-out (安田町 第82条第5項,
// the parameter enforced as idle_timeout), on logout, and for every session
// of a person at once (a new password issued, the person left).
#include <gtest/gtest.h>

#include <thread>

#include "server/sessions.h"

namespace {

using mamori::server::internal::Sessions;

TEST(Sessions, AnIdleSessionEndsAndATouchedOneDoesNot) {
  Sessions s;
  s.Open("000022", false, false, "a", "csrf-a");
  bool expired = true;
  // No time-out set (the pack has none): it never idles out.
  ASSERT_TRUE(s.Find("a", std::nullopt, &expired));
  EXPECT_FALSE(expired);
  // Well within an hour.
  ASSERT_TRUE(s.Find("a", std::chrono::minutes(60), &expired));
  // Past a time-out of zero minutes: ended, and said so, and gone after.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(s.Find("a", std::chrono::minutes(0), &expired));
  EXPECT_TRUE(expired);
  EXPECT_FALSE(s.Find("a", std::nullopt, &expired));
  EXPECT_FALSE(expired) << "an unknown session is not an expired one";
}

TEST(Sessions, LogoutAndCloseAllEndOnlyWhatTheyName) {
  Sessions s;
  s.Open("000022", false, false, "a", "x");
  s.Open("000022", false, false, "b", "y");
  s.Open("000004", true, true, "c", "z");
  bool expired = false;
  s.Close("a");
  EXPECT_FALSE(s.Find("a", std::nullopt, &expired));
  EXPECT_TRUE(s.Find("b", std::nullopt, &expired));
  s.CloseAll("000022");
  EXPECT_FALSE(s.Find("b", std::nullopt, &expired));
  auto c = s.Find("c", std::nullopt, &expired);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->temporary);
  EXPECT_TRUE(c->needs_totp);
  s.Changed("c");
  s.TotpDone("c");
  c = s.Find("c", std::nullopt, &expired);
  EXPECT_FALSE(c->temporary);
  EXPECT_FALSE(c->needs_totp);
}

}  // namespace
