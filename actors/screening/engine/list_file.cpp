#include "actors/screening/engine/list_file.hpp"

#include "actors/screening/engine/string_util.hpp"
#include "actors/screening/engine/text_decoder.hpp"

namespace kyb::screening {

size_t xml_list_file::line_of(const pugi::xml_node& node) const {
  auto off = node.offset_debug();
  return off < 0 ? size_t{0} : line_of_offset(text, static_cast<size_t>(off));
}

result<std::unique_ptr<xml_list_file>, load_error>
read_xml_list(const source_file& file) {
  auto text = decode_list_text(file.bytes, text_encoding::utf8, file.path);
  if (!text)
    return text.error();
  auto out = std::make_unique<xml_list_file>();
  out->text = std::move(text.value());
  auto parsed = out->doc.load_buffer(out->text.data(), out->text.size(),
                                     pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    return load_error{file.path,
                      line_of_offset(out->text, static_cast<size_t>(parsed.offset)),
                      std::string("XML error: ") + parsed.description() +
                          " (the file is truncated or malformed)"};
  return out;
}

result<std::unique_ptr<csv_list_reader>, load_error>
csv_list_reader::open(const source_file& file, const preamble_fn& preamble) {
  auto text = decode_list_text(file.bytes, text_encoding::utf8, file.path);
  if (!text)
    return text.error();
  auto reader = std::make_unique<csv_list_reader>(std::move(text.value()));
  if (auto err = reader->read_header(file.path, preamble))
    return *err;
  return reader;
}

csv_list_reader::csv_list_reader(std::string text)
    : text_(std::move(text)), reader_(text_) {}

std::optional<load_error> csv_list_reader::read_header(const std::string& path,
                                                       const preamble_fn& preamble) {
  auto st = reader_.next(header_);
  while (st == base::csv_reader::status::record && preamble && preamble(header_))
    st = reader_.next(header_);
  if (st != base::csv_reader::status::record)
    return load_error{path, reader_.line(),
                      st == base::csv_reader::status::end ? "empty file"
                                                          : reader_.error()};
  return std::nullopt;
}

long csv_list_reader::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (iequals(trim(header_[i]), name))
      return static_cast<long>(i);
  return -1;
}

bool csv_list_reader::next(std::string& problem) {
  problem.clear();
  auto st = reader_.next(row_);
  if (st == base::csv_reader::status::end)
    return false;
  if (st == base::csv_reader::status::malformed)
    problem = reader_.error();
  else if (row_.size() != header_.size())
    problem = "expected " + std::to_string(header_.size()) + " fields, found " +
              std::to_string(row_.size());
  return true;
}

std::string csv_list_reader::get(long c) const {
  return c < 0 || static_cast<size_t>(c) >= row_.size() ? std::string()
                                                        : std::string(trim(row_[c]));
}

} // namespace kyb::screening
