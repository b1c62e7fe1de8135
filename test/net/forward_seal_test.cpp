// The proof a request relay adds to a request it forwards (net/region_forwarder): an
// HMAC-SHA256 under this process's key over the method, target, hops and body hash, with
// its time. The HTTP broker trusts X-KYB-Forwarded-By only with a proof verify() accepts.
#define BOOST_TEST_MODULE net_forward_seal
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "net/region_forwarder.hpp"

using namespace kyb::net;
using namespace std::chrono_literals;

namespace {

const std::string method = "POST";
const std::string target = "/v1/businesses?x=1";
const std::string hops = "node-1@us-east-1";
const std::string body = R"({"legal_name":"Acme Widgets LLC"})";

} // namespace

BOOST_AUTO_TEST_CASE(a_fresh_proof_of_the_same_request_verifies) {
  forward_seal seal;
  auto now = forward_seal::clock::now();
  auto proof = seal.sign(method, target, hops, body, now);
  BOOST_TEST(seal.verify(proof, method, target, hops, body, now));
  BOOST_TEST(seal.verify(proof, method, target, hops, body, now + 29s));
  // Clocks of one process do not go back, but a proof "from the future" is bounded too.
  BOOST_TEST(seal.verify(proof, method, target, hops, body, now - 29s));
}

BOOST_AUTO_TEST_CASE(a_proof_older_than_its_window_is_refused) {
  forward_seal seal;
  auto now = forward_seal::clock::now();
  auto proof = seal.sign(method, target, hops, body, now);
  BOOST_TEST(
      !seal.verify(proof, method, target, hops, body, now + forward_proof_window + 1ms));
  BOOST_TEST(
      !seal.verify(proof, method, target, hops, body, now - forward_proof_window - 1ms));
}

BOOST_AUTO_TEST_CASE(any_change_to_the_request_breaks_the_proof) {
  forward_seal seal;
  auto now = forward_seal::clock::now();
  auto proof = seal.sign(method, target, hops, body, now);
  BOOST_TEST(!seal.verify(proof, "PUT", target, hops, body, now));
  BOOST_TEST(!seal.verify(proof, method, "/v1/businesses?x=2", hops, body, now));
  BOOST_TEST(!seal.verify(proof, method, target, "node-1@eu-west-1", body, now));
  BOOST_TEST(!seal.verify(proof, method, target, hops, body + " ", now));
  BOOST_TEST(!seal.verify(proof, method, target, hops, "", now));
  // Fields cannot be shifted across the separators.
  BOOST_TEST(!seal.verify(proof, "POST/v1", "/businesses?x=1", hops, body, now));
}

BOOST_AUTO_TEST_CASE(another_process_key_or_a_forged_value_is_refused) {
  forward_seal seal;
  forward_seal other; // another process draws another key
  auto now = forward_seal::clock::now();
  auto proof = seal.sign(method, target, hops, body, now);
  BOOST_TEST(!other.verify(proof, method, target, hops, body, now));
  // The stamp is covered by the MAC: moving it forward to extend the window fails.
  auto dot = proof.find('.');
  auto later =
      std::to_string(std::stoll(proof.substr(0, dot)) + 20000) + proof.substr(dot);
  BOOST_TEST(!seal.verify(later, method, target, hops, body, now + 20s));
  // A flipped MAC digit, and shapes that are no proof at all.
  auto flipped = proof;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  BOOST_TEST(!seal.verify(flipped, method, target, hops, body, now));
  auto mac = proof.substr(dot + 1);
  const std::vector<std::string> bad_proofs = {"",
                                               ".",
                                               "abc",
                                               "." + mac,
                                               "12x." + mac,
                                               std::string(19, '9') + "." + mac,
                                               proof.substr(0, dot + 1),
                                               proof + "00"};
  for (const auto& bad : bad_proofs)
    BOOST_TEST(!seal.verify(bad, method, target, hops, body, now),
               "proof '" << bad << "'");
}
