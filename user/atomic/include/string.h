/* The part of <string.h> the runtime provides (user/rt/rt.c, user/atomic/libc.c). */
#ifndef ATOMIC_RT_STRING_H
#define ATOMIC_RT_STRING_H
#include <stddef.h>
void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);
int memcmp(const void *, const void *, size_t);
size_t strlen(const char *);
int strcmp(const char *, const char *);
#endif
