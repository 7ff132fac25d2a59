# vmb_module(NAME SOURCES src... [PUBLIC libs...] [PRIVATE libs...])
# One library module of the toolkit: target vmb_NAME, alias vmb::NAME, exported and installed as
# vmbkit::NAME with its public headers (NAME/include/vmb/NAME/*.hpp). Layering is the caller's:
# a module lists the modules below it in PUBLIC.
include(GNUInstallDirs)

function(vmb_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  set(target vmb_${name})
  add_library(${target} ${ARG_SOURCES})
  add_library(vmb::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  install(TARGETS ${target} EXPORT vmbkitTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
