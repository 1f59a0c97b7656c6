# The fuzz targets (fuzz/README.md). With SHEGONG_FUZZ=ON (clang) each is a libFuzzer
# binary that `make fuzz` runs; otherwise each is linked with fuzz/replay.c and registered
# with CTest to replay its committed corpus, so every `make test` runs every seed.
set(SHEGONG_FUZZ_TARGETS fuzz_json fuzz_router fuzz_validate fuzz_search fuzz_csv fuzz_xlsx
    fuzz_values fuzz_query fuzz_minhash)
foreach(t ${SHEGONG_FUZZ_TARGETS})
  if(SHEGONG_FUZZ)
    add_executable(${t} fuzz/${t}.c)
    target_link_options(${t} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${t} fuzz/${t}.c fuzz/replay.c)
    add_test(NAME ${t} COMMAND ${t} ${CMAKE_SOURCE_DIR}/fuzz/corpus/${t})
  endif()
  target_include_directories(${t} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/fuzz)
  target_link_libraries(${t} PRIVATE shegong_lib)
endforeach()
