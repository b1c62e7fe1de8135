// The screening service's pure parts: configuration to list plan, the generic list
// directory, the index builder (unchanged lists, broken files named by file and line),
// entry fingerprints, how a business's hits meet the tenant's decisions, and dates of
// birth in explanations given in years only (stored ones too).
#define BOOST_TEST_MODULE screening_service
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

#include "actors/screening/business_screening.hpp"
#include "actors/screening/engine/date_parser.hpp"
#include "actors/screening/entity_fingerprint.hpp"
#include "actors/screening/explanation_json.hpp"
#include "actors/screening/index_builder.hpp"
#include "actors/screening/list_plan.hpp"
#include "config/config.hpp"

using namespace kyb;
using namespace kyb::actors;
namespace fs = std::filesystem;

BOOST_TEST_DONT_PRINT_LOG_VALUE(kyb::screening::list_format)

namespace {

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/kyb-screening-svc-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path + "/" + name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return p;
  }
};

config::settings load(const config::environment& env) {
  auto r = config::load_text("", env);
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error->to_string()));
  return *r.value;
}

config::config_error config_failure(const config::environment& env) {
  auto r = config::load_text("", env);
  BOOST_REQUIRE(!r);
  return *r.error;
}

screening::screening_hit hit(const std::string& list, const std::string& id,
                             double score) {
  screening::screening_hit h;
  h.list = list;
  h.list_version = "sha256:v1";
  h.entity_id = id;
  h.type = screening::entity_type::entity;
  h.primary_name = "VEKTOR OOO";
  h.matched_name = "VEKTOR OOO";
  h.score = score;
  return h;
}

business_record business() {
  business_record r;
  r.id = base::uuid::make_v7();
  r.tenant_id = base::uuid::make_v7();
  r.region = "us";
  r.legal_name = "Vektor OOO";
  r.dba_name = "Vektor Trading";
  r.country = "RU";
  r.version = 3;
  owner o;
  o.name = "Ivan Petrov";
  o.date_of_birth = "1970-01-02";
  o.nationality = "RU";
  r.owners.push_back(o);
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_official_lists_load_by_default) {
  auto s = load({});
  BOOST_TEST(s.screening.threshold == 0.80);
  BOOST_TEST(s.screening.refresh_interval.count() == 12 * 3600 * 1000);
  BOOST_TEST(s.screening.retry_interval.count() == 60 * 1000);
  BOOST_TEST(s.screening.download_max_bytes == size_t{256} << 20);
  BOOST_TEST(s.screening.sources == "official");
  auto plan = make_list_plan(s.screening, "/var/kyb");
  BOOST_REQUIRE(plan.lists.size() == 4u);
  std::vector<std::string> names;
  for (auto& l : plan.lists) {
    names.push_back(l.name);
    BOOST_TEST(l.origin == "official");
    auto urls = official_list_urls(l.name);
    BOOST_REQUIRE(l.files.size() == urls.size());
    for (size_t i = 0; i < urls.size(); ++i) {
      BOOST_TEST(l.files[i].url == urls[i]);
      BOOST_TEST(
          l.files[i].path.rfind("/var/kyb/screening/downloads/" + l.name + "/", 0) == 0u);
    }
  }
  BOOST_TEST(names ==
             (std::vector<std::string>{"ofac_sdn", "ofac_cons", "un", "us_csl"}));
  BOOST_TEST(plan.lists[0].files[0].url ==
             "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/"
             "exports/SDN.CSV");
  BOOST_TEST(plan.lists[0].files.size() == 4u); // with ALT, ADD and SDN_COMMENTS
  BOOST_TEST(plan.lists[2].files[0].url ==
             "https://scsanctions.un.org/resources/xml/en/consolidated.xml");
  // Only what is configured: nothing.
  auto none = load({{"KYB_SCREENING_SOURCES", "configured"}});
  BOOST_TEST(make_list_plan(none.screening, none.node.data_dir).empty());
  BOOST_TEST(config_failure({{"KYB_SCREENING_SOURCES", "internet"}}).key ==
             "screening.sources");
}

