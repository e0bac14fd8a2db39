# bench_eval_smoke: runs kpatrol_bench_eval on a tiny cluster and checks that it exits 0 and
# prints its result lines; the findings must be the same with and without result reuse.
execute_process(
  COMMAND "${BENCH}" --nodes 20 --pods 300 --rules 20 --jobs 1,2 --repeat 1 --reuse both
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
message("${out}")
if(NOT err STREQUAL "")
  message("stderr:\n${err}")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kpatrol_bench_eval exited with ${rc}")
endif()
foreach(line "evaluations/s" "deterministic: yes" "rule errors +0" "peak RSS \\(evaluation\\)")
  if(NOT out MATCHES "${line}")
    message(FATAL_ERROR "kpatrol_bench_eval did not print '${line}'")
  endif()
endforeach()
message("bench_eval_smoke: passed")
