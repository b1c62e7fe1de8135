#include "actors/risk/risk_rules.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "actors/risk/name_words.hpp"
#include "actors/risk/reference_file.hpp"

namespace kyb::risk {

using nlohmann::json;

namespace {

/// `pointer` extended by an object member or array index (RFC 6901 escapes included).
std::string child(const std::string& pointer, std::string_view key) {
  return (json::json_pointer{pointer} / std::string{key}).to_string();
}

std::string child(const std::string& pointer, size_t index) {
  return (json::json_pointer{pointer} / index).to_string();
}

template <class Enum>
std::string names_of() {
  std::string out;
  for (auto v : enum_values<Enum>()) {
    if (!out.empty())
      out += ", ";
    out += to_string(v);
  }
  return out;
}

/// Reads members into a risk_rules, collecting problems; in `complete` mode every
/// member of every object is required.
class reader {
public:
  reader(std::vector<rule_problem>& problems, bool complete)
      : problems_(problems), complete_(complete) {}

  void fail(std::string pointer, std::string problem) {
    problems_.push_back({std::move(pointer), std::move(problem)});
  }

  /// Checks that `j` is an object whose members are all in `known`; in complete mode
  /// reports the missing ones. False when `j` is not an object.
  bool object(const json& j, const std::string& ptr, std::vector<std::string> known) {
    return object(j, ptr, known, complete_);
  }

  /// The same, with the missing members reported only when `all_required`.
  bool object(const json& j, const std::string& ptr,
              const std::vector<std::string>& known, bool all_required) {
    if (!j.is_object()) {
      fail(ptr, "must be an object");
      return false;
    }
    for (auto& [key, value] : j.items())
      if (std::find(known.begin(), known.end(), key) == known.end())
        fail(child(ptr, key), "unknown member");
    if (all_required)
      for (auto& k : known)
        if (!j.contains(k))
          fail(child(ptr, k), "missing");
    return true;
  }

  /// The member `key` of object `j`, or nullptr when absent.
  static const json* member(const json& j, const std::string& key) {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  }

  void integer(const json& obj, const std::string& ptr, const std::string& key, int& out,
               int min, int max) {
    if (auto* v = member(obj, key))
      integer_value(*v, child(ptr, key), out, min, max);
  }

  void integer_value(const json& v, const std::string& ptr, int& out, int min, int max) {
    if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max)
      fail(ptr, "must be an integer from " + std::to_string(min) + " to " +
                    std::to_string(max));
    else
      out = static_cast<int>(v.get<long long>());
  }

  void points(const json& obj, const std::string& ptr, const std::string& key, int& out) {
    integer(obj, ptr, key, out, 0, 100);
  }

  /// Reads the section `name` of `doc` when present: an object of `fields` (integers
  /// from 0 to 100) and `others` (left to the caller). The section, or nullptr when it
  /// is absent or not an object.
  const json* points_section(const json& doc, const std::string& name,
                             const std::vector<std::pair<std::string, int*>>& fields,
                             std::vector<std::string> others = {}) {
    auto* s = member(doc, name);
    auto ptr = child("", name);
    for (auto& f : fields)
      others.push_back(f.first);
    if (!s || !object(*s, ptr, others))
      return nullptr;
    for (auto& [key, out] : fields)
      points(*s, ptr, key, *out);
    return s;
  }

  void fraction(const json& obj, const std::string& ptr, const std::string& key,
                double& out) {
    auto* v = member(obj, key);
    if (!v)
      return;
    if (!v->is_number() || v->get<double>() < 0 || v->get<double>() > 1)
      fail(child(ptr, key), "must be a number from 0 to 1");
    else
      out = v->get<double>();
  }

  void boolean(const json& obj, const std::string& ptr, const std::string& key,
               bool& out) {
    if (auto* v = member(obj, key)) {
      if (!v->is_boolean())
        fail(child(ptr, key), "must be true or false");
      else
        out = v->get<bool>();
    }
  }

