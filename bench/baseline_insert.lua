-- baseline_insert: the bare server's POST /insert of the same petition body create sends
-- for petitions (~500 bytes of Chinese): one INSERT, its own durable transaction.
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
local communities
bench.profile("insert", function() communities = bench.lines("communities.txt") end)

function request()
  return wrk.format("POST", "/insert", { ["Content-Type"] = "application/json" },
    bench.petition_body(bench.pick(communities)))
end
