#!/usr/bin/env python3
"""The vitrum REPL on a real terminal (a pty): readline editing, tab
completion of vt fields and object methods, multi-line chunks, value
printing, Ctrl-C at the prompt and during a running chunk, persistent
history (VITRUM_HISTORY). TAP output. Run by t/frontend_pty.sh, which skips
when python3 is absent. Usage: frontend_pty.py path/to/vitrum"""
import os
import pty
import re
import select
import signal
import sys
import tempfile
import time

vitrum = sys.argv[1]
n_tests = 0
n_failed = 0


def ok(cond, name, diag=None):
    global n_tests, n_failed
    n_tests += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_tests, name))
    if not cond:
        n_failed += 1
        if diag:
            for line in diag.splitlines()[-15:]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


class Term:
    """A child process on a pty, with an expect() on its output."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, env)
        self.buf = ""

    def send(self, s):
        os.write(self.fd, s.encode())

    def expect(self, pattern, timeout=20.0):
        """Read until `pattern` (a regex) matches the output since the last
        match; return the text up to and including the match, or None."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.buf)
            if m:
                seen = self.buf[:m.end()]
                self.buf = self.buf[m.end():]
                return seen
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                return None
            if not data:
                return None
            self.buf += data.decode(errors="replace")

    def wait(self, timeout=20.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                os.read(self.fd, 4096)
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return status
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


def strip(s):
    """Terminal control sequences out, for matching."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r|\x07", "", s or "")


tmp = tempfile.mkdtemp(prefix="vitrum-pty.")
hist = os.path.join(tmp, "history")
env = dict(os.environ, TERM="xterm", VITRUM_HISTORY=hist, INPUTRC="/dev/null", OMP_NUM_THREADS="1")
env.pop("VT_QUIET", None)

t = Term([vitrum], env)
PROMPT = r"vt> $"
got = t.expect(PROMPT)
ok(got is not None and "vitrum" in got, "banner and prompt on a terminal", repr(got))

t.send("1 + 2\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"^3$", got, re.M) is not None, "an expression prints its value", got)

t.send("s = vt.system{ n = 10, density = 0.5, seed = 3 }\r")
got = strip(t.expect(PROMPT))
ok("error" not in got, "a statement prints nothing", got)

t.send("vt.sys\t")
got = strip(t.expect(r"vt\.system"))
ok(got is not None, "Tab completes vt.sys to vt.system", got)
t.send("\x15")                             # ^U: kill the line
t.send("s:po\t\t")
got = strip(t.expect(r"potential\(", timeout=10))
ok(got is not None and "positions(" in got, "Tab Tab lists s:positions( and s:potential(", got)
t.send("\x15")
t.expect(PROMPT, timeout=3)
t.send("s:posi\t")
t.expect(r"s:positions\(")
t.send(")\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"vt\.array\(10 x 3\): mean [-0-9.e]+, min", got) is not None,
   "completed method call runs; a vt.array prints a summary", got)

t.send("#s:pot\t")
got = strip(t.expect(r"potential\(", timeout=10))
ok(got is not None, "completion of a method name inside an expression", got)
t.send("\x15\r")
t.expect(PROMPT)

t.send("function twice(x)\r")
got = t.expect(r"vt>> $")
ok(got is not None, "an incomplete chunk gives the continuation prompt", repr(got))
t.send("  return 2 * x\r")
t.expect(r"vt>> $")
t.send("end\r")
t.expect(PROMPT)
t.send("twice(21)\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"^42$", got, re.M) is not None, "multi-line function definition works", got)

t.send("error('boom')\r")
got = strip(t.expect(PROMPT))
ok("boom" in got and "stack traceback" in got, "an error prints its message and traceback", got)
t.send("twice(2)\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"^4$", got, re.M) is not None, "the REPL carries on after an error", got)

t.send("half typed line")
time.sleep(0.2)
t.send("\x03")
got = t.expect(PROMPT)
ok(got is not None, "Ctrl-C at the prompt discards the line and prompts again", repr(got))
t.send("1 + 1\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"^2$", got, re.M) is not None and "half typed" not in got,
   "the session goes on after Ctrl-C at the prompt", got)

t.send("for i = 1,\r")
t.expect(r"vt>> $")
t.send("\x03")
got = t.expect(PROMPT)
ok(got is not None, "Ctrl-C at the continuation prompt drops the chunk", repr(got))

t.send("while true do end\r")
time.sleep(0.5)
t.send("\x03")
got = strip(t.expect(PROMPT))
ok("interrupted" in got, "Ctrl-C stops a running chunk", got)
t.send("twice(5)\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"^10$", got, re.M) is not None, "the session goes on after an interrupted chunk", got)

t.send("6 * 7\r")
t.expect(PROMPT)
t.send("\x04")
status = t.wait()
ok(status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "Ctrl-D exits with status 0",
   repr(status))

text = open(hist).read() if os.path.exists(hist) else ""
ok("1 + 2" in text and "function twice(x)\n  return 2 * x\nend" in text, "history is written to VITRUM_HISTORY", text)

# a second session sees the first one's history: Up arrow recalls it
t = Term([vitrum], env)
t.expect(PROMPT)
t.send("\x1b[A\r")                        # Up: the last chunk of the first session
got = strip(t.expect(PROMPT))
ok(re.search(r"^42$", got, re.M) is not None, "history is read back by a new session (Up recalls 6 * 7)", got)
t.send("\x04")
t.wait()

# -i: run a script, then stay interactive with its globals
script = os.path.join(tmp, "setup.lua")
with open(script, "w") as f:
    f.write("answer = 6 * 7\n")
t = Term([vitrum, "-i", script], env)
t.expect(PROMPT)
t.send("answer\r")
got = strip(t.expect(PROMPT))
ok(re.search(r"^42$", got, re.M) is not None, "-i script.lua keeps the script's globals in the REPL", got)
t.send("\x04")
t.wait()

for f in os.listdir(tmp):
    os.remove(os.path.join(tmp, f))
os.rmdir(tmp)
print("1..%d" % n_tests)
sys.exit(1 if n_failed else 0)
