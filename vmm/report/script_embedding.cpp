// Escaping JSON for an HTML script element (HTML 4.12.1.3, "restrictions for contents of script elements").
#include "vmm/report/script_embedding.h"

#include <string_view>

namespace shadowtlb::report {

std::string json_for_script(const nlohmann::ordered_json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 64);
  // '<', '>', '&' occur in JSON text only inside strings, where \uXXXX means
  // the same character; so do the two line separators (E2 80 A8 / E2 80 A9),
  // which older JavaScript parsers reject in source text.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
      out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace shadowtlb::report
