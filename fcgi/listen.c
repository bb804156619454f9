#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* The port after the host: 1..65535, digits only. */
static int parse_port(const char *s, unsigned *port)
{
    if (!*s || strlen(s) > 5)
        return -1;
    unsigned n = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        n = n * 10 + (unsigned)(*p - '0');
    }
    if (n == 0 || n > 65535 || (s[0] == '0'))
        return -1;
    *port = n;
    return 0;
}

int listen_parse_addr(const char *text, listen_addr *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char host[64];
    const char *port_text;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof host) {
            snprintf(err, errlen, "listen = %s: expected [IPv6]:port", text);
            return -1;
        }
        snprintf(host, sizeof host, "%.*s", (int)(close - text - 1), text + 1);
        port_text = close + 2;
    } else {
        const char *colon = strrchr(text, ':');
        if (!colon || colon == text || (size_t)(colon - text) >= sizeof host || memchr(text, ':', (size_t)(colon - text))) {
            snprintf(err, errlen, "listen = %s: expected host:port (an IPv4 address, or [IPv6]:port)", text);
            return -1;
        }
        snprintf(host, sizeof host, "%.*s", (int)(colon - text), text);
        port_text = colon + 1;
    }
    unsigned port;
    if (parse_port(port_text, &port) != 0) {
        snprintf(err, errlen, "listen = %s: the port must be 1..65535", text);
        return -1;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)&out->sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->sa;
    if (text[0] != '[' && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        out->len = sizeof *v4;
        return 0;
    }
    if (text[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        out->len = sizeof *v6;
        return 0;
    }
    snprintf(err, errlen, "listen = %s: '%s' is not an IP address (host names are not taken)", text, host);
    return -1;
}

int listen_parse_allow(const char *text, listen_allow *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char buf[1024];
    if (strlen(text) >= sizeof buf) {
        snprintf(err, errlen, "listen_allow: too long");
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", text);
    int words = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        words++;
        if (strcmp(w, "any") == 0) {
            out->any = true;
            continue;
        }
        if (out->n == LISTEN_ALLOW_MAX) {
            snprintf(err, errlen, "listen_allow: more than %d addresses", LISTEN_ALLOW_MAX);
            return -1;
        }
        if (inet_pton(AF_INET, w, out->peers[out->n].addr) == 1)
            out->peers[out->n].family = AF_INET;
        else if (inet_pton(AF_INET6, w, out->peers[out->n].addr) == 1)
            out->peers[out->n].family = AF_INET6;
        else {
            snprintf(err, errlen, "listen_allow: '%s' is not an IP address (or any)", w);
            return -1;
        }
        out->n++;
    }
    if (words == 0) {
        snprintf(err, errlen, "listen_allow: empty (name the web servers' addresses, or write any)");
        return -1;
    }
    if (out->any && words > 1) {
        snprintf(err, errlen, "listen_allow: any stands alone");
        return -1;
    }
    return 0;
}

bool listen_allowed(const listen_allow *allow, const struct sockaddr *peer, socklen_t len)
{
    if (allow->any)
        return true;
    int family;
    const unsigned char *addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (peer->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        family = AF_INET;
        addr = (const unsigned char *)&((const struct sockaddr_in *)peer)->sin_addr;
    } else if (peer->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        addr = (const unsigned char *)&((const struct sockaddr_in6 *)peer)->sin6_addr;
        family = AF_INET6;
        if (memcmp(addr, mapped, sizeof mapped) == 0) {
            family = AF_INET;
            addr += 12;
        }
    } else
        return false;
    for (int i = 0; i < allow->n; i++)
        if (allow->peers[i].family == family
            && memcmp(allow->peers[i].addr, addr, family == AF_INET ? 4 : 16) == 0)
            return true;
    return false;
}

const char *listen_peer_text(const struct sockaddr *peer, socklen_t len, char *buf, size_t cap)
{
    char a[INET6_ADDRSTRLEN] = "?";
    if (peer->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
        inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr, a, sizeof a);
    else if (peer->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)peer)->sin6_addr, a, sizeof a);
    snprintf(buf, cap, "%s", a);
    return buf;
}

int listen_bind_tcp(const char *text)
{
    listen_addr a;
    char err[256];
    if (listen_parse_addr(text, &a, err, sizeof err) != 0) {
        log_error("%s", err);
        return -1;
    }
    int fd = socket(a.sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        log_error("cannot make a socket for %s: %s", text, strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)&a.sa, a.len) != 0 || listen(fd, 512) != 0) {
        log_error("cannot listen on %s: %s", text, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