BOOST_AUTO_TEST_CASE(a_lists_dir_serves_the_lists_it_holds) {
  temp_dir d;
  d.write("SDN.CSV", "x");
  d.write("alt.csv", "x");
  d.write("consolidated.xml", "x");
  d.write("conlist.csv", "x"); // OFSI's ConList.csv
  d.write("notes.txt", "x");
  auto s = load({{"KYB_SCREENING_LISTS_DIR", d.path}});
  auto plan = make_list_plan(s.screening, "/var/kyb");
  BOOST_REQUIRE(plan.lists.size() == 5u); // the EU list has no file there, nor an
                                          // official URL without a registration token
  BOOST_TEST(plan.lists[4].name == "uk_ofsi");
  BOOST_TEST(plan.lists[4].origin == "lists_dir");
  BOOST_TEST(plan.lists[4].format == screening::list_format::uk_ofsi_csv);
  BOOST_TEST(plan.lists[4].files[0].path == d.path + "/conlist.csv");
  auto& sdn = plan.lists[0];
  BOOST_TEST(sdn.origin == "lists_dir");
  auto src = sdn.source(0);
  BOOST_TEST(src.path == d.path + "/SDN.CSV"); // names in any case
  BOOST_TEST(src.aliases_path == d.path + "/alt.csv");
  BOOST_TEST(src.addresses_path.empty()); // aux files it lacks are not loaded
  BOOST_TEST(sdn.files[0].url.empty());
  BOOST_TEST(plan.lists[1].origin == "official"); // no cons_prim.csv there
  BOOST_TEST(plan.lists[2].origin == "lists_dir");
  BOOST_TEST(plan.lists[2].files[0].path == d.path + "/consolidated.xml");
  // A list's own option comes first; sources = configured drops the rest.
  auto own = load({{"KYB_SCREENING_LISTS_DIR", d.path},
                   {"KYB_SCREENING_UN_PATH", "/elsewhere/un.xml"},
                   {"KYB_SCREENING_SOURCES", "configured"}});
  auto plan2 = make_list_plan(own.screening, "/var/kyb");
  BOOST_REQUIRE(plan2.lists.size() == 3u);
  BOOST_TEST(plan2.lists[0].name == "ofac_sdn");
  BOOST_TEST(plan2.lists[1].name == "un");
  BOOST_TEST(plan2.lists[1].origin == "configured");
  BOOST_TEST(plan2.lists[1].files[0].path == "/elsewhere/un.xml");
  BOOST_TEST(plan2.lists[2].name == "uk_ofsi");
  // The EU list by path; a generic list may not take a built-in name.
  auto eu = load({{"KYB_SCREENING_SOURCES", "configured"},
                  {"KYB_SCREENING_EU_FSF_URL", "https://mirror.example/eu.xml"}});
  auto plan3 = make_list_plan(eu.screening, "/var/kyb");
  BOOST_REQUIRE(plan3.lists.size() == 1u);
  BOOST_TEST(plan3.lists[0].name == "eu_fsf");
  BOOST_TEST(plan3.lists[0].format == screening::list_format::eu_fsf_xml);
  BOOST_TEST(plan3.lists[0].files[0].path ==
             "/var/kyb/screening/downloads/eu_fsf/xmlFullSanctionsList_1_1.xml");
  BOOST_TEST(builtin_list_name("uk_ofsi"));
  BOOST_TEST(!builtin_list_name("uk")); // a generic list may still be called "uk"
}

