/* SPDX-License-Identifier: BSD-3-Clause */
/* The control thread's event loop: epoll over registered fds. */
#ifndef XD_LOOP_H
#define XD_LOOP_H

#include <stdint.h>

struct xd_loop;

/* Called with the epoll events of fd. */
typedef void (*xd_loop_cb)(void *arg, uint32_t events);

struct xd_loop *xd_loop_new(void);
void xd_loop_free(struct xd_loop *l);

/* Watch fd for input. 0 or -errno. */
int xd_loop_add(struct xd_loop *l, int fd, xd_loop_cb cb, void *arg);
/* Change the epoll events watched for fd (EPOLLIN, EPOLLOUT). */
int xd_loop_set_events(struct xd_loop *l, int fd, uint32_t events);
/* Stop watching fd (safe from inside a callback). */
void xd_loop_del(struct xd_loop *l, int fd);

/* Wait up to timeout_ms (-1: forever) and dispatch. 0 or -errno. */
int xd_loop_run_once(struct xd_loop *l, int timeout_ms);

#endif /* XD_LOOP_H */
