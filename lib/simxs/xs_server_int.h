/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the simulated xenstored shared by its source files:
 * connections, watches, transactions, domains and the request context.
 */
#ifndef XS_SERVER_INT_H
#define XS_SERVER_INT_H

/* errno.h first: xs_wire.h defines xsd_errors only if EINVAL is. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <xen/io/xs_wire.h>

#include "xnb_xs_server.h"
#include "xs_tree.h"

/* Server limits: a guest must not be able to exhaust the process. */
#define XS_MAX_CONNS 256
#define XS_MAX_CONNS_PER_DOMAIN 16
/* Unread output above which a client is dropped (only watch events can
 * grow it that far: requests stop being read at XS_OUT_PAUSE_BYTES). */
#define XS_OUT_MAX_BYTES (1u << 20)
#define XS_OUT_PAUSE_BYTES (64u << 10)
/* Requests handled per connection per wakeup, for fairness. */
#define XS_MSGS_PER_WAKEUP 64

/* Quotas of unprivileged domains: C xenstored's defaults, counted per
 * domain (a simulated guest may open several sockets; a real one has one
 * ring). */
#define XS_QUOTA_NODES 1000
#define XS_QUOTA_WATCHES 128
#define XS_QUOTA_TXNS 10
#define XS_QUOTA_PERMS 5
#define XS_QUOTA_NODE_SIZE 2048
/* Bounds for privileged connections, only to cap memory. */
#define XS_PRIV_MAX_WATCHES 4096
#define XS_PRIV_MAX_TXNS 64
/* Modifying requests one transaction may hold until it ends. */
#define XS_TXN_MAX_OPS 4096

#define XS_SPECIAL_INTRODUCE "@introduceDomain"
#define XS_SPECIAL_RELEASE "@releaseDomain"

enum xs_poll_kind {
	XS_POLL_LISTENER,
	XS_POLL_CONN,
};

/* First member of everything registered with epoll (data.ptr). */
struct xs_pollable {
	enum xs_poll_kind kind;
};

struct xs_watch {
	TAILQ_ENTRY(xs_watch) next;
	char *path; /* canonical, or a special "@..." name */
	char *token;
	size_t strip; /* bytes removed from event paths: relative watches */
};
TAILQ_HEAD(xs_watch_list, xs_watch);

/* Generation of a path when a transaction first touched it (0: absent). */
struct xs_txn_access {
	char *path;
	uint64_t gen;
};

/* A modifying request done in a transaction, replayed on commit. */
struct xs_txn_op {
	uint32_t type;
	uint32_t len;
	char *payload;
};

struct xs_txn {
	TAILQ_ENTRY(xs_txn) next;
	uint32_t id;
	struct xs_node *root; /* private snapshot of the whole tree */
	struct xs_txn_access *acc;
	unsigned int nacc;
	unsigned int cacc;
	struct xs_txn_op *op;
	unsigned int nop;
	unsigned int cop;
	long node_delta; /* nodes the connection's domain gained in here */
	bool failed; /* could not record something: commit gives ENOMEM */
};
TAILQ_HEAD(xs_txn_list, xs_txn);

struct xs_out {
	TAILQ_ENTRY(xs_out) next;
	uint32_t len;
	uint32_t off;
	char buf[];
};
TAILQ_HEAD(xs_out_list, xs_out);

struct xs_conn {
	struct xs_pollable poll;
	TAILQ_ENTRY(xs_conn) next;
	struct xnb_xs_server *srv;
	int fd;
	uint16_t domid;
	bool priv;
	bool doomed; /* to be closed at the next reap */
	uint32_t events; /* current epoll interest */
	/* Request being received. */
	struct xsd_sockmsg hdr;
	uint32_t in_used;
	bool in_body;
	char in[XENSTORE_PAYLOAD_MAX + 1]; /* + NUL guard */
	/* Replies and events not yet written. */
	struct xs_out_list out;
	size_t out_bytes;
	struct xs_watch_list watches;
	unsigned int nwatch;
	struct xs_txn_list txns;
	unsigned int ntxn;
	uint32_t next_txid;
};
TAILQ_HEAD(xs_conn_list, xs_conn);

