// The outbound HTTP client against a local file server (loopback only): fetch into a
// file, conditional re-fetch (304), failures that name the URL and keep the old file,
// the size cap, the redirect limit, cancellation and refused schemes.
#define BOOST_TEST_MODULE http_fetcher
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "net/http_fetcher.hpp"
#include "test/support/file_server.hpp"

using namespace kyb::net;
namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

struct served {
  served() {
    char tmpl[] = "/tmp/kyb-fetch-XXXXXX";
    root = ::mkdtemp(tmpl);
    fs::create_directories(root + "/www/lists");
    write_file(root + "/www/lists/list.csv", "id,name\n1,Ivan Petrov\n");
    write_file(root + "/www/big.bin", std::string(8192, 'x'));
    server = std::make_unique<kyb::test::file_server>(root + "/www");
  }
  ~served() {
    server.reset();
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  std::string root;
  std::unique_ptr<kyb::test::file_server> server;
};

fetch_limits small_limits() {
  fetch_limits l;
  l.timeout = std::chrono::seconds(10);
  l.connect_timeout = std::chrono::seconds(5);
  l.max_bytes = 4096;
  l.max_redirects = 2;
  return l;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(fetcher, served)

BOOST_AUTO_TEST_CASE(fetches_then_revalidates_with_if_modified_since) {
  http_fetcher f(small_limits());
  auto target = root + "/data/lists/list.csv";
  auto first = f.fetch_to_file(server->url("/lists/list.csv"), target);
  BOOST_TEST_INFO(first.error);
  BOOST_REQUIRE(first.result == fetch_outcome::status::fetched);
  BOOST_TEST(first.http_status == 200);
  BOOST_TEST(first.bytes == 22u);
  BOOST_TEST(read_all(target) == "id,name\n1,Ivan Petrov\n");
  BOOST_TEST(fs::exists(target + ".validators"));
  BOOST_TEST(!fs::exists(target + ".part"));
  // The server's file is unchanged: a conditional request answers 304, the copy stays.
  auto second = f.fetch_to_file(server->url("/lists/list.csv"), target);
  BOOST_TEST_INFO(second.error);
  BOOST_TEST((second.result == fetch_outcome::status::not_modified));
  BOOST_TEST(second.http_status == 304);
  BOOST_TEST(second.bytes == 22u);
  BOOST_TEST(read_all(target) == "id,name\n1,Ivan Petrov\n");
  // A changed file (newer modification time) is fetched again.
  write_file(root + "/www/lists/list.csv", "id,name\n1,Ivan Petrov\n2,Olga Ivanova\n");
  auto later =
      fs::last_write_time(root + "/www/lists/list.csv") + std::chrono::seconds(5);
  fs::last_write_time(root + "/www/lists/list.csv", later);
  auto third = f.fetch_to_file(server->url("/lists/list.csv"), target);
  BOOST_TEST((third.result == fetch_outcome::status::fetched));
  BOOST_TEST(read_all(target) == "id,name\n1,Ivan Petrov\n2,Olga Ivanova\n");
}

BOOST_AUTO_TEST_CASE(a_failure_names_the_url_and_keeps_the_earlier_copy) {
  http_fetcher f(small_limits());
  fs::create_directories(root + "/data");
  auto target = root + "/data/keep.csv";
  write_file(target, "the earlier copy");
  auto url = server->url("/lists/missing.csv");
  auto r = f.fetch_to_file(url, target);
  BOOST_TEST((r.result == fetch_outcome::status::failed));
  BOOST_TEST(r.http_status == 404);
  BOOST_TEST(r.error.find(url) != std::string::npos, r.error);
  BOOST_TEST(r.error.find("404") != std::string::npos, r.error);
  BOOST_TEST(read_all(target) == "the earlier copy");
  BOOST_TEST(!fs::exists(target + ".part"));
  // Nothing listens on this port: a connection error, named with the URL.
  auto dead = "http://127.0.0.1:1/x.csv";
  auto c = f.fetch_to_file(dead, target);
  BOOST_TEST((c.result == fetch_outcome::status::failed));
  BOOST_TEST(c.error.find(dead) != std::string::npos, c.error);
  BOOST_TEST(read_all(target) == "the earlier copy");
}

BOOST_AUTO_TEST_CASE(bodies_over_the_cap_are_refused) {
  http_fetcher f(small_limits());
  auto target = root + "/data/big.bin";
  auto r = f.fetch_to_file(server->url("/big.bin"), target);
  BOOST_TEST((r.result == fetch_outcome::status::failed));
  BOOST_TEST(r.error.find("larger than 4096 bytes") != std::string::npos, r.error);
  BOOST_TEST(!fs::exists(target));
  BOOST_TEST(!fs::exists(target + ".part"));
}

BOOST_AUTO_TEST_CASE(redirects_are_followed_up_to_the_limit) {
  // http.server answers /lists (a directory without its slash) with a 301 to /lists/.
  auto target = root + "/data/listing.html";
  http_fetcher follows(small_limits());
  auto r = follows.fetch_to_file(server->url("/lists"), target);
  BOOST_TEST_INFO(r.error);
  BOOST_TEST((r.result == fetch_outcome::status::fetched));
  BOOST_TEST(r.final_url == server->url("/lists/"));
  BOOST_TEST(read_all(target).find("list.csv") != std::string::npos);
  auto none = small_limits();
  none.max_redirects = 0;
  http_fetcher strict(none);
  auto s = strict.fetch_to_file(server->url("/lists"), root + "/data/other.html");
  BOOST_TEST((s.result == fetch_outcome::status::failed));
  BOOST_TEST(s.error.find("redirects") != std::string::npos, s.error);
}

BOOST_AUTO_TEST_CASE(cancellation_and_other_schemes) {
  http_fetcher f(small_limits());
  std::atomic<bool> cancel{true};
  auto r = f.fetch_to_file(server->url("/lists/list.csv"), root + "/data/c.csv", &cancel);
  BOOST_TEST((r.result == fetch_outcome::status::failed));
  BOOST_TEST(r.error.find("cancelled") != std::string::npos, r.error);
  for (auto url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
    auto x = f.fetch_to_file(url, root + "/data/x");
    BOOST_TEST((x.result == fetch_outcome::status::failed));
    BOOST_TEST(x.error.find("only http") != std::string::npos, x.error);
  }
  BOOST_TEST(!fs::exists(root + "/data/x"));
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// The plain server above and an https one (its self-signed certificate trusted
/// through fetch_limits::ca_file) over the same files.
struct served_both : served {
  served_both() {
    BOOST_REQUIRE_MESSAGE(kyb::test::file_server::make_certificate(root),
                          "openssl could not make a test certificate");
    secure = std::make_unique<kyb::test::file_server>(root + "/www", root + "/cert.pem",
                                                      root + "/key.pem");
  }
  fetch_limits limits() const {
    auto l = small_limits();
    l.ca_file = root + "/cert.pem";
    return l;
  }
  /// GET `from` on the plain server redirects to `to`.
  void redirect(const std::string& from, const std::string& to) {
    write_file(root + "/www" + from + ".location", to);
  }
  std::unique_ptr<kyb::test::file_server> secure;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(fetcher_tls, served_both)

BOOST_AUTO_TEST_CASE(an_https_download_is_never_redirected_to_http) {
  redirect("/down", server->url("/lists/list.csv"));
  redirect("/across", secure->url("/lists/list.csv"));
  http_fetcher f(limits());
  // https -> http: refused, naming the target; nothing is written.
  auto target = root + "/data/down.csv";
  auto down = f.fetch_to_file(secure->url("/down"), target);
  BOOST_TEST((down.result == fetch_outcome::status::failed));
  BOOST_TEST(down.error.find("refused a redirect from https to " +
                             server->url("/lists/list.csv")) != std::string::npos,
             down.error);
  BOOST_TEST(!fs::exists(target));
  BOOST_TEST(!fs::exists(target + ".part"));
  // https -> https, http -> https and http -> http are followed.
  auto same = f.fetch_to_file(secure->url("/across"), root + "/data/same.csv");
  BOOST_TEST_INFO(same.error);
  BOOST_TEST((same.result == fetch_outcome::status::fetched));
  BOOST_TEST(same.final_url == secure->url("/lists/list.csv"));
  redirect("/up", secure->url("/lists/list.csv"));
  auto up = f.fetch_to_file(server->url("/up"), root + "/data/up.csv");
  BOOST_TEST_INFO(up.error);
  BOOST_TEST((up.result == fetch_outcome::status::fetched));
  BOOST_TEST(read_all(root + "/data/up.csv") == "id,name\n1,Ivan Petrov\n");
  auto plain = f.fetch_to_file(server->url("/down"), root + "/data/plain.csv");
  BOOST_TEST_INFO(plain.error);
  BOOST_TEST((plain.result == fetch_outcome::status::fetched));
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_refused) {
  http_fetcher f(small_limits()); // the system's CAs: the test certificate is unknown
  auto r = f.fetch_to_file(secure->url("/lists/list.csv"), root + "/data/x.csv");
  BOOST_TEST((r.result == fetch_outcome::status::failed));
  BOOST_TEST(r.error.find(secure->url("/lists/list.csv")) != std::string::npos, r.error);
}

BOOST_AUTO_TEST_SUITE_END()
