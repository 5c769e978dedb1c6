#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A live view whose terminal goes away (its window closed, its tmux session
# killed, its ssh connection lost) must stop. The terminal stays readable
# for ever then, at EOF or EIO, and SIGHUP means "reload" to this agent, so
# a view that only waited for keys spun on it: two such views were found
# here using a CPU each for two hours. The agent gets a real pseudo-terminal
# as its controlling terminal; the test closes the terminal's master side
# and requires the agent to exit, and not to burn CPU while it lasts.
. "$(dirname "$0")/lib.sh" "$@"

python3 - "$AGENT" "$TMP" <<'PY' && pass "the live view stopped when its terminal went away" || fail "the live view outlived its terminal"
import os, pty, signal, subprocess, sys, time
agent, tmp = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
p = subprocess.Popen([agent, "-v", "--source", "procfs", "--http", "off", "-d", "0.5"],
                     stdin=slave, stdout=slave, stderr=open(os.path.join(tmp, "err"), "w"),
                     start_new_session=True, env=dict(os.environ, TERM="xterm"))
os.close(slave)
# Read the first frames so the view is up, then hang up.
end = time.monotonic() + 20
seen = b""
while time.monotonic() < end and b"ORDER" not in seen:
    try:
        seen += os.read(master, 65536)
    except OSError:
        break
print("view drew its table:", b"ORDER" in seen)
os.close(master)
try:
    rc = p.wait(timeout=15)
    print("exit status", rc)
    sys.exit(0 if b"ORDER" in seen else 1)
except subprocess.TimeoutExpired:
    with open(f"/proc/{p.pid}/stat") as f:
        f_ = f.read().split()
    print("still running after 15 s; CPU ticks used:", int(f_[13]) + int(f_[14]))
    p.kill()
    sys.exit(1)
PY
finish
