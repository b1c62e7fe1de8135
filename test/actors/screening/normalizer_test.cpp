#define BOOST_TEST_MODULE screening_normalizer
#include <boost/test/unit_test.hpp>

#include "actors/screening/engine/country_table.hpp"
#include "actors/screening/engine/date_parser.hpp"
#include "actors/screening/engine/legal_form_table.hpp"
#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/transliterator.hpp"

using namespace kyb::screening;
using tokens = std::vector<std::string>;

namespace {

std::vector<std::string> marked(const std::string& name) {
  auto t = normalizer::tokens(name);
  auto flags = legal_form_table::builtin().mark(t);
  std::vector<std::string> out;
  for (size_t i = 0; i < t.size(); ++i)
    if (flags[i])
      out.push_back(t[i]);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(case_diacritics_punctuation_and_spacing) {
  BOOST_TEST(normalizer::fold("SALEK, ABDULHAI") == "salek abdulhai");
  BOOST_TEST(normalizer::fold("  Müller-Lüdenscheidt  GmbH ") ==
             "muller ludenscheidt gmbh");
  BOOST_TEST(normalizer::fold("ESTÊVÃO NA MENA") == "estevao na mena");
  BOOST_TEST(normalizer::fold("Øresund Æble Straße Łódź") ==
             "oresund aeble strasse lodz");
  // Full-width forms and ideographic space fold by compatibility decomposition.
  BOOST_TEST(normalizer::fold("ＡＢＣ\xE3\x80\x80Ｃｏｒｐ") == "abc corp");
}

BOOST_AUTO_TEST_CASE(apostrophes_join_and_periods_after_single_letters_join) {
  BOOST_TEST(normalizer::fold("KY'ONG-SU") == "kyong su");
  BOOST_TEST(normalizer::fold("MUS’AB") == "musab");
  BOOST_TEST(normalizer::fold("‘ABD AL-RAHMAN") == "abd al rahman");
  BOOST_TEST(normalizer::fold("S.A. de C.V.") == "sa de cv");
  BOOST_TEST(normalizer::fold("L.L.C.") == "llc");
  BOOST_TEST(normalizer::fold("CO.,LTD.") == "co ltd");
  BOOST_TEST(normalizer::fold("WWW.EXAMPLE.COM") == "www example com");
  BOOST_TEST(normalizer::fold("!!! ... ---").empty());
  BOOST_TEST((normalizer::tokens("17 NOVEMBER") == tokens{"17", "november"}));
}

BOOST_AUTO_TEST_CASE(cyrillic_and_greek_transliterate) {
  BOOST_TEST(normalizer::fold("Владимир Путин") == "vladimir putin");
  BOOST_TEST(normalizer::fold("Дмитрий Медведев") == "dmitriy medvedev");
  BOOST_TEST(normalizer::fold("ООО Ромашка") == "ooo romashka");
  BOOST_TEST(normalizer::fold("Щукин Юрий Ёлкин") == "shchukin yuriy elkin");
  BOOST_TEST(normalizer::fold("Ґалицький Їжак") == "galitskiy yizhak");
  BOOST_TEST(normalizer::fold("Αλέξανδρος Νικόλαος") == "alexandros nikolaos");
  BOOST_TEST(normalizer::fold("Γεώργιος Παπαδόπουλος") == "georgios papadopoulos");
}

BOOST_AUTO_TEST_CASE(arabic_hebrew_and_hangul_best_effort) {
  // Common name words take the lists' spelling; other words letter by letter.
  BOOST_TEST(normalizer::fold("محمد علي") == "muhammad ali");
  BOOST_TEST(normalizer::fold("أحمد حسن") == "ahmad hassan");
  BOOST_TEST(normalizer::fold("مُحَمَّد") == "muhammad"); // harakat dropped
  BOOST_TEST(normalizer::fold("عبد الله") == "abd allah");
  BOOST_TEST(normalizer::fold("الحاكم") == "al hakim"); // the article is a word
  BOOST_TEST(normalizer::fold("١٢٣") == "123");
  BOOST_TEST(normalizer::fold("משה") == "moshe");
  BOOST_TEST(normalizer::fold("דוד לוי") == "david levi");
  // Hangul in the lists' McCune-Reischauer style, a syllable per token.
  BOOST_TEST(normalizer::fold("김정은") == "kim jong un");
  BOOST_TEST(normalizer::fold("박지성") == "pak ji song");
}

BOOST_AUTO_TEST_CASE(other_scripts_go_through_icu) {
  bool transliterated = false;
  BOOST_TEST(normalizer::tokens("习近平", &transliterated) ==
                 (std::vector<std::string>{"xi", "jin", "ping"}),
             boost::test_tools::per_element());
  BOOST_TEST(transliterated);
  BOOST_TEST(normalizer::fold("王伟") == "wang wei");
  BOOST_TEST(normalizer::fold("สมชาย") == "smchay");
  BOOST_TEST(normalizer::fold("やまだ たろう") == "yamada tarou");
  BOOST_TEST(normalizer::fold("ვლადიმერ") == "vladimer");
  normalizer::tokens("John Smith", &transliterated);
  BOOST_TEST(!transliterated);
  normalizer::tokens("Müller", &transliterated);
  BOOST_TEST(!transliterated); // Latin with marks is not another script
  BOOST_TEST(normalizer::foreign_script("Путин"));
  BOOST_TEST(!normalizer::foreign_script("Ærø"));
  BOOST_TEST(normalizer::syllabic_script("김정은"));
  BOOST_TEST(normalizer::syllabic_script("王伟"));
  BOOST_TEST(!normalizer::syllabic_script("Путин"));
  BOOST_TEST(transliterator::handles(U'ж'));
  BOOST_TEST(!transliterator::handles(U'a'));
}

BOOST_AUTO_TEST_CASE(invalid_utf8_does_not_crash) {
  BOOST_TEST(normalizer::fold("ab\xFF"
                              "cd \xC3") == "ab cd");
}

BOOST_AUTO_TEST_CASE(legal_forms_from_the_gleif_list) {
  BOOST_TEST(legal_form_table::builtin().size() > 3000u);
  BOOST_TEST(legal_form_table::builtin().contains("gmbh"));
  BOOST_TEST(legal_form_table::builtin().contains("ooo"));
  BOOST_TEST(legal_form_table::builtin().contains("llc"));
  BOOST_TEST(legal_form_table::builtin().contains("sa de cv"));
  BOOST_TEST(legal_form_table::builtin().contains(
      "obshchestvo s ogranichennoy otvetstvennostyu"));
  BOOST_TEST(!legal_form_table::builtin().contains("lipa")); // ELF's "Other" entry
  BOOST_TEST((marked("Müller GmbH") == tokens{"gmbh"}));
  BOOST_TEST((marked("ООО Ромашка") == tokens{"ooo"}));
  BOOST_TEST((marked("ACME TRADING CO., LTD.") == tokens{"co", "ltd"}));
  BOOST_TEST((marked("GRUPO ALFA S.A. DE C.V.") == tokens{"sa", "de", "cv"}));
  BOOST_TEST((marked("Obshchestvo s Ogranichennoy Otvetstvennostyu Vektor") ==
              tokens{"obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"}));
  // Two-letter forms only at the edges; a name that is only a legal form keeps it.
  BOOST_TEST(marked("BANCO SA NACIONAL").empty());
  BOOST_TEST(marked("GmbH").empty());
}

BOOST_AUTO_TEST_CASE(legal_form_table_from_phrases) {
  legal_form_table t({"llc", "joint stock company", "jsc"});
  auto toks = normalizer::tokens("ARGUMENT JOINT STOCK COMPANY");
  auto flags = t.mark(toks);
  BOOST_TEST((flags == std::vector<bool>{false, true, true, true}));
  BOOST_TEST(t.size() == 3u);
}

BOOST_AUTO_TEST_CASE(countries_by_code_and_name) {
  BOOST_TEST(country_table::code_of("IR").value() == "IR");
  BOOST_TEST(country_table::code_of("irn").value() == "IR");
  BOOST_TEST(country_table::code_of("Iran").value() == "IR");
  BOOST_TEST(country_table::code_of("Iran (Islamic Republic of)").value() == "IR");
  BOOST_TEST(country_table::code_of("Korea, North").value() == "KP");
  BOOST_TEST(country_table::code_of("Democratic People's Republic of Korea").value() ==
             "KP");
  BOOST_TEST(country_table::code_of("Russian Federation").value() == "RU");
  BOOST_TEST(country_table::code_of("Burma").value() == "MM");
  BOOST_TEST(country_table::code_of("Côte d'Ivoire").value() == "CI");
  BOOST_TEST(!country_table::code_of("Atlantis"));
  BOOST_TEST(!country_table::code_of(""));
}

BOOST_AUTO_TEST_CASE(list_dates) {
  auto d = parse_list_date("12 Mar 1965");
  BOOST_REQUIRE(d);
  BOOST_TEST(d->from.to_string() == "1965-03-12");
  BOOST_TEST(parse_list_date("Mar 1965")->from.to_string() == "1965-03");
  auto c = parse_list_date("circa 1960");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->approximate);
  BOOST_TEST(c->compatible_with(partial_date{1961, 0, 0}));
  BOOST_TEST(!c->compatible_with(partial_date{1963, 0, 0}));
  auto r = parse_list_date("1958 to 1960");
  BOOST_REQUIRE(r);
  BOOST_TEST(r->compatible_with(partial_date{1959, 6, 1}));
  BOOST_TEST(!r->compatible_with(partial_date{1961, 0, 0}));
  BOOST_TEST(parse_list_date("1965-03-12")->compatible_with(partial_date{1965, 0, 0}));
  BOOST_TEST(!parse_list_date("1965-03-12")->compatible_with(partial_date{1965, 4, 0}));
  BOOST_TEST(!parse_list_date("03/04/1965")); // ambiguous: refused, not guessed
  BOOST_TEST(!parse_list_date("31 Foo 1965"));
  BOOST_TEST(!parse_iso_partial_date("1965-02-30"));
  BOOST_TEST(parse_iso_partial_date("2000-02-29").has_value());
  BOOST_TEST(!parse_iso_partial_date("1900-02-29"));
  BOOST_TEST(!parse_iso_partial_date("65"));
}
