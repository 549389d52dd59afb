#include "rt.h"

void sys_exit_group(int code)
{
    for (;;)
        __syscall(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

void *memset(void *d, int c, unsigned long n)
{
    volatile unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    volatile unsigned char *p = d;
    const volatile unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

/* ---- printf-lite ---- */

struct buf {
    char b[256];
    u32 n;
};

static void put(struct buf *o, char c)
{
    if (o->n < sizeof o->b)
        o->b[o->n++] = c;
}

static void put_u(struct buf *o, u32 v, u32 base, int width, char pad)
{
    char t[12];
    int i = 0;
    do {
        u32 d = v % base;
        t[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (width > i) {
        put(o, pad);
        width--;
    }
    while (i)
        put(o, t[--i]);
}

void vpr(const char *fmt, va_list ap)
{
    struct buf o;
    o.n = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f++;
        char pad = ' ';
        int width = 0;
        if (*f == '0') {
            pad = '0';
            f++;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        switch (*f) {
        case 'd': {
            int v = va_arg(ap, int);
            if (v < 0) {
                put(&o, '-');
                put_u(&o, (u32)0 - (u32)v, 10, width, pad);
            } else {
                put_u(&o, (u32)v, 10, width, pad);
            }
            break;
        }
        case 'u':
            put_u(&o, va_arg(ap, u32), 10, width, pad);
            break;
        case 'x':
            put_u(&o, va_arg(ap, u32), 16, width, pad);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_u(&o, (u32)va_arg(ap, void *), 16, 8, '0');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            while (*s)
                put(&o, *s++);
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    sys_write(1, o.b, o.n);
}

void pr(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpr(fmt, ap);
    va_end(ap);
}

void *map_anon(const char *case_id, u32 len, int prot)
{
    long r = sys_mmap2(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err(r) || r == 0) {
        pr("CASE %s FAIL setup=mmap2 len=%u err=%d\n", case_id, len, (int)r);
        return 0;
    }
    return (void *)r;
}

/* ---- atomics through arc_usr_cmpxchg ---- */

int atomic_add(volatile int *p, int v)
{
    for (;;) {
        int old = *p;
        if (arc_cmpxchg(p, old, old + v) == old)
            return old + v;
    }
}

volatile int spin_contended;

void spin_lock(volatile int *lock)
{
    while (arc_cmpxchg(lock, 0, 1) != 0) {
        spin_contended++;
        sys_sched_yield();
    }
}

void spin_unlock(volatile int *lock)
{
    /* A uniprocessor needs no barrier; a plain store releases the lock. */
    *lock = 0;
}

void spin_delay(int n)
{
    for (volatile int i = 0; i < n; i++) {
    }
}

/* ---- threads ---- */

#define MAX_THREADS 8
#define THREAD_STACK 16384
static unsigned char stacks[MAX_THREADS][THREAD_STACK] __attribute__((aligned(8)));
static int stacks_used;

int thread_start(struct thread *t, void (*fn)(void *), void *arg)
{
    if (stacks_used >= MAX_THREADS)
        return -12;
    void *top = stacks[stacks_used] + THREAD_STACK;
    stacks_used++;
    t->ctid = -1; /* the kernel writes the tid (PARENT_SETTID), then 0 at exit */
    t->tid = thread_spawn(fn, arg, top, &t->ctid, t);
    return t->tid;
}

void thread_join(struct thread *t)
{
    while (t->ctid != 0)
        sys_sched_yield();
}

int threads_start(struct thread *t, int n, void (*fn)(void *), const char *case_id)
{
    for (int i = 0; i < n; i++) {
        if (thread_start(&t[i], fn, (void *)(long)i) <= 0) {
            pr("CASE %s FAIL setup=clone thread=%d err=%d\n", case_id, i, t[i].tid);
            return 0;
        }
    }
    return 1;
}

void threads_join(struct thread *t, int n)
{
    for (int i = 0; i < n; i++)
        thread_join(&t[i]);
}
