#include "actors/screening/tools/variation_pairs.hpp"

#include <cstdio>
#include <map>
#include <sstream>

namespace kyb::screening::eval {

namespace {

void count(confusion& c, bool positive, bool match) {
  if (positive)
    ++(match ? c.tp : c.fn);
  else
    ++(match ? c.fp : c.tn);
}

} // namespace

result<variation_report, std::string> run_variation_pairs(const screening_index& index,
                                                          const std::string& csv_path,
                                                          double threshold) {
  auto rows = read_table(csv_path);
  if (!rows)
    return rows.error();
  if (rows->empty())
    return csv_path + ": no pairs";
  variation_report rep;
  rep.path = csv_path;
  rep.threshold = threshold;
  rep.all.cls = "all";
  std::map<std::string, size_t> class_index;
  size_t number = 0;
  for (auto& row : rows.value()) {
    ++number;
    auto field = [&](const char* name) -> const std::string& {
      static const std::string empty;
      auto it = row.find(name);
      return it == row.end() ? empty : it->second;
    };
    const auto& label = field("label");
    if (label != "0" && label != "1")
      return csv_path + ": pair " + std::to_string(number) + ": label '" + label +
             "' is not 0 or 1";
    bool positive = label == "1";
    const auto& cls = field("class");
    auto [it, fresh] = class_index.emplace(cls, rep.classes.size());
    if (fresh) {
      rep.classes.emplace_back();
      rep.classes.back().cls = cls;
    }
    double score = 0;
    auto c = index.compare(field("query"), field("listed"));
    if (c)
      score = c->score;
    bool match = c && score >= threshold;
    count(rep.classes[it->second].counts, positive, match);
    count(rep.all.counts, positive, match);
    if (match != positive)
      rep.misses.push_back(
          variation_miss{cls, positive ? 1 : 0, field("query"), field("listed"), score});
  }
  return rep;
}

std::string format(const variation_report& r, size_t max_listed) {
  std::ostringstream o;
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "\nName variation pairs (%s, compare(), threshold %.2f):\n"
                "  %-13s %5s %5s %5s %5s %5s %5s %9s %7s\n",
                r.path.c_str(), r.threshold, "class", "pos", "neg", "TP", "FN", "FP",
                "TN", "precision", "recall");
  o << buf;
  auto line = [&](const variation_counts& v) {
    auto& c = v.counts;
    std::snprintf(buf, sizeof(buf), "  %-13s %5zu %5zu %5zu %5zu %5zu %5zu %9.4f %7.4f\n",
                  v.cls.c_str(), c.tp + c.fn, c.fp + c.tn, c.tp, c.fn, c.fp, c.tn,
                  c.precision(), c.recall());
    o << buf;
  };
  for (auto& c : r.classes)
    line(c);
  line(r.all);
  for (auto& c : r.classes) {
    size_t listed = 0;
    for (auto& m : r.misses) {
      if (m.cls != c.cls)
        continue;
      if (listed++ == 0 && max_listed > 0)
        o << "  " << c.cls << " misses:\n";
      if (listed > max_listed)
        continue;
      std::snprintf(buf, sizeof(buf), "    %s %.3f  %s  /  %s\n", m.label ? "FN" : "FP",
                    m.score, m.query.c_str(), m.listed.c_str());
      o << buf;
    }
    if (listed > max_listed && max_listed > 0)
      o << "    ... " << (listed - max_listed) << " more\n";
  }
  return o.str();
}

} // namespace kyb::screening::eval
