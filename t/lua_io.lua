-- vt.read / vt.write / vt.trajectory / vt.checkpoint from Lua: the reference
-- LAMMPS file with per-type diameters (energy per atom as LAMMPS), round
-- trips, trajectories for displacement analysis, and errors that name the
-- file and line.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local ref = T.shared .. "/reference/"
local dir = T.tmpdir()

local function summary(tag, key)
  for line in io.lines(ref .. tag .. ".summary") do
    local k, v = line:match("^(%S+) = (%S+)")
    if k == key then return tonumber(v) end
  end
end

-- the reference liquid: per-type diameters from the option
local s = vt.read(ref .. "liquid_T1.0_N500.data", { diameters = { 1.0, 1.2 } })
T.is(s.n, 500, "500 atoms")
T.is(s.ntypes, 2, "2 types")
T.is(s.mass_rule, "species", "mass rule from the Masses section")
local d = s:diameters()
local ty = s:types()
local okd = true
for i = 1, s.n do
  if d[i] ~= (ty[i] == 1 and 1.0 or 1.2) then okd = false end
end
T.ok(okd, "diameters by type")
s:set_potential(vt.potential.lj_smooth {})
T.close(s:energy() / s.n, summary("liquid_T1.0_N500", "pe_per_atom"), 1e-12, 0, "energy per atom as LAMMPS")
T.close(s:temperature(), summary("liquid_T1.0_N500", "temp"), 1e-12, 0, "temperature as LAMMPS")
local im = s:images()
T.ok(im:get(488, 1) == 0 and im:get(488, 2) == 1 and im:get(488, 3) == 1, "image flags of id 488")

-- id-sorted dump, last frame via frame=-1
local sd = vt.read(ref .. "liquid_T1.0_N500.atoms.dump", { diameters = { 1.0, 1.2 }, frame = -1 })
local p1, p2 = s:positions(), sd:positions()
local same = true
for i = 1, s.n do
  for k = 1, 3 do if p1:get(i, k) ~= p2:get(i, k) then same = false end end
end
T.ok(same, "data file ordered by id equals the id-sorted dump")

T.raises(function() vt.read(ref .. "liquid_T1.0_N500.data", { diameters = { 1.0 } }) end,
  "2 atom types but diameters were given for 1", "too few per-type diameters")
T.raises(function() vt.read(ref .. "liquid_T1.0_N500.data", { diamters = { 1.0 } }) end,
  "diamters", "a misspelt option is an error")
T.raises(function() vt.read(ref .. "liquid_T1.0_N500.data", { frame = 0 }) end, "frame", "frame=0 refused")
T.raises(function() vt.read(ref .. "liquid_T1.0_N500.data", { frame = 2 }) end, "one frame", "frame= refused for a data file")

-- round trips through every format, exact to the last bit
local function identical(a, b)
  local function eq(x, y)
    if #x ~= #y then return false end
    local sx, sy = x:totable(), y:totable()
    for i = 1, #sx do
      local u, v = sx[i], sy[i]
      if type(u) == "table" then
        for k = 1, #u do if u[k] ~= v[k] then return false end end
      elseif u ~= v then return false end
    end
    return true
  end
  return a.n == b.n and eq(a:positions(), b:positions()) and eq(a:images(), b:images())
    and eq(a:velocities(), b:velocities()) and eq(a:diameters(), b:diameters())
    and eq(a:masses(), b:masses()) and eq(a:types(), b:types()) and a.mass_rule == b.mass_rule
end

local poly = vt.system { n = 200, density = 0.8, diameters = { law = "power", exponent = -3, min = 0.73, max = 1.61 },
  mass = "volume", seed = 3 }
poly:thermalize { T = 0.5, seed = 4 }
for _, name in ipairs { "p.data", "p.dump", "p.xyz", "p.vtc", "p.vtt" } do
  vt.write(poly, dir .. "/" .. name)
  local back = vt.read(dir .. "/" .. name)
  T.ok(identical(poly, back), name .. ": round trip is exact")
end
vt.write(poly, dir .. "/plain", { format = "lammps-data" })
T.ok(identical(poly, vt.read(dir .. "/plain", { format = "lammps-data" })), "format= on both sides")
T.raises(function() vt.write(poly, dir .. "/x.unknown") end, "extension", "unknown extension")

