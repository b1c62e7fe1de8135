// The bulk-import formats: NDJSON and CSV read incrementally, records with their line
// numbers, a broken record reported on its line while reading goes on, the bounds, and
// the same records whatever the chunking.
#define BOOST_TEST_MODULE import_reader
#include <boost/test/unit_test.hpp>

#include "net/import_reader.hpp"
#include "net/json_body.hpp"

using namespace kyb::net;
using nlohmann::json;

namespace {

/// Reads `text` in one piece and byte by byte; both must give the same records.
std::vector<import_record> read_all(import_format f, const std::string& text,
                                    import_limits limits = {}, bool* ok = nullptr,
                                    std::string* fatal = nullptr) {
  std::vector<import_record> whole;
  import_reader a(f, limits);
  bool good = a.feed(text, whole) && a.finish(whole);
  std::vector<import_record> bytes;
  import_reader b(f, limits);
  bool good_b = true;
  for (char c : text)
    good_b = good_b && b.feed(std::string_view(&c, 1), bytes);
  good_b = good_b && b.finish(bytes);
  BOOST_TEST(good == good_b);
  BOOST_REQUIRE_EQUAL(whole.size(), bytes.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    BOOST_TEST(whole[i].line == bytes[i].line);
    BOOST_TEST(whole[i].error == bytes[i].error);
    BOOST_TEST(whole[i].field == bytes[i].field);
    BOOST_TEST(whole[i].object == bytes[i].object);
  }
  if (ok)
    *ok = good;
  if (fatal)
    *fatal = a.fatal_error();
  return whole;
}

} // namespace

BOOST_AUTO_TEST_CASE(content_types_name_the_format) {
  BOOST_TEST((import_format_of("application/x-ndjson") == import_format::ndjson));
  BOOST_TEST((import_format_of("application/jsonl") == import_format::ndjson));
  BOOST_TEST((import_format_of("Text/CSV; charset=UTF-8") == import_format::csv));
  BOOST_TEST(!import_format_of("application/json"));
  BOOST_TEST(!import_format_of("text/csv; charset=latin1"));
  BOOST_TEST(!import_format_of(""));
}

BOOST_AUTO_TEST_CASE(ndjson_lines_broken_lines_and_line_numbers) {
  std::string text = "{\"legal_name\":\"Acme\",\"country\":\"US\"}\n"
                     "\n"                             // blank: skipped
                     "{\"legal_name\":\"Beta\"\r\n"   // broken JSON
                     "[1,2]\n"                        // not an object
                     "{\"legal_name\":\"Gamma\"}\r\n" // CRLF
                     "   \n"
                     "{\"legal_name\":\"Delta\",\"a\":1,\"a\":2}\n" // duplicate key
                     "{\"legal_name\":\"Last\"}";                   // no line end
  auto r = read_all(import_format::ndjson, text);
  BOOST_REQUIRE_EQUAL(r.size(), 6u);
  BOOST_TEST(r[0].line == 1);
  BOOST_TEST(r[0].error.empty());
  BOOST_TEST(r[0].object["legal_name"] == "Acme");
  BOOST_TEST(r[1].line == 3);
  BOOST_TEST(!r[1].error.empty());
  BOOST_TEST(r[2].line == 4);
  BOOST_TEST(r[2].error == "the line is not a JSON object");
  BOOST_TEST(r[3].line == 5);
  BOOST_TEST(r[3].object["legal_name"] == "Gamma");
  BOOST_TEST(r[4].line == 7);
  BOOST_TEST(r[4].error.find("duplicate") != std::string::npos, r[4].error);
  BOOST_TEST(r[5].line == 8);
  BOOST_TEST(r[5].object["legal_name"] == "Last");
}

BOOST_AUTO_TEST_CASE(ndjson_bounds_a_line_and_its_depth) {
  import_limits limits;
  limits.max_record_bytes = 40;
  limits.max_depth = 3;
  std::string text = "{\"legal_name\":\"" + std::string(100, 'x') + "\"}\n" +
                     "{\"a\":{\"b\":{\"c\":{}}}}\n" + "{\"legal_name\":\"ok\"}\n";
  auto r = read_all(import_format::ndjson, text, limits);
  BOOST_REQUIRE_EQUAL(r.size(), 3u);
  BOOST_TEST(r[0].error == "the line is longer than 40 bytes");
  BOOST_TEST(r[1].line == 2);
  BOOST_TEST(!r[1].error.empty());
  BOOST_TEST(r[2].object["legal_name"] == "ok");
  // Invalid UTF-8 is that line's error.
  auto bad = read_all(import_format::ndjson, "{\"legal_name\":\"caf\xC3\"}\n{\"x\":1}\n");
  BOOST_REQUIRE_EQUAL(bad.size(), 2u);
  BOOST_TEST(!bad[0].error.empty());
  BOOST_TEST(bad[1].error.empty());
}