BOOST_AUTO_TEST_CASE(configured_files_and_urls_become_a_plan) {
  auto s = load({{"KYB_SCREENING_SOURCES", "configured"},
                 {"KYB_SCREENING_OFAC_SDN_PATH", "/lists/sdn.csv"},
                 {"KYB_SCREENING_OFAC_SDN_ALT_PATH", "/lists/alt.csv"},
                 {"KYB_SCREENING_UN_URL", "https://example.org/un.xml"},
                 {"KYB_SCREENING_GENERIC_DIR", "/lists/extra"},
                 {"KYB_SCREENING_MAX_BAD_ROWS", "3"},
                 {"KYB_SCREENING_REFRESH_INTERVAL", "0s"}});
  BOOST_TEST(s.screening.refresh_interval.count() == 0);
  auto plan = make_list_plan(s.screening, "/var/kyb");
  BOOST_REQUIRE(plan.lists.size() == 2u);
  auto& sdn = plan.lists[0];
  BOOST_TEST(sdn.name == "ofac_sdn");
  BOOST_TEST(sdn.format == screening::list_format::ofac_csv);
  auto src = sdn.source(plan.max_bad_rows);
  BOOST_TEST(src.path == "/lists/sdn.csv");
  BOOST_TEST(src.aliases_path == "/lists/alt.csv");
  BOOST_TEST(src.addresses_path.empty());
  BOOST_TEST(src.options.max_bad_rows == 3u);
  auto& un = plan.lists[1];
  BOOST_TEST(un.name == "un");
  BOOST_REQUIRE(un.files.size() == 1u);
  BOOST_TEST(un.files[0].url == "https://example.org/un.xml");
  BOOST_TEST(un.files[0].path == "/var/kyb/screening/downloads/un/consolidated.xml");
  BOOST_TEST(plan.generic_dir == "/lists/extra");
}

BOOST_AUTO_TEST_CASE(configuration_errors_name_the_key) {
  auto both = config_failure({{"KYB_SCREENING_UN_PATH", "/x.xml"},
                              {"KYB_SCREENING_UN_URL", "https://example.org/un.xml"}});
  BOOST_TEST(both.key == "screening.un_url");
  BOOST_TEST(both.message.find("not both") != std::string::npos);
  auto orphan = config_failure({{"KYB_SCREENING_OFAC_CONS_ADD_PATH", "/cons_add.csv"}});
  BOOST_TEST(orphan.key == "screening.ofac_cons_add_path");
  BOOST_TEST(orphan.message.find("screening.ofac_cons_path") != std::string::npos);
  BOOST_TEST(config_failure({{"KYB_SCREENING_US_CSL_URL", "ftp://x/y.csv"}}).key ==
             "screening.us_csl_url");
  BOOST_TEST(config_failure({{"KYB_SCREENING_THRESHOLD", "0"}}).key ==
             "screening.threshold");
  BOOST_TEST(config_failure({{"KYB_SCREENING_THRESHOLD", "1.5"}}).key ==
             "screening.threshold");
  BOOST_TEST(config_failure({{"KYB_SCREENING_DOWNLOAD_MAX_BYTES", "12"}}).key ==
             "screening.download_max_bytes");
  BOOST_TEST(config_failure({{"KYB_SCREENING_MONITOR_CONCURRENCY", "0"}}).key ==
             "screening.monitor_concurrency");
}

BOOST_AUTO_TEST_CASE(generic_directory) {
  temp_dir d;
  d.write("uk.json", R"({"entities": [{"id": "UK1", "name": "Ivan Petrov"}]})");
  d.write("eu.csv", "id,name\nEU1,Vektor OOO\n");
  d.write("README.txt", "ignored");
  auto found = scan_generic_dir(d.path);
  BOOST_REQUIRE_MESSAGE(found, (found ? "" : found.error().to_string()));
  BOOST_REQUIRE(found->size() == 2u);
  auto& lists = found.value();
  BOOST_TEST(lists[0].name == "eu");
  BOOST_TEST(lists[0].format == screening::list_format::generic_csv);
  BOOST_TEST(lists[1].name == "uk");
  BOOST_TEST(lists[1].format == screening::list_format::generic_json);

  auto bad_name = d.write("Bad Name.csv", "id,name\n1,x\n");
  auto e1 = scan_generic_dir(d.path);
  BOOST_REQUIRE(!e1);
  BOOST_TEST(e1.error().file == bad_name);
  fs::remove(bad_name);
  auto builtin = d.write("un.csv", "id,name\n1,x\n");
  auto e2 = scan_generic_dir(d.path);
  BOOST_REQUIRE(!e2);
  BOOST_TEST(e2.error().file == builtin);
  fs::remove(builtin);
  d.write("eu.json", "[]");
  auto e3 = scan_generic_dir(d.path);
  BOOST_REQUIRE(!e3);
  BOOST_TEST(e3.error().message.find("both as .csv and as .json") != std::string::npos);
  BOOST_TEST(!scan_generic_dir(d.path + "/missing"));
}

