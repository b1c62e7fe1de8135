#include "actors/business/business_search.hpp"

#include <vector>

#include "actors/screening/engine/legal_form_table.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "runtime/base/text.hpp"

namespace kyb::actors {

std::string search_text_of(std::string_view q) {
  // The words as written (PostgreSQL's parser reads them), and the normalised tokens
  // of each (what the legal-form table knows), remembering whose token is whose.
  std::vector<std::string_view> words;
  for (size_t i = 0; i < q.size();) {
    while (i < q.size() && base::is_blank(q[i]))
      ++i;
    size_t start = i;
    while (i < q.size() && !base::is_blank(q[i]))
      ++i;
    if (i > start)
      words.push_back(q.substr(start, i - start));
  }
  std::vector<std::string> tokens;
  std::vector<size_t> owner; // word index of each token
  for (size_t w = 0; w < words.size(); ++w)
    for (auto& t : screening::normalizer::tokens(words[w])) {
      tokens.push_back(std::move(t));
      owner.push_back(w);
    }
  auto marked = screening::legal_form_table::builtin().mark(tokens);
  // A word is a legal form when it has tokens and all of them are marked ("S.A." is
  // one token, "sa"; "&" has none and stays, PostgreSQL ignores it).
  std::vector<int> legal(words.size(), -1); // -1 no tokens, 0 no, 1 yes
  for (size_t i = 0; i < tokens.size(); ++i) {
    int& l = legal[owner[i]];
    l = (l == -1 || l == 1) && marked[i] ? 1 : 0;
  }
  bool other = false;
  for (size_t w = 0; w < words.size(); ++w)
    other = other || legal[w] == 0;
  std::string out;
  for (size_t w = 0; w < words.size(); ++w) {
    if (other && legal[w] == 1)
      continue;
    if (!out.empty())
      out += ' ';
    out += words[w];
  }
  return out;
}

} // namespace kyb::actors
