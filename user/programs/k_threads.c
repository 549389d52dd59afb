/* Kernel test (issue 4): clone with CLONE_VM threads (the flags glibc's pthread_create
 * uses, through the runtime's thread_start), per-thread TLS (CLONE_SETTLS → r25 and
 * arc_gettls), CLONE_PARENT_SETTID / CLONE_CHILD_CLEARTID, exit (93) of one thread
 * while the group goes on, a shared address space, and clone's refusals. */
#include "k_common.h"

#define NT 3
#define ITERS 300

static struct thread th[NT];
static volatile int counter;
static volatile u32 seen_tls[NT], seen_r25[NT], seen_pid[NT], seen_tid[NT];
static volatile u32 page_value[NT];
static volatile u32 *shared_page;

static void body(void *arg)
{
    int i = (int)(long)arg;
    u32 r25;
    __asm__ volatile("mov %0, r25" : "=r"(r25));
    seen_r25[i] = r25;
    seen_tls[i] = (u32)k_sys(SYS_arc_gettls, 0, 0, 0);
    seen_pid[i] = (u32)sys_getpid();
    seen_tid[i] = (u32)k_sys(SYS_set_tid_address, (long)&th[i].ctid, 0, 0);
    for (int k = 0; k < ITERS; k++) {
        atomic_add(&counter, 1);
        if (k % 64 == 0)
            sys_sched_yield();
    }
    /* Memory the parent mapped after the threads started is theirs too. */
    while (!shared_page)
        sys_sched_yield();
    shared_page[i] = 0x7E000000u + i;
    page_value[i] = shared_page[NT];
}

int main(void)
{
    long pid = sys_getpid();
    int started = 0;
    for (int i = 0; i < NT; i++)
        started += thread_start(&th[i], body, (void *)(long)i) > 0;
    volatile u32 *pg = map_anon("t.clone", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (pg)
        pg[NT] = 0x5EED0001;
    shared_page = pg;
    for (int i = 0; i < NT; i++)
        thread_join(&th[i]);
    int tls_ok = 1, ids_ok = 1, mem_ok = 1;
    for (int i = 0; i < NT; i++) {
        tls_ok &= seen_tls[i] == (u32)&th[i] && seen_r25[i] == (u32)&th[i];
        ids_ok &= seen_pid[i] == (u32)pid && seen_tid[i] == (u32)th[i].tid && th[i].tid > pid && th[i].ctid == 0;
        mem_ok &= pg && pg[i] == 0x7E000000u + i && page_value[i] == 0x5EED0001;
    }
    KCHECK("t.clone", started == NT && ids_ok && counter == NT * ITERS && mem_ok,
           "started=%d pid=%d tids=%d,%d,%d ctid_cleared=%d,%d,%d counter=%d want=%d shared_mem=%d", started,
           (int)pid, th[0].tid, th[1].tid, th[2].tid, th[0].ctid == 0, th[1].ctid == 0, th[2].ctid == 0, counter,
           NT * ITERS, mem_ok);
    KCHECK("t.tls", tls_ok, "tls=0x%08x,0x%08x,0x%08x r25=0x%08x,0x%08x,0x%08x want=0x%08x,0x%08x,0x%08x",
           seen_tls[0], seen_tls[1], seen_tls[2], seen_r25[0], seen_r25[1], seen_r25[2], (u32)&th[0], (u32)&th[1],
           (u32)&th[2]);

    /* Refusals: CLONE_THREAD without CLONE_VM|CLONE_SIGHAND, CLONE_SIGHAND without
     * CLONE_VM, unknown flags. A child that does get made leaves at once. */
    long e1 = k_clone_exit(CLONE_THREAD, 0, 0, 0, 0);
    long e2 = k_clone_exit(CLONE_SIGHAND, 0, 0, 0, 0);
    long e3 = k_clone_exit(CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0, 0);
    KCHECK("t.clone_refused", e1 == -K_EINVAL && e2 == -K_EINVAL && e3 == -K_EINVAL, "thread_only=%d sighand_only=%d "
           "thread_sighand=%d", (int)e1, (int)e2, (int)e3);
    /* Hostile tid pointers: the thread is made, the kernel's writes to them fail quietly. */
    u32 fl = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
             CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
    static u32 stack2[256] __attribute__((aligned(8)));
    long t1 = k_clone_exit(fl, (u32)(stack2 + 256), entry_r1, 0, entry_r1);
    long t2 = k_clone_exit(fl, (u32)(stack2 + 256), 0x80000000, 0, 0x5FFFFFFE);
    for (int i = 0; i < 20; i++)
        sys_sched_yield();
    KCHECK("t.clone_hostile_tids", t1 > 0 && t2 > 0, "canary_tids=%d kernel_tids=%d", (int)t1, (int)t2);
    return k_failed;
}
