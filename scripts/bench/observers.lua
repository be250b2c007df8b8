-- Cost of the liquid-dynamics observers during MD (issue 15): NVT MD of a
-- WAHNs liquid (N = 4000, T = 1.0, dt = 0.005) with and without F_s (100 wave
-- vectors at q = 7.25, per species: both species come out of one pass) plus
-- the MSD, both on log-spaced lags (blocks of 1000 steps, base 2, 32 stored
-- origins). Runs alternate with / without, so a shared machine's load hits
-- both alike; the overhead is (t_with - t_without) / t_without, target < 10%.
-- On a shared machine that difference is noisy; the observers also time
-- their own sample() calls (o.seconds), which gives the overhead within one
-- run: seconds in the observers / (run time - seconds in the observers).
--   vitrum scripts/bench/observers.lua [steps=4000] [repeats=3] [n=4000]
local vt = require "vitrum"
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
local opt = { steps = 4000, repeats = 3, n = 4000 }
for _, a in ipairs(arg or {}) do
  local k, v = a:match("^(%w+)=(%S+)$")
  if k then opt[k] = tonumber(v) end
end
B.header(vt)

local s = vt.system{ n = opt.n, density = 0.75, init = "lattice", seed = 1, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:thermalize{ T = 2.0, seed = 1 }
local md = vt.md{ system = s, dt = 0.005, T = 1.0 }
md:run{ steps = 1000, progress = false }            -- melt and settle

local function run(with)
  local obs = {}
  if with then
    obs = { vt.observer.fs{ q = 7.25, vectors = 100, seed = 1 }, vt.observer.msd{} }
  end
  local t0 = vt.clock and vt.clock() or os.clock()
  md:run{ steps = opt.steps, observers = obs, progress = false }
  local t1 = vt.clock and vt.clock() or os.clock()
  return t1 - t0, obs
end

local tw, to, own = {}, {}, {}
local last
for r = 1, opt.repeats do
  to[#to + 1] = run(false)
  local t, obs = run(true)
  tw[#tw + 1] = t
  local so = obs[1].seconds + obs[2].seconds
  own[#own + 1] = so / (t - so)
  print(("# repeat %d: without %.3f s, with %.3f s; in the observers %.3f s (F_s %.3f s in %d samples, MSD %.3f s)")
    :format(r, to[#to], t, so, obs[1].seconds, obs[1].samples, obs[2].seconds))
  last = obs
end
table.sort(own)
table.sort(tw); table.sort(to)
local mw, mo = tw[math.ceil(#tw / 2)], to[math.ceil(#to / 2)]
local f = last[1]:result()
print(("# N = %d, %d steps per run, %d repeats (medians), F_s: %d vectors at <|q|> = %.3f, %d lags; MSD %d lags")
  :format(opt.n, opt.steps, opt.repeats, f.vectors, f.q, #f.t, #last[2]:result().t))
print(("MD alone        %8.3f s  (%.3f ms/step)"):format(mo, 1e3 * mo / opt.steps))
print(("MD + F_s + MSD  %8.3f s  (%.3f ms/step)"):format(mw, 1e3 * mw / opt.steps))
print(("overhead        %8.1f %%  from the run times (noisy when the machine is shared)"):format(100 * (mw - mo) / mo))
print(("overhead        %8.1f %%  from the observers' own time (median; target < 10 %%)"):format(100 * own[math.ceil(#own / 2)]))
