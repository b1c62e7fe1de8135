// The one CSV reader (runtime/base/csv_reader.hpp): RFC 4180 fields, line numbers,
// broken records reported on their line while reading goes on, the bounds, and the same
// records whether the text arrives whole or byte by byte.
#define BOOST_TEST_MODULE runtime_base_csv_reader
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "runtime/base/csv_reader.hpp"

using namespace kyb::base;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::base::csv_reader::status)
BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::base::csv_problem)

using fields = std::vector<std::string>;

namespace {

/// One record as read: its line, its fields, and its error ("" when read).
struct row {
  int64_t line;
  fields values;
  std::string error;
};

/// Reads `text` with the pull reader and, byte by byte, with the push parser; both must
/// give the same records.
std::vector<row> read_all(std::string_view text, csv_limits limits = {}) {
  std::vector<row> pulled;
  csv_reader reader(text, limits);
  fields f;
  for (;;) {
    auto st = reader.next(f);
    if (st == csv_reader::status::end)
      break;
    pulled.push_back({static_cast<int64_t>(reader.line()), f, reader.error()});
    if (st == csv_reader::status::malformed)
      BOOST_TEST(!reader.error().empty());
  }
  std::vector<row> pushed;
  csv_parser parser(limits);
  auto take = [&] { pushed.push_back({parser.line(), parser.fields(), parser.error()}); };
  for (char c : text)
    if (parser.push(c))
      take();
  if (parser.finish())
    take();
  BOOST_REQUIRE_EQUAL(pulled.size(), pushed.size());
  for (size_t i = 0; i < pulled.size(); ++i) {
    BOOST_TEST(pulled[i].line == pushed[i].line);
    BOOST_TEST(pulled[i].values == pushed[i].values);
    BOOST_TEST(pulled[i].error == pushed[i].error);
  }
  return pulled;
}

} // namespace

BOOST_AUTO_TEST_CASE(quoted_fields_doubled_quotes_crlf_and_lines) {
  auto r = read_all("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\"\r\n\r\n"
                    "173,\"ANGLO-CARIBBEAN CO., LTD.\",\"a \"\"quoted\"\"\r\nline\",x\r\n"
                    "last,\"\"\r\n");
  BOOST_REQUIRE_EQUAL(r.size(), 3u);
  BOOST_TEST(r[0].line == 1);
  BOOST_TEST((r[0].values == fields{"36", "AEROCARIBBEAN AIRLINES", "-0- ", "CUBA"}));
  BOOST_TEST(r[1].line == 3); // the blank line 2 is skipped
  BOOST_TEST((r[1].values ==
              fields{"173", "ANGLO-CARIBBEAN CO., LTD.", "a \"quoted\"\r\nline", "x"}));
  BOOST_TEST(r[2].line == 5); // the embedded line end made record 2 two lines long
  BOOST_TEST((r[2].values == fields{"last", ""}));
  for (auto& x : r)
    BOOST_TEST(x.error.empty());
}

BOOST_AUTO_TEST_CASE(empty_fields_last_line_without_newline_and_bom) {
  auto r = read_all("\xEF\xBB\xBF"
                    "a,,c,\n,x");
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  BOOST_TEST((r[0].values == fields{"a", "", "c", ""}));
  BOOST_TEST((r[1].values == fields{"", "x"}));
  BOOST_TEST(r[1].line == 2);
  // Bytes that start like a byte-order mark but are not one are data.
  auto partial = read_all("\xEF\xBB"
                          "x\n");
  BOOST_REQUIRE_EQUAL(partial.size(), 1u);
  BOOST_TEST((partial[0].values == fields{"\xEF\xBB"
                                          "x"}));
  BOOST_TEST(read_all("").empty());
  BOOST_TEST(read_all("\r\n\n\r\n").empty());
  // Blanks after a closing quote are tolerated; blanks in unquoted fields are data.
  auto blanks = read_all("\"a\"  ,\" b \"\t\n");
  BOOST_REQUIRE_EQUAL(blanks.size(), 1u);
  BOOST_TEST((blanks[0].values == fields{"a", " b "}));
}

