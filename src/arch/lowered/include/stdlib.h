#ifndef KERNEL_STDLIB_H
#define KERNEL_STDLIB_H
#include <stddef.h>
void abort(void) __attribute__((noreturn));
/* Declared for wasm-rt.h's prototypes only: the kernel has no C heap, and a lowered
 * build that called these would fail to link. */
void *malloc(size_t n);
void *calloc(size_t count, size_t n);
void *realloc(void *p, size_t n);
void free(void *p);
#endif