BOOST_AUTO_TEST_CASE(builder_builds_skips_unchanged_and_names_broken_files) {
  temp_dir d;
  d.write("watch.csv", "id,name,type\nW1,Vektor OOO,entity\nW2,Ivan Petrov,individual\n");
  build_request req;
  req.plan.generic_dir = d.path;
  auto built = build_index(req);
  BOOST_REQUIRE_MESSAGE(built.result == build_outcome::status::built,
                        built.error.to_string());
  BOOST_REQUIRE(built.index);
  BOOST_TEST(built.index->lists().size() == 1u);
  BOOST_TEST(built.index->statistics().entities == 2u);
  BOOST_TEST(built.versions.at("watch").rfind("sha256:", 0) == 0u);

  // Same bytes, an index in service: nothing is parsed or built.
  req.current_versions = built.versions;
  req.have_index = true;
  auto same = build_index(req);
  BOOST_TEST((same.result == build_outcome::status::unchanged));
  BOOST_TEST(!same.index);

  // A truncated file (an unterminated quote on line 3) fails with its file and line.
  auto broken =
      d.write("watch.csv", "id,name,type\nW1,Vektor OOO,entity\nW2,\"Ivan Petrov,indiv");
  auto failed = build_index(req);
  BOOST_TEST((failed.result == build_outcome::status::failed));
  BOOST_TEST(failed.error.file == broken);
  BOOST_TEST(failed.error.line == 3u);
  BOOST_TEST(!failed.index);

  // A configured file that is missing is named too.
  build_request missing;
  planned_list l;
  l.name = "un";
  l.format = screening::list_format::un_xml;
  l.files.push_back(planned_file{d.path + "/nowhere.xml", {}});
  missing.plan.lists.push_back(l);
  auto gone = build_index(missing);
  BOOST_TEST((gone.result == build_outcome::status::failed));
  BOOST_TEST(gone.error.file == d.path + "/nowhere.xml");
}

