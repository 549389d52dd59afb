/* System-call wrappers: the Linux ARC ABI (r8 = number, r0..r5 = arguments,
 * `trap_s 0`, result in r0) as LL/SC-less user space uses it.
 * No LLOCK/SCOND anywhere: every atomic operation goes through syscall 248. */

    .text

/* long __syscall(long nr, long a, long b, long c, long d, long e, long f) */
    .global __syscall
    .type __syscall, @function
    .align 4
__syscall:
    mov     r8, r0
    mov     r0, r1
    mov     r1, r2
    mov     r2, r3
    mov     r3, r4
    mov     r4, r5
    mov     r5, r6
    trap_s  0
    j_s     [blink]
    .size __syscall, . - __syscall

/* int arc_cmpxchg(volatile int *p, int expected, int new)
 * The plain form LL/SC-less libc uses: returns the old value; the caller
 * compares it with `expected`. */
    .global arc_cmpxchg
    .type arc_cmpxchg, @function
    .align 4
arc_cmpxchg:
    mov     r8, 248
    trap_s  0
    j_s     [blink]
    .size arc_cmpxchg, . - arc_cmpxchg

/* int arc_cmpxchg_z(volatile int *p, int expected, int new, int *z, int zin)
 * Like arc_cmpxchg, and stores STATUS32.Z as the kernel returned it in *z.
 * Before the trap, Z is forced to `zin` (0 or 1), so the caller can check that
 * the kernel really sets / clears it rather than leaving it as it was. */
    .global arc_cmpxchg_z
    .type arc_cmpxchg_z, @function
    .align 4
arc_cmpxchg_z:
    mov     r8, 248
    cmp     r4, 1                   /* Z := (zin == 1) */
    trap_s  0
    .global arc_cmpxchg_z_ret       /* where user mode resumes after the call: the */
arc_cmpxchg_z_ret:                  /* pc a signal raised by the syscall reports */
    mov     r4, 0                   /* mov without .f leaves the flags alone */
    mov.z   r4, 1
    st      r4, [r3]
    j_s     [blink]
    .size arc_cmpxchg_z, . - arc_cmpxchg_z

/* int arc_cmpxchg_marked(volatile int *p, int expected, int new, u32 marker, int *z)
 * The same call with a marker the host's preemption sweep looks for: r3 =
 * `marker` (0x5EE9C0DE, 0x5EE9C0DF: which sweep) at the `trap_s` labelled
 * `sweep_trap`. Stores STATUS32.Z after the call in *z. */
    .global arc_cmpxchg_marked
    .type arc_cmpxchg_marked, @function
    .global sweep_trap
    .align 4
arc_cmpxchg_marked:
    mov     r8, 248
sweep_trap:
    trap_s  0
    mov     r3, 0
    mov.z   r3, 1
    st      r3, [r4]
    mov     r3, 0
    j_s     [blink]
    .size arc_cmpxchg_marked, . - arc_cmpxchg_marked

/* int thread_spawn(void (*fn)(void *), void *arg, void *stack_top, int *ctid, void *tls)
 * clone(flags, newsp, ptid, tls, ctid) with the flags glibc's pthread_create
 * uses. The child starts on its own stack, calls fn(arg), then exit()s (93:
 * only this thread); the kernel clears *ctid when it is gone (CLONE_CHILD_CLEARTID).
 * Returns the child's tid in the parent, or -errno. */
CLONE_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000
    .global thread_spawn
    .type thread_spawn, @function
    .align 4
thread_spawn:
    /* fn and arg go on the child's (8-byte aligned) stack: the child pops them. */
    and     r2, r2, -8
    sub     r2, r2, 8
    st      r0, [r2, 0]
    st      r1, [r2, 4]
    mov     r1, r2                  /* newsp */
    mov     r2, r3                  /* ptid = ctid (CLONE_PARENT_SETTID) */
    mov     r5, r4                  /* tls */
    mov     r4, r3                  /* ctid (CLONE_CHILD_CLEARTID) */
    mov     r3, r5                  /* tls (CLONE_SETTLS) */
    mov     r0, CLONE_FLAGS
    mov     r8, 220
    trap_s  0
    breq    r0, 0, 1f
    j_s     [blink]                 /* parent: tid or -errno */
1:  ld      r1, [sp, 0]             /* child */
    ld      r0, [sp, 4]
    jl      [r1]
    mov     r8, 93                  /* exit: this thread only */
    trap_s  0
2:  b       2b
    .size thread_spawn, . - thread_spawn
