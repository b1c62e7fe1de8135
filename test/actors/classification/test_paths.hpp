// Where the classification tests find the committed model and the test data.
#pragma once

#include <string>

namespace kyb::classification::test {

inline const std::string source_dir = KYB_SOURCE_DIR;
inline const std::string test_data = KYB_TEST_DATA;
inline const std::string model_dir = source_dir + "/actors/classification/model";
inline const std::string model_path = model_dir + "/kyb_industry.model";
inline const std::string crosswalk_path = model_dir + "/mcc_naics_sic_crosswalk.csv";
inline const std::string overrides_path = model_dir + "/crosswalk_overrides.csv";
inline const std::string supplement_path = model_dir + "/mcc_supplement.csv";
inline const std::string labelled_path = test_data + "/labeled/nsi_brands_mcc_dev.csv";
inline const std::string industry_dir = test_data + "/industry";

} // namespace kyb::classification::test
