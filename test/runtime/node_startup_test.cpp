// kyb-node's start checks and wiring data (node_startup.hpp), without a process: each
// bad setting stops the start naming its key, the reference data loads from the
// built-in copies, and the cluster configuration carries the parsed seeds.
#define BOOST_TEST_MODULE node_startup
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "actors/audit/audit_chain.hpp"
#include "actors/risk/risk_reference.hpp"
#include "config/config.hpp"
#include "runtime/main/node_startup.hpp"

using namespace kyb;

namespace {

// 32 bytes of base64 each (what `openssl rand -base64 32` prints).
const std::string key_a = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const std::string key_b = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
const std::string key_c = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=";

config::settings good_settings() {
  auto r = config::load("", {{"KYB_DATABASE_URL", "postgresql://kyb@127.0.0.1:5432/kyb"},
                             {"KYB_CLUSTER_INSECURE", "true"},
                             {"KYB_CLUSTER_SEEDS", "127.0.0.1:9101,[::1]:9102"},
                             {"KYB_SECURITY_TAX_ID_KEY", key_a},
                             {"KYB_SECURITY_TAX_ID_HMAC_KEY", key_b},
                             {"KYB_SECURITY_AUDIT_KEY", key_c}});
  BOOST_REQUIRE_MESSAGE(r, (r.error ? r.error->to_string() : std::string()));
  return *r.value;
}

/// The problem a start with `s` stops at, or "" when it passes.
std::string problem_key(const config::settings& s) {
  auto r = node::check_settings(s);
  if (auto* p = std::get_if<node::start_problem>(&r))
    return p->key;
  return "";
}

} // namespace

BOOST_AUTO_TEST_CASE(good_settings_give_the_decoded_secrets) {
  auto r = node::check_settings(good_settings());
  BOOST_REQUIRE(std::holds_alternative<node::node_secrets>(r));
  auto& s = std::get<node::node_secrets>(r);
  BOOST_TEST(s.tax_id_key.size() == 32u);
  BOOST_TEST(s.tax_id_hmac_key.size() == 32u);
  BOOST_TEST(static_cast<unsigned char>(s.tax_id_key[1]) == 1u);
  BOOST_TEST(static_cast<unsigned char>(s.tax_id_hmac_key[0]) == 0x20u);
  BOOST_REQUIRE(s.audit_keys);
  BOOST_TEST(s.audit_keys->current_key().size() == 32u);
}

BOOST_AUTO_TEST_CASE(each_bad_setting_names_its_key) {
  auto s = good_settings();
  s.database.url.clear();
  BOOST_TEST(problem_key(s) == "database.url");

  s = good_settings();
  s.security.tax_id_key = "c2hvcnQ="; // 5 bytes
  BOOST_TEST(problem_key(s) == "security.tax_id_key");

  s = good_settings();
  s.security.tax_id_hmac_key = "not base64!";
  BOOST_TEST(problem_key(s) == "security.tax_id_hmac_key");

  s = good_settings();
  s.security.audit_key = "c2hvcnQ=";
  BOOST_TEST(problem_key(s) == "security.audit_key");

  // Mutual TLS (the default): each file must be set and readable.
  s = good_settings();
  s.cluster.insecure = false;
  BOOST_TEST(problem_key(s) == "cluster.tls_certificate");
  std::string readable = "node_startup_test.pem";
  std::ofstream(readable) << "-----BEGIN CERTIFICATE-----\n";
  s.cluster.tls_certificate = readable;
  BOOST_TEST(problem_key(s) == "cluster.tls_key");
  s.cluster.tls_key = readable;
  s.cluster.tls_ca = "/nonexistent/ca.pem";
  auto r = node::check_settings(s);
  BOOST_REQUIRE(std::holds_alternative<node::start_problem>(r));
  BOOST_TEST(std::get<node::start_problem>(r).key == "cluster.tls_ca");
  BOOST_TEST(std::get<node::start_problem>(r).message ==
             "cannot read /nonexistent/ca.pem");
  s.cluster.tls_ca = readable;
  BOOST_TEST(problem_key(s).empty());
}

BOOST_AUTO_TEST_CASE(reference_data_loads_the_built_in_copies) {
  auto s = good_settings();
  s.classification.model_path.clear();
  auto r = node::load_reference_data(s);
  BOOST_REQUIRE(std::holds_alternative<node::reference_data>(r));
  auto& d = std::get<node::reference_data>(r);
  BOOST_TEST(!d.industry_model); // none configured: classification answers 503
  BOOST_TEST(d.website_engine != nullptr);
  BOOST_REQUIRE(d.risk_reference != nullptr);
  BOOST_TEST(!d.risk_reference->current()->version.empty());
}

BOOST_AUTO_TEST_CASE(a_missing_reference_file_stops_the_start_by_name) {
  auto s = good_settings();
  s.classification.model_path = "/nonexistent/kyb_industry.model";
  auto r = node::load_reference_data(s);
  BOOST_REQUIRE(std::holds_alternative<node::start_problem>(r));
  BOOST_TEST(std::get<node::start_problem>(r).key == "classification.model_path");
  BOOST_TEST(std::get<node::start_problem>(r).message.find(s.classification.model_path) ==
             0u);

  s.classification.model_path.clear();
  s.risk.country_risk_path = "/nonexistent/country_risk.csv";
  r = node::load_reference_data(s);
  BOOST_REQUIRE(std::holds_alternative<node::start_problem>(r));
  BOOST_TEST(std::get<node::start_problem>(r).key == "risk");
  BOOST_TEST(std::get<node::start_problem>(r).message.find("country_risk.csv") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_cluster_configuration_carries_the_parsed_seeds) {
  auto s = good_settings();
  s.cluster.shards = 64;
  auto c = node::cluster_config_of(s, "127.0.0.1:8080", "inc-1", caf::actor{});
  BOOST_REQUIRE(c.seeds.size() == 2u);
  BOOST_TEST(c.seeds[0].first == "127.0.0.1");
  BOOST_TEST(c.seeds[0].second == 9101);
  BOOST_TEST(c.seeds[1].first == "::1"); // brackets are the text's, not the host's
  BOOST_TEST(c.shards == 64u);
  BOOST_TEST(!c.tls); // cluster.insecure
  BOOST_TEST(c.self.http == "127.0.0.1:8080");
  BOOST_TEST(c.self.incarnation == "inc-1");
  BOOST_TEST(c.self.id == s.node.id);
  auto names = node::seed_names(s);
  BOOST_TEST((names == std::vector<std::string>{"127.0.0.1:9101", "[::1]:9102"}));
}

BOOST_AUTO_TEST_CASE(the_operator_key_file_is_private_and_its_folders_made) {
  namespace fs = std::filesystem;
  auto dir =
      fs::temp_directory_path() / ("node_startup_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto path = (dir / "nested" / "bootstrap-admin.key").string();
  BOOST_REQUIRE(node::write_key_file(path, "kyb_op_secret"));
  struct stat st {};
  BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line == "kyb_op_secret");
  // A path whose folder cannot be made (a file stands where it would be) fails.
  BOOST_TEST(!node::write_key_file(path + "/below_a_file", "x"));
  fs::remove_all(dir);
}