  bool text(const json& v, const std::string& ptr, std::string& out) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      fail(ptr, "must be a non-empty string");
      return false;
    }
    // A document is stored as jsonb, which cannot hold U+0000.
    if (v.get_ref<const std::string&>().find('\0') != std::string::npos) {
      fail(ptr, "must not contain U+0000");
      return false;
    }
    out = v.get<std::string>();
    return true;
  }

  template <class Enum>
  bool enum_value(const json& v, const std::string& ptr, Enum& out) {
    auto e = v.is_string() ? enum_named<Enum>(v.get<std::string>()) : std::nullopt;
    if (!e) {
      fail(ptr, "must be one of " + names_of<Enum>());
      return false;
    }
    out = *e;
    return true;
  }

  /// An object mapping enum names to integers from 0 to `max`.
  template <class Enum>
  void keyed_integers(const json& obj, const std::string& ptr, const std::string& key,
                      std::map<Enum, int>& out, int max) {
    const auto& all = enum_values<Enum>();
    auto* v = member(obj, key);
    if (!v)
      return;
    std::vector<std::string> known;
    for (auto e : all)
      known.push_back(to_string(e));
    auto p = child(ptr, key);
    if (!object(*v, p, known))
      return;
    for (auto e : all)
      if (auto* n = member(*v, to_string(e)))
        integer_value(*n, child(p, to_string(e)), out[e], 0, max);
  }

  /// An array of non-empty strings, stored as the lower-case words of each.
  void word_list(const json& obj, const std::string& ptr, const std::string& key,
                 std::vector<std::string>& out);

  /// Reports each of `keys` that object `j` lacks; true when none is missing.
  bool required(const json& j, const std::string& ptr, std::vector<const char*> keys) {
    bool ok = true;
    for (const char* k : keys)
      if (!j.contains(k)) {
        fail(child(ptr, k), "missing");
        ok = false;
      }
    return ok;
  }

  /// An array whose elements `each` reads; replaces `out` when present.
  template <class T>
  void array(const json& obj, const std::string& ptr, const std::string& key,
             std::vector<T>& out,
             const std::function<bool(const json&, const std::string&, T&)>& each) {
    auto* v = member(obj, key);
    if (!v)
      return;
    auto p = child(ptr, key);
    if (!v->is_array()) {
      fail(p, "must be an array");
      return;
    }
    std::vector<T> items;
    for (size_t i = 0; i < v->size(); ++i) {
      T item{};
      if (each((*v)[i], child(p, i), item))
        items.push_back(std::move(item));
    }
    out = std::move(items);
  }

private:
  std::vector<rule_problem>& problems_;
  bool complete_;
};

void reader::word_list(const json& obj, const std::string& ptr, const std::string& key,
                       std::vector<std::string>& out) {
  array<std::string>(obj, ptr, key, out,
                     [this](const json& v, const std::string& p, std::string& item) {
                       std::string s;
                       if (!text(v, p, s))
                         return false;
                       item = joined_words(name_words(s));
                       if (item.empty()) {
                         fail(p, "must contain a letter or digit");
                         return false;
                       }
                       return true;
                     });
}

bool valid_fact_value(override_fact fact, const std::string& v, std::string& why) {
  switch (fact) {
  case override_fact::mcc:
    why = "must be an MCC (four digits)";
    return is_mcc(v);
  case override_fact::business_country:
  case override_fact::owner_nationality:
    why = "must be an ISO 3166-1 alpha-2 code in upper case";
    return is_country_code(v);
  case override_fact::registry_status:
    why = "must be one of active, inactive, dissolved, unknown";
    return v == "active" || v == "inactive" || v == "dissolved" || v == "unknown";
  case override_fact::website_prohibited_content:
    return true;
  }
  return false;
}

void read_floors(reader& r, const json& doc, risk_rules& out) {
  r.array<floor_rule>(
      doc, "", "floors", out.floors,
      [&r](const json& v, const std::string& p, floor_rule& f) {
        if (!r.object(v, p, {"id", "factor", "sub_score_at_least", "level", "review"},
                      false))
          return false;
        bool ok = r.required(v, p, {"id", "factor", "sub_score_at_least", "level"});
        if (auto* id = reader::member(v, "id"))
          ok &= r.text(*id, child(p, "id"), f.id);
        if (auto* fa = reader::member(v, "factor"))
          ok &= r.enum_value(*fa, child(p, "factor"), f.factor);
        f.sub_score_at_least = -1;
        r.integer(v, p, "sub_score_at_least", f.sub_score_at_least, 0, 100);
        ok &= f.sub_score_at_least >= 0;
        if (auto* l = reader::member(v, "level"))
          ok &= r.enum_value(*l, child(p, "level"), f.level);
        r.boolean(v, p, "review", f.review);
        return ok;
      });
}

