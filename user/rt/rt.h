/* The validation programs' tiny runtime: Linux ARC system calls, the
 * arc_usr_cmpxchg wrappers, threads and a printf-lite. No libc, and no
 * LLOCK/SCOND: atomics go through syscall 248 as on LL/SC-less cores. */
#ifndef RT_H
#define RT_H

#include <stdarg.h>

typedef unsigned int u32;

enum {
    SYS_write = 64,
    SYS_exit = 93,
    SYS_exit_group = 94,
    SYS_set_tid_address = 96,
    SYS_sched_yield = 124,
    SYS_kill = 129,
    SYS_getpid = 172,
    SYS_brk = 214,
    SYS_munmap = 215,
    SYS_clone = 220,
    SYS_mmap2 = 222,
    SYS_mprotect = 226,
    SYS_arc_gettls = 246,
    SYS_arc_usr_cmpxchg = 248,
};

enum { PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4 };
enum { MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20 };

#define PAGE_SIZE 8192u
#define TASK_SIZE 0x60000000u
#define SIGBUS 7
#define SIGSEGV 11

/* crt0.S: r1 at entry (this kernel: the address of its canary word). */
extern u32 entry_r1;

/* sys.S */
long __syscall(long nr, long a, long b, long c, long d, long e, long f);
int arc_cmpxchg(volatile int *p, int expected, int new_value);
int arc_cmpxchg_z(volatile int *p, int expected, int new_value, int *z, int zin);
extern const char arc_cmpxchg_z_ret[]; /* the instruction after its trap_s */
int arc_cmpxchg_marked(volatile int *p, int expected, int new_value, u32 marker, int *z);
#define SWEEP_MARK_WARM 0x5EE9C0DEu /* 9c: present, writable word */
#define SWEEP_MARK_COW 0x5EE9C0DFu  /* 9d: zero-page (COW) word: the fault-in and retry path */
int thread_spawn(void (*fn)(void *), void *arg, void *stack_top, volatile int *ctid, void *tls);

static inline long sys_write(int fd, const void *buf, u32 n) { return __syscall(SYS_write, fd, (long)buf, n, 0, 0, 0); }
static inline long sys_sched_yield(void) { return __syscall(SYS_sched_yield, 0, 0, 0, 0, 0, 0); }
static inline long sys_getpid(void) { return __syscall(SYS_getpid, 0, 0, 0, 0, 0, 0); }
static inline long sys_munmap(void *p, u32 len) { return __syscall(SYS_munmap, (long)p, len, 0, 0, 0, 0); }
static inline long sys_mprotect(void *p, u32 len, int prot) { return __syscall(SYS_mprotect, (long)p, len, prot, 0, 0, 0); }
static inline long sys_mmap2(void *addr, u32 len, int prot, int flags, int fd, u32 pgoff)
{
    return __syscall(SYS_mmap2, (long)addr, len, prot, flags, fd, pgoff);
}
__attribute__((noreturn)) void sys_exit_group(int code);

/* An error return is -4095..-1 as unsigned. */
static inline int is_err(long r) { return (unsigned long)r >= (unsigned long)-4096; }

/* Anonymous private mapping, or 0 (and a CASE ... FAIL setup line) on error. */
void *map_anon(const char *case_id, u32 len, int prot);

/* printf-lite: %d %u %x %08x %s %c %p; one write() per call, so lines from
 * different threads never interleave inside a line. */
void pr(const char *fmt, ...);
void vpr(const char *fmt, va_list ap);

/* Atomic helpers on top of syscall 248 (what LL/SC-less libc does). */
int atomic_add(volatile int *p, int v);         /* returns the new value */
void spin_lock(volatile int *lock);              /* 0 = free, 1 = held */
void spin_unlock(volatile int *lock);
extern volatile int spin_contended;              /* lock attempts that found it held */

/* Threads: CLONE_VM|...|CLONE_THREAD with CLONE_CHILD_CLEARTID; join polls the
 * cleared tid with sched_yield. */
struct thread {
    volatile int ctid;
    int tid;
};
int thread_start(struct thread *t, void (*fn)(void *), void *arg);
void thread_join(struct thread *t);
/* n threads running fn((void *)i), i = 0..n-1. On a clone failure prints
 * "CASE <case_id> FAIL setup=clone thread=<i> err=<e>" and returns 0. */
int threads_start(struct thread *t, int n, void (*fn)(void *), const char *case_id);
void threads_join(struct thread *t, int n);

/* A deliberate little delay the compiler cannot remove. */
void spin_delay(int n);

void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

#endif
