-- list: the first page of 25 rows of a street in the bench user's region, with a filter
-- (petitions: state=registered), as a list screen asks for it; the answer includes the
-- total count.
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
local streets
bench.profile("list", function() streets = bench.lines("streets.txt") end)

local base = "/api/v1/" .. bench.entity .. "?size=25"
  .. (bench.entity == "petition" and "&state=registered" or "") .. "&region="
function request()
  return wrk.format("GET", base .. bench.pick(streets), bench.headers(false))
end
