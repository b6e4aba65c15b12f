# The VMM front-end: image resolution, built-in images, the `shadowtlb` CLI.
# Included by vmm/CMakeLists.txt after it defines the core library shadowtlb_vmm.
include(EmbedImages)

add_library(shadowtlb_frontend STATIC
  ${CMAKE_CURRENT_LIST_DIR}/builder/size.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/text_proto.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/manifest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/schedule_settings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/mmu_settings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/disk_settings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/settings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/builder/image_source.cpp
  ${CMAKE_CURRENT_LIST_DIR}/images/builtin_images.cpp
  ${CMAKE_CURRENT_LIST_DIR}/explain/verdict_explanation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/error_exit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/human_summary.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/json_summary.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/mmu_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/run_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/run_trace.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/iterations.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/images_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/report_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/inspect_command.cpp
)
target_link_libraries(shadowtlb_frontend
  PUBLIC shadowtlb_vmm shadowtlb_proto CLI11::CLI11 fmt::fmt nlohmann_json::nlohmann_json)
# The guest images registered by images/CMakeLists.txt (shadowtlb_add_guest_image).
shadowtlb_embed_guest_images(shadowtlb_frontend)

add_executable(shadowtlb ${CMAKE_CURRENT_LIST_DIR}/cli/main.cpp)
target_compile_definitions(shadowtlb PRIVATE SHADOWTLB_VERSION="${PROJECT_VERSION}")
# The trace header names the tool version (vmm/cli/run_trace.cpp).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/cli/run_trace.cpp
  PROPERTIES COMPILE_DEFINITIONS SHADOWTLB_VERSION="${PROJECT_VERSION}")
target_link_libraries(shadowtlb PRIVATE shadowtlb_frontend)
set_target_properties(shadowtlb PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/vmm)

# GCC 12 reports a false -Wnull-dereference inside std::vector<std::string>
# relocation when it inlines CLI11's header-only parser; the warning stays on
# for the rest of the tree and is silenced only where CLI11 is compiled in.
set_source_files_properties(
  ${CMAKE_CURRENT_LIST_DIR}/cli/main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/run_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/iterations.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/images_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/report_command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cli/inspect_command.cpp
  PROPERTIES COMPILE_OPTIONS -Wno-null-dereference)
