#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The image's root filesystem, assembled by containers/mkrootfs.sh exactly
# as the Dockerfile's build stage does, holds mfd-agent, its libraries and
# nothing to run a shell with; the agent runs from it under chroot in a
# private mount namespace with /proc and /sys mounted read-only (what a
# container runtime gives it), on both the procfs and the BPF path, and
# exports OTLP from inside (libcurl, loaded at run time, must be there).
. "$(dirname "$0")/../integration/lib.sh" "$@"
SRC=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
need_root
[ -x "$AGENT" ] || { fail "$AGENT is missing (the arm64 tree needs ./dev.sh cross arm64 first; ./dev.sh test does it)"; finish; }
command -v unshare >/dev/null || { echo "skipped: unshare (util-linux) missing"; exit 77; }
R="$TMP/rootfs"
bash "$SRC/containers/mkrootfs.sh" "$R" "$AGENT" 2>"$TMP/mk.err" && pass "mkrootfs.sh built $R" || { fail "mkrootfs.sh: $(cat "$TMP/mk.err")"; finish; }

# Contents: the binary, shared objects, and a handful of /etc files only.
others=$(cd "$R" && find . -type f ! -name '*.so*' ! -path ./usr/bin/mfd-agent \
	! -path ./etc/passwd ! -path ./etc/group ! -path ./etc/hosts ! -path ./etc/nsswitch.conf \
	! -path ./etc/ssl/certs/ca-certificates.crt)
[ -z "$others" ] && pass "no file beyond the agent, its libraries and /etc basics" || fail "unexpected files: $others"
for sh in bin/sh bin/bash usr/bin/sh usr/bin/bash bin/busybox usr/bin/curl; do
	[ ! -e "$R/$sh" ] || fail "$sh is in the image"
done
pass "no shell, busybox or curl"

# An agent of another architecture (./dev.sh cross arm64) runs under
# qemu-user: the static emulator is copied into the tree, after the contents
# check, and runs the agent inside the chroot, so every library still has to
# come from the tree. qemu-user does not pass the bpf() system call through:
# the BPF checks are for the native tree (arm64's BPF path is proven in the
# qemu-arm64 guests, tests/qemu).
machine() { readelf -h "$1" | sed -n 's/^ *Machine: *//p'; }
emu=
if [ "$(machine "$AGENT")" != "$(machine /proc/self/exe)" ]; then
	case "$(machine "$AGENT")" in
	AArch64) emu=qemu-aarch64-static ;;
	*) fail "no emulator for a $(machine "$AGENT") agent"; finish ;;
	esac
	command -v $emu >/dev/null || { fail "$emu missing (apt-get install qemu-user-static)"; finish; }
	for f in $(find "$R" -type f -name '*.so*') "$R/usr/bin/mfd-agent"; do
		[ "$(machine "$f")" = AArch64 ] || fail "$f is not an arm64 ELF"
	done
	pass "every ELF in the tree is $(machine "$AGENT")"
	cp "$(command -v $emu)" "$R/.emu"
fi

# run NAME ARGS...: the agent, chrooted, /proc and /sys read-only.
inroot() {
	unshare --mount --propagation private -- sh -c '
		R=$1; emu=$2; shift 2
		mount -t proc -o ro,nosuid,nodev,noexec proc "$R/proc"
		mount --rbind /sys "$R/sys" && mount -o remount,bind,ro "$R/sys"
		exec chroot "$R" ${emu:+/.emu} /usr/bin/mfd-agent "$@"' sh "$R" "$emu" "$@"
}
expect_exit 0 "--once --source procfs from the rootfs" inroot --once --source procfs --format json
python3 - "$TMP/out" <<'PY' && pass "procfs snapshot from inside: nodes and zones present" || fail "bad snapshot: $(head -c 300 "$TMP/out")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["source"] == "procfs" and s["nodes"] and s["nodes"][0]["zones"]
PY
# The same numbers as outside: one independent read of buddyinfo's zones.
want=$(awk '{print $2 $4}' /proc/buddyinfo | tr -d , | sort -u | tr '\n' ' ')
got=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(" ".join(sorted({"%d%s" % (n["node"], z["zone"]) for n in s["nodes"] for z in n["zones"]})))' "$TMP/out")
[ "$(echo $want)" = "$(echo $got)" ] && pass "zones seen inside = /proc/buddyinfo's ($got)" || fail "zones inside '$got' vs buddyinfo '$want'"

