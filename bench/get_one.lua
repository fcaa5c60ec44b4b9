-- GET /api/v1/tables/{tid}/records/{rid} of random records among $BENCH_IDS.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/common.lua")
local prefix = "/api/v1/tables/" .. bench.tid .. "/records/"
local ids

function init(args)
   bench.seed()
   ids = bench.load_ids()
end

function request()
   return wrk.format("GET", prefix .. ids[math.random(1, #ids)])
end
