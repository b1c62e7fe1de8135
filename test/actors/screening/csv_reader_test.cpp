#define BOOST_TEST_MODULE screening_csv_reader
#include <boost/test/unit_test.hpp>

#include "actors/screening/csv_reader.hpp"

using namespace kyb::screening;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::csv_reader::status)
using fields = std::vector<std::string>;

BOOST_AUTO_TEST_CASE(reads_quoted_fields_crlf_and_reports_lines) {
  csv_reader r("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\r\n\r\n"
               "173,\"ANGLO-CARIBBEAN CO., LTD.\",\"a \"\"quoted\"\"\nline\",x\r\n");
  fields f;
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_TEST(r.line() == 1u);
  BOOST_TEST((f == fields{"36", "AEROCARIBBEAN AIRLINES", "-0- ", "CUBA"}));
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_TEST(r.line() == 3u);
  BOOST_TEST(
      (f == fields{"173", "ANGLO-CARIBBEAN CO., LTD.", "a \"quoted\"\nline", "x"}));
  BOOST_TEST(r.next(f) == csv_reader::status::end);
}

BOOST_AUTO_TEST_CASE(empty_fields_and_last_line_without_newline) {
  csv_reader r("a,,c,\n,x");
  fields f;
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_TEST((f == fields{"a", "", "c", ""}));
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_TEST((f == fields{"", "x"}));
  BOOST_TEST(r.next(f) == csv_reader::status::end);
}

BOOST_AUTO_TEST_CASE(truncated_quote_is_malformed) {
  csv_reader r("1,\"ok\"\n2,\"cut off in the mid");
  fields f;
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_REQUIRE(r.next(f) == csv_reader::status::malformed);
  BOOST_TEST(r.line() == 2u);
  BOOST_TEST(r.error().find("unterminated") != std::string::npos);
  BOOST_TEST(r.next(f) == csv_reader::status::end);
}

BOOST_AUTO_TEST_CASE(stray_quotes_are_malformed_and_reading_resumes) {
  csv_reader r("1,ab\"c,d\n2,\"x\"y,z\n3,ok\n");
  fields f;
  BOOST_REQUIRE(r.next(f) == csv_reader::status::malformed);
  BOOST_TEST(r.line() == 1u);
  BOOST_REQUIRE(r.next(f) == csv_reader::status::malformed);
  BOOST_TEST(r.line() == 2u);
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_TEST(r.line() == 3u);
  BOOST_TEST((f == fields{"3", "ok"}));
}
