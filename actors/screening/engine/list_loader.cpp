#include "actors/screening/engine/list_loader.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <openssl/evp.h>
#include <set>

#include "actors/screening/engine/csl_loader.hpp"
#include "actors/screening/engine/eu_loader.hpp"
#include "actors/screening/engine/generic_loader.hpp"
#include "actors/screening/engine/ofac_loader.hpp"
#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "actors/screening/engine/uk_loader.hpp"
#include "actors/screening/engine/un_loader.hpp"

namespace kyb::screening {

namespace {

/// "BUTEMBO AIRLINES (BAL)" -> "BUTEMBO AIRLINES": entity names often carry an
/// acronym or former name in parentheses that a query will not repeat.
std::string without_parentheses(const std::string& name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth > 0)
        --depth;
    } else if (depth == 0 && !(c == ' ' && !out.empty() && out.back() == ' ')) {
      out += c;
    }
  }
  return std::string(trim(out));
}

void tidy(sanctioned_entity& e) {
  e.primary_name = std::string(trim(e.primary_name));
  std::vector<alias> kept;
  std::set<std::string> seen{to_lower_ascii(e.primary_name)};
  auto keep = [&](alias a) {
    a.name = std::string(trim(a.name));
    if (a.name.empty() || !seen.insert(to_lower_ascii(a.name)).second)
      return;
    kept.push_back(std::move(a));
  };
  std::vector<alias> derived;
  if (e.type != entity_type::individual) {
    auto stripped = without_parentheses(e.primary_name);
    if (!stripped.empty() && stripped != e.primary_name)
      derived.push_back(alias{stripped, true, "derived"});
  }
  for (auto& a : e.aliases) {
    if (e.type != entity_type::individual) {
      auto stripped = without_parentheses(a.name);
      if (!stripped.empty() && stripped != a.name)
        derived.push_back(alias{stripped, a.strong, "derived"});
    }
    keep(std::move(a));
  }
  for (auto& a : derived)
    keep(std::move(a));
  e.aliases = std::move(kept);
}

} // namespace

std::string content_version(const std::vector<source_file>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (auto& f : files) {
    unsigned long long n = f.bytes.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i)
      len[i] = static_cast<unsigned char>(n >> (8 * i));
    EVP_DigestUpdate(ctx, len, sizeof(len));
    EVP_DigestUpdate(ctx, f.bytes.data(), f.bytes.size());
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(ctx, md, &md_len);
  EVP_MD_CTX_free(ctx);
  std::string hex = "sha256:";
  char buf[3];
  for (unsigned i = 0; i < md_len; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

result<sanctions_list, load_error> parse_list(const list_source& source,
                                              const std::vector<source_file>& files) {
  if (files.empty() || files[0].path.empty())
    return load_error{source.name, 0,
                      "no file configured for list '" + source.name + "'"};
  auto started = std::chrono::steady_clock::now();
  auto optional_file = [&](size_t i) -> const source_file* {
    return i < files.size() && !files[i].path.empty() ? &files[i] : nullptr;
  };
  auto parsed = [&]() -> result<sanctions_list, load_error> {
    switch (source.format) {
    case list_format::ofac_csv:
      return parse_ofac_csv(source.name, files[0], optional_file(1), optional_file(2),
                            optional_file(3), source.options);
    case list_format::un_xml:
      return parse_un_xml(source.name, files[0], source.options);
    case list_format::us_csl_csv:
      return parse_us_csl_csv(source.name, files[0], source.options);
    case list_format::eu_fsf_xml:
      return parse_eu_fsf_xml(source.name, files[0], source.options);
    case list_format::uk_ofsi_csv:
      return parse_uk_ofsi_csv(source.name, files[0], source.options);
    case list_format::generic_csv:
      return parse_generic_csv(source.name, files[0], source.options);
    case list_format::generic_json:
      return parse_generic_json(source.name, files[0], source.options);
    }
    return load_error{files[0].path, 0, "unknown list format"};
  }();
  if (!parsed)
    return parsed;
  auto& list = parsed.value();
  size_t names = 0;
  for (auto& e : list.entities) {
    tidy(e);
    names += 1 + e.aliases.size();
  }
  auto& m = list.metadata;
  m.name = source.name;
  m.format = to_string(source.format);
  m.version = content_version(files);
  for (auto& f : files)
    if (!f.path.empty())
      m.source_paths.push_back(f.path);
  m.entity_count = list.entities.size();
  m.name_count = names;
  m.loaded_at = std::chrono::system_clock::now();
  m.load_duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  return parsed;
}

result<sanctions_list, load_error> load_list(const list_source& source) {
  auto started = std::chrono::steady_clock::now();
  std::vector<source_file> files;
  std::vector<std::string> paths{source.path};
  if (source.format == list_format::ofac_csv) {
    paths.push_back(source.aliases_path);
    paths.push_back(source.addresses_path);
    paths.push_back(source.comments_path);
  }
  for (auto& p : paths) {
    source_file f;
    f.path = p;
    if (!p.empty()) {
      auto bytes = read_file_bytes(p);
      if (!bytes)
        return bytes.error();
      f.bytes = std::move(bytes.value());
    }
    files.push_back(std::move(f));
  }
  auto list = parse_list(source, files);
  if (list)
    list->metadata.load_duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
  return list;
}

result<std::vector<sanctions_list>, load_error>
load_lists(const std::vector<list_source>& sources) {
  std::vector<sanctions_list> lists;
  std::set<std::string> names;
  for (auto& s : sources) {
    if (!names.insert(s.name).second)
      return load_error{s.path, 0, "list name '" + s.name + "' configured twice"};
    auto l = load_list(s);
    if (!l)
      return l.error();
    lists.push_back(std::move(l.value()));
  }
  return lists;
}

} // namespace kyb::screening
