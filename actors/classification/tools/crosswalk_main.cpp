// classification-crosswalk: generates the MCC <-> NAICS 2022 <-> SIC crosswalk from
// the industry code descriptions and the SIC -> NAICS 2022 concordance.
#include <cstdio>
#include <set>

#include "actors/classification/crosswalk_builder.hpp"
#include "actors/classification/labelled_data.hpp"
#include "actors/classification/tools/tool_args.hpp"

using namespace kyb::classification;

namespace {

constexpr const char* usage =
    "usage: classification-crosswalk --data DIR --overrides CSV --supplement CSV --out "
    "CSV\n"
    "  DIR is test/data; the MCCs covered are those of labeled/nsi_brands_mcc_dev.csv\n"
    "  plus every MCC of industry/mcc_codes.csv outside the 3000-3999 brand ranges.\n";

} // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  if (!tools::parse_args(argc, argv, usage, args))
    return 2;
  const auto data = tools::arg(args, "data", "");
  const auto out = tools::arg(args, "out", "");
  if (data.empty() || out.empty()) {
    std::fprintf(stderr, "%s", usage);
    return 2;
  }
  auto codes =
      industry_codes::load(data + "/industry", tools::arg(args, "supplement", ""));
  if (!codes) {
    std::fprintf(stderr, "error: %s\n", codes.err().to_string().c_str());
    return 1;
  }
  auto brands = load_labelled_brands(data + "/labeled/nsi_brands_mcc_dev.csv");
  if (!brands) {
    std::fprintf(stderr, "error: %s\n", brands.err().to_string().c_str());
    return 1;
  }
  std::vector<crosswalk_override> overrides;
  if (auto path = tools::arg(args, "overrides", ""); !path.empty()) {
    auto o = crosswalk_builder::read_overrides(path);
    if (!o) {
      std::fprintf(stderr, "error: %s\n", o.err().to_string().c_str());
      return 1;
    }
    overrides = std::move(*o);
  }
  // Labelled MCCs must all be linked; the other MCCs are linked when their text
  // matches some concordance row and left out otherwise.
  std::set<std::string> labelled;
  for (const auto& b : *brands)
    labelled.insert(b.mcc);
  std::set<std::string> mccs = labelled;
  for (const auto& e : codes->mcc)
    if (e.code < "3000" || e.code > "3999")
      mccs.insert(e.code);
  crosswalk_builder builder(*codes);
  std::vector<std::string> skipped;
  auto xw = builder.build({mccs.begin(), mccs.end()}, overrides, &skipped);
  if (!xw) {
    std::fprintf(stderr, "error: %s\n", xw.err().to_string().c_str());
    return 1;
  }
  for (const auto& m : skipped) {
    if (labelled.count(m)) {
      std::fprintf(stderr, "error: labelled MCC %s matches no concordance row\n",
                   m.c_str());
      return 1;
    }
    std::printf("left out MCC %s (%s): no concordance row shares its words\n", m.c_str(),
                codes->find_mcc(m)->description.c_str());
  }
  if (auto err = xw->write_csv(out)) {
    std::fprintf(stderr, "error: %s\n", err->to_string().c_str());
    return 1;
  }
  std::printf("wrote %zu links for %zu MCCs (%zu overrides) to %s\n",
              xw->entries().size(), mccs.size(), overrides.size(), out.c_str());
  return 0;
}
