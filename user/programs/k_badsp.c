/* Kernel test (issue 4): the user stack pointer is the user's business. With sp aimed
 * just above the kernel's canary, at NULL, at a misaligned address and at an unmapped
 * one, the program spins through several timer ticks and makes a system call; entry
 * from user mode switches to the kernel stack first, so nothing may be written
 * through the user's sp (the SUMMARY line's canary and the host's RAM read check it). */
#include "k_common.h"

__asm__(".text\n"
        /* u32 k_with_sp(u32 sp, u32 spins): runs with sp = the argument, returns getpid */
        ".global k_with_sp\n.balign 4\nk_with_sp:\n"
        "    mov r12, sp\n"
        "    mov sp, r0\n"
        "1:  sub.f r1, r1, 1\n"
        "    bne 1b\n"
        "    mov r8, 172\n"
        "    trap_s 0\n"
        "    mov sp, r12\n"
        "    j_s [blink]\n");
u32 k_with_sp(u32 sp, u32 spins);

int main(void)
{
    long pid = sys_getpid();
    u32 sps[5] = {entry_r1 + 8, entry_r1 + 4, 0, 0x00012343, 0x50000000};
    int ok = 1;
    u32 got[5];
    for (int i = 0; i < 5; i++) {
        got[i] = k_with_sp(sps[i], 60000); /* ~3 timer ticks each */
        ok &= got[i] == (u32)pid;
    }
    KCHECK("c.bad_user_sp", ok && entry_r1 >= TASK_SIZE,
           "sp=0x%08x,0x%08x,0x%08x,0x%08x,0x%08x getpid=%u,%u,%u,%u,%u want=%d", sps[0], sps[1], sps[2], sps[3],
           sps[4], got[0], got[1], got[2], got[3], got[4], (int)pid);
    return k_failed;
}