void read_overrides(reader& r, const json& doc, risk_rules& out) {
  r.array<override_rule>(
      doc, "", "overrides", out.overrides,
      [&r](const json& v, const std::string& p, override_rule& o) {
        if (!r.object(v, p, {"id", "when", "at_least", "review", "reason"}, false))
          return false;
        bool ok = r.required(v, p, {"id", "when"});
        if (auto* id = reader::member(v, "id"))
          ok &= r.text(*id, child(p, "id"), o.id);
        if (auto* when = reader::member(v, "when")) {
          auto wp = child(p, "when");
          if (!r.object(*when, wp, {"fact", "in"}, false)) {
            ok = false;
          } else {
            ok &= r.required(*when, wp, {"fact", "in"});
            bool fact_ok = false;
            if (auto* f = reader::member(*when, "fact"))
              fact_ok = r.enum_value(*f, child(wp, "fact"), o.fact);
            ok &= fact_ok;
            if (auto* in = reader::member(*when, "in")) {
              auto ip = child(wp, "in");
              if (!in->is_array() || in->empty()) {
                r.fail(ip, "must be a non-empty array");
                ok = false;
              } else {
                for (size_t i = 0; i < in->size(); ++i) {
                  std::string s, why;
                  if (!r.text((*in)[i], child(ip, i), s)) {
                    ok = false;
                  } else if (fact_ok && !valid_fact_value(o.fact, s, why)) {
                    r.fail(child(ip, i), why);
                    ok = false;
                  } else {
                    o.in.push_back(s);
                  }
                }
              }
            }
          }
        }
        if (auto* l = reader::member(v, "at_least")) {
          risk_level level = risk_level::low;
          if (r.enum_value(*l, child(p, "at_least"), level))
            o.at_least = level;
          else
            ok = false;
        }
        r.boolean(v, p, "review", o.review);
        if (auto* reason = reader::member(v, "reason"))
          ok &= r.text(*reason, child(p, "reason"), o.reason);
        if (ok && !o.at_least && !o.review) {
          r.fail(p, "needs at_least or \"review\": true");
          ok = false;
        }
        return ok;
      });
}

void read_sections(reader& r, const json& doc, risk_rules& out) {
  r.keyed_integers(doc, "", "weights", out.weights, 1000);
  if (auto* b = reader::member(doc, "bands");
      b && r.object(*b, "/bands", {"low_max", "medium_max", "high_max"})) {
    r.integer(*b, "/bands", "low_max", out.bands.low_max, 0, 97);
    r.integer(*b, "/bands", "medium_max", out.bands.medium_max, 1, 98);
    r.integer(*b, "/bands", "high_max", out.bands.high_max, 2, 99);
  }
  if (auto* c = reader::member(doc, "coverage");
      c &&
      r.object(*c, "/coverage", {"minimum_percent", "required", "otherwise_at_least"})) {
    r.integer(*c, "/coverage", "minimum_percent", out.coverage.minimum_percent, 1, 100);
    r.array<risk_factor>(*c, "/coverage", "required", out.coverage.required,
                         [&r](const json& v, const std::string& p, risk_factor& f) {
                           return r.enum_value(v, p, f);
                         });
    if (auto* l = reader::member(*c, "otherwise_at_least"))
      r.enum_value(*l, "/coverage/otherwise_at_least", out.coverage.otherwise_at_least);
  }
  read_floors(r, doc, out);
  read_overrides(r, doc, out);
  if (auto* s = reader::member(doc, "industry");
      s &&
      r.object(*s, "/industry", {"min_confidence", "tier_scores", "unlisted_score"})) {
    r.fraction(*s, "/industry", "min_confidence", out.industry.min_confidence);
    r.keyed_integers(*s, "/industry", "tier_scores", out.industry.tier_scores, 100);
    r.points(*s, "/industry", "unlisted_score", out.industry.unlisted_score);
  }
  if (auto* s = reader::member(doc, "country");
      s && r.object(*s, "/country", {"list_scores", "unlisted_score"})) {
    r.keyed_integers(*s, "/country", "list_scores", out.country.list_scores, 100);
    r.points(*s, "/country", "unlisted_score", out.country.unlisted_score);
  }
  if (auto* s = reader::member(doc, "business_age");
      s && r.object(*s, "/business_age", {"bands", "otherwise_score"})) {
    r.array<age_band>(*s, "/business_age", "bands", out.business_age.bands,
                      [&r](const json& v, const std::string& p, age_band& b) {
                        if (!r.object(v, p, {"under_days", "score"}, false) ||
                            !r.required(v, p, {"under_days", "score"}))
                          return false;
                        b.under_days = -1;
                        b.score = -1;
                        r.integer(v, p, "under_days", b.under_days, 1, 36500);
                        r.points(v, p, "score", b.score);
                        return b.under_days >= 0 && b.score >= 0;
                      });
    r.points(*s, "/business_age", "otherwise_score", out.business_age.otherwise_score);
  }
  auto& o = out.ownership;
  if (auto* s =
          r.points_section(doc, "ownership",
                           {{"min_declared_percent", &o.min_declared_percent},
                            {"undeclared_points", &o.undeclared_points},
                            {"missing_identity_points", &o.missing_identity_points},
                            {"nominee_points", &o.nominee_points},
                            {"high_risk_country_points", &o.high_risk_country_points}},
                           {"nominee_terms"}))
    r.word_list(*s, "/ownership", "nominee_terms", o.nominee_terms);
  auto& w = out.website;
  r.points_section(doc, "website",
                   {{"unreachable_points", &w.unreachable_points},
                    {"tls_invalid_points", &w.tls_invalid_points},
                    {"no_contact_points", &w.no_contact_points},
                    {"prohibited_content_points", &w.prohibited_content_points}});
  auto& g = out.registry;
  if (auto* s = r.points_section(doc, "registry",
                                 {{"not_found_points", &g.not_found_points},
                                  {"inactive_points", &g.inactive_points},
                                  {"dissolved_points", &g.dissolved_points},
                                  {"name_mismatch_points", &g.name_mismatch_points}},
                                 {"ignored_name_words"}))
    r.word_list(*s, "/registry", "ignored_name_words", g.ignored_name_words);
}

