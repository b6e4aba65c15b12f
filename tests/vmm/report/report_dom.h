// Reading the report page's DOM as chromium serialized it (--dump-dom): tags, attributes, sections.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shadowtlb::test {

// Every start tag `<name ...>` in `html`, as text.
[[nodiscard]] std::vector<std::string> start_tags(std::string_view html, std::string_view name);

// The value of attribute `name` in a start tag (entities &amp; &quot; &lt; &gt; decoded).
[[nodiscard]] std::optional<std::string> attribute(std::string_view tag, std::string_view name);

// Whether the tag's class attribute holds `cls` as one of its words.
[[nodiscard]] bool has_class(std::string_view tag, std::string_view cls);

// The text from the first occurrence of `begin` up to the next `end` after it
// (both included); empty if `begin` does not occur.
[[nodiscard]] std::string between(std::string_view html, std::string_view begin, std::string_view end);

// The text content of the element whose start tag holds id="`id`" (tags
// stripped, entities decoded); nullopt if there is none. Elements of the same
// name must not nest inside it.
[[nodiscard]] std::optional<std::string> text_of_id(std::string_view html, std::string_view id);

// What the tests expect of a report of the seed race (docs/report.md, "How it
// is tested"); each returned line is one failed expectation, empty when all hold.
[[nodiscard]] std::vector<std::string> check_seed_report(std::string_view dom, unsigned vcpus,
                                                         std::string_view stale_write_va);

}  // namespace shadowtlb::test
