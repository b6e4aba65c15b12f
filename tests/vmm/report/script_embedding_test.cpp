// JSON inside <script>: nothing the HTML parser acts on, and the same value back.
#include "vmm/report/script_embedding.h"

#include <gtest/gtest.h>

namespace shadowtlb::report {
namespace {

using Json = nlohmann::ordered_json;

TEST(ScriptEmbedding, NoClosingTagOrCommentOpenerSurvives) {
  const Json value = {{"line", "</script><script>alert(1)</script> <!-- & -->"},
                      {"upper", "</SCRIPT>"}};
  const std::string text = json_for_script(value);
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos) << text;
  EXPECT_EQ(text.find('&'), std::string::npos) << text;
  EXPECT_NE(text.find("\\u003c/script\\u003e"), std::string::npos) << text;
}

TEST(ScriptEmbedding, ParsesBackToTheSameValue) {
  const Json value = {{"a", "x < y && y > z"}, {"sep", "line\u2028para\u2029end"},
                      {"n", 18446744073709551615ull}, {"list", {1, "two", nullptr}}};
  const std::string text = json_for_script(value);
  EXPECT_EQ(text.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_NE(text.find("\\u2028"), std::string::npos);
  EXPECT_EQ(Json::parse(text), value);
}

TEST(ScriptEmbedding, InvalidUtf8FromTheGuestIsReplacedNotThrown) {
  const Json value = {{"guest", std::string("ok\xff\xfe", 4)}};
  std::string text;
  ASSERT_NO_THROW(text = json_for_script(value));
  EXPECT_EQ(Json::parse(text)["guest"], "ok\xef\xbf\xbd\xef\xbf\xbd");
}

}  // namespace
}  // namespace shadowtlb::report
