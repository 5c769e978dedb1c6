# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by test_valgrind.sh and bench/soak.sh: turn on every exporter this
# mfd-agent build has, pointed at tests/robust/receiver.py.
#
#   mfd_exporter_args AGENT RECV_HTTP_PORT RECV_UDP_PORT AGENT_HTTP_PORT DIR
# fills the array MFD_EXPORTER_ARGS and MFD_EXPORTERS (names, for the log).
# An option is used only if `AGENT --help` lists it, so the tests grow
# stronger as exporters land and never fail for one that is not built.
mfd_has_opt() { # AGENT OPTION
	# Not "--help | grep -q": grep stops at the first match, the agent
	# then dies of SIGPIPE, and under pipefail an option that is listed
	# early reads as missing.
	local help
	help=$("$1" --help 2>/dev/null) || return 1
	grep -qE -- "(^|[ ,])$2([ =]|\$)" <<<"$help"
}
mfd_exporter_args() {
	local agent=$1 recv=$2 udp=$3 http=$4 dir=$5
	MFD_EXPORTER_ARGS=()
	MFD_EXPORTERS=()
	if mfd_has_opt "$agent" --http; then
		# A history ring small enough to fill during the warm-up: a
		# bounded ring filling is growth by design, not a leak.
		MFD_EXPORTER_ARGS+=(--http "127.0.0.1:$http" --http-history 100)
		MFD_EXPORTERS+=(http)
	fi
	if mfd_has_opt "$agent" --statsd; then
		MFD_EXPORTER_ARGS+=(--statsd "127.0.0.1:$udp")
		MFD_EXPORTERS+=(statsd)
	fi
	if mfd_has_opt "$agent" --otlp-endpoint; then
		MFD_EXPORTER_ARGS+=(--otlp-endpoint "http://127.0.0.1:$recv")
		MFD_EXPORTERS+=(otlp)
		if mfd_has_opt "$agent" --export-interval; then
			MFD_EXPORTER_ARGS+=(--export-interval 1)
		fi
		if mfd_has_opt "$agent" --spool; then
			mkdir -p "$dir/spool"
			MFD_EXPORTER_ARGS+=(--spool "$dir/spool")
			MFD_EXPORTERS+=(spool)
		fi
	fi
	if mfd_has_opt "$agent" --record; then
		MFD_EXPORTER_ARGS+=(--record "$dir/record.jsonl")
		MFD_EXPORTERS+=(record)
	fi
}
