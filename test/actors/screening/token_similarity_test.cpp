#define BOOST_TEST_MODULE screening_token_similarity
#include <boost/test/unit_test.hpp>

#include "actors/screening/engine/name_equivalents.hpp"
#include "actors/screening/engine/token_similarity.hpp"
#include "actors/screening/engine/vocabulary.hpp"

using namespace kyb::screening;

namespace {

double sim(const std::string& a, const std::string& b) {
  token_similarity s;
  return s(a, b, phonetic_key(a), phonetic_key(b));
}

} // namespace

BOOST_AUTO_TEST_CASE(jaro_winkler_reference_values) {
  // Classic values from Winkler's paper.
  BOOST_TEST(jaro_winkler("martha", "marhta") == 0.9611,
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(jaro_winkler("dwayne", "duane") == 0.84, boost::test_tools::tolerance(1e-3));
  BOOST_TEST(jaro_winkler("dixon", "dicksonx") == 0.8133,
             boost::test_tools::tolerance(1e-3));
  BOOST_TEST(jaro_winkler("abc", "abc") == 1.0);
  BOOST_TEST(jaro_winkler("abc", "xyz") == 0.0);
  BOOST_TEST(jaro_winkler("", "abc") == 0.0);
}

BOOST_AUTO_TEST_CASE(one_edit) {
  BOOST_TEST(within_one_edit("mohamad", "mohammad")); // insertion
  BOOST_TEST(within_one_edit("faiz", "afiz"));        // swap
  BOOST_TEST(within_one_edit("salek", "salik"));      // substitution
  BOOST_TEST(within_one_edit("abc", "abc"));
  BOOST_TEST(!within_one_edit("mohammed", "muhammad")); // two edits
  BOOST_TEST(!within_one_edit("abc", "abcde"));
  BOOST_TEST(!within_one_edit("abcd", "badc"));
}

BOOST_AUTO_TEST_CASE(phonetic_keys_fold_transliteration_variants) {
  BOOST_TEST(phonetic_key("mohammed") == "mhmd");
  BOOST_TEST(phonetic_key("muhamad") == "mhmd");
  BOOST_TEST(phonetic_key("mhmd") == "mhmd"); // Arabic, vowels unwritten
  BOOST_TEST(phonetic_key("yusuf") == phonetic_key("youssef"));
  BOOST_TEST(phonetic_key("hussein") == phonetic_key("husain"));
  BOOST_TEST(phonetic_key("osama") == phonetic_key("usama"));
  BOOST_TEST(phonetic_key("aleksandr") == phonetic_key("alexander"));
  BOOST_TEST(phonetic_key("ivan") != phonetic_key("oleg"));
  BOOST_TEST(phonetic_key("a1b").empty());
  BOOST_TEST(phonetic_key("金").empty());
}

BOOST_AUTO_TEST_CASE(similarity_is_gated) {
  BOOST_TEST(sim("salek", "salek") == 1.0);
  BOOST_TEST(sim("mohamad", "mohammad") > 0.95);
  BOOST_TEST(sim("faiz", "afiz") > 0.85);
  BOOST_TEST(sim("sko", "sok") >= 1.0 - 0.5 / 3); // floor for short swaps
  BOOST_TEST(sim("qasim", "kassim") == token_similarity::default_phonetic);
  BOOST_TEST(sim("mohammed", "muhamad") >= token_similarity::default_phonetic);
  BOOST_TEST(sim("yu", "yyu") > 0.8); // 2 vs 3 letters: one insertion allowed
  BOOST_TEST(sim("yu", "ya") == 0.0); // two 2-letter tokens: exact only
  BOOST_TEST(sim("al", "el") == 0.0);
  BOOST_TEST(sim("1234", "1235") == 0.0); // numbers match exactly or not at all
  BOOST_TEST(sim("ivanov", "petrov") == 0.0);
  BOOST_TEST(sim("smith", "smyth") > 0.85);
}

BOOST_AUTO_TEST_CASE(initials_equivalents_and_their_kinds) {
  token_similarity s;
  struct outcome {
    double similarity;
    std::string kind;
  };
  auto kind = [&](std::string_view a, std::string_view b, bool strict = false) {
    auto r = s.classify(a, b, phonetic_key(a), phonetic_key(b), strict);
    return outcome{r.similarity, to_string(r.kind)};
  };
  BOOST_TEST(kind("j", "john").kind == "initial");
  BOOST_TEST(kind("john", "j").similarity == token_similarity::initial_similarity);
  BOOST_TEST(kind("k", "john").similarity == 0.0); // another letter
  BOOST_TEST(kind("j", "k").similarity == 0.0);    // two initials: equal or nothing
  BOOST_TEST(kind("bill", "william").kind == "nickname");
  BOOST_TEST(kind("sasha", "aleksandr").kind == "nickname");
  BOOST_TEST(kind("iosif", "joseph").kind == "variant");
  BOOST_TEST(kind("alexandros", "alexander").kind == "variant");
  BOOST_TEST(kind("3", "three").kind == "number");
  BOOST_TEST(kind("1st", "first").similarity == 1.0);
  BOOST_TEST(kind("drei", "3rd").kind == "number");
  BOOST_TEST(kind("3", "4").similarity == 0.0);
  BOOST_TEST(kind("three", "four").similarity == 0.0);
  BOOST_TEST(kind("intl", "international").kind == "abbreviation");
  BOOST_TEST(kind("mfg", "manufacturing").kind == "abbreviation");
  BOOST_TEST(kind("bill", "walter").similarity == 0.0);
  // A syllabic query: equal, equivalent or one Korean vowel apart, nothing else.
  BOOST_TEST(kind("song", "sung", true).kind == "variant");
  BOOST_TEST(kind("seong", "song", true).similarity > 0.0);
  BOOST_TEST(kind("un", "eun", true).similarity > 0.0);
  BOOST_TEST(kind("sang", "song", true).similarity == 0.0);
  BOOST_TEST(kind("jia", "jian", true).similarity == 0.0);
  BOOST_TEST(kind("jia", "jian").similarity > 0.0); // allowed for a Latin query
  BOOST_TEST(kind("pak", "park", true).kind == "variant");
  BOOST_TEST(kind("j", "john", true).similarity == 0.0);
  BOOST_TEST(name_equivalents::title("sheikh"));
  BOOST_TEST(name_equivalents::title("mullah"));
  BOOST_TEST(!name_equivalents::title("king")); // also a surname
  BOOST_TEST(name_equivalents::pair_count() > 2000u);
}

BOOST_AUTO_TEST_CASE(vocabulary_finds_every_scoring_term) {
  vocabulary v;
  const char* words[] = {"mohammad", "mohamed", "muhammad", "ali",  "aly",
                         "salek",    "yu",      "han",      "ro",   "faiz",
                         "hafiz",    "qaida",   "al",       "1234", "william",
                         "j",        "john",    "three",    "intl", "song"};
  for (auto w : words)
    v.count_document({v.intern(w)});
  v.finalize(100);
  token_similarity s;
  // Exhaustive check: neighbours() returns exactly the terms with similarity > 0.
  for (bool strict : {false, true})
    for (std::string q :
         {"mohamad", "muhamed", "aly",    "salik", "yyu",           "afiz", "qaeda",
          "xyz",     "al",      "1234",   "1235",  "alqaida",       "mhmd", "bill",
          "j",       "jack",    "johnny", "3",     "international", "sung", "w"}) {
      std::vector<vocabulary::neighbour> got;
      v.neighbours(q, phonetic_key(q), s, got, strict);
      std::vector<uint32_t> expected;
      for (uint32_t t = 0; t < v.size(); ++t)
        if (s(q, v.text(t), phonetic_key(q), v.key(t), strict) > 0)
          expected.push_back(t);
      std::vector<uint32_t> ids;
      for (auto& n : got)
        ids.push_back(n.first);
      BOOST_TEST(ids == expected, "query " << q << (strict ? " (strict)" : ""));
    }
  BOOST_TEST(v.idf(v.find("ali")) > 0);
  BOOST_TEST(v.unseen_idf() > v.idf(v.find("ali")));
  BOOST_TEST(v.find("nothing") == vocabulary::npos);
}
