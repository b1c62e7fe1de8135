// A tenant's risk rules over HTTP: the rules document is validated here, over the
// platform's default rules, with every problem named by its JSON pointer (422), before
// the tenant actor stores it as a new version.
#include <cstdint>
#include <limits>

#include "actors/risk/risk_rules.hpp"
#include "actors/tenant/tenant_actor.hpp"
#include "net/handlers/handlers.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;
using nlohmann::json;

/// The rules every tenant's document applies over, or a 503 and nullptr.
std::shared_ptr<const risk::risk_reference> risk_reference_of(const exchange_ptr& ex) {
  const auto& holder = ex->services().platform->risk;
  auto ref = holder ? holder->current() : nullptr;
  if (!ref)
    ex->reply_problem(problem_type::unavailable, "no risk reference data is loaded");
  return ref;
}

/// A version as the API shows it: the tenant's document and the rules in effect (the
/// document over the current defaults; null if it no longer applies over them).
json rules_to_json(const risk_rules_version& v, const risk::risk_rules& defaults) {
  auto doc = json::parse(v.document, nullptr, false);
  if (doc.is_discarded())
    doc = json::object();
  auto merged = risk::parse_rules(doc, defaults);
  return {{"object", "risk_rules"},
          {"version", v.version},
          {"document", doc},
          {"effective", merged ? risk::to_json(*merged.rules) : json(nullptr)},
          {"created_by", v.created_by.empty() ? json(nullptr) : json(v.created_by)},
          {"created_at", v.created_at.empty() ? json(nullptr) : json(v.created_at)}};
}

/// Asks this tenant's actor for `version` (-1: the current one) and answers it.
void reply_version(const exchange_ptr& ex, int32_t version) {
  auto ref = risk_reference_of(ex);
  if (!ref)
    return;
  ex->ask_entity<risk_rules_version>(
      tenant_entity, ex->who->tenant_id,
      [ex, ref](risk_rules_version& v) {
        ex->reply_json(200, rules_to_json(v, ref->default_rules));
      },
      risk_rules_atom::value, ex->meta(), version);
}

} // namespace

void put_risk_rules(const exchange_ptr& ex) {
  auto ref = risk_reference_of(ex);
  if (!ref)
    return;
  auto body = ex->json_body();
  if (!body)
    return;
  auto parsed = risk::parse_rules(*body, ref->default_rules);
  if (!parsed) {
    auto p = make_problem(problem_type::unprocessable,
                          "the risk rules document has " +
                              std::to_string(parsed.problems.size()) +
                              (parsed.problems.size() == 1 ? " problem" : " problems") +
                              "; the first: " + parsed.problems[0].pointer + ": " +
                              parsed.problems[0].problem);
    for (auto& pr : parsed.problems)
      p.errors.push_back({pr.pointer, pr.problem});
    ex->send_problem(std::move(p), {});
    return;
  }
  ex->ask_entity<risk_rules_version>(
      tenant_entity, ex->who->tenant_id,
      [ex, ref](risk_rules_version& v) {
        ex->reply_json(200, rules_to_json(v, ref->default_rules));
      },
      put_risk_rules_atom::value, ex->meta(), body->dump());
}

void get_risk_rules(const exchange_ptr& ex) {
  reply_version(ex, -1);
}

void get_risk_rules_version(const exchange_ptr& ex) {
  const auto& text = ex->params["version"];
  // A version is a number from 0: digits only, no sign, within int32_t.
  bool ok = !text.empty() && text.size() <= 10 &&
            text.find_first_not_of("0123456789") == std::string::npos &&
            std::stoll(text) <= std::numeric_limits<int32_t>::max();
  if (!ok) {
    ex->reply_invalid({{"version", "must be a whole number from 0 to 2147483647"}});
    return;
  }
  reply_version(ex, static_cast<int32_t>(std::stoll(text)));
}

} // namespace kyb::net::handlers
