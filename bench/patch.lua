-- PATCH /api/v1/tables/{tid}/records/{rid} of random records among $BENCH_IDS.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/common.lua")
local prefix = "/api/v1/tables/" .. bench.tid .. "/records/"
local stages = { "Idea", "Active", "Done" }
local ids

function init(args)
   bench.seed()
   ids = bench.load_ids()
end

function request()
   local id = ids[math.random(1, #ids)]
   local body = string.format('{"values":{"Score":%d.%02d,"Stage":"%s","Done":%s}}',
      math.random(0, 999), math.random(0, 99), stages[math.random(1, 3)],
      math.random() < 0.5 and "true" or "false")
   return wrk.format("PATCH", prefix .. id, nil, body)
end