BOOST_AUTO_TEST_CASE(csv_records_quotes_address_and_owners) {
  std::string text =
      "legal_name,country,Address_City,address_postal_code,owners,description\r\n"
      "Acme,US,Dover,19901,,plain\r\n"
      "\"Widgets, Inc.\",US,,,\"[{\"\"name\"\":\"\"Jane Roe\"\"}]\",\"two\nlines\"\n"
      "\n"
      "Third,GB,London,,,\"says \"\"hi\"\"\"";
  auto r = read_all(import_format::csv, text);
  BOOST_REQUIRE_EQUAL(r.size(), 3u);
  BOOST_TEST(r[0].line == 2);
  BOOST_TEST(r[0].object == json::parse(R"({"legal_name":"Acme","country":"US",
      "address":{"city":"Dover","postal_code":"19901"},"description":"plain"})"));
  BOOST_TEST(r[1].line == 3);
  BOOST_TEST(r[1].object["legal_name"] == "Widgets, Inc.");
  BOOST_TEST(r[1].object["owners"][0]["name"] == "Jane Roe");
  BOOST_TEST(r[1].object["description"] == "two\nlines");
  BOOST_TEST(!r[1].object.contains("address"));
  BOOST_TEST(r[2].line == 6); // the quoted newline made record 2 two lines long
  BOOST_TEST(r[2].object["description"] == "says \"hi\"");
}

BOOST_AUTO_TEST_CASE(csv_broken_records_are_errors_on_their_line) {
  std::string text = "legal_name,country,owners\n"
                     "Good,US,\n"
                     "Too,Many,Fields,Here\n"
                     "Stray \"quote,US,\n"
                     "\"closed\"trailing,US,\n"
                     "Owners,US,not json\n"
                     "After,US,\n";
  auto r = read_all(import_format::csv, text);
  BOOST_REQUIRE_EQUAL(r.size(), 6u);
  BOOST_TEST(r[0].error.empty());
  BOOST_TEST(r[1].line == 3);
  BOOST_TEST(r[1].error == "the record has 4 fields; the header has 3");
  BOOST_TEST(r[2].line == 4);
  BOOST_TEST(r[2].error.find("quote") != std::string::npos);
  BOOST_TEST(r[3].line == 5);
  BOOST_TEST(r[3].error.find("quote") != std::string::npos);
  BOOST_TEST(r[4].line == 6);
  BOOST_TEST(r[4].field == "/owners");
  BOOST_TEST(r[5].line == 7);
  BOOST_TEST(r[5].object["legal_name"] == "After");
  // A quoted field never closed swallows the rest: one error, on the line it opened.
  auto open = read_all(import_format::csv, "legal_name\nA\n\"B\nC\nD\n");
  BOOST_REQUIRE_EQUAL(open.size(), 2u);
  BOOST_TEST(open[1].line == 3);
  BOOST_TEST(open[1].error.find("never closed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(csv_headers_that_cannot_be_read_stop_the_upload) {
  for (std::string text :
       {std::string("name,country\nAcme,US\n"),
        std::string("legal_name,legal_name\nA,B\n"), std::string("country\nUS\n"),
        std::string(""), std::string("legal_name,\"open\n")}) {
    bool ok = true;
    std::string fatal;
    read_all(import_format::csv, text, {}, &ok, &fatal);
    BOOST_TEST(!ok, text);
    BOOST_TEST(!fatal.empty(), text);
  }
  import_limits limits;
  limits.max_record_bytes = 30;
  auto r = read_all(import_format::csv,
                    "legal_name,description\nA," + std::string(60, 'x') + "\nB,short\n",
                    limits);
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  BOOST_TEST(r[0].error == "the record is longer than 30 bytes");
  BOOST_TEST(r[1].line == 3);
  BOOST_TEST(r[1].object["legal_name"] == "B");
}

// Found by test/fuzz/import_reader_fuzz (test/fuzz/regressions/import_reader/): a line's
// JSON error quoted a character cut in two, and the job's results are JSON.
BOOST_AUTO_TEST_CASE(record_errors_are_valid_utf8) {
  auto r = read_all(import_format::ndjson, "[0,\xCC\xA2\n{\"legal_name\":\"Gamma\xA2}\n");
  BOOST_REQUIRE_EQUAL(r.size(), 2u);
  for (auto& rec : r) {
    BOOST_TEST(!rec.error.empty());
    BOOST_TEST(find_invalid_utf8(rec.error) == std::string::npos, rec.error);
  }
}
