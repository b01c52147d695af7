// delay-proxy.c: a TCP proxy on loopback that adds a fixed delay to every byte in each direction,
// a stand-in for `tc qdisc add dev lo root netem delay D` on kernels without netem (this VM's).
// scripts/fault-proxy.py --tcp does the same in Python, but one Python thread caps near a few
// thousand requests a second: at 256 transfers the proxy, not the client, would be measured.
//
//   cc -O2 -o delay-proxy bench/delay-proxy.c
//   delay-proxy UPSTREAM_PORT DELAY_MS [PARENT_PID]
//
// Listens on 127.0.0.1 (a free port, printed on stdout's first line) and forwards each client
// connection to 127.0.0.1:UPSTREAM_PORT. Bytes read from either side are written to the other
// DELAY_MS later, in order (so a request and its response each take DELAY_MS: one round trip of
// 2 x DELAY_MS per request); a new connection's first bytes also wait one round trip more, as a
// TCP handshake would. Throughput is not limited. Single-threaded (epoll), TCP_NODELAY on both
// sides. Exits when PARENT_PID (if given) is gone.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct chunk {
    struct chunk *next;
    uint64_t due;
    size_t len, off;
    int eof;
    char data[];
} chunk;

typedef struct {
    int from, to;       // sides (0 client, 1 server) read from and written to
    chunk *head, *tail;
    uint64_t last_due;
    int read_done;      // EOF seen on `from`
    int shut;           // EOF forwarded to `to`
} flow;

typedef struct {
    int fd[2];
    unsigned gen;
    int alive;
    uint64_t not_before;  // a new connection's first bytes: after a handshake's round trip
    flow f[2];            // f[0] client -> server, f[1] server -> client
    uint32_t events[2];   // epoll interest per side
} conn;

typedef struct { uint64_t due; uint32_t slot, gen; int dir; } timer;

static conn **conns;
static size_t nconns, capconns;
static size_t *freelist, nfree, *closed, nclosed;
static timer *heap;
static size_t nheap, capheap;
static int ep;
static uint64_t delay_ns;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void heap_push(timer t) {
    if (nheap == capheap) { capheap = capheap ? capheap * 2 : 1024; heap = realloc(heap, capheap * sizeof *heap); }
    size_t i = nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (heap[p].due <= t.due) break;
        heap[i] = heap[p];
        i = p;
    }
    heap[i] = t;
}

static timer heap_pop(void) {
    timer top = heap[0], last = heap[--nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= nheap) break;
        if (c + 1 < nheap && heap[c + 1].due < heap[c].due) c++;
        if (last.due <= heap[c].due) break;
        heap[i] = heap[c];
        i = c;
    }
    if (nheap) heap[i] = last;
    return top;
}

#define DELETED 0x40000000u

static void set_interest(size_t slot, int side, uint32_t events) {
    conn *c = conns[slot];
    if (c->events[side] == events || (c->events[side] & DELETED)) return;
    struct epoll_event ev = { .events = events, .data.u64 = ((uint64_t)slot << 1) | (uint64_t)side };
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd[side], &ev);
    c->events[side] = events;
}

static void close_conn(size_t slot) {
    conn *c = conns[slot];
    if (!c->alive) return;
    for (int s = 0; s < 2; s++) {
        close(c->fd[s]);
        chunk *k = c->f[s].head;
        while (k) { chunk *n = k->next; free(k); k = n; }
        c->f[s].head = c->f[s].tail = NULL;
    }
    c->alive = 0;
    c->gen++;
    // Reused only after the current batch of events, which may still name this slot.
    closed[nclosed++] = slot;
}

// Writes the flow's chunks that are due; false when the connection was closed.
static int pump(size_t slot, int dir) {
    conn *c = conns[slot];
    flow *f = &c->f[dir];
    uint64_t now = now_ns();
    while (f->head && f->head->due <= now) {
        chunk *k = f->head;
        if (k->eof) {
            shutdown(c->fd[f->to], SHUT_WR);
            f->shut = 1;
        } else {
            while (k->off < k->len) {
                ssize_t n = send(c->fd[f->to], k->data + k->off, k->len - k->off, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) {
                        set_interest(slot, f->to, c->events[f->to] | EPOLLOUT);
                        return 1;
                    }
                    if (errno == EINTR) continue;
                    close_conn(slot);
                    return 0;
                }
                k->off += (size_t)n;
            }
        }
        f->head = k->next;
        if (!f->head) f->tail = NULL;
        free(k);
    }
    if (!f->head) set_interest(slot, f->to, c->events[f->to] & ~(uint32_t)EPOLLOUT);
    if (c->f[0].shut && c->f[1].shut) { close_conn(slot); return 0; }
    return 1;
}

static void enqueue(size_t slot, int dir, const char *data, size_t len, int eof) {
    conn *c = conns[slot];
    flow *f = &c->f[dir];
    chunk *k = malloc(sizeof *k + len);
    uint64_t due = now_ns() + delay_ns;
    if (due < c->not_before) due = c->not_before;
    if (due < f->last_due) due = f->last_due;
    f->last_due = due;
    k->next = NULL; k->due = due; k->len = len; k->off = 0; k->eof = eof;
    memcpy(k->data, data, len);
    if (f->tail) f->tail->next = k; else f->head = k;
    f->tail = k;
    heap_push((timer){ due, (uint32_t)slot, c->gen, dir });
}

