-- vt.analysis.inherent_trajectory from Lua: a short WAHNs run at T = 0.5
-- (N = 256, every 10 steps, 6 frames) with the default minimizer (L-BFGS)
-- and with a given one; the transition count is the rule applied to the U_IS
-- series (total and per particle), the scaled rate follows its definition,
-- the MD advanced by frames x every steps, every U_IS is a minimum (checked
-- by re-minimizing a copy of the final configuration); argument errors.
-- vt.analysis.propensity: shapes, times, seeds, the Jensen bound, errors.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local N = 256
local s = vt.system{ n = N, density = 0.75, init = "lattice", seed = 3, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:thermalize{ T = 2.0, seed = 4 }
local md = vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 2.0, tau = 0.2 }
md:run{ steps = 1000 }
md:run{ steps = 1000, T = 0.5 }

local step0 = md.step
local r = vt.analysis.inherent_trajectory{ md = md, every = 10, frames = 6 }
T.is(md.step, step0 + 60, "the MD advanced by frames x every steps")
T.is(#r.u, 7, "7 frames (the start and 6 more)")
T.is(r.unconverged, 0, "every minimization converged")
T.close(r.time[7] - r.time[1], 0.3, 1e-12, 0, "frames span 60 steps of 0.005")
local c = 0
for k = 2, #r.u do if math.abs(r.u[k] - r.u[k - 1]) > 1e-5 then c = c + 1 end end
T.is(r.transitions, c, "transitions = frames with |dU_IS| > 1e-5 (" .. c .. ")")
local a0 = (s.box[1] ^ 3 / N) ^ (1 / 3)
T.close(r.t_vib, 0.1 * a0 / math.sqrt(0.5), 1e-12, 0, "t_vib = 0.1 a0 / sqrt(T)")
T.close(r.scaled_rate, c / 0.3 * r.t_vib * 1000 / N, 1e-12, 0, "scaled rate = Gamma t_vib N0 / N")
-- the last frame is the current configuration: its inherent state again
local again = vt.lbfgs{ ftol = 1e-10 }:minimize(s:copy())
T.close(again.energy, r.u[7], 0, 1e-9 * N, "the last U_IS is the minimum of the current configuration")
T.ok(r.u[7] < s:energy(), "U_IS below the configuration's U")

-- a given minimizer, per-particle threshold
local m = vt.cg{ ftol = 1e-10 }
local rp = vt.analysis.inherent_trajectory{ md = md, minimizer = m, every = 5, frames = 4, per_particle = true, threshold = 1e-4 }
c = 0
for k = 2, #rp.u do if math.abs(rp.u[k] - rp.u[k - 1]) / N > 1e-4 then c = c + 1 end end
T.is(rp.transitions, c, "per particle: |dU_IS| / N > threshold (" .. c .. ")")
T.ok(rp.seconds_minimize > 0 and rp.force_evals > 0, "cost reported: " .. rp.force_evals .. " force evaluations")
T.raises(function() m:iterate() end, "no system", "the minimizer must be set again afterwards")

T.raises(function() vt.analysis.inherent_trajectory{ every = 10, frames = 2 } end, "md= is required", "md required")
T.raises(function() vt.analysis.inherent_trajectory{ md = md, every = 10 } end, "frames= is required", "frames required")
T.raises(function() vt.analysis.inherent_trajectory{ md = md, every = 0, frames = 2 } end, "every must be >= 1", "every 0")
T.raises(function() vt.analysis.inherent_trajectory{ md = md, frames = 2, minimizer = s } end, "vt.minimizer expected", "not a minimizer")
T.raises(function() vt.analysis.inherent_trajectory{ md = md, frames = 2, thresold = 1 } end, "unknown argument 'thresold'", "unknown key")
T.raises(function() vt.analysis.inherent_trajectory{ md = md, frames = 2, threshold = -1 } end, "threshold", "negative threshold")

-- isoconfigurational propensities
local p = vt.analysis.propensity(s, { runs = 3, steps = { 10, 40 }, T = 0.5, seed = 2 })
T.ok(p.msd.shape[1] == N and p.msd.shape[2] == 2 and p.md.shape[2] == 2, "propensity: n x 2 for two times")
T.close(p.time[2], 40 * 0.005, 1e-12, 0, "times = steps dt")
local q = vt.analysis.propensity(s, { runs = 3, steps = { 10, 40 }, T = 0.5, seed = 2 })
T.ok(p.msd:get(17, 2) == q.msd:get(17, 2) and p.md:get(100, 1) == q.md:get(100, 1), "equal seeds, equal propensities")
local grows = true
for i = 1, N do grows = grows and p.md:get(i, 1) <= math.sqrt(p.msd:get(i, 1)) * (1 + 1e-12) end
T.ok(grows, "mean |dr| <= sqrt(mean |dr|^2)")
local one = vt.analysis.propensity(s, { runs = 2, steps = 5, T = 0.5, thermostat = "none" })
T.is(one.msd.shape[2], nil, "one time: a vector")
T.is(#one.msd, N, "one entry per particle")
T.raises(function() vt.analysis.propensity(s, { runs = 2, steps = 5 }) end, "T= is required", "T required")
T.raises(function() vt.analysis.propensity(s, { runs = 2, T = 1 }) end, "steps= is required", "steps required")
T.raises(function() vt.analysis.propensity(s, { runs = 0, steps = 5, T = 1 }) end, "runs must be >= 1", "runs 0")
T.raises(function() vt.analysis.propensity(s, { steps = { 5, 2 }, T = 1 }) end, "must increase", "decreasing steps")
T.raises(function() vt.analysis.propensity(s, { steps = 5, T = 1, thermostat = "berendsen" }) end, "unknown", "thermostat")
T.done()
