-- reads_during_import.lua -- wrk script for bench/import_reads.sh: a mix
-- of the reads a county office makes all day -- a page of the student
-- list, one record by a random id in 1..N (BENCH_STUDENTS), the code
-- tables -- with the session cookie from BENCH_COOKIE.

local n = tonumber(os.getenv("BENCH_STUDENTS") or "100000")
local cookie = os.getenv("BENCH_COOKIE") or ""
local i = 0

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed or os.time())
end

request = function()
  local headers = { ["Cookie"] = "xj_session=" .. cookie }
  local path
  i = i + 1
  if i % 3 == 0 then
    path = "/api/v1/students?per_page=20&school_id=" .. math.random(1, 100)
  elseif i % 3 == 1 then
    path = "/api/v1/students/" .. math.random(1, n)
  else
    path = "/api/v1/codes"
  end
  return wrk.format("GET", path, headers)
end