struct xs_listener {
	struct xs_pollable poll;
	TAILQ_ENTRY(xs_listener) next;
	int fd;
	uint16_t domid;
	bool priv;
	bool dead;
	char *path;
};
TAILQ_HEAD(xs_listener_list, xs_listener);

/* Everything known about one domain other than dom0. */
struct xs_domain {
	TAILQ_ENTRY(xs_domain) next;
	uint16_t domid;
	bool introduced;
	unsigned int nodes; /* nodes it owns (quota) */
	unsigned int watches; /* over all its connections (quota) */
	unsigned int txns; /* open transactions, all connections (quota) */
	unsigned int conns;
	struct xs_listener *lst;
};
TAILQ_HEAD(xs_domain_list, xs_domain);

/* Permissions of a special watch path (@introduceDomain...). */
struct xs_special {
	const char *name;
	struct xs_perm *perm;
	unsigned int nperm;
};

struct xnb_xs_server {
	int epfd;
	char *dir;
	struct xs_node *root;
	uint64_t gen; /* last generation handed out */
	struct xs_conn_list conns;
	unsigned int nconn;
	struct xs_conn_list dead_conns; /* closed, freed when safe */
	struct xs_listener_list listeners;
	struct xs_listener_list dead_listeners;
	struct xs_domain_list domains;
	struct xs_special special[2];
	bool in_run; /* inside run_once: epoll events may name dead objects */
};

/*
 * Permissions a watch event is filtered with (xenstored's
 * watch_permitted): the changed node's, its parent's, and the node's
 * permissions before a SET_PERMS. NULL: none.
 */
struct xs_fire_perms {
	const struct xs_perm *node;
	const struct xs_perm *parent;
	const struct xs_perm *old;
	unsigned int nnode;
	unsigned int nparent;
	unsigned int nold;
};

/* A change a transaction commit makes, its event held back until the
 * commit is complete (xs_txn.c). */
struct xs_txn_fire {
	char *path;
	struct xs_perm *node;
	struct xs_perm *parent;
	struct xs_perm *old;
	unsigned int nnode;
	unsigned int nparent;
	unsigned int nold;
	bool exact;
	bool fired;
};

/* The held-back events of one commit, with an index by path. */
struct xs_txn_fires {
	struct xs_txn_fire *v;
	unsigned int n;
	unsigned int cap;
	unsigned int *slot; /* open addressing: index + 1, 0 empty */
	unsigned int nslot; /* power of two, at least 2 * cap */
	bool failed;
};

/* One request being handled (or replayed on transaction commit). */
struct xs_req {
	struct xnb_xs_server *srv;
	struct xs_conn *conn;
	struct xs_txn *txn; /* NULL: the request works on the live tree */
	struct xs_node *root; /* tree the request works on */
	uint16_t domid;
	bool priv;
	bool replay; /* commit replay: no reply, no quota checks */
	struct xs_txn_fires *defer; /* commit replay: events collected here */
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	const char *payload; /* NUL-guarded: payload[len] == '\0' */
	uint32_t len;
};

/* xs_server.c: connections */
void xs_conn_send(struct xs_conn *conn, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const void *data, uint32_t len);
void xs_conn_doom(struct xs_conn *conn);
void xs_reap(struct xnb_xs_server *srv);
int xs_listener_open(struct xnb_xs_server *srv, uint16_t domid, bool priv,
		     struct xs_listener **out);
void xs_listener_close(struct xnb_xs_server *srv, struct xs_listener *lst);

/* xs_dispatch.c: request plumbing */
void xs_dispatch(struct xs_conn *conn);
/* Run a logged transaction request again on the live tree (commit). */
int xs_replay(struct xs_req *req);
void xs_req_reply(struct xs_req *req, const void *data, uint32_t len);
void xs_req_ack(struct xs_req *req);
/* The payload if it is exactly one NUL-terminated string, else NULL. */
const char *xs_req_onearg(const struct xs_req *req);
/* Number of NUL-terminated strings; the first n start positions go to
 * vec. */
