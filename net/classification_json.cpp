#include "net/classification_json.hpp"

#include "net/json_writer.hpp"

namespace kyb::net {

namespace {

/// The API's name of the field an evidence term came from (POST /v1/classifications
/// calls the legal name `name`).
const char* field_name(const classification::evidence_term& e) {
  if (e.is_country)
    return "country";
  return e.field == classification::input_field::name
             ? "name"
             : classification::field_name(e.field);
}

using writer = json_writer;

void write_code(writer& w, const std::string& code, double confidence,
                const std::string& title) {
  w.open()
      .key("code")
      .str(code)
      .key("confidence")
      .num(confidence)
      .key("title")
      .str(title);
  w.close();
}

void write_mcc(writer& w, const std::string& code, double confidence,
               const std::string& naics, const std::string& sic,
               const std::string& title) {
  w.open().key("code").str(code).key("confidence").num(confidence);
  w.key("naics").str(naics).key("sic").str(sic).key("title").str(title).close();
}

} // namespace

std::string render_classification_result(const classification::classification_result& r) {
  std::string out;
  out.reserve(1536);
  writer w(out);
  w.open().key("evidence").open_array();
  for (const auto& e : r.evidence)
    w.open()
        .key("field")
        .str(field_name(e))
        .key("term")
        .str(e.term)
        .key("weight")
        .num(e.weight)
        .close();
  w.close_array().key("known_merchant").boolean(r.known_merchant).key("mcc");
  write_mcc(w, r.mcc.code, r.mcc.confidence, r.mcc.naics, r.mcc.sic, r.mcc.title);
  w.key("mcc_alternates").open_array();
  for (const auto& m : r.mcc_alternates)
    write_mcc(w, m.code, m.confidence, m.naics, m.sic, m.title);
  w.close_array().key("model_version").str(r.model_version).key("naics");
  write_code(w, r.naics.code, r.naics.confidence, r.naics.title);
  w.key("naics_sector");
  write_code(w, r.naics_sector.code, r.naics_sector.confidence, r.naics_sector.title);
  w.key("needs_review").boolean(r.needs_review).key("object").str("classification");
  w.key("sic");
  write_code(w, r.sic.code, r.sic.confidence, r.sic.title);
  w.close();
  return out;
}

namespace {

std::string render_stored(const actors::business_classification& c) {
  const auto& d = *c.data;
  std::string out;
  out.reserve(1536);
  writer w(out);
  w.open().key("business_id").str(d.business_id.to_string());
  w.key("cached").boolean(c.cached).key("classified_at").str(d.classified_at);
  w.key("evidence").open_array();
  for (const auto& e : d.evidence)
    w.open()
        .key("field")
        .str(e.field)
        .key("term")
        .str(e.term)
        .key("weight")
        .num(e.weight)
        .close();
  w.close_array().key("id").str(d.id.to_string());
  w.key("known_merchant").boolean(d.known_merchant).key("mcc");
  write_mcc(w, d.mcc.code, d.mcc.confidence, d.mcc.naics, d.mcc.sic, d.mcc.title);
  w.key("mcc_alternates").open_array();
  for (const auto& a : d.mcc_alternates)
    write_mcc(w, a.code, a.confidence, a.naics, a.sic, a.title);
  w.close_array().key("model_version").str(d.model_version).key("naics");
  write_code(w, d.naics.code, d.naics.confidence, d.naics.title);
  w.key("naics_sector");
  write_code(w, d.naics_sector.code, d.naics_sector.confidence, d.naics_sector.title);
  w.key("needs_review").boolean(d.needs_review);
  w.key("object").str("business_classification").key("sic");
  write_code(w, d.sic.code, d.sic.confidence, d.sic.title);
  w.close();
  return out;
}

} // namespace

std::string render_business_classification(const actors::business_classification& c) {
  // Served from the business actor's cache, the same data is rendered again and again:
  // once is enough.
  if (!c.cached || !c.data->rendered_cached)
    return render_stored(c);
  auto& slot = *c.data->rendered_cached;
  std::call_once(slot.once, [&] { slot.text = render_stored(c); });
  return slot.text;
}

} // namespace kyb::net
