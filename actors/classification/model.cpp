#include "actors/classification/model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kyb::classification {

namespace {

constexpr char magic[8] = {'K', 'Y', 'B', 'C', 'L', 'S', 'M', 'D'};
constexpr size_t header_size = 8 + 4 + 8;

class writer {
public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) {
    for (int i = 0; i < 2; ++i)
      u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i)
      u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i)
      u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    u32(bits);
  }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  template <class T, class F>
  void array(const std::vector<T>& v, F&& each) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& x : v)
      each(x);
  }
  std::string& bytes() { return out_; }

private:
  std::string out_;
};

class reader {
public:
  explicit reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }
  uint8_t u8() {
    if (!need(1))
      return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint16_t u16() {
    uint16_t v = 0;
    for (int i = 0; i < 2; ++i)
      v = static_cast<uint16_t>(v | (uint16_t{u8()} << (8 * i)));
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t{u8()} << (8 * i);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= uint64_t{u8()} << (8 * i);
    return v;
  }
  float f32() {
    uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  std::string str() {
    uint32_t n = u32();
    if (!need(n))
      return {};
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // Reads a count and checks that `min_bytes_each` * count bytes can follow, so a
  // corrupt count cannot make us allocate gigabytes.
  uint32_t count(size_t min_bytes_each) {
    uint32_t n = u32();
    if (ok_ && static_cast<uint64_t>(n) * min_bytes_each > data_.size() - pos_)
      ok_ = false;
    return ok_ ? n : 0;
  }
  template <class T, class F>
  void array(std::vector<T>& v, size_t min_bytes_each, F&& each) {
    uint32_t n = count(min_bytes_each);
    v.clear();
    v.reserve(n);
    for (uint32_t i = 0; i < n && ok_; ++i)
      v.push_back(each());
  }

private:
  bool need(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void write_index(writer& w, const posting_index& ix) {
  w.array(ix.keys, [&](uint64_t k) { w.u64(k); });
  w.array(ix.offsets, [&](uint32_t o) { w.u32(o); });
  w.array(ix.target, [&](uint32_t t) { w.u32(t); });
  w.array(ix.value, [&](float v) { w.f32(v); });
}

void read_index(reader& r, posting_index& ix) {
  r.array(ix.keys, 8, [&] { return r.u64(); });
  r.array(ix.offsets, 4, [&] { return r.u32(); });
  r.array(ix.target, 4, [&] { return r.u32(); });
  r.array(ix.value, 4, [&] { return r.f32(); });
}

bool index_valid(const posting_index& ix, size_t target_limit) {
  if (ix.offsets.size() != ix.keys.size() + 1 || ix.offsets.front() != 0 ||
      ix.offsets.back() != ix.target.size() || ix.target.size() != ix.value.size())
    return false;
  for (size_t i = 1; i < ix.offsets.size(); ++i)
    if (ix.offsets[i] < ix.offsets[i - 1])
      return false;
  for (size_t i = 1; i < ix.keys.size(); ++i)
    if (ix.keys[i] <= ix.keys[i - 1])
      return false;
  for (auto t : ix.target)
    if (t >= target_limit)
      return false;
  for (auto v : ix.value)
    if (!std::isfinite(v))
      return false;
  return true;
}

error malformed(const std::string& what) {
  return error{errc::model_malformed, what};
}

} // namespace

int64_t posting_index::find(uint64_t key) const {
  auto it = std::lower_bound(keys.begin(), keys.end(), key);
  if (it == keys.end() || *it != key)
    return -1;
  return it - keys.begin();
}

posting_index
posting_index::build(std::vector<std::pair<uint64_t, std::pair<uint32_t, float>>> items) {
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first)
      return a.first < b.first;
    return a.second.first < b.second.first;
  });
  posting_index ix;
  ix.offsets.push_back(0);
  for (size_t i = 0; i < items.size();) {
    size_t j = i;
    ix.keys.push_back(items[i].first);
    while (j < items.size() && items[j].first == items[i].first) {
      size_t k = j;
      float sum = 0.0f;
      while (k < items.size() && items[k].first == items[j].first &&
             items[k].second.first == items[j].second.first)
        sum += items[k++].second.second;
      ix.target.push_back(items[j].second.first);
      ix.value.push_back(sum);
      j = k;
    }
    ix.offsets.push_back(static_cast<uint32_t>(ix.target.size()));
    i = j;
  }
  return ix;
}

uint32_t crc32(std::string_view data) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : data)
    crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

