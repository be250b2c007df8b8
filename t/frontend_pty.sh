#!/bin/sh
# The REPL on a terminal: readline, completion, Ctrl-C, history (see
# t/frontend_pty.py). Needs python3 (its pty module); skips without it.
if ! command -v python3 > /dev/null 2>&1 || ! python3 -c 'import pty' > /dev/null 2>&1; then
  echo "1..0 # SKIP python3 (with its pty module) not installed"
  exit 0
fi
exec python3 "${VT_SRCDIR:-.}/t/frontend_pty.py" "${VT_BUILDDIR:-.}/vitrum"
