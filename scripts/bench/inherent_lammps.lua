-- Benchmark (not a test) of the inherent-state trajectory (issue 15): a
-- WAHNs liquid (N = 500, the shared T = 1 reference liquid cooled to and
-- run at T = 0.5 for 2000 NVT steps) minimized every 10 MD steps, FRAMES
-- frames after the first, with vt.analysis.inherent_trajectory and the same
-- loop in LAMMPS (run 10; store the state; minimize; restore the positions
-- and velocities; repeat). Both minimize to a largest force component below
-- 1e-10 (LAMMPS: min_style cg, min_modify norm inf, etol 0). Goal: vitrum
-- >= 3x faster. Prints seconds per frame (MD + minimization), force
-- evaluations per frame and the transitions each found. One thread each
-- (LAMMPS is run as one serial process); the machine may be shared.
--
-- usage: vitrum scripts/bench/inherent_lammps.lua [frames]   (LMP=path to lmp, default "lmp")
local vt = require "vitrum"
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
local root = debug.getinfo(1, "S").source:match("^@(.*)/scripts/bench/") or "."
if root:sub(1, 1) ~= "/" then root = B.sh("pwd") .. "/" .. root end   -- LAMMPS runs in another directory
local ref = root .. "/t/data/reference"
local frames = tonumber(arg and arg[1]) or 20
local lmp = os.getenv("LMP") or "lmp"
vt.threads(1)
B.header(vt)

local pot = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
local s = vt.read(ref .. "/liquid_T1.0_N500.data", { diameters = { 1.0, 1.2 } })
s:set_potential(pot)
local md = vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 0.5, tau = 0.2 }
md:run{ steps = 2000 }
local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
vt.write(s, dir .. "/start.data")
print(("# N = %d, T = 0.5, every 10 steps, %d frames after the first; work files in %s"):format(s.n, frames, dir))
print("# seconds per frame (MD + minimization): wall, and CPU (user + system; the fair measure on a shared machine)")
print("# program  minimizer                  wall      cpu  evals/frame  transitions")

local function vitrum(name, make)
  local c = vt.read(dir .. "/start.data")
  c:set_potential(pot)
  local m = vt.md{ system = c, dt = 0.005, thermostat = "nose-hoover", T = 0.5, tau = 0.2 }
  local t0, c0 = vt.clock(), os.clock()
  local r = vt.analysis.inherent_trajectory{ md = m, minimizer = make and make() or nil, every = 10, frames = frames }
  local t, cpu = vt.clock() - t0, os.clock() - c0
  print(("vitrum   %-22s %8.4f %8.4f  %11.0f  %11d%s"):format(name, t / (frames + 1), cpu / (frames + 1),
        r.force_evals / (frames + 1), r.transitions, r.unconverged > 0 and ("  UNCONVERGED " .. r.unconverged) or ""))
  return cpu
end

local tv = vitrum("lbfgs (default)", nil)
local best = tv
best = math.min(best, vitrum("cg", function() return vt.cg{ ftol = 1e-10 } end))
best = math.min(best, vitrum("lbfgs + ichol, reuse", function() return vt.lbfgs{ ftol = 1e-10, precondition = "ichol", reuse = true } end))
best = math.min(best, vitrum("newton", function() return vt.newton{ ftol = 1e-10 } end))
best = math.min(best, vitrum("fire2", function() return vt.fire{ ftol = 1e-10 } end))

if os.execute("command -v '" .. lmp .. "' > /dev/null 2>&1") then
  local f = assert(io.open(dir .. "/in.is", "w"))
  f:write(([[
units           lj
atom_style      atomic
boundary        p p p
read_data       start.data
include         %s/wahn_pot.in
timestep        0.005
fix             1 all nvt temp 0.5 0.5 0.2
thermo_style    custom step pe
thermo_modify   norm no format float %%.15g
thermo          0
min_style       cg
min_modify      norm inf
variable        u equal pe
variable        sx atom f_save[1]
variable        sy atom f_save[2]
variable        sz atom f_save[3]
variable        svx atom f_save[4]
variable        svy atom f_save[5]
variable        svz atom f_save[6]
variable        k loop %d
label           again
fix             save all store/state 0 x y z vx vy vz
minimize        0 1e-10 1000000 10000000
print           "UIS ${u}"
set             group all x v_sx y v_sy z v_sz vx v_svx vy v_svy vz v_svz
unfix           save
run             10 post no
next            k
jump            SELF again
fix             save all store/state 0 x y z vx vy vz
minimize        0 1e-10 1000000 10000000
print           "UIS ${u}"
]]):format(ref, frames))
  f:close()
  local t0 = vt.clock()
  -- CPU time of the LAMMPS process from GNU time (Debian package "time") when present
  local timer = os.execute("test -x /usr/bin/time") and "/usr/bin/time -f '%U %S' -o cpu.txt " or ""
  local ok = os.execute(("cd '%s' && OMP_NUM_THREADS=1 %s'%s' -in in.is -log log.lammps -screen none"):format(dir, timer, lmp))
  local tl = vt.clock() - t0
  local cf = io.open(dir .. "/cpu.txt")
  local cu, cs = (cf and cf:read("a") or ""):match("([%d.]+) ([%d.]+)")
  if cf then cf:close() end
  local cpu_l = cu and (tonumber(cu) + tonumber(cs)) or 0/0
  local u, evals = {}, 0
  for line in io.lines(dir .. "/log.lammps") do
    local x = line:match("^UIS (%S+)")
    if x then u[#u + 1] = tonumber(x) end
    local e = line:match("^%s*Iterations, force evaluations = %d+ (%d+)")
    if e then evals = evals + tonumber(e) end
  end
  local tr = 0
  for k = 2, #u do if math.abs(u[k] - u[k - 1]) > 1e-5 then tr = tr + 1 end end
  print(("lammps   %-22s %8.4f %8.4f  %11.0f  %11d%s"):format("cg, norm inf", tl / (frames + 1), cpu_l / (frames + 1),
        evals / (frames + 1), tr, (ok and #u == frames + 1) and "" or "  FAILED: see " .. dir .. "/log.lammps"))
  print(("# CPU time per frame: vitrum (the default, lbfgs) is %.1fx faster than LAMMPS, vitrum (best above) %.1fx"):format(
        cpu_l / tv, cpu_l / best))
else
  print("# LAMMPS (" .. lmp .. ") not found: no comparison")
end
