# SPDX-License-Identifier: BSD-3-Clause
# Helpers for driving stock dpdk-testpmd with librte_net_xen.so loaded, and
# the simulated hypervisor around it. Sourced by the tests in this directory.
#
# Every process started here is remembered by pid and killed (by pid) on
# exit; every wait is bounded.

set -u

# tp_setup TESTPMD PMD_SO: scratch dir, environment for loading the PMD.
tp_setup() {
	TP_TESTPMD=$1
	TP_PMD_SO=$(readlink -f "$2")
	TP_PIDS=()
	TP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xnb-pmd-test.XXXXXX")
	TP_PREFIX="xnbpmd$$"
	trap tp_cleanup EXIT
	# Killed or cut off (meson's timeout, a closed pipe): clean up too.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM
	# Stock testpmd refuses -d paths under world-writable directories
	# (/tmp): load the PMD by bare name through LD_LIBRARY_PATH.
	export LD_LIBRARY_PATH="$(dirname "$TP_PMD_SO")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	TP_PMD_NAME=$(basename "$TP_PMD_SO")
	# A sanitizer-built PMD inside an uninstrumented testpmd: the runtime
	# must come first in the process, so preload it. Leak checking stays
	# as the test setup says (on): testpmd closes every port at exit, so
	# whatever the PMD leaks is reported.
	TP_PRELOAD=""
	local lib
	for lib in libasan libubsan; do
		local path
		path=$(ldd "$TP_PMD_SO" | awk -v l="$lib" '$1 ~ "^"l"[.]so" { print $3 }')
		if [ -n "$path" ]; then
			TP_PRELOAD="${TP_PRELOAD:+$TP_PRELOAD:}$path"
		fi
	done
}

tp_cleanup() {
	local pid
	exec 7>&- 2>/dev/null
	for pid in "${TP_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${TP_PIDS[@]}"; do
		tp_reap "$pid" 10 || kill -9 "$pid" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/$TP_PREFIX" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$TP_PREFIX"
	if [ "${TP_KEEP:-0}" = 1 ]; then
		echo "kept $TP_DIR"
	else
		rm -rf "$TP_DIR"
	fi
}

# tp_reap PID SECONDS: wait up to SECONDS for PID (a child) to exit; 0 if
# it did, with its exit status in TP_REAP_RC.
tp_reap() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	TP_REAP_RC=$?
	return 0
}

tp_fail() {
	echo "FAIL: $*" >&2
	if [ -f "$TP_DIR/testpmd.out" ]; then
		echo "---- testpmd output (last 60 lines) ----" >&2
		tail -n 60 "$TP_DIR/testpmd.out" >&2
	fi
	exit 1
}

# tp_run_env CMD...: run CMD (in the foreground) with the sanitizer runtime
# preloaded. In the background, spell the env line out instead: a function
# runs in a subshell there, and $! would not be CMD's pid.
tp_run_env() {
	env ${TP_PRELOAD:+LD_PRELOAD="$TP_PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}"} "$@"
}

# The EAL options every test uses: no hugepages, no PCI, private runtime
# dir, the PMD loaded by name. Lcores: $TP_LCORES (default "-l 0-1").
tp_eal_args() {
	echo --no-huge -m 256 --no-pci ${TP_LCORES:--l 0-1} \
		--file-prefix="$TP_PREFIX" -d "$TP_PMD_NAME"
}

# tp_start EAL_ARGS... -- APP_ARGS...: interactive testpmd fed from a fifo.
tp_start() {
	rm -f "$TP_DIR/testpmd.in"
	mkfifo "$TP_DIR/testpmd.in"
	exec 7<>"$TP_DIR/testpmd.in"
	# stdbuf: testpmd's printf output must reach the file line by line.
	# 7>&-: only this script holds the fifo open for writing, so testpmd
	# reads EOF and quits should the script die.
	env ${TP_PRELOAD:+LD_PRELOAD="$TP_PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}"} \
		stdbuf -oL -eL "$TP_TESTPMD" $(tp_eal_args) "$@" \
		<"$TP_DIR/testpmd.in" >"$TP_DIR/testpmd.out" 2>&1 7>&- &
	TP_TESTPMD_PID=$!
	TP_PIDS+=("$TP_TESTPMD_PID")
}