BOOST_AUTO_TEST_CASE(each_list_loads_on_its_own) {
  temp_dir d;
  d.write("alpha.csv", "id,name,type\nA1,Vektor OOO,entity\n");
  d.write("beta.csv",
          "id,name,type\nB1,Ivan Petrov,individual\nB2,Boreal Aviation,entity\n");
  build_request req;
  req.plan.generic_dir = d.path;
  auto first = build_index(req);
  BOOST_REQUIRE(first.result == build_outcome::status::built);
  BOOST_TEST(first.failures.empty());

  // beta is cut off mid-record: it fails alone, named with file and line; alpha's new
  // version loads, and beta's earlier version serves on from the previous index.
  d.write("alpha.csv", "id,name,type\nA1,Vektor OOO,entity\nA2,Zephyr Trading,entity\n");
  auto broken = d.write("beta.csv", "id,name,type\nB1,Ivan Petrov,individual\nB2,\"Bore");
  req.current_versions = first.versions;
  req.have_index = true;
  req.previous = first.index;
  auto next = build_index(req);
  BOOST_REQUIRE(next.result == build_outcome::status::built);
  BOOST_REQUIRE(next.failures.size() == 1u);
  auto& f = next.failures[0];
  BOOST_TEST(f.list == "beta");
  BOOST_TEST(f.file == broken);
  BOOST_TEST(f.line == 3u);
  BOOST_TEST(f.serving_previous);
  BOOST_TEST(next.versions.at("beta") == first.versions.at("beta"));
  BOOST_TEST(next.versions.at("alpha") != first.versions.at("alpha"));
  BOOST_TEST(next.index->lists().size() == 2u);
  BOOST_TEST(next.index->statistics().entities == 4u); // 2 alpha + beta's earlier 2
  BOOST_TEST(next.index->find_entity("beta", "B2") != nullptr);
  BOOST_TEST(next.index->find_entity("alpha", "A2") != nullptr);

  // Without an earlier version the failed list is simply absent; the others serve.
  build_request fresh;
  fresh.plan.generic_dir = d.path;
  auto cold = build_index(fresh);
  BOOST_REQUIRE(cold.result == build_outcome::status::built);
  BOOST_REQUIRE(cold.failures.size() == 1u);
  BOOST_TEST(!cold.failures[0].serving_previous);
  BOOST_TEST(cold.index->lists().size() == 1u);
  BOOST_TEST(!cold.versions.count("beta"));

  // A list whose download failed (no copy) is skipped with that reason; nothing else
  // changed, so nothing is rebuilt and the earlier version keeps serving.
  d.write("beta.csv",
          "id,name,type\nB1,Ivan Petrov,individual\nB2,Boreal Aviation,entity\n");
  req.current_versions = next.versions;
  req.previous = next.index;
  req.skipped["alpha"] = list_failure{"alpha", "https://lists.example/alpha.csv", 0,
                                      "the download failed: HTTP 503", false};
  auto skipped = build_index(req);
  BOOST_REQUIRE(skipped.failures.size() == 1u);
  BOOST_TEST(skipped.failures[0].list == "alpha");
  BOOST_TEST(skipped.failures[0].serving_previous);
  BOOST_TEST(skipped.versions.at("alpha") == next.versions.at("alpha"));
  // beta is good again with the bytes its serving version has: nothing to rebuild.
  BOOST_TEST((skipped.result == build_outcome::status::unchanged));
  BOOST_TEST(skipped.versions.at("beta") == first.versions.at("beta"));

  // Every list failing with nothing earlier: the build fails, naming the first.
  build_request all_bad;
  all_bad.plan.generic_dir = d.path;
  d.write("alpha.csv", "id,name\nA1,\"x");
  d.write("beta.csv", "id,name\nB1,\"y");
  auto none = build_index(all_bad);
  BOOST_TEST((none.result == build_outcome::status::failed));
  BOOST_TEST(none.failures.size() == 2u);
  BOOST_TEST(none.error.file == d.path + "/alpha.csv");
}

BOOST_AUTO_TEST_CASE(fingerprints_follow_the_entry) {
  screening::sanctioned_entity e;
  e.list = "eu";
  e.id = "EU1";
  e.type = screening::entity_type::entity;
  e.primary_name = "Vektor OOO";
  e.aliases.push_back({"Vektor LLC", true, "aka"});
  e.countries = {"RU"};
  auto a = entity_fingerprint(e);
  BOOST_TEST(a.rfind("sha256:", 0) == 0u);
  auto moved = e;
  moved.list = "other";
  moved.id = "X";
  BOOST_TEST(entity_fingerprint(moved) == a); // where it is listed is not its content
  auto changed = e;
  changed.aliases.push_back({"Vektor Trading", true, "aka"});
  BOOST_TEST(entity_fingerprint(changed) != a);
  auto weak = e;
  weak.aliases[0].strong = false;
  BOOST_TEST(entity_fingerprint(weak) != a);
}

BOOST_AUTO_TEST_CASE(subjects_and_queries_of_a_business) {
  auto rec = business();
  auto subjects = screening_subjects(rec);
  BOOST_REQUIRE(subjects.size() == 3u);
  BOOST_TEST(subjects[0].kind == "legal_name");
  BOOST_TEST(subjects[1].kind == "dba_name");
  BOOST_TEST(subjects[2].kind == "owner");
  BOOST_TEST(subjects[2].type == "individual");
  auto queries = screening_queries(rec);
  BOOST_REQUIRE(queries.size() == 3u);
  BOOST_TEST(*queries[0].type == "entity");
  BOOST_TEST(*queries[0].country == "RU");
  BOOST_TEST(*queries[2].type == "individual");
  BOOST_TEST(*queries[2].date_of_birth == "1970-01-02");
  // A DBA equal to the legal name is screened once.
  rec.dba_name = rec.legal_name;
  BOOST_TEST(screening_subjects(rec).size() == 2u);
  BOOST_TEST(screening_queries(rec).size() == 2u);
}

