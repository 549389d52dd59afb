/* Kernel test (issue 4): user CPU state the kernel must carry through faults and
 * preemption.
 * - A store in the delay slot of a taken branch faults (demand-zero page): after the
 *   kernel resolves it, the store happens and the branch is still taken (STATUS32.DE,
 *   BTA through ERSTATUS/ERBTA).
 * - A zero-overhead loop whose last instruction faults on a new page every iteration:
 *   the loop still runs exactly n times (LP_START, LP_END, lp_count).
 * - Three threads run long zero-overhead loops at once; the timer switches between them
 *   (and the kernel's own code uses loops too): each counts exactly its n. */
#include "k_common.h"

__asm__(".text\n"
        /* u32 k_ds_store(u32 *p): 7 if the branch after the delay-slot store was taken */
        ".global k_ds_store\n.balign 4\nk_ds_store:\n"
        "    mov r2, 0\n"
        "    b.d 1f\n"
        "    st r0, [r0]\n"
        "    mov r2, 99\n"
        "1:  add r0, r2, 7\n"
        "    j_s [blink]\n"
        /* u32 k_ds_cond(u32 *p, u32 x): bne.d taken when x != 0 */
        ".global k_ds_cond\n.balign 4\nk_ds_cond:\n"
        "    mov r2, 0\n"
        "    brne.d r1, 0, 2f\n"
        "    st r1, [r0]\n"
        "    mov r2, 99\n"
        "2:  add r0, r2, 5\n"
        "    j_s [blink]\n"
        /* u32 k_loop_store(u32 base, u32 n): stores 1..n at base + 8 KiB * i, i = 1..n */
        ".global k_loop_store\n.balign 4\nk_loop_store:\n"
        "    mov lp_count, r1\n"
        "    mov r2, 0\n"
        "    lp 3f\n"
        "    add r2, r2, 1\n"
        "    add r0, r0, 8192\n"
        "    st r2, [r0]\n"
        "3:  mov r0, r2\n"
        "    j_s [blink]\n"
        /* u32 k_loop_count(u32 n) */
        ".global k_loop_count\n.balign 4\nk_loop_count:\n"
        "    mov lp_count, r0\n"
        "    mov r2, 0\n"
        "    lp 4f\n"
        "    add r2, r2, 1\n"
        "    add r3, r2, r2\n"
        "4:  mov r0, r2\n"
        "    j_s [blink]\n");
u32 k_ds_store(volatile u32 *p);
u32 k_ds_cond(volatile u32 *p, u32 x);
u32 k_loop_store(u32 base, u32 n);
u32 k_loop_count(u32 n);

#define NT 3
#define LOOPS 400000
static struct thread th[NT];
static volatile u32 counted[NT];

static void looper(void *arg)
{
    int i = (int)(long)arg;
    counted[i] = k_loop_count(LOOPS + (u32)i);
}

int main(void)
{
    volatile u32 *p = map_anon("c.delay_slot", 4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p) {
        k_failed++;
        return k_failed;
    }
    u32 r1 = k_ds_store(p);
    u32 r2 = k_ds_cond(p + PAGE_SIZE / 4, 0x5A);
    KCHECK("c.delay_slot", r1 == 7 && p[0] == (u32)p && r2 == 5 && p[PAGE_SIZE / 4] == 0x5A,
           "uncond=%u (want 7) stored=%d cond=%u (want 5) stored=%d", r1, p[0] == (u32)p, r2,
           p[PAGE_SIZE / 4] == 0x5A);

    u32 n = 24;
    u32 base = (u32)sys_mmap2(0, (n + 1) * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    u32 got = is_err((long)base) ? 0 : k_loop_store(base, n);
    int vals = 1;
    for (u32 i = 1; i <= n && got; i++)
        vals &= *(volatile u32 *)(base + i * PAGE_SIZE) == i;
    KCHECK("c.loop_fault", got == n && vals, "iterations=%u want=%u values_ok=%d", got, n, vals);

    int started = 0;
    for (int i = 1; i < NT; i++)
        started += thread_start(&th[i], looper, (void *)(long)i) > 0;
    looper((void *)0);
    for (int i = 1; i < NT; i++)
        thread_join(&th[i]);
    int ok = started == NT - 1;
    for (int i = 0; i < NT; i++)
        ok &= counted[i] == LOOPS + (u32)i;
    KCHECK("c.loop_preempt", ok, "counted=%u,%u,%u want=%u,%u,%u", counted[0], counted[1], counted[2], LOOPS,
           LOOPS + 1, LOOPS + 2);
    return k_failed;
}
