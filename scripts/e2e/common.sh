# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the host side of the e2e harness (setup.sh, boot.sh): paths,
# logging and the exit codes every caller relies on.

# Exit codes: 0 pass, 1 failure, 77 skip (meson's "skipped": the lab cannot
# be set up here, or the component under test is not built).
XNB_E2E_EXIT_SKIP=77

XNB_E2E_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
XNB_TOP=$(cd "$XNB_E2E_SCRIPTS/../.." && pwd)
XNB_E2E_CACHE=${XNB_E2E_CACHE:-$XNB_TOP/.cache/e2e}

# Layout of the cache (built by setup.sh, read by boot.sh).
E2E_DEBS=$XNB_E2E_CACHE/debs
E2E_HOST=$XNB_E2E_CACHE/extract
E2E_ROOTFS=$XNB_E2E_CACHE/rootfs
E2E_IMAGES=$XNB_E2E_CACHE/images
E2E_STAMPS=$XNB_E2E_CACHE/stamps
E2E_LOCK=$XNB_E2E_CACHE/lock

# Where the harness lives inside the dom0 root (the 9p-shared rootfs).
E2E_DOM0_DIR=/opt/xnb-e2e

e2e_t0=$(date +%s)

e2e_log()
{
	echo "[e2e $(basename "$0") +$(($(date +%s) - e2e_t0))s] $*"
}

e2e_die()
{
	echo "[e2e $(basename "$0")] FAILED: $*" >&2
	exit 1
}

e2e_skip()
{
	echo "[e2e $(basename "$0")] SKIP: $*" >&2
	exit "$XNB_E2E_EXIT_SKIP"
}

# One lab user at a time: the rootfs is shared and QEMU TCG takes both cores.
e2e_lock()
{
	mkdir -p "$XNB_E2E_CACHE"
	exec {e2e_lock_fd}>"$E2E_LOCK"
	if ! flock -n "$e2e_lock_fd"; then
		e2e_log "waiting for another e2e run to release $E2E_LOCK"
		flock "$e2e_lock_fd"
	fi
}
