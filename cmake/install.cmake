# Install rules (cmake --install, cpack; docs/install.md): the binary, the data model::dataFile looks up under
# <prefix>/share/ejournal, the documentation, the service's unit and example configuration, and the manual page
# and bash completion, which packaging/gen-docs.sh generates from the built binary's help.
include(GNUInstallDirs)

set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# Absolute, as Debian has them (not under the prefix): the configuration and the systemd unit.
set(EJOURNAL_CONFIG_DIR "/etc/ejournal" CACHE PATH "Where the service's example configuration is installed")
set(EJOURNAL_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH "Where the systemd unit is installed")
set(EJOURNAL_MAINTAINER "ejournal maintainers <maintainers@users.noreply.r-seed-3ccad4cc.example>"
    CACHE STRING "Maintainer named in the package and its changelog")

set(_ejournal_data ${CMAKE_INSTALL_DATADIR}/ejournal)
set(_ejournal_doc ${CMAKE_INSTALL_DATADIR}/doc/ejournal)
set(_ejournal_gen ${PROJECT_BINARY_DIR}/packaging)

# Bound at load time (relocations read-only), as Debian builds its packages; a link option, so nothing recompiles.
target_link_options(ejournal PRIVATE -Wl,-z,now)
install(TARGETS ejournal RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Data: exactly what model::dataFile resolves (schemas/, templates/ with the web pages' templates, styles and script,
# rules/config/) and the tiny sample to try the commands on. Fonts, Bootstrap and Chart.js come from Debian's
# packages (Depends).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/schemas/ DESTINATION ${_ejournal_data}/schemas FILES_MATCHING PATTERN "*.xsd")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/templates/ DESTINATION ${_ejournal_data}/templates
        FILES_MATCHING PATTERN "*.xml" PATTERN "*.mustache" PATTERN "*.js" PATTERN "*.css")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/config/ DESTINATION ${_ejournal_data}/rules/config
        FILES_MATCHING PATTERN "*.xml")
install(FILES ${PROJECT_SOURCE_DIR}/samples/tiny.xml DESTINATION ${_ejournal_data}/samples)

# The service: unit and example configuration (a conffile in the package, packaging/conffiles).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/ejournal.service DESTINATION ${EJOURNAL_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/service.properties DESTINATION ${EJOURNAL_CONFIG_DIR})

# Documentation: what a school's administrator reads (no source code map, no design notes), the copyright, and
# the changelog Debian asks for, dated by the last commit.
file(GLOB _ejournal_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${_ejournal_docs} ${PROJECT_SOURCE_DIR}/samples/tiny.md ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${_ejournal_doc})

execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} log -1 --format=%cs%n%cD
                OUTPUT_VARIABLE _ejournal_commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _ejournal_git)
if(_ejournal_git EQUAL 0 AND _ejournal_commit MATCHES "^([0-9-]+)\n(.+)$")
  set(EJOURNAL_DOC_DATE ${CMAKE_MATCH_1})
  set(EJOURNAL_CHANGELOG_DATE ${CMAKE_MATCH_2})
else()  # not a git checkout: the time of configuration (or $SOURCE_DATE_EPOCH)
  string(TIMESTAMP EJOURNAL_DOC_DATE "%Y-%m-%d" UTC)
  string(TIMESTAMP EJOURNAL_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.in ${_ejournal_gen}/changelog @ONLY)

add_custom_command(
  OUTPUT ${_ejournal_gen}/ejournal.1.gz ${_ejournal_gen}/ejournal.bash-completion ${_ejournal_gen}/changelog.gz
  COMMAND bash ${PROJECT_SOURCE_DIR}/packaging/gen-docs.sh $<TARGET_FILE:ejournal> ${PROJECT_VERSION}
          ${EJOURNAL_DOC_DATE} ${_ejournal_gen}/ejournal.1 ${_ejournal_gen}/ejournal.bash-completion
  COMMAND gzip -9nkf ${_ejournal_gen}/ejournal.1
  COMMAND gzip -9nkf ${_ejournal_gen}/changelog
  DEPENDS ejournal ${PROJECT_SOURCE_DIR}/packaging/gen-docs.sh ${PROJECT_SOURCE_DIR}/packaging/ejournal.1.in
          ${_ejournal_gen}/changelog
  COMMENT "Generating the manual page and the bash completion from ejournal --help"
  VERBATIM)
add_custom_target(ejournal_docs ALL DEPENDS ${_ejournal_gen}/ejournal.1.gz ${_ejournal_gen}/ejournal.bash-completion
                                            ${_ejournal_gen}/changelog.gz)

install(FILES ${_ejournal_gen}/ejournal.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${_ejournal_gen}/changelog.gz DESTINATION ${_ejournal_doc})
install(FILES ${_ejournal_gen}/ejournal.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME ejournal)
