#include "actors/registry/registry_match.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "actors/screening/engine/screening_index.hpp"
#include "runtime/base/text.hpp"

namespace kyb::registry {

name_matcher::name_matcher(std::shared_ptr<const screening::screening_index> index)
    : index_(std::move(index)) {}

name_matcher name_matcher::standalone() {
  // Built once: an index of no lists has an empty vocabulary, so every token weighs
  // the unseen-token weight (legal forms still down-weighted).
  static const std::shared_ptr<const screening::screening_index> empty = [] {
    auto built = screening::screening_index::build({});
    return built ? built.value() : nullptr;
  }();
  return name_matcher(empty);
}

double name_matcher::score(const std::string& a, const std::string& b,
                           const char* type) const {
  if (!index_ || a.empty() || b.empty())
    return 0;
  auto c = index_->compare(a, b, std::string(type));
  return c ? c->score : 0;
}

double name_matcher::entity_score(const std::string& a, const std::string& b) const {
  return score(a, b, "entity");
}

double name_matcher::person_score(const std::string& a, const std::string& b) const {
  return score(a, b, "individual");
}

double name_matcher::threshold() const noexcept {
  return index_ ? index_->options().threshold : screening::match_options{}.threshold;
}

namespace {

std::string number_key(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (std::isalnum(c))
      out.push_back(static_cast<char>(std::toupper(c)));
  size_t zeros = 0;
  while (zeros < out.size() && out[zeros] == '0')
    ++zeros;
  return out.substr(zeros);
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

bool same_registration_number(const std::string& a, const std::string& b) {
  auto ka = number_key(a), kb = number_key(b);
  return !ka.empty() && ka == kb;
}

std::string normalize_jurisdiction(const std::string& text) {
  auto t = base::to_lower_ascii(base::trim(text));
  static const char* uk[] = {
      "england-wales",    "england",        "wales",         "scotland",
      "northern-ireland", "united-kingdom", "great-britain", "uk"};
  for (const char* w : uk)
    if (t == w)
      return "GB";
  std::replace(t.begin(), t.end(), '_', '-');
  return upper(t);
}

bool same_jurisdiction(const std::string& a, const std::string& b) {
  auto na = normalize_jurisdiction(a), nb = normalize_jurisdiction(b);
  if (na.empty() || nb.empty())
    return false;
  if (na == nb)
    return true;
  // "GB" agrees with "GB-LND": one side names only the country.
  if (na.size() == 2 || nb.size() == 2)
    return na.substr(0, 2) == nb.substr(0, 2) && (na.size() == 2 || na[2] == '-') &&
           (nb.size() == 2 || nb[2] == '-');
  return false;
}

double match_confidence(const match_evidence& e) {
  double sum = 0, weight = 0;
  if (e.name_score) {
    sum += 0.6 * std::clamp(*e.name_score, 0.0, 1.0);
    weight += 0.6;
  }
  if (e.number_agrees) {
    sum += *e.number_agrees ? 0.3 : 0.0;
    weight += 0.3;
  }
  if (e.jurisdiction_agrees) {
    sum += *e.jurisdiction_agrees ? 0.1 : 0.0;
    weight += 0.1;
  }
  return weight > 0 ? sum / weight : 0;
}

match_evidence evaluate_match(const business_identifiers& ids, const registry_result& r,
                              const name_matcher& names) {
  match_evidence e;
  if (!ids.legal_name.empty())
    e.name_score = names.entity_score(ids.legal_name, r.legal_name);
  const auto& declared = !ids.jurisdiction.empty() ? ids.jurisdiction : ids.country;
  if (!declared.empty() && !r.jurisdiction.empty())
    e.jurisdiction_agrees = same_jurisdiction(declared, r.jurisdiction);
  auto agree = [&](bool same) {
    e.number_agrees = e.number_agrees.value_or(true) && same;
  };
  if (r.registry == registry_kind::gleif && !ids.lei.empty())
    agree(upper(std::string(base::trim(ids.lei))) == upper(r.entity_id));
  if (r.registry == registry_kind::sec_edgar && !ids.cik.empty())
    agree(same_registration_number(ids.cik, r.entity_id));
  if (!ids.registration_number.empty() && !r.registration_number.empty())
    agree(same_registration_number(ids.registration_number, r.registration_number));
  e.confidence = match_confidence(e);
  return e;
}

namespace {

// Greedy assignment, best pair first: each owner and each person used once.
void assign(const std::vector<declared_owner>& owners, std::vector<bool>& owner_done,
            const std::vector<const registry_person*>& people,
            std::vector<bool>& person_done, const name_matcher& names,
            owner_comparison& out) {
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t i = 0; i < owners.size(); ++i) {
    if (owner_done[i])
      continue;
    for (size_t j = 0; j < people.size(); ++j) {
      if (person_done[j])
        continue;
      bool organisation = owners[i].organisation || people[j]->kind == "corporate";
      double s = organisation ? names.entity_score(owners[i].name, people[j]->name)
                              : names.person_score(owners[i].name, people[j]->name);
      if (s >= names.threshold())
        pairs.emplace_back(s, i, j);
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
    return std::get<0>(a) > std::get<0>(b);
  });
  for (const auto& [s, i, j] : pairs) {
    if (owner_done[i] || person_done[j])
      continue;
    owner_done[i] = true;
    person_done[j] = true;
    out.matched.push_back({owners[i].name, people[j]->name, s});
  }
}

} // namespace

owner_comparison compare_owners(const std::vector<declared_owner>& owners,
                                const registry_result& r, const name_matcher& names) {
  owner_comparison out;
  std::vector<const registry_person*> pscs, officers;
  for (const auto& p : r.significant_control)
    if (!p.ceased)
      pscs.push_back(&p);
  for (const auto& p : r.officers)
    if (!p.ceased)
      officers.push_back(&p);
  std::vector<bool> owner_done(owners.size(), false);
  std::vector<bool> psc_done(pscs.size(), false), officer_done(officers.size(), false);
  assign(owners, owner_done, pscs, psc_done, names, out);
  assign(owners, owner_done, officers, officer_done, names, out);
  for (size_t i = 0; i < owners.size(); ++i)
    if (!owner_done[i])
      out.missing.push_back(owners[i].name);
  for (size_t j = 0; j < pscs.size(); ++j)
    if (!psc_done[j])
      out.extra.push_back(pscs[j]->name);
  return out;
}

} // namespace kyb::registry
