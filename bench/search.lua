-- search: Chinese full text, GET /api/v1/<entity>?q=<words>&size=25 — two- to
-- four-character words that occur in many rows, ranked. (The stand-in person has no
-- full-text index: its q is a LIKE over the name, a scan of every row in scope.)
local bench = dofile((os.getenv("BENCH_LUA") or "bench") .. "/common.lua")
bench.profile("search")

local words = bench.entity == "petition"
  and { "噪音", "拖欠工资", "供暖", "积水", "征收补偿", "养老服务", "物业", "施工扰民",
        "劳动报酬", "排水设施" }
  or { "王芳", "李伟", "张静", "刘强", "陈敏", "杨洋", "赵磊", "黄艳" }
local base = "/api/v1/" .. bench.entity .. "?size=25&q="
local encoded = {}
for i, w in ipairs(words) do encoded[i] = bench.urlencode(w) end
function request()
  return wrk.format("GET", base .. bench.pick(encoded), bench.headers(false))
end
