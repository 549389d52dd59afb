/* C11/GCC atomics for LL/SC-less ARC user space (issue 10).
 *
 * `arc-linux-gnu-gcc -mcpu=em4 -mno-atomic` turns every atomic operation it cannot
 * inline into a call to one of the entry points below (the names and signatures are
 * libatomic's). On this core the only atomic primitive is the kernel's
 * arc_usr_cmpxchg (syscall 248: r0 = word, r1 = expected, r2 = new; returns the old
 * value, Z set when it swapped; preemption is off inside), so:
 *
 * - 4-byte read-modify-writes are a retry loop on syscall 248;
 * - 1- and 2-byte ones are the same loop on the aligned word that contains them,
 *   changing only their bytes (a neighbour that changes makes the CAS fail and retry,
 *   it is never overwritten);
 * - 1-, 2- and 4-byte loads and stores are plain aligned accesses (single-copy atomic
 *   on a uniprocessor; the CAS loops see any store that comes in between);
 * - 8-byte operations and the generic (any size) ones take a lock striped by address
 *   (64 locks, one per 64-byte line modulo 64, as libatomic does; an object over several
 *   lines takes each of their locks), itself a word taken with syscall 248; a busy lock
 *   yields the CPU (sched_yield).
 *
 * Memory orders are accepted and ignored beyond a compiler barrier: one core, and the
 * trap is a full barrier.
 *
 * Every exported entry point is weak, so a program (GCC's atomic-noinline,
 * atomic-generic and atomic-lockfree tests do) may supply its own; the runtime never
 * calls its exported names itself.
 *
 * No LLOCK/SCOND here: this file is compiled with -mcpu=em4 -mno-atomic and checked. */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned int size_t;
typedef _Bool bool;

#define barrier() __asm__ __volatile__("" ::: "memory")
#define WEAK __attribute__((weak))
#define ALWAYS_INLINE static inline __attribute__((always_inline))

long __syscall(long nr, long a, long b, long c, long d, long e, long f);
#define SYS_sched_yield 124

/* syscall 248: the old value of *p; *p = nv iff it was exp. */
ALWAYS_INLINE u32 cas(volatile u32 *p, u32 exp, u32 nv)
{
    register u32 r0 __asm__("r0") = (u32)p;
    register u32 r1 __asm__("r1") = exp;
    register u32 r2 __asm__("r2") = nv;
    register u32 r8 __asm__("r8") = 248;
    __asm__ __volatile__("trap_s 0" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r8) : "memory", "cc");
    return r0;
}

enum op { OP_ADD, OP_SUB, OP_AND, OP_OR, OP_XOR, OP_NAND, OP_XCHG };

/* One definition of the operations, at each width: a 4-byte operation must not pay
 * for 64-bit arithmetic. */
#define DEFINE_APPLY(name, T)                 \
    ALWAYS_INLINE T name(enum op op, T a, T b) \
    {                                          \
        switch (op) {                          \
        case OP_ADD: return a + b;             \
        case OP_SUB: return a - b;             \
        case OP_AND: return a & b;             \
        case OP_OR: return a | b;              \
        case OP_XOR: return a ^ b;             \
        case OP_NAND: return ~(a & b);         \
        default: return b;                     \
        }                                      \
    }
DEFINE_APPLY(apply32, u32)
DEFINE_APPLY(apply64, u64)

/* The aligned word holding the `size`-byte field at p, the field's shift and mask
 * (little-endian). */
#define WORD_OF(p) ((volatile u32 *)((u32)(p) & ~3u))
#define SHIFT_OF(p) (((u32)(p) & 3u) * 8u)
#define FMASK(size) ((size) == 4 ? 0xFFFFFFFFu : (size) == 2 ? 0xFFFFu : 0xFFu)

/* Read-modify-write of the 1-, 2- or 4-byte field at p (naturally aligned): returns the
 * old field value; *newv gets the new one. */
