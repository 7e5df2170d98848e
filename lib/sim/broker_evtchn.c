/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The broker's event channels: per-domain port tables and the state
 * machine of Xen's interdomain channels (free -> unbound -> interdomain;
 * closing one end leaves the other unbound, waiting for a new bind).
 * Error codes follow Xen's EVTCHNOP_*: -ESRCH for an unknown remote domain,
 * -EINVAL for a port that is not unbound towards the caller (free, already
 * bound, or meant for another domain), -ENOSPC when a domain has no port
 * left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "broker_priv.h"

#define PORTS_INITIAL 64u

static struct bport *
port_get(struct bdom *d, uint32_t port)
{
	if (d == NULL || port == 0 || port >= d->nports ||
	    d->ports[port].state == BPORT_FREE)
		return NULL;
	return &d->ports[port];
}

/* Lowest free port of d (> 0), growing the table. -ENOSPC / -ENOMEM. */
static int
port_alloc(struct bdom *d)
{
	struct bport *ports;
	uint32_t i, n;

	for (i = 1; i < d->nports; i++)
		if (d->ports[i].state == BPORT_FREE)
			return (int)i;
	if (d->nports >= XNB_SIM_EVTCHN_PORTS)
		return -ENOSPC;
	n = d->nports == 0 ? PORTS_INITIAL : d->nports * 2;
	if (n > XNB_SIM_EVTCHN_PORTS)
		n = XNB_SIM_EVTCHN_PORTS;
	ports = realloc(d->ports, sizeof(*ports) * n);
	if (ports == NULL)
		return -ENOMEM;
	memset(ports + d->nports, 0, sizeof(*ports) * (n - d->nports));
	i = d->nports == 0 ? 1 : d->nports;
	d->ports = ports;
	d->nports = n;
	return (int)i;
}

static void
chan_put(struct bchan *ch)
{
	if (--ch->refs > 0)
		return;
	close(ch->end[0]);
	close(ch->end[1]);
	free(ch);
}

/* Close port p of domain d; the peer, if any, becomes unbound. */
static void
port_close(struct xnb_sim_broker *b, struct bdom *d, struct bport *p)
{
	struct bport *rp;

	if (p->state == BPORT_INTERDOMAIN) {
		rp = port_get(b->doms[p->remote_dom], p->remote_port);
		if (rp != NULL) {
			rp->state = BPORT_UNBOUND;
			rp->remote_dom = d->domid;
			rp->remote_port = 0;
		}
	}
	chan_put(p->chan);
	memset(p, 0, sizeof(*p));
	d->ports_used--;
}

int
xnb_sim_broker_alloc_unbound(struct xnb_sim_broker *b, struct bconn *c,
			     uint16_t remote, uint32_t *port, int *sock)
{
	struct bchan *ch;
	struct bport *p;
	struct bdom *d;
	int n, ret;

	if (remote >= XNB_SIM_DOMID_MAX)
		return -EINVAL;
	d = xnb_sim_broker_dom(b, c->domid, true);
	if (d == NULL)
		return -ENOMEM;
	n = port_alloc(d);
	if (n < 0) {
		ret = n;
		goto put_dom;
	}
	ch = calloc(1, sizeof(*ch));
	if (ch == NULL) {
		ret = -ENOMEM;
		goto put_dom;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, ch->end) < 0) {
		ret = -errno;
		goto free_chan;
	}
	ch->refs = 1;
	p = &d->ports[n];
	p->state = BPORT_UNBOUND;
	p->side = 0;
	p->remote_dom = remote;
	p->chan = ch;
	p->owner = c;
	d->ports_used++;
	*port = (uint32_t)n;
	*sock = ch->end[0];
	return 0;

free_chan:
	free(ch);
put_dom:
	xnb_sim_broker_dom_put(b, d);
	return ret;
}

int
xnb_sim_broker_bind(struct xnb_sim_broker *b, struct bconn *c,
		    uint16_t remote, uint32_t remote_port, uint32_t *port,
		    int *sock)
{
	static const char ev;
	struct bport *lp, *rp;
	struct bdom *ld;
	int n;

	if (remote >= XNB_SIM_DOMID_MAX)
		return -EINVAL;
	if (b->doms[remote] == NULL)
		return -ESRCH;
	rp = port_get(b->doms[remote], remote_port);
	if (rp == NULL || rp->state != BPORT_UNBOUND ||
	    rp->remote_dom != c->domid)
		return -EINVAL;
	ld = xnb_sim_broker_dom(b, c->domid, true);
	if (ld == NULL)
		return -ENOMEM;
	n = port_alloc(ld);
	if (n < 0) {
		xnb_sim_broker_dom_put(b, ld);
		return n;
	}
	/* The table may have moved if the channel loops back to ourselves. */
	rp = &b->doms[remote]->ports[remote_port];
	lp = &ld->ports[n];
	lp->state = BPORT_INTERDOMAIN;
	lp->side = 1 - rp->side;
	lp->remote_dom = remote;
	lp->remote_port = remote_port;
	lp->chan = rp->chan;
	lp->owner = c;
	lp->chan->refs++;
	ld->ports_used++;
	rp->state = BPORT_INTERDOMAIN;
	rp->remote_port = (uint32_t)n;
	/* As Xen: binding marks the new local port pending, since events sent
	 * while the remote port was unbound were dropped. */
	send(lp->chan->end[rp->side], &ev, sizeof(ev),
	     MSG_DONTWAIT | MSG_NOSIGNAL);
	*port = (uint32_t)n;
	*sock = lp->chan->end[lp->side];
	return 0;
}

int
xnb_sim_broker_close_port(struct xnb_sim_broker *b, struct bconn *c,
			  uint32_t port)
{
	struct bdom *d = b->doms[c->domid];
	struct bport *p;

	p = port_get(d, port);
	if (p == NULL || p->owner != c)
		return -EINVAL;
	port_close(b, d, p);
	xnb_sim_broker_dom_put(b, d);
	return 0;
}

void
xnb_sim_broker_close_ports_of(struct xnb_sim_broker *b, struct bconn *c)
{
	struct bdom *d = b->doms[c->domid];
	uint32_t i;

	if (d == NULL)
		return;
	for (i = 1; i < d->nports; i++)
		if (d->ports[i].state != BPORT_FREE &&
		    d->ports[i].owner == c)
			port_close(b, d, &d->ports[i]);
	xnb_sim_broker_dom_put(b, d);
}
