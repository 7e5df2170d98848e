/* SPDX-License-Identifier: BSD-3-Clause */
/* Where the pieces of the simulated hypervisor meet: names inside the
 * simulator directory (xnb-simhv --dir DIR). */
#ifndef XNB_SIM_PATHS_H
#define XNB_SIM_PATHS_H

/* Environment variable naming the simulator directory (for tools/tests). */
#define XNB_SIM_DIR_ENV "XNB_SIM_DIR"
/* Privileged (dom0) xenstore socket: XENSTORED_PATH for the backend. */
#define XNB_SIM_XS_SOCKET "xenstored.sock"
/* Per-guest xenstore socket, created when the domain is introduced. */
#define XNB_SIM_XS_DOM_SOCKET_FMT "xs-dom%u.sock"
/* Grant-table and event-channel broker ("hypercalls"). */
#define XNB_SIM_HV_SOCKET "hv.sock"

#endif /* XNB_SIM_PATHS_H */
