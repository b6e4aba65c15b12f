// JSON text that can sit inside an HTML <script type="application/json"> element.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace shadowtlb::report {

// The JSON, compact, with '<', '>' and '&' written as \u003c, \u003e and
// \u0026, and U+2028/U+2029 as \u2028/\u2029: the text then holds no "</script"
// or "<!--" for the HTML parser to act on, and JSON.parse() of the element's
// text gives back the same value. Bytes that are not valid UTF-8 (strings from
// the guest) become U+FFFD.
[[nodiscard]] std::string json_for_script(const nlohmann::ordered_json& value);

}  // namespace shadowtlb::report
