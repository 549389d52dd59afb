/* Kernel test (issue 4): memory comes back. Each variant touches MB megabytes of fresh
 * anonymous memory (one word per 8 KiB page, so every page gets its own frame) and then
 * ends: 1 exits, 2 unmaps and maps again in a loop, 3 dies of SIGSEGV with it all
 * mapped, 4 forks children that touch it and exit. Run one after another, they ask for
 * more frames than the machine has (256 MiB), so frames that a dead process, a munmap
 * or a dead child failed to give back show up as a fault the kernel cannot resolve
 * (SIGSEGV) or as a wrong value, in a later program. */
#include "k_common.h"

#ifndef VARIANT
#error "build with -DVARIANT=n"
#endif
#ifndef MB
#define MB 64
#endif

static u32 touch(u32 mb, u32 salt)
{
    u32 len = mb << 20;
    u32 base = (u32)sys_mmap2(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err((long)base))
        return 0;
    for (u32 a = base; a < base + len; a += PAGE_SIZE)
        *(volatile u32 *)a = a ^ salt;
    for (u32 a = base; a < base + len; a += PAGE_SIZE)
        if (*(volatile u32 *)a != (a ^ salt))
            return 0;
    return base;
}

int main(void)
{
#if VARIANT == 1
    u32 b = touch(MB, 0x11111111);
    KCHECK("r.exit_frees", b != 0, "mb=%d base=0x%08x", MB, b);
    return k_failed;
#elif VARIANT == 2
    int ok = 1;
    for (int i = 0; i < 4 && ok; i++) {
        u32 b = touch(MB / 4, 0x22222222 + i);
        ok = b != 0 && sys_munmap((void *)b, (MB / 4) << 20) == 0;
    }
    KCHECK("r.munmap_frees", ok, "mb=%d rounds=4", MB / 4);
    return k_failed;
#elif VARIANT == 3
    u32 b = touch(MB, 0x33333333);
    pr("CASE r.signal_frees EXPECT signal=SIGSEGV addr=0x00000000 word=none\n");
    if (b)
        *(volatile u32 *)0 = b;
    return 1;
#elif VARIANT == 4
    int ok = 1;
    for (int i = 0; i < 2 && ok; i++) {
        long pid = __syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
        if (pid == 0)
            sys_exit_group(touch(MB / 2, 0x44444444 + i) ? 0 : 1);
        ok = pid > 0;
        while (ok && k_sys(SYS_kill, pid, 0, 0) == 0) {
            static const struct k_timespec nap = {0, 500000};
            k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
        }
    }
    KCHECK("r.fork_frees", ok, "mb=%d children=2", MB / 2);
    return k_failed;
#elif VARIANT == 5
    pr("CASE r.oom EXPECT signal=SIGSEGV addr=any word=none\n");
    u32 b = touch(MB, 0x55555555);
    pr("CASE r.oom FAIL nosignal base=0x%08x mb=%d\n", b, MB);
    return 1;
#else
#error "unknown VARIANT"
#endif
}