std::string serialize_model(const model& m) {
  writer w;
  w.str(m.version);
  w.str(m.training_digest);
  // feature options
  const auto& fo = m.features;
  w.u8(fo.char_min_n);
  w.u8(fo.char_max_n);
  w.u8(fo.unseg_max_n);
  w.u8(fo.word_unigrams ? 1 : 0);
  w.u8(fo.word_bigrams ? 1 : 0);
  for (float fw : fo.field_weight)
    w.f32(fw);
  w.f32(fo.country_weight);
  w.u32(fo.max_tokens_per_field);
  w.u8(fo.transliterate ? 1 : 0);
  w.u8(fo.shape_features ? 1 : 0);
  // training options
  const auto& lo = m.lr_settings;
  w.u32(lo.epochs);
  w.f32(lo.learning_rate);
  w.f32(lo.bias_learning_rate);
  w.f32(lo.l2);
  w.f32(lo.prune);
  w.u64(lo.seed);
  // classes
  w.array(m.classes, [&](const model_class& c) {
    w.str(c.mcc);
    w.str(c.description);
  });
  // linear model tables
  const auto& p = m.lr.parts();
  w.u32(p.num_classes);
  w.array(p.bias, [&](float v) { w.f32(v); });
  w.array(p.hashes, [&](uint64_t v) { w.u64(v); });
  w.array(p.offsets, [&](uint32_t v) { w.u32(v); });
  w.array(p.post_class, [&](uint16_t v) { w.u16(v); });
  w.array(p.post_value, [&](float v) { w.f32(v); });
  // calibration
  const auto& cp = m.calibration.parts();
  w.f32(cp.temperature);
  w.array(cp.knot_x, [&](float v) { w.f32(v); });
  w.array(cp.knot_y, [&](float v) { w.f32(v); });
  // crosswalk
  w.array(m.links, [&](const model_link& l) {
    w.u16(l.cls);
    w.str(l.naics);
    w.str(l.naics_title);
    w.str(l.sic);
    w.str(l.sic_title);
    w.f32(l.weight);
  });
  w.array(m.sectors, [&](const std::pair<std::string, std::string>& s) {
    w.str(s.first);
    w.str(s.second);
  });
  write_index(w, m.refiner);
  write_index(w, m.gazetteer);
  w.f32(m.gazetteer_weight);
  // evaluation
  const auto& e = m.evaluation;
  w.u32(e.folds);
  for (const auto* ms : {&e.name_only, &e.described}) {
    w.u32(ms->examples);
    w.f32(ms->top1);
    w.f32(ms->top3);
    w.f32(ms->naics);
    w.f32(ms->sic);
    w.u32(ms->confident);
    w.f32(ms->confident_accuracy);
    w.f32(ms->calibration_error);
  }

  std::string payload = std::move(w.bytes());
  writer file;
  for (char c : magic)
    file.u8(static_cast<uint8_t>(c));
  file.u32(model_format_version);
  file.u64(payload.size());
  std::string out = std::move(file.bytes());
  out += payload;
  const uint32_t crc = crc32(out);
  writer tail;
  tail.u32(crc);
  out += tail.bytes();
  return out;
}

