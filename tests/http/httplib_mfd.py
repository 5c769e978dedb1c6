# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for the HTTP tests: start the agent, fetch, check."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(SRC, "tests", "fixtures", "procfs", "numa2-movable")

fails = 0


def free_port():
    """A loopback port free now (bound and released; the agent binds it next)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss(pid):
    """Resident set size of a process, in bytes, from /proc/PID/status."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read())[1]) * 1024


def ok(cond, what):
    global fails
    print(("ok   - " if cond else "FAIL - ") + what, flush=True)
    if not cond:
        fails += 1
    return cond


def finish():
    if fails:
        print(f"{fails} check(s) failed")
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def skip(why):
    print("skipped: " + why)
    sys.exit(77)


def get(url, headers=None, timeout=10):
    """(status, headers, body bytes); never raises for HTTP errors."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def raw(port, data, timeout=10):
    """Send raw bytes, return what the server answered before closing."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def fixture_copy():
    """A private copy of a procfs fixture the test may change."""
    d = tempfile.mkdtemp(prefix="mfd-http.")
    shutil.copytree(FIXTURE, os.path.join(d, "proc"))
    return d, os.path.join(d, "proc")


class Agent:
    def __init__(self, agent, args, port, preexec_fn=None):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile()
        self.p = subprocess.Popen([agent, "--headless", "--http", f"127.0.0.1:{port}"] + args,
                                  stdout=self.log, stderr=self.log, preexec_fn=preexec_fn)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("agent exited: " + self.output())
            try:
                if get(self.base + "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("agent never became healthy: " + self.output())

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def json(self, path):
        st, _, body = get(self.base + path)
        if st != 200:
            raise RuntimeError(f"{path}: HTTP {st}")
        return json.loads(body)

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def need_chromium():
    if not CHROMIUM:
        skip("Debian's chromium is not installed (./dev.sh deps test)")


def chromium(url, *args, env=None, profile_dir=None):
    """Headless chromium on url with a fresh profile and no network of its
    own beyond the page; args add to the flags every test uses. The
    CompletedProcess."""
    prof = tempfile.mkdtemp(prefix="mfd-chromium.", dir=profile_dir)
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-extensions",
             "--no-first-run", "--disable-sync", "--user-data-dir=" + prof,
             *args, url],
            capture_output=True, timeout=120, env=env)
    finally:
        shutil.rmtree(prof, ignore_errors=True)


def dump_dom(url, *args):
    """(exit code, the DOM after the page's scripts ran)."""
    r = chromium(url, "--virtual-time-budget=5000", "--dump-dom", *args)
    return r.returncode, r.stdout.decode(errors="replace")


def wait_until(fn, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()
