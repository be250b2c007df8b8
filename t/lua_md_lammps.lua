-- vitrum's Nose-Hoover chain against LAMMPS `fix nvt` (FixNH), the scheme it
-- reproduces (Martyna-Tuckerman-Tobias-Klein 1996 splitting, chain of 3,
-- masses following the target): both programs start from the same WAHNs
-- liquid (t/data/reference/liquid_T1.0_N500.data, written by LAMMPS) and run
-- 200 steps of `fix nvt temp 1.0 0.8 0.2` (a ramp) at dt 0.005. The
-- trajectories agree to round-off amplified by the chaos of 1 time unit:
-- positions and velocities within 1e-9 (measured: 4e-14), and the temperature, potential energy
-- within 1e-8 relative and the thermostat energy (LAMMPS f_1) within 1e-6.
-- Skipped when LAMMPS is not installed (LMP empty).
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local lmp = os.getenv("LMP")
if not lmp or lmp == "" then T.skip_all("LAMMPS not available (LMP is empty)") end
local ref = T.shared .. "/reference"
local data = ref .. "/liquid_T1.0_N500.data"
local dir = T.tmpdir()
local steps = 200

local f = assert(io.open(dir .. "/in.nvt", "w"))
f:write(([[
units           lj
atom_style      atomic
boundary        p p p
read_data       %s
include         %s/wahn_pot.in
timestep        0.005
fix             1 all nvt temp 1.0 0.8 0.2
thermo_style    custom step temp pe ke f_1
thermo_modify   norm no format float %%.17g
thermo          %d
run             %d
write_dump      all custom out.dump id xu yu zu vx vy vz modify sort id format float %%.17g
]]):format(data, ref, steps, steps))
f:close()
local okrun = os.execute(("cd '%s' && '%s' -in in.nvt -log log.lammps -screen none"):format(dir, lmp))
T.ok(okrun, "LAMMPS ran")

-- LAMMPS results: the last thermo line and the dump
local thermo
for line in io.lines(dir .. "/log.lammps") do
  local st, temp, pe, ke, f1 = line:match("^%s*(%d+)%s+(%S+)%s+(%S+)%s+(%S+)%s+(%S+)%s*$")
  if st and tonumber(st) == steps then thermo = { temp = tonumber(temp), pe = tonumber(pe), ke = tonumber(ke), f1 = tonumber(f1) } end
end
T.ok(thermo ~= nil, "LAMMPS thermo output at step " .. steps)
local lx, lv, nline = {}, {}, 0
for line in io.lines(dir .. "/out.dump") do
  nline = nline + 1
  if nline > 9 then
    local id, x, y, z, vx, vy, vz = line:match("^(%d+) (%S+) (%S+) (%S+) (%S+) (%S+) (%S+)")
    id = tonumber(id)
    lx[id] = { tonumber(x), tonumber(y), tonumber(z) }
    lv[id] = { tonumber(vx), tonumber(vy), tonumber(vz) }
  end
end
T.is(#lx, 500, "LAMMPS dump of 500 atoms")

-- vitrum, same start, same fix
local s = vt.read(data, { diameters = { 1.0, 1.2 } })
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
local md = vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 1.0, tau = 0.2, chain = 3 }
md:run{ steps = steps, T = { 1.0, 0.8 }, progress = false }
local x, v = s:unwrapped(), s:velocities()
local dx, dv = 0, 0
for i = 1, s.n do
  for k = 1, 3 do
    dx = math.max(dx, math.abs(x:get(i, k) - lx[i][k]))
    dv = math.max(dv, math.abs(v:get(i, k) - lv[i][k]))
  end
end
T.diag(("after %d steps: max |x_vitrum - x_lammps| %.3g, max |v diff| %.3g"):format(steps, dx, dv))
T.ok(dx < 1e-9, ("positions agree with LAMMPS fix nvt (max diff %.3g < 1e-9)"):format(dx))
T.ok(dv < 1e-9, ("velocities agree with LAMMPS fix nvt (max diff %.3g < 1e-9)"):format(dv))
if thermo then
  T.close(s:temperature(), thermo.temp, 1e-8, 0, "temperature (3N-3 degrees of freedom) as LAMMPS")
  T.close(s:energy(), thermo.pe, 1e-8, 0, "potential energy as LAMMPS")
  local thermostat_energy = md:conserved() - s:energy() - s:kinetic_energy()
  T.close(thermostat_energy, thermo.f1, 1e-6, 1e-8, "thermostat energy as LAMMPS f_1 (compute_scalar of fix nvt)")
end
os.execute("rm -rf '" .. dir .. "'")
T.done()
