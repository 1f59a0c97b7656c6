-- dashboard: the figures a leader's home page shows for the bench user's region —
-- petitions: /figures by child region and /hotspots of 6 months, alternately; the
-- stand-in person: the count of its rows in the region (a page of one row and the total).
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
bench.profile("dashboard")

local paths
if bench.entity == "petition" then
  paths = { "/api/v1/petition/figures?by=region&region=" .. bench.scope,
            "/api/v1/petition/hotspots?months=6&region=" .. bench.scope }
else
  paths = { "/api/v1/" .. bench.entity .. "?size=1&region=" .. bench.scope }
end
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1], bench.headers(false))
end
