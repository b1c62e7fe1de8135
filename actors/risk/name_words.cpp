#include "actors/risk/name_words.hpp"

#include <cctype>

namespace kyb::risk {

std::vector<std::string> name_words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      cur += static_cast<char>(std::tolower(u));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty())
    out.push_back(std::move(cur));
  return out;
}

std::string joined_words(const std::vector<std::string>& words) {
  std::string out;
  for (auto& w : words) {
    if (!out.empty())
      out += ' ';
    out += w;
  }
  return out;
}

bool contains_phrase(const std::vector<std::string>& words, const std::string& phrase) {
  std::string padded = ' ' + joined_words(words) + ' ';
  return padded.find(' ' + phrase + ' ') != std::string::npos;
}

} // namespace kyb::risk
