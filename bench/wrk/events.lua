-- POSTs canonical events to /v1/events: EVENTS_PER_REQUEST (env, default 1) per request, unique event ids,
-- visitors spread over 10k anonymous ids. Counts events sent, events acknowledged with a 2xx and non-2xx answers.
-- Requests still in flight when wrk stops are sent but not counted as acknowledged.
-- An optional RATE (requests/s for the whole run, env) paces each connection with wrk's delay().
local per_request = tonumber(os.getenv("EVENTS_PER_REQUEST") or "1")
local write_key = os.getenv("WRITE_KEY") or "bench-write-key"
local rate = tonumber(os.getenv("RATE") or "0")
local connections = tonumber(os.getenv("CONNECTIONS") or "64")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  acked, non2xx, sent = 0, 0, 0
  seq = 0
  wrk.method = "POST"
  wrk.path = "/v1/events?writeKey=" .. write_key
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end

local function uuid()
  seq = seq + 1
  return string.format("%08x-%04x-4%03x-8%03x-%012x", id, math.random(0, 0xffff), math.random(0, 0xfff),
    math.random(0, 0xfff), seq)
end

local function event(now)
  local visitor = math.random(1, 10000)
  return string.format('{"event_id":"%s","event_type":"page_view","site_id":"bench","anonymous_id":"v-%d",' ..
    '"occurred_at":"%s","sent_at":"%s","page":{"url":"https://shop.example/products/%d?utm_source=bench",' ..
    '"path":"/products/%d","title":"Product %d","referrer":"https://www.google.com/"},' ..
    '"context":{"user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",' ..
    '"locale":"en-US","timezone":"Europe/Berlin","screen":{"width":1920,"height":1080}}}',
    uuid(), visitor, now, now, visitor % 500, visitor % 500, visitor % 500)
end

function request()
  sent = sent + per_request
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local body
  if per_request == 1 then
    body = event(now)
  else
    local parts = {}
    for i = 1, per_request do parts[i] = event(now) end
    body = "[" .. table.concat(parts, ",") .. "]"
  end
  return wrk.format(nil, nil, nil, body)
end

function delay()
  if rate <= 0 then return 0 end
  return math.floor(1000 * connections / rate)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    acked = acked + per_request
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local total_acked, total_non2xx, total_sent = 0, 0, 0
  for _, t in ipairs(threads) do
    total_acked = total_acked + t:get("acked")
    total_non2xx = total_non2xx + t:get("non2xx")
    total_sent = total_sent + t:get("sent")
  end
  io.write(string.format("RESULT requests=%d duration_s=%.2f acked_events=%d sent_events=%d non2xx=%d errors=%d " ..
    "p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, total_acked, total_sent, total_non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
