#include "actors/screening/engine/legal_form_table.hpp"

#include <algorithm>

#include "actors/screening/engine/generated/legal_forms.hpp"

namespace kyb::screening {

namespace {

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    auto j = s.find(' ', i);
    if (j == std::string::npos)
      j = s.size();
    if (j > i)
      out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

} // namespace

const legal_form_table& legal_form_table::builtin() {
  static const legal_form_table table = [] {
    std::vector<std::string> phrases;
    phrases.reserve(generated::legal_form_phrase_count);
    for (size_t i = 0; i < generated::legal_form_phrase_count; ++i)
      phrases.emplace_back(generated::legal_form_phrases[i]);
    return legal_form_table(phrases);
  }();
  return table;
}

legal_form_table::legal_form_table(const std::vector<std::string>& phrases) {
  for (auto& p : phrases) {
    auto toks = split_spaces(p);
    if (toks.empty())
      continue;
    auto& list = by_first_[toks.front()];
    if (std::find(list.begin(), list.end(), toks) != list.end())
      continue;
    list.push_back(std::move(toks));
    ++size_;
  }
  for (auto& [first, list] : by_first_)
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::vector<bool> legal_form_table::mark(const std::vector<std::string>& tokens) const {
  auto lengths = phrases(tokens);
  std::vector<bool> flags(tokens.size(), false);
  for (size_t i = 0; i < tokens.size(); ++i)
    flags[i] = lengths[i] > 0;
  return flags;
}

std::vector<uint8_t>
legal_form_table::phrases(const std::vector<std::string>& tokens) const {
  std::vector<uint8_t> flags(tokens.size(), 0);
  size_t n = tokens.size();
  size_t i = 0;
  while (i < n) {
    size_t matched = 0;
    auto it = by_first_.find(tokens[i]);
    if (it != by_first_.end()) {
      for (auto& phrase : it->second) {
        if (i + phrase.size() > n)
          continue;
        if (!std::equal(phrase.begin(), phrase.end(), tokens.begin() + i))
          continue;
        bool short_form = phrase.size() == 1 && phrase[0].size() <= 2;
        bool at_edge = i == 0 || i + phrase.size() == n;
        if (short_form && !at_edge)
          continue;
        // A name that is nothing but a legal form keeps its words.
        if (phrase.size() == n)
          continue;
        matched = phrase.size();
        break;
      }
    }
    if (matched > 0) {
      for (size_t k = i; k < i + matched; ++k)
        flags[k] = static_cast<uint8_t>(std::min<size_t>(matched, 255));
      i += matched;
    } else {
      ++i;
    }
  }
  return flags;
}

bool legal_form_table::contains(const std::string& phrase) const {
  auto toks = split_spaces(phrase);
  if (toks.empty())
    return false;
  auto it = by_first_.find(toks.front());
  if (it == by_first_.end())
    return false;
  return std::find(it->second.begin(), it->second.end(), toks) != it->second.end();
}

} // namespace kyb::screening
