#include "actors/screening/engine/country_table.hpp"

#include <algorithm>
#include <cstring>

#include "actors/screening/engine/generated/country_names.hpp"
#include "actors/screening/engine/normalizer.hpp"

namespace kyb::screening {

std::optional<std::string> country_table::code_of(std::string_view name_or_code) {
  auto key = normalizer::fold(name_or_code);
  if (key.empty())
    return std::nullopt;
  auto begin = generated::country_names;
  auto end = generated::country_names + generated::country_name_count;
  auto it = std::lower_bound(begin, end, key,
                             [](const generated::country_name& e, const std::string& k) {
                               return std::strcmp(e.name, k.c_str()) < 0;
                             });
  if (it != end && key == it->name)
    return std::string(it->code);
  return std::nullopt;
}

} // namespace kyb::screening
