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
# The daemon and its CLI as built; bin/rel/ holds a build without
# sanitizers when the host made one (boot.sh --perf-build).
xennetd_bin=$here/bin/xennetd
xennetctl_bin=$here/bin/xennetctl
xennetd_rel=$here/bin/rel/xennetd
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

# ping_rtt LOG: "min/avg/max" ms from a ping log (iputils or busybox), or
# empty.
ping_rtt()
{
	sed -n -e 's|^rtt min/avg/max/mdev = \([0-9.]*/[0-9.]*/[0-9.]*\)/.*|\1|p' \
		-e 's|^round-trip min/avg/max = \([0-9.]*/[0-9.]*/[0-9.]*\) ms.*|\1|p' "$1"
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

# --- commands in a guest, over its console ---------------------------------
# guest_run NAME LIMIT COMMAND...: run COMMAND in guest NAME (guest-init's
# console loop), wait up to LIMIT s, print its output; its exit status, 124
# on time-out, 125 when the console cannot be reached. May run in the
# background (the id is unique per process).
guest_run_seq=0
guest_run()
{
	local name=$1 limit=$2 id tty domid rc
	shift 2
	guest_run_seq=$((guest_run_seq + 1))
	id=${BASHPID}_$guest_run_seq
	domid=$(xl domid "$name" 2>/dev/null) || return 125
	tty=$(xenstore-read "/local/domain/$domid/console/tty" 2>/dev/null) ||
		return 125
	printf 'XNB %s %s\n' "$id" "$*" >"$tty" 2>/dev/null || return 125
	wait_until "$limit" guest_says "$name" "done $id rc=" || return 124
	tr -d '\r' <"$(console_log "$name")" | sed -n "s/^GUEST: out $id //p"
	rc=$(guest_line "$name" "done $id rc=" | sed 's/.*rc=\([0-9]*\).*/\1/')
	return "${rc:-1}"
}

# snmp_errors: guest command printing the checksum and header error
# counters of /proc/net/snmp as "Proto.Field=value" words.
snmp_errors='awk '"'"'NR % 2 == 1 { split($0, h) } NR % 2 == 0 { for (i = 2; i <= NF; i++) if (h[i] ~ /CsumErrors|HdrErrors|InErrs|InErrors/) printf "%s%s=%s ", h[1], h[i], $i } END { print "" }'"'"' /proc/net/snmp'

# --- xennetd, the project's daemon, as dom0's backend ----------------------
# xennetd_conf [MAX_QUEUES [ADAPTIVE [TSO]]]: the daemon's config in $run (a
# net_tap port "uplink0" = dom0's interface xtap0; control socket in $run).
# Rewritten while the daemon runs, then xnctl reload: [poll] applies at
# once.
xnd_sock=$run/xennetd.sock
xennetd_conf()
{
	cat >"$run/xennetd.conf" <<-EOF2
		[daemon]
		hv = xen
		socket = $xnd_sock
		log_level = info
		mbufs = 8192
		[vif]
		max_queues = ${1:-2}
		[switch]
		tso = ${3:-auto}
		[poll]
		adaptive = ${2:-yes}
		[port uplink0]
		devargs = net_tap0,iface=xtap0
	EOF2
}

# xennetd_start LOG [BIN]: start the daemon (EAL: no hugepages, lcore 0
# control, lcore 1 switching), wait for its control socket, give xtap0
# dom0's 10.0.1.1/24. DPDK alone takes ~10 s to start under TCG: start it
# before the guests.
xennetd_start()
{
	local log=$1 bin=${2:-$xennetd_bin}
	[ -f "$run/xennetd.conf" ] || xennetd_conf
	ASAN_OPTIONS=detect_leaks=1:log_path=$out/asan \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$out/ubsan \
		"$bin" -l 0,1 --no-huge -m 128 --no-pci --no-telemetry \
		--iova-mode=va --log-level='pmd.net.xen*:info' -- \
		--config "$run/xennetd.conf" > >(stamp >>"$log") 2>&1 &
	xennetd_pid=$!
	mark "xennetd pid $xennetd_pid ($bin)"
	wait_until 120 eval 'xnctl list >/dev/null 2>&1 || ! xennetd_alive' &&
		xennetd_alive && wait_until 30 test -e /sys/class/net/xtap0 || return 1
	ip addr add 10.0.1.1/24 dev xtap0
	ip link set xtap0 up
}

xennetd_alive()
{
	[ -n "${xennetd_pid:-}" ] && kill -0 "$xennetd_pid" 2>/dev/null
}

xnctl()
{
	timeout 30 "$xennetctl_bin" --socket "$xnd_sock" "$@"
}

# xennetd_stop [SIGNAL]: stop it (default SIGTERM, 30 s before SIGKILL);
# returns its exit status.
xennetd_stop()
{
	local rc
	[ -n "${xennetd_pid:-}" ] || return 0
	kill "-${1:-TERM}" "$xennetd_pid" 2>/dev/null
	wait_until 30 eval '! xennetd_alive' || kill -9 "$xennetd_pid"
	wait "$xennetd_pid"
	rc=$?
	mark "xennetd exited rc=$rc"
	xennetd_pid=
	return "$rc"
}

# xennetd_fds / xennetd_maps: open fds and gntdev mappings of the daemon.
xennetd_fds()
{
	ls "/proc/$xennetd_pid/fd" 2>/dev/null | wc -l
}

xennetd_maps()
{
	grep -c gntdev "/proc/$xennetd_pid/maps" 2>/dev/null
}

# vif_qstat VIF QUEUE XSTAT: one per-queue counter of `xennetctl stats VIF`
# (0 when absent: the table leaves zeros out).
vif_qstat()
{
	xnctl stats "$1" | awk -v q="$2" -v k="$3" '
		/^queue / { cur = $2; sub(/:/, "", cur) }
		cur == q && $1 == k { v = $2 }
		END { print v + 0 }'
}

# create_guest NAME VCPUS IP PEER MAC [EXTRA ARGS]: xl create with a vif
# served by xennetd; waits for the guest's "ready". Prints the domid.
create_guest()
{
	local name=$1 vcpus=$2 ip=$3 peer=$4 mac=$5 cfg rc
	cfg=$(guest_cfg "$name" "$vcpus" "xnb.ip=$ip xnb.peer=$peer ${6:-}" \
		"mac=$mac,script=vif-xennetd")
	timeout 180 xl create "$cfg" >"$out/$name-create.txt" 2>&1
	rc=$?
	mark "xl create $name rc=$rc"
	[ "$rc" = 0 ] && wait_until 150 guest_says "$name" ready &&
		xl domid "$name"
}

# --- scenarios 1 and 2, for any backend -------------------------------------
# measure TAG NAME IP CREATE_RC: ping both ways and iperf3 against guest
# NAME (created with xl create status CREATE_RC); sets TAG_tcp_tx TAG_tcp_rx
# TAG_udp_tx TAG_udp_rx TAG_rtt (tx: dom0 -> guest).
measure()
{
	local tag=$1 name=$2 ip=$3 gping i rtt
	if [ "$4" != 0 ]; then
		result FAIL "$tag-ping" "xl create $name rc=$4: $(grep -m1 'error' "$out/$tag-create.txt")"
		return 1
	fi
	if ! wait_until 120 guest_says "$name" ready; then
		result FAIL "$tag-ping" "guest $name not ready: $(guest_line "$name" '' | tail -1)"
		return 1
	fi
	wait_until 90 guest_says "$name" "ping "
	gping=$(guest_line "$name" "ping ")
	for i in 1 2 3; do
		ping -c 5 -W 2 "$ip" >"$out/$tag-ping.txt" 2>&1
		grep -q ' 0% packet loss' "$out/$tag-ping.txt" && break
	done
	rtt=$(ping_rtt "$out/$tag-ping.txt")
	if [ -n "$rtt" ] && grep -q ' 0% packet loss' "$out/$tag-ping.txt" &&
			[[ "$gping" == *" OK "* ]]; then
		result PASS "$tag-ping" "dom0->guest rtt min/avg/max $rtt ms; guest->dom0 ${gping#GUEST: ping }"
	else
		result FAIL "$tag-ping" "dom0->guest: $(grep -h 'packet loss' "$out/$tag-ping.txt"); guest: $gping"
		return 1
	fi
	printf -v "${tag}_rtt" %s "$rtt"
	printf -v "${tag}_tcp_tx" %s "$(iperf_tcp "$ip" "$out/$tag-iperf-tcp-to-guest.txt")"
	printf -v "${tag}_tcp_rx" %s "$(iperf_tcp "$ip" "$out/$tag-iperf-tcp-from-guest.txt" -R)"
	printf -v "${tag}_udp_tx" %s "$(iperf_udp64 "$ip" "$out/$tag-iperf-udp64-to-guest.txt")"
	printf -v "${tag}_udp_rx" %s "$(iperf_udp64 "$ip" "$out/$tag-iperf-udp64-from-guest.txt" -R)"
	local -n tt=${tag}_tcp_tx tr=${tag}_tcp_rx ut=${tag}_udp_tx ur=${tag}_udp_rx
	local line="TCP dom0->guest $tt Mbit/s, guest->dom0 $tr Mbit/s; UDP 64 B dom0->guest $ut pps, guest->dom0 $ur pps"
	if [ "$tt" != - ] && [ "$tr" != - ] && [ "$ut" != - ] && [ "$ur" != - ]; then
		result PASS "$tag-iperf" "$line"
	else
		result FAIL "$tag-iperf" "$line (see $tag-iperf-*.txt)"
	fi
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "-" }'
}

