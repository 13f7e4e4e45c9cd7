-- bench/http.lua: the wrk script of bench/http.sh.
--
-- Environment: KITH_TOKEN (the workspace token, sent as a bearer token),
-- KITH_PATH (the request path; "{id}" in it becomes a random id from 1 to
-- KITH_N, different for every request), KITH_N (default 1000000).
-- At the end it prints one line for bench/http.sh to read:
--   RESULT requests seconds req_per_s p50_ms p90_ms p99_ms max_ms
--          non_2xx socket_errors

local path = os.getenv("KITH_PATH") or "/api/health"
local n = tonumber(os.getenv("KITH_N") or "1000000")
local varies = path:find("{id}", 1, true) ~= nil
local threads = 0

wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KITH_TOKEN") or "")

function setup(thread)
   threads = threads + 1
   thread:set("seed", threads)
end

function init(args)
   math.randomseed(1000 + (seed or 0))
end

function request()
   if not varies then
      return wrk.format("GET", path)
   end
   local p = path:gsub("{id}", tostring(math.random(1, n)))
   return wrk.format("GET", p)
end

function done(summary, latency, requests)
   local s = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "RESULT %d %.2f %.1f %.3f %.3f %.3f %.3f %d %d\n",
      summary.requests, s, summary.requests / s,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      e.status, e.connect + e.read + e.write + e.timeout))
end
