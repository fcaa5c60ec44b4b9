-- Shared by the wrk scripts of bench/ (loaded with dofile from $BENCH_DIR).
-- Environment: BENCH_TOKEN (bearer token), BENCH_TID (table id),
-- BENCH_IDS (file of record ids, one a line).
local M = {}

M.token = os.getenv("BENCH_TOKEN") or "none"
M.tid = os.getenv("BENCH_TID") or "1"

wrk.headers["Authorization"] = "Bearer " .. M.token
wrk.headers["Accept"] = "application/json"
-- wrk.format(method, path, headers, body) uses its `headers` argument instead of
-- wrk.headers (it does not merge them): call it with nil headers so these go out.
wrk.headers["Content-Type"] = "application/json"

-- Each wrk thread has its own Lua state: number them so that each gets its
-- own fixed random seed: the same in every run unless $BENCH_SEED differs. A PATCH run
-- repeated with the same seed sends the values already stored, and a PATCH that changes
-- nothing writes nothing: a run after another must take another seed.
local next_thread = 0
function setup(thread)
   thread:set("thread_id", next_thread)
   next_thread = next_thread + 1
end

function M.seed()
   math.randomseed(4242 + 1000 * (thread_id or 0) + 7919 * (tonumber(os.getenv("BENCH_SEED")) or 0))
end

function M.load_ids()
   local path = os.getenv("BENCH_IDS")
   local ids = {}
   if path then
      for line in io.lines(path) do
         local id = tonumber(line)
         if id then ids[#ids + 1] = id end
      end
   end
   if #ids == 0 then
      for i = 1, 100000 do ids[i] = i end
   end
   return ids
end

-- One line that bench/run.sh reads; latencies in microseconds.
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d rps=%.1f status_errors=%d connect_errors=%d" ..
      " read_errors=%d write_errors=%d timeouts=%d p50_us=%d p90_us=%d p99_us=%d mean_us=%.0f max_us=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      e.status, e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max))
end

return M
