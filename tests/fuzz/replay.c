/* replay.c — runs a harness over files, without libFuzzer: `make test`
 * links each harness with this main under gcc's ASan/UBSan and gives it
 * every file of tests/fuzz/corpus/<harness>, so the corpus is a set of
 * regression inputs. Each file is given in a buffer of exactly its size, as libFuzzer
 * does, so a read past the end is reported. Exits 0 when every file ran,
 * 2 when one could not be read; a finding aborts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Reads path whole into *out (malloc'd, exactly *len bytes; NULL when
 * empty). 0, or -1 with errno set. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint8_t *buf = NULL;
    size_t used = 0, cap = 0;
    for (;;) {
        if (used == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(buf, cap);
            if (!grown)
                goto err;
            buf = grown;
        }
        size_t n = fread(buf + used, 1, cap - used, f);
        used += n;
        if (n == 0)
            break;
    }
    if (ferror(f))
        goto err;
    fclose(f);
    /* An exact copy, so that the end of the input is the end of the block. */
    if (used > 0) {
        *out = malloc(used);
        if (!*out) {
            free(buf);
            return -1;
        }
        memcpy(*out, buf, used);
    }
    free(buf);
    *len = used;
    return 0;
err:
    free(buf);
    fclose(f);
    return -1;
}

int main(int argc, char **argv)
{
    int status = 0, ran = 0;
    for (int i = 1; i < argc; i++) {
        uint8_t *data;
        size_t len;
        if (read_file(argv[i], &data, &len) != 0) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            status = 2;
            continue;
        }
        fprintf(stderr, "%s (%zu bytes)\n", argv[i], len);
        /* libFuzzer never gives NULL, even for an empty input. */
        static const uint8_t empty[1];
        LLVMFuzzerTestOneInput(data ? data : empty, len);
        free(data);
        ran++;
    }
    printf("%d input(s) replayed\n", ran);
    return ran == 0 ? 2 : status;
}
