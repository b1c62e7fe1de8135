#include "actors/screening/engine/prepared_query.hpp"

namespace kyb::screening {

void token_list::clear() {
  texts.clear();
  keys.clear();
  weights.clear();
  legal.clear();
  terms.clear();
  total_weight = 0;
}

scored_tokens token_list::view() const {
  scored_tokens v;
  v.texts = texts.data();
  v.keys = keys.data();
  v.weights = weights.data();
  v.legal = legal.data();
  v.terms = terms.data();
  v.count = texts.size();
  v.total_weight = total_weight;
  return v;
}

} // namespace kyb::screening
