# Freestanding guest kernel and images: their own compile/link flags (never the
# host's sanitizers) and shadowtlb_add_guest_image().
#
# shadowtlb_add_guest_image(NAME <name> SOURCES <files...> MANIFEST <path>)
#   builds the executable target guest_image_<name> ('-' becomes '_') linked
#   with guest_kernel and guest/arch/x86/kernel.ld, and records for the
#   embedding step:
#     global property SHADOWTLB_GUEST_IMAGES                 image names
#     global property SHADOWTLB_GUEST_IMAGE_TARGET_<name>    the target
#     global property SHADOWTLB_GUEST_IMAGE_MANIFEST_<name>  absolute manifest path
include_guard(GLOBAL)

set(SHADOWTLB_GUEST_LINKER_SCRIPT ${PROJECT_SOURCE_DIR}/guest/arch/x86/kernel.ld)

add_library(shadowtlb_guest_options INTERFACE)
add_library(shadowtlb::guest_options ALIAS shadowtlb_guest_options)
target_include_directories(shadowtlb_guest_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_options(shadowtlb_guest_options INTERFACE
  -ffreestanding -nostdlib -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only
  -fno-stack-protector -fno-stack-clash-protection -fcf-protection=none -fno-sanitize=all
  -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables
  # Keep definition order in each file: self-tests then run in source order.
  -fno-toplevel-reorder
  # __FILE__ relative to the repository: short names in guest reports.
  -ffile-prefix-map=${PROJECT_SOURCE_DIR}/=
  -Wall -Wextra -Werror -O2 -g
  $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit>)
target_link_options(shadowtlb_guest_options INTERFACE
  -nostdlib -static -no-pie -fno-sanitize=all
  "LINKER:-T,${SHADOWTLB_GUEST_LINKER_SCRIPT}" "LINKER:--build-id=none"
  "LINKER:-z,max-page-size=0x1000" "LINKER:-z,noexecstack")

# Properties every guest target needs whatever the surrounding build sets
# (a global PIE or LTO setting would break the freestanding kernel).
function(shadowtlb_guest_target_properties target)
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE OFF
    INTERPROCEDURAL_OPTIMIZATION OFF
    CXX_STANDARD 20
    CXX_EXTENSIONS OFF)
endfunction()

function(shadowtlb_add_guest_image)
  cmake_parse_arguments(IMG "" "NAME;MANIFEST" "SOURCES" ${ARGN})
  if(NOT IMG_NAME OR NOT IMG_SOURCES OR NOT IMG_MANIFEST)
    message(FATAL_ERROR "shadowtlb_add_guest_image: NAME, SOURCES and MANIFEST are required")
  endif()
  string(REPLACE "-" "_" target_suffix "${IMG_NAME}")
  set(target guest_image_${target_suffix})
  get_filename_component(manifest "${IMG_MANIFEST}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${manifest}")
    message(FATAL_ERROR "shadowtlb_add_guest_image(${IMG_NAME}): no manifest at ${manifest}")
  endif()

  add_executable(${target} ${IMG_SOURCES})
  # libgcc last: helpers g++ may call (e.g. __popcountdi2) resolve against it.
  target_link_libraries(${target} PRIVATE guest_kernel shadowtlb::guest_options gcc)
  shadowtlb_guest_target_properties(${target})
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${SHADOWTLB_GUEST_LINKER_SCRIPT})
  # A plain path, not $<TARGET_FILE>: the embedder lists it in OBJECT_DEPENDS,
  # which CMake 3.25 hands to Ninja without evaluating generator expressions.
  set(elf_dir ${PROJECT_BINARY_DIR}/images)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${elf_dir})
  set_property(GLOBAL PROPERTY SHADOWTLB_GUEST_IMAGE_FILE_${IMG_NAME} ${elf_dir}/${target})

  set_property(GLOBAL APPEND PROPERTY SHADOWTLB_GUEST_IMAGES "${IMG_NAME}")
  set_property(GLOBAL PROPERTY SHADOWTLB_GUEST_IMAGE_TARGET_${IMG_NAME} ${target})
  set_property(GLOBAL PROPERTY SHADOWTLB_GUEST_IMAGE_MANIFEST_${IMG_NAME} "${manifest}")
endfunction()
