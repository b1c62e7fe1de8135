// The phrase tables: the shipped ones load and cover every category; a bad table is
// refused whole with each bad line named; files replace the built-in copies; and the
// matcher finds whole words only, case-insensitively, with snippets cut at characters.
#define BOOST_TEST_MODULE website_tables
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "actors/website/signal_tables.hpp"
#include "test/actors/website/website_fixtures.hpp"

using namespace kyb::website;

namespace {

const std::string parked_ok = "kind,phrase,where\nfor_sale,buy this domain,text\n";
const std::string signals_ok = "category,term,weight\ngambling,casino,30\n";

std::vector<std::string> problems_of(const std::vector<kyb::risk::file_problem>& ps) {
  std::vector<std::string> out;
  for (auto& p : ps)
    out.push_back(std::to_string(p.line) + ": " + p.problem);
  return out;
}

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text) {
    char name[] = "/tmp/kyb_website_tableXXXXXX";
    int fd = mkstemp(name);
    BOOST_REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path, std::ios::binary) << text;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

std::vector<std::string> found_terms(const phrase_matcher& m,
                                     const std::vector<std::string>& phrases,
                                     const std::string& text) {
  std::vector<std::string> out;
  for (auto& h : m.find(text))
    out.push_back(phrases[h.phrase] + "@" + std::to_string(h.pos));
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(shipped_tables_load) {
  auto loaded = load_signal_tables();
  BOOST_REQUIRE_MESSAGE(loaded.tables, loaded.error);
  std::set<std::string> categories;
  for (auto& t : loaded.tables->signals.terms())
    categories.insert(to_string(t.category));
  BOOST_TEST(categories == (std::set<std::string>{
                               "gambling", "adult", "weapons", "drugs_cbd", "crypto",
                               "counterfeit_replica", "pharmacy_no_prescription",
                               "high_risk_financial"}),
             boost::test_tools::per_element());
  std::set<std::string> kinds;
  for (auto& p : loaded.tables->parked.phrases())
    kinds.insert(to_string(p.kind));
  BOOST_TEST(kinds.size() == 3u);
  BOOST_TEST(loaded.tables->version.rfind("s:", 0) == 0);
  // The shipped files in the source tree are the built-in copies.
  auto from_files = load_signal_tables(
      std::string(KYB_SOURCE_DIR) + "/config/website/content_signals.csv",
      std::string(KYB_SOURCE_DIR) + "/config/website/parked_phrases.csv");
  BOOST_REQUIRE_MESSAGE(from_files.tables, from_files.error);
  BOOST_TEST(from_files.tables->version == loaded.tables->version);
}

BOOST_AUTO_TEST_CASE(bad_signal_rows_are_named) {
  auto r = content_signal_table::parse("# comment\n"
                                       "category,term,weight\n"
                                       "gambling,casino,30\n"
                                       "gaming,poker,20\n"           // 4
                                       "adult,,20\n"                 // 5
                                       "adult,porn,0\n"              // 6
                                       "adult,xxx,101\n"             // 7
                                       "weapons,rifle,ten\n"         // 8
                                       "gambling,CASINO,10\n"        // 9
                                       "crypto,bitcoin\n"            // 10
                                       "crypto,---,10\n"             // 11
                                       "crypto,two  spaces,10\n"     // 12
                                       "drugs_cbd,\"a\"\"b\",10,x\n" // 13
                                       "drugs_cbd,cbd,50\n");
  BOOST_TEST(!r.table);
  BOOST_TEST(
      problems_of(r.problems) ==
          (std::vector<std::string>{
              "4: unknown category 'gaming'", "5: empty term",
              "6: weight '0' is not a whole number from 1 to 100",
              "7: weight '101' is not a whole number from 1 to 100",
              "8: weight 'ten' is not a whole number from 1 to 100",
              "9: term 'CASINO' repeats line 3", "10: has 2 cells, the header has 3",
              "11: term has no letter or digit", "12: term holds two spaces in a row",
              "13: has 4 cells, the header has 3"}),
      boost::test_tools::per_element());
  // The same term in two categories is allowed.
  BOOST_TEST(content_signal_table::parse("category,term,weight\ngambling,poker,10\n"
                                         "adult,poker,10\n")
                 .table.has_value());
}

BOOST_AUTO_TEST_CASE(bad_headers_and_files) {
  auto missing = content_signal_table::parse("category,term\ngambling,casino\n");
  BOOST_TEST(problems_of(missing.problems) ==
             std::vector<std::string>{"1: missing column 'weight'"});
  auto unknown = content_signal_table::parse("category,term,weight,note\n");
  BOOST_TEST(problems_of(unknown.problems) ==
             std::vector<std::string>{"1: unknown column 'note'"});
  BOOST_TEST(problems_of(content_signal_table::parse("").problems) ==
             std::vector<std::string>{"0: no header row"});
  BOOST_TEST(
      problems_of(content_signal_table::parse("category,term,weight\n").problems) ==
      std::vector<std::string>{"0: no data rows"});
  auto quote =
      content_signal_table::parse("category,term,weight\ngambling,ca\"sino,10\n");
  BOOST_TEST(!quote.table);
  BOOST_TEST(quote.problems[0].line == 2u);
  // Columns in any order.
  auto reordered =
      content_signal_table::parse("weight,term,category\n30,casino,gambling\n");
  BOOST_REQUIRE(reordered.table);
  BOOST_TEST(reordered.table->terms()[0].weight == 30);

  auto parked = parked_phrase_table::parse("kind,phrase,where\n"
                                           "for_sale,buy this domain,text\n"
                                           "sold,this domain,text\n"
                                           "parking,sedo,body\n"
                                           "parking,Buy This Domain,text\n"
                                           "parking,buy this domain,html\n");
  BOOST_TEST(problems_of(parked.problems) ==
                 (std::vector<std::string>{"3: unknown kind 'sold'",
                                           "4: where 'body' is neither 'text' nor 'html'",
                                           "5: phrase 'Buy This Domain' repeats line 2"}),
             boost::test_tools::per_element());

  // Both files' problems are reported together, each under its file's name.
  auto both = parse_signal_tables("category,term,weight\nx,y,1\n", "kind,phrase,where\n");
  BOOST_TEST(!both.tables);
  BOOST_TEST(both.error == "content signals:\nline 2: unknown category 'x'\n"
                           "parked phrases:\nfile: no data rows\n");
  auto unreadable = load_signal_tables("/nonexistent/signals.csv");
  BOOST_TEST(!unreadable.tables);
  BOOST_TEST(unreadable.error == "cannot read /nonexistent/signals.csv\n");
  temp_file bad("category,term,weight\ngambling,casino,300\n");
  auto from_bad = load_signal_tables(bad.path);
  BOOST_TEST(!from_bad.tables);
  BOOST_TEST(from_bad.error ==
             bad.path + ":\nline 2: weight '300' is not a whole number from 1 to 100\n");
}

BOOST_AUTO_TEST_CASE(a_file_replaces_the_built_in_table) {
  temp_file signals("category,term,weight\nweapons,slingshot,55\n");
  temp_file parked(parked_ok);
  auto loaded = load_signal_tables(signals.path, parked.path);
  BOOST_REQUIRE_MESSAGE(loaded.tables, loaded.error);
  BOOST_TEST(loaded.tables->version != load_signal_tables().tables->version);
  website_engine engine(loaded.tables);
  auto a =
      engine.analyse(test::page("https://toys.example/",
                                "<title>Toys</title><p>A Slingshot and a casino.</p>"),
                     {}, {}, test::at_unix(0));
  BOOST_REQUIRE(a.signals.size() == 1u);
  BOOST_TEST(to_string(a.signals[0].category) == std::string("weapons"));
  BOOST_TEST(a.signals[0].score == 55);
  BOOST_TEST(a.tables_version == loaded.tables->version);
}

BOOST_AUTO_TEST_CASE(whole_words_case_insensitive) {
  std::vector<std::string> phrases{"casino", "online casino", "glücksspiel",
                                   "ar-15",  "no rx",         "it works!"};
  phrase_matcher m(phrases);
  BOOST_TEST(
      found_terms(m, phrases, "Casinos, casino's, ONLINE  CASINO, online casino.") ==
          (std::vector<std::string>{"casino@9", "casino@27", "online casino@35",
                                    "casino@42"}),
      boost::test_tools::per_element());
  BOOST_TEST(found_terms(m, phrases, "GLÜCKSSPIEL und Glücksspielautomat") ==
                 (std::vector<std::string>{"glücksspiel@0"}),
             boost::test_tools::per_element());
  BOOST_TEST(found_terms(m, phrases, "an AR-15 and ar-150; No RX; It works!!") ==
                 (std::vector<std::string>{"ar-15@3", "no rx@21", "it works!@28"}),
             boost::test_tools::per_element());
  BOOST_TEST(found_terms(m, phrases, "").empty());
  BOOST_TEST(m.find("casino casino casino", 2).size() == 2u);
  BOOST_TEST(fold_case("ÀÉÖÜ×Þ ABC") == "àéöü×þ abc");
}

BOOST_AUTO_TEST_CASE(snippets_cut_at_characters) {
  std::string text = std::string(70, 'x') + " ü casino ü " + std::string(70, 'y');
  auto pos = text.find("casino");
  auto s = snippet(text, pos, 6);
  BOOST_TEST(s.rfind("…", 0) == 0);
  BOOST_TEST(s.size() <= 6 + 2 * 60 + 2 * 3 + 3);
  BOOST_TEST(s.find("casino") != std::string::npos);
  // 60 bytes either side fall inside "ü" (two bytes): whole characters only.
  std::string umlauts;
  for (int i = 0; i < 40; ++i)
    umlauts += "ü";
  auto t = umlauts + "casino" + umlauts;
  auto u = snippet(t, 80, 6);
  BOOST_TEST(u == "…" + umlauts.substr(0, 60) + "casino" + umlauts.substr(0, 60) + "…");
  BOOST_TEST(snippet("casino", 0, 6) == "casino");
  BOOST_TEST(snippet("a\ncasino\nb", 2, 6) == "a casino b");
}
