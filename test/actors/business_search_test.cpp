// What a business search looks for (business_search.hpp): legal-form words leave a
// query that has other words, and stay in one that has none.
#define BOOST_TEST_MODULE business_search
#include <boost/test/unit_test.hpp>

#include "actors/business/business_search.hpp"

using kyb::actors::search_text_of;

BOOST_AUTO_TEST_CASE(legal_forms_leave_a_query_with_other_words) {
  BOOST_TEST(search_text_of("Acme LLC") == "Acme");
  BOOST_TEST(search_text_of("acme inc") == "acme");
  BOOST_TEST(search_text_of("Blue Harbor Coffee GmbH") == "Blue Harbor Coffee");
  BOOST_TEST(search_text_of("Industrias Lopez S.A. de C.V.") == "Industrias Lopez");
  BOOST_TEST(search_text_of("  pizza   llc ") == "pizza");
}

BOOST_AUTO_TEST_CASE(a_query_of_legal_forms_alone_is_kept) {
  BOOST_TEST(search_text_of("llc") == "llc");
  BOOST_TEST(search_text_of("LLC Inc") == "LLC Inc");
}

BOOST_AUTO_TEST_CASE(other_words_are_kept_as_written) {
  BOOST_TEST(search_text_of("Müller & Söhne") == "Müller & Söhne");
  BOOST_TEST(search_text_of("blue harbor coffee") == "blue harbor coffee");
  // Short forms count only at the ends of a name, as in screening: "Co" inside stays.
  BOOST_TEST(search_text_of("Acme Co Pizza") == "Acme Co Pizza");
  BOOST_TEST(search_text_of("Acme Pizza Co") == "Acme Pizza");
  BOOST_TEST(search_text_of("") == "");
}
