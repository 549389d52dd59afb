/* The little C library GCC's atomic tests need, freestanding, over user/rt (which
 * already has memset, memcpy, the printf-lite `vpr` and the system-call wrappers):
 * abort/exit, memcmp/memmove/strlen/strcmp, printf/puts/putchar, and POSIX threads
 * (pthread_create/pthread_join/pthread_self) over the kernel's CLONE_VM threads.
 *
 * abort() prints `ABORT` and kills the process with SIGABRT, so the kernel's VERDICT
 * says FAIL; exit() ends every thread (exit_group), as in C. */

#include "../rt/rt.h"

typedef unsigned int size_t;

#define SIGABRT 6

__attribute__((noreturn)) void abort(void)
{
    pr("ABORT\n");
    __syscall(SYS_kill, sys_getpid(), SIGABRT, 0, 0, 0, 0);
    sys_exit_group(134);
}

__attribute__((noreturn)) void exit(int code)
{
    sys_exit_group(code);
}

__attribute__((noreturn)) void _exit(int code)
{
    sys_exit_group(code);
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

void *memmove(void *d, const void *s, size_t n)
{
    volatile unsigned char *p = d;
    const volatile unsigned char *q = s;
    if (p < q) {
        while (n--)
            *p++ = *q++;
    } else {
        p += n;
        q += n;
        while (n--)
            *--p = *--q;
    }
    return d;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpr(fmt, ap);
    va_end(ap);
    return 0;
}

int puts(const char *s)
{
    pr("%s\n", s);
    return 0;
}

int putchar(int c)
{
    pr("%c", c);
    return c;
}

/* ---- POSIX threads ---- */

#define MAX_PTHREADS 16
#define PTHREAD_STACK (64 * 1024)

struct pthread {
    volatile int ctid; /* the kernel writes the tid, then clears it at exit */
    int used;
    void *(*fn)(void *);
    void *arg;
    void *ret;
    void *stack;
};

static struct pthread pool[MAX_PTHREADS];

static void pthread_trampoline(void *p)
{
    struct pthread *t = p;
    t->ret = t->fn(t->arg);
}

typedef struct pthread *pthread_t;

int pthread_create(pthread_t *thr, const void *attr, void *(*fn)(void *), void *arg)
{
    (void)attr;
    struct pthread *t = 0;
    for (int i = 0; i < MAX_PTHREADS && !t; i++)
        if (arc_cmpxchg(&pool[i].used, 0, 1) == 0)
            t = &pool[i];
    if (!t)
        return 11; /* EAGAIN */
    long s = sys_mmap2(0, PTHREAD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err(s)) {
        t->used = 0;
        return 11;
    }
    t->stack = (void *)s;
    t->fn = fn;
    t->arg = arg;
    t->ret = 0;
    t->ctid = -1;
    int tid = thread_spawn(pthread_trampoline, t, (char *)s + PTHREAD_STACK, &t->ctid, t);
    if (tid <= 0) {
        sys_munmap(t->stack, PTHREAD_STACK);
        t->used = 0;
        return 11;
    }
    *thr = t;
    return 0;
}

int pthread_join(pthread_t t, void **ret)
{
    while (t->ctid != 0)
        sys_sched_yield();
    if (ret)
        *ret = t->ret;
    sys_munmap(t->stack, PTHREAD_STACK);
    t->used = 0;
    return 0;
}

pthread_t pthread_self(void)
{
    long tls;
    __asm__ volatile("mov %0, r25" : "=r"(tls));
    return (pthread_t)tls;
}

int sched_yield(void)
{
    sys_sched_yield();
    return 0;
}
