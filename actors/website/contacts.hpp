// Contact details published on a site: email addresses (mailto: links and text), phone
// numbers (tel: links, and numbers written with a + country code in the text), postal
// address candidates (a line with a postcode and a street word, or a street line
// followed by a postcode line), and social-media profiles. Deduplicated across pages;
// first-seen order.
#pragma once

#include <string>
#include <vector>

#include "actors/website/html_page.hpp"

namespace kyb::website {

/// A phone number.
struct phone_number {
  std::string number; ///< "+4952258738444"; national numbers from tel: keep their digits.
  std::string as_written; ///< As on the page.
  std::string source;     ///< "tel" (a tel: link) or "text".
};

/// A social-media profile link.
struct social_profile {
  std::string platform; ///< facebook, instagram, linkedin, x, youtube, tiktok.
  std::string url;      ///< https://host/path (query and trailing slash dropped).
};

/// Everything found.
struct contact_details {
  std::vector<std::string> emails; ///< Lower-cased.
  std::vector<phone_number> phones;
  std::vector<std::string> addresses; ///< Candidate lines ("Heidjerweg 1, 29614 Soltau").
  std::vector<social_profile> social;

  bool empty() const noexcept {
    return emails.empty() && phones.empty() && addresses.empty();
  }
};

/// Adds what `page` holds to `into` (skipping what is there already).
void collect_contacts(const html_page& page, contact_details& into);

/// The email address in `text` (a mailto: target or a word), validated and lower-cased;
/// empty when it is not one.
std::string clean_email(std::string_view text);

} // namespace kyb::website
