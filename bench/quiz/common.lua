-- Shared by the quiz bench scripts (bench/quiz_bench.py): a monotonic clock in milliseconds (LuaJIT FFI),
-- per-thread latency lists, and a summary printed as one JSON line ("QUIZBENCH {...}") by done().
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } jq_timespec;
int clock_gettime(int clk_id, jq_timespec *tp);
]]
local ts = ffi.new("jq_timespec")
function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

function read_lines(path)
  local lines = {}
  local handle = io.open(path, "r")
  if handle then
    for line in handle:lines() do lines[#lines + 1] = line end
    handle:close()
  end
  return lines
end

-- Globals read back by done() through thread:get() (flat values only: wrk does not copy nested tables):
-- lat_<step> (list of latencies, ms), ok_<step> and bad_<step> (counts).
STEPS = {"time", "start", "fetch", "submit"}
for _, step in ipairs(STEPS) do
  _G["lat_" .. step] = {}; _G["end_" .. step] = {}; _G["ok_" .. step] = 0; _G["bad_" .. step] = 0
end
statuses = {}      -- status codes of failed responses (flat list)
first_ms = nil     -- first request sent
last_ms = nil      -- last response received
completed = 0      -- full attempts done (flow script)
produced = {}      -- lines for an output file (attempt tokens made by the start phase)

function record(step, started, success, status)
  if not success then statuses[#statuses + 1] = step .. ":" .. tostring(status) end
  local t = now_ms()
  local list = _G["lat_" .. step]
  list[#list + 1] = t - started
  local ends = _G["end_" .. step]
  ends[#ends + 1] = t
  if success then _G["ok_" .. step] = _G["ok_" .. step] + 1 else _G["bad_" .. step] = _G["bad_" .. step] + 1 end
  last_ms = t
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function percentile(sorted, p)
  if #sorted == 0 then return nil end
  local index = math.max(1, math.ceil(#sorted * p))
  return sorted[index]
end

function done(summary, latency, requests)
  local steps, okc, badc, first, last, total_completed = {}, {}, {}, nil, nil, 0
  local ends = {}
  local failed = {}
  local outputs = {}
  for _, thread in ipairs(threads) do
    for _, step in ipairs(STEPS) do
      local list = thread:get("lat_" .. step) or {}
      if #list > 0 then
        steps[step] = steps[step] or {}
        ends[step] = ends[step] or {}
        for _, v in ipairs(list) do table.insert(steps[step], v) end
        for _, v in ipairs(thread:get("end_" .. step) or {}) do table.insert(ends[step], v) end
      end
      okc[step] = (okc[step] or 0) + (thread:get("ok_" .. step) or 0)
      badc[step] = (badc[step] or 0) + (thread:get("bad_" .. step) or 0)
    end
    local f, l = thread:get("first_ms"), thread:get("last_ms")
    if f and (first == nil or f < first) then first = f end
    if l and (last == nil or l > last) then last = l end
    total_completed = total_completed + (thread:get("completed") or 0)
    for _, code in ipairs(thread:get("statuses") or {}) do failed[code] = (failed[code] or 0) + 1 end
    for _, line in ipairs(thread:get("produced") or {}) do table.insert(outputs, line) end
  end
  local out = os.getenv("JQ_OUTPUT")
  if out and #outputs > 0 then
    local handle = io.open(out, "w")
    for _, line in ipairs(outputs) do handle:write(line, "\n") end
    handle:close()
  end
  local parts = {}
  for step, list in pairs(steps) do
    table.sort(list)
    -- rate: requests done until 99 % of them were done, over the time from the first request to then
    -- (one straggler at the end of a list-driven phase does not stretch the phase)
    local e = ends[step]
    table.sort(e)
    local k = math.max(1, math.ceil(#e * 0.99))
    local rate = (first and e[k] > first) and k / ((e[k] - first) / 1000) or 0
    parts[#parts + 1] = string.format(
      '"%s":{"n":%d,"ok":%d,"errors":%d,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"per_second":%.1f}',
      step, #list, okc[step] or 0, badc[step] or 0, percentile(list, 0.50), percentile(list, 0.95),
      percentile(list, 0.99), list[#list], rate)
  end
  local seconds = (first and last) and (last - first) / 1000 or 0
  local failures = {}
  for code, n in pairs(failed) do failures[#failures + 1] = string.format('"%s":%d', code, n) end
  io.write(string.format('QUIZBENCH {"seconds":%.3f,"completed":%d,"steps":{%s},"failures":{%s},"socket_errors":%d}\n',
    seconds, total_completed, table.concat(parts, ","), table.concat(failures, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