static void on_readable(size_t slot, int side) {
    static char buffer[1 << 16];
    conn *c = conns[slot];
    int dir = side;  // reading the client feeds flow 0, the server flow 1
    for (;;) {
        ssize_t n = recv(c->fd[side], buffer, sizeof buffer, 0);
        if (n > 0) { enqueue(slot, dir, buffer, (size_t)n, 0); if ((size_t)n < sizeof buffer) return; continue; }
        if (n == 0) {
            c->f[dir].read_done = 1;
            enqueue(slot, dir, NULL, 0, 1);
            set_interest(slot, side, c->events[side] & ~(uint32_t)EPOLLIN);
            return;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) close_conn(slot);
        return;
    }
}

static int upstream_port;

static void on_accept(int listener) {
    for (;;) {
        int client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) return;
        int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)upstream_port) };
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (server < 0 || connect(server, (struct sockaddr *)&to, sizeof to) != 0) {
            close(client);
            if (server >= 0) close(server);
            continue;
        }
        int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK);
        size_t slot;
        if (nfree) {
            slot = freelist[--nfree];
        } else {
            if (nconns == capconns) {
                capconns = capconns ? capconns * 2 : 256;
                conns = realloc(conns, capconns * sizeof *conns);
                freelist = realloc(freelist, capconns * sizeof *freelist);
                closed = realloc(closed, capconns * sizeof *closed);
            }
            slot = nconns++;
            conns[slot] = calloc(1, sizeof(conn));
        }
        conn *c = conns[slot];
        unsigned gen = c->gen;
        memset(c, 0, sizeof *c);
        c->gen = gen;
        c->alive = 1;
        c->fd[0] = client;
        c->fd[1] = server;
        c->f[0] = (flow){ .from = 0, .to = 1 };
        c->f[1] = (flow){ .from = 1, .to = 0 };
        c->not_before = now_ns() + 3 * delay_ns;
        for (int s = 0; s < 2; s++) {
            struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ((uint64_t)slot << 1) | (uint64_t)s };
            epoll_ctl(ep, EPOLL_CTL_ADD, c->fd[s], &ev);
            c->events[s] = EPOLLIN;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: delay-proxy UPSTREAM_PORT DELAY_MS [PARENT_PID]\n"); return 2; }
    upstream_port = atoi(argv[1]);
    delay_ns = (uint64_t)(atof(argv[2]) * 1e6);
    pid_t parent = argc > 3 ? (pid_t)atoi(argv[3]) : 0;
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in at = { .sin_family = AF_INET };
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof at;
    if (bind(listener, (struct sockaddr *)&at, sizeof at) != 0 || listen(listener, 4096) != 0
        || getsockname(listener, (struct sockaddr *)&at, &length) != 0) { perror("listen"); return 1; }
    printf("%d\n", ntohs(at.sin_port));
    fflush(stdout);
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = { .events = EPOLLIN, .data.u64 = UINT64_MAX };
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
    struct epoll_event events[256];
    uint64_t next_parent_check = 0;
    for (;;) {
        int timeout = 1000;
        if (nheap) {
            uint64_t now = now_ns();
            timeout = heap[0].due <= now ? 0 : (int)((heap[0].due - now + 999999) / 1000000);
        }
        int n = epoll_wait(ep, events, 256, timeout);
        for (int i = 0; i < n; i++) {
            uint64_t tag = events[i].data.u64;
            if (tag == UINT64_MAX) { on_accept(listener); continue; }
            size_t slot = (size_t)(tag >> 1);
            int side = (int)(tag & 1);
            if (!conns[slot]->alive) continue;
            if (events[i].events & EPOLLOUT) {
                // The flow written to this side is the one read from the other.
                if (!pump(slot, 1 - side)) continue;
            }
            conn *c = conns[slot];
            if (!c->alive) continue;
            if (events[i].events & EPOLLERR) { close_conn(slot); continue; }
            if (events[i].events & (EPOLLIN | EPOLLHUP)) {
                if (c->events[side] & EPOLLIN) on_readable(slot, side);
                else if (!(c->events[side] & EPOLLOUT)) {
                    // Read to the end and written to the end: nothing more to wait for on it
                    // (a hung-up socket would otherwise be reported again and again).
                    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd[side], NULL);
                    c->events[side] = DELETED;
                }
            }
        }
        while (nclosed) freelist[nfree++] = closed[--nclosed];
        uint64_t now = now_ns();
        while (nheap && heap[0].due <= now) {
            timer t = heap_pop();
            if (conns[t.slot]->gen != t.gen || !conns[t.slot]->alive) continue;
            pump(t.slot, t.dir);
        }
        while (nclosed) freelist[nfree++] = closed[--nclosed];
        if (parent && now >= next_parent_check) {
            if (kill(parent, 0) != 0 && errno == ESRCH) return 0;
            next_parent_check = now + 1000000000u;
        }
    }
}
