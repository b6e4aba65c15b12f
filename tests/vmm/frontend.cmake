# Tests of the VMM front-end (image parsing and resolution, built-in images, the CLI).
# Included by tests/vmm/CMakeLists.txt.
set(_fe ${CMAKE_CURRENT_LIST_DIR})

shadowtlb_add_test(elf_image_test
  SOURCES ${_fe}/boot/elf_image_test.cpp
  LIBS shadowtlb_vmm)
shadowtlb_add_test(builder_test
  SOURCES ${_fe}/builder/size_test.cpp ${_fe}/builder/manifest_test.cpp
          ${_fe}/builder/image_source_test.cpp
          ${_fe}/builder/disk_settings_test.cpp
          ${_fe}/builder/schedule_settings_test.cpp
  LIBS shadowtlb_frontend)
shadowtlb_add_test(builtin_images_test
  SOURCES ${_fe}/images/builtin_images_test.cpp
  LIBS shadowtlb_frontend)
shadowtlb_add_test(cli_unit_test
  SOURCES ${_fe}/cli/json_summary_test.cpp ${_fe}/cli/human_summary_test.cpp
          ${_fe}/cli/error_exit_test.cpp
          ${_fe}/cli/disks_summary_test.cpp
          ${_fe}/cli/iterations_test.cpp
  LIBS shadowtlb_frontend)
# Runs the built binary ($SHADOWTLB_BIN), so it must be built first.
shadowtlb_add_test(cli_test
  SOURCES ${_fe}/cli/cli_test.cpp ${_fe}/cli/cli_schedule_test.cpp ${_fe}/cli/subprocess.cpp
  LIBS nlohmann_json::nlohmann_json)
add_dependencies(cli_test shadowtlb)
