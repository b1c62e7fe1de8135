#include "actors/screening/list_plan.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace kyb::actors {

namespace {

namespace fs = std::filesystem;
using screening::list_format;

/// One configured file: its path or URL option, and the name a download gets.
struct slot {
  const std::string& path;
  const std::string& url;
  const char* download_name;
};

planned_file plan_file(const slot& s, const std::string& list,
                       const std::string& data_dir) {
  planned_file f;
  if (!s.url.empty()) {
    f.url = s.url;
    f.path = (fs::path(data_dir) / "screening" / "downloads" / list / s.download_name)
                 .string();
  } else {
    f.path = s.path;
  }
  return f;
}

/// The file of `dir` named `name` in any case ("SDN.CSV" for "sdn.csv"), or "".
std::string find_in_dir(const std::string& dir, const std::string& name) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto file = it->path().filename().string();
    if (file.size() == name.size() &&
        std::equal(file.begin(), file.end(), name.begin(),
                   [](char a, char b) {
                     return std::tolower(static_cast<unsigned char>(a)) ==
                            std::tolower(static_cast<unsigned char>(b));
                   }) &&
        it->is_regular_file(ec))
      return it->path().string();
  }
  return {};
}

void add_list(list_plan& plan, const std::string& name, list_format format,
              std::vector<slot> slots, const config::screening_settings& c,
              const std::string& data_dir) {
  planned_list l;
  l.name = name;
  l.format = format;
  auto& main = slots.front();
  if (!main.path.empty() || !main.url.empty()) {
    for (auto& s : slots)
      l.files.push_back(plan_file(s, name, data_dir));
  } else if (!c.lists_dir.empty() &&
             !find_in_dir(c.lists_dir, slots.front().download_name).empty()) {
    l.origin = "lists_dir";
    for (auto& s : slots)
      l.files.push_back(planned_file{find_in_dir(c.lists_dir, s.download_name), {}});
  } else if (c.sources == "official" && !official_list_urls(name).empty()) {
    l.origin = "official";
    auto urls = official_list_urls(name);
    for (size_t i = 0; i < slots.size(); ++i) {
      const std::string none;
      slot s{none, i < urls.size() ? urls[i] : none, slots[i].download_name};
      l.files.push_back(plan_file(s, name, data_dir));
    }
  } else {
    return;
  }
  plan.lists.push_back(std::move(l));
}

bool valid_generic_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

} // namespace

screening::list_source planned_list::source(size_t max_bad_rows) const {
  screening::list_source s;
  s.name = name;
  s.format = format;
  s.options.max_bad_rows = max_bad_rows;
  auto path = [&](size_t i) { return i < files.size() ? files[i].path : std::string{}; };
  s.path = path(0);
  s.aliases_path = path(1);
  s.addresses_path = path(2);
  s.comments_path = path(3);
  return s;
}

std::vector<std::string> official_list_urls(const std::string& list) {
  const std::string ofac =
      "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/";
  if (list == "ofac_sdn")
    return {ofac + "SDN.CSV", ofac + "ALT.CSV", ofac + "ADD.CSV",
            ofac + "SDN_COMMENTS.CSV"};
  if (list == "ofac_cons")
    return {ofac + "CONS_PRIM.CSV", ofac + "CONS_ALT.CSV", ofac + "CONS_ADD.CSV",
            ofac + "CONS_COMMENTS.CSV"};
  if (list == "un")
    return {"https://scsanctions.un.org/resources/xml/en/consolidated.xml"};
  if (list == "us_csl")
    return {"https://data.trade.gov/downloadable_consolidated_screening_list/v1/"
            "consolidated.csv"};
  return {};
}

bool builtin_list_name(const std::string& name) {
  return name == "ofac_sdn" || name == "ofac_cons" || name == "un" || name == "us_csl" ||
         name == "eu_fsf" || name == "uk_ofsi";
}

list_plan make_list_plan(const config::screening_settings& c,
                         const std::string& data_dir) {
  list_plan plan;
  plan.max_bad_rows = c.max_bad_rows;
  plan.generic_dir = c.generic_dir;
  add_list(plan, "ofac_sdn", list_format::ofac_csv,
           {{c.ofac_sdn_path, c.ofac_sdn_url, "sdn.csv"},
            {c.ofac_sdn_alt_path, c.ofac_sdn_alt_url, "alt.csv"},
            {c.ofac_sdn_add_path, c.ofac_sdn_add_url, "add.csv"},
            {c.ofac_sdn_comments_path, c.ofac_sdn_comments_url, "sdn_comments.csv"}},
           c, data_dir);
  add_list(plan, "ofac_cons", list_format::ofac_csv,
           {{c.ofac_cons_path, c.ofac_cons_url, "cons_prim.csv"},
            {c.ofac_cons_alt_path, c.ofac_cons_alt_url, "cons_alt.csv"},
            {c.ofac_cons_add_path, c.ofac_cons_add_url, "cons_add.csv"},
            {c.ofac_cons_comments_path, c.ofac_cons_comments_url, "cons_comments.csv"}},
           c, data_dir);
  add_list(plan, "un", list_format::un_xml, {{c.un_path, c.un_url, "consolidated.xml"}},
           c, data_dir);
  add_list(plan, "us_csl", list_format::us_csl_csv,
           {{c.us_csl_path, c.us_csl_url, "consolidated.csv"}}, c, data_dir);
  add_list(plan, "eu_fsf", list_format::eu_fsf_xml,
           {{c.eu_fsf_path, c.eu_fsf_url, "xmlFullSanctionsList_1_1.xml"}}, c, data_dir);
  add_list(plan, "uk_ofsi", list_format::uk_ofsi_csv,
           {{c.uk_ofsi_path, c.uk_ofsi_url, "ConList.csv"}}, c, data_dir);
  return plan;
}

screening::result<std::vector<planned_list>, screening::load_error>
scan_generic_dir(const std::string& dir) {
  std::vector<planned_list> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec)
    return screening::load_error{dir, 0, "cannot list the directory: " + ec.message()};
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec)
      return screening::load_error{dir, 0, "cannot list the directory: " + ec.message()};
    auto& p = it->path();
    auto ext = p.extension().string();
    if (ext != ".csv" && ext != ".json")
      continue;
    if (!it->is_regular_file(ec))
      continue;
    auto name = p.stem().string();
    if (!valid_generic_name(name))
      return screening::load_error{
          p.string(), 0,
          "a generic list file must be named <name>.csv or <name>.json with a name of "
          "1 to 64 lower-case letters, digits, '_' or '-'"};
    if (builtin_list_name(name))
      return screening::load_error{p.string(), 0,
                                   "'" + name + "' is the name of a built-in list"};
    planned_list l;
    l.name = name;
    l.format = ext == ".csv" ? list_format::generic_csv : list_format::generic_json;
    l.origin = "generic_dir";
    l.files.push_back(planned_file{p.string(), {}});
    out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end(),
            [](const planned_list& a, const planned_list& b) { return a.name < b.name; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].name == out[i - 1].name)
      return screening::load_error{out[i].files[0].path, 0,
                                   "list '" + out[i].name +
                                       "' is given both as .csv and as .json"};
  return out;
}

} // namespace kyb::actors
