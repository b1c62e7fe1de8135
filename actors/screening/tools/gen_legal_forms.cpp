// Writes actors/screening/engine/generated/legal_forms.cpp from the GLEIF ISO 20275
// Entity Legal Forms list: every local name, transliterated name and abbreviation,
// normalised with the engine's own normaliser, sorted and deduplicated, so the output
// depends only on the input file. Run (from the repository root, after building the
// target):
//
//   build-screening/actors/screening/tools/gen_legal_forms
//       test/data/registry/gleif_elf_codes_1.4.1.csv
//       actors/screening/engine/generated/legal_forms.cpp
//
// (one command, arguments on one line).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "actors/screening/engine/normalizer.hpp"
#include "actors/screening/engine/text_decoder.hpp"
#include "runtime/base/csv_reader.hpp"

using namespace kyb::screening;

namespace {

// English-language forms that sanctions lists use for foreign companies but that the
// ELF list (which records each form in its own language) does not spell this way.
const char* const supplement[] = {
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "pao",
    "zao",
    "oao",
    "ooo",
    "joint stock company",
    "open joint stock company",
    "closed joint stock company",
    "public joint stock company",
    "closed joint-stock company",
    "open joint-stock company",
    "joint-stock company",
    "limited liability company",
    "company limited",
    "co ltd",
    "co., ltd.",
    "private limited",
    "pvt ltd",
    "pte ltd",
    "sdn bhd",
    "fze",
    "fzco",
    "fzc",
    "fz llc",
    "fz-llc",
    "l.l.c.",
    "s.a.l.",
    "sal",
    "dmcc",
    "llp",
    "plc",
    "corporation",
    "corp",
    "incorporated",
    "inc",
    "limited",
    "ltd",
    "company",
    "co",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "s.a.",
    "srl",
    "s.r.l.",
    "bv",
    "b.v.",
    "nv",
    "n.v.",
    "sarl",
    "s.a.r.l.",
    "spa",
    "s.p.a.",
    "sa de cv",
    "s.a. de c.v.",
};

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void add_phrase(const std::string& raw, std::set<std::string>& out) {
  auto toks = normalizer::tokens(raw);
  if (toks.empty() || toks.size() > 6)
    return;
  bool all_digits = true;
  for (auto& t : toks)
    for (char c : t)
      if (c < '0' || c > '9')
        all_digits = false;
  if (all_digits)
    return;
  if (toks.size() == 1 && toks[0].size() < 2)
    return;
  std::string joined;
  for (auto& t : toks) {
    if (!joined.empty())
      joined += ' ';
    joined += t;
  }
  out.insert(joined);
}

std::string c_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <gleif_elf_codes.csv> <out.cpp>\n", argv[0]);
    return 2;
  }
  auto bytes = read_file_bytes(argv[1]);
  if (!bytes) {
    std::fprintf(stderr, "%s\n", bytes.error().to_string().c_str());
    return 1;
  }
  auto text = decode_list_text(bytes.value(), text_encoding::utf8, argv[1]);
  if (!text) {
    std::fprintf(stderr, "%s\n", text.error().to_string().c_str());
    return 1;
  }
  kyb::base::csv_reader reader(text.value());
  std::vector<std::string> row;
  if (reader.next(row) != kyb::base::csv_reader::status::record) {
    std::fprintf(stderr, "%s: no header\n", argv[1]);
    return 1;
  }
  const char* wanted[] = {
      "Entity Legal Form name Local name",
      "Entity Legal Form name Transliterated name (per ISO 01-140-10)",
      "Abbreviations Local language",
      "Abbreviations transliterated",
  };
  std::vector<size_t> columns;
  for (auto w : wanted) {
    size_t i = 0;
    while (i < row.size() && row[i] != w)
      ++i;
    if (i == row.size()) {
      std::fprintf(stderr, "%s: missing column '%s'\n", argv[1], w);
      return 1;
    }
    columns.push_back(i);
  }
  std::set<std::string> phrases;
  size_t rows = 0;
  for (;;) {
    auto st = reader.next(row);
    if (st == kyb::base::csv_reader::status::end)
      break;
    if (st == kyb::base::csv_reader::status::malformed) {
      std::fprintf(stderr, "%s:%zu: %s\n", argv[1], reader.line(),
                   reader.error().c_str());
      return 1;
    }
    ++rows;
    // Catch-all entries ("Others", "Other Company Type"; Greek "Λοιπά" = other) are
    // not legal forms a name would carry.
    bool placeholder = false;
    for (auto c : columns)
      if (c < row.size())
        for (auto& t : normalizer::tokens(row[c]))
          placeholder = placeholder || t == "other" || t == "others";
    if (placeholder)
      continue;
    for (size_t k = 0; k < columns.size(); ++k) {
      if (columns[k] >= row.size())
        continue;
      const auto& cell = row[columns[k]];
      if (k < 2) {
        add_phrase(cell, phrases);
        continue;
      }
      size_t i = 0;
      while (i <= cell.size()) {
        auto j = cell.find(';', i);
        if (j == std::string::npos)
          j = cell.size();
        add_phrase(cell.substr(i, j - i), phrases);
        i = j + 1;
      }
    }
  }
  for (auto s : supplement)
    add_phrase(s, phrases);
  std::ofstream out(argv[2], std::ios::binary);
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  char hash[32];
  std::snprintf(hash, sizeof(hash), "%016llx",
                static_cast<unsigned long long>(fnv1a(bytes.value())));
  std::string base = argv[1];
  if (auto slash = base.rfind('/'); slash != std::string::npos)
    base = base.substr(slash + 1);
  out << "// GENERATED by actors/screening/tools/gen_legal_forms.cpp; do not edit.\n"
      << "// Source: " << base << " (" << rows << " rows, fnv1a64 " << hash << ")\n"
      << "// plus the supplement in the generator. " << phrases.size() << " phrases.\n"
      << "#include \"actors/screening/engine/generated/legal_forms.hpp\"\n\n"
      << "// clang-format off\n"
      << "namespace kyb::screening::generated {\n\n"
      << "const char* const legal_form_phrases[] = {\n";
  for (auto& p : phrases)
    out << "  \"" << c_escape(p) << "\",\n";
  out << "};\n\nconst size_t legal_form_phrase_count = " << phrases.size() << ";\n\n"
      << "} // namespace kyb::screening::generated\n";
  std::printf("wrote %zu phrases from %zu rows to %s\n", phrases.size(), rows, argv[2]);
  return out.good() ? 0 : 1;
}
