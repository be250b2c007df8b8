-- Shared by the Lua benchmarks in scripts/bench/: the header line naming the
-- machine, and the BLAS the process actually loaded.
--   local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
--   B.header(vt)
local M = {}

function M.sh(cmd)
  local p = io.popen(cmd)
  local r = p and p:read("a") or ""
  if p then p:close() end
  return (r:gsub("%s+$", ""))
end

-- the BLAS libraries mapped into this process (what CHOLMOD and ARPACK call;
-- LD_LIBRARY_PATH overrides show here, not in /etc/alternatives)
function M.blas_in_use()
  local f = io.open("/proc/self/maps")
  if not f then return "unknown" end
  local seen, list = {}, {}
  for line in f:lines() do
    local path = line:match("(/%S*blas%S*)$")
    if path and not seen[path] then seen[path] = true; list[#list + 1] = path end
  end
  f:close()
  return #list > 0 and table.concat(list, ", ") or "none loaded"
end

-- "# vitrum x.y.z, machine: ..., load ..." and "# BLAS: ..."
function M.header(vt)
  local cpu = M.sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-"):gsub("^%s+", "")
  print(("# vitrum %s, machine: %s cores (%s), %d OpenMP threads, load %s"):format(vt.version,
    M.sh("nproc --all"), cpu, vt.threads(), M.sh("cut -d' ' -f1-3 /proc/loadavg")))
  print("# BLAS: " .. M.blas_in_use())
end

return M
