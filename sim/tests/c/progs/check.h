/* Self-checking helpers for the bare-metal test programs. Inputs go through `volatile`
 * (V(x)) so that -O2 cannot fold the computation away: the simulator must execute it. */
#ifndef CHECK_H
#define CHECK_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

#define V(x) (*(volatile __typeof__(x) *)&(__typeof__(x)){ (x) })

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("FAIL line %d: %s\n", __LINE__, #cond);                       \
            failures++;                                                          \
        }                                                                        \
    } while (0)

#define CHECK_EQ(a, b)                                                           \
    do {                                                                         \
        unsigned long long _a = (unsigned long long)(a);                         \
        unsigned long long _b = (unsigned long long)(b);                         \
        if (_a != _b) {                                                          \
            printf("FAIL line %d: %s = 0x%llx, expected 0x%llx\n", __LINE__, #a, \
                   _a, _b);                                                      \
            failures++;                                                          \
        }                                                                        \
    } while (0)

#define DONE(name)                                                               \
    do {                                                                         \
        printf("%s: %s\n", name, failures ? "FAILED" : "ok");                    \
        return failures ? 1 : 0;                                                 \
    } while (0)

#endif
