#define BOOST_TEST_MODULE screening_text_decoder
#include <boost/test/unit_test.hpp>

#include "actors/screening/engine/text_decoder.hpp"

using namespace kyb::screening;

BOOST_AUTO_TEST_CASE(utf8_validation_finds_the_bad_byte) {
  size_t bad = 99;
  BOOST_TEST(is_valid_utf8("plain ascii"));
  BOOST_TEST(is_valid_utf8("M\xC3\xBCller \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD"));
  BOOST_TEST(!is_valid_utf8("abc\xE9xyz", &bad));
  BOOST_TEST(bad == 3u);
  BOOST_TEST(!is_valid_utf8("\xC0\xAF"));         // overlong '/'
  BOOST_TEST(!is_valid_utf8("\xED\xA0\x80"));     // UTF-16 surrogate
  BOOST_TEST(!is_valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
  BOOST_TEST(!is_valid_utf8("\xE2\x82", &bad));   // truncated sequence
  BOOST_TEST(bad == 0u);
}

BOOST_AUTO_TEST_CASE(cp1252_converts_and_rejects_undefined_bytes) {
  std::string out;
  size_t bad = 0;
  BOOST_REQUIRE(cp1252_to_utf8("Jos\xE9 \x80 \x93quoted\x94", out, &bad));
  BOOST_TEST(out == "Jos\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9Cquoted\xE2\x80\x9D");
  BOOST_TEST(!cp1252_to_utf8("ok\x81", out, &bad));
  BOOST_TEST(bad == 2u);
}

BOOST_AUTO_TEST_CASE(decode_drops_bom_and_dos_eof) {
  auto r = decode_list_text("\xEF\xBB\xBFid,name\r\n1,x\r\n\x1A", text_encoding::utf8,
                            "f.csv");
  BOOST_REQUIRE(r);
  BOOST_TEST(r.value() == "id,name\r\n1,x\r\n");
}

BOOST_AUTO_TEST_CASE(decode_latin1_when_not_utf8) {
  auto r =
      decode_list_text("1,\"M\xDCLLER\"\r\n", text_encoding::utf8_or_cp1252, "sdn.csv");
  BOOST_REQUIRE(r);
  BOOST_TEST(r.value() == "1,\"M\xC3\x9CLLER\"\r\n");
  // Valid UTF-8 stays as it is (an operator may have converted the file already).
  auto u = decode_list_text("1,\"M\xC3\x9CLLER\"\r\n", text_encoding::utf8_or_cp1252,
                            "sdn.csv");
  BOOST_REQUIRE(u);
  BOOST_TEST(u.value() == "1,\"M\xC3\x9CLLER\"\r\n");
}

BOOST_AUTO_TEST_CASE(mis_encoded_utf8_names_file_and_line) {
  auto r =
      decode_list_text("id,name\n1,ok\n2,Jos\xE9\n", text_encoding::utf8, "list.csv");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "list.csv");
  BOOST_TEST(r.error().line == 3u);
  BOOST_TEST(r.error().message.find("UTF-8") != std::string::npos);
  BOOST_TEST(r.error().to_string().find("list.csv:3:") == 0u);
}

BOOST_AUTO_TEST_CASE(undefined_cp1252_byte_is_mis_encoded) {
  auto r = decode_list_text("1,\"A\"\r\n2,\"B\x8D\"\r\n", text_encoding::utf8_or_cp1252,
                            "sdn.csv");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().line == 2u);
  BOOST_TEST(r.error().message.find("mis-encoded") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(binary_garbage_is_refused) {
  std::string bytes = "1,\"A\"\r\n";
  bytes += '\0';
  bytes += "\x01\x02";
  auto r = decode_list_text(bytes, text_encoding::utf8_or_cp1252, "sdn.csv");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().line == 2u);
  BOOST_TEST(r.error().message.find("control character 0x00") != std::string::npos);
  // 0x1A in the middle is not an end-of-file marker.
  auto mid = decode_list_text("a\x1A"
                              "b\n",
                              text_encoding::utf8, "x");
  BOOST_TEST(!mid);
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error_value) {
  auto r = read_file_bytes("/nonexistent/dir/sdn.csv");
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().file == "/nonexistent/dir/sdn.csv");
  BOOST_TEST(r.error().message.find("cannot open") != std::string::npos);
  BOOST_TEST(line_of_offset("a\nb\nc", 4) == 3u);
}
