/* assert() for the freestanding kernel: wasm2c's output uses it, and the kernel is always
 * compiled with NDEBUG, so a failed check never reaches a libc. */
#ifndef KERNEL_ASSERT_H
#define KERNEL_ASSERT_H
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
void __assert_fail(const char *expr, const char *file, unsigned int line, const char *func)
	__attribute__((noreturn));
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif
#endif
