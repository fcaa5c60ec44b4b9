-- Sequential single-record inserts: POST /api/v1/tables/{tid}/records.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/common.lua")
local path = "/api/v1/tables/" .. bench.tid .. "/records"
local stages = { "Idea", "Active", "Done" }
local n = 0

function init(args)
   bench.seed()
end

function request()
   n = n + 1
   local body = string.format(
      '{"values":{"Name":"Insert %d-%d","Email":"insert.%d.%d@example.com","Score":%d.%02d,"Done":%s,"Stage":"%s"}}',
      thread_id or 0, n, thread_id or 0, n, math.random(0, 999), math.random(0, 99),
      math.random() < 0.5 and "true" or "false", stages[math.random(1, 3)])
   return wrk.format("POST", path, nil, body)
end