# compare TAG...: the table of the measurements of each TAG (summary.txt)
# and, for each but the last, the ratios to the last (netback).
compare()
{
	local b r tt tr ut ur ref=${!#} ratios=
	{
		printf '%-8s %-22s %12s %12s %12s %12s\n' backend "ping rtt (ms)" \
			"TCP tx Mb/s" "TCP rx Mb/s" "UDP64 tx pps" "UDP64 rx pps"
		for b in "$@"; do
			r=${b}_rtt tt=${b}_tcp_tx tr=${b}_tcp_rx ut=${b}_udp_tx ur=${b}_udp_rx
			printf '%-8s %-22s %12s %12s %12s %12s\n' "$b" "${!r:--}" "${!tt:--}" \
				"${!tr:--}" "${!ut:--}" "${!ur:--}"
		done
		echo "(tx: dom0 -> guest, rx: guest -> dom0)"
	} | tee "$out/summary.txt"
	for b in "${@:1:$#-1}"; do
		tt=${b}_tcp_tx tr=${b}_tcp_rx ut=${b}_udp_tx ur=${b}_udp_rx
		r=${ref}_tcp_tx
		[ -n "${!tt:-}" ] && [ -n "${!r:-}" ] || continue
		ratios+="${ratios:+; }$b/$ref: TCP tx $(ratio "${!tt}" "${!r}")"
		r=${ref}_tcp_rx
		ratios+=", rx $(ratio "${!tr}" "${!r}")"
		r=${ref}_udp_tx
		ratios+=", UDP64 tx $(ratio "${!ut}" "${!r}")"
		r=${ref}_udp_rx
		ratios+=", rx $(ratio "${!ur}" "${!r}")"
	done
	if [ -n "$ratios" ]; then
		result PASS compare "$ratios"
	else
		result SKIP compare "needs a userspace and a netback measurement"
	fi
}

# netback_run: scenarios 1 and 2 with the kernel's xen-netback and a bridge
# (guest nb1, 10.0.2.2), for the comparison in the same boot. Whatever serves
# vifs from userspace must be stopped first: it would claim nb1's vif too.
netback_run()
{
	local cfg create domid rc try
	ip link add xenbr0 type bridge
	ip addr add 10.0.2.1/24 dev xenbr0
	ip link set xenbr0 up
	cfg=$(guest_cfg nb1 1 "xnb.ip=10.0.2.2/24 xnb.peer=10.0.2.1" \
		"mac=00:16:3e:00:02:02,bridge=xenbr0")
	# Twice at most: on a loaded host libxl may kill Xen's own vif-bridge
	# script for running too long under TCG.
	for try in 1 2; do
		xl create "$cfg" >"$out/netback-create.txt" 2>&1 &
		create=$!
		if domid=$(wait_vif_backend nb1 0); then
			mark "nb1 is domid $domid"
			netback_bind "$domid" 0
		fi
		wait "$create"
		rc=$?
		mark "xl create nb1 rc=$rc (try $try)"
		[ "$rc" != 0 ] && grep -q 'because of timeout' "$out/netback-create.txt" || break
		cp "$out/netback-create.txt" "$out/netback-create-$try.txt"
		xl destroy nb1 2>/dev/null
	done
	measure netback nb1 10.0.2.2 "$rc"
	xs_dump "$out/netback-xenstore.txt"
	xl destroy nb1 2>/dev/null
}

# md5_to_guest NAME IP PORT FILE: send FILE from dom0 to guest NAME over TCP
# (busybox nc); prints "dom0-md5 guest-md5".
md5_to_guest()
{
	local name=$1 ip=$2 port=$3 file=$4 job sum i
	guest_run "$name" 90 "rm -f /tmp/ff; mkfifo /tmp/ff; sleep 80 >/tmp/ff & s=\$!; nc -l -p $port </tmp/ff >/tmp/in.bin; kill \$s; md5sum /tmp/in.bin; rm -f /tmp/in.bin" \
		>"$run/md5-$port.txt" &
	job=$!
	sleep 3
	for i in 1 2 3 4 5; do
		timeout 60 busybox nc "$ip" "$port" <"$file" && break
		sleep 2
	done
	wait "$job"
	sum=$(awk '{ print $1; exit }' "$run/md5-$port.txt")
	echo "$(md5sum <"$file" | cut -d' ' -f1) ${sum:--}"
}

# md5_between SRC DST DST_IP PORT BYTES: guest SRC sends BYTES random bytes
# to guest DST over TCP; prints "src-md5 dst-md5".
md5_between()
{
	local src=$1 dst=$2 ip=$3 port=$4 bytes=$5 job ssum dsum
	guest_run "$dst" 120 "rm -f /tmp/ff; mkfifo /tmp/ff; sleep 110 >/tmp/ff & s=\$!; nc -l -p $port </tmp/ff >/tmp/in.bin; kill \$s; md5sum /tmp/in.bin; rm -f /tmp/in.bin" \
		>"$run/md5-$port.txt" &
	job=$!
	sleep 3
	ssum=$(guest_run "$src" 110 "head -c $bytes /dev/urandom >/tmp/out.bin; md5sum /tmp/out.bin; for i in 1 2 3 4 5; do nc $ip $port </tmp/out.bin && break; sleep 2; done; rm -f /tmp/out.bin" |
		awk '{ print $1; exit }')
	wait "$job"
	dsum=$(awk '{ print $1; exit }' "$run/md5-$port.txt")
	echo "${ssum:--} ${dsum:--}"
}
