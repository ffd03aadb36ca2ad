-- wrk: POST /api/v1/decide with the bench's request set, in turn, on
-- keep-alive connections. MAMORI_TOKEN and MAMORI_REQUESTS come from run.sh.
local token = os.getenv("MAMORI_TOKEN")
local bodies = {}
for line in io.lines(os.getenv("MAMORI_REQUESTS")) do bodies[#bodies + 1] = line end
local i = 0
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/decide", headers, bodies[i])
end
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("HTTP_RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f non200=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
