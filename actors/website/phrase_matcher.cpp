#include "actors/website/phrase_matcher.hpp"

#include <algorithm>

namespace kyb::website {

namespace {

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c >= 0x80;
}

size_t word_end(std::string_view s, size_t pos) {
  while (pos < s.size() && is_word_byte(static_cast<unsigned char>(s[pos])))
    ++pos;
  return pos;
}

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

} // namespace

std::string fold_case(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      // U+00C0..U+00DE (except U+00D7) are C3 80..C3 9E; lower case is +0x20.
      auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97)
        out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return out;
}

std::string snippet(std::string_view text, size_t pos, size_t len, size_t radius) {
  size_t begin = pos > radius ? pos - radius : 0;
  size_t end = std::min(text.size(), pos + len + radius);
  while (begin > 0 && begin < text.size() &&
         is_continuation(static_cast<unsigned char>(text[begin])))
    --begin;
  while (end < text.size() && is_continuation(static_cast<unsigned char>(text[end])))
    ++end;
  std::string out;
  if (begin > 0)
    out += "…";
  for (size_t i = begin; i < end; ++i)
    out += text[i] == '\n' ? ' ' : text[i];
  if (end < text.size())
    out += "…";
  return out;
}

phrase_matcher::phrase_matcher(const std::vector<std::string>& phrases) {
  for (size_t i = 0; i < phrases.size(); ++i) {
    auto folded = fold_case(phrases[i]);
    phrases_.push_back(folded);
    auto first = folded.substr(0, word_end(folded, 0));
    by_first_word_[first].push_back(i);
  }
}

std::vector<phrase_matcher::hit> phrase_matcher::find(std::string_view text,
                                                      size_t max_hits) const {
  std::vector<hit> out;
  if (phrases_.empty())
    return out;
  auto folded = fold_case(text);
  std::string_view f = folded;
  size_t pos = 0;
  std::string word;
  while (pos < f.size() && out.size() < max_hits) {
    if (!is_word_byte(static_cast<unsigned char>(f[pos]))) {
      // Phrases may start with a non-word character ("$", "#"): try those too.
      auto it = by_first_word_.find(std::string());
      if (it != by_first_word_.end())
        for (auto i : it->second) {
          auto& p = phrases_[i];
          if (f.compare(pos, p.size(), p) == 0 &&
              (pos + p.size() >= f.size() ||
               !is_word_byte(static_cast<unsigned char>(f[pos + p.size()])) ||
               !is_word_byte(static_cast<unsigned char>(p.back()))))
            out.push_back({i, pos});
        }
      ++pos;
      continue;
    }
    auto end = word_end(f, pos);
    word.assign(f.substr(pos, end - pos));
    auto it = by_first_word_.find(word);
    if (it != by_first_word_.end())
      for (auto i : it->second) {
        auto& p = phrases_[i];
        if (f.compare(pos, p.size(), p) != 0)
          continue;
        auto after = pos + p.size();
        if (after < f.size() && is_word_byte(static_cast<unsigned char>(f[after])) &&
            is_word_byte(static_cast<unsigned char>(p.back())))
          continue;
        out.push_back({i, pos});
        if (out.size() >= max_hits)
          break;
      }
    pos = end;
  }
  std::sort(out.begin(), out.end(), [](const hit& a, const hit& b) {
    return a.pos != b.pos ? a.pos < b.pos : a.phrase < b.phrase;
  });
  return out;
}

} // namespace kyb::website
