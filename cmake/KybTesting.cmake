# kyb_test(NAME n SOURCES a.cpp ... LIBS x y ... [LABELS l ...] [TIMEOUT s])
#
# One Boost.Test executable per call, registered with CTest. Tests find the test data
# (test/data) through the KYB_TEST_DATA definition, and the services the test
# command started through KYB_TEST_DATABASE_URL / KYB_TEST_REDIS_URL in the environment.
function(kyb_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} Boost::unit_test_framework)
  target_compile_definitions(${T_NAME} PRIVATE BOOST_TEST_DYN_LINK
                             KYB_TEST_DATA="${KYB_TEST_DATA}"
                             KYB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             KYB_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} --log_level=test_suite --report_level=short)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT})
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
