/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toolstack stand-in: the hypervisor calls of xl pause and xl destroy
 * (xc_domain_pause, xc_domain_destroy), made to the simulator's broker as
 * a privileged process of domain 0.
 */
#include <errno.h>
#include <unistd.h>

#include "xnb_sim_msg.h"
#include "simxl_int.h"

int
simxl_hv_domain_ctl(struct xnb_simxl *xl, uint16_t domid, uint32_t type)
{
	struct xnb_sim_req req = { .type = XNB_SIM_BACKEND_HELLO };
	struct xnb_sim_rep rep;
	int sock, fd, ret;

	if (xl->sim_dir == NULL)
		return -ENOTSUP;
	sock = xnb_sim_connect(xl->sim_dir);
	if (sock < 0)
		return sock;
	/* Domain 0's hello; the domain table it brings is of no use here. */
	req.u.backend_hello.domid = 0;
	ret = xnb_sim_rpc(sock, &req, NULL, 0, &rep, &fd, 1);
	if (ret == 0) {
		close(fd);
		req.type = type;
		req.u.domain_ctl.domid = domid;
		ret = xnb_sim_rpc(sock, &req, NULL, 0, &rep, NULL, 0);
	}
	close(sock);
	return ret;
}
