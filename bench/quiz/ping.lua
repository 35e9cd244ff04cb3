-- The ceiling: GET /quiz/api/time (no database, no rate limit) through the same middleware.
dofile(os.getenv("JQ_DIR") .. "/common.lua")
local started
request = function()
  started = now_ms()
  first_ms = first_ms or started
  return wrk.format("GET", "/quiz/api/time")
end
response = function(status, headers, body)
  record("time", started, status == 200, status)
end
