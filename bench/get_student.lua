-- get_student.lua -- wrk script for bench/run.sh: GET one student by a
-- random id in 1..N (N from BENCH_STUDENTS, default 1,000,000), with the
-- session cookie from BENCH_COOKIE (the minimal server ignores it).
-- Non-2xx answers are counted by wrk and reported by run.sh.

local n = tonumber(os.getenv("BENCH_STUDENTS") or "1000000")
local cookie = os.getenv("BENCH_COOKIE") or ""

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed or os.time())
end

request = function()
  local path = "/api/v1/students/" .. math.random(1, n)
  local headers = {}
  if cookie ~= "" then
    headers["Cookie"] = "xj_session=" .. cookie
  end
  return wrk.format("GET", path, headers)
end
