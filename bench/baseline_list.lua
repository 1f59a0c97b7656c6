-- baseline_list: the bare server's GET /list?region=<street>, the 25 newest rows of the
-- street's subtree (their keys from the covering index on region_code + created_at, then
-- the rows) — the streets list uses.
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
local streets
bench.profile("list", function() streets = bench.lines("streets.txt") end)

function request()
  return wrk.format("GET", "/list?region=" .. bench.pick(streets))
end
