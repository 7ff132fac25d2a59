# cmake --install: the libraries, their public headers, the tools, and a package configuration
# so that find_package(vmbkit) works from any prefix (vmbkit::modeling, ::io, ::datagen, ::network).
include(CMakePackageConfigHelpers)
set(VMB_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/vmbkit)
install(EXPORT vmbkitTargets NAMESPACE vmbkit:: DESTINATION ${VMB_CONFIG_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/vmbkitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/vmbkitConfig.cmake INSTALL_DESTINATION ${VMB_CONFIG_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vmbkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/vmbkitConfig.cmake ${PROJECT_BINARY_DIR}/vmbkitConfigVersion.cmake
  DESTINATION ${VMB_CONFIG_DIR})
