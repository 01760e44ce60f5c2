# folio_docs.cmake - the manual pages and completion scripts, run by the
# build (cmake -P) once folio and foliod are built:
#   MAN_DIR/folio.1, MAN_DIR/folio-GROUP.1 for each command group, and
#   MAN_DIR/foliod.8;
#   COMPLETION_DIR/folio.bash, COMPLETION_DIR/_folio (zsh) and
#   COMPLETION_DIR/folio.fish.
# The programs print them all from their own tables (folio help --man,
# foliod --help-man, folio completion). The groups are read from
# `folio help --json`, so a new group gets its page with no change here.
foreach(var FOLIO FOLIOD MAN_DIR COMPLETION_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "folio_docs.cmake: ${var} is not set")
  endif()
endforeach()

# run_to FILE COMMAND...: COMMAND's standard output into FILE.
function(run_to out)
  execute_process(COMMAND ${ARGN} OUTPUT_FILE ${out} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "folio_docs.cmake: ${ARGN} exited ${rc}")
  endif()
endfunction()

# A group that is gone must not leave its page behind to be installed.
file(GLOB old_pages ${MAN_DIR}/*.1 ${MAN_DIR}/*.8)
if(old_pages)
  file(REMOVE ${old_pages})
endif()
file(MAKE_DIRECTORY ${MAN_DIR} ${COMPLETION_DIR})

execute_process(COMMAND ${FOLIO} help --json OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "folio_docs.cmake: folio help --json exited ${rc}")
endif()
# A group is the first word of a command of more than one: "command":"client add".
string(REGEX MATCHALL "\"command\":\"[a-z0-9-]+ " firsts "${help}")
set(groups)
foreach(first ${firsts})
  string(REGEX REPLACE "^\"command\":\"([a-z0-9-]+) $" "\\1" group "${first}")
  list(APPEND groups ${group})
endforeach()
list(REMOVE_DUPLICATES groups)

run_to(${MAN_DIR}/folio.1 ${FOLIO} help --man)
foreach(group ${groups})
  run_to(${MAN_DIR}/folio-${group}.1 ${FOLIO} help --man ${group})
endforeach()
run_to(${MAN_DIR}/foliod.8 ${FOLIOD} --help-man)
run_to(${COMPLETION_DIR}/folio.bash ${FOLIO} completion bash)
run_to(${COMPLETION_DIR}/_folio ${FOLIO} completion zsh)
run_to(${COMPLETION_DIR}/folio.fish ${FOLIO} completion fish)
