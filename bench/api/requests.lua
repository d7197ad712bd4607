-- wrk script for scripts/bench-api: one kind of request per run (HW_KIND = healthz, detail,
-- search or list), signed with HW_TOKEN, ids and names drawn from HW_SAMPLE (one per line:
-- "id<TAB>case number<TAB>search words"). Prints one RESULT line with p50/p95/p99 in ms.

local kind = os.getenv("HW_KIND")
local token = os.getenv("HW_TOKEN")
local ids, numbers, words = {}, {}, {}
for line in io.lines(os.getenv("HW_SAMPLE")) do
  local id, number, name = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
  ids[#ids + 1] = id
  numbers[#numbers + 1] = number
  words[#words + 1] = name:gsub(" ", "%%20")
end
local offices = { "dakar", "thies", "kaolack" }
local statuses = { "intake", "assessment", "planning", "in_assistance", "monitoring" }
local headers = { ["Authorization"] = "Bearer " .. token }
local n = 0

math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)

request = function()
  n = n + 1
  local path
  if kind == "detail" then
    path = "/api/v1/cases/" .. ids[math.random(#ids)]
  elseif kind == "search" then
    -- Half by name (two words), half by case number, as case workers search.
    if n % 2 == 0 then
      path = "/api/v1/cases?limit=20&q=" .. words[math.random(#words)]
    else
      path = "/api/v1/cases?limit=20&q=" .. numbers[math.random(#numbers)]
    end
  elseif kind == "list" then
    path = "/api/v1/cases?limit=50&office=" .. offices[math.random(#offices)] ..
      "&status=" .. statuses[math.random(#statuses)] .. "&cursor=" .. ids[math.random(#ids)]
  else
    path = "/healthz"
  end
  return wrk.format("GET", path, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %s requests=%d rps=%.1f p50=%.2f p95=%.2f p99=%.2f errors=%d\n",
    kind, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
