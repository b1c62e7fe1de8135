#define BOOST_TEST_MODULE config
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <vector>

#include "config/config.hpp"

using namespace kyb::config;

BOOST_AUTO_TEST_CASE(defaults_load_without_file) {
  auto r = load_text("", {});
  BOOST_REQUIRE(r);
  BOOST_TEST(r.value->http.listen_port == 8080);
  BOOST_TEST(r.value->http.max_header_bytes == 16384u);
  BOOST_TEST(r.value->api.idempotency_ttl.count() == 24 * 3600 * 1000);
  BOOST_TEST(r.value->node.region == "us-east-1");
}

BOOST_AUTO_TEST_CASE(file_then_environment) {
  auto r = load_text(
      "[http]\nlisten = 127.0.0.2:9000\nmax_body_bytes = 2MiB\n",
      {{"KYB_HTTP_MAX_BODY_BYTES", "4MiB"}, {"KYB_DATABASE_URL", "postgresql://x@h/db"}});
  BOOST_REQUIRE(r);
  BOOST_TEST(r.value->http.listen_host == "127.0.0.2");
  BOOST_TEST(r.value->http.listen_port == 9000);
  BOOST_TEST(r.value->http.max_body_bytes == 4u << 20);
  BOOST_TEST(r.value->database.url == "postgresql://x@h/db");
}

BOOST_AUTO_TEST_CASE(bad_value_names_key_and_source) {
  auto r = load_text("[http]\nworkers = lots\n", {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error->key == "http.workers");
  BOOST_TEST(r.error->source == "<text>:2");
  BOOST_TEST(r.error->to_string().find("expected an integer") != std::string::npos);

  auto e = load_text("", {{"KYB_HTTP_READ_TIMEOUT", "soon"}});
  BOOST_REQUIRE(!e);
  BOOST_TEST(e.error->key == "http.read_timeout");
  BOOST_TEST(e.error->source == "env KYB_HTTP_READ_TIMEOUT");

  BOOST_TEST(load_text("", {}).value->rate_limit.auth_lease.count() == 200);
  auto off = load_text("", {{"KYB_RATE_LIMIT_AUTH_LEASE", "0ms"}});
  BOOST_REQUIRE(off);
  BOOST_TEST(off.value->rate_limit.auth_lease.count() == 0);
  auto lease = load_text("", {{"KYB_RATE_LIMIT_AUTH_LEASE", "1h"}});
  BOOST_REQUIRE(!lease);
  BOOST_TEST(lease.error->key == "rate_limit.auth_lease");
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_syntax_are_errors) {
  auto r = load_text("[http]\nlisten_port = 1\n", {});
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error->key == "http.listen_port");
  BOOST_TEST(r.error->message == "unknown option");
  BOOST_TEST(!load_text("[http\n", {}));
  BOOST_TEST(!load_text("just words\n", {}));
  BOOST_TEST(!load_text("[http]\nlisten = a:1\nlisten = a:2\n", {}));
  BOOST_TEST(!load_text("[http]\nlisten = nohost\n", {}));
  BOOST_TEST(!load_text("[http]\nlisten = h:99999\n", {}));
  BOOST_TEST(!load_text("[database]\nurl = mysql://x\n", {}));
  BOOST_TEST(!load_text("[api]\ndefault_page_limit = 500\nmax_page_limit = 100\n", {}));
  auto missing = load("/nonexistent/kyb.conf", {});
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error->message == "cannot read the file");
}

BOOST_AUTO_TEST_CASE(value_parsers) {
  BOOST_TEST(parse_duration("500ms")->count() == 500);
  BOOST_TEST(parse_duration("2min")->count() == 120000);
  BOOST_TEST(parse_duration("1.5s")->count() == 1500);
  BOOST_TEST(!parse_duration("10"));
  BOOST_TEST(!parse_duration("s"));
  BOOST_TEST(*parse_size("16KiB") == 16384u);
  BOOST_TEST(!parse_size("-1"));
  BOOST_TEST(!parse_size("1TiB"));
  BOOST_TEST(*parse_bool("on") == true);
  BOOST_TEST(!parse_bool("maybe"));
  BOOST_TEST(env_name("http.max_body_bytes") == "KYB_HTTP_MAX_BODY_BYTES");
}

