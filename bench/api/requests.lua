-- wrk script for scripts/bench-api: one kind of request per run (HW_KIND = healthz, detail,
-- search, list or write), signed with HW_TOKEN, ids and names drawn from HW_SAMPLE (one per line:
-- "id<TAB>case number<TAB>search words"). `write` is a mix of a third each: a registration, an
-- RSS survey (answers from HW_ANSWERS, JSON) and a follow-up visit on a sampled case. Prints one
-- RESULT line with p50/p95/p99 in ms; `errors` counts answers other than 2xx and 3xx.

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
local writes = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local answers = os.getenv("HW_ANSWERS") or "{}"
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
  elseif kind == "write" then
    local case = ids[math.random(#ids)]
    if n % 3 == 0 then
      local body = '{"given_name":"Awa","family_name":"Bench' .. math.random(1000000) .. '","sex":"female",' ..
        '"date_of_birth":"1990-01-01","date_of_return":"2026-01-01","country_of_origin":"SN","office":"dakar"}'
      return wrk.format("POST", "/api/v1/cases", writes, body)
    elseif n % 3 == 1 then
      local body = '{"phase":"ad_hoc","date":"2026-11-01","consent":"yes","answers":' .. answers .. '}'
      return wrk.format("POST", "/api/v1/cases/" .. case .. "/surveys", writes, body)
    else
      local body = '{"date":"2026-11-01","mode":"phone","kind":"routine"}'
      return wrk.format("POST", "/api/v1/cases/" .. case .. "/follow-ups", writes, body)
    end
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
