-- Reading trajectories: dumps without a diameter column (like= and
-- diameters= are honoured: the frame says which fields it carries), per-type
-- masses, dt for text frames without times, t.count at open for every format,
-- t.position, skipping, and a .vtt written after md:run (positions drifted
-- out of the box since the last list build) read back with exact unwrapped
-- positions.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local dir = T.tmpdir()

-- a LAMMPS-style dump without diameters, written by hand: 2 frames, 3 atoms, types 1 and 2
local dump = dir .. "/nodiam.dump"
local f = assert(io.open(dump, "w"))
for k = 0, 2 do
  f:write(("ITEM: TIMESTEP\n%d\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\n"):format(100 * k))
  f:write("ITEM: ATOMS id type xu yu zu\n")
  f:write(("1 1 %g 1 1\n2 2 2 %g 2\n3 2 3 3 %g\n"):format(1 + 2.5 * k, 2 - 3 * k, 3 + 0.5 * k))
end
f:close()

local t = vt.trajectory(dump)
T.is(t.count, 3, "dump: 3 frames counted at open")
T.is(t.position, 0, "position 0 at open")
local fr = t:read()
T.is(fr.diameters, nil, "a dump without a diameter column gives frames without diameters")
T.is(fr.velocities, nil, "... and without velocities")
T.is(fr.time, nil, "no time without dt")
local like = vt.system{ n = 3, box = { 5, 5, 5 }, species = { { fraction = 1 / 3, diameter = 1.0 }, { fraction = 2 / 3, diameter = 1.4 } }, seed = 1 }
like:set_diameters{ 1.0, 1.4, 1.4 }
fr = t:read{ system = true, like = like }
local d = fr.system:diameters()
T.ok(d[1] == 1.0 and d[2] == 1.4 and d[3] == 1.4, "like= supplies the diameters of a frame without them (the sigma = 1 bug)")
T.close(fr.unwrapped:get(2, 2), 2 - 3, 0, 1e-15, "unwrapped positions from xu yu zu")
T.is(t.position, 2, "position after two reads")
t:close()

t = vt.trajectory(dump, { diameters = { 1.0, 1.2 }, masses = { 1.0, 1.728 }, dt = 0.005 })
T.is(t:skip(1), 1, "skip a frame")
fr = t:read()
T.ok(fr.diameters and fr.diameters[1] == 1.0 and fr.diameters[3] == 1.2, "per-type diameters from diameters=")
T.ok(fr.masses and fr.masses[2] == 1.728, "per-type masses from masses=")
T.close(fr.time, 100 * 0.005, 1e-15, 0, "time = step * dt")
T.ok(t:read() and t:read() == nil, "third frame, then the end")
t:close()
T.raises(function() vt.trajectory(dump, { diameters = { 1.0 } }):read() end, "type", "too few diameters named")
T.raises(function() vt.trajectory(dump, { masses = { -1, 1 } }) end, "positive", "negative mass refused")
T.raises(function() vt.trajectory(dump, { dt = 0 }) end, "dt", "dt = 0 refused")
T.raises(function() vt.trajectory(dump, { step = 3 }) end, "unknown", "unknown option")

-- count at open for xyz and vtt, written by vitrum
local s = vt.system{ n = 500, density = 0.75, init = "lattice", seed = 2, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:thermalize{ T = 1.5, seed = 2 }
for _, ext in ipairs{ "xyz", "vtt" } do
  local path = dir .. "/c." .. ext
  local w = vt.trajectory(path, "w")
  for k = 1, 4 do w:write(s, { step = k }) end
  w:close()
  local r = vt.trajectory(path)
  T.is(r.count, 4, ext .. ": 4 frames counted at open")
  r:close()
end

-- a .vtt written after md:run: positions may lie outside [0, L) until the next list build
local md = vt.md{ system = s, dt = 0.005, T = 1.5 }
local path = dir .. "/after_md.vtt"
local w = vt.trajectory(path, "w")
-- (s:positions() wraps on output, so the drift itself is not visible from
-- Lua: that particles crossed the box faces during the run -- their image
-- counts changed -- is what makes frames between list builds hold drifted
-- coordinates)
local saved, crossed = {}, 0
local im0 = s:images()
for k = 1, 8 do
  md:run{ steps = 25 }
  w:write(s, { step = md.step, time = md.time })
  saved[k] = s:unwrapped()
end
w:close()
local im1 = s:images()
for i = 1, s.n do for q = 1, 3 do if im1:get(i, q) ~= im0:get(i, q) then crossed = crossed + 1 end end end
T.ok(crossed > 0, ("particles crossed the box faces during the run (%d image changes): the case of issue 21"):format(crossed))
local r = vt.trajectory(path)
local k, exact, inbox = 0, true, true
for fr2 in r:frames() do
  k = k + 1
  local u = fr2.unwrapped
  for i = 1, s.n do
    for q = 1, 3 do
      if u:get(i, q) ~= saved[k]:get(i, q) then exact = false end
      local xx = fr2.positions:get(i, q)
      if xx < 0 or xx >= fr2.box[q] then inbox = false end
    end
  end
end
T.is(k, 8, "a trajectory written after md:run reads back (8 frames)")
T.ok(exact, "unwrapped positions exact")
T.ok(inbox, "frame positions wrapped into [0, L)")
r:close()
T.done()
