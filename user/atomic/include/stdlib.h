/* The part of <stdlib.h> the runtime provides (user/atomic/libc.c). */
#ifndef ATOMIC_RT_STDLIB_H
#define ATOMIC_RT_STDLIB_H
#include <stddef.h>
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
__attribute__((noreturn)) void abort(void);
__attribute__((noreturn)) void exit(int);
#endif