ALWAYS_INLINE u32 rmw(volatile void *p, int size, enum op op, u32 v, u32 *newv)
{
    volatile u32 *w = WORD_OF(p);
    u32 shift = size == 4 ? 0 : SHIFT_OF(p);
    u32 fmask = FMASK(size);
    u32 cur = *w;
    for (;;) {
        u32 old = (cur >> shift) & fmask;
        u32 n = apply32(op, old, v) & fmask;
        u32 want = (cur & ~(fmask << shift)) | (n << shift);
        u32 seen = cas(w, cur, want);
        if (seen == cur) {
            *newv = n;
            return old;
        }
        cur = seen;
    }
}

/* Compare-and-swap of the 1-, 2- or 4-byte field at p: true if it held *exp (and now
 * holds des); otherwise *exp gets the value it held. */
ALWAYS_INLINE bool cmpxchg(volatile void *p, int size, void *exp, u32 des)
{
    volatile u32 *w = WORD_OF(p);
    u32 shift = size == 4 ? 0 : SHIFT_OF(p);
    u32 fmask = FMASK(size);
    u32 e = size == 4 ? *(u32 *)exp : size == 2 ? *(u16 *)exp : *(u8 *)exp;
    u32 cur = *w;
    for (;;) {
        u32 old = (cur >> shift) & fmask;
        if (old != e) {
            if (size == 4)
                *(u32 *)exp = old;
            else if (size == 2)
                *(u16 *)exp = (u16)old;
            else
                *(u8 *)exp = (u8)old;
            return 0;
        }
        u32 want = (cur & ~(fmask << shift)) | ((des & fmask) << shift);
        u32 seen = cas(w, cur, want);
        if (seen == cur)
            return 1;
        cur = seen;
    }
}

/* ---- the striped lock ---- */

#define NLOCKS 64
#define LINE 64
static volatile u32 locks[NLOCKS];

static void lock_one(volatile u32 *l)
{
    while (cas(l, 0, 1) != 0)
        __syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
}

/* The locks covering [p, p + n): `count` consecutive ones (modulo NLOCKS) from
 * `first`. Taken in ascending index order, so two ranges never deadlock. */
struct lockset {
    u32 first, count;
};

static struct lockset lock_set(const volatile void *p, size_t n)
{
    u32 a = (u32)p;
    u32 lines = (a + (n ? n : 1) - 1) / LINE - a / LINE + 1;
    struct lockset s = { (a / LINE) % NLOCKS, lines < NLOCKS ? lines : NLOCKS };
    if (s.count == NLOCKS)
        s.first = 0;
    return s;
}

static struct lockset protect_start(const volatile void *p, size_t n)
{
    struct lockset s = lock_set(p, n);
    u32 end = s.first + s.count;
    if (end > NLOCKS) /* wraps: the low indices first */
        for (u32 i = 0; i < end - NLOCKS; i++)
            lock_one(&locks[i]);
    for (u32 i = s.first; i < end && i < NLOCKS; i++)
        lock_one(&locks[i]);
    barrier();
    return s;
}

static void protect_end(struct lockset s)
{
    barrier();
    for (u32 k = 0; k < s.count; k++)
        locks[(s.first + k) % NLOCKS] = 0;
    barrier();
}

static void copy(volatile void *d, const volatile void *s, size_t n)
{
    volatile u8 *dd = d;
    const volatile u8 *ss = s;
    while (n--)
        *dd++ = *ss++;
}

static int same(const volatile void *a, const volatile void *b, size_t n)
{
    const volatile u8 *x = a, *y = b;
    while (n--)
        if (*x++ != *y++)
            return 0;
    return 1;
}

/* ---- sized entry points ---- */

