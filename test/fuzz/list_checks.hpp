// What the list loader targets check on every input (actors/screening/LIST_FORMATS.md):
// a list parses the same with max_bad_rows 0 or not at all, and then with any larger
// allowance; a parsed list has entries, each with a unique id and a name; every text
// the loader produces (names, addresses, remarks, warnings, errors) is valid UTF-8; and
// the index built from it screens its names exactly as the brute-force reference does.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/screening_index.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "test/fuzz/fuzz_check.hpp"

namespace kyb::fuzz {

inline bool utf8(const std::string& s) {
  return screening::is_valid_utf8(s);
}

inline void check_entity(const screening::sanctioned_entity& e) {
  FUZZ_CHECK(!e.id.empty());
  FUZZ_CHECK(!e.primary_name.empty());
  FUZZ_CHECK(utf8(e.id) && utf8(e.primary_name) && utf8(e.remarks));
  for (auto& a : e.aliases)
    FUZZ_CHECK(!a.name.empty() && utf8(a.name) && utf8(a.kind));
  for (auto& a : e.addresses)
    FUZZ_CHECK(utf8(a.text) && utf8(a.country) && utf8(a.country_code));
  for (auto& c : e.countries)
    FUZZ_CHECK(c.size() == 2);
  for (auto& p : e.programs)
    FUZZ_CHECK(utf8(p));
  for (auto& i : e.identifiers)
    FUZZ_CHECK(utf8(i.type) && utf8(i.value) && utf8(i.country));
  for (auto& d : e.dates_of_birth)
    FUZZ_CHECK(utf8(d.to_string()));
}

// screen() returns exactly what screen_brute_force() returns (screening_index.hpp), for
// the first entity's name (more queries cost more executions than they find).
inline void check_index(const screening::sanctions_list& list) {
  auto built = screening::screening_index::build({list});
  FUZZ_CHECK(built.has_value());
  screening::screening_query q;
  q.name = list.entities.front().primary_name;
  auto fast = built.value()->screen(q);
  auto slow = built.value()->screen_brute_force(q);
  FUZZ_CHECK(fast.has_value() == slow.has_value());
  if (!fast)
    return;
  FUZZ_CHECK(fast->hits.size() == slow->hits.size());
  for (size_t i = 0; i < fast->hits.size(); ++i) {
    FUZZ_CHECK(fast->hits[i].list == slow->hits[i].list);
    FUZZ_CHECK(fast->hits[i].entity_id == slow->hits[i].entity_id);
    FUZZ_CHECK(fast->hits[i].score == slow->hits[i].score);
  }
}

/// Parses `files` as `format` with no allowance for bad rows and with a large one, and
/// checks both outcomes.
inline void check_list_parse(screening::list_format format,
                             const std::vector<screening::source_file>& files) {
  screening::list_source source;
  source.name = "fuzz";
  source.format = format;
  source.path = files.front().path;
  auto strict = screening::parse_list(source, files);
  source.options.max_bad_rows = 1000;
  auto lenient = screening::parse_list(source, files);
  if (strict) {
    FUZZ_CHECK(lenient.has_value());
    FUZZ_CHECK(lenient->entities.size() == strict->entities.size());
  }
  for (auto* r : {&strict, &lenient}) {
    if (!*r) {
      const auto& err = r->error();
      FUZZ_CHECK(!err.message.empty());
      FUZZ_CHECK(utf8(err.message) && utf8(err.to_string()));
      continue;
    }
    const auto& list = r->value();
    FUZZ_CHECK(!list.entities.empty());
    FUZZ_CHECK(list.metadata.entity_count == list.entities.size());
    FUZZ_CHECK(list.warnings.size() <= list.metadata.warning_count);
    for (auto& w : list.warnings)
      FUZZ_CHECK(utf8(w.message));
    std::set<std::string> ids;
    for (auto& e : list.entities) {
      check_entity(e);
      FUZZ_CHECK(ids.insert(e.id).second);
    }
  }
  if (lenient)
    check_index(lenient.value());
}

} // namespace kyb::fuzz
