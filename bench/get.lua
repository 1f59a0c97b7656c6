-- get: one item by its id, GET /api/v1/<entity>/{id}, ids drawn from a sample of the rows
-- in the bench user's region (personal fields masked: no audit write).
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
local ids
bench.profile("get", function() ids = bench.lines("ids.txt") end)

local base = "/api/v1/" .. bench.entity .. "/"
function request()
  return wrk.format("GET", base .. bench.pick(ids), bench.headers(false))
end
