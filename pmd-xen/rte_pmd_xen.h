/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen PMD: API beyond ethdev, for applications that want to know which
 * guest a port serves (an L2 switch learning the guest's MAC statically).
 */
#ifndef RTE_PMD_XEN_H
#define RTE_PMD_XEN_H

#include <stdint.h>

#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The guest's MAC address: the backend "mac" key as the toolstack last
 * wrote it (read at probe and whenever the device is (re)created or
 * connects). 0, -ENOTSUP when port_id is not a net_xen port, -ENOENT when
 * the toolstack gave no valid address.
 */
int rte_pmd_xen_get_guest_mac(uint16_t port_id, struct rte_ether_addr *mac);

/* The vif a net_xen port serves. 0 or -ENOTSUP. */
int rte_pmd_xen_get_vif(uint16_t port_id, uint16_t *domid, uint32_t *devid);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_XEN_H */
