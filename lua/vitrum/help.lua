-- vt.help(x) (also the global `help` in the vitrum program): one line of
-- description for a vitrum function or object, and for an object (or its
-- class) the list of its methods, each with its line. The methods are read
-- from the object's metatable, so none is ever missing from the list; the
-- descriptions live here, and a method without one points to the reference
-- (doc/lua-api.md). vt.help() lists the vt table.
local describe = {
  -- functions of the vt table
  ["vt.system"] = "vt.system{ n=, density= | box=, species= | diameters=, mass=, init=, seed=, potential= }: a new system",
  ["vt.array"] = "vt.array(n [, k]) or vt.array(table): a block of doubles of shape n or n x k",
  ["vt.read"] = "vt.read(path [, { format=, diameters=, frame= }]): a system from a LAMMPS data/dump, XYZ, .vtc, .vtt or .h5md file",
  ["vt.write"] = "vt.write(s, path [, { format=, species=, atom_style=, columns= }]): write a system (wrapped positions)",
  ["vt.trajectory"] = "vt.trajectory(path [, \"r\"|\"w\"]): a trajectory file (.vtt, .dump, .xyz) to write frames to or read",
  ["vt.md"] = "vt.md{ system=, dt=, thermostat=, T=, tau=, chain= } or vt.md{ restart= }: molecular dynamics",
  ["vt.fire"] = "vt.fire{ ftol=, ... }: the FIRE 2.0 minimizer (m:minimize(s))",
  ["vt.cg"] = "vt.cg{ ... }: conjugate-gradient minimizer",
  ["vt.steepest"] = "vt.steepest{ ... }: steepest-descent minimizer",
  ["vt.lbfgs"] = "vt.lbfgs{ precondition=, ... }: FIRE while the forces are large, then L-BFGS",
  ["vt.newton"] = "vt.newton{ ... }: Newton steps on the factorized sparse Hessian (after FIRE)",
  ["vt.minimizer"] = "vt.minimizer(name, { ... }): a minimizer by name",
  ["vt.hessian"] = "vt.hessian(s): the sparse analytic Hessian of s, factorized (moduli, dipoles, modes)",
  ["vt.voronoi"] = "vt.voronoi(s [, { radical=, joggle= }]): Voronoi cells: volumes, faces, indices, icosahedra",
  ["vt.threads"] = "vt.threads([n]): set or read the number of OpenMP threads",
  ["vt.clock"] = "vt.clock(): wall-clock seconds, for timing",
  ["vt.interrupted"] = "vt.interrupted(): whether Ctrl-C was pressed (long Lua loops can poll it)",
  ["vt.help"] = "vt.help(x): what x is and, for an object, its methods",
  -- classes and their methods
  ["vt.system:positions"] = "positions wrapped into [0, L), n x 3 (with s:images() the unwrapped ones)",
  ["vt.system:velocities"] = "velocities, n x 3",
  ["vt.system:forces"] = "forces, n x 3 (computed if needed)",
  ["vt.system:diameters"] = "per-particle diameters, n",
  ["vt.system:masses"] = "per-particle masses, n",
  ["vt.system:types"] = "types 1, 2, ..., n",
  ["vt.system:unwrapped"] = "unwrapped positions x + image * L, n x 3",
  ["vt.system:images"] = "image counts of the wrapped positions, n x 3",
  ["vt.system:set_positions"] = "set positions (n x 3); they are wrapped and the images reset",
  ["vt.system:set_velocities"] = "set velocities (n x 3)",
  ["vt.system:set_diameters"] = "set diameters (n); masses follow the mass rule",
  ["vt.system:set_masses"] = "set explicit per-particle masses (n)",
  ["vt.system:set_types"] = "set types (n)",
  ["vt.system:set_box"] = "change the box lengths (positions scaled affinely)",
  ["vt.system:set_mass_rule"] = "\"equal\", \"volume\" (m = sigma^3) or \"species\"",
  ["vt.system:copy"] = "a deep copy (shares the potential)",
  ["vt.system:assign"] = "take over another system's state in place",
  ["vt.system:invalidate"] = "forget cached forces and energies",
  ["vt.system:set_potential"] = "attach a pair potential (refused when the box is shorter than two cutoffs)",
  ["vt.system:potential"] = "the attached potential, or nil",
  ["vt.system:energy"] = "total potential energy",
  ["vt.system:energies"] = "per-particle potential energies (sum = s:energy())",
  ["vt.system:pressure"] = "pressure (kinetic + virial)",
  ["vt.system:virial"] = "virial tensor W (xx yy zz xy xz yz)",
  ["vt.system:thermalize"] = "Maxwell-Boltzmann velocities at T (zero total momentum)",
  ["vt.system:temperature"] = "kinetic temperature (3N - 3 degrees of freedom)",
  ["vt.md:run"] = "run{ steps=, T=, every=, observe=, checkpoint=, progress=, resume= }: integrate",
  ["vt.md:conserved"] = "the conserved quantity (energy plus thermostat)",
  ["vt.md:checkpoint"] = "write the system and the full MD state to a .vtc file",
  ["vt.md:reset"] = "abandon a pending (interrupted or restored) run",
  ["vt.array:get"] = "a:get(i [, j]): one number",
  ["vt.array:set"] = "a:set(i, [j,] v): set one number",
  ["vt.array:sum"] = "sum of all entries",
  ["vt.array:mean"] = "mean of all entries",
  ["vt.array:std"] = "standard deviation",
  ["vt.array:min"] = "smallest entry",
  ["vt.array:max"] = "largest entry",
  ["vt.array:quantile"] = "a:quantile(q): the q-quantile",
  ["vt.array:histogram"] = "a:histogram{ bins=, range= }",
  ["vt.array:select"] = "a:select(mask): the rows where mask is true",
  ["vt.array:totable"] = "a plain Lua table of the numbers",
  ["vt.array:copy"] = "a copy",
  ["vt.array:write"] = "a:write(path [, header]): a TSV file",
  ["vt.potential:pair"] = "p:pair(r, si, sj [, ti, tj]): u, du/dr, d2u/dr2",
  ["vt.potential:cutoff"] = "p:cutoff(si, sj [, ti, tj]): the pair's cutoff",
  ["vt.potential:dsigma"] = "derivatives with respect to the diameter",
  ["vt.trajectory:write"] = "t:write(s [, { step=, time=, velocities=, diameters= }]): append a frame",
  ["vt.trajectory:read"] = "the next frame (a table), or nil at the end",
  ["vt.trajectory:frames"] = "for f in t:frames() do ... end",
  ["vt.trajectory:skip"] = "skip frames",
  ["vt.trajectory:close"] = "finish (a written file appears under its name)",
  ["vt.h5md"] = "vt.h5md(path): an H5MD (HDF5) trajectory to write frames to (MDAnalysis, OVITO); read with vt.read",
  ["vt.h5md:write"] = "h:write(s [, { step=, time= }]): append a frame",
  ["vt.h5md:close"] = "finish: the file appears under its name",
  ["vt.system:kinetic_energy"] = "kinetic energy",
  ["vt.system:zero_momentum"] = "remove the total momentum",
  ["vt.minimizer:minimize"] = "m:minimize(s): { converged=, steps=, energy=, fmax= }",
  ["vt.hessian:moduli"] = "elastic moduli with the non-affine correction: { K=, G=, ... }",
  ["vt.hessian:dipoles"] = "dipole stiffnesses kappa_ij of interacting pairs",
  ["vt.hessian:local_kappa"] = "per-particle mean dipole stiffness",
  ["vt.hessian:modes"] = "the lowest vibrational modes (ARPACK)",
  ["vt.hessian:solve"] = "solve H x = b",
  ["vt.hessian:close"] = "free the factorization",
}

