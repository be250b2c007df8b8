-- MSD of a LAMMPS-made trajectory read as a dump equals LAMMPS's own
-- `compute msd` (reference: the positions at step 0, unwrapped; com no):
-- LAMMPS runs 400 NVT steps of the shared WAHNs liquid, writing dumps
-- `id type x y z ix iy iz` and `id type xu yu zu` every 20 steps and the
-- MSD of all atoms and of type 2. vitrum reads both dumps as trajectories:
-- the displacement from frame 0 at every frame, and the correlator's longest
-- lag (one origin: frame 0 -> the last), agree to 1e-10 relative.
-- Skipped when LAMMPS is not installed (LMP empty).
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local lmp = os.getenv("LMP")
if not lmp or lmp == "" then T.skip_all("LAMMPS not available (LMP is empty)") end
local ref = T.shared .. "/reference"
local dir = T.tmpdir()

local f = assert(io.open(dir .. "/in.msd", "w"))
f:write(([[
units           lj
atom_style      atomic
boundary        p p p
read_data       %s/liquid_T1.0_N500.data
include         %s/wahn_pot.in
timestep        0.005
group           t2 type 2
compute         m all msd
compute         m2 t2 msd
fix             1 all nvt temp 1.0 1.0 0.2
fix             2 all ave/time 20 1 20 c_m[4] c_m2[4] file msd.txt format " %%.17g"
dump            1 all custom 20 img.dump id type x y z ix iy iz
dump_modify     1 format float %%.17g
dump            2 all custom 20 unw.lammpstrj id type xu yu zu
dump_modify     2 format float %%.17g
run             400
]]):format(ref, ref))
f:close()
T.ok(os.execute(("cd '%s' && '%s' -in in.msd -log log.lammps -screen none"):format(dir, lmp)), "LAMMPS ran")
local want = {}
for line in io.lines(dir .. "/msd.txt") do
  local st, a, b = line:match("^(%d+)%s+(%S+)%s+(%S+)")
  if st then want[tonumber(st)] = { tonumber(a), tonumber(b) } end
end
T.ok(want[400] ~= nil, "LAMMPS's MSD at step 400")

for _, name in ipairs{ "img.dump", "unw.lammpstrj" } do
  local path = dir .. "/" .. name
  local t = vt.trajectory(path, { diameters = { 1.0, 1.2 }, dt = 0.005 })
  T.is(t.count, 21, name .. ": 21 frames counted at open")
  local u0, types, worst, nf = nil, nil, 0, 0
  for fr in t:frames() do
    if not u0 then u0, types = fr.unwrapped, fr.types end
    local w = want[math.floor(fr.step)]
    if w and fr.step > 0 then
      nf = nf + 1
      local all = vt.analysis.msd(u0, fr.unwrapped)
      local two = vt.analysis.msd(u0, fr.unwrapped, { types = types, type = 2 })
      worst = math.max(worst, math.abs(all - w[1]) / w[1], math.abs(two - w[2]) / w[2])
    end
    if fr.step == 400 then T.close(fr.time, 2.0, 1e-15, 0, name .. ": time = step dt") end
  end
  T.ok(nf == 20 and worst < 1e-10, ("%s: displacement from frame 0 = LAMMPS compute msd at 20 frames (worst rel %.2g)"):format(name, worst))
  t:close()
  t = vt.trajectory(path, { dt = 0.005 })
  local m = vt.analysis.msd(t)
  local m2
  t:close()
  t = vt.trajectory(path, { dt = 0.005 })
  m2 = vt.analysis.msd(t, { type = 2 })
  t:close()
  local k = #m.t
  T.is(m.count[k], 1.0, name .. ": the longest lag has one origin (frame 0)")
  T.close(m.t[k], 2.0, 1e-12, 0, name .. ": the longest lag is 400 steps")
  T.close(m.msd[k], want[400][1], 1e-10, 0, name .. ": correlator's MSD(400 steps) = LAMMPS, all atoms")
  T.close(m2.msd[k], want[400][2], 1e-10, 0, name .. ": correlator's MSD(400 steps) = LAMMPS, type 2")
  T.is(m.count[2], 20.0, name .. ": the shortest lag is averaged over 20 origins")
end
T.done()
