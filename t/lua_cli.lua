-- vitrum.cli: the options parser of the protocol scripts (typed by their
-- defaults; errors name the script and the option).
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local cli = require "vitrum.cli"

local defaults = { n = 500, rate = 2e-3, fresh = false, out = "vhg-out", max_iterations = 1000 }
local o, given = cli.parse({ "--n=4000", "rate=1.8e-7", "--fresh", "--max-iterations=20", "--out=x" }, defaults,
                           { script = "t.lua" })
T.is(o.n, 4000, "--n=4000")
T.ok(math.type(o.n) == "integer", "an integer default gives an integer")
T.close(o.rate, 1.8e-7, 1e-15, 0, "key=value form")
T.is(o.fresh, true, "--flag")
T.is(o.max_iterations, 20, "dashes read as underscores")
T.is(o.out, "x", "a string option")
T.ok(given.n and given.rate and not given.seed, "given marks what the line set")
local d = cli.parse({}, defaults)
T.is(d.n, 500, "no arguments: the defaults")
T.is(cli.parse({ "--fresh=false" }, defaults).fresh, false, "--flag=false")
T.raises(function() cli.parse({ "--bogus=1" }, defaults, { script = "t.lua" }) end, "t.lua: unknown option %-%-bogus",
         "unknown option named")
T.raises(function() cli.parse({ "--n=abc" }, defaults, { script = "t.lua" }) end, "%-%-n needs a number, got 'abc'",
         "a number option refuses text")
T.raises(function() cli.parse({ "--n=2.5" }, defaults, { script = "t.lua" }) end, "needs an integer", "an integer option refuses 2.5")
T.raises(function() cli.parse({ "--fresh=maybe" }, defaults, { script = "t.lua" }) end, "is a flag", "a flag refuses other text")
T.raises(function() cli.parse({ "--out" }, defaults, { script = "t.lua" }) end, "%-%-out needs a value", "a string option needs a value")
T.raises(function() cli.parse({ "n" }, defaults, { script = "t.lua" }) end, "cannot read argument 'n'", "a bare word is refused")
T.done()