# tp_cmd LINE: type a command at the testpmd prompt.
tp_cmd() {
	echo "$1" >&7
}

# tp_wait_for FILE REGEX SECONDS: until an extended regex matches in FILE.
tp_wait_for() {
	local file=$1 re=$2 deadline=$((SECONDS + $3))
	while ! grep -Eq -- "$re" "$file" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			tp_fail "timed out after $3 s waiting for /$re/ in $(basename "$file")"
		fi
		if [ "$file" = "$TP_DIR/testpmd.out" ] &&
		   ! kill -0 "$TP_TESTPMD_PID" 2>/dev/null; then
			grep -Eq -- "$re" "$file" ||
				tp_fail "testpmd exited while waiting for /$re/"
			return 0
		fi
		sleep 0.1
	done
}

# tp_wait REGEX [SECONDS]: wait for testpmd output.
tp_wait() {
	tp_wait_for "$TP_DIR/testpmd.out" "$1" "${2:-30}"
}

# tp_count REGEX: matching lines of testpmd output so far.
tp_count() {
	grep -Ec -- "$1" "$TP_DIR/testpmd.out"
}

# tp_mark: remember the output length; tp_wait_new waits past the mark.
tp_mark() {
	TP_MARK=$(wc -l <"$TP_DIR/testpmd.out")
}

tp_wait_new() {
	local re=$1 deadline=$((SECONDS + ${2:-30}))
	while ! tail -n +"$((TP_MARK + 1))" "$TP_DIR/testpmd.out" | grep -Eq -- "$re"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			tp_fail "timed out after ${2:-30} s waiting for new /$re/"
		fi
		kill -0 "$TP_TESTPMD_PID" 2>/dev/null ||
			tp_fail "testpmd exited while waiting for new /$re/"
		sleep 0.1
	done
}

# tp_new_output: output since the mark.
tp_new_output() {
	tail -n +"$((TP_MARK + 1))" "$TP_DIR/testpmd.out"
}

# tp_quit: quit testpmd and check it exits cleanly in time.
tp_quit() {
	tp_cmd quit
	tp_reap "$TP_TESTPMD_PID" "${1:-30}" ||
		tp_fail "testpmd did not exit after quit"
	local rc=$TP_REAP_RC
	exec 7>&-
	if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' \
		"$TP_DIR/testpmd.out"; then
		tp_fail "sanitizer report in testpmd output"
	fi
	[ "$rc" -eq 0 ] || tp_fail "testpmd exit status $rc"
}

# tp_start_simhv SIMHV: the simulated hypervisor in $TP_SIM.
tp_start_simhv() {
	TP_SIM="$TP_DIR/sim"
	mkdir -p "$TP_SIM"
	"$1" --dir "$TP_SIM" >"$TP_DIR/simhv.out" 2>&1 7>&- &
	TP_PIDS+=("$!")
	tp_wait_for "$TP_SIM/ready" "[0-9]" 10
	export XENSTORED_PATH="$TP_SIM/xenstored.sock"
	export XNB_SIM_DIR="$TP_SIM"
}

# tp_xs XS_TOOL read|ls|write|rm PATH [VALUE]: dom0 xenstore access on
# the simulator of tp_start_simhv (XS_TOOL is tests/sim's xnb-test-xs).
tp_xs() {
	local tool=$1
	shift
	"$tool" "$@"
}

# tp_xs_wait XS_TOOL PATH VALUE [SECONDS]: until PATH reads VALUE (a
# watch, not a poll).
tp_xs_wait() {
	"$1" wait "$2" "$3" "${4:-10}" ||
		tp_fail "$2 did not read '$3' within ${4:-10} s"
}

# tp_json_check FILE "KEY OP VALUE"...: conditions on the last JSON line of
# FILE (a simfront report); KEY may be dotted (queues.1.rx_pkts).
tp_json_check() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/../json_check.py" "$@"
}
