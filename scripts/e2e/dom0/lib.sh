# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the scenario groups in the lab's dom0. A group reports each
# scenario with `result PASS|FAIL|SKIP <name> <detail>`; the host turns
# out/results into the test verdict (any FAIL fails, then any SKIP skips;
# no result at all fails).
here=/opt/xnb-e2e
out=$here/out
run=/run/xnb-e2e
images=/var/lib/xnb-e2e
pmd=$here/bin/librte_net_xen.so
mkdir -p "$out" "$run"
# A write to a dead testpmd's FIFO must fail, not kill the group.
trap '' PIPE
# Background helpers end with the group.
trap 'kill $(jobs -p) 2>/dev/null' EXIT

# dom0's uptime in seconds (no fork: under TCG every exec costs).
up()
{
	local u _
	read -r u _ </proc/uptime
	echo "$u"
}

# stamp: prefix each input line with dom0's uptime.
stamp()
{
	local line u _
	while IFS= read -r line; do
		read -r u _ </proc/uptime
		printf '[%s] %s\n' "$u" "$line"
	done
}

mark()
{
	echo "MARK: [$(up)] $*"
}

result()
{
	local status=$1 name=$2
	shift 2
	echo "$status $name $*" >>"$out/results"
	echo "RESULT: $status $name $*"
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.2 s; 1 on time-out.
# (By the clock: under TCG every command costs a good part of a second.)
wait_until()
{
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

xs_is()
{
	[ "$(xenstore-read "$1" 2>/dev/null)" = "$2" ]
}

xs_exists()
{
	xenstore-read "$1" >/dev/null 2>&1
}

backend_path()
{
	echo "/local/domain/0/backend/vif/$1/$2"
}

console_log()
{
	echo "/var/log/xen/console/guest-$1.log"
}

# guest_says NAME TEXT: the guest printed "GUEST: TEXT..." on its console.
guest_says()
{
	tr -d '\r' <"$(console_log "$1")" 2>/dev/null | grep -q "^GUEST: $2"
}

guest_line()
{
	tr -d '\r' <"$(console_log "$1")" 2>/dev/null | grep "^GUEST: $2" | tail -1
}

# guest_cfg NAME VCPUS "KERNEL ARGS" VIF_SPEC...: writes $run/NAME.cfg.
guest_cfg()
{
	local name=$1 vcpus=$2 args=$3 vifs= spec
	shift 3
	for spec in "$@"; do
		vifs+="${vifs:+, }'$spec'"
	done
	cat >"$run/$name.cfg" <<-EOF
		name = "$name"
		type = "pv"
		kernel = "$images/vmlinuz"
		ramdisk = "$images/guest.gz"
		extra = "console=hvc0 loglevel=4 $args"
		memory = 256
		vcpus = $vcpus
		vif = [ $vifs ]
		on_crash = "preserve"
	EOF
	echo "$run/$name.cfg"
}

# xs_dump FILE: the vif backend and frontend dirs of every domain.
xs_dump()
{
	xenstore-ls -f 2>&1 | grep -E '/backend/vif|/device/vif' >"$1"
}

# Kernel netback only serves vifs bound to it (dom0-init turned off
# autoprobe). netback_bind DOMID DEVID waits for the device and binds it,
# in the background: libxl waits for InitWait meanwhile.
netback_bind()
{
	local dev=vif-$1-$2
	(
		wait_until 10 test -e "/sys/bus/xen-backend/devices/$dev" &&
			echo "$dev" >/sys/bus/xen-backend/drivers/vif/bind &&
			mark "netback bound $dev"
	) &
}

# Stock testpmd with the project's PMD, driven through a FIFO so that a
# scenario can ask for stats while it forwards.
# testpmd_prepare: everything that can be done before the guest exists (the
# backend has only 10 s once libxl created the vif's backend dir).
testpmd_prepare()
{
	# A sanitizer build of the PMD needs its runtime first in a stock binary.
	testpmd_preload=$(ldd "$pmd" | awk '/libasan/ { print $3 }')
	rm -f "$run/testpmd.in"
	mkfifo "$run/testpmd.in"
}

testpmd_start()
{
	local log=$1
	shift
	LD_PRELOAD=$testpmd_preload \
	ASAN_OPTIONS=detect_leaks=1:log_path=$out/asan \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$out/ubsan \
		dpdk-testpmd -d "$pmd" "$@" <"$run/testpmd.in" > >(stamp >"$log") 2>&1 &
	testpmd_pid=$!
	exec 7>"$run/testpmd.in"
	mark "testpmd pid $testpmd_pid: $*"
}

testpmd_alive()
{
	[ -n "${testpmd_pid:-}" ] && kill -0 "$testpmd_pid" 2>/dev/null
}

testpmd_cmd()
{
	testpmd_alive && echo "$*" >&7
}

# testpmd_stop: quit, then wait up to 20 s before killing it.
testpmd_stop()
{
	[ -n "${testpmd_pid:-}" ] || return 0
	testpmd_cmd quit
	exec 7>&-
	wait_until 20 eval '! testpmd_alive' || kill -9 "$testpmd_pid"
	wait "$testpmd_pid"
	mark "testpmd exited rc=$?"
	testpmd_pid=
}

# sanitizer_clean: no ASan/UBSan report from the PMD so far.
sanitizer_clean()
{
	! grep -qs -E 'ERROR: AddressSanitizer|runtime error:' "$out"/asan.* "$out"/ubsan.*
}

# wait_vif_backend NAME DEVID: prints the domid of guest NAME once libxl made
# its vif backend dir (the backend then has 10 s to reach InitWait).
wait_vif_backend()
{
	local name=$1 devid=$2 domid=
	wait_until 60 eval 'domid=$(xl domid "$name" 2>/dev/null)' || return 1
	wait_until 60 xs_exists "$(backend_path "$domid" "$devid")" || return 1
	echo "$domid"
}

# iperf3 client run; prints the receiver's Mbit/s ("-" when it failed).
# iperf_tcp HOST LOG [iperf3 args]
iperf_tcp()
{
	local host=$1 log=$2
	shift 2
	timeout 40 iperf3 -c "$host" -t 10 -f m "$@" >"$log" 2>&1
	awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
		END { print (v == "" ? "-" : v) }' "$log"
}

# iperf_udp64 HOST LOG [iperf3 args]: 64-byte UDP datagrams, unlimited rate;
# prints the datagrams per second the receiver got ("-" when it failed).
iperf_udp64()
{
	local host=$1 log=$2
	shift 2
	timeout 30 iperf3 -c "$host" -u -l 64 -b 0 -t 5 "$@" >"$log" 2>&1
	awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) {
			split($i, lt, "/"); got = lt[2] - lt[1] } }
		END { print (got == "" ? "-" : int(got / 5)) }' "$log"
}

# ping_rtt LOG: "min/avg/max" ms from a ping log, or empty.
ping_rtt()
{
	sed -n 's|^rtt min/avg/max/mdev = \([0-9.]*/[0-9.]*/[0-9.]*\)/.*|\1|p' "$1"
}

# xs_trace FILE: log every change under any vif dir (backend and frontend)
# with dom0's uptime, and the value of state and hotplug keys, in the
# background for the rest of the group: the timeline of a connection.
xs_trace()
{
	xenstore-watch /local/domain | while read -r path _; do
		case "$path" in
		*/vif/*/state | */vif/*/hotplug-status)
			echo "[$(up)] $path = $(xenstore-read "$path" 2>&1)" ;;
		*/vif/*) echo "[$(up)] $path" ;;
		esac
	done >"$1" 2>&1 &
}
