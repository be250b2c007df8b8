-- The code blocks of README.md and doc/manual.md run, and print what the
-- text says they print. Fenced blocks are typed:
--   ```lua     a script: run by `vitrum` in a scratch directory; when it
--              prints, the next block must be ```output with the lines
--   ```repl    an interactive session: the `vt> ` and `vt>> ` lines are fed
--              to `vitrum` on standard input, the other lines are the
--              output they must produce
--   ```output  expected output of the ```lua block before it
--   ```text    a listing that is not code (a directory layout)
--   ```c, ```sh C fragments and shell commands (building, installing, running the main
--              job): not run here; the build, `make install` and the main
--              job have their own tests
-- In expected lines "..." stands for any text, so a number is checked to the
-- digits shown ("-7.14..." accepts -7.1466294804999). A block of another
-- type, or an indented code block, is an error: every example is typed.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")

local src, build = T.srcdir, os.getenv("VT_BUILDDIR") or "."
local vitrum = build .. "/vitrum"
local scratch = T.tmpdir()

local function read(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

-- fenced blocks of a markdown file: { kind =, text =, line = }
local function blocks(path)
  local out, cur, n, prose_indented = {}, nil, 0, {}
  local prev_blank = true
  for line in (read(path) .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    if cur then
      if line:match("^```%s*$") then
        out[#out + 1] = cur
        cur = nil
      else
        cur.text[#cur.text + 1] = line
      end
    else
      local kind = line:match("^```(%S*)")
      if kind then
        cur = { kind = kind, text = {}, line = n }
      elseif prev_blank and line:match("^    %S") then
        prose_indented[#prose_indented + 1] = n
      end
    end
    prev_blank = line:match("^%s*$") ~= nil
  end
  return out, prose_indented
end

local function pattern(expected)
  local parts = {}
  for piece in (expected .. "..."):gmatch("(.-)%.%.%.") do
    parts[#parts + 1] = piece:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  end
  return "^" .. table.concat(parts, ".-") .. (expected:sub(-3) == "..." and "" or "$")
end

local function matches(got, want)
  if #got ~= #want then return false, ("%d lines, expected %d"):format(#got, #want) end
  for i = 1, #want do
    if not got[i]:match(pattern(want[i])) then
      return false, ("line %d: got '%s', expected '%s'"):format(i, got[i], want[i])
    end
  end
  return true
end

local function run(cmd)
  local p = io.popen("cd '" .. scratch .. "' && VT_QUIET=1 OMP_NUM_THREADS=2 " .. cmd .. " 2>&1; echo \"exit=$?\"")
  local lines = {}
  for l in p:lines() do lines[#lines + 1] = l end
  p:close()
  local status = tonumber(table.remove(lines):match("exit=(%d+)"))
  return lines, status
end

local function show(lines)
  for _, l in ipairs(lines) do T.diag("  | " .. l) end
end

for _, doc in ipairs { "README.md", "doc/manual.md" } do
  local list, indented = blocks(src .. "/" .. doc)
  T.ok(#indented == 0, doc .. ": no untyped (indented) code blocks" ..
    (#indented > 0 and (" (lines " .. table.concat(indented, ", ") .. ")") or ""))
  local k = 1
  while k <= #list do
    local b = list[k]
    local where = ("%s:%d"):format(doc, b.line)
    if b.kind == "lua" then
      local file = scratch .. "/block.lua"
      write(file, table.concat(b.text, "\n") .. "\n")
      local got, status = run("'" .. vitrum .. "' block.lua")
      local want = {}
      if list[k + 1] and list[k + 1].kind == "output" then
        want = list[k + 1].text
        k = k + 1
      end
      local same, why = matches(got, want)
      if not T.ok(status == 0 and same, where .. ": the lua block runs and prints what the text shows") then
        T.diag("  " .. (status ~= 0 and ("exit status " .. tostring(status)) or why))
        show(got)
      end
    elseif b.kind == "repl" then
      local input, want = {}, {}
      for _, l in ipairs(b.text) do
        local code = l:match("^vt> (.*)$") or l:match("^vt>> (.*)$")
        if code then input[#input + 1] = code else want[#want + 1] = l end
      end
      write(scratch .. "/session.txt", table.concat(input, "\n") .. "\n")
      local got, status = run("'" .. vitrum .. "' < session.txt")
      local same, why = matches(got, want)
      if not T.ok(status == 0 and same, where .. ": the REPL session prints what the text shows") then
        T.diag("  " .. (status ~= 0 and ("exit status " .. tostring(status)) or why))
        show(got)
      end
    elseif b.kind == "output" then
      T.ok(false, where .. ": an output block must follow a lua block")
    elseif b.kind ~= "sh" and b.kind ~= "c" and b.kind ~= "text" then
      T.ok(false, where .. ": code block of unknown type '" .. b.kind .. "' (lua, repl, output, sh, c, text)")
    end
    k = k + 1
  end
end

os.execute("rm -rf '" .. scratch .. "'")
T.done()
