/* fuzz_url.c — percent-decoding (http_url_decode, http_path_decode in
 * fcgi/http.h) on any bytes, read only within the length given. Checks:
 *   - both accept and refuse the same inputs (they differ only in '+');
 *   - a result is no longer than its input, and the two results differ
 *     only where the input has '+';
 *   - without '%' and '+' (and NUL) the input comes back as it is;
 *   - encoding a result again (every byte as %XX) and decoding that gives
 *     the result back. */
#include "fuzz.h"

#include <stdbool.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static arena mem;
    const char *s = (const char *)data;
    char *q = http_url_decode(&mem, s, size);
    char *p = http_path_decode(&mem, s, size);
    FUZZ_CHECK((q == NULL) == (p == NULL));
    if (q) {
        size_t n = strlen(q);
        FUZZ_CHECK(n <= size && strlen(p) == n);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(q[i] == p[i] || (q[i] == ' ' && p[i] == '+'));
        if (!memchr(s, '%', size) && !memchr(s, '+', size) && !memchr(s, '\0', size))
            FUZZ_CHECK(n == size && memcmp(q, s, size) == 0);
        static const char hex[] = "0123456789abcdef";
        char *enc = arena_alloc(&mem, 3 * n + 1);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            enc[3 * i] = '%';
            enc[3 * i + 1] = hex[c >> 4];
            enc[3 * i + 2] = hex[c & 15];
        }
        char *back = http_path_decode(&mem, enc, 3 * n);
        FUZZ_CHECK(back && strcmp(back, p) == 0);
        back = http_url_decode(&mem, enc, 3 * n);
        FUZZ_CHECK(back && strcmp(back, p) == 0);
    }
    arena_free(&mem);
    return 0;
}
