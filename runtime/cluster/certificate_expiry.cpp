#include "runtime/cluster/certificate_expiry.hpp"

#include <cstdio>
#include <ctime>
#include <memory>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "runtime/base/log.hpp"
#include "runtime/base/metrics.hpp"

namespace kyb::runtime {

namespace {

std::string subject_of(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
  if (!out ||
      X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0)
    return {};
  char* data = nullptr;
  auto n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

} // namespace

std::vector<certificate_expiry> read_certificate_expiries(const std::string& path) {
  std::vector<certificate_expiry> out;
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!in)
    return out;
  while (X509* raw = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr)) {
    std::unique_ptr<X509, decltype(&X509_free)> cert(raw, X509_free);
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1)
      continue;
    out.push_back({subject_of(cert.get()), static_cast<double>(::timegm(&tm))});
  }
  return out;
}

void export_certificate_expiry(std::vector<std::pair<std::string, std::string>> files) {
  auto& registry = base::metrics_registry::global();
  auto& family = registry.gauge(
      "kyb_tls_certificate_expiry_timestamp_seconds",
      "When each certificate of the node's TLS files expires (notAfter, Unix seconds), "
      "by use (cluster: the node's own, ca: the authorities it trusts) and subject; read "
      "again at each scrape",
      {"use", "subject"});
  registry.on_collect([&family, files = std::move(files)] {
    // The set of certificates can change with the files: recomputed every time.
    family.clear();
    for (auto& [use, path] : files) {
      auto certs = read_certificate_expiries(path);
      if (certs.empty())
        base::log_warn("tls.certificate_unreadable", {{"use", use}, {"path", path}});
      for (auto& c : certs)
        family.with({use, c.subject}).Set(c.not_after_unix);
    }
  });
}

} // namespace kyb::runtime