BOOST_AUTO_TEST_CASE(cache_keys_change_with_lists_and_names) {
  auto rec = business();
  auto k = screening_cache_key("gen1", rec);
  BOOST_TEST(k.rfind("sanctions_screening:", 0) == 0u);
  BOOST_TEST(screening_cache_key("gen1", rec) == k);
  BOOST_TEST(screening_cache_key("gen2", rec) != k);
  auto renamed = rec;
  renamed.owners[0].name = "Olga Petrova";
  BOOST_TEST(screening_cache_key("gen1", renamed) != k);
  auto described = rec;
  described.description = "not screened";
  BOOST_TEST(screening_cache_key("gen1", described) == k);
}

BOOST_AUTO_TEST_CASE(decisions_apply_while_the_entry_is_unchanged) {
  auto rec = business();
  batch_screening b;
  b.generation = "g";
  b.threshold = 0.8;
  b.lists = {{"eu", "sha256:v1"}};
  subject_hits legal;
  legal.hits = {hit("eu", "E1", 0.97), hit("eu", "E2", 0.9), hit("eu", "E3", 0.85),
                hit("eu", "E4", 0.82)};
  legal.fingerprints = {"fp1", "fp2-new", "fp3", "fp4"};
  subject_hits dba; // no hits
  subject_hits owner;
  owner.error_field = "name";
  owner.error = "name has no letters or digits to match";
  b.subjects = {legal, dba, owner};

  decision_map decisions;
  // E1: decided a false positive on the same entry -> not raised again.
  decisions[{rec.legal_name, "eu", "E1"}] = {"false_positive", "other company", "key:a",
                                             "2026-01-01T00:00:00Z", "fp1"};
  // E2: a false positive on an older version of the entry -> raised again.
  decisions[{rec.legal_name, "eu", "E2"}] = {"false_positive", "other company", "key:a",
                                             "2026-01-01T00:00:00Z", "fp2-old"};
  // E3: confirmed -> stays raised, with its decision.
  decisions[{rec.legal_name, "eu", "E3"}] = {"confirmed", "it is them", "key:b",
                                             "2026-01-02T00:00:00Z", "fp3"};
  // A decision on another business's name does not apply.
  decisions[{"Someone Else", "eu", "E4"}] = {"false_positive", "x", "key:c", "t", "fp4"};
  std::set<hit_key> previously = {{rec.legal_name, "eu", "E3"}};

  auto s = assemble_screening(rec, screening_subjects(rec), b, decisions, previously,
                              "monitoring", "2026-02-01T00:00:00.000000Z");
  BOOST_TEST((s.business_id == rec.id));
  BOOST_TEST((s.tenant_id == rec.tenant_id));
  BOOST_TEST(s.business_version == 3);
  BOOST_TEST(s.triggered_by == "monitoring");
  BOOST_REQUIRE(s.hits.size() == 4u);
  auto& e1 = s.hits[0];
  BOOST_TEST(!e1.raised);
  BOOST_TEST(e1.status() == "false_positive");
  BOOST_TEST(e1.decision_reason == "other company");
  BOOST_TEST(!e1.is_new);
  auto& e2 = s.hits[1];
  BOOST_TEST(e2.raised);
  BOOST_TEST(e2.entry_changed);
  BOOST_TEST(e2.status() == "open");
  BOOST_TEST(e2.is_new);
  auto& e3 = s.hits[2];
  BOOST_TEST(e3.raised);
  BOOST_TEST(e3.status() == "confirmed");
  BOOST_TEST(!e3.is_new); // raised by the previous screening already
  auto& e4 = s.hits[3];
  BOOST_TEST(e4.raised);
  BOOST_TEST(e4.status() == "open");
  BOOST_TEST(e4.is_new);
  BOOST_TEST(s.hit_count == 4);
  BOOST_TEST(s.raised_count == 3);
  BOOST_TEST(s.new_count == 2);
  BOOST_TEST(s.outcome == "match");
  BOOST_TEST(s.subjects[2].error == "name has no letters or digits to match");
  for (size_t i = 0; i < s.hits.size(); ++i) {
    BOOST_TEST(s.hits[i].position == static_cast<int32_t>(i));
    BOOST_TEST(s.hits[i].subject_kind == "legal_name");
  }

  // Everything decided a false positive on unchanged entries: the screening is clear.
  batch_screening only_e1 = b;
  only_e1.subjects[0].hits = {hit("eu", "E1", 0.97)};
  only_e1.subjects[0].fingerprints = {"fp1"};
  auto clear = assemble_screening(rec, screening_subjects(rec), only_e1, decisions, {},
                                  "api", "t");
  BOOST_TEST(clear.outcome == "clear");
  BOOST_TEST(clear.raised_count == 0);
  BOOST_TEST(clear.hit_count == 1);
}

