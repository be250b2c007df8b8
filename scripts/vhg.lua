-- The main job (interim): build the WAHNs model of [VHG] (50:50, diameters
-- 1.0 and 1.2, m = sigma^3, density 0.75) and report its energy and
-- pressure. The full virial-homogenization protocol replaces this script as
-- the VHG issue lands.
local vt = require "vitrum"
local n = tonumber(arg and arg[1]) or 500
local s = vt.system{ n = n, density = 0.75, init = "lattice", seed = 1, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
print(s)
print(("U/N = %.10f   P = %.10f   P_excess = %.10f"):format(s:energy() / s.n, s:pressure(), s:pressure{ excess = true }))
