#include "runtime/base/crypto.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace kyb::base {

void fill_random(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1)
    std::abort(); // No safe way to continue without randomness.
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  fill_random(reinterpret_cast<uint8_t*>(out.data()), n);
  return out;
}

sha256_digest sha256(std::string_view data) {
  // OpenSSL 3's one-shot SHA256() looks the algorithm up (locks, a property query) on
  // every call: every authenticated request hashes its key. Fetched once; a context per
  // thread.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  sha256_digest d;
  unsigned int len = 0;
  if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), d.data(), &len) != 1)
    std::abort(); // as fill_random: no safe way on
  return d;
}

std::string sha256_hex(std::string_view data) {
  auto d = sha256(data);
  return hex_encode(d.data(), d.size());
}

sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
  sha256_digest d;
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), d.data(), &len);
  return d;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  auto d = hmac_sha256(key, data);
  return hex_encode(d.data(), d.size());
}

struct sha256_stream::impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~impl() { EVP_MD_CTX_free(ctx); }
};

sha256_stream::sha256_stream() : impl_(std::make_unique<impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1)
    std::abort();
}

sha256_stream::~sha256_stream() = default;

void sha256_stream::update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string sha256_stream::hex_final() {
  sha256_digest d;
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, d.data(), &len);
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
  return hex_encode(d.data(), d.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

constexpr size_t nonce_len = 12;
constexpr size_t tag_len = 16;

struct ctx_deleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_deleter>;

const unsigned char* uc(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

} // namespace

std::optional<std::string> aes256gcm_encrypt(std::string_view key,
                                             std::string_view plaintext,
                                             std::string_view aad) {
  if (key.size() != 32)
    return std::nullopt;
  ctx_ptr ctx{EVP_CIPHER_CTX_new()};
  std::string out(nonce_len + plaintext.size() + tag_len, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  fill_random(o, nonce_len);
  int len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, nonce_len, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, uc(key), o) != 1)
    return std::nullopt;
  if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, uc(aad),
                                        static_cast<int>(aad.size())) != 1)
    return std::nullopt;
  if (EVP_EncryptUpdate(ctx.get(), o + nonce_len, &len, uc(plaintext),
                        static_cast<int>(plaintext.size())) != 1)
    return std::nullopt;
  int fin = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), o + nonce_len + len, &fin) != 1)
    return std::nullopt;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_len,
                          o + nonce_len + plaintext.size()) != 1)
    return std::nullopt;
  return out;
}

std::optional<std::string>
aes256gcm_decrypt(std::string_view key, std::string_view sealed, std::string_view aad) {
  if (key.size() != 32 || sealed.size() < nonce_len + tag_len)
    return std::nullopt;
  auto n = sealed.size() - nonce_len - tag_len;
  ctx_ptr ctx{EVP_CIPHER_CTX_new()};
  std::string out(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, nonce_len, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, uc(key), uc(sealed)) != 1)
    return std::nullopt;
  if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, uc(aad),
                                        static_cast<int>(aad.size())) != 1)
    return std::nullopt;
  if (EVP_DecryptUpdate(ctx.get(), o, &len, uc(sealed.substr(nonce_len)),
                        static_cast<int>(n)) != 1)
    return std::nullopt;
  std::string tag(sealed.substr(nonce_len + n));
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_len, tag.data()) != 1)
    return std::nullopt;
  int fin = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), o + len, &fin) != 1)
    return std::nullopt;
  return out;
}

std::string hex_encode(const uint8_t* data, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0F];
  }
  return out;
}

std::string hex_encode(std::string_view data) {
  return hex_encode(reinterpret_cast<const uint8_t*>(data.data()), data.size());
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = val(hex[2 * i]);
    int lo = val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

namespace {

constexpr const char* b64std =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr const char* b64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64_encode(std::string_view data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<uint8_t>(data[k]));
  };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  auto rest = data.size() - i;
  if (rest == 1) {
    uint32_t v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad)
      out += "==";
  } else if (rest == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad)
      out += '=';
  }
  return out;
}

std::optional<std::string> b64_decode(std::string_view text, const char* alphabet,
                                      bool pad_required) {
  int rev[256];
  for (auto& r : rev)
    r = -1;
  for (int k = 0; k < 64; ++k)
    rev[static_cast<uint8_t>(alphabet[k])] = k;
  if (pad_required && text.size() % 4 != 0)
    return std::nullopt;
  size_t pad = 0;
  while (!text.empty() && text.back() == '=' && pad < 2) {
    text.remove_suffix(1);
    ++pad;
  }
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = rev[static_cast<uint8_t>(c)];
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero for a canonical encoding.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

} // namespace

std::string base64_encode(std::string_view data) {
  return b64_encode(data, b64std, true);
}
std::optional<std::string> base64_decode(std::string_view text) {
  return b64_decode(text, b64std, true);
}
std::optional<std::string> base64_key32(std::string_view text) {
  auto raw = base64_decode(text);
  if (!raw || raw->size() != 32)
    return std::nullopt;
  return raw;
}
std::string base64url_encode(std::string_view data) {
  return b64_encode(data, b64url, false);
}
std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.find('=') != std::string_view::npos)
    return std::nullopt;
  return b64_decode(text, b64url, false);
}

} // namespace kyb::base
