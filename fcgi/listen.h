/* listen.h — FastCGI on TCP: the address `listen =` names, the peers
 * `listen_allow =` lets in, and the listening socket.
 *
 * listen = HOST:PORT, HOST an IPv4 address or a bracketed IPv6 one
 * ("127.0.0.1:9101", "[::1]:9101", "0.0.0.0:9101"); no host names, so
 * that what is bound never depends on a resolver.
 * listen_allow = addresses separated by spaces (or commas), IPv4 or IPv6,
 * each one a peer allowed to connect; "any" alone allows everyone. An
 * IPv4 peer arriving on an IPv6 socket (::ffff:a.b.c.d) matches its IPv4
 * address. The worker checks the peer right after accept(), before a
 * byte of the request is read: a refused peer is logged and closed
 * (libfcgi's FCGI_WEB_SERVER_ADDRS does the same for IPv4 only, and only
 * on its own accept; ours serves the Unix socket and TCP together). */
#ifndef THIDUA_LISTEN_H
#define THIDUA_LISTEN_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

enum { LISTEN_ALLOW_MAX = 64 };

typedef struct listen_addr {
    struct sockaddr_storage sa;
    socklen_t len;
} listen_addr;

typedef struct listen_allow {
    bool any;
    int n;
    struct {
        int family;              /* AF_INET or AF_INET6 */
        unsigned char addr[16];  /* 4 or 16 bytes */
    } peers[LISTEN_ALLOW_MAX];
} listen_allow;

/* Parses HOST:PORT (port 1..65535). 0, or -1 with a reason in err. */
int listen_parse_addr(const char *text, listen_addr *out, char *err, size_t errlen);
/* Parses the allow list: "any", or one address or more. An empty list is
 * refused (a listener nobody may reach is a mistake). 0, or -1 with err. */
int listen_parse_allow(const char *text, listen_allow *out, char *err, size_t errlen);
/* May the peer (from accept or getpeername) connect? */
bool listen_allowed(const listen_allow *allow, const struct sockaddr *peer, socklen_t len);
/* The peer's address as text (for the log), in buf. */
const char *listen_peer_text(const struct sockaddr *peer, socklen_t len, char *buf, size_t cap);
/* A listening TCP socket on text (SO_REUSEADDR, close-on-exec,
 * non-blocking: the workers poll it). The descriptor, or -1 (logged). */
int listen_bind_tcp(const char *text);

#endif
