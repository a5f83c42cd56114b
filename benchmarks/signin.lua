-- wrk script: each request signs in a distinct cadre (a session per cadre), POSTing the JSON API.
-- SESSIONS names a file of "sessionid csrftoken" lines; threads take interleaved lines.
local sessions = {}
local counter = 0
local stride = 1
local offset = 0
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for line in io.lines(os.getenv("SESSIONS")) do
    local sid, csrf = line:match("(%S+) (%S+)")
    sessions[#sessions + 1] = {sid, csrf}
  end
  offset = tonumber(tid) or 0
  stride = tonumber(os.getenv("THREADS") or "1")
end

request = function()
  local i = (offset + counter * stride) % #sessions + 1
  counter = counter + 1
  local s = sessions[i]
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Cookie"] = "sessionid=" .. s[1] .. "; csrftoken=" .. s[2]
  headers["X-CSRFToken"] = s[2]
  return wrk.format("POST", "/api/attendance/signin", headers, "{}")
end
