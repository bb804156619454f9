/* minfcgi — the yardstick of `make bench`: the least a libfcgi program can
 * do, answering every request with a constant JSON body of N bytes. What it
 * reaches through nginx is the ceiling for any FastCGI program here.
 * usage: minfcgi SOCKET_PATH BODY_BYTES */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: minfcgi SOCKET_PATH BODY_BYTES\n");
        return 2;
    }
    char *end;
    long size = strtol(argv[2], &end, 10);
    if (*end || size < 2 || size > 10 * 1024 * 1024)
        return 2;
    char *body = malloc((size_t)size);
    if (!body)
        return 1;
    memset(body, ' ', (size_t)size);
    body[0] = '{';
    body[size - 1] = '}';
    FCGX_Init();
    int fd = FCGX_OpenSocket(argv[1], 512);
    if (fd < 0)
        return 1;
    chmod(argv[1], 0666);
    FCGX_Request req;
    FCGX_InitRequest(&req, fd, 0);
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_FPrintF(req.out, "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %ld\r\n\r\n", size);
        FCGX_PutStr(body, (int)size, req.out);
        FCGX_Finish_r(&req);
    }
    free(body);
    return 0;
}
