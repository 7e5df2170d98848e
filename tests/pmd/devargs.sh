#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bad devargs make the net_xen probe fail cleanly: testpmd comes up without
# the port, the PMD logs one line saying what is wrong, nothing crashes.
# Usage: devargs.sh TESTPMD PMD_SO
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"

# devargs|expected log text
cases=(
	"|missing required devarg domid"
	"devid=0|missing required devarg domid"
	"domid=|bad domid ''"
	"domid=0|bad domid '0'"
	"domid=-1|bad domid '-1'"
	"domid=+1|bad domid '[+]1'"
	"domid=1x|bad domid '1x'"
	"domid=32752|bad domid '32752'"
	"domid=99999999999999999999999|bad domid"
	"domid=1,domid=2|domid given more than once"
	"domid=1,devid=65536|bad devid '65536'"
	"domid=1,queues=0|bad queues '0'"
	"domid=1,queues=17|bad queues '17'"
	"domid=1,hv=kvm|bad hv 'kvm'"
	"domid=1,hv=xen,simdir=/x|simdir is only valid with hv=sim"
	"domid=1,backlog=0|bad backlog '0'"
	"domid=1,backlog=65537|bad backlog '65537'"
	"domid=1,mac=ff:ff:ff:ff:ff:ff|bad mac 'ff:ff:ff:ff:ff:ff'"
	"domid=1,mac=01:00:5e:00:00:01|bad mac"
	"domid=1,mac=00:00:00:00:00:00|bad mac"
	"domid=1,mac=zz|bad mac 'zz'"
	"domid=1,revive=|bad revive ''"
	"domid=1,revive=2|bad revive '2'"
	"domid=1,revive=yes|bad revive 'yes'"
	"domid=1,revive=01x|bad revive '01x'"
	"domid=1,revive=0,revive=1|revive given more than once"
	"domid=1,copy_threshold=|bad copy_threshold ''"
	"domid=1,copy_threshold=4097|bad copy_threshold '4097'"
	"domid=1,copy_threshold=-1|bad copy_threshold '-1'"
	"domid=1,copy_threshold=1k|bad copy_threshold '1k'"
	"domid=1,copy_threshold=0,copy_threshold=0|copy_threshold given more than once"
	"domid=1,bogus=1|cannot parse devargs"
	"domid=1,hv=sim|hv=sim needs simdir=PATH or XNB_SIM_DIR"
	"domid=1,hv=sim,simdir=$TP_DIR/nonexistent|cannot open hypervisor 'sim'"
)

unset XNB_SIM_DIR
n=0
for c in "${cases[@]}"; do
	args=${c%%|*}
	want=${c#*|}
	out="$TP_DIR/case$n.out"
	tp_run_env timeout 60 "$TP_TESTPMD" $(tp_eal_args) \
		--vdev "net_xen0${args:+,$args}" -- -i --total-num-mbufs=2048 \
		</dev/null >"$out" 2>&1
	rc=$?
	# testpmd keeps running without the port and exits 0 at EOF.
	[ "$rc" -eq 0 ] || { cat "$out"; tp_fail "case '$args': exit status $rc"; }
	grep -Eq -- "net_xen: .*$want" "$out" ||
		{ cat "$out"; tp_fail "case '$args': no log line /$want/"; }
	grep -q "No probed ethernet devices" "$out" ||
		{ cat "$out"; tp_fail "case '$args': a port was created"; }
	if grep -Eq 'AddressSanitizer|runtime error:' "$out"; then
		cat "$out"
		tp_fail "case '$args': sanitizer report"
	fi
	n=$((n + 1))
done
echo "ok: $n bad devargs refused"