// Found by test/fuzz/config_fuzz (inputs in test/fuzz/regressions/config/).
BOOST_AUTO_TEST_CASE(values_too_large_to_hold_are_refused) {
  // A size whose bytes overflow size_t wrapped around: 2^34 + 1 GiB was taken as 1 GiB.
  BOOST_TEST(!parse_size("17179869185GiB"));
  BOOST_TEST(!parse_size("999999999999999 GiB"));
  BOOST_TEST(*parse_size("17179869183GiB") == (size_t{17179869183} << 30));
  auto wrapped = load_text("[http]\nmax_body_bytes = 17179869185GiB\n", {});
  BOOST_REQUIRE(!wrapped);
  BOOST_TEST(wrapped.error->key == "http.max_body_bytes");
  // A duration beyond what milliseconds hold was converted with undefined behaviour.
  BOOST_TEST(!parse_duration("999999999999999d"));
  BOOST_TEST(!parse_duration("106751991168d")); // 2^63 ms is 106751991167.3 days
  BOOST_TEST(parse_duration("106751991167d")->count() == 106751991167LL * 86400000);
  auto timeout = load_text("[http]\nread_timeout = 999999999999999d\n", {});
  BOOST_REQUIRE(!timeout);
  BOOST_TEST(timeout.error->key == "http.read_timeout");
}

BOOST_AUTO_TEST_CASE(the_shipped_file_loads) {
  auto r = load(KYB_SOURCE_DIR "/config/kyb.conf", {});
  BOOST_TEST_INFO((r.error ? r.error->to_string() : std::string()));
  BOOST_TEST(static_cast<bool>(r));
}

