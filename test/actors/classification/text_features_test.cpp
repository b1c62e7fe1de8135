#define BOOST_TEST_MODULE classification_text_features
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

#include "actors/classification/csv_table.hpp"
#include "actors/classification/feature_extractor.hpp"
#include "actors/classification/text_normalizer.hpp"

using namespace kyb::classification;

namespace {

std::vector<token> tokens_of(const std::string& text,
                             input_field field = input_field::name) {
  std::vector<token> out;
  text_normalizer::tokenize(text, field, 1000, out);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(utf8_validation) {
  BOOST_TEST(text_normalizer::is_valid_utf8("Café Martínez 山崎製パン"));
  size_t bad = 99;
  BOOST_TEST(!text_normalizer::is_valid_utf8("ab\xC3", &bad));
  BOOST_TEST(bad == 2u);
  BOOST_TEST(!text_normalizer::is_valid_utf8("\xC0\xAF"));         // overlong '/'
  BOOST_TEST(!text_normalizer::is_valid_utf8("\xED\xA0\x80"));     // surrogate
  BOOST_TEST(!text_normalizer::is_valid_utf8("\xF4\x90\x80\x80")); // > U+10FFFF
  BOOST_TEST(!text_normalizer::is_valid_utf8("x\xFFy", &bad));
  BOOST_TEST(bad == 1u);
}

BOOST_AUTO_TEST_CASE(normalisation_folds_case_accents_and_width) {
  BOOST_TEST(text_normalizer::normalize("Café MARTÍNEZ") == "cafe martinez");
  BOOST_TEST(text_normalizer::normalize("Ｓｔｒａßｅ") == "strasse");
  BOOST_TEST(text_normalizer::compact_key("Peet's  Coffee!") == "peetscoffee");
}

BOOST_AUTO_TEST_CASE(tokens_split_words_and_unsegmented_runs) {
  auto t = tokens_of("Peet's Coffee & Tea, 24-Hour");
  std::vector<std::string> words;
  for (auto& x : t)
    words.push_back(x.text);
  BOOST_TEST((words == std::vector<std::string>{"peets", "coffee", "tea", "24", "hour"}));
  auto cjk = tokens_of("山崎製パン Bakery");
  BOOST_REQUIRE_EQUAL(cjk.size(), 2u);
  BOOST_TEST(cjk[0].unsegmented);
  BOOST_TEST(!cjk[1].unsegmented);
  BOOST_TEST(cjk[1].text == "bakery");
  BOOST_TEST(tokens_of("  ,;! ").empty());
  std::vector<token> capped;
  text_normalizer::tokenize("a b c d e", input_field::website, 3, capped);
  BOOST_TEST(capped.size() == 3u);
  BOOST_TEST((capped[0].field == input_field::website));
}

BOOST_AUTO_TEST_CASE(plain_ascii_is_tokenised_as_the_unicode_path_does) {
  // Printable ASCII takes a fast path; a text with one non-ASCII word after it takes
  // utf8proc's. The ASCII part must give the same tokens and the same normal form.
  std::mt19937 rng(7);
  const std::string alphabet = "abcXYZ09 '''-&.,!?_/()[]{}^`~\"@#$%*+=:;<>|ABCmnz";
  const std::string accented = " \xc3\xa9t\xc3\xa9"; // " été"
  for (int n = 0; n < 2000; ++n) {
    std::string text;
    const size_t len = rng() % 24;
    for (size_t i = 0; i < len; ++i)
      text += alphabet[rng() % alphabet.size()];
    const auto fast = tokens_of(text);
    auto slow = tokens_of(text + accented);
    BOOST_REQUIRE(!slow.empty());
    BOOST_TEST(slow.back().text == "ete", text);
    slow.pop_back();
    BOOST_REQUIRE_EQUAL(fast.size(), slow.size());
    for (size_t i = 0; i < fast.size(); ++i)
      BOOST_TEST(fast[i].text == slow[i].text, text);
    BOOST_TEST(text_normalizer::normalize(text) + " ete" ==
                   text_normalizer::normalize(text + accented),
               text);
  }
  // Nothing to romanise in ASCII.
  BOOST_TEST(text_normalizer::transliterate("bank").empty());
}

BOOST_AUTO_TEST_CASE(many_features_are_sorted_and_keep_their_first_token) {
  // Enough words that the features are sorted by buckets of hash bits, with every word
  // twice: each feature keeps the first token that made it.
  feature_extractor fx;
  std::string text;
  for (int i = 0; i < 60; ++i)
    text += "word" + std::to_string(i) + " ";
  auto toks = tokens_of(text + text);
  std::vector<feature> f;
  fx.extract(toks, "", f);
  BOOST_TEST(f.size() > 400u);
  BOOST_TEST(std::is_sorted(f.begin(), f.end(), [](const feature& a, const feature& b) {
    return a.hash < b.hash;
  }));
  for (size_t i = 1; i < f.size(); ++i)
    BOOST_TEST(f[i].hash != f[i - 1].hash);
  for (const auto& x : f)
    BOOST_TEST(x.token < 60); // from the first copy of the words
  BOOST_TEST(std::any_of(f.begin(), f.end(), [](const feature& x) {
    return x.hash == feature_extractor::word_hash("word59") && x.token == 59;
  }));
}

BOOST_AUTO_TEST_CASE(features_are_sorted_deduplicated_and_traceable) {
  feature_extractor fx;
  auto toks = tokens_of("Bank Bank");
  std::vector<feature> f;
  fx.extract(toks, "US", f);
  BOOST_TEST(std::is_sorted(f.begin(), f.end(), [](const feature& a, const feature& b) {
    return a.hash < b.hash;
  }));
  for (size_t i = 1; i < f.size(); ++i)
    BOOST_TEST(f[i].hash != f[i - 1].hash);
  // "^bank$" gives 3-grams ^ba ban ank nk$, 4-grams ^ban bank ank$, 5-grams ^bank bank$,
  // plus the word, the bigram "bank bank" and the country.
  BOOST_TEST(f.size() == 9u + 1u + 1u + 1u);
  auto has = [&](uint64_t h) {
    return std::any_of(f.begin(), f.end(), [&](const feature& x) { return x.hash == h; });
  };
  BOOST_TEST(has(feature_extractor::word_hash("bank")));
  BOOST_TEST(has(feature_extractor::country_hash("us")));
  BOOST_TEST(feature_extractor::country_hash("US") ==
             feature_extractor::country_hash("us"));
  for (const auto& x : f) {
    if (x.hash == feature_extractor::country_hash("us"))
      BOOST_TEST(x.token == -1);
    else
      BOOST_TEST(x.token == 0); // the first "bank" produced every text feature
  }
}

BOOST_AUTO_TEST_CASE(field_weights_apply_and_zero_weight_drops_a_field) {
  feature_options opts;
  opts.field_weight = {1.0f, 1.0f, 1.0f, 0.0f};
  feature_extractor fx(opts);
  std::vector<token> toks;
  text_normalizer::tokenize("pizza", input_field::website, 100, toks);
  std::vector<feature> f;
  fx.extract(toks, "", f);
  BOOST_TEST(f.empty());
  toks.clear();
  text_normalizer::tokenize("pizza", input_field::description, 100, toks);
  fx.extract(toks, "", f);
  BOOST_TEST(!f.empty());
  for (const auto& x : f)
    BOOST_TEST(x.weight == 1.0f);
}

BOOST_AUTO_TEST_CASE(unsegmented_runs_give_character_ngrams) {
  feature_extractor fx;
  std::vector<feature> f;
  fx.extract(tokens_of("パン"), "", f);
  // word "パン", unigrams パ and ン, bigram パン (a different kind than the word).
  BOOST_TEST(f.size() == 4u);
}

BOOST_AUTO_TEST_CASE(transliteration_romanises_alphabetic_scripts) {
  BOOST_TEST(text_normalizer::transliterate("банк") == "bank");
  BOOST_TEST(text_normalizer::transliterate("аптека") == "apteka");
  BOOST_TEST(text_normalizer::transliterate("βιβλια") == "vivlia");
  BOOST_TEST(text_normalizer::transliterate("ბანკი") == "banki");
  BOOST_TEST(text_normalizer::transliterate("بانک") == "bank");
  BOOST_TEST(text_normalizer::transliterate("маркет24") == "market24");
  // Nothing to romanise: Latin, digits, and scripts without a letter table.
  BOOST_TEST(text_normalizer::transliterate("bank").empty());
  BOOST_TEST(text_normalizer::transliterate("24").empty());
  BOOST_TEST(text_normalizer::transliterate("パン").empty());
}

BOOST_AUTO_TEST_CASE(business_features_add_romanised_words_shape_and_countries) {
  feature_extractor fx;
  const classification_input in{"Банк Восток", "", "", "", "RU"};
  std::vector<token> toks;
  std::vector<feature> f;
  fx.extract_business(in, {"RU"}, toks, f);
  BOOST_REQUIRE_EQUAL(toks.size(), 2u);
  BOOST_TEST(std::is_sorted(f.begin(), f.end(), [](const feature& a, const feature& b) {
    return a.hash < b.hash;
  }));
  auto find = [&](uint64_t h) -> const feature* {
    for (const auto& x : f)
      if (x.hash == h)
        return &x;
    return nullptr;
  };
  // The Cyrillic word and its romanisation, both traced to the first token.
  const auto* native = find(feature_extractor::word_hash("банк"));
  const auto* latin = find(feature_extractor::word_hash("bank"));
  BOOST_REQUIRE(native);
  BOOST_REQUIRE(latin);
  BOOST_TEST(latin->token == 0);
  const auto* country = find(feature_extractor::country_hash("ru"));
  BOOST_REQUIRE(country);
  BOOST_TEST(country->token == -1);
  BOOST_TEST(country->weight == 1.0f);
  // Shape features carry no token; without them, and without romanisation, fewer
  // features remain.
  size_t shape = 0;
  for (const auto& x : f)
    shape += x.token == -1;
  BOOST_TEST(shape >= 4u); // country, word count, script, description, script x country
  feature_options plain;
  plain.transliterate = false;
  plain.shape_features = false;
  std::vector<token> toks2;
  std::vector<feature> g;
  feature_extractor(plain).extract_business(in, {"RU"}, toks2, g);
  BOOST_TEST(g.size() < f.size());
  BOOST_TEST(std::none_of(g.begin(), g.end(), [](const feature& x) {
    return x.hash == feature_extractor::word_hash("bank");
  }));
  // Several countries share the country weight.
  std::vector<token> toks3;
  std::vector<feature> h;
  fx.extract_business(in, {"RU", "kz"}, toks3, h);
  for (const auto& x : h)
    if (x.hash == feature_extractor::country_hash("kz"))
      BOOST_TEST(x.weight == 0.5f);
}

BOOST_AUTO_TEST_CASE(csv_reader_handles_quotes_crlf_and_bom) {
  auto t = csv_table::parse("\xEF\xBB\xBF"
                            "a,b\r\n1,\"x, \"\"y\"\"\nz\"\r\n,\n");
  BOOST_REQUIRE(t);
  BOOST_TEST(t->column("a") == 0);
  BOOST_TEST(t->column("b") == 1);
  BOOST_REQUIRE_EQUAL(t->rows().size(), 2u);
  BOOST_TEST(t->rows()[0][1] == "x, \"y\"\nz");
  BOOST_TEST(csv_table::cell(t->rows()[1], 0) == "");
  BOOST_TEST(csv_table::cell(t->rows()[1], 7) == "");
  auto bad = csv_table::parse("a\n\"open");
  BOOST_REQUIRE(!bad);
  BOOST_TEST((bad.err().code == errc::data_malformed));
  auto missing = csv_table::read("/nonexistent/file.csv");
  BOOST_REQUIRE(!missing);
  BOOST_TEST((missing.err().code == errc::data_not_found));
}
