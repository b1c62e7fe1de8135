// The project's one wrapper over OpenSSL: hashes, HMAC, AES-256-GCM, randomness and
// the text encodings (hex, base64) that go with them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kyb::base {

using sha256_digest = std::array<uint8_t, 32>;

/// Fills `out` with `n` cryptographically secure random bytes (aborts if the CSPRNG
/// fails).
void fill_random(uint8_t* out, size_t n);
/// `n` random bytes as a string.
std::string random_bytes(size_t n);

sha256_digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
sha256_digest hmac_sha256(std::string_view key, std::string_view data);

/// SHA-256 of data fed in pieces (files too large to hold), e.g. an export as written.
class sha256_stream {
public:
  sha256_stream();
  ~sha256_stream();
  sha256_stream(const sha256_stream&) = delete;
  sha256_stream& operator=(const sha256_stream&) = delete;
  void update(std::string_view data);
  /// The digest in hex; the stream starts over afterwards.
  std::string hex_final();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Compares in time independent of where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// AES-256-GCM with a random 96-bit nonce. Output: nonce (12) || ciphertext || tag (16).
/// `key` must be 32 bytes; `aad` is authenticated but not encrypted.
std::optional<std::string> aes256gcm_encrypt(std::string_view key,
                                             std::string_view plaintext,
                                             std::string_view aad = {});
/// Inverse of aes256gcm_encrypt; nullopt when the key, aad or data do not authenticate.
std::optional<std::string> aes256gcm_decrypt(std::string_view key,
                                             std::string_view sealed,
                                             std::string_view aad = {});

std::string hex_encode(const uint8_t* data, size_t n);
std::string hex_encode(std::string_view data);
std::optional<std::string> hex_decode(std::string_view hex);

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);
/// A 256-bit key given as base64 (`openssl rand -base64 32`): its 32 bytes, or nullopt
/// when the text is not base64 or not exactly 32 bytes long.
std::optional<std::string> base64_key32(std::string_view text);
/// URL-safe alphabet without padding (RFC 4648 §5).
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace kyb::base
