#define BOOST_TEST_MODULE runtime_base_text
#include <boost/test/unit_test.hpp>

#include <string>

#include "runtime/base/text.hpp"

using namespace kyb::base;

BOOST_AUTO_TEST_CASE(trim_removes_blanks_at_both_ends_only) {
  BOOST_TEST(trim("  a b\t\r\n") == "a b");
  BOOST_TEST(trim("\r\n\t x") == "x");
  BOOST_TEST(trim("") == "");
  BOOST_TEST(trim(" \t\r\n ") == "");
  BOOST_TEST(trim("a") == "a");
  // Only the four blanks: other control bytes and non-ASCII bytes are data.
  BOOST_TEST(trim("\v a \f") == "\v a \f");
  BOOST_TEST(trim("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0");
  std::string owned = trim_copy(std::string("  kept  "));
  BOOST_TEST(owned == "kept");
  static_assert(trim(" x ") == "x");
}

BOOST_AUTO_TEST_CASE(iequals_ignores_ascii_case_only) {
  BOOST_TEST(iequals("ETag", "etag"));
  BOOST_TEST(iequals("", ""));
  BOOST_TEST(!iequals("etag", "etags"));
  BOOST_TEST(!iequals("a", "b"));
  // Bytes beyond ASCII compare exactly (no locale folding).
  BOOST_TEST(!iequals("\xC3\x84", "\xC3\xA4"));
  BOOST_TEST(iequals("\xC3\x84x", "\xC3\x84X"));
  BOOST_TEST(istarts_with("F.K.A. Acme", "f.k.a"));
  BOOST_TEST(!istarts_with("fk", "f.k.a"));
  BOOST_TEST(to_lower_ascii("Text/CSV; Charset=UTF-8") == "text/csv; charset=utf-8");
  static_assert(iequals("Vessel", "VESSEL"));
}
