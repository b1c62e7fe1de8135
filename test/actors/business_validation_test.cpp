#define BOOST_TEST_MODULE business_validation
#include <boost/test/unit_test.hpp>

#include <set>

#include "actors/business/business_validation.hpp"

using namespace kyb::actors;

namespace {

std::set<std::string> fields_of(const std::vector<field_error>& errors) {
  std::set<std::string> out;
  for (auto& e : errors)
    out.insert(e.field);
  return out;
}

business_input minimal() {
  business_input in;
  in.legal_name.set("  Acme Ltd ");
  in.country.set("gb");
  return in;
}

} // namespace

BOOST_AUTO_TEST_CASE(minimal_create_is_valid_and_normalised) {
  auto in = minimal();
  auto errors = validate_business_input(in, validation_mode::create, "2026-11-25");
  BOOST_TEST(errors.empty());
  BOOST_TEST(*in.legal_name.value == "Acme Ltd");
  BOOST_TEST(*in.country.value == "GB");
}

BOOST_AUTO_TEST_CASE(create_requires_name_and_country_update_does_not) {
  business_input empty;
  auto f =
      fields_of(validate_business_input(empty, validation_mode::create, "2026-11-25"));
  BOOST_TEST(f.count("/legal_name") == 1u);
  BOOST_TEST(f.count("/country") == 1u);
  business_input patch;
  BOOST_TEST(
      validate_business_input(patch, validation_mode::update, "2026-11-25").empty());
  patch.legal_name.set_null();
  BOOST_TEST(
      fields_of(validate_business_input(patch, validation_mode::update, "2026-11-25"))
          .count("/legal_name") == 1u);
}

BOOST_AUTO_TEST_CASE(each_field_is_checked) {
  auto in = minimal();
  in.country.set("ZZ");
  in.tax_id.set("1$3");
  in.website_url.set("javascript:alert(1)");
  in.incorporation_date.set("2027-01-01");
  in.registration_jurisdiction.set("US-");
  in.description.set(std::string(5001, 'x'));
  in.dba_name.set("bad\x01name");
  postal_address a;
  a.country = "Atlantis";
  a.postal_code = std::string(30, '1');
  in.address.set(a);
  std::vector<owner> owners(2);
  owners[0].name = "";
  owners[0].date_of_birth = "1800-01-01";
  owners[1].name = "B";
  owners[1].ownership_percent = 101;
  in.owners.set(owners);
  auto f = fields_of(validate_business_input(in, validation_mode::create, "2026-11-25"));
  for (auto name : {"/country", "/tax_id", "/website_url", "/incorporation_date",
                    "/registration_jurisdiction", "/description", "/dba_name",
                    "/address/country", "/address/postal_code", "/owners/0/name",
                    "/owners/0/date_of_birth", "/owners/1/ownership_percent"})
    BOOST_TEST(f.count(name) == 1u, "missing " << name);
}

BOOST_AUTO_TEST_CASE(ownership_may_not_exceed_100_percent) {
  auto in = minimal();
  std::vector<owner> owners(2);
  owners[0].name = "A";
  owners[0].ownership_percent = 60.5;
  owners[1].name = "B";
  owners[1].ownership_percent = 39.5;
  in.owners.set(owners);
  BOOST_TEST(validate_business_input(in, validation_mode::create, "2026-11-25").empty());
  (*in.owners.value)[1].ownership_percent = 39.51;
  BOOST_TEST(fields_of(validate_business_input(in, validation_mode::create, "2026-11-25"))
                 .count("/owners") == 1u);
}

BOOST_AUTO_TEST_CASE(helpers) {
  BOOST_TEST(is_iso_date("2024-02-29"));
  BOOST_TEST(!is_iso_date("2023-02-29"));
  BOOST_TEST(!is_iso_date("2023-13-01"));
  BOOST_TEST(!is_iso_date("20230101"));
  BOOST_TEST(is_country_code("DE"));
  BOOST_TEST(is_country_code("XK"));
  BOOST_TEST(!is_country_code("de"));
  BOOST_TEST(!is_country_code("EU"));
  BOOST_TEST(normalize_tax_id(" 12-345.678/9 ab") == "123456789AB");
  BOOST_TEST(mask_tax_id("123456789") == "*****6789");
  BOOST_TEST(mask_tax_id("123") == "***");
  BOOST_TEST(utc_today().size() == 10u);
}

BOOST_AUTO_TEST_CASE(merge_patch_applies) {
  business_record rec;
  rec.legal_name = "Old";
  rec.dba_name = "Old DBA";
  rec.country = "US";
  business_input in;
  in.dba_name.set_null();
  in.tax_id.set("12-3456789");
  apply_business_input(rec, in);
  BOOST_TEST(rec.legal_name == "Old");
  BOOST_TEST(!rec.dba_name);
  BOOST_TEST(*rec.tax_id == "123456789");
}
