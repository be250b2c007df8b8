-- vitrum.vhg: the virial-homogenization loop of Leoni, Russo, Sciortino and
-- Yanagishima, PRL 134, 128201 (2025) ([VHG]; PROTOCOLS.md section 1).
--
-- Every iteration resizes each particle by +-delta toward the mean
-- per-particle excess pressure P2 (vt.homogenize.virial, in C), re-minimizes
-- at constant volume and keeps the trial only if the standard deviation of
-- P2 dropped; a rejected trial restores the previous diameters and positions
-- and halves delta. The loop ends when a trial fails after `reductions`
-- halvings.
--
--   local vhg = require "vitrum.vhg"
--   local r = vhg.run{ system = s, minimizer = vt.fire{ ftol = 1e-10 }, delta = 0.01,
--                      reductions = 5, observe = function(it) ... end }
--   -> { iterations=, accepted=, reductions=, std_before=, std_after=,
--        energy_before=, energy_after=, delta=, history = { ... } }
local vt = require "vitrum"
local M = {}

local function std_p2(s) return vt.virial.p2(s):std() end

local known = { system = true, minimizer = true, delta = true, reductions = true, observe = true,
                max_iterations = true }

function M.run(o)
  for k in pairs(o) do
    if not known[k] then error(("vhg.run: unknown argument '%s'"):format(tostring(k)), 2) end
  end
  local s = o.system or error("vhg.run: system= is required", 2)
  local minimizer = o.minimizer or error("vhg.run: minimizer= is required (e.g. vt.fire{ftol=1e-10})", 2)
  local delta = o.delta or 0.01
  local max_red = o.reductions or 5
  local max_iter = o.max_iterations or math.huge
  if not (delta > 0) then error("vhg.run: delta must be positive", 2) end
  if not (max_red >= 0 and math.type(max_red) == "integer") then
    error("vhg.run: reductions must be a non-negative integer", 2)
  end

  local n = s.n
  local r = minimizer:minimize(s)
  if not r.converged then
    error(("vhg.run: the starting configuration did not reach a minimum (fmax = %g after %d steps)")
      :format(r.fmax, r.steps), 2)
  end
  local s_old = std_p2(s)
  local res = { std_before = s_old, energy_before = r.energy / n, history = {} }
  local h = vt.homogenize.virial{ delta = delta }
  local it, accepted, red, energy = 0, 0, 0, r.energy / n
  local function record(entry)
    res.history[#res.history + 1] = entry
    if o.observe then o.observe(entry) end
  end
  record{ iteration = 0, delta = delta, std = s_old, energy = energy, accepted = true, steps = r.steps }

  while it < max_iter do
    it = it + 1
    local trial = s:copy()
    h.delta = delta
    local st = h:step(trial)
    local rr = minimizer:minimize(trial)
    local snew = rr.converged and std_p2(trial) or math.huge
    local ok = rr.converged and snew < s_old
    if ok then
      s:assign(trial)
      s_old, energy = snew, rr.energy / n
      accepted = accepted + 1
    end
    record{ iteration = it, delta = delta, std = ok and snew or s_old, trial_std = snew,
            energy = energy, trial_energy = rr.energy / n, accepted = ok, converged = rr.converged,
            steps = rr.steps, grown = st.grown, shrunk = st.shrunk }
    if not ok then
      if red >= max_red then break end
      delta = delta / 2
      red = red + 1
    end
  end
  res.iterations, res.accepted, res.reductions = it, accepted, red
  res.std_after, res.energy_after, res.delta = s_old, energy, delta
  return res
end

-- The melting analysis of [VHG]: per-particle displacements along a heating
-- ramp relative to the glass, delta*_i = dr_i(T_b) - dr_i(T_a), the mobile
-- set (delta* > threshold), and how mobile particles sit relative to
-- icosahedra.
--   ref, a, b: unwrapped positions (n x 3 arrays) at the start, T_a and T_b
--   o.threshold (0.3), o.diameters (array), o.icosahedral (array 0/1, of the
--   glass), o.neighbors (function(i) -> list of Voronoi neighbours)
function M.melting(ref, a, b, o)
  o = o or {}
  local thr = o.threshold or 0.3
  local n = #ref
  local dra, drb = vt.array(n), vt.array(n)
  for i = 1, n do
    local r0, ra, rb = ref[i], a[i], b[i]
    local sa, sb = 0, 0
    for k = 1, 3 do
      sa = sa + (ra[k] - r0[k]) ^ 2
      sb = sb + (rb[k] - r0[k]) ^ 2
    end
    dra[i], drb[i] = math.sqrt(sa), math.sqrt(sb)
  end
  local dstar, mobile = vt.array(n), vt.array(n)
  local nmob = 0
  for i = 1, n do
    dstar[i] = drb[i] - dra[i]
    if dstar[i] > thr then mobile[i] = 1; nmob = nmob + 1 end
  end
  local res = { dr_a = dra, dr_b = drb, delta_star = dstar, mobile = mobile, count = nmob }
  if o.diameters then
    res.mobile_diameters = o.diameters:select(mobile)
  end
  if o.icosahedral and o.neighbors and nmob > 0 then
    local ico, near = 0, 0
    for i = 1, n do
      if mobile[i] == 1 then
        if o.icosahedral[i] == 1 then
          ico = ico + 1
        else
          for _, j in ipairs(o.neighbors(i)) do
            if o.icosahedral[j] == 1 then near = near + 1; break end
          end
        end
      end
    end
    res.mobile_icosahedral = ico / nmob
    res.mobile_near_icosahedral = (ico + near) / nmob
  end
  return res
end

return M