unsigned int xs_req_strings(const struct xs_req *req, const char **vec,
			    unsigned int n);
uint64_t xs_next_gen(struct xnb_xs_server *srv);

/* xs_ops.c: node requests */
int xs_op_read(struct xs_req *req);
int xs_op_write(struct xs_req *req);
int xs_op_mkdir(struct xs_req *req);
int xs_op_rm(struct xs_req *req);
int xs_op_directory(struct xs_req *req);
int xs_op_directory_part(struct xs_req *req);
int xs_op_get_perms(struct xs_req *req);
int xs_op_set_perms(struct xs_req *req);
/* Lookup through the request's tree, recording transaction accesses. */
struct xs_node *xs_req_lookup(struct xs_req *req, const char *path);
/* The initial tree: /local/domain/0 {domid, name}, /tool, /vm. */
int xs_tree_init(struct xnb_xs_server *srv);

/* xs_watch.c */
int xs_op_watch(struct xs_req *req);
int xs_op_unwatch(struct xs_req *req);
int xs_op_reset_watches(struct xs_req *req);
/*
 * Queue events for a change of path. node is the changed node (NULL for
 * special paths); exact: only watches on path itself (descendants of a
 * removed node); old: permissions before a SET_PERMS.
 */
void xs_fire(struct xnb_xs_server *srv, const char *path,
	     const struct xs_node *node, bool exact,
	     const struct xs_perm *old, unsigned int nold);
/* The same with the permissions given (a node that may be gone). */
void xs_fire_perms(struct xnb_xs_server *srv, const char *path, bool exact,
		   const struct xs_fire_perms *perms);
void xs_watches_free(struct xs_conn *conn);
struct xs_special *xs_special_find(struct xnb_xs_server *srv,
				   const char *name);
int xs_specials_init(struct xnb_xs_server *srv);
void xs_specials_free(struct xnb_xs_server *srv);

/* xs_txn.c */
int xs_op_transaction_start(struct xs_req *req);
int xs_op_transaction_end(struct xs_req *req);
struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id);
void xs_txn_note(struct xs_txn *txn, const char *path, uint64_t gen);
/* Reserve room to log one more modifying request: 0 or -ENOSPC. */
int xs_txn_reserve(struct xs_txn *txn);
void xs_txn_log(struct xs_txn *txn, const struct xs_req *req);
/* xs_fires.c: a commit replay changed path: remember its event (once per
 * path, with the permissions of the node's last change). */
void xs_txn_defer(struct xs_txn_fires *f, const char *path,
		  const struct xs_node *node, bool exact,
		  const struct xs_perm *old, unsigned int nold);
/* Fire the held-back events: those of paths in order (the transaction's
 * first accesses), then any other; and free them. */
void xs_txn_fire_all(struct xnb_xs_server *srv, struct xs_txn_fires *f,
		     const struct xs_txn_access *order, unsigned int n);
void xs_txns_free(struct xs_conn *conn);

/* xs_domain.c */
int xs_op_introduce(struct xs_req *req);
int xs_op_release(struct xs_req *req);
int xs_op_is_domain_introduced(struct xs_req *req);
int xs_op_get_domain_path(struct xs_req *req);
int xs_op_control(struct xs_req *req);
struct xs_domain *xs_domain_get(struct xnb_xs_server *srv, uint16_t domid,
				bool create);
/* Node ownership accounting for quotas (see xs_ops.c). */
void xs_domain_acct(struct xs_req *req, uint16_t owner, long delta);
/* Nodes owned by the requester's domain, as seen by this request. */
long xs_domain_nodes(struct xs_req *req);
/* Forget a domain: close its socket and connections, fire
 * @releaseDomain. */
void xs_domain_release(struct xnb_xs_server *srv, uint16_t domid);
void xs_domains_free(struct xnb_xs_server *srv);

#endif /* XS_SERVER_INT_H */
