// Roles read from the certificates deploy/local/kyb certs makes (the same files every
// launcher mode and the test nodes use).
#define BOOST_TEST_MODULE tls_roles
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "runtime/cluster/certificate_expiry.hpp"
#include "runtime/cluster/tls_roles.hpp"
#include "test/support/node_process.hpp"

using namespace kyb::runtime;

namespace {

std::unique_ptr<X509, decltype(&X509_free)> read_cert(const std::string& path) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(nullptr, X509_free);
  if (auto* f = std::fopen(path.c_str(), "r")) {
    cert.reset(PEM_read_X509(f, nullptr, nullptr, nullptr));
    std::fclose(f);
  }
  return cert;
}

} // namespace

BOOST_AUTO_TEST_CASE(certificates_name_their_roles) {
  auto& dir = kyb::test::test_certs_dir();
  auto node = read_cert(dir + "/node-1.pem");
  auto admin = read_cert(dir + "/admin.pem");
  auto ca = read_cert(dir + "/ca.pem");
  BOOST_REQUIRE(node && admin && ca);
  BOOST_TEST(roles_of(node.get()) == unsigned{role_node});
  BOOST_TEST(roles_of(admin.get()) == unsigned{role_admin});
  BOOST_TEST(roles_of(ca.get()) == unsigned{role_none}); // the CA holds no role
  BOOST_TEST(roles_of(nullptr) == unsigned{role_none});
  BOOST_TEST(role_uri(role_node) == "kyb:role:node");
  BOOST_TEST(role_uri(role_admin) == "kyb:role:admin");
}

BOOST_AUTO_TEST_CASE(a_uri_that_only_resembles_a_role_names_none) {
  // A certificate whose SAN says kyb:role:nodes / KYB:ROLE:NODE is no node.
  auto dir = kyb::test::test_certs_dir();
  auto make = [&](const std::string& name, const std::string& san) {
    auto cmd =
        "cd " + dir + " && printf 'subjectAltName=" + san + "\\n' >" + name +
        ".ext && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-subj /CN=" +
        name + " -keyout " + name + "-key.pem -out " + name +
        ".csr && openssl x509 -req -in " + name +
        ".csr -CA ca.pem -CAkey ca-key.pem -days 1 -extfile " + name + ".ext -out " +
        name + ".pem";
    BOOST_REQUIRE_EQUAL(kyb::test::run_command(cmd).status, 0);
    return read_cert(dir + "/" + name + ".pem");
  };
  BOOST_TEST(roles_of(make("lookalike", "URI:kyb:role:nodes").get()) ==
             unsigned{role_none});
  BOOST_TEST(roles_of(make("shouting", "URI:KYB:ROLE:NODE").get()) ==
             unsigned{role_none});
  BOOST_TEST(roles_of(make("dns-only", "DNS:kyb:role:node").get()) ==
             unsigned{role_none});
  BOOST_TEST(roles_of(make("both", "URI:kyb:role:node,URI:kyb:role:admin").get()) ==
             unsigned{role_node | role_admin});
}

namespace {

/// What openssl(1) says of a certificate file's first certificate: its subject (RFC 2253)
/// and notAfter as Unix seconds.
std::pair<std::string, double> openssl_facts(const std::string& path) {
  auto subject =
      kyb::test::run_command("openssl x509 -noout -subject -nameopt RFC2253 -in " + path +
                             " | sed 's/^subject=//'");
  auto end = kyb::test::run_command("date -d \"$(openssl x509 -noout -enddate -in " +
                                    path + " | cut -d= -f2)\" +%s");
  BOOST_REQUIRE_EQUAL(subject.status, 0);
  BOOST_REQUIRE_EQUAL(end.status, 0);
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
      s.pop_back();
    return s;
  };
  return {trim(subject.output), std::stod(end.output)};
}

} // namespace

BOOST_AUTO_TEST_CASE(certificate_expiries_are_read_as_openssl_reads_them) {
  auto dir = kyb::test::test_certs_dir();
  auto node = read_certificate_expiries(dir + "/node-1.pem");
  BOOST_REQUIRE_EQUAL(node.size(), 1u);
  auto [subject, not_after] = openssl_facts(dir + "/node-1.pem");
  BOOST_TEST(node[0].subject == subject);
  BOOST_TEST(node[0].not_after_unix == not_after);
  BOOST_TEST(subject.find("CN=") != std::string::npos);
  // A bundle: every certificate, in file order.
  BOOST_REQUIRE_EQUAL(kyb::test::run_command("cat " + dir + "/node-1.pem " + dir +
                                             "/ca.pem > " + dir + "/bundle.pem")
                          .status,
                      0);
  auto bundle = read_certificate_expiries(dir + "/bundle.pem");
  BOOST_REQUIRE_EQUAL(bundle.size(), 2u);
  BOOST_TEST(bundle[0].subject == subject);
  BOOST_TEST(bundle[1].subject == openssl_facts(dir + "/ca.pem").first);
  BOOST_TEST(bundle[1].not_after_unix == openssl_facts(dir + "/ca.pem").second);
  // Nothing to read: no certificates, not an error thrown.
  BOOST_TEST(read_certificate_expiries(dir + "/no-such.pem").empty());
  BOOST_REQUIRE_EQUAL(
      kyb::test::run_command("echo 'not a certificate' > " + dir + "/garbage.pem").status,
      0);
  BOOST_TEST(read_certificate_expiries(dir + "/garbage.pem").empty());
  BOOST_TEST(read_certificate_expiries(dir + "/node-1-key.pem").empty());
}