if [ -z "$emu" ]; then
	expect_exit 0 "--probe from the rootfs" inroot --probe
	grep -q "^zones_bpf: ok" "$TMP/out" && pass "zones BPF program runs inside" || fail "probe: $(cat "$TMP/out")"
	grep -q "^extfrag_bpf: ok" "$TMP/out" && pass "extfrag program attaches inside" || fail "probe: $(cat "$TMP/out")"
	expect_exit 0 "--once --source bpf from the rootfs" inroot --once --source bpf --format json
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["source"] == "bpf"' "$TMP/out" && pass "BPF snapshot inside" || fail "not a bpf snapshot"
fi
expect_exit 1 "--healthcheck with nothing listening" inroot --healthcheck http://127.0.0.1:9482/healthz

# OTLP export from inside. An http:// collector goes through libevent's
# client; https:// and proxies dlopen() libcurl.so.4, which ldd of the
# binary does not list, so the tree must carry it (tests/otlp/tls runs that
# path). The tree has no /etc/resolv.conf, as a bare chroot: an IP address
# must need no resolver, and a name from /etc/hosts must still resolve
# (the C library's resolver, with a warning). The sink (an ephemeral port,
# outside the chroot, same network) records each POST; the agent must exit
# 0 and have delivered gzip'd protobuf to /v1/metrics.
ls "$R"/usr/lib/*/libcurl.so.4 >/dev/null 2>&1 && pass "libcurl.so.4 is in the tree" || fail "no libcurl.so.4 in the tree"
python3 - "$TMP/sink" <<'PY' &
import gzip, http.server, sys
out = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        b = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            b = gzip.decompress(b)
        with open(out + ".log", "a") as f:
            f.write("%s %s %d\n" % (self.path, self.headers.get("Content-Type"), len(b)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(out + ".port.tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(out + ".port.tmp", out + ".port")
s.serve_forever()
PY
PIDS+=($!)
for _ in $(seq 100); do [ -s "$TMP/sink.port" ] && break; sleep 0.1; done
if [ -s "$TMP/sink.port" ]; then
	expect_exit 0 "OTLP export from the rootfs" inroot --headless --source procfs -d 0.2 \
		--duration 2 --export-interval 0.5 --http off \
		--otlp-endpoint "http://127.0.0.1:$(cat "$TMP/sink.port")"
	grep -qs '^/v1/metrics application/x-protobuf [1-9]' "$TMP/sink.log" &&
		pass "metrics delivered from inside ($(wc -l <"$TMP/sink.log") POSTs)" ||
		fail "no metrics POST arrived from inside: $(head -c 300 "$TMP/err")"
	[ ! -e "$R/etc/resolv.conf" ] || fail "the tree has an /etc/resolv.conf"
	before=$(wc -l <"$TMP/sink.log" 2>/dev/null || echo 0)
	expect_exit 0 "OTLP export to localhost from the rootfs" inroot --headless --source procfs -d 0.2 \
		--duration 2 --export-interval 0.5 --http off \
		--otlp-endpoint "http://localhost:$(cat "$TMP/sink.port")"
	[ "$(wc -l <"$TMP/sink.log")" -gt "$before" ] &&
		pass "a name from /etc/hosts resolves without resolv.conf" ||
		fail "nothing delivered to localhost: $(head -c 400 "$TMP/err")"
	grep -q "no DNS resolver from /etc/resolv.conf" "$TMP/err" &&
		pass "the missing resolver is said" || fail "no warning about the resolver: $(head -c 400 "$TMP/err")"
else
	fail "the OTLP sink did not start"
fi
finish
