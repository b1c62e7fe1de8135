#define BOOST_TEST_MODULE classification_model
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "actors/classification/classifier.hpp"
#include "actors/classification/trainer.hpp"
#include "test/actors/classification/test_paths.hpp"

using namespace kyb::classification;
using namespace kyb::classification::test;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

errc parse_error(const std::string& bytes) {
  auto m = parse_model(bytes);
  BOOST_REQUIRE(!m);
  BOOST_TEST_MESSAGE("error: " << m.err().to_string());
  return m.err().code;
}

void put_u32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    s[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Re-seals a modified file with a correct checksum, so the content checks are reached.
std::string reseal(std::string s) {
  s.resize(s.size() - 4);
  const uint32_t crc = crc32(s);
  s.append(4, '\0');
  put_u32(s, s.size() - 4, crc);
  return s;
}

struct small_training {
  industry_codes codes;
  crosswalk links;
  std::vector<labelled_brand> rows;
  small_training() {
    auto c = industry_codes::load(industry_dir, supplement_path);
    BOOST_REQUIRE(c);
    codes = std::move(*c);
    auto x = crosswalk::read_csv(crosswalk_path);
    BOOST_REQUIRE(x);
    links = std::move(*x);
    auto r = load_labelled_brands(labelled_path);
    BOOST_REQUIRE(r);
    // Every 8th row: a fast, still realistic training set.
    for (size_t i = 0; i < r->size(); i += 8)
      rows.push_back((*r)[i]);
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(committed_model_loads_and_round_trips) {
  const auto bytes = read_all(model_path);
  BOOST_REQUIRE(!bytes.empty());
  auto m = parse_model(bytes);
  BOOST_REQUIRE_MESSAGE(m, (m ? "" : m.err().to_string()));
  BOOST_TEST(m->version.rfind("mcc-lr-3.", 0) == 0u);
  BOOST_TEST(m->classes.size() > 100u);
  BOOST_TEST(serialize_model(*m) == bytes);
  BOOST_TEST(bytes.size() < 8u * 1024 * 1024); // "a few MB at most"
}

BOOST_AUTO_TEST_CASE(missing_file_is_model_not_found) {
  auto c = classifier::load("/nonexistent/dir/kyb_industry.model");
  BOOST_REQUIRE(!c);
  BOOST_TEST((c.err().code == errc::model_not_found));
  BOOST_TEST(is_model_error(c.err().code));
  BOOST_TEST(!is_input_error(c.err().code));
}

BOOST_AUTO_TEST_CASE(truncated_files_are_refused) {
  const auto bytes = read_all(model_path);
  BOOST_TEST((parse_error("") == errc::model_bad_magic));
  BOOST_TEST((parse_error(bytes.substr(0, 12)) == errc::model_truncated));
  BOOST_TEST((parse_error(bytes.substr(0, bytes.size() / 2)) == errc::model_truncated));
  BOOST_TEST((parse_error(bytes.substr(0, bytes.size() - 1)) == errc::model_truncated));
  BOOST_TEST((parse_error(bytes + "x") == errc::model_malformed));
  // Through the file API too.
  const std::string tmp = "classification_truncated.model";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << bytes.substr(0, bytes.size() - 100);
  }
  auto c = classifier::load(tmp);
  BOOST_REQUIRE(!c);
  BOOST_TEST((c.err().code == errc::model_truncated));
  BOOST_TEST(c.err().message.find(tmp) != std::string::npos);
  std::remove(tmp.c_str());
}

BOOST_AUTO_TEST_CASE(flipped_bytes_are_refused) {
  const auto bytes = read_all(model_path);
  for (size_t at : {size_t{0}, size_t{5}}) {
    auto s = bytes;
    s[at] = static_cast<char>(s[at] ^ 0x01);
    BOOST_TEST((parse_error(s) == errc::model_bad_magic));
  }
  // Anywhere in the payload or the checksum itself: the CRC catches it.
  for (size_t at : {size_t{20}, size_t{21}, bytes.size() / 3, bytes.size() / 2,
                    bytes.size() - 10, bytes.size() - 1}) {
    auto s = bytes;
    s[at] = static_cast<char>(s[at] ^ 0x40);
    BOOST_TEST((parse_error(s) == errc::model_checksum_mismatch));
  }
}

BOOST_AUTO_TEST_CASE(wrong_version_is_refused) {
  auto s = read_all(model_path);
  put_u32(s, 8, model_format_version + 1);
  BOOST_TEST((parse_error(s) == errc::model_unsupported_version));
  BOOST_TEST((parse_error(reseal(s)) == errc::model_unsupported_version));
  put_u32(s, 8, 0);
  BOOST_TEST((parse_error(s) == errc::model_unsupported_version));
}

BOOST_AUTO_TEST_CASE(inconsistent_content_with_valid_checksum_is_malformed) {
  auto m = read_model_file(model_path);
  BOOST_REQUIRE(m);
  {
    auto bad = *m;
    bad.links.front().cls = static_cast<uint16_t>(bad.classes.size());
    BOOST_TEST((parse_error(serialize_model(bad)) == errc::model_malformed));
  }
  {
    auto bad = *m;
    bad.classes.pop_back(); // no longer matches the linear model tables
    BOOST_TEST((parse_error(serialize_model(bad)) == errc::model_malformed));
  }
  {
    auto bad = *m;
    bad.features.char_min_n = 0;
    BOOST_TEST((parse_error(serialize_model(bad)) == errc::model_malformed));
  }
  {
    auto bad = *m;
    auto parts = bad.lr.parts();
    parts.post_value.front() = std::nanf("");
    BOOST_TEST(!linear_model::from_parts(parts));
    parts = bad.lr.parts();
    parts.post_class.front() = static_cast<uint16_t>(bad.classes.size());
    BOOST_TEST(!linear_model::from_parts(parts));
  }
  {
    auto bad = *m;
    bad.gazetteer.target.front() = 60000;
    BOOST_TEST((parse_error(serialize_model(bad)) == errc::model_malformed));
  }
  {
    // A huge array count must not allocate: refused as malformed.
    auto s = serialize_model(*m);
    const uint32_t version_len = static_cast<uint32_t>(m->version.size());
    const size_t digest_count_at = 20 + 4 + version_len;
    put_u32(s, digest_count_at, 0xFFFFFFF0u);
    BOOST_TEST((parse_error(reseal(s)) == errc::model_malformed));
  }
}

BOOST_AUTO_TEST_CASE(training_is_deterministic) {
  small_training data;
  trainer_options opts;
  opts.calibration_folds = 2;
  trainer t(data.codes, data.links, opts);
  auto a = t.train(data.rows);
  auto b = t.train(data.rows);
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(b);
  const auto bytes_a = serialize_model(*a);
  BOOST_TEST(bytes_a == serialize_model(*b));
  BOOST_TEST(a->version == b->version);
  // A different training set gives a different model and version.
  auto fewer = data.rows;
  fewer.pop_back();
  auto c = t.train(fewer);
  BOOST_REQUIRE(c);
  BOOST_TEST(serialize_model(*c) != bytes_a);
  BOOST_TEST(c->version != a->version);
  // Writing and reading a file gives the same bytes back.
  const std::string tmp = "classification_determinism.model";
  BOOST_REQUIRE(!write_model_file(*a, tmp));
  auto again = read_model_file(tmp);
  BOOST_REQUIRE(again);
  BOOST_TEST(serialize_model(*again) == bytes_a);
  std::remove(tmp.c_str());
}

BOOST_AUTO_TEST_CASE(committed_model_is_what_the_trainer_makes) {
  // The committed file must be regenerable byte for byte by the documented command.
  auto codes = industry_codes::load(industry_dir, supplement_path);
  auto links = crosswalk::read_csv(crosswalk_path);
  auto rows = load_labelled_brands(labelled_path);
  BOOST_REQUIRE(codes);
  BOOST_REQUIRE(links);
  BOOST_REQUIRE(rows);
  trainer t(*codes, *links, trainer_options{});
  auto m = t.train(*rows);
  BOOST_REQUIRE(m);
  BOOST_TEST(serialize_model(*m) == read_all(model_path),
             "the committed model is stale: rebuild target classification-model");
}
