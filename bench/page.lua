-- GET /api/v1/tables/{tid}/records?offset=90000&limit=100&sort=Name (the same page every time).
-- BENCH_PAGE_QUERY overrides the query string.
local bench = dofile((os.getenv("BENCH_DIR") or "bench") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/api/v1/tables/" .. bench.tid .. "/records?" ..
   (os.getenv("BENCH_PAGE_QUERY") or "offset=90000&limit=100&sort=Name")
