# Compile options every host target links: C++20, warnings as errors, sanitizers.
add_library(shadowtlb_host_options INTERFACE)
add_library(shadowtlb::host_options ALIAS shadowtlb_host_options)

target_compile_options(shadowtlb_host_options INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough)
target_include_directories(shadowtlb_host_options INTERFACE ${PROJECT_SOURCE_DIR})

if(SHADOWTLB_SANITIZE)
  target_compile_options(shadowtlb_host_options INTERFACE
    -fsanitize=${SHADOWTLB_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(shadowtlb_host_options INTERFACE -fsanitize=${SHADOWTLB_SANITIZE})
endif()