expected<model> parse_model(std::string_view bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), magic, 8) != 0)
    return error{errc::model_bad_magic, "the file does not start with KYBCLSMD"};
  if (bytes.size() < header_size)
    return error{errc::model_truncated, "the header is incomplete"};
  reader head(bytes.substr(8, 12));
  const uint32_t version = head.u32();
  const uint64_t payload_size = head.u64();
  if (version != model_format_version)
    return error{errc::model_unsupported_version,
                 "format version " + std::to_string(version) + ", this build reads " +
                     std::to_string(model_format_version)};
  if (bytes.size() - header_size < 4 || payload_size > bytes.size() - header_size - 4)
    return error{errc::model_truncated,
                 "the file has " + std::to_string(bytes.size()) +
                     " bytes, the header announces " +
                     std::to_string(payload_size + header_size + 4)};
  if (payload_size + header_size + 4 != bytes.size())
    return malformed("trailing bytes after the checksum");
  reader crc_reader(bytes.substr(header_size + payload_size, 4));
  const uint32_t stored = crc_reader.u32();
  const uint32_t actual = crc32(bytes.substr(0, header_size + payload_size));
  if (stored != actual) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "stored %08x, computed %08x", stored, actual);
    return error{errc::model_checksum_mismatch, buf};
  }

  reader r(bytes.substr(header_size, payload_size));
  model m;
  m.version = r.str();
  m.training_digest = r.str();
  auto& fo = m.features;
  fo.char_min_n = r.u8();
  fo.char_max_n = r.u8();
  fo.unseg_max_n = r.u8();
  fo.word_unigrams = r.u8() != 0;
  fo.word_bigrams = r.u8() != 0;
  for (auto& fw : fo.field_weight)
    fw = r.f32();
  fo.country_weight = r.f32();
  fo.max_tokens_per_field = r.u32();
  fo.transliterate = r.u8() != 0;
  fo.shape_features = r.u8() != 0;
  auto& lo = m.lr_settings;
  lo.epochs = r.u32();
  lo.learning_rate = r.f32();
  lo.bias_learning_rate = r.f32();
  lo.l2 = r.f32();
  lo.prune = r.f32();
  lo.seed = r.u64();
  r.array(m.classes, 8, [&] {
    model_class c;
    c.mcc = r.str();
    c.description = r.str();
    return c;
  });
  lr_parts p;
  p.num_classes = r.u32();
  r.array(p.bias, 4, [&] { return r.f32(); });
  r.array(p.hashes, 8, [&] { return r.u64(); });
  r.array(p.offsets, 4, [&] { return r.u32(); });
  r.array(p.post_class, 2, [&] { return r.u16(); });
  r.array(p.post_value, 4, [&] { return r.f32(); });
  calibration_parts cp;
  cp.temperature = r.f32();
  r.array(cp.knot_x, 4, [&] { return r.f32(); });
  r.array(cp.knot_y, 4, [&] { return r.f32(); });
  r.array(m.links, 22, [&] {
    model_link l;
    l.cls = r.u16();
    l.naics = r.str();
    l.naics_title = r.str();
    l.sic = r.str();
    l.sic_title = r.str();
    l.weight = r.f32();
    return l;
  });
  r.array(m.sectors, 8, [&] {
    std::pair<std::string, std::string> s;
    s.first = r.str();
    s.second = r.str();
    return s;
  });
  read_index(r, m.refiner);
  read_index(r, m.gazetteer);
  m.gazetteer_weight = r.f32();
  auto& e = m.evaluation;
  e.folds = r.u32();
  for (auto* ms : {&e.name_only, &e.described}) {
    ms->examples = r.u32();
    ms->top1 = r.f32();
    ms->top3 = r.f32();
    ms->naics = r.f32();
    ms->sic = r.f32();
    ms->confident = r.u32();
    ms->confident_accuracy = r.f32();
    ms->calibration_error = r.f32();
  }
  if (!r.ok())
    return malformed("a section runs past the end of the payload");
  if (!r.at_end())
    return malformed("unread bytes at the end of the payload");

  // Consistency checks: a model that parses must be safe to run.
  if (m.version.empty())
    return malformed("empty model version");
  if (fo.char_min_n == 0 || fo.char_min_n > fo.char_max_n || fo.char_max_n > 8 ||
      fo.unseg_max_n > 4 || fo.max_tokens_per_field == 0)
    return malformed("feature options out of range");
  for (float fw : fo.field_weight)
    if (!(fw >= 0.0f && fw <= 10.0f))
      return malformed("field weight out of range");
  if (!(fo.country_weight >= 0.0f && fo.country_weight <= 10.0f))
    return malformed("country weight out of range");
  if (m.classes.empty() || m.classes.size() > UINT16_MAX ||
      p.num_classes != m.classes.size())
    return malformed("class count does not match the linear model tables");
  auto lr = linear_model::from_parts(std::move(p));
  if (!lr)
    return lr.err();
  m.lr = std::move(*lr);
  auto cal = calibrator::from_parts(std::move(cp));
  if (!cal)
    return cal.err();
  m.calibration = std::move(*cal);
  std::vector<bool> has_link(m.classes.size(), false);
  for (const auto& l : m.links) {
    if (l.cls >= m.classes.size() || l.naics.size() != 6 || l.sic.size() != 4 ||
        !(l.weight > 0.0f && l.weight <= 1.0f))
      return malformed("crosswalk link out of range");
    has_link[l.cls] = true;
  }
  if (std::find(has_link.begin(), has_link.end(), false) != has_link.end())
    return malformed("a class has no crosswalk link");
  if (!index_valid(m.refiner, m.links.size()))
    return malformed("refiner index is inconsistent");
  if (!index_valid(m.gazetteer, m.classes.size()))
    return malformed("gazetteer index is inconsistent");
  if (!(m.gazetteer_weight >= 0.0f && m.gazetteer_weight <= 1.0f))
    return malformed("gazetteer weight out of range");
  return m;
}

expected<model> read_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return error{errc::model_not_found, "cannot open model file " + path};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return error{errc::model_io_error, "reading " + path + " failed"};
  auto result = parse_model(buf.str());
  if (!result)
    return error{result.err().code, path + ": " + result.err().message};
  return result;
}

std::optional<error> write_model_file(const model& m, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return error{errc::model_io_error, "cannot write " + tmp};
    const std::string bytes = serialize_model(m);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
      return error{errc::model_io_error, "writing " + tmp + " failed"};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return error{errc::model_io_error, "cannot rename " + tmp + " to " + path};
  return std::nullopt;
}

} // namespace kyb::classification
