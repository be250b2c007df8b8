-- vitrum.vhg: the virial-homogenization loop of Leoni, Russo, Sciortino and
-- Yanagishima, PRL 134, 128201 (2025) ([VHG]; doc/protocols.md section 1).
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

-- The melting analysis of [VHG]: from per-particle displacements relative
-- to the glass at two temperatures of a heating ramp (dr_a at T_a = 0.60 and
-- dr_b at T_b = 0.65 in the paper), delta*_i = dr_b - dr_a; particles with
-- delta* > threshold (0.3) are mobile. Optional inputs say who they are:
--   types (array; `small` is the type of the small species, 1), diameters
--   (array), icosahedral (array 0/1 of the glass) with neighbors(i) (list of
--   Voronoi neighbours of i).
-- Returns { delta_star=array, mobile=array 0/1, count=, small_fraction=,
--   mobile_diameters=array, icosahedral_fraction=, near_icosahedral_fraction= }
function M.melting(o)
  local dra = o.dr_a or error("vhg.melting: dr_a= is required", 2)
  local drb = o.dr_b or error("vhg.melting: dr_b= is required", 2)
  local thr = o.threshold or 0.3
  local n = #dra
  if #drb ~= n then error("vhg.melting: dr_a and dr_b differ in length", 2) end
  local dstar, mobile = vt.array(n), vt.array(n)
  local count, small, ico, near = 0, 0, 0, 0
  for i = 1, n do
    dstar[i] = drb[i] - dra[i]
    if dstar[i] > thr then
      mobile[i] = 1
      count = count + 1
      if o.types and o.types[i] == (o.small or 1) then small = small + 1 end
      if o.icosahedral then
        if o.icosahedral[i] == 1 then
          ico = ico + 1
        elseif o.neighbors then
          for _, j in ipairs(o.neighbors(i)) do
            if o.icosahedral[j] == 1 then near = near + 1; break end
          end
        end
      end
    end
  end
  local res = { delta_star = dstar, mobile = mobile, count = count }
  if count > 0 then
    if o.types then res.small_fraction = small / count end
    if o.icosahedral then
      res.icosahedral_fraction = ico / count
      if o.neighbors then res.near_icosahedral_fraction = (ico + near) / count end
    end
  end
  if o.diameters then res.mobile_diameters = o.diameters:select(mobile) end
  return res
end

return M