/// Checks between members, once each member is valid on its own. A problem is named
/// at the member the document sets (the later one of a pair when it sets both).
void check_consistency(reader& r, const json& doc, const risk_rules& out) {
  int total = 0;
  for (auto& [f, w] : out.weights)
    total += w;
  if (total == 0)
    r.fail("/weights", "at least one weight must be above 0");
  const json* b = reader::member(doc, "bands");
  auto named_in_doc = [&](const char* later, const char* earlier) {
    if (b && b->is_object() && b->contains(later))
      return std::string{"/bands/"} + later;
    return std::string{"/bands/"} + earlier;
  };
  if (out.bands.medium_max <= out.bands.low_max)
    r.fail(named_in_doc("medium_max", "low_max"),
           "medium_max must be greater than low_max (" +
               std::to_string(out.bands.low_max) +
               " >= " + std::to_string(out.bands.medium_max) + ")");
  if (out.bands.high_max <= out.bands.medium_max)
    r.fail(named_in_doc("high_max", "medium_max"),
           "high_max must be greater than medium_max (" +
               std::to_string(out.bands.medium_max) +
               " >= " + std::to_string(out.bands.high_max) + ")");
  for (size_t i = 1; i < out.business_age.bands.size(); ++i)
    if (out.business_age.bands[i].under_days <= out.business_age.bands[i - 1].under_days)
      r.fail("/business_age/bands/" + std::to_string(i) + "/under_days",
             "must be greater than the previous band's (" +
                 std::to_string(out.business_age.bands[i - 1].under_days) + ")");
  if (out.business_age.bands.empty() && reader::member(doc, "business_age"))
    r.fail("/business_age/bands", "must name at least one band");
  std::map<std::string, std::string> ids;
  auto unique = [&](const std::string& id, const std::string& ptr) {
    auto [it, fresh] = ids.emplace(id, ptr);
    if (!fresh)
      r.fail(ptr, "id '" + id + "' is already used at " + it->second);
  };
  for (size_t i = 0; i < out.floors.size(); ++i)
    unique(out.floors[i].id, "/floors/" + std::to_string(i) + "/id");
  for (size_t i = 0; i < out.overrides.size(); ++i)
    unique(out.overrides[i].id, "/overrides/" + std::to_string(i) + "/id");
}

rules_result parse(const json& doc, const risk_rules& base, bool complete) {
  rules_result result;
  reader r{result.problems, complete};
  if (!r.object(doc, "",
                {"weights", "bands", "coverage", "floors", "overrides", "industry",
                 "country", "business_age", "ownership", "website", "registry"}))
    return result;
  risk_rules out = base;
  read_sections(r, doc, out);
  if (result.problems.empty())
    check_consistency(r, doc, out);
  if (result.problems.empty())
    result.rules = std::move(out);
  return result;
}

} // namespace

