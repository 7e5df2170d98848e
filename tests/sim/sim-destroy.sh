#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# xl destroy of a domain with a connected vif, in the order Xen 4.17's
# libxl does it (build-lead/e2e-artifacts/hotplug/xenstore-trace.txt): the
# guest is paused before anything happens, its frontend directory goes,
# the backend gets online=0 and Closing and reaches Closed, the backend
# directory goes, then the domain's own directory, and only then does the
# domain die (@releaseDomain, the guest process killed). The other guest
# keeps its vif.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --rx-only
start_guest g2 2 --rx-only
attach 1
attach 2
wait_state "$(fe_dir 1)" 4
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4

sim_env_spawn trace "$XSTOOL" --dir "$XNB_SIM_DIR" trace 30 \
	"${GUEST_PID[g1]}" @releaseDomain /local/domain @releaseDomain
trace_pid=$SIM_PID
for ((i = 0; i < 100; i++)); do
	grep -q ready "$XNB_SIM_DIR/trace.err" && break
	sleep 0.1
done
grep -q ready "$XNB_SIM_DIR/trace.err" || fail "xenstore trace did not start"

# The backend is held (SIGSTOP) so that destroy waits for it with the
# frontend gone: the guest must be paused by then.
kill -STOP "$TB_PID"
sim_env_spawn destroy "$SIMXL" --dir "$XNB_SIM_DIR" destroy 1
destroy_pid=$SIM_PID
for ((i = 0; i < 100; i++)); do
	grep -q "^$(fe_dir 1) @absent" "$XNB_SIM_DIR/trace.out" && break
	sleep 0.05
done
state=$(ps -o stat= -p "${GUEST_PID[g1]}" || true)
kill -CONT "$TB_PID"
grep -q "^$(fe_dir 1) @absent" "$XNB_SIM_DIR/trace.out" ||
	fail "destroy did not remove the frontend"
case "$state" in
T*) ;;
*) fail "guest not paused while its frontend went (state '$state')" ;;
esac
sim_env_wait "$destroy_pid" 30 || fail "xnb-simxl destroy 1 failed"
sim_env_wait "$trace_pid" 30 || fail "no @releaseDomain after destroy"
rc=0
sim_env_wait "${GUEST_PID[g1]}" 10 || rc=$?
[ "$rc" = 137 ] || fail "guest 1 exited $rc, not killed by destroy"

python3 - "$XNB_SIM_DIR/trace.out" "$(fe_dir 1)" "$(be_dir 1)" <<'EOF' ||
import sys
ev = [l.split() for l in open(sys.argv[1]) if l.strip()]
fe, be = sys.argv[2], sys.argv[3]

def first(pred, start=0):
    for i in range(start, len(ev)):
        if pred(ev[i]):
            return i
    sys.exit("missing after event %d: %s\n%s" % (start, pred.__doc__,
             "".join(" ".join(e) + "\n" for e in ev)))

def fe_gone(e):
    "frontend dir removed"
    return e[0] == fe and e[1] == "@absent"
def online0(e):
    "backend online=0"
    return e[0] == be + "/online"
def state(e):
    "backend state written"
    return e[0] == be + "/state"
def be_gone(e):
    "backend dir removed"
    return e[0] == be and e[1] == "@absent"
def dom_gone(e):
    "/local/domain/1 removed"
    return e[0] == "/local/domain/1" and e[1] == "@absent"
def release(e):
    "@releaseDomain"
    return e[0] == "@releaseDomain"

i_fe = first(fe_gone)
# Nothing of domain 1's devices changed before: the frontend goes first.
for e in ev[:i_fe]:
    if "/vif/1/" in e[0] or e[0].startswith("/local/domain/1/"):
        sys.exit("event before the frontend went: %s" % " ".join(e))
i_on = first(online0, i_fe)
i_st = first(state, i_fe)
i_be = first(be_gone, max(i_on, i_st))
i_dom = first(dom_gone, i_be)
i_rel = first(release, i_dom)
# Dead (not merely paused) once the domain is released.
if ev[i_rel][2] != "gone":
    sys.exit("guest still alive at @releaseDomain")
# A paused guest writes nothing.
for e in ev[i_fe:]:
    if e[0].startswith(fe + "/"):
        sys.exit("guest wrote during destroy: %s" % " ".join(e))
EOF
	fail "destroy sequence differs from libxl's"
grep -q "$(be_dir 1): state 5 -> 6" "$XNB_SIM_DIR/testback.err" ||
	fail "backend did not go Closing -> Closed"
xs wait "/local/domain/1" @absent 1 || fail "domain 1 nodes left"
[ "$(xs read "$(be_dir 2)/state")" = 4 ] || fail "g2 lost its vif"
backend_stats
check "$XNB_SIM_DIR/testback.stats" "vifs == 1" "mapped == 2" "bound == 2"
stop g2
check "$XNB_SIM_DIR/g2.out" "ok == true" "connects == 1"
echo "PASS"
