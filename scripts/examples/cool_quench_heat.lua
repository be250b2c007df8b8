-- Cool, quench, heat: the preparation and stability-test ramps of [VHG]
-- (doc/protocols.md section 1) on the WAHNs model, at a rate gamma chosen on the
-- command line (the paper's 1.8e-7 takes 10^9 steps; the default here takes
-- minutes).
--
--   vitrum scripts/examples/cool_quench_heat.lua [N=500] [gamma=1e-2] [outdir=.]
--
-- 1. a liquid: lattice melted at T = 2, equilibrated at T = 1 (NVT,
--    Nose-Hoover chain, tau = 0.2, dt = 0.005; doc/models.md section 11);
-- 2. cool linearly from T = 1 to 0.1 at gamma (per unit time), recording U/N(T);
-- 3. quench to the inherent structure with FIRE (vt.fire; skipped with a
--    note when the minimizer is not built in);
-- 4. heat from T = 0.1 back to 1 at gamma, recording U/N(T) and the mean
--    squared displacement from the start of the heating, from unwrapped
--    positions (s:unwrapped()).
-- Output: cool.tsv (step, T, U/N) and heat.tsv (step, T, U/N, msd) in outdir.
-- The cooling run checkpoints to outdir/cool.vtc: after Ctrl-C, running the
-- script again with the same arguments resumes the cooling where it stopped.
local vt = require "vitrum"

local N = tonumber(arg and arg[1]) or 500
local gamma = tonumber(arg and arg[2]) or 1e-2
local outdir = (arg and arg[3]) or "."
local dt, tau, samples = 0.005, 0.2, 90
local T_hi, T_lo = 1.0, 0.1

os.execute(("mkdir -p '%s'"):format(outdir))

local function say(fmt, ...) io.stderr:write(("[cool_quench_heat] " .. fmt .. "\n"):format(...)) end

local function tsv(path, header, rows)
  local f = assert(io.open(path, "w"))
  f:write(("# vitrum %s  cool_quench_heat.lua  N=%d gamma=%g dt=%g tau=%g\n"):format(vt.version, N, gamma, dt, tau))
  f:write(table.concat(header, "\t"), "\n")
  for _, r in ipairs(rows) do
    local cells = {}
    for i, v in ipairs(r) do cells[i] = (math.type(v) == "integer") and tostring(v) or ("%.10g"):format(v) end
    f:write(table.concat(cells, "\t"), "\n")
  end
  f:close()
end

local function msd(ref, cur)
  local sum = 0
  for i = 1, #ref do
    for k = 1, 3 do
      local d = cur:get(i, k) - ref:get(i, k)
      sum = sum + d * d
    end
  end
  return sum / #ref
end

-- steps of a ramp between two temperatures at rate gamma
local function ramp_steps(T1, T2) return math.floor(math.abs(T2 - T1) / gamma / dt + 0.5) end

local ckfile = outdir .. "/cool.vtc"
local s, md
local resumed = io.open(ckfile, "rb")
if resumed then
  resumed:close()
  md = vt.md{ restart = ckfile }
  s = md.system
  say("resuming the cooling ramp from %s at step %d (%s steps to go)", ckfile, md.step, tostring(md.pending))
else
  s = vt.system{ n = N, density = 0.75, init = "lattice", seed = 1, mass = "volume",
                 species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
  s:thermalize{ T = 2.0, seed = 2 }
  md = vt.md{ system = s, dt = dt, thermostat = "nose-hoover", T = 2.0, tau = tau }
  say("melting the lattice at T = 2 (N = %d)", N)
  md:run{ steps = 2000, T = 2.0 }
  say("equilibrating at T = %g", T_hi)
  md:run{ steps = 4000, T = T_hi }
end

-- 2. cooling
local nc = ramp_steps(T_hi, T_lo)
local every = math.max(1, nc // samples)
local cool = {}
say("cooling %g -> %g at gamma = %g: %d steps", T_hi, T_lo, gamma, nc)
md:run{ steps = nc, T = { T_hi, T_lo }, every = every,
        observe = function(step, sys, T) cool[#cool + 1] = { step, T, sys:energy() / sys.n } end,
        checkpoint = { file = ckfile, every = math.max(every, nc // 10) } }
tsv(outdir .. "/cool.tsv", { "step", "T", "U_per_N" }, cool)
os.remove(ckfile)     -- the cooling is done: a new run of the script starts afresh
say("U/N at T = %g: %.5f", T_lo, s:energy() / s.n)

-- 3. quench to the inherent structure
if vt.fire then
  local r = vt.fire{ ftol = 1e-10, max_steps = 1000000 }:minimize(s)
  say("FIRE quench: converged %s after %d steps, U_IS/N = %.6f, fmax = %.3g", tostring(r.converged), r.steps,
      r.energy / s.n, r.fmax)
else
  say("vt.fire is not available in this build: the quench is skipped, heating starts from the cooled state")
end

-- 4. heating from T = 0.1, MSD relative to the start
s:thermalize{ T = T_lo, seed = 3 }
local heater = vt.md{ system = s, dt = dt, thermostat = "nose-hoover", T = T_lo, tau = tau }
local ref = s:unwrapped()
local heat = { { 0, T_lo, s:energy() / s.n, 0.0 } }
local nh = ramp_steps(T_lo, T_hi)
say("heating %g -> %g at gamma = %g: %d steps", T_lo, T_hi, gamma, nh)
heater:run{ steps = nh, T = { T_lo, T_hi }, every = every,
            observe = function(step, sys, T) heat[#heat + 1] = { step, T, sys:energy() / sys.n, msd(ref, sys:unwrapped()) } end }
tsv(outdir .. "/heat.tsv", { "step", "T", "U_per_N", "msd" }, heat)
local onset
for _, r in ipairs(heat) do
  if r[4] >= 1.0 then onset = r[2]; break end
end
if onset then say("the MSD from the start of heating reaches 1 at T = %.3f (onset of melting, T_o)", onset)
else say("the MSD stays below 1 up to T = %g (%.3g): heating too fast to melt", T_hi, heat[#heat][4]) end
say("wrote %s/cool.tsv and %s/heat.tsv", outdir, outdir)
