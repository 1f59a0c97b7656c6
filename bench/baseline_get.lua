-- baseline_get: the bare server's GET /get?id=N, one row by its key, N drawn from a sample of
-- its rows in the bench user's region (baseline-ids.txt), as get draws from shegong's.
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
local ids
bench.profile("get", function() ids = bench.lines("baseline-ids.txt") end)

function request()
  return wrk.format("GET", "/get?id=" .. bench.pick(ids))
end
