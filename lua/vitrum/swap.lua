-- vitrum.swap: the hybrid scheme that interleaves NVT molecular dynamics
-- with bursts of swap Monte Carlo sweeps (Berthier, Flenner, Fullerton,
-- Scalliet and Singh, J. Stat. Mech. 064004 (2019) use this kind of
-- hybrid). The per-move work is C (vt.md, vt.swap_mc); this module only
-- alternates the two.
--
--   local hybrid = require("vitrum.swap").hybrid
--   r = hybrid{ md = md, swap = mc, cycles = 100, steps = 100, sweeps = 1,
--               observe = function(cycle, s) end }
--     -> { cycles=, steps=, sweeps=, acceptance={ displacement=, swap= } }
--
-- Both objects must drive the same system at the same temperature (checked).
-- A swap changes the masses of the two particles when masses follow the
-- diameters; vt.swap_mc then rescales their velocities by sqrt(m_old/m_new),
-- which keeps each particle's kinetic energy and the Maxwell-Boltzmann
-- distribution for its new mass (see doc/lua-api.md), so the thermostat
-- continues from a consistent state. The MC moves of a burst keep the
-- velocities otherwise.
local M = {}

local function need(opts, key, kind)
  local v = opts[key]
  if type(v) ~= kind then
    error(("vitrum.swap.hybrid: %s= must be a %s (got %s)"):format(key, kind, type(v)), 3)
  end
  return v
end

function M.hybrid(opts)
  if type(opts) ~= "table" then error("vitrum.swap.hybrid: expects a table of options", 2) end
  local known = { md = true, swap = true, cycles = true, steps = true, sweeps = true, observe = true }
  for k in pairs(opts) do
    if not known[k] then error(("vitrum.swap.hybrid: unknown option '%s'"):format(tostring(k)), 2) end
  end
  local md, mc = opts.md, opts.swap
  if md == nil or mc == nil then error("vitrum.swap.hybrid: md= and swap= are required", 2) end
  if md.system ~= mc.system then error("vitrum.swap.hybrid: md and swap must drive the same system", 2) end
  if md.thermostat == "none" then error("vitrum.swap.hybrid: the md needs a thermostat (NVT)", 2) end
  if math.abs(md.T - mc.T) > 1e-12 * mc.T then
    error(("vitrum.swap.hybrid: md.T (%g) and swap.T (%g) differ"):format(md.T, mc.T), 2)
  end
  local cycles = math.tointeger(need(opts, "cycles", "number"))
  local steps = math.tointeger(need(opts, "steps", "number"))
  local sweeps = math.tointeger(opts.sweeps or 1)
  if not cycles or cycles < 0 then error("vitrum.swap.hybrid: cycles must be a non-negative integer", 2) end
  if not steps or steps < 0 then error("vitrum.swap.hybrid: steps must be a non-negative integer", 2) end
  if not sweeps or sweeps < 0 then error("vitrum.swap.hybrid: sweeps must be a non-negative integer", 2) end
  local observe = opts.observe
  if observe ~= nil and type(observe) ~= "function" then error("vitrum.swap.hybrid: observe= must be a function", 2) end
  local m0 = mc.moves
  local done = 0
  for c = 1, cycles do
    md:run{ steps = steps, T = mc.T, progress = false }
    mc:run{ sweeps = sweeps }
    done = c
    if observe and observe(c, mc.system) == false then break end
  end
  return { cycles = done, steps = done * steps, sweeps = done * sweeps, moves = mc.moves - m0,
           acceptance = mc:acceptance() }
end

return M