risk_level level_of(int score, const level_bands& b) noexcept {
  if (score <= b.low_max)
    return risk_level::low;
  if (score <= b.medium_max)
    return risk_level::medium;
  if (score <= b.high_max)
    return risk_level::high;
  return risk_level::critical;
}

int minimum_score(risk_level level, const level_bands& b) noexcept {
  switch (level) {
  case risk_level::low:
    return 0;
  case risk_level::medium:
    return b.low_max + 1;
  case risk_level::high:
    return b.medium_max + 1;
  case risk_level::critical:
    return b.high_max + 1;
  }
  return 0;
}

rules_result parse_rules(const json& doc, const risk_rules& base) {
  return parse(doc, base, false);
}

rules_result parse_complete_rules(const json& doc) {
  return parse(doc, risk_rules{}, true);
}

rules_result parse_rules_text(std::string_view text, const risk_rules& base) {
  auto doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) {
    rules_result result;
    result.problems.push_back({"", "not a JSON document"});
    return result;
  }
  return parse_rules(doc, base);
}

rules_result load_rules_file(const std::string& path) {
  rules_result result;
  auto text = read_text_file(path);
  if (!text) {
    result.problems.push_back({"", "cannot read " + path});
    return result;
  }
  auto doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded()) {
    result.problems.push_back({"", path + " is not a JSON document"});
    return result;
  }
  return parse_complete_rules(doc);
}

json to_json(const risk_rules& r) {
  auto keyed = [](const auto& m) {
    json j = json::object();
    for (auto& [k, v] : m)
      j[to_string(k)] = v;
    return j;
  };
  json weights = keyed(r.weights);
  json floors = json::array();
  for (auto& f : r.floors)
    floors.push_back({{"id", f.id},
                      {"factor", to_string(f.factor)},
                      {"sub_score_at_least", f.sub_score_at_least},
                      {"level", to_string(f.level)},
                      {"review", f.review}});
  json overrides = json::array();
  for (auto& o : r.overrides) {
    json j{{"id", o.id},
           {"when", {{"fact", to_string(o.fact)}, {"in", o.in}}},
           {"review", o.review}};
    if (o.at_least)
      j["at_least"] = to_string(*o.at_least);
    if (!o.reason.empty())
      j["reason"] = o.reason;
    overrides.push_back(std::move(j));
  }
  json required = json::array();
  for (auto f : r.coverage.required)
    required.push_back(to_string(f));
  json age_bands = json::array();
  for (auto& b : r.business_age.bands)
    age_bands.push_back({{"under_days", b.under_days}, {"score", b.score}});
  return json{
      {"weights", weights},
      {"bands",
       {{"low_max", r.bands.low_max},
        {"medium_max", r.bands.medium_max},
        {"high_max", r.bands.high_max}}},
      {"coverage",
       {{"minimum_percent", r.coverage.minimum_percent},
        {"required", required},
        {"otherwise_at_least", to_string(r.coverage.otherwise_at_least)}}},
      {"floors", floors},
      {"overrides", overrides},
      {"industry",
       {{"min_confidence", r.industry.min_confidence},
        {"tier_scores", keyed(r.industry.tier_scores)},
        {"unlisted_score", r.industry.unlisted_score}}},
      {"country",
       {{"list_scores", keyed(r.country.list_scores)},
        {"unlisted_score", r.country.unlisted_score}}},
      {"business_age",
       {{"bands", age_bands}, {"otherwise_score", r.business_age.otherwise_score}}},
      {"ownership",
       {{"min_declared_percent", r.ownership.min_declared_percent},
        {"undeclared_points", r.ownership.undeclared_points},
        {"missing_identity_points", r.ownership.missing_identity_points},
        {"nominee_points", r.ownership.nominee_points},
        {"nominee_terms", r.ownership.nominee_terms},
        {"high_risk_country_points", r.ownership.high_risk_country_points}}},
      {"website",
       {{"unreachable_points", r.website.unreachable_points},
        {"tls_invalid_points", r.website.tls_invalid_points},
        {"no_contact_points", r.website.no_contact_points},
        {"prohibited_content_points", r.website.prohibited_content_points}}},
      {"registry",
       {{"not_found_points", r.registry.not_found_points},
        {"inactive_points", r.registry.inactive_points},
        {"dissolved_points", r.registry.dissolved_points},
        {"name_mismatch_points", r.registry.name_mismatch_points},
        {"ignored_name_words", r.registry.ignored_name_words}}}};
}

} // namespace kyb::risk
