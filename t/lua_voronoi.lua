-- vt.voronoi from Lua: result fields and shapes, volumes tiling the box (plain
-- and radical), phi, mutual neighbour lists in both forms, faces(i) against
-- the index; FCC rhombic dodecahedra; an icosahedral cluster; voro++ (env
-- VOROPP, skipped when empty); argument errors.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
vt.threads(2)

local s = vt.system{ n = 400, density = 1.0, seed = 3, mass = "volume", init = "random",
                     diameters = { law = "power", exponent = -3, min = 0.7253, max = 1.6095 } }
local n, V = s.n, s.volume
local d = s:diameters()

for _, radical in ipairs{ false, true } do
  local tag = radical and "radical" or "plain"
  local v = vt.voronoi(s, { radical = radical })
  T.is(v.radical, radical, tag .. ": v.radical")
  T.is(v.n, n, tag .. ": v.n")
  T.is(#v.volume, n, tag .. ": volume has n entries")
  T.ok(v.index.shape[1] == n and v.index.shape[2] == 4, tag .. ": index is n x 4")
  T.ok(v.index_full.shape[2] == 12, tag .. ": index_full is n x 12")
  T.close(v.volume:sum(), V, 1e-10, 0, tag .. ": volumes sum to the box volume")
  -- isoperimetric inequality S^3 >= 36 pi V^2, equality only for a sphere
  local iso = true
  for i = 1, n do
    if v.volume[i] > 0 and not (v.area[i] ^ 3 > 36 * math.pi * v.volume[i] ^ 2) then iso = false end
  end
  T.ok(iso, tag .. ": every cell satisfies S^3 > 36 pi V^2")

  local okphi, okidx, okfaces, okico = true, true, true, true
  for i = 1, n do
    local vol = v.volume[i]
    if vol > 0 and math.abs(v.phi[i] - math.pi * d[i] ^ 3 / 6 / vol) > 1e-13 * v.phi[i] then okphi = false end
    local row, full = v.index[i], v.index_full[i]
    local tot = 0
    for k = 1, 12 do tot = tot + full[k] end
    for k = 1, 4 do if row[k] ~= full[k] then okidx = false end end
    if tot ~= v.nfaces[i] then okidx = false end
    -- faces(i): counts by edge number and total area agree with the arrays
    local f, hist, a = v.faces(i), {}, 0
    for _, face in ipairs(f) do
      hist[face.edges] = (hist[face.edges] or 0) + 1
      a = a + face.area
    end
    if #f ~= v.nfaces[i] or math.abs(a - v.area[i]) > 1e-12 * math.max(1, a) then okfaces = false end
    for e = 3, 13 do if (hist[e] or 0) ~= full[e - 2] then okfaces = false end end
    local ico = (v.nfaces[i] == 12 and row[3] == 12) and 1 or 0
    if v.icosahedral[i] ~= ico then okico = false end
  end
  T.ok(okphi, tag .. ": phi = (pi sigma^3/6) / V_i")
  T.ok(okidx, tag .. ": index = first 4 columns of index_full, whose rows sum to nfaces")
  T.ok(okfaces, tag .. ": faces(i) matches index_full and area")
  T.ok(okico, tag .. ": icosahedral <=> 12 pentagons and nothing else")

  -- neighbour lists: mutual, and the flat form equals neighbors(i)
  local sets, mutual, flat = {}, true, true
  for i = 1, n do
    local nb = v.neighbors(i)
    sets[i] = {}
    for _, j in ipairs(nb) do sets[i][j] = true end
    local a, b = v.neighbor_start[i], v.neighbor_start[i + 1]
    if b - a ~= #nb then flat = false end
    for k = a, b - 1 do if v.neighbor_list[k] ~= nb[k - a + 1] then flat = false end end
  end
  for i = 1, n do for j in pairs(sets[i]) do if not sets[j][i] then mutual = false end end end
  T.ok(mutual, tag .. ": neighbour relation is symmetric")
  T.ok(flat, tag .. ": neighbor_list/neighbor_start == neighbors(i)")
end

T.ok(vt.voronoi(s).radical == false, "plain Voronoi by default")
do
  local a, b = vt.voronoi(s), vt.voronoi(s, { joggle = true })
  local same = b.joggled == true and a.joggled == false
  for i = 1, n do
    if math.abs(a.volume[i] - b.volume[i]) > 1e-12 or a.nfaces[i] ~= b.nfaces[i] then same = false end
  end
  T.ok(same, "joggle=true: qhull on joggled input, same cells")
end
T.ok(vt.analysis.voronoi == vt.voronoi, "vt.analysis.voronoi is vt.voronoi")

-- FCC: 4 x 4 x 4 cells
do
  local f = vt.system{ n = 256, density = 1.0, init = "lattice" }
  local v = vt.voronoi(f, { radical = true })
  local good = true
  for i = 1, f.n do
    local r = v.index[i]
    if r[1] ~= 0 or r[2] ~= 12 or r[3] ~= 0 or r[4] ~= 0 or v.nfaces[i] ~= 12 or #v.neighbors(i) ~= 12
       or math.abs(v.volume[i] - 1.0) > 1e-12 then good = false end
  end
  T.ok(good, "FCC: every cell has 12 four-edged faces, 12 neighbours, volume V/N")
  T.close(v.phi[1], math.pi / 6, 1e-12, 0, "FCC: phi = pi/6 at density 1")
end

-- a 13-particle icosahedral cluster in a sparse background
do
  local g = (1 + math.sqrt(5)) / 2
  local ico = { { 0, 1, g }, { 0, -1, g }, { 0, 1, -g }, { 0, -1, -g }, { 1, g, 0 }, { -1, g, 0 },
                { 1, -g, 0 }, { -1, -g, 0 }, { g, 0, 1 }, { -g, 0, 1 }, { g, 0, -1 }, { -g, 0, -1 } }
  local c, norm = { 6.1, 5.9, 6.05 }, math.sqrt(1 + g * g)
  local pos = { c }
  for k = 1, 12 do
    pos[#pos + 1] = { c[1] + ico[k][1] / norm, c[2] + ico[k][2] / norm, c[3] + ico[k][3] / norm }
  end
  -- background: a coarse grid, away from the cluster
  for a = 0, 3 do for b = 0, 3 do for e = 0, 3 do
    local p = { 1.5 + 3 * a + 0.1 * b, 1.5 + 3 * b + 0.1 * e, 1.5 + 3 * e + 0.1 * a }
    local r2 = (p[1] - c[1]) ^ 2 + (p[2] - c[2]) ^ 2 + (p[3] - c[3]) ^ 2
    if r2 > 9 then pos[#pos + 1] = p end
  end end end
  local cl = vt.system{ n = #pos, box = { 12, 12, 12 }, init = "none" }
  cl:set_positions(pos)
  local v = vt.voronoi(cl)
  T.is(v.icosahedral[1], 1, "icosahedral cluster: the centre is icosahedral")
  T.is(v.icosahedral:sum(), 1, "  and it is the only one")
  local nb = v.neighbors(1)
  local shell = #nb == 12
  for k = 1, #nb do if nb[k] ~= k + 1 then shell = false end end
  T.ok(shell, "  its neighbours are the 12 shell particles")
  T.close(v.volume:sum(), 1728, 1e-10, 0, "  volumes tile the box")
end

-- voro++ (plain and radical): per-particle face counts and volumes
local voropp = os.getenv("VOROPP") or ""
if voropp ~= "" then
  local dir = T.tmpdir()
  local x = s:positions()
  for _, radical in ipairs{ false, true } do
    local path = dir .. "/p"
    local fh = assert(io.open(path, "w"))
    for i = 1, n do
      local p = x[i]
      fh:write(("%d %.17g %.17g %.17g"):format(i, p[1], p[2], p[3]))
      if radical then fh:write((" %.17g"):format(d[i] / 2)) end
      fh:write("\n")
    end
    fh:close()
    local L = s.box
    local cmd = ("'%s' -p -o %s -c '%%i %%v %%s %%a' 0 %.17g 0 %.17g 0 %.17g '%s' >/dev/null 2>&1"):format(
      voropp, radical and "-r" or "", L[1], L[2], L[3], path)
    T.ok(os.execute(cmd), "voro++ ran")
    local v = vt.voronoi(s, { radical = radical })
    local seen, badv, badi, cnt = {}, 0, 0, 0
    for line in io.lines(path .. ".vol") do
      local it = line:gmatch("%S+")
      local id, vol, nf = tonumber(it()), tonumber(it()), tonumber(it())
      seen[id], cnt = true, cnt + 1
      local hist = {}
      for _ = 1, nf do local e = tonumber(it()); hist[e] = (hist[e] or 0) + 1 end
      if math.abs(v.volume[id] - vol) > 1e-5 * vol then badv = badv + 1 end
      local full = v.index_full[id]
      if nf ~= v.nfaces[id] then badi = badi + 1 else
        for e = 3, 13 do if (hist[e] or 0) ~= full[e - 2] then badi = badi + 1; break end end
      end
    end
    local missing_ok = true
    for i = 1, n do if not seen[i] and v.volume[i] ~= 0 then missing_ok = false end end
    local tag = radical and "radical" or "plain"
    T.ok(missing_ok, ("voro++ %s: a cell for every non-empty cell (%d cells)"):format(tag, cnt))
    T.is(badi, 0, "voro++ " .. tag .. ": identical face-edge histograms")
    T.is(badv, 0, "voro++ " .. tag .. ": volumes agree to voro++'s 6 digits")
    os.remove(path .. ".vol")
    os.remove(path)
  end
  os.remove(dir)
else
  T.ok(true, "# SKIP voro++ not available (VOROPP empty)")
end

-- errors
T.raises(function() vt.voronoi(s, { radial = true }) end, "radial", "unknown option named")
T.raises(function() vt.voronoi({}) end, "system", "non-system refused")
local v = vt.voronoi(s)
T.raises(function() v.neighbors(0) end, "out of range", "neighbors(0) out of range")
T.raises(function() v.faces(n + 1) end, "out of range", "faces(n+1) out of range")
local dup = vt.system{ n = 2, box = { 3, 3, 3 }, init = "none" }
dup:set_positions{ { 1, 1, 1 }, { 1, 1, 1 } }
T.raises(function() vt.voronoi(dup) end, "coincides", "coincident particles refused")

T.done()
