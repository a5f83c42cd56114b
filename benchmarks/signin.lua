-- wrk script: each request signs in a distinct cadre, POSTing the JSON API.
-- CREDENTIALS names a file of lines "bearer <token>" (the phone app) or "<sessionid> <csrftoken>"
-- (the phone browser page); threads take interleaved lines.
local creds = {}
local counter = 0
local stride = 1
local offset = 0
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for line in io.lines(os.getenv("CREDENTIALS")) do
    local a, b = line:match("(%S+) (%S+)")
    local headers = {}
    headers["Content-Type"] = "application/json"
    if a == "bearer" then
      headers["Authorization"] = "Bearer " .. b
    else
      headers["Cookie"] = "sessionid=" .. a .. "; csrftoken=" .. b
      headers["X-CSRFToken"] = b
    end
    creds[#creds + 1] = headers
  end
  offset = tonumber(tid) or 0
  stride = tonumber(os.getenv("THREADS") or "1")
end

request = function()
  local i = (offset + counter * stride) % #creds + 1
  counter = counter + 1
  return wrk.format("POST", "/api/attendance/signin", creds[i], "{}")
end
