#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-victoria-metrics.sh - make Debian sid's victoria-metrics (a static
# binary) available in the cache and print the path of its binary.
#
# VictoriaMetrics is the real OTLP backend the fleet test pushes into: it
# ingests OTLP/HTTP protobuf and, with -opentelemetry.usePrometheusNaming,
# applies the same OpenTelemetry-to-Prometheus translation as the
# Collector's prometheusremotewrite exporter. Bookworm has no such package,
# so this reads sid through a private sources.list: the machine's own apt
# sources are never touched. The mirror is the one the system's sources
# name. Everything lives under ${MFD_CACHE:-/var/cache/mfd-test}/vm/,
# nothing in the source tree. Failing to fetch exits 1 (the test then
# fails, never skips).
set -euo pipefail

cache=${MFD_CACHE:-/var/cache/mfd-test}/vm
mkdir -p "$cache"
log() { echo "fetch-victoria-metrics: $*" >&2; }

exec 9>"$cache/.lock"
flock 9

bin=$(find "$cache/root" -path '*/bin/victoria-metrics' -type f 2>/dev/null | head -n1 || true)
if [ -n "$bin" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

# The mirror URI the system's own sources use (deb822 or one-line).
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -n -e 's/^URIs: *\([^ ]*debian\)\/\?$/\1/p' \
		-e 's/^deb \(\[[^]]*\] \)\?\([^ ]*debian\)\/\? .*/\2/p' |
	grep -v security | head -n1 || true)
mirror=${MFD_DEBIAN_MIRROR:-${mirror:-http://deb.debian.org/debian}}
echo "deb [trusted=yes] $mirror sid main" >"$cache/sources.list"
mkdir -p "$cache/lists/partial" "$cache/cache/archives/partial" "$cache/dl"
APT=(-o Dir::Etc::sourcelist="$cache/sources.list"
	-o Dir::Etc::sourceparts=/nonexistent
	-o Dir::State::Lists="$cache/lists" -o Dir::Cache="$cache/cache"
	-o Debug::NoLocking=1)
log "reading sid's package list from $mirror"
apt-get "${APT[@]}" update -qq >&2 || { log "apt-get update of sid failed"; exit 1; }
(cd "$cache/dl" && apt-get "${APT[@]}" download victoria-metrics >&2) ||
	{ log "cannot download victoria-metrics from sid"; exit 1; }
deb=$(ls -t "$cache"/dl/victoria-metrics_*.deb | head -n1)
rm -rf "$cache/root"
dpkg-deb -x "$deb" "$cache/root"
dpkg-deb -f "$deb" Version >"$cache/root/VERSION"
bin=$(find "$cache/root" -path '*/bin/victoria-metrics' -type f | head -n1)
[ -n "$bin" ] && [ -x "$bin" ] || { log "no victoria-metrics binary in $deb"; exit 1; }
# sid's package lists are ~250 MB and only needed for this download.
rm -rf "$cache/lists" "$cache/cache" "$cache/dl"
echo "$bin"
