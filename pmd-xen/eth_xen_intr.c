/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx queue interrupts (rte_eth_dev_rx_intr_*): the fd an application sleeps
 * on for ethdev Rx queue i is an epoll fd nesting the event-channel fd of
 * netif queue i and a PMD eventfd. The event channel wakes the sleeper when
 * the guest notifies; the eventfd covers the race where requests arrived
 * before the guest was asked to notify (xnb_txq_arm() says so), which no
 * notification would ever report. The same event channel also wakes it
 * when the guest posts Rx buffers for frames waiting in the backlog.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_interrupts.h>

#include "eth_xen.h"
#include "eth_xen_log.h"
#include "xnb_queue.h"

static void
eth_xen_intr_close_rxq(struct eth_xen_rxq *rxq)
{
	if (rxq->intr_epfd >= 0)
		close(rxq->intr_epfd);
	if (rxq->intr_kick >= 0)
		close(rxq->intr_kick);
	rxq->intr_epfd = -1;
	rxq->intr_kick = -1;
}

static int
eth_xen_intr_open_rxq(struct eth_xen_internals *in, struct eth_xen_rxq *rxq)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	rxq->intr_epfd = epoll_create1(EPOLL_CLOEXEC);
	rxq->intr_kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rxq->intr_epfd < 0 || rxq->intr_kick < 0)
		goto close_fds;
	fd = xnb_queue_event_fd(xnb_vif_queue(in->vif, rxq->queue_id));
	if (epoll_ctl(rxq->intr_epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ||
	    epoll_ctl(rxq->intr_epfd, EPOLL_CTL_ADD, rxq->intr_kick, &ev) < 0)
		goto close_fds;
	return 0;

close_fds:
	eth_xen_intr_close_rxq(rxq);
	return -errno;
}

void
eth_xen_intr_stop(struct rte_eth_dev *dev)
{
	uint16_t i;

	if (dev->intr_handle == NULL)
		return;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (dev->data->rx_queues[i] != NULL)
			eth_xen_intr_close_rxq(dev->data->rx_queues[i]);
	rte_intr_vec_list_free(dev->intr_handle);
	rte_intr_instance_free(dev->intr_handle);
	dev->intr_handle = NULL;
}

int
eth_xen_intr_start(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	uint16_t nb = dev->data->nb_rx_queues, i;
	struct rte_intr_handle *h;
	int ret = -ENOMEM;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL)
		return -ENOMEM;
	dev->intr_handle = h;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) < 0 ||
	    rte_intr_efd_counter_size_set(h, 0) < 0 ||
	    rte_intr_vec_list_alloc(h, "net_xen_intr", nb) < 0)
		goto stop;
	for (i = 0; i < nb; i++) {
		struct eth_xen_rxq *rxq = dev->data->rx_queues[i];

		ret = eth_xen_intr_open_rxq(in, rxq);
		if (ret < 0)
			goto stop;
		ret = -EINVAL;
		if (rte_intr_efds_index_set(h, i, rxq->intr_epfd) < 0 ||
		    rte_intr_vec_list_index_set(h, i,
				RTE_INTR_VEC_RXTX_OFFSET + i) < 0)
			goto stop;
	}
	if (rte_intr_nb_efd_set(h, nb) < 0 ||
	    rte_intr_max_intr_set(h, nb + 1) < 0) {
		ret = -EINVAL;
		goto stop;
	}
	return 0;

stop:
	ETH_XEN_LOG(ERR, "port %u: cannot set up Rx interrupts: %s",
		    dev->data->port_id, strerror(-ret));
	eth_xen_intr_stop(dev);
	return ret;
}

static void
eth_xen_intr_drain_kick(struct eth_xen_rxq *rxq)
{
	uint64_t cnt;

	if (read(rxq->intr_kick, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		ETH_XEN_LOG_RL(ERR, "rxq %u: reading kick fd: %s",
			       rxq->queue_id, strerror(errno));
}

/*
 * Frames waiting in netif queue qid's guest Rx backlog (the guest had no
 * buffers) are only pushed from rx_burst: ask the guest to notify when it
 * posts buffers, so a sleeping lcore wakes for them too. True when the
 * lcore must not sleep (buffers are there already, or the guest never
 * notifies).
 */
static bool
eth_xen_intr_arm_guest_rx(struct eth_xen_internals *in, uint16_t qid)
{
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);
	enum xnb_rxq_state st = XNB_RXQ_IDLE;

	rte_spinlock_lock(&in->guest_rx[qid].lock);
	if (xnb_queue_enter(q, XNB_DIR_RX)) {
		st = xnb_rxq_arm(xnb_queue_rxq(q));
		xnb_queue_leave(q, XNB_DIR_RX);
	}
	rte_spinlock_unlock(&in->guest_rx[qid].lock);
	return st == XNB_RXQ_POLL;
}

int
eth_xen_rx_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	struct eth_xen_rxq *rxq = dev->data->rx_queues[qid];
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);
	uint64_t one = 1;
	bool pending;

	if (rxq == NULL || rxq->intr_kick < 0)
		return -EINVAL;
	eth_xen_intr_drain_kick(rxq);
	/* Disconnected: the first request of the next connection notifies. */
	if (!xnb_queue_enter(q, XNB_DIR_TX))
		return 0;
	xnb_queue_ack_events(q);
	pending = xnb_txq_arm(xnb_queue_txq(q));
	xnb_queue_leave(q, XNB_DIR_TX);
	pending |= eth_xen_intr_arm_guest_rx(in, qid);
	if (pending && write(rxq->intr_kick, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

int
eth_xen_rx_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	struct eth_xen_rxq *rxq = dev->data->rx_queues[qid];
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);

	if (rxq == NULL || rxq->intr_kick < 0)
		return -EINVAL;
	eth_xen_intr_drain_kick(rxq);
	if (xnb_queue_enter(q, XNB_DIR_TX)) {
		xnb_queue_ack_events(q);
		xnb_queue_leave(q, XNB_DIR_TX);
	}
	return 0;
}
