#include "actors/classification/classification_actor.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/object_body.hpp"

namespace kyb::net::handlers {

namespace {

using nlohmann::json;

const char* field_name(classification::input_field f) {
  switch (f) {
  case classification::input_field::name:
    return "name";
  case classification::input_field::dba:
    return "dba_name";
  case classification::input_field::description:
    return "description";
  case classification::input_field::website:
    return "website_text";
  }
  return "name";
}

json code_json(const classification::code_prediction& c) {
  return {{"code", c.code}, {"title", c.title}, {"confidence", c.confidence}};
}

json mcc_json(const classification::mcc_prediction& m) {
  return {{"code", m.code},
          {"title", m.title},
          {"confidence", m.confidence},
          {"naics", m.naics},
          {"sic", m.sic}};
}

json result_json(const classification::classification_result& r) {
  json alternates = json::array();
  for (const auto& m : r.mcc_alternates)
    alternates.push_back(mcc_json(m));
  json evidence = json::array();
  for (const auto& e : r.evidence)
    evidence.push_back({{"term", e.term},
                        {"field", e.is_country ? "country" : field_name(e.field)},
                        {"weight", e.weight}});
  return {{"object", "classification"},
          {"model_version", r.model_version},
          {"mcc", mcc_json(r.mcc)},
          {"mcc_alternates", alternates},
          {"naics", code_json(r.naics)},
          {"naics_sector", code_json(r.naics_sector)},
          {"sic", code_json(r.sic)},
          {"evidence", evidence},
          {"known_merchant", r.known_merchant}};
}

} // namespace

void classify_business_text(const exchange_ptr& ex) {
  const auto& slot = ex->services().classification;
  if (!slot) {
    ex->reply_problem(problem_type::unavailable,
                      "no classification model is configured on this node "
                      "(classification.model_path)",
                      {{"Retry-After", "60"}});
    return;
  }
  auto body = read_object(
      ex, {"name", "dba_name", "description", "website_text", "country"}, {"name"});
  if (!body)
    return;
  classification::classification_input in;
  in.legal_name = (*body)["name"].get<std::string>();
  in.dba_name = opt_string(*body, "dba_name").value_or("");
  in.description = opt_string(*body, "description").value_or("");
  in.website_text = opt_string(*body, "website_text").value_or("");
  in.country = opt_string(*body, "country").value_or("");
  ex->ask<classification::classification_result>(
      slot->get(),
      [ex](classification::classification_result& r) {
        ex->reply_json(200, result_json(r));
      },
      actors::classify_atom::value, std::move(in));
}

} // namespace kyb::net::handlers
