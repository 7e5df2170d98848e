#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e-needs: nothing
# The toolstack side of a userspace-served vif on real Xen, with the project's
# hotplug script (vif-xennetd) and a xenbus-only stand-in for the backend
# (xnb-standin): xl create, network-attach/detach, the script's error path,
# xl destroy. Proves the lab and the hotplug flow without the datapath.
. /opt/xnb-e2e/lib.sh
standin=$here/xnb-standin
script=/etc/xen/scripts/vif-xennetd
xs_trace "$out/xenstore-trace.txt"

# --- the script's error path, on a real xenstore dir -----------------------
# Before any stand-in runs, so that no userspace backend is alive: with the
# dir in InitWait the process check must fail; in Initialising the state
# check must.
bad=/local/domain/0/backend/vif/999/0
xenstore-write "$bad/state" 2
XENBUS_PATH=$bad "$script" online 2>"$out/hp-error-1.txt"
rc1=$?
err1=$(xenstore-read "$bad/hotplug-error" 2>&1)
st1=$(xenstore-read "$bad/hotplug-status" 2>&1)
xenstore-write "$bad/state" 1
XENBUS_PATH=$bad "$script" online 2>"$out/hp-error-2.txt"
rc2=$?
err2=$(xenstore-read "$bad/hotplug-error" 2>&1)
XENBUS_PATH=$bad "$script" bogus 2>/dev/null
rc3=$?
XENBUS_PATH=/local/domain/0/backend/vbd/999/0 "$script" online 2>/dev/null
rc4=$?
xenstore-rm /local/domain/0/backend/vif/999
case "$rc1 $st1 $rc2 $rc3 $rc4:$err1:$err2" in
"1 error 1 1 1:no userspace backend is running"*":backend state is '1', not InitWait"*)
	result PASS hotplug-error "no backend process and Initialising state both give hotplug-status=error with the reason; bad command/path rejected"
	;;
*)
	result FAIL hotplug-error "rc=$rc1/$rc2/$rc3/$rc4 status=$st1 errors: '$err1' / '$err2'"
	;;
esac

# --- xl create with a vif served by the stand-in ---------------------------
cfg=$(guest_cfg hp1 1 "xnb.ip=10.0.9.2/24 xnb.wait=60" \
	"mac=00:16:3e:00:09:02,script=vif-xennetd")
t0=$(up)
xl create "$cfg" >"$out/hp1-create.txt" 2>&1 &
create=$!
# The backend must reach InitWait within libxl's 10 s of the dir appearing:
# start the stand-in as soon as the domid is known.
if domid=$(wait_vif_backend hp1 0); then
	mark "backend dir for domid $domid after $(awk "BEGIN { print $(up) - $t0 }")s"
	"$standin" --vdev "net_xen0,domid=$domid,devid=0" >"$out/standin-0.txt" 2>&1 &
fi
wait "$create"
rc=$?
be=$(backend_path "${domid:-none}" 0)
wait_until 60 guest_says hp1 "eth0 up"
xs_dump "$out/hp1-xenstore.txt"
if [ "$rc" = 0 ] && xs_is "$be/hotplug-status" connected &&
		wait_until 20 xs_is "$be/state" 4 && guest_says hp1 "eth0 up"; then
	result PASS hotplug-create "domid $domid: xl create rc=0, hotplug-status=connected, backend Connected, guest eth0 up"
else
	result FAIL hotplug-create "xl create rc=$rc hotplug-status=$(xenstore-read "$be/hotplug-status" 2>&1) state=$(xenstore-read "$be/state" 2>&1) guest: $(guest_line hp1 'eth0')"
fi

# --- network-attach / network-detach of a second vif -----------------------
if [ -n "${domid:-}" ]; then
	be1=$(backend_path "$domid" 1)
	"$standin" --vdev "net_xen0,domid=$domid,devid=1" >"$out/standin-1.txt" 2>&1 &
	xl network-attach "$domid" mac=00:16:3e:00:09:03 script=vif-xennetd \
		>"$out/hp1-attach.txt" 2>&1
	rc_a=$?
	wait_until 20 xs_is "$be1/state" 4
	st_a="hotplug-status=$(xenstore-read "$be1/hotplug-status" 2>&1) state=$(xenstore-read "$be1/state" 2>&1)"
	timeout 60 xl network-detach "$domid" 1 >"$out/hp1-detach.txt" 2>&1
	rc_d=$?
	if [ "$rc_a" = 0 ] && [ "$st_a" = "hotplug-status=connected state=4" ] &&
			[ "$rc_d" = 0 ] && wait_until 10 eval '! xs_exists $be1' &&
			grep -q "offline .*backend/vif/$domid/1: removed" /var/log/xen/xen-hotplug.log; then
		result PASS hotplug-attach-detach "attach rc=0 ($st_a), detach rc=0, backend dir removed, script ran offline"
	else
		result FAIL hotplug-attach-detach "attach rc=$rc_a ($st_a), detach rc=$rc_d, dir left: $(xenstore-read "$be1/state" 2>&1)"
	fi
else
	result FAIL hotplug-attach-detach "no guest"
fi

# --- xl destroy --------------------------------------------------------------
if [ -n "${domid:-}" ]; then
	xl destroy hp1
	if wait_until 10 eval '! xs_exists /local/domain/0/backend/vif/$domid' &&
			grep -q "offline .*backend/vif/$domid/0: removed" /var/log/xen/xen-hotplug.log &&
			wait_until 5 eval '! pgrep -f "domid=$domid," >/dev/null'; then
		result PASS hotplug-destroy "backend dirs removed, script ran offline, stand-ins exited"
	else
		result FAIL hotplug-destroy "after destroy: $(xenstore-ls -f /local/domain/0/backend/vif 2>&1 | head -3)"
	fi
fi
cp /var/log/xen/xen-hotplug.log "$out/" 2>/dev/null
exit 0
