-- Files that other tools read, checked with the real clients: extended XYZ
-- through ASE (and back), multi-frame LAMMPS dumps through MDAnalysis, a
-- dump through LAMMPS read_dump, extra per-atom columns; all written after
-- md:run, when the system's own positions have drifted out of the box.
-- Each client is skipped cleanly when it is not installed.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local dir = T.tmpdir()
local function path(name) return dir .. "/" .. name end

-- Debian's interpreter (python3-ase, python3-mdanalysis live there), not a
-- python3 that a user's PATH may put first
local py = os.getenv("VT_PYTHON")
if not py or py == "" then
  local f = io.open("/usr/bin/python3", "r")
  py = f and "/usr/bin/python3" or "python3"
  if f then f:close() end
end
local function has_module(m)
  return os.execute(py .. " -c 'import " .. m .. "' >/dev/null 2>&1") == true
end

-- run a Python snippet; returns its "key value" lines as a table
local function python(code, tag)
  local script = path("client_" .. tag .. ".py")
  local f = assert(io.open(script, "w"))
  f:write("import warnings\nwarnings.filterwarnings('ignore')\n", code)
  f:close()
  local p = io.popen(py .. " '" .. script .. "' 2>" .. path(tag .. ".err"), "r")
  local out = {}
  for line in p:lines() do
    local k, v = line:match("^(%S+) (.*)$")
    if k then out[k] = v end
  end
  local okp = p:close()
  if not okp then
    for line in io.lines(path(tag .. ".err")) do T.diag(line) end
  end
  return okp and out or nil
end

local s = vt.system { n = 500, density = 0.75, init = "lattice", seed = 3, mass = "volume",
  species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth { inner = 2.5, outer = 2.75 })
s:thermalize { T = 2.0, seed = 3 }
local md = vt.md { system = s, dt = 0.005, T = 2.0, tau = 0.2 }
local traj = vt.trajectory(path("run.dump"), "w")
for k = 1, 3 do
  md:run { steps = 100 }
  traj:write(s, { step = md.step })
end
traj:close()

-- s:positions() keeps its promise after MD: wrapped, and with s:images()
-- the unwrapped positions
local L = s.box[1]
local x, im, xu = s:positions(), s:images(), s:unwrapped()
local inside, worst = true, 0
for i = 1, s.n do
  for k = 1, 3 do
    local v = x:get(i, k)
    if not (v >= 0 and v < L) then inside = false end
    worst = math.max(worst, math.abs(v + im:get(i, k) * L - xu:get(i, k)))
  end
end
T.ok(inside, "s:positions() after md:run lie in [0, L)")
T.ok(worst < 1e-12 * L * 10, ("positions + images * L = unwrapped (worst %.1e)"):format(worst))

-- the per-atom columns of the user's choice
local p2, disp = {}, {}
for i = 1, s.n do
  p2[i] = 0.25 * i
  disp[i] = { i, -i, 0.5 }
end
vt.write(s, path("s.xyz"), { columns = { p2 = p2, disp = disp } })
vt.write(s, path("s.dump"), { columns = { p2 = p2, disp = disp } })
vt.write(s, path("s.data"))
local back = vt.read(path("s.xyz"))
T.ok(back:types():get(1) == s:types():get(1) and back.ntypes == 2, "xyz with names reads back with the types")
T.raises(function() vt.write(s, path("bad.xyz"), { columns = { mass = p2 } }) end, "already uses",
  "a column may not repeat the writer's own")
T.raises(function() vt.write(s, path("bad.xyz"), { columns = { p2 = { 1, 2 } } }) end, "expected 500 rows",
  "a column of the wrong length")
T.raises(function() vt.write(s, path("bad.data"), { columns = { p2 = p2 } }) end, "for dumps and xyz",
  "columns refused for data files")
T.raises(function() vt.write(s, path("bad.xyz"), { species = { "A", "A" } }) end, "same species name",
  "two types with one name")
T.raises(function() vt.write(s, path("bad.xyz"), { species = { "A", "B", "C" } }) end, "the system has 2 types",
  "a name for a missing type")
vt.write(s, path("named.xyz"), { species = { "Ni", "P" } })
local nb = vt.read(path("named.xyz"))
T.ok(nb:types():get(1) == s:types():get(1) and nb:types():get(2) == s:types():get(2), "species names map back to the types")
do
  local f = io.open(path("s.dump"))
  local txt = f:read("a")
  f:close()
  T.ok(txt:find("ITEM: ATOMS id type x y z ix iy iz vx vy vz diameter mass disp%[1%] disp%[2%] disp%[3%] p2\n", 1) ~= nil,
    "dump columns named as LAMMPS names vector columns, in sorted order")
  T.ok(not txt:find("ITEM: TIME\n", 1, true), "no ITEM: TIME unless a time is given")
end
local tt = vt.trajectory(path("timed.dump"), "w")
tt:write(s, { step = 7, time = 0.035 })
tt:close()
do
  local f = io.open(path("timed.dump"))
  local head = f:read("a")
  f:close()
  T.ok(head:find("^ITEM: TIME\n0%.035[0-9]*\nITEM: TIMESTEP\n7\n"), "a given time comes first, as LAMMPS writes it")
end

