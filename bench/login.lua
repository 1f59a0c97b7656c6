-- login: POST /api/v1/auth/login with the bench user's password. Deliberately slow: the
-- argon2id verification costs about 0.1 s of one core and 64 MiB per attempt, so the
-- figure measures the password hash, and it is reported, not optimised. Each success
-- also writes a session and an audit record. (BENCH_USER, BENCH_PASSWORD)
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
bench.profile("login")

local body = string.format('{"username":%s,"password":%s}',
  bench.jstr(os.getenv("BENCH_USER") or "bench"), bench.jstr(os.getenv("BENCH_PASSWORD") or ""))
function request()
  return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" }, body)
end
