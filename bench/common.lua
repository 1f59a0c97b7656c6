-- What the load profiles share (wrk 4, LuaJIT): settings from the environment, random but
-- valid input, counting of answers outside 2xx, and the one JSON line done() prints.
-- Loaded by each profile with dofile(); bench/run.sh sets the environment:
--   BENCH_ENTITY   petition (default) or the stand-in person
--   BENCH_TOKEN    API token of the bench user (shegong profiles)
--   BENCH_DATA     directory of communities.txt, streets.txt, ids.txt, baseline-ids.txt
--   BENCH_SCOPE    the bench user's region (dashboard)
--   BENCH_CATEGORIES  petition category codes, comma-separated
--   BENCH_ID_BLOCK the range of new ID numbers of this run (create, baseline_insert)
--   BENCH_TARGET, BENCH_CONN  copied into the JSON line
local M = {}

M.entity = os.getenv("BENCH_ENTITY") or "petition"
M.token = os.getenv("BENCH_TOKEN") or ""
M.data = os.getenv("BENCH_DATA") or "."
M.scope = os.getenv("BENCH_SCOPE") or "110105000000"

function M.lines(name)
  local t = {}
  local f = io.open(M.data .. "/" .. name, "r")
  if f then
    for l in f:lines() do
      if l ~= "" then t[#t + 1] = l end
    end
    f:close()
  end
  if #t == 0 then error("bench: no lines in " .. M.data .. "/" .. name) end
  return t
end

function M.pick(t) return t[math.random(#t)] end

-- A different random sequence in every thread of every run.
function M.seed()
  local f = io.open("/dev/urandom", "rb")
  local s = f:read(4)
  f:close()
  local n = 0
  for i = 1, 4 do n = n * 256 + s:byte(i) end
  math.randomseed(n)
end

function M.urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

-- A JSON string literal; the generated text holds no quote or backslash, error bodies may.
local function jstr(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return c == '"' and '\\"' or c == "\\" and "\\\\" or string.format("\\u%04x", c:byte())
  end) .. '"'
end
M.jstr = jstr

-- ---- random, valid personal data ----

local surnames = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙" }
local given = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
  "秀英", "建华", "志强", "桂兰", "海燕" }
local roads = { "建国路", "朝阳北路", "东三环中路", "望京街", "酒仙桥路", "光华路", "劲松路" }

function M.name() return M.pick(surnames) .. M.pick(given) end

local weights = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 }
-- An 18-digit citizen ID number of region's province, born 1930-2004, never the same twice:
-- the n-th number of a thread is position run_start + thread_index + 64 n of the (county,
-- birth day, sequence) space, and bench/run.sh gives every wrk run a block of its own
-- (BENCH_ID_BLOCK), so runs on kept data do not meet each other's persons either. The
-- sequence digits are 500-999: bench-fill uses 000-499, so a new number never meets a
-- filled one.
local DAYS = 27394 -- 1930-01-01 .. 2004-12-31
local FIRST_DAY = -14610 -- 1930-01-01, in days from 1970-01-01
local BLOCK = 64 * 1e7 -- positions of one run: 10 million numbers per thread
local made = 0
function M.id_number(region)
  local p = (_G.run_start or 0) + (_G.thread_index or 0) + 64 * made
  made = made + 1
  local seq = 500 + p % 500
  p = math.floor(p / 500)
  local day = p % DAYS
  local county = math.floor(p / DAYS) % 10000
  local d17 = string.format("%s%04d%s%03d", region:sub(1, 2), county,
    os.date("!%Y%m%d", (FIRST_DAY + day) * 86400), seq)
  local sum = 0
  for i = 1, 17 do sum = sum + (d17:byte(i) - 48) * weights[i] end
  local check = ("10X98765432"):sub(sum % 11 + 1, sum % 11 + 1)
  return d17 .. check
end

function M.phone()
  return string.format("1%d%d%04d%04d", math.random(3, 9), math.random(0, 9),
    math.random(0, 9999), math.random(0, 9999))
end

function M.address()
  return string.format("%s%d号院%d号楼%d单元%d室", M.pick(roads), math.random(1, 300),
    math.random(1, 30), math.random(1, 6), math.random(101, 2500))
end

-- About 500 bytes of Chinese: what a petition's content looks like.
local phrases = { "反映小区夜间施工噪音扰民，", "严重影响居民休息，", "多次向物业反映未果，",
  "请求有关部门尽快协调处理。", "反映用人单位拖欠工资三个月，", "涉及农民工二十余人，",
  "要求依法支付劳动报酬。", "反映老旧小区供暖温度不达标，", "室内温度长期低于十六度，",
  "希望供热单位检修管网。", "反映道路积水严重，", "雨天出行十分不便，", "建议增设排水设施。",
  "反映村集体土地征收补偿不公，", "请求公开补偿标准和分配方案。", "反映社区养老服务站长期关闭，",
  "老年人就餐困难，", "希望恢复助餐服务。" }
function M.content()
  local t, n = {}, 0
  while n < 500 do
    local p = M.pick(phrases)
    t[#t + 1] = p
    n = n + #p
  end
  return table.concat(t)
end

-- The body of a petition as the API and the baseline take it.
local categories = {}
for c in (os.getenv("BENCH_CATEGORIES") or "other"):gmatch("[^,]+") do categories[#categories + 1] = c end
function M.petition_body(region)
  return string.format('{"channel":"letter","class":"grievance","category":%s,"content":%s,'
    .. '"region_code":%s,"petitioners":[{"name":%s,"id_number":%s,"phone":%s,"address":%s}]}',
    jstr(M.pick(categories)), jstr(M.content()), jstr(region), jstr(M.name()),
    jstr(M.id_number(region)), jstr(M.phone()), jstr(M.address()))
end

function M.person_body(region)
  return string.format('{"name":%s,"id_number":%s,"phone":%s,"region_code":%s,"address":%s}',
    jstr(M.name()), jstr(M.id_number(region)), jstr(M.phone()), jstr(region), jstr(M.address()))
end

-- ---- requests and the report ----

function M.headers(json)
  local h = {}
  if M.token ~= "" then h["Authorization"] = "Bearer " .. M.token end
  if json then h["Content-Type"] = "application/json" end
  return h
end

-- Installs wrk's setup/init/response/done for the profile named name; init_fn (optional)
-- runs in every thread after seeding.
function M.profile(name, init_fn)
  local threads = {}
  local count = 0
  local run_start
  _G.setup = function(thread)
    if not run_start then
      M.seed()
      local block = tonumber(os.getenv("BENCH_ID_BLOCK") or "")
      run_start = block and block * BLOCK or math.random(0, 2 ^ 30) * 64
    end
    count = count + 1
    thread:set("thread_index", count)
    thread:set("run_start", run_start)
    threads[#threads + 1] = thread
  end
  _G.init = function(args)
    M.seed()
    _G.non2xx = 0
    _G.first_error = ""
    if init_fn then init_fn(args) end
  end
  _G.response = function(status, headers, body)
    if status < 200 or status > 299 then
      _G.non2xx = _G.non2xx + 1
      if _G.first_error == "" then _G.first_error = status .. " " .. (body or ""):sub(1, 300) end
    end
  end
  _G.done = function(summary, latency, requests)
    local bad, first = 0, ""
    for _, t in ipairs(threads) do
      bad = bad + (t:get("non2xx") or 0)
      if first == "" then first = t:get("first_error") or "" end
    end
    local secs = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format('{"bench":%s,"target":%s,"entity":%s,"connections":%s,'
      .. '"requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,'
      .. '"non2xx":%d,"socket_errors":%d,"timeouts":%d,"first_error":%s}\n',
      jstr(name), jstr(os.getenv("BENCH_TARGET") or "shegong"), jstr(M.entity),
      tonumber(os.getenv("BENCH_CONN") or "0") or 0, summary.requests, secs,
      summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, bad, e.connect + e.read + e.write, e.timeout, jstr(first)))
  end
end

return M
