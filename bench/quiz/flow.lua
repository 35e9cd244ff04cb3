-- The participant's flow, one connection per thread: start -> fetch questions -> submit, then the next
-- participant. Tokens: JQ_TOKENS_<thread id> (one participant token a line). Mode JQ_MODE:
--   flow   the three steps in a loop (fixed duration);
--   start  start only; the attempt tokens are written to JQ_OUTPUT ("participant attempt" lines);
--   fetch  fetch the attempts of JQ_ATTEMPTS, round and round (fixed duration);
--   submit submit each attempt of JQ_ATTEMPTS once (the thread stops at the end of its list).
dofile(os.getenv("JQ_DIR") .. "/common.lua")
local mode = os.getenv("JQ_MODE") or "flow"
local code = os.getenv("JQ_QUIZ")
local answers = '{"answers":[[0],[1],[0],[1,2],[0],[1],[0],[1],[0],[1]],"score":100}'
local tokens, pairs_list, index, step, attempt, started, token = {}, {}, 0, "start", nil, 0, nil
local stopped = false

init = function(args)
  if mode == "fetch" or mode == "submit" then
    local all = read_lines(os.getenv("JQ_ATTEMPTS"))
    local count = tonumber(os.getenv("JQ_THREADS"))
    for i, line in ipairs(all) do
      if (i - 1) % count == id - 1 then pairs_list[#pairs_list + 1] = line end
    end
  else
    tokens = read_lines(os.getenv("JQ_TOKENS") .. "_" .. id)
  end
end

local function next_token()
  index = index + 1
  if index > #tokens then index = 1 end
  return tokens[index]
end

request = function()
  started = now_ms()
  first_ms = first_ms or started
  if mode == "fetch" or mode == "submit" then
    index = index + 1
    if mode == "fetch" and index > #pairs_list then index = 1 end
    local line = pairs_list[index]
    if line == nil then stopped = true; wrk.thread:stop(); line = pairs_list[#pairs_list] end
    token, attempt = line:match("(%S+) (%S+)")
    local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
    if mode == "fetch" then
      step = "fetch"
      return wrk.format("GET", "/quiz/api/a/" .. attempt, headers)
    end
    step = "submit"
    return wrk.format("POST", "/quiz/api/a/" .. attempt .. "/submit", headers, answers)
  end
  if step == "start" then
    token = next_token()
    return wrk.format("POST", "/quiz/api/q/" .. code .. "/start",
      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, "{}")
  end
  local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
  if step == "fetch" then
    return wrk.format("GET", "/quiz/api/a/" .. attempt, headers)
  end
  return wrk.format("POST", "/quiz/api/a/" .. attempt .. "/submit", headers, answers)
end

response = function(status, headers, body)
  if stopped then return end
  if step == "start" then
    local success = status == 201 or status == 200
    record("start", started, success, status)
    if success then
      attempt = body:match('"attempt":%s*"([^"]+)"')
      if mode == "start" then
        produced[#produced + 1] = token .. " " .. attempt
      else
        step = "fetch"
      end
    end
  elseif step == "fetch" then
    local success = status == 200 and body:find('"questions"', 1, true) ~= nil
    record("fetch", started, success, status)
    if mode == "flow" then step = success and "submit" or "start" end
  else
    local success = status == 200 and body:find('"score"', 1, true) ~= nil
    record("submit", started, success, status)
    if success and mode == "flow" then completed = completed + 1 end
    if mode == "flow" then step = "start" end
  end
end
