/* The part of <stdio.h> the runtime provides (user/atomic/libc.c): output only. */
#ifndef ATOMIC_RT_STDIO_H
#define ATOMIC_RT_STDIO_H
#include <stddef.h>
int printf(const char *, ...);
int puts(const char *);
int putchar(int);
#endif