BOOST_AUTO_TEST_CASE(unterminated_quote_is_malformed_on_the_line_it_opened) {
  auto r = read_all("1,\"ok\"\n2,\"cut off in the mid\n3,dle\n");
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  BOOST_TEST(r[0].error.empty());
  BOOST_TEST(r[1].line == 2);
  BOOST_TEST(r[1].values.empty());
  BOOST_TEST(r[1].error.find("never closed") != std::string::npos, r[1].error);
}

BOOST_AUTO_TEST_CASE(stray_quotes_are_malformed_and_reading_resumes) {
  auto r = read_all("1,ab\"c,d\n2,\"x\"y,z\n3,ok\n4,\"\"\"\n");
  BOOST_REQUIRE_EQUAL(r.size(), 4u);
  BOOST_TEST(r[0].line == 1);
  BOOST_TEST(r[0].error.find("field 2 has a quote inside it") == 0u, r[0].error);
  BOOST_TEST(r[1].line == 2);
  BOOST_TEST(r[1].error.find("field 2 has text after its closing quote") == 0u,
             r[1].error);
  BOOST_TEST(r[2].line == 3);
  BOOST_TEST((r[2].values == fields{"3", "ok"}));
  // `"""` opens a field holding one quote that is never closed: it swallows the rest.
  BOOST_TEST(r[3].line == 4);
  BOOST_TEST(r[3].error.find("never closed") != std::string::npos, r[3].error);
}

BOOST_AUTO_TEST_CASE(oversize_fields_and_records_are_errors_and_skipped) {
  csv_limits limits;
  limits.max_field_bytes = 8;
  limits.max_record_bytes = 24;
  auto r = read_all("ok,12345678\n"   // a field of exactly 8
                    "x,123456789,y\n" // a field of 9
                    "\"" +
                        std::string(40, 'q') +
                        "\"\n"                        // quoted, too long
                        "a,b,c,d,e,f,g,h,i,j,k,l,m\n" // a record of 26
                        "after,it\n",
                    limits);
  BOOST_REQUIRE_EQUAL(r.size(), 5u);
  BOOST_TEST((r[0].values == fields{"ok", "12345678"}));
  BOOST_TEST(r[1].line == 2);
  BOOST_TEST(r[1].values.empty());
  BOOST_TEST(r[1].error == "field 2 is longer than 8 bytes");
  BOOST_TEST(r[2].line == 3);
  BOOST_TEST(r[2].error == "field 1 is longer than 8 bytes");
  BOOST_TEST(r[3].line == 4);
  BOOST_TEST(r[3].error == "the record is longer than 24 bytes");
  BOOST_TEST(r[4].line == 5);
  BOOST_TEST((r[4].values == fields{"after", "it"}));
}

BOOST_AUTO_TEST_CASE(the_parser_names_its_problems) {
  csv_parser p;
  for (char c : std::string("a,b\"\n"))
    if (c != '\n')
      BOOST_TEST(!p.push(c));
  BOOST_REQUIRE(p.push('\n'));
  BOOST_TEST((p.problem() == csv_problem::stray_quote));
  BOOST_TEST(p.problem_field() == 2u);
  BOOST_TEST(p.lines() == 1);
  for (char c : std::string("c,\"d"))
    BOOST_TEST(!p.push(c));
  BOOST_REQUIRE(p.finish());
  BOOST_TEST((p.problem() == csv_problem::unterminated_quote));
  BOOST_TEST(p.line() == 2);
  BOOST_TEST(!p.finish());
}

BOOST_AUTO_TEST_CASE(other_separators) {
  csv_reader r("a;\"b;c\";d\n", {}, ';');
  fields f;
  BOOST_REQUIRE(r.next(f) == csv_reader::status::record);
  BOOST_TEST((f == fields{"a", "b;c", "d"}));
  BOOST_TEST(r.next(f) == csv_reader::status::end);
  BOOST_TEST(r.next(f) == csv_reader::status::end);
}