BOOST_AUTO_TEST_CASE(client_limits_and_download_trust_refuse_bad_values_by_name) {
  auto d = load_text("", {});
  BOOST_REQUIRE(d);
  BOOST_TEST(d.value->http.max_connections_per_ip == 256u);
  BOOST_TEST(d.value->screening.download_ca_file.empty());
  auto set =
      load_text("", {{"KYB_HTTP_MAX_CONNECTIONS_PER_IP", "8"},
                     {"KYB_SCREENING_DOWNLOAD_CA_FILE", KYB_SOURCE_DIR "/README.md"}});
  BOOST_REQUIRE(set);
  BOOST_TEST(set.value->http.max_connections_per_ip == 8u);
  for (auto bad : {"0", "-1", "many", "1000001"}) {
    auto e = load_text("", {{"KYB_HTTP_MAX_CONNECTIONS_PER_IP", bad}});
    BOOST_REQUIRE_MESSAGE(!e, bad);
    BOOST_TEST(e.error->key == "http.max_connections_per_ip");
  }
  auto missing =
      load_text("", {{"KYB_SCREENING_DOWNLOAD_CA_FILE", "/nonexistent/ca.pem"}});
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error->key == "screening.download_ca_file");
  BOOST_TEST(missing.error->message.find("cannot read") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(outbound_options_default_and_refuse_bad_values_by_name) {
  auto d = load_text("", {});
  BOOST_REQUIRE(d);
  auto& o = d.value->outbound;
  BOOST_TEST(o.connect_timeout.count() == 10000);
  BOOST_TEST(o.timeout.count() == 30000);
  BOOST_TEST(o.max_response_bytes == size_t{16} << 20);
  BOOST_TEST(o.max_redirects == 5);
  BOOST_TEST(!o.allow_private);
  BOOST_TEST((o.allowed_ports == std::vector<uint16_t>{80, 443}));
  BOOST_TEST(o.per_host_concurrency == 8u);
  BOOST_TEST(o.host_rates.empty());
  BOOST_TEST(o.proxy.empty());
  auto set = load_text(
      "", {{"KYB_OUTBOUND_HOST_RATES",
            "API.company-information.service.gov.uk=600/5m, api.gleif.org=60/1min"},
           {"KYB_OUTBOUND_ALLOWED_PORTS", "80, 443,8443"},
           {"KYB_OUTBOUND_ALLOW_PRIVATE", "true"},
           {"KYB_OUTBOUND_PROXY", "http://proxy.internal:3128"}});
  BOOST_TEST_INFO((set.error ? set.error->to_string() : std::string()));
  BOOST_REQUIRE(set);
  auto& s = set.value->outbound;
  BOOST_REQUIRE(s.host_rates.size() == 2u);
  BOOST_TEST(s.host_rates[0].host == "api.company-information.service.gov.uk");
  BOOST_TEST(s.host_rates[0].requests == 600);
  BOOST_TEST(s.host_rates[0].per.count() == 300000);
  BOOST_TEST(s.host_rates[1].per.count() == 60000);
  BOOST_TEST((s.allowed_ports == std::vector<uint16_t>{80, 443, 8443}));
  BOOST_TEST(s.allow_private);
  const std::pair<const char*, const char*> bad[] = {
      {"KYB_OUTBOUND_ALLOWED_PORTS", "80,http"},
      {"KYB_OUTBOUND_ALLOWED_PORTS", "0"},
      {"KYB_OUTBOUND_ALLOWED_PORTS", "65536"},
      {"KYB_OUTBOUND_HOST_RATES", "example.org"},
      {"KYB_OUTBOUND_HOST_RATES", "example.org=600"},
      {"KYB_OUTBOUND_HOST_RATES", "example.org=0/5m"},
      {"KYB_OUTBOUND_HOST_RATES", "example.org=ten/5m"},
      {"KYB_OUTBOUND_HOST_RATES", "example.org=10/soon"},
      {"KYB_OUTBOUND_MAX_REDIRECTS", "6"},
      {"KYB_OUTBOUND_TIMEOUT", "forever"},
      {"KYB_OUTBOUND_MAX_RESPONSE_BYTES", "lots"},
      {"KYB_OUTBOUND_PROXY", "ftp://proxy"},
      {"KYB_OUTBOUND_ALLOW_PRIVATE", "perhaps"},
      {"KYB_OUTBOUND_PER_HOST_CONCURRENCY", "0"},
      {"KYB_OUTBOUND_CA_FILE", "/nonexistent/ca.pem"},
  };
  for (auto& [var, value] : bad) {
    auto e = load_text("", {{var, value}});
    BOOST_TEST_INFO(std::string(var) + "=" + value);
    BOOST_REQUIRE(!e);
    std::string key = var + 4; // KYB_OUTBOUND_X -> outbound.x
    for (auto& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    key.replace(key.find('_'), 1, ".");
    BOOST_TEST(e.error->key == key);
  }
}

BOOST_AUTO_TEST_CASE(regions_options_refuse_bad_values_by_name) {
  const std::string all =
      "us-east-1=postgresql://h/a, us-west-2=postgresql://h/b,eu-west-1=postgresql://h/c";
  auto r = load_text("", {{"KYB_REGIONS_DATABASES", all},
                          {"KYB_REGIONS_SYNCHRONOUS", "businesses, audit_logs"}});
  BOOST_REQUIRE(r);
  BOOST_TEST(r.value->regions.databases.size() == 3u);
  BOOST_TEST(r.value->regions.databases[1] == "us-west-2=postgresql://h/b");
  BOOST_TEST(r.value->regions.synchronous.size() == 2u);
  BOOST_TEST(r.value->regions.us_primary == "us-east-1");
  BOOST_TEST(!r.value->regions.auto_failover);

  auto refused = [](const std::string& var, const std::string& value,
                    const std::string& says) {
    auto e = load_text("", {{var, value}});
    BOOST_REQUIRE_MESSAGE(!e, var + "=" + value + " was accepted");
    BOOST_TEST(e.error->source == "env " + var);
    BOOST_TEST(e.error->message.find(says) != std::string::npos, e.error->to_string());
  };
  refused("KYB_REGIONS_DATABASES", "us-east-1", "expected REGION=URL");
  refused("KYB_REGIONS_DATABASES", "us-east-1=", "expected REGION=URL");
  refused("KYB_REGIONS_DATABASES", "ap-south-1=postgresql://h/a", "unknown region");
  refused("KYB_REGIONS_DATABASES", "us-east-1=x,us-east-1=y", "listed twice");
  refused("KYB_REGIONS_DATABASES", "us-east-1=x,us-west-2=y", "list all three");
  refused("KYB_REGIONS_SYNCHRONOUS", "owners", "unknown table group");
  refused("KYB_REGIONS_US_PRIMARY", "eu-west-1", "");
  refused("KYB_REGIONS_PROBE_FAILURES", "0", "");
  refused("KYB_REGIONS_FORWARD_TIMEOUT", "1ms", "");
  refused("KYB_NODE_REGION", "mars-1", "");
  BOOST_TEST(comma_list(" a, ,b ,") == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(comma_list("").empty());
}

BOOST_AUTO_TEST_CASE(cluster_endpoints_and_insecure_mode) {
  auto r = load_text("", {});
  BOOST_REQUIRE(r);
  BOOST_TEST(!r.value->cluster.insecure); // mutual TLS unless said otherwise
  BOOST_TEST(r.value->cluster.admin_host == "127.0.0.1");
  BOOST_TEST(r.value->cluster.admin_port == 9301);
  auto plain = load_text("[cluster]\ninsecure = true\nadmin_listen = [::1]:9400\n", {});
  BOOST_REQUIRE(plain);
  BOOST_TEST(plain.value->cluster.insecure);
  BOOST_TEST(plain.value->cluster.admin_host == "::1");
  BOOST_TEST(plain.value->cluster.admin_port == 9400);
  auto bad = load_text("", {{"KYB_CLUSTER_ADMIN_LISTEN", "9301"}});
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error->key == "cluster.admin_listen");
  auto same = load_text("", {{"KYB_CLUSTER_ADMIN_LISTEN", "127.0.0.1:9101"}});
  BOOST_REQUIRE(!same);
  BOOST_TEST(same.error->key == "cluster.admin_listen");
  BOOST_TEST(same.error->message.find("differ from cluster.listen") != std::string::npos);
  // The switch of old is gone: a leftover is named, not silently ignored.
  auto old = load_text("[cluster]\ntls = true\n", {});
  BOOST_REQUIRE(!old);
  BOOST_TEST(old.error->key == "cluster.tls");
}

BOOST_AUTO_TEST_CASE(metrics_listener_is_loopback_by_default_and_can_be_off) {
  auto r = load_text("", {});
  BOOST_REQUIRE(r);
  BOOST_TEST(r.value->metrics.listen_host == "127.0.0.1");
  BOOST_TEST(r.value->metrics.listen_port == 9464);
  for (std::string off : {"off", ""}) {
    auto o = load_text("", {{"KYB_METRICS_LISTEN", off}});
    BOOST_REQUIRE(o);
    BOOST_TEST(o.value->metrics.listen_host.empty());
  }
  auto v6 = load_text("[metrics]\nlisten = [::1]:9999\n", {});
  BOOST_REQUIRE(v6);
  BOOST_TEST(v6.value->metrics.listen_host == "::1");
  BOOST_TEST(v6.value->metrics.listen_port == 9999);
  for (std::string bad : {"9464", "localhost", "h:70000", "on"}) {
    auto b = load_text("", {{"KYB_METRICS_LISTEN", bad}});
    BOOST_TEST_INFO(bad);
    BOOST_REQUIRE(!b);
    BOOST_TEST(b.error->key == "metrics.listen");
  }
  auto same = load_text(
      "[http]\nlisten = 127.0.0.1:8080\n[metrics]\nlisten = 127.0.0.1:8080\n", {});
  BOOST_REQUIRE(!same);
  BOOST_TEST(same.error->key == "metrics.listen");
}

BOOST_AUTO_TEST_CASE(retention_options_default_and_refuse_bad_values_by_name) {
  auto d = load_text("", {});
  BOOST_REQUIRE(d);
  auto& r = d.value->retention;
  BOOST_TEST(r.audit_retention_months == 84);
  BOOST_TEST(r.audit_partitions_ahead == 3);
  BOOST_TEST(r.usage_retention_months == 13);
  BOOST_TEST(r.enabled);
  BOOST_TEST(r.interval.count() == 3600 * 1000);
  BOOST_TEST(r.export_dir.empty());
  BOOST_TEST(r.batch_size == 5000u);
  BOOST_TEST(!r.drop_detached);

  auto set = load_text("[audit]\nretention = 120months\npartitions_ahead = 6\n"
                       "[usage]\nretention = 2y\n"
                       "[retention]\ninterval = 10min\nexport_dir = /srv/kyb/audit\n"
                       "batch_size = 100\ndrop_detached = true\n",
                       {});
  BOOST_REQUIRE(set);
  BOOST_TEST(set.value->retention.audit_retention_months == 120);
  BOOST_TEST(set.value->retention.audit_partitions_ahead == 6);
  BOOST_TEST(set.value->retention.usage_retention_months == 24);
  BOOST_TEST(set.value->retention.interval.count() == 600 * 1000);
  BOOST_TEST(set.value->retention.export_dir == "/srv/kyb/audit");
  BOOST_TEST(set.value->retention.batch_size == 100u);
  BOOST_TEST(set.value->retention.drop_detached);

  auto refused = [](const std::string& var, const std::string& value,
                    const std::string& key, const std::string& says) {
    auto e = load_text("", {{var, value}});
    BOOST_REQUIRE_MESSAGE(!e, var + "=" + value + " was accepted");
    BOOST_TEST(e.error->key == key);
    BOOST_TEST(e.error->source == "env " + var);
    BOOST_TEST(e.error->message.find(says) != std::string::npos, e.error->to_string());
  };
  refused("KYB_AUDIT_RETENTION", "6months", "audit.retention", "at least 12 months");
  refused("KYB_AUDIT_RETENTION", "7 days", "audit.retention", "calendar months");
  refused("KYB_AUDIT_RETENTION", "forever", "audit.retention", "calendar months");
  refused("KYB_AUDIT_RETENTION", "200y", "audit.retention", "at most 1200 months");
  refused("KYB_USAGE_RETENTION", "0months", "usage.retention", "at least 1 months");
  refused("KYB_USAGE_RETENTION", "13", "usage.retention", "'13months'");
  refused("KYB_AUDIT_PARTITIONS_AHEAD", "0", "audit.partitions_ahead", "in [1, 24]");
  refused("KYB_RETENTION_INTERVAL", "10ms", "retention.interval", "between");
  refused("KYB_RETENTION_BATCH_SIZE", "0", "retention.batch_size", "in [1, 1000000]");
  refused("KYB_RETENTION_DROP_DETACHED", "maybe", "retention.drop_detached",
          "true or false");
  BOOST_TEST((parse_months("13months") == 13));
  BOOST_TEST((parse_months("1 month") == 1));
  BOOST_TEST((parse_months("18mo") == 18));
  BOOST_TEST((parse_months("7y") == 84));
  BOOST_TEST((parse_months("2 years") == 24));
  BOOST_TEST(!parse_months("13m"));
  BOOST_TEST(!parse_months("y"));
  BOOST_TEST(!parse_months("1.5y"));
  BOOST_TEST(!parse_months("999999y"));
}

BOOST_AUTO_TEST_CASE(classification_options_default_and_refuse_bad_values_by_name) {
  auto d = load_text("", {});
  BOOST_REQUIRE(d);
  BOOST_TEST(d.value->classification.review_below == 0.5);
  BOOST_TEST(d.value->classification.workers == 0u); // one per core
  auto set = load_text("[classification]\nreview_below = 0.7\nworkers = 3\n", {});
  BOOST_REQUIRE(set);
  BOOST_TEST(set.value->classification.review_below == 0.7);
  BOOST_TEST(set.value->classification.workers == 3u);
  for (auto bad : {"-0.1", "1.5", "half"}) {
    auto e = load_text("", {{"KYB_CLASSIFICATION_REVIEW_BELOW", bad}});
    BOOST_REQUIRE_MESSAGE(!e, bad);
    BOOST_TEST(e.error->key == "classification.review_below");
  }
  for (auto bad : {"-1", "257", "all"}) {
    auto e = load_text("", {{"KYB_CLASSIFICATION_WORKERS", bad}});
    BOOST_REQUIRE_MESSAGE(!e, bad);
    BOOST_TEST(e.error->key == "classification.workers");
  }
}

BOOST_AUTO_TEST_CASE(business_views_default_zero_and_bad_values) {
  BOOST_TEST(load_text("", {}).value->cache.business_views == 16384u);
  auto none = load_text("", {{"KYB_CACHE_BUSINESS_VIEWS", "0"}});
  BOOST_REQUIRE(none);
  BOOST_TEST(none.value->cache.business_views == 0u);
  for (const char* bad : {"-1", "lots", "100000001"}) {
    auto r = load_text("", {{"KYB_CACHE_BUSINESS_VIEWS", bad}});
    BOOST_REQUIRE(!r);
    BOOST_TEST(r.error->key == "cache.business_views");
    BOOST_TEST(r.error->source == "env KYB_CACHE_BUSINESS_VIEWS");
  }
}

BOOST_AUTO_TEST_CASE(read_lease_defaults_to_10ms_allows_off_and_refuses_bad_values) {
  auto d = load_text("", {});
  BOOST_REQUIRE(d);
  BOOST_TEST(d.value->cluster.read_lease.count() == 10);
  auto off = load_text("[cluster]\nread_lease = 0ms\n", {});
  BOOST_REQUIRE(off);
  BOOST_TEST(off.value->cluster.read_lease.count() == 0);
  for (const char* bad : {"0", "2s", "-5ms", "soon"}) {
    auto e = load_text("", {{"KYB_CLUSTER_READ_LEASE", bad}});
    BOOST_REQUIRE_MESSAGE(!e,
                          std::string("KYB_CLUSTER_READ_LEASE=") + bad + " was accepted");
    BOOST_TEST(e.error->key == "cluster.read_lease");
    BOOST_TEST(e.error->message.find("between 0ms and 1000ms") != std::string::npos,
               e.error->to_string());
  }
}
