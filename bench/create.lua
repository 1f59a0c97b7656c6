-- create: one new item per request, POST /api/v1/<entity> — validated, personal data
-- sealed and blind-indexed, checked for duplicates, audited, committed durably (the
-- answer comes after the commit). New ID numbers never meet the filled ones.
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
local communities
bench.profile("create", function() communities = bench.lines("communities.txt") end)

local path = "/api/v1/" .. bench.entity
function request()
  local region = bench.pick(communities)
  local body = bench.entity == "petition" and bench.petition_body(region) or bench.person_body(region)
  return wrk.format("POST", path, bench.headers(true), body)
end
