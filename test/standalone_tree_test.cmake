# The repository stands alone: no tracked file may read or point at data or documents
# kept beside the clone (a sibling shared folder a user's clone does not have). Run by
# CTest as standalone_tree_test: cmake -DSOURCE_DIR=<repo> -P standalone_tree_test.cmake
#
# The patterns are written so that this file does not match itself. test/data/ is left
# out: its SOURCES.md names where each copied file came from.
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "standalone_tree_test: pass -DSOURCE_DIR=<repository root>")
endif()
find_package(Git QUIET)
if(NOT GIT_FOUND)
  message(FATAL_ERROR "standalone_tree_test: git is needed to list the tracked files")
endif()
execute_process(
  COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" grep -n -I -E
          -e "\\.\\./shared"
          -e "shared[/]data"
          -e "KYB_SHARED[_]DATA"
          -- . ":(exclude)test/data"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE hits
  ERROR_VARIABLE err)
if(rc EQUAL 1)
  message(STATUS "standalone_tree_test: no tracked file points outside the repository")
elseif(rc EQUAL 0)
  message("${hits}")
  message(FATAL_ERROR "standalone_tree_test: the tracked files above point outside the "
                      "repository (use test/data, KYB_TEST_DATA or configured paths)")
else()
  message(FATAL_ERROR "standalone_tree_test: git grep failed (${rc}): ${err}")
endif()