if has_module("ase") then
  local r = python(([[
import ase.io, numpy as np
a = ase.io.read('%s', format='extxyz')
print('n', len(a))
print('symbols', ' '.join(sorted(set(a.get_chemical_symbols()))))
print('first', a.get_chemical_symbols()[0])
print('pos1', '%%.17g %%.17g %%.17g' %% tuple(a.positions[0]))
print('radius1', '%%.17g' %% a.arrays['radius'][0])
print('velo1', '%%.17g' %% a.arrays['velo'][0][0])
print('mass1', '%%.17g' %% a.arrays['mass'][0])
print('p2_10', '%%.17g' %% a.arrays['p2'][9])
print('disp_10', '%%.17g' %% a.arrays['disp'][9][1])
print('cell', '%%.17g' %% a.cell[0][0])
ase.io.write('%s', a, format='extxyz')
]]):format(path("s.xyz"), path("ase.xyz")), "ase")
  if T.ok(r ~= nil, "ASE reads vitrum's extended XYZ") then
    T.is(tonumber(r.n), s.n, "ASE: number of atoms")
    T.is(r.symbols, "H He", "ASE: species names are chemical symbols")
    T.is(r.first, s:types():get(1) == 1 and "H" or "He", "ASE: species by type")
    local px, py_, pz = r.pos1:match("(%S+) (%S+) (%S+)")
    T.ok(tonumber(px) == x:get(1, 1) and tonumber(py_) == x:get(1, 2) and tonumber(pz) == x:get(1, 3),
      "ASE: positions exact and wrapped")
    T.is(tonumber(r.radius1), s:diameters():get(1) / 2, "ASE: radius")
    T.is(tonumber(r.velo1), s:velocities():get(1, 1), "ASE: velo")
    T.is(tonumber(r.mass1), s:masses():get(1), "ASE: mass")
    T.is(tonumber(r.p2_10), 2.5, "ASE: extra column p2")
    T.is(tonumber(r.disp_10), -10, "ASE: extra 3-column disp")
    T.is(tonumber(r.cell), L, "ASE: cell")
    local a = vt.read(path("ase.xyz"))
    local same, dx = true, 0
    for i = 1, s.n do
      if a:types():get(i) ~= s:types():get(i) then same = false end
      for k = 1, 3 do dx = math.max(dx, math.abs(a:positions():get(i, k) - x:get(i, k))) end
    end
    T.ok(same, "ASE's own extended XYZ reads back with vitrum's types")
    T.ok(dx < 1e-7, ("ASE's rewrite keeps positions to its 8 decimals (%.1e)"):format(dx))
  end
else
  T.ok(true, "# SKIP python3-ase is not installed")
end

if has_module("MDAnalysis") then
  local r = python(([[
import MDAnalysis as mda, numpy as np
u = mda.Universe('%s', format='LAMMPSDUMP')
print('frames', u.trajectory.n_frames)
print('n', u.atoms.n_atoms)
u.trajectory[-1]
print('pos1', '%%.9g %%.9g %%.9g' %% tuple(u.atoms.positions[0]))
print('box', '%%.9g' %% u.trajectory.ts.dimensions[0])
print('type1', u.atoms.types[0])
print('ids', int(u.atoms.ids.min()), int(u.atoms.ids.max()))
u2 = mda.Universe('%s', format='LAMMPSDUMP')
print('one', u2.trajectory.n_frames)
]]):format(path("run.dump"), path("s.dump")), "mda")
  if T.ok(r ~= nil, "MDAnalysis reads vitrum's trajectory dump") then
    T.is(tonumber(r.frames), 3, "MDAnalysis: 3 frames")
    T.is(tonumber(r.n), s.n, "MDAnalysis: number of atoms")
    local px, py_, pz = r.pos1:match("(%S+) (%S+) (%S+)")
    T.ok(math.abs(tonumber(px) - x:get(1, 1)) < 1e-5 * L and math.abs(tonumber(py_) - x:get(1, 2)) < 1e-5 * L and
      math.abs(tonumber(pz) - x:get(1, 3)) < 1e-5 * L, "MDAnalysis: last frame's positions (single precision)")
    T.close(tonumber(r.box), L, 1e-6, 0, "MDAnalysis: box")
    T.is(r.type1, ("%d"):format(s:types():get(1)), "MDAnalysis: types")
    T.is(r.ids, "1 500", "MDAnalysis: ids 1..N")
    T.is(tonumber(r.one), 1, "MDAnalysis reads a dump with extra columns")
  end
else
  T.ok(true, "# SKIP python3-mdanalysis is not installed")
end

local lmp = os.getenv("LMP") or ""
if lmp ~= "" then
  -- LAMMPS reads vitrum's data file, then the positions, images and
  -- velocities of vitrum's dump with read_dump, and writes them back
  local f = assert(io.open(path("in.rd"), "w"))
  f:write(([[
units lj
atom_style atomic
boundary p p p
read_data %s
read_dump %s %d x y z vx vy vz ix iy iz box yes replace yes
write_dump all custom %s id type x y z ix iy iz vx vy vz modify sort id format float %%.17g
]]):format(path("s.data"), path("run.dump"), md.step, path("lmp.dump")))
  f:close()
  local okl = os.execute("cd '" .. dir .. "' && '" .. lmp .. "' -in in.rd -log none -screen lmp.out >/dev/null 2>&1")
  if T.ok(okl == true, "LAMMPS read_dump reads vitrum's trajectory dump") then
    local l = vt.read(path("lmp.dump"))
    local same = true
    for i = 1, s.n do
      for k = 1, 3 do
        if l:positions():get(i, k) ~= x:get(i, k) or l:images():get(i, k) ~= im:get(i, k)
          or l:velocities():get(i, k) ~= s:velocities():get(i, k) then same = false end
      end
    end
    T.ok(same, "LAMMPS: the frame's positions, images and velocities exactly")
  else
    for line in io.lines(path("lmp.out")) do T.diag(line) end
  end
else
  T.ok(true, "# SKIP LAMMPS (lmp) is not installed")
end

os.execute("rm -rf '" .. dir .. "'")
T.done()
