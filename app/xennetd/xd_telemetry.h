/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only stats as DPDK telemetry commands (dpdk-telemetry.py):
 *   /xennetd/ports          switch port names
 *   /xennetd/stats,<port>   counters of one port (name or id)
 *   /xennetd/lcores         busy/idle/sleep shares per worker lcore
 * Telemetry cannot unregister commands: after xd_telemetry_unregister()
 * they answer with an error.
 */
#ifndef XD_TELEMETRY_H
#define XD_TELEMETRY_H

#include "xd_daemon.h"

void xd_telemetry_register(struct xd_daemon *d);
void xd_telemetry_unregister(void);

#endif /* XD_TELEMETRY_H */
