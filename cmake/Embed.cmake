# kpatrol_embed(<target> SYMBOL <name> BASE <dir> FILES <file>...)
# Builds a static library <target> with one function
#   std::span<const kpatrol::EmbeddedFile> <name>();
# returning every file's path (relative to BASE) and bytes. The generated source is rebuilt
# whenever one of the files changes.
set(KPATROL_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedScript.cmake)

function(kpatrol_embed target)
  cmake_parse_arguments(ARG "" "SYMBOL;BASE" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp)
  set(list_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_files.txt)
  string(REPLACE ";" "\n" lines "${ARG_FILES}")
  file(WRITE ${list_file}.tmp "${lines}")
  configure_file(${list_file}.tmp ${list_file} COPYONLY)
  set(abs_files "")
  foreach(f ${ARG_FILES})
    list(APPEND abs_files ${ARG_BASE}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DBASE=${ARG_BASE} -DLIST=${list_file}
            -DSYMBOL=${ARG_SYMBOL} -P ${KPATROL_EMBED_SCRIPT}
    DEPENDS ${abs_files} ${list_file} ${KPATROL_EMBED_SCRIPT}
    COMMENT "Embedding ${target}"
    VERBATIM)
  add_library(${target} STATIC ${out})
  target_link_libraries(${target} PUBLIC kpatrol_embed_api)
endfunction()