local function class_of(x)
  local mt = getmetatable(x)
  if type(mt) == "table" and type(mt.__name) == "string" then return mt.__name, mt end
  return nil
end

-- the methods of a class: mt.methods (custom __index) or mt.__index
local function methods(mt)
  local m = type(mt.methods) == "table" and mt.methods or (type(mt.__index) == "table" and mt.__index) or {}
  local names = {}
  for k, v in pairs(m) do
    if type(k) == "string" and type(v) == "function" then names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

local function find_name(vt, x)
  for k, v in pairs(vt) do
    if v == x then return "vt." .. k end
  end
  for k, t in pairs(vt) do
    if type(t) == "table" and k ~= "help" then
      for k2, v in pairs(t) do
        if v == x then return "vt." .. k .. "." .. k2 end
      end
    end
  end
end

local function help(x, out)
  local vt = require "vitrum"
  out = out or io.write
  local lines = {}
  local function say(s) lines[#lines + 1] = s end
  if x == nil or x == vt then
    say("vt: the vitrum engine. Functions and tables (help(vt.<name>) for more):")
    local names = {}
    for k in pairs(vt) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do
      local d = describe["vt." .. k]
      say(("  vt.%-14s %s"):format(k, d or (type(vt[k]) == "table" and "(a table: help(vt." .. k .. "))" or type(vt[k]))))
    end
  else
    local cls, mt = class_of(x)
    if cls then
      local str = tostring(x)
      say(str:sub(1, #cls) == cls and str or (cls .. ": " .. str))
      say("methods:")
      for _, m in ipairs(methods(mt)) do
        say(("  :%-16s %s"):format(m, describe[cls .. ":" .. m] or "(see doc/lua-api.md)"))
      end
    elseif type(x) == "function" then
      local name = find_name(vt, x)
      say((name or "a function") .. ": " .. (name and describe[name] or "(no description; see doc/lua-api.md)"))
    elseif type(x) == "table" then
      local name = find_name(vt, x) or "a table"
      say(name .. ":")
      local names = {}
      for k in pairs(x) do if type(k) == "string" then names[#names + 1] = k end end
      table.sort(names)
      for _, k in ipairs(names) do
        local full = name .. "." .. k
        say(("  %-20s %s"):format(k, describe[full] or type(x[k])))
      end
    else
      say(("%s: %s (not a vitrum object)"):format(type(x), tostring(x)))
    end
  end
  out(table.concat(lines, "\n") .. "\n")
end

return help
