#include "actors/business/packed_record.hpp"

#include <cstring>
#include <string>

namespace kyb::actors {

namespace {

// The text is a sequence of fields in the order of business_record: a string is its
// length (LEB128) and its bytes; an optional string stores length + 1, 0 meaning absent;
// the address and an owner's share have a presence byte; the owners a count first.

class writer {
public:
  void length(size_t n) {
    while (n >= 0x80) {
      out.push_back(static_cast<char>((n & 0x7F) | 0x80));
      n >>= 7;
    }
    out.push_back(static_cast<char>(n));
  }
  void text(std::string_view s) {
    length(s.size());
    out.append(s);
  }
  void optional_text(const std::optional<std::string>& s) {
    if (!s) {
      length(0);
      return;
    }
    length(s->size() + 1);
    out.append(*s);
  }
  void flag(bool b) { out.push_back(b ? 1 : 0); }
  void number(double d) {
    char raw[sizeof d];
    std::memcpy(raw, &d, sizeof d);
    out.append(raw, sizeof d);
  }

  std::string out;
};

class reader {
public:
  explicit reader(const char* p) : p_(p) {}

  size_t length() {
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      auto b = static_cast<uint8_t>(*p_++);
      n |= static_cast<size_t>(b & 0x7F) << shift;
      if (!(b & 0x80))
        return n;
    }
  }
  std::string text() {
    auto n = length();
    std::string s(p_, n);
    p_ += n;
    return s;
  }
  std::optional<std::string> optional_text() {
    auto n = length();
    if (n == 0)
      return std::nullopt;
    std::string s(p_, n - 1);
    p_ += n - 1;
    return s;
  }
  bool flag() { return *p_++ != 0; }
  double number() {
    double d;
    std::memcpy(&d, p_, sizeof d);
    p_ += sizeof d;
    return d;
  }

  const char* at() const { return p_; }

private:
  const char* p_;
};

} // namespace

packed_record::packed_record(const business_record& rec)
    : id_(rec.id), tenant_id_(rec.tenant_id), version_(rec.version),
      deleted_(rec.deleted_at.has_value()) {
  writer w;
  w.text(rec.region); // first: region() reads it in place
  w.text(rec.legal_name);
  w.optional_text(rec.dba_name);
  w.optional_text(rec.tax_id);
  w.optional_text(rec.website_url);
  w.text(rec.country);
  w.optional_text(rec.registration_number);
  w.optional_text(rec.registration_jurisdiction);
  w.flag(rec.address.has_value());
  if (rec.address) {
    auto& a = *rec.address;
    w.optional_text(a.line1);
    w.optional_text(a.line2);
    w.optional_text(a.city);
    w.optional_text(a.state);
    w.optional_text(a.postal_code);
    w.optional_text(a.country);
  }
  w.optional_text(rec.incorporation_date);
  w.optional_text(rec.description);
  w.length(rec.owners.size());
  for (auto& o : rec.owners) {
    w.text(o.name);
    w.optional_text(o.date_of_birth);
    w.optional_text(o.nationality);
    w.flag(o.ownership_percent.has_value());
    if (o.ownership_percent)
      w.number(*o.ownership_percent);
  }
  w.text(rec.created_at);
  w.text(rec.updated_at);
  w.optional_text(rec.deleted_at);
  size_ = static_cast<uint32_t>(w.out.size());
  text_.reset(new char[size_]);
  std::memcpy(text_.get(), w.out.data(), size_);
}

std::string_view packed_record::region() const noexcept {
  if (!text_)
    return {};
  reader r(text_.get());
  auto n = r.length();
  return {r.at(), n};
}

business_record packed_record::unpack() const {
  business_record rec;
  if (!text_)
    return rec;
  rec.id = id_;
  rec.tenant_id = tenant_id_;
  rec.version = version_;
  reader r(text_.get());
  rec.region = r.text();
  rec.legal_name = r.text();
  rec.dba_name = r.optional_text();
  rec.tax_id = r.optional_text();
  rec.website_url = r.optional_text();
  rec.country = r.text();
  rec.registration_number = r.optional_text();
  rec.registration_jurisdiction = r.optional_text();
  if (r.flag()) {
    auto& a = rec.address.emplace();
    a.line1 = r.optional_text();
    a.line2 = r.optional_text();
    a.city = r.optional_text();
    a.state = r.optional_text();
    a.postal_code = r.optional_text();
    a.country = r.optional_text();
  }
  rec.incorporation_date = r.optional_text();
  rec.description = r.optional_text();
  auto owners = r.length();
  rec.owners.reserve(owners);
  for (size_t i = 0; i < owners; ++i) {
    auto& o = rec.owners.emplace_back();
    o.name = r.text();
    o.date_of_birth = r.optional_text();
    o.nationality = r.optional_text();
    if (r.flag())
      o.ownership_percent = r.number();
  }
  rec.created_at = r.text();
  rec.updated_at = r.text();
  rec.deleted_at = r.optional_text();
  return rec;
}

} // namespace kyb::actors