-- checkpoints with blobs (binary strings)
local blob = string.char(0, 1, 2, 255, 0) .. "thermostat state"
poly:set_potential(vt.potential.lj_smooth { inner = 1.1, outer = 1.3 })
local e0 = poly:energy()
vt.checkpoint.write(dir .. "/c.vtc", poly, { md = blob, rng = "" })
local c, blobs = vt.checkpoint.read(dir .. "/c.vtc")
T.ok(identical(poly, c), "checkpoint: state exact")
T.is(c:energy(), e0, "checkpoint: the potential is back, same energy")
T.is(blobs.md, blob, "checkpoint: binary blob intact")
T.is(blobs.rng, "", "checkpoint: empty blob intact")
T.raises(function() vt.checkpoint.write(dir .. "/c.vtc", poly, { md = 1 }) end, "must be a string", "blob must be a string")
T.raises(function() vt.checkpoint.read(dir .. "/p.data") end, "not a vitrum checkpoint", "a data file is not a checkpoint")

-- trajectories: displacements from unwrapped positions
for _, name in ipairs { "run.vtt", "run.dump", "run.xyz" } do
  local path = dir .. "/" .. name
  local sys = poly:copy()
  local u0 = sys:unwrapped()
  local t = vt.trajectory(path, "w")
  T.is(t.mode, "w", name .. ": mode w")
  for k = 0, 4 do
    local u = sys:unwrapped():totable()
    for i = 1, sys.n do for q = 1, 3 do u[i][q] = u[i][q] + 0.6 * k end end
    sys:set_positions(u)
    t:write(sys, { step = 100 * k, time = 0.5 * k, velocities = k == 4, diameters = k == 4 })
  end
  T.is(t.count, 5, name .. ": 5 frames written")
  t:close()
  T.raises(function() t:write(sys) end, "closed", name .. ": closed trajectory refuses writes")

  local tr <close> = vt.trajectory(path)
  local n, okstep, okdisp = 0, true, true
  for f in tr:frames() do
    if f.step ~= 100 * n or f.time ~= 0.5 * n then okstep = false end
    local uw = f.unwrapped
    for i = 1, f.n, 37 do
      for q = 1, 3 do
        if math.abs(uw:get(i, q) - u0:get(i, q) - 0.6 * n * (n + 1) / 2) > 1e-9 then okdisp = false end
      end
    end
    n = n + 1
  end
  T.is(n, 5, name .. ": 5 frames read")
  T.ok(okstep, name .. ": step and time per frame")
  T.ok(okdisp, name .. ": unwrapped displacements as written")
end

local tr = vt.trajectory(dir .. "/run.vtt")
T.is(tr:skip(3), 3, "skip 3 frames")
local f = tr:read()
T.is(f.step, 300, "fourth frame after skipping")
T.ok(f.velocities == nil and f.diameters == nil, "no velocities or diameters where none were written")
f = tr:read { system = true, like = poly }
T.ok(f.velocities ~= nil and f.diameters ~= nil and f.masses ~= nil, "velocities, diameters, masses when written")
T.ok(f.system and f.system.n == poly.n, "frame as a system")
-- every particle moved by the same vector: the energy is poly's (translation invariance)
T.close(f.system:energy(), e0, 1e-9, 1e-9, "the frame's system has the potential of like=")
T.is(tr:read(), nil, "nil at the end")
tr:close()
T.raises(function() vt.trajectory(dir .. "/run.vtt", "a") end, "mode", "mode 'a' refused")
T.raises(function() vt.trajectory(dir .. "/missing.vtt") end, "missing.vtt", "missing trajectory named")

-- errors name the file and the line
local bad = dir .. "/bad.data"
local fh = io.open(bad, "w")
fh:write("t\n\n2 atoms\n1 atom types\n\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms # atomic\n\n1 1 0 0 0\n2 1 0 zz 0\n")
fh:close()
T.raises(function() vt.read(bad) end, "bad%.data:13: coordinate 'zz' is not a number", "malformed data names file:line")

os.execute("rm -rf '" .. dir .. "'")
T.done()
