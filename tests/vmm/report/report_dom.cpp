// Tag and attribute scanning over chromium's serialization, which quotes every attribute with '"'.
#include "vmm/report/report_dom.h"

#include <fmt/format.h>

#include <cctype>

namespace shadowtlb::test {
namespace {

std::string decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      for (auto [entity, c] : {std::pair{"&amp;", '&'}, {"&quot;", '"'}, {"&lt;", '<'}, {"&gt;", '>'},
                               {"&#39;", '\''}, {"&nbsp;", ' '}}) {
        if (text.substr(i).starts_with(entity)) {
          out += c;
          i += std::string_view(entity).size() - 1;
          goto next;
        }
      }
    }
    out += text[i];
  next:;
  }
  return out;
}

}  // namespace

std::vector<std::string> start_tags(std::string_view html, std::string_view name) {
  std::vector<std::string> out;
  const std::string open = fmt::format("<{}", name);
  for (std::size_t pos = html.find(open); pos != std::string_view::npos; pos = html.find(open, pos + 1)) {
    const char after = pos + open.size() < html.size() ? html[pos + open.size()] : '>';
    if (after != ' ' && after != '>' && after != '/') continue;
    // Attribute values are quoted, and '>' inside them is escaped by chromium.
    const std::size_t end = html.find('>', pos);
    if (end == std::string_view::npos) break;
    out.emplace_back(html.substr(pos, end + 1 - pos));
  }
  return out;
}

std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
  const std::string key = fmt::format(" {}=\"", name);
  const std::size_t at = tag.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t from = at + key.size();
  const std::size_t to = tag.find('"', from);
  if (to == std::string_view::npos) return std::nullopt;
  return decode(tag.substr(from, to - from));
}

bool has_class(std::string_view tag, std::string_view cls) {
  const std::optional<std::string> classes = attribute(tag, "class");
  if (!classes) return false;
  std::string_view rest(*classes);
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    if (rest.substr(0, space) == cls) return true;
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return false;
}

std::string between(std::string_view html, std::string_view begin, std::string_view end) {
  const std::size_t from = html.find(begin);
  if (from == std::string_view::npos) return {};
  const std::size_t to = html.find(end, from + begin.size());
  return std::string(html.substr(from, to == std::string_view::npos ? std::string_view::npos
                                                                    : to + end.size() - from));
}

// The text of an element's body with every tag removed.
std::string without_tags(std::string_view html) {
  std::string text;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>' && in_tag) in_tag = false;
    else if (!in_tag) text += c;
  }
  return text;
}

std::optional<std::string> text_of_id(std::string_view html, std::string_view id) {
  const std::size_t at = html.find(fmt::format(" id=\"{}\"", id));
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t open = html.rfind('<', at);
  std::size_t name_end = open + 1;
  while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
  const std::string name(html.substr(open + 1, name_end - open - 1));
  const std::size_t body = html.find('>', at) + 1;
  const std::size_t close = html.find(fmt::format("</{}>", name), body);
  if (close == std::string_view::npos) return std::nullopt;
  return decode(without_tags(html.substr(body, close - body)));
}

std::vector<std::string> check_seed_report(std::string_view dom, unsigned vcpus,
                                           std::string_view stale_write_va) {
  std::vector<std::string> failed;
  auto expect = [&](bool ok, std::string what) {
    if (!ok) failed.push_back(std::move(what));
  };
  const std::vector<std::string> bodies = start_tags(dom, "body");
  expect(!bodies.empty() && attribute(bodies[0], "data-ready") == "true",
         "the page's script did not finish (no <body data-ready=\"true\">)");

  // Swimlanes: one per vCPU, each with events.
  const std::vector<std::string> divs = start_tags(dom, "div");
  for (unsigned v = 0; v < vcpus; ++v) {
    bool lane = false;
    for (const std::string& tag : divs)
      lane = lane || (has_class(tag, "lane") && attribute(tag, "data-vcpu") == std::to_string(v));
    expect(lane, fmt::format("no swimlane <div class=\"lane\" data-vcpu=\"{}\">", v));
  }
  std::size_t events = 0, hazards = 0, stale_writes = 0, flushes = 0, pte_writes = 0;
  for (const std::string& tag : divs) {
    if (!has_class(tag, "event")) continue;
    ++events;
    const bool at_va = attribute(tag, "data-gva") == std::string(stale_write_va);
    if (has_class(tag, "hazard") && at_va) ++hazards;
    if (has_class(tag, "hazard") && has_class(tag, "k-stale_write") && at_va) ++stale_writes;
    if (has_class(tag, "flush")) ++flushes;
    if (has_class(tag, "k-pte_write")) ++pte_writes;
  }
  expect(events > 0, "no event marks in the swimlanes");
  expect(hazards > 0, fmt::format("no event with class \"hazard\" at {}", stale_write_va));
  expect(stale_writes > 0, fmt::format("the stale write to {} is not highlighted as a hazard", stale_write_va));
  expect(flushes > 0, "no flush marked with class \"flush\"");
  expect(pte_writes > 0, "no PTE write marked with class \"k-pte_write\"");

  // The banner: the verdict and the explanation.
  const std::optional<std::string> verdict = text_of_id(dom, "verdict");
  expect(verdict == "lost_write", fmt::format("the banner's verdict is '{}', not lost_write", verdict.value_or("(none)")));
  const std::optional<std::string> explanation = text_of_id(dom, "explanation");
  expect(explanation && explanation->find("made stale by") != std::string::npos,
         "the banner has no explanation naming the page-table write");

  // The first hazard's step is selected; vCPU 0's TLB there holds the entry, stale.
  expect(!bodies.empty() && attribute(bodies[0], "data-selected-step").has_value(), "no step selected");
  const std::string fields = between(dom, "<table class=\"fields\" id=\"event-fields\"", "</table>");
  expect(fields.find("data-kind=\"hazard\"") != std::string::npos, "the selected step is not a hazard record");
  const std::string tlb0 = between(dom, "<table class=\"tlb\" data-vcpu=\"0\"", "</table>");
  bool stale_entry = false;
  for (const std::string& row : start_tags(tlb0, "tr")) {
    if (attribute(row, "data-va") == std::string(stale_write_va) && has_class(row, "stale")) stale_entry = true;
  }
  expect(stale_entry, fmt::format("vCPU 0's TLB panel has no stale entry for {}", stale_write_va));
  expect(tlb0.find("STALE") != std::string::npos, "vCPU 0's TLB panel does not say STALE");
  return failed;
}

}  // namespace shadowtlb::test
