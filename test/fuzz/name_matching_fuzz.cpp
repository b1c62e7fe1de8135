// Name matching (actors/screening: normalizer, ICU and our transliteration tables,
// equivalents, scorer, index) on arbitrary bytes. The input is a query name, optionally
// followed by a line break and a second name to compare it with. Checks: tokens are
// non-empty and hold no separator; screen() returns exactly what screen_brute_force()
// returns (the index's exactness); every score lies in [0, 1], a comparison matches
// exactly when it reaches the threshold, and its explanation's contributions add up to
// its name score.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/screening/engine/list_loader.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/screening_index.hpp"
#include "test/fuzz/fuzz_check.hpp"

namespace {

using namespace kyb::screening;

// Names of every kind the rules touch: initials, nicknames, titles, numbers, joined
// words, abbreviations, patronymics, and other scripts.
const char* const list_csv =
    "id,name,type,aliases,weak_aliases,countries,dates_of_birth,identifiers\n"
    "1,\"SMITH, John Adam\",individual,Bill Smith;J. A. SMITH,,US,1965,\n"
    "2,ABDUL RAHMAN AL QAIDA,individual,Abdulrahman,,AF,,\n"
    "3,INTERNATIONAL MANUFACTURING BROS CO,entity,Intl Mfg Bros,,CN,,\n"
    "4,DETENTION CENTER NO 3,entity,THIRD DETENTION CENTER,,RU,,\n"
    "5,\"PETROV, Ivan Ivanovich\",individual,Иван Петров,,RU,1970,\n"
    "6,KIM JONG UN,individual,김정은,,KP,1984,\n"
    "7,XI JINPING,individual,习近平,,CN,,\n"
    "8,MUHAMMAD ALI HASSAN,individual,محمد علي حسن,,EG,,\n"
    "9,SHEIKH YUSUF BIN OMAR,individual,Yousef Omar,,SA,,\n"
    "10,DAVID LEVI,individual,דוד לוי,,IL,,\n"
    "11,ALPHA TRADING CORP,entity,,,AE,,\n"
    "12,MARIA E,individual,,,ES,,\n";

const screening_index& index() {
  static const std::shared_ptr<const screening_index> idx = [] {
    list_source src;
    src.name = "fuzz";
    src.format = list_format::generic_csv;
    auto l = parse_list(src, {source_file{"fuzz.csv", list_csv}});
    FUZZ_CHECK(l.has_value());
    std::vector<sanctions_list> lists;
    lists.push_back(std::move(l.value()));
    auto built = screening_index::build(std::move(lists));
    FUZZ_CHECK(built.has_value());
    return built.value();
  }();
  return *idx;
}

std::vector<std::string> signature(const screening_result& r) {
  std::vector<std::string> s;
  for (auto& h : r.hits)
    s.push_back(h.entity_id + "/" + std::to_string(h.score));
  std::sort(s.begin(), s.end());
  return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto input = kyb::fuzz::bytes(data, size);
  auto cut = input.find('\n');
  std::string query(input.substr(0, cut));
  std::string other = cut == std::string_view::npos ? "SMITH, John Adam"
                                                    : std::string(input.substr(cut + 1));
  bool transliterated = false;
  for (auto& t : normalizer::tokens(query, &transliterated)) {
    FUZZ_CHECK(!t.empty());
    FUZZ_CHECK(t.find(' ') == std::string::npos);
  }
  const auto& idx = index();
  screening_query q;
  q.name = query;
  auto a = idx.screen(q);
  auto b = idx.screen_brute_force(q);
  FUZZ_CHECK(a.has_value() == b.has_value());
  if (a) {
    FUZZ_CHECK(signature(a.value()) == signature(b.value()));
    for (auto& h : a->hits)
      FUZZ_CHECK(h.score >= 0 && h.score <= 1);
  }
  auto c = idx.compare(query, other);
  if (c) {
    FUZZ_CHECK(c->score >= 0 && c->score <= 1);
    FUZZ_CHECK(c->match == (c->score >= c->threshold));
    double sum = 0;
    for (auto& m : c->explanation.matches)
      sum += m.contribution;
    // The name score is the sum, capped at 1, or 0 when evidence is short.
    if (c->explanation.name_score > 0)
      FUZZ_CHECK(std::fabs(std::min(1.0, sum) - c->explanation.name_score) < 1e-6);
  }
  return 0;
}
