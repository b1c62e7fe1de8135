// When the node's TLS certificates expire, as a metric: every certificate in the files
// the cluster's mutual TLS uses (cluster.tls_certificate, cluster.tls_ca) is read again
// at each scrape (a rotated file is seen without a restart) and exported as
// kyb_tls_certificate_expiry_timestamp_seconds{use, subject}, the Unix time of its
// notAfter. The CertificateExpiringSoon alert fires 14 days before.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kyb::runtime {

/// One certificate of a PEM file.
struct certificate_expiry {
  std::string subject;       ///< RFC 2253 form ("CN=node-1,O=KYB")
  double not_after_unix = 0; ///< notAfter as Unix seconds
};

/// Every certificate in the PEM file at `path`, in file order; empty when the file cannot
/// be read or holds no certificate.
std::vector<certificate_expiry> read_certificate_expiries(const std::string& path);

/// Exports the certificates of `files` ({use, path}: "cluster" for the node's own,
/// "ca" for the authorities it trusts) in /metrics, read at each exposition.
void export_certificate_expiry(std::vector<std::pair<std::string, std::string>> files);

} // namespace kyb::runtime