BOOST_AUTO_TEST_CASE(dates_of_birth_are_compared_in_years_only) {
  using screening::birth_year_comparison;
  using screening::date_of_birth;
  auto day = [](const char* text) { return *screening::parse_iso_partial_date(text); };
  auto listed = [](std::initializer_list<const char*> texts) {
    std::vector<date_of_birth> out;
    for (auto t : texts)
      out.push_back(*screening::parse_list_date(t));
    return out;
  };
  BOOST_TEST(birth_year_comparison(day("1965-03-04"), listed({"1965-03-04"})) ==
             "year of birth matches (listed: 1965)");
  BOOST_TEST(birth_year_comparison(day("1965-03-04"), listed({"1965-07-01"})) ==
             "year of birth matches, month or day differs (listed: 1965)");
  BOOST_TEST(birth_year_comparison(day("1965-03-04"), listed({"circa 1960", "1970"})) ==
             "year of birth differs by 5 years (listed: circa 1960, 1970)");
  BOOST_TEST(birth_year_comparison(day("1961-03-04"), listed({"circa 1960"})) ==
             "year of birth matches (listed: circa 1960)");
  BOOST_TEST(birth_year_comparison(day("1957"), listed({"1958 to 1960"})) ==
             "year of birth differs by 1 year (listed: 1958 to 1960)");
  BOOST_TEST(birth_year_comparison(day("1965-03-04"), {}) == "no date of birth listed");
}

BOOST_AUTO_TEST_CASE(stored_explanations_lose_full_dates_of_birth) {
  auto stored = [](const std::string& outcome, const std::string& detail) {
    return nlohmann::json{{"name_score", 1.0},
                          {"refinements",
                           {{{"field", "date_of_birth"},
                             {"outcome", outcome},
                             {"factor", 1.0},
                             {"detail", detail}},
                            {{"field", "country"},
                             {"outcome", "match"},
                             {"factor", 1.0},
                             {"detail", "query CD vs listed CD"}}}}};
  };
  auto shown = [](const nlohmann::json& e) {
    return answer_explanation(e)["refinements"][0]["detail"].get<std::string>();
  };
  // Hits stored before details were given in years only.
  BOOST_TEST(shown(stored("match", "query 1978-04-28 vs listed 1978-04-28")) ==
             "year of birth matches (listed: 1978)");
  BOOST_TEST(
      shown(stored("mismatch", "query 1960-07-24 vs listed 1963-07-24, circa 1962")) ==
      "year of birth differs by 2 years (listed: 1963, circa 1962)");
  BOOST_TEST(shown(stored("not_listed", "query 1978-04-28")) ==
             "no date of birth listed");
  // A detail this does not understand still names no date.
  BOOST_TEST(shown(stored("mismatch", "query 1978-04-28 vs listed sometime")) ==
             "date of birth differs");
  BOOST_TEST(shown(stored("match", "query 28/04/1978")) == "year of birth matches");
  // Current details, other refinements and odd shapes pass unchanged.
  auto now = stored("match", "year of birth matches (listed: 1978)");
  BOOST_TEST(answer_explanation(now) == now);
  BOOST_TEST(answer_explanation(now)["refinements"][1]["detail"] ==
             "query CD vs listed CD");
  BOOST_TEST(answer_explanation(nlohmann::json::array()) == nlohmann::json::array());
  BOOST_TEST(answer_explanation(nlohmann::json{{"refinements", 3}})["refinements"] == 3);
}
