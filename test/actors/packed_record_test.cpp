// The business record a loaded business actor keeps (packed_record.hpp): every field
// comes back as it went in, absent and empty kept apart, and the fields read on every
// request are read in place.
#define BOOST_TEST_MODULE packed_record
#include <boost/test/unit_test.hpp>

#include <string>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "actors/business/business.hpp"
#include "actors/business/packed_record.hpp"

using namespace kyb;
using namespace kyb::actors;

namespace {

business_record full_record() {
  business_record r;
  r.id = base::uuid::make_v7();
  r.tenant_id = base::uuid::make_v7();
  r.region = "eu";
  r.legal_name = "Müller & Söhne Industrieanlagen GmbH";
  r.dba_name = "Müller";
  r.tax_id = "DE123456789";
  r.website_url = "https://mueller.example.de";
  r.country = "DE";
  r.registration_number = "HRB 12345";
  r.registration_jurisdiction = "DE-BY";
  postal_address a;
  a.line1 = "Hauptstraße 1";
  a.line2 = std::string(); // present and empty: not the same as absent
  a.city = "München";
  a.postal_code = "80331";
  a.country = "DE";
  r.address = a;
  r.incorporation_date = "1999-04-01";
  r.description = std::string(300, 'x') + " spare parts"; // lengths past one byte
  owner o1;
  o1.name = "Anna Müller";
  o1.date_of_birth = "1970-01-02";
  o1.nationality = "DE";
  o1.ownership_percent = 62.5;
  owner o2;
  o2.name = "Jo";
  o2.ownership_percent = 0.0;
  r.owners = {o1, o2, owner{}};
  r.version = 17;
  r.created_at = "2026-12-07T10:00:00.123456Z";
  r.updated_at = "2026-12-07T11:00:00.654321Z";
  return r;
}

bool same(const business_record& a, const business_record& b) {
  return a.id == b.id && a.tenant_id == b.tenant_id && a.region == b.region &&
         a.legal_name == b.legal_name && a.dba_name == b.dba_name &&
         a.tax_id == b.tax_id && a.website_url == b.website_url &&
         a.country == b.country && a.registration_number == b.registration_number &&
         a.registration_jurisdiction == b.registration_jurisdiction &&
         a.address == b.address && a.incorporation_date == b.incorporation_date &&
         a.description == b.description && a.owners == b.owners &&
         a.version == b.version && a.created_at == b.created_at &&
         a.updated_at == b.updated_at && a.deleted_at == b.deleted_at;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_field_comes_back) {
  auto r = full_record();
  packed_record p(r);
  BOOST_TEST(!p.empty());
  auto back = p.unpack();
  BOOST_TEST(same(back, r));
  BOOST_TEST(back.address->line2.has_value());
  BOOST_TEST(back.address->line2->empty());
  BOOST_TEST(!back.address->state.has_value());
  BOOST_TEST(back.owners.at(1).ownership_percent.has_value());
  BOOST_TEST(!back.owners.at(2).ownership_percent.has_value());
  BOOST_TEST(!back.tax_id_revealed);
  BOOST_TEST(!back.owners_revealed);
}

BOOST_AUTO_TEST_CASE(a_minimal_record_comes_back) {
  business_record r;
  r.id = base::uuid::make_v7();
  r.tenant_id = base::uuid::make_v7();
  r.region = "us";
  r.legal_name = "Acme";
  r.country = "US";
  r.version = 1;
  r.created_at = r.updated_at = "2026-12-07T10:00:00Z";
  packed_record p(r);
  auto back = p.unpack();
  BOOST_TEST(same(back, r));
  BOOST_TEST(!back.address.has_value());
  BOOST_TEST(!back.dba_name.has_value());
  BOOST_TEST(back.owners.empty());
}

BOOST_AUTO_TEST_CASE(fields_read_in_place) {
  auto r = full_record();
  packed_record p(r);
  BOOST_TEST((p.id() == r.id));
  BOOST_TEST((p.tenant_id() == r.tenant_id));
  BOOST_TEST(p.version() == 17);
  BOOST_TEST(p.region() == "eu");
  BOOST_TEST(!p.deleted());
  r.deleted_at = "2026-12-07T12:00:00Z";
  packed_record gone(r);
  BOOST_TEST(gone.deleted());
  BOOST_TEST(*gone.unpack().deleted_at == "2026-12-07T12:00:00Z");
}

BOOST_AUTO_TEST_CASE(smaller_than_the_record_it_packs) {
  auto r = full_record();
  r.description.reset();
  packed_record p(r);
  size_t text = r.region.size() + r.legal_name.size() + r.dba_name->size() +
                r.tax_id->size() + r.website_url->size() + r.country.size() +
                r.registration_number->size() + r.registration_jurisdiction->size() +
                r.address->line1->size() + r.address->city->size() +
                r.address->postal_code->size() + r.address->country->size() +
                r.incorporation_date->size() + r.created_at.size() + r.updated_at.size();
  for (auto& o : r.owners)
    text += o.name.size() + (o.date_of_birth ? o.date_of_birth->size() : 0) +
            (o.nationality ? o.nationality->size() : 0);
  // A length byte per field and 8 bytes per owner's share, nothing else.
  BOOST_TEST(p.text_bytes() < text + 64);
  BOOST_TEST(sizeof(packed_record) + p.text_bytes() < sizeof(business_record));
}

BOOST_AUTO_TEST_CASE(empty_until_packed) {
  packed_record p;
  BOOST_TEST(p.empty());
  BOOST_TEST(p.region().empty());
  packed_record q(full_record());
  p = std::move(q);
  BOOST_TEST(!p.empty());
}

// A business view travels between nodes as its record and, once rendered, its JSON: the
// receiving node answers with the owner's bytes without rendering them again; a view
// not rendered yet travels without, and is rendered where it is answered.
BOOST_AUTO_TEST_CASE(views_travel_with_their_rendered_json) {
  auto round_trip = [](business_view v) {
    std::vector<char> buf;
    caf::binary_serializer sink{nullptr, buf};
    BOOST_REQUIRE(!sink(v));
    business_view copy;
    caf::binary_deserializer source{nullptr, buf};
    BOOST_REQUIRE(!source(copy));
    BOOST_REQUIRE(copy.data);
    return copy;
  };
  auto d = std::make_shared<business_view_data>();
  d->record = full_record();
  auto plain = round_trip(business_view{d});
  BOOST_TEST(plain.record().legal_name == d->record.legal_name);
  BOOST_TEST((plain.record().owners.size() == d->record.owners.size()));
  BOOST_TEST(!plain.data->rendered_done.load());
  d->set_rendered(R"({"legal_name":"as rendered by the owner"})");
  BOOST_TEST(d->rendered_done.load());
  auto rendered = round_trip(business_view{d});
  BOOST_TEST(rendered.data->rendered_done.load());
  BOOST_TEST(rendered.data->rendered == R"({"legal_name":"as rendered by the owner"})");
  BOOST_TEST((rendered.record().description == d->record.description));
  // Rendered once: a later render keeps the first text.
  rendered.data->set_rendered("other");
  BOOST_TEST(rendered.data->rendered == R"({"legal_name":"as rendered by the owner"})");
}
