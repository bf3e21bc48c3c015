# The Debian package (`cpack -G DEB` in the build directory; docs/install.md): ejournal_<version>_<arch>.deb with
# what cmake/install.cmake installs, the binary stripped, the maintainer scripts in packaging/.
# Depends: the shared libraries' packages (dpkg-shlibdeps) plus EJOURNAL_RUNTIME_PACKAGES of scripts/deps.sh, the
# one list of packages; Recommends: EJOURNAL_RUNTIME_RECOMMENDS.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scripts/deps.sh)

function(ejournal_deps_list array out)
  execute_process(
    COMMAND bash -c "source \"$1\" && IFS=, && printf '%s' \"\${${array}[*]}\"" deps ${PROJECT_SOURCE_DIR}/scripts/deps.sh
    OUTPUT_VARIABLE list RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR list STREQUAL "")
    message(FATAL_ERROR "scripts/deps.sh: cannot read the list ${array}")
  endif()
  string(REPLACE "," ", " list "${list}")
  set(${out} "${list}" PARENT_SCOPE)
endfunction()
ejournal_deps_list(EJOURNAL_RUNTIME_PACKAGES _ejournal_depends)
ejournal_deps_list(EJOURNAL_RUNTIME_RECOMMENDS _ejournal_recommends)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ejournal)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${EJOURNAL_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # the package leaves the debug symbols out
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "school class journal as validated, printed, signed archives")
set(CPACK_PACKAGE_DESCRIPTION
    "ejournal turns a Russian school's electronic class journal (dnevnik.ru)
into validated, formatted, signed and archived documents: it ingests the
journal from XML files or the dnevnik.ru API, checks it against the school's
rules, writes the deputy director's reports, prints class journals and
reports as PDF files and seals each quarter and year into a signed,
tamper-evident archive.
.
The package contains the command-line tool, its HTTP service as the systemd
unit ejournal.service, and an example configuration in /etc/ejournal.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_ejournal_depends}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "${_ejournal_recommends}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm ${PROJECT_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
