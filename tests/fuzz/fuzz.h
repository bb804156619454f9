/* fuzz.h — what each harness in tests/fuzz/ defines and may use.
 * LLVMFuzzerTestOneInput takes one input: libFuzzer calls it under
 * `make fuzz` (clang), replay.c calls it for each corpus file under
 * `make test` (gcc). It returns 0; a finding is a sanitizer report or a
 * FUZZ_CHECK that fails, which aborts with the condition's text. The data
 * is exactly size bytes, not NUL-terminated: a harness that needs a string
 * makes one with fuzz_string (freed by the caller with free()). */
#ifndef THIDUA_FUZZ_H
#define THIDUA_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/common_interface_defs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            __sanitizer_print_stack_trace();                                                  \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

/* data[0..size) as a NUL-terminated string, cut at its first NUL byte (as
 * a FastCGI parameter or a body read as a C string would be). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t n = nul ? (size_t)(nul - data) : size;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

#endif