#define LOAD(N, T)                                                                      \
    T load_##N(const volatile void *p, int m) __asm__("__atomic_load_" #N);             \
    WEAK T load_##N(const volatile void *p, int m)                                      \
    {                                                                                   \
        (void)m;                                                                        \
        barrier();                                                                      \
        T v = *(const volatile T *)p;                                                   \
        barrier();                                                                      \
        return v;                                                                       \
    }                                                                                   \
    void store_##N(volatile void *p, T v, int m) __asm__("__atomic_store_" #N);         \
    WEAK void store_##N(volatile void *p, T v, int m)                                   \
    {                                                                                   \
        (void)m;                                                                        \
        barrier();                                                                      \
        *(volatile T *)p = v;                                                           \
        barrier();                                                                      \
    }                                                                                   \
    T exchange_##N(volatile void *p, T v, int m) __asm__("__atomic_exchange_" #N);      \
    WEAK T exchange_##N(volatile void *p, T v, int m)                                   \
    {                                                                                   \
        u32 n;                                                                          \
        (void)m;                                                                        \
        return (T)rmw(p, N, OP_XCHG, v, &n);                                            \
    }                                                                                   \
    bool compare_exchange_##N(volatile void *p, void *e, T d, int s, int f)             \
        __asm__("__atomic_compare_exchange_" #N);                                       \
    WEAK bool compare_exchange_##N(volatile void *p, void *e, T d, int s, int f)        \
    {                                                                                   \
        (void)s;                                                                        \
        (void)f;                                                                        \
        return cmpxchg(p, N, e, d);                                                     \
    }                                                                                   \
    T sync_val_cas_##N(volatile void *p, T e, T d) __asm__("__sync_val_compare_and_swap_" #N); \
    WEAK T sync_val_cas_##N(volatile void *p, T e, T d)                                 \
    {                                                                                   \
        T ee = e;                                                                       \
        cmpxchg(p, N, &ee, d);                                                          \
        return ee;                                                                      \
    }                                                                                   \
    bool sync_bool_cas_##N(volatile void *p, T e, T d) __asm__("__sync_bool_compare_and_swap_" #N); \
    WEAK bool sync_bool_cas_##N(volatile void *p, T e, T d)                             \
    {                                                                                   \
        T ee = e;                                                                       \
        return cmpxchg(p, N, &ee, d);                                                   \
    }                                                                                   \
    T sync_tas_##N(volatile void *p, T v) __asm__("__sync_lock_test_and_set_" #N);      \
    WEAK T sync_tas_##N(volatile void *p, T v)                                          \
    {                                                                                   \
        u32 n;                                                                          \
        return (T)rmw(p, N, OP_XCHG, v, &n);                                            \
    }                                                                                   \
    void sync_release_##N(volatile void *p) __asm__("__sync_lock_release_" #N);         \
    WEAK void sync_release_##N(volatile void *p)                                        \
    {                                                                                   \
        barrier();                                                                      \
        *(volatile T *)p = 0;                                                           \
        barrier();                                                                      \
    }

#define RMW(N, T, NAME, OP)                                                             \
    T fetch_##NAME##_##N(volatile void *p, T v, int m) __asm__("__atomic_fetch_" #NAME "_" #N); \
    WEAK T fetch_##NAME##_##N(volatile void *p, T v, int m)                             \
    {                                                                                   \
        u32 n;                                                                          \
        (void)m;                                                                        \
        return (T)rmw(p, N, OP, v, &n);                                                 \
    }                                                                                   \
    T NAME##_fetch_##N(volatile void *p, T v, int m) __asm__("__atomic_" #NAME "_fetch_" #N); \
    WEAK T NAME##_fetch_##N(volatile void *p, T v, int m)                               \
    {                                                                                   \
        u32 n;                                                                          \
        (void)m;                                                                        \
        rmw(p, N, OP, v, &n);                                                           \
        return (T)n;                                                                    \
    }                                                                                   \
    T sync_fetch_##NAME##_##N(volatile void *p, T v) __asm__("__sync_fetch_and_" #NAME "_" #N); \
    WEAK T sync_fetch_##NAME##_##N(volatile void *p, T v)                               \
    {                                                                                   \
        u32 n;                                                                          \
        return (T)rmw(p, N, OP, v, &n);                                                 \
    }                                                                                   \
    T sync_##NAME##_fetch_##N(volatile void *p, T v) __asm__("__sync_" #NAME "_and_fetch_" #N); \
    WEAK T sync_##NAME##_fetch_##N(volatile void *p, T v)                               \
    {                                                                                   \
        u32 n;                                                                          \
        rmw(p, N, OP, v, &n);                                                           \
        return (T)n;                                                                    \
    }

#define ALL_RMW(N, T)                                                                   \
    RMW(N, T, add, OP_ADD)                                                              \
    RMW(N, T, sub, OP_SUB)                                                              \
    RMW(N, T, and, OP_AND)                                                              \
    RMW(N, T, or, OP_OR)                                                                \
    RMW(N, T, xor, OP_XOR)                                                              \
    RMW(N, T, nand, OP_NAND)

LOAD(1, u8)
LOAD(2, u16)
LOAD(4, u32)
ALL_RMW(1, u8)
ALL_RMW(2, u16)
ALL_RMW(4, u32)

/* ---- 8 bytes: under the striped lock ---- */

static u64 rmw8(volatile void *p, enum op op, u64 v, u64 *newv)
{
    struct lockset set = protect_start(p, 8);
    u64 old = *(volatile u64 *)p;
    u64 n = apply64(op, old, v);
    *(volatile u64 *)p = n;
    protect_end(set);
    *newv = n;
    return old;
}

static bool cmpxchg8(volatile void *p, u64 *e, u64 d)
{
    struct lockset set = protect_start(p, 8);
    u64 old = *(volatile u64 *)p;
    bool ok = old == *e;
    if (ok)
        *(volatile u64 *)p = d;
    protect_end(set);
    if (!ok)
        *e = old;
    return ok;
}

u64 load_8(const volatile void *p, int m) __asm__("__atomic_load_8");
WEAK u64 load_8(const volatile void *p, int m)
{
    (void)m;
    struct lockset set = protect_start(p, 8);
    u64 v = *(const volatile u64 *)p;
    protect_end(set);
    return v;
}

void store_8(volatile void *p, u64 v, int m) __asm__("__atomic_store_8");
WEAK void store_8(volatile void *p, u64 v, int m)
{
    (void)m;
    struct lockset set = protect_start(p, 8);
    *(volatile u64 *)p = v;
    protect_end(set);
}

u64 exchange_8(volatile void *p, u64 v, int m) __asm__("__atomic_exchange_8");
WEAK u64 exchange_8(volatile void *p, u64 v, int m)
{
    u64 n;
    (void)m;
    return rmw8(p, OP_XCHG, v, &n);
}

bool compare_exchange_8(volatile void *p, void *e, u64 d, int s, int f)
    __asm__("__atomic_compare_exchange_8");
WEAK bool compare_exchange_8(volatile void *p, void *e, u64 d, int s, int f)
{
    (void)s;
    (void)f;
    return cmpxchg8(p, e, d);
}

u64 sync_val_cas_8(volatile void *p, u64 e, u64 d) __asm__("__sync_val_compare_and_swap_8");
WEAK u64 sync_val_cas_8(volatile void *p, u64 e, u64 d)
{
    cmpxchg8(p, &e, d);
    return e;
}

bool sync_bool_cas_8(volatile void *p, u64 e, u64 d) __asm__("__sync_bool_compare_and_swap_8");
WEAK bool sync_bool_cas_8(volatile void *p, u64 e, u64 d)
{
    return cmpxchg8(p, &e, d);
}

u64 sync_tas_8(volatile void *p, u64 v) __asm__("__sync_lock_test_and_set_8");
WEAK u64 sync_tas_8(volatile void *p, u64 v)
{
    u64 n;
    return rmw8(p, OP_XCHG, v, &n);
}

void sync_release_8(volatile void *p) __asm__("__sync_lock_release_8");
WEAK void sync_release_8(volatile void *p)
{
    store_8(p, 0, 0);
}

#define RMW8(NAME, OP)                                                                  \
    u64 fetch_##NAME##_8(volatile void *p, u64 v, int m) __asm__("__atomic_fetch_" #NAME "_8"); \
    WEAK u64 fetch_##NAME##_8(volatile void *p, u64 v, int m)                           \
    {                                                                                   \
        u64 n;                                                                          \
        (void)m;                                                                        \
        return rmw8(p, OP, v, &n);                                                      \
    }                                                                                   \
    u64 NAME##_fetch_8(volatile void *p, u64 v, int m) __asm__("__atomic_" #NAME "_fetch_8"); \
    WEAK u64 NAME##_fetch_8(volatile void *p, u64 v, int m)                             \
    {                                                                                   \
        u64 n;                                                                          \
        (void)m;                                                                        \
        rmw8(p, OP, v, &n);                                                             \
        return n;                                                                       \
    }                                                                                   \
    u64 sync_fetch_##NAME##_8(volatile void *p, u64 v) __asm__("__sync_fetch_and_" #NAME "_8"); \
    WEAK u64 sync_fetch_##NAME##_8(volatile void *p, u64 v)                             \
    {                                                                                   \
        u64 n;                                                                          \
        return rmw8(p, OP, v, &n);                                                      \
    }                                                                                   \
    u64 sync_##NAME##_fetch_8(volatile void *p, u64 v) __asm__("__sync_" #NAME "_and_fetch_8"); \
    WEAK u64 sync_##NAME##_fetch_8(volatile void *p, u64 v)                             \
    {                                                                                   \
        u64 n;                                                                          \
        rmw8(p, OP, v, &n);                                                             \
        return n;                                                                       \
    }

RMW8(add, OP_ADD)
RMW8(sub, OP_SUB)
RMW8(and, OP_AND)
RMW8(or, OP_OR)
RMW8(xor, OP_XOR)
RMW8(nand, OP_NAND)

/* ---- generic (any size) ---- */

/* 1, 2 and 4 bytes, naturally aligned: the lock-free word CAS (other threads may use
 * the sized entry points on the same object); everything else: the lock. */
static int word_sized(size_t n, const volatile void *p)
{
    return (n == 1 || n == 2 || n == 4) && ((u32)p & (n - 1)) == 0;
}

static u32 get_small(const volatile void *p, size_t n)
{
    return n == 4 ? *(const volatile u32 *)p : n == 2 ? *(const volatile u16 *)p : *(const volatile u8 *)p;
}

static void put_small(void *p, size_t n, u32 v)
{
    if (n == 4)
        *(u32 *)p = v;
    else if (n == 2)
        *(u16 *)p = (u16)v;
    else
        *(u8 *)p = (u8)v;
}

static u32 small_from(const void *p, size_t n)
{
    u32 v = 0;
    copy(&v, p, n); /* little-endian: the value's low bytes */
    return v;
}

void generic_load(size_t n, const volatile void *obj, void *ret, int m) __asm__("__atomic_load");
WEAK void generic_load(size_t n, const volatile void *obj, void *ret, int m)
{
    (void)m;
    if (word_sized(n, obj)) {
        u32 v = get_small(obj, n);
        copy(ret, &v, n);
        return;
    }
    struct lockset set = protect_start(obj, n);
    copy(ret, obj, n);
    protect_end(set);
}

void generic_store(size_t n, volatile void *obj, const void *val, int m) __asm__("__atomic_store");
WEAK void generic_store(size_t n, volatile void *obj, const void *val, int m)
{
    (void)m;
    if (word_sized(n, obj)) {
        u32 v = small_from(val, n);
        barrier();
        if (n == 4)
            *(volatile u32 *)obj = v;
        else if (n == 2)
            *(volatile u16 *)obj = (u16)v;
        else
            *(volatile u8 *)obj = (u8)v;
        barrier();
        return;
    }
    struct lockset set = protect_start(obj, n);
    copy(obj, val, n);
    protect_end(set);
}

void generic_exchange(size_t n, volatile void *obj, const void *val, void *ret, int m)
    __asm__("__atomic_exchange");
WEAK void generic_exchange(size_t n, volatile void *obj, const void *val, void *ret, int m)
{
    (void)m;
    if (word_sized(n, obj)) {
        u32 nv;
        u32 old = n == 4 ? rmw(obj, 4, OP_XCHG, small_from(val, n), &nv)
                  : n == 2 ? rmw(obj, 2, OP_XCHG, small_from(val, n), &nv)
                           : rmw(obj, 1, OP_XCHG, small_from(val, n), &nv);
        put_small(ret, n, old);
        return;
    }
    struct lockset set = protect_start(obj, n);
    /* ret may alias val (GCC does that): go through a bounce buffer in chunks. */
    u8 tmp[32];
    for (size_t off = 0; off < n; off += sizeof tmp) {
        size_t k = n - off < sizeof tmp ? n - off : sizeof tmp;
        copy(tmp, (const volatile u8 *)obj + off, k);
        copy((volatile u8 *)obj + off, (const u8 *)val + off, k);
        copy((u8 *)ret + off, tmp, k);
    }
    protect_end(set);
}

bool generic_compare_exchange(size_t n, volatile void *obj, void *exp, const void *des, int s,
                              int f) __asm__("__atomic_compare_exchange");
WEAK bool generic_compare_exchange(size_t n, volatile void *obj, void *exp, const void *des,
                                   int s, int f)
{
    (void)s;
    (void)f;
    if (word_sized(n, obj)) {
        u32 d = small_from(des, n);
        return n == 4 ? cmpxchg(obj, 4, exp, d) : n == 2 ? cmpxchg(obj, 2, exp, d) : cmpxchg(obj, 1, exp, d);
    }
    struct lockset set = protect_start(obj, n);
    bool ok = same(obj, exp, n);
    if (ok)
        copy(obj, des, n);
    else
        copy(exp, obj, n);
    protect_end(set);
    return ok;
}

/* True for what never takes the lock: 1, 2 and 4 bytes, naturally aligned (a null
 * pointer means "typically aligned"). */
bool is_lock_free(size_t n, const volatile void *p) __asm__("__atomic_is_lock_free");
WEAK bool is_lock_free(size_t n, const volatile void *p)
{
    if (n != 1 && n != 2 && n != 4)
        return 0;
    return p == 0 || ((u32)p & (n - 1)) == 0;
}

/* GCC 12 never calls this on ARC: it expands test_and_set inline (without atomics as a
 * plain load and store; see user/atomic/README.md). libatomic has it; so do we. */
bool test_and_set(volatile void *p, int m) __asm__("__atomic_test_and_set");
WEAK bool test_and_set(volatile void *p, int m)
{
    u32 n;
    (void)m;
    return rmw(p, 1, OP_XCHG, 1, &n) != 0;
}

/* Called only by targets with TARGET_ATOMIC_ASSIGN_EXPAND_FENV (not ARC). Soft-float
 * em4 has no exception flags to raise. */
void feraiseexcept_(int e) __asm__("__atomic_feraiseexcept");
WEAK void feraiseexcept_(int e)
{
    (void)e;
}

void sync_synchronize(void) __asm__("__sync_synchronize");
WEAK void sync_synchronize(void)
{
    barrier();
}

/* C11 <stdatomic.h> functions behind its macros, e.g. `(atomic_thread_fence)(mo)`. */
WEAK void atomic_thread_fence(int mo)
{
    (void)mo;
    barrier();
}

WEAK void atomic_signal_fence(int mo)
{
    (void)mo;
    barrier();
}

WEAK bool atomic_flag_test_and_set_explicit(volatile void *f, int mo)
{
    return test_and_set(f, mo);
}

WEAK bool atomic_flag_test_and_set(volatile void *f)
{
    return test_and_set(f, 5);
}

WEAK void atomic_flag_clear_explicit(volatile void *f, int mo)
{
    (void)mo;
    barrier();
    *(volatile u8 *)f = 0;
    barrier();
}

WEAK void atomic_flag_clear(volatile void *f)
{
    atomic_flag_clear_explicit(f, 5);
}
