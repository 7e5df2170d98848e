#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A simulated hypervisor for tests and scripts. Source this file, then:
#
#   sim_env_start [SIMHV]     start "xnb-simhv --dir $(mktemp -d)" (binary:
#                             argument, else $XNB_SIMHV, else from PATH),
#                             wait until it is ready (bounded) and export
#                             XNB_SIM_DIR; everything stops on exit
#   sim_env_spawn NAME CMD... run CMD in the background, output in
#                             $XNB_SIM_DIR/NAME.out and NAME.err; the pid
#                             is in SIM_PID and it is stopped on exit
#   sim_env_wait PID [SECS]   wait (bounded, default 30 s) for a spawned
#                             process; returns its exit status, 124 on
#                             timeout (the process is then killed)
#   sim_env_stop              stop everything now (also run on exit)
#
# XNB_SIM_KEEP=1 keeps the directory (logs) after stopping.

_sim_env_pids=()
_sim_env_hv_pid=

# Kill pid (TERM, then KILL after 5 s) and reap it. Safe under set -e.
_sim_env_kill() {
	local pid=$1 i

	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

sim_env_stop() {
	local pid

	for pid in "${_sim_env_pids[@]}"; do
		_sim_env_kill "$pid"
	done
	_sim_env_pids=()
	if [ -n "$_sim_env_hv_pid" ]; then
		_sim_env_kill "$_sim_env_hv_pid"
		_sim_env_hv_pid=
	fi
	if [ -n "${XNB_SIM_DIR:-}" ] && [ -d "$XNB_SIM_DIR" ]; then
		if [ "${XNB_SIM_KEEP:-0}" = 1 ]; then
			echo "sim-env: kept $XNB_SIM_DIR" >&2
		else
			rm -rf "$XNB_SIM_DIR"
		fi
	fi
	unset XNB_SIM_DIR
}

sim_env_start() {
	local simhv=${1:-${XNB_SIMHV:-xnb-simhv}} dir i

	dir=$(mktemp -d "${TMPDIR:-/tmp}/xnb-sim.XXXXXX") || return 1
	export XNB_SIM_DIR=$dir
	trap sim_env_stop EXIT
	trap 'exit 130' INT TERM
	"$simhv" --dir "$dir" >"$dir/simhv.log" 2>&1 &
	_sim_env_hv_pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$dir/ready" ] && return 0
		if ! kill -0 "$_sim_env_hv_pid" 2>/dev/null; then
			echo "sim-env: $simhv exited:" >&2
			cat "$dir/simhv.log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "sim-env: $simhv not ready after 10 s" >&2
	return 1
}

sim_env_spawn() {
	local name=$1

	shift
	"$@" >"$XNB_SIM_DIR/$name.out" 2>"$XNB_SIM_DIR/$name.err" &
	SIM_PID=$!
	_sim_env_pids+=("$SIM_PID")
}

sim_env_wait() {
	local pid=$1 secs=${2:-30} i

	for ((i = 0; i < secs * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" && return 0
			return
		fi
		sleep 0.1
	done
	echo "sim-env: pid $pid still running after $secs s" >&2
	_sim_env_kill "$pid"
	return 124
}
