-- H5MD trajectories: written after md:run, read back exactly by vitrum and
-- by MDAnalysis (python3-mdanalysis with python3-h5py); refusals. Skipped
-- when this vitrum was built without libhdf5.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
if not vt.h5md.available then T.skip_all("built without libhdf5 (libhdf5-dev)") end
local dir = T.tmpdir()
local path = dir .. "/run.h5md"

local s = vt.system { n = 500, density = 0.75, mass = "volume", seed = 3,
  species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth {})
s:thermalize { T = 1, seed = 1 }
local md = vt.md { system = s, T = 1 }
local h = vt.h5md(path)
local firstx
for k = 1, 3 do
  md:run { steps = 50, progress = false }
  if k == 1 then firstx = s:positions() end
  h:write(s, { step = md.step, time = md.time })
end
T.is(h.count, 3, "3 frames written")
T.ok(io.open(path) == nil, "nothing under the name before close")
h:close()
T.ok(io.open(path) ~= nil, "the file appears at close")

local function same(a, b)
  for i = 1, a.n do
    for k = 1, 3 do
      if a:positions():get(i, k) ~= b:positions():get(i, k) or a:images():get(i, k) ~= b:images():get(i, k)
        or a:velocities():get(i, k) ~= b:velocities():get(i, k) then return false end
    end
    if a:diameters():get(i) ~= b:diameters():get(i) or a:masses():get(i) ~= b:masses():get(i)
      or a:types():get(i) ~= b:types():get(i) then return false end
  end
  return a.mass_rule == b.mass_rule and a.box[1] == b.box[1] and a.box[3] == b.box[3]
end
T.ok(same(vt.read(path, { frame = -1 }), s), "the last frame reads back exactly (positions, images, velocities, diameters, masses, types, mass rule)")
local f1 = vt.read(path)
local ok1 = true
for i = 1, s.n do for k = 1, 3 do if f1:positions():get(i, k) ~= firstx:get(i, k) then ok1 = false end end end
T.ok(ok1, "frame 1 is the first frame written")
T.raises(function() vt.read(path, { frame = 4 }) end, "frame 4 requested, the file has 3", "a missing frame")
local txt = dir .. "/not.h5md"
local g = io.open(txt, "w"); g:write("hello\n"); g:close()
T.raises(function() vt.read(txt) end, "not an HDF5 file", "a text file is not H5MD")
local h2 = vt.h5md(dir .. "/two.h5md")
h2:write(s)
T.raises(function() h2:write(vt.system { n = 600, density = 0.75 }) end, "600 particles, but the file's frames have 500",
  "frames must keep N")
h2:close()
local h3 = vt.h5md(dir .. "/empty.h5md")
T.raises(function() h3:close() end, "no frames", "closing without frames is an error")
T.ok(io.open(dir .. "/empty.h5md") == nil, "and leaves no file")

local py = (io.open("/usr/bin/python3") and "/usr/bin/python3") or "python3"
if os.execute(py .. " -c 'import MDAnalysis, h5py' >/dev/null 2>&1") == true then
  local script = dir .. "/client_mda.py"
  g = io.open(script, "w")
  g:write(([[
import warnings
warnings.filterwarnings('ignore')
import MDAnalysis as mda
u = mda.Universe.empty(%d, trajectory=True)
u.load_new('%s', format='H5MD', convert_units=False)
print('frames', u.trajectory.n_frames)
ts = u.trajectory[2]
print('pos', '%%.9g %%.9g %%.9g' %% tuple(ts.positions[0]))
print('vel', '%%.9g' %% ts.velocities[0][0])
print('box', '%%.9g %%.9g' %% (ts.dimensions[0], ts.dimensions[3]))
print('time', '%%.9g' %% ts.time)
print('step', ts.data['step'])
]]):format(s.n, path))
  g:close()
  local p = io.popen(py .. " '" .. script .. "' 2>&1")
  local r = {}
  for line in p:lines() do
    local k, v = line:match("^(%S+) (.*)$")
    if k then r[k] = v end
  end
  T.ok(p:close(), "MDAnalysis reads vitrum's H5MD file")
  T.is(tonumber(r.frames), 3, "MDAnalysis: 3 frames")
  local x = s:positions()
  local px, py_, pz = (r.pos or ""):match("(%S+) (%S+) (%S+)")
  T.ok(px and math.abs(tonumber(px) - x:get(1, 1)) < 1e-5 and math.abs(tonumber(py_) - x:get(1, 2)) < 1e-5
    and math.abs(tonumber(pz) - x:get(1, 3)) < 1e-5, "MDAnalysis: positions of the last frame (single precision)")
  T.ok(r.vel and math.abs(tonumber(r.vel) - s:velocities():get(1, 1)) < 1e-5, "MDAnalysis: velocities")
  local bl, ang = (r.box or ""):match("(%S+) (%S+)")
  T.ok(bl and math.abs(tonumber(bl) - s.box[1]) < 1e-5 * s.box[1] and tonumber(ang) == 90,
    "MDAnalysis: the box (orthorhombic, single precision)")
  T.close(tonumber(r.time), md.time, 1e-7, 0, "MDAnalysis: the time")
  T.is(tonumber(r.step), md.step, "MDAnalysis: the step")
else
  T.ok(true, "# SKIP python3-mdanalysis or python3-h5py is not installed")
end
os.execute("rm -rf '" .. dir .. "'")
T.done()
