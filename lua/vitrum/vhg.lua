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
  if o.diameters then
    res.mobile_diameters = o.diameters:select(mobile)
    res.mean_diameter = o.diameters:mean()
    if count > 0 then res.mobile_mean_diameter = res.mobile_diameters:mean() end
  end
  -- the baselines over all particles: how many are small, icosahedral, or
  -- icosahedral or next to an icosahedron (avoidance = mobile below these)
  if o.types then
    local k = 0
    for i = 1, n do if o.types[i] == (o.small or 1) then k = k + 1 end end
    res.all_small_fraction = k / n
  end
  if o.icosahedral then
    local ki, kn = 0, 0
    for i = 1, n do
      if o.icosahedral[i] == 1 then
        ki = ki + 1
      elseif o.neighbors then
        for _, j in ipairs(o.neighbors(i)) do
          if o.icosahedral[j] == 1 then kn = kn + 1; break end
        end
      end
    end
    res.all_icosahedral_fraction = ki / n
    if o.neighbors then res.all_near_icosahedral_fraction = (ki + kn) / n end
  end
  res.fraction = count / n
  return res
end

-- Packing fraction phi = (pi/6) sum_i sigma_i^3 / V and the mean sigma_i^3
-- (does a change of stability come with compression?).
function M.packing(s)
  local d, sum = s:diameters(), 0
  for i = 1, s.n do sum = sum + d[i] ^ 3 end
  return { phi = math.pi / 6 * sum / s.volume, mean_sigma3 = sum / s.n }
end

-- Q6 above which a sample is called crystalline. A sample's global Q6 is
-- the invariant of q_6m averaged over its Nb bonds: for bond directions
-- without common orientation (liquid, glass) it is of order (Nb/2)^-1/2
-- (the bonds i-j and j-i count once), about 0.02 for N = 500 with 14
-- Voronoi neighbours each; one crystal of fcc, hcp or bcc has 0.48-0.57
-- (hcp 0.485, bcc with 14 Voronoi neighbours 0.511, fcc 0.575). A single
-- crystallite holding a fraction f of the particles adds about 0.5 f, so
-- 0.1 flags a coherent crystal of about a fifth of the sample, far above
-- the amorphous scale at N >= 100.
M.crystal_Q6 = 0.1

-- The amorphousness check of a glass: Steinhardt Q4, Q6 (global) and mean
-- q6 with radical-Voronoi neighbours, the random-orientation scale of Q6,
-- the most frequent Voronoi signatures and the icosahedral (<0,0,12,0>)
-- fraction of all particles; verdict "crystalline" when Q6 > crystal_Q6.
function M.order(s, top)
  local o = vt.analysis.steinhardt(s, { l = { 4, 6 }, neighbors = "voronoi", radical = true })
  local nb = o.neighbors:sum()
  local v = vt.voronoi(s, { radical = false })
  local census = vt.analysis.voronoi_census(v, { top = top or 3 })
  local ico = 0
  for _, c in ipairs(census) do if c.label == "<0,0,12,0>" then ico = c.fraction end end
  if ico == 0 then
    local full = vt.analysis.voronoi_census(v, { top = 1000000 })
    for _, c in ipairs(full) do if c.label == "<0,0,12,0>" then ico = c.fraction end end
  end
  local sig = {}
  for i, c in ipairs(census) do sig[i] = { label = c.label, fraction = c.fraction } end
  return { Q4 = o.Q4, Q6 = o.Q6, mean_q6 = o.q6:mean(), Q6_random = math.sqrt(2 / nb),
           mean_neighbors = nb / s.n, signatures = sig, icosahedral = ico,
           crystalline = o.Q6 > M.crystal_Q6, threshold = M.crystal_Q6 }
end

-- Headline numbers as `key = value` lines (one per entry of the list
-- { {key, value}, ... }; a missing value prints as n/a), and the reader
-- that gets them back from a text (a summary.txt): numbers as numbers,
-- n/a and other words as strings. Keys are words joined by dots.
function M.keyvalues(list)
  local out = {}
  for _, e in ipairs(list) do
    local k, v = e[1], e[2]
    if not tostring(k):match("^[%w_]+[%w_%.]*$") then error(("vhg.keyvalues: bad key '%s'"):format(tostring(k)), 2) end
    local txt
    if v == nil or (type(v) == "number" and v ~= v) then txt = "n/a"
    elseif math.type(v) == "integer" then txt = tostring(v)
    elseif type(v) == "number" then txt = ("%.6g"):format(v)
    else txt = tostring(v) end
    out[#out + 1] = k .. " = " .. txt
  end
  return table.concat(out, "\n")
end

function M.read_keyvalues(text)
  local t = {}
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    local k, v = line:match("^([%w_]+[%w_%.]*) = (%S+)$")
    if k then t[k] = tonumber(v) or v end
  end
  return t
end

return M
