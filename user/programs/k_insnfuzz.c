/* Kernel test (issue 13): random user instruction streams. For each of INSN_STREAMS
 * seeds the program forks a child that fills one page with random instructions (fully
 * random words mixed with privileged, illegal, trap, divide, load/store and jump
 * encodings whose operand fields are random), makes the page read-only and executable,
 * unmaps everything else it has (image, data, heap, stack) and runs the page in user
 * mode with random registers. The only memory left is that page, so every exception
 * the stream raises is one the host can name from the instruction alone.
 *
 * The parent waits for each child with kill(pid, 0) and kills one that still runs after
 * INSN_TIMEOUT_US (a loop, a sleep). It prints `STREAM <i> pid=<pid> seed=<s>
 * prologue=<bytes> killed=<0|1>`; the host regenerates the page from the seed, decodes
 * the instruction at the child's TASK pc and checks that the signal is the one the
 * architecture dictates (tests/insn_fuzz.rs). The kernel must survive all of it, give
 * every frame back (the LEAK check after the program) and keep its canary. */
#include "k_common.h"

#ifndef INSN_STREAMS
#define INSN_STREAMS 12
#endif
#ifndef INSN_SEED
#define INSN_SEED 0x1D5EED01u
#endif
#ifndef INSN_TIMEOUT_US
#define INSN_TIMEOUT_US 5000
#endif

#define STREAM_VA 0x30000000u
#define STREAM_WORDS (PAGE_SIZE / 4)
#define TASK_SIZE_K 0x60000000u
/* Registers the prologue loads come from the page's last 32 words (random, too). */
#define REG_TABLE (STREAM_VA + PAGE_SIZE - 128)

/* The page's first bytes: unmap everything below and above the page, then load r0-r25,
 * gp, fp, sp and blink from the table. A failed munmap ends in `trap_s 7` inside the
 * prologue, which the host reports as a broken test, not as a stream outcome. */
#define STR_(x) #x
#define STR(x) STR_(x)
__asm__(".text\n.balign 4\n.global insn_prologue\n.global insn_prologue_end\n"
        "insn_prologue:\n"
        "    mov    r0, 0\n"
        "    mov    r1, " STR(STREAM_VA) "\n"
        "    mov    r8, 215\n"
        "    trap_s 0\n"
        "    cmp    r0, 0\n"
        "    bne    9f\n"
        "    mov    r0, " STR(STREAM_VA) " + 0x2000\n"
        "    mov    r1, " STR(TASK_SIZE_K) " - " STR(STREAM_VA) " - 0x2000\n"
        "    mov    r8, 215\n"
        "    trap_s 0\n"
        "    cmp    r0, 0\n"
        "    bne    9f\n"
        "    .irp   n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25\n"
        "    ld     r\\n, [" STR(REG_TABLE) " + 4 * \\n]\n"
        "    .endr\n"
        "    ld     gp, [" STR(REG_TABLE) " + 104]\n"
        "    ld     fp, [" STR(REG_TABLE) " + 108]\n"
        "    ld     sp, [" STR(REG_TABLE) " + 112]\n"
        "    ld     blink, [" STR(REG_TABLE) " + 116]\n"
        "    b      insn_prologue_end\n"
        "9:  trap_s 7\n"
        "    .balign 4\n"
        "insn_prologue_end:\n");
extern char insn_prologue[], insn_prologue_end[];

/* Encodings (from arc-linux-gnu-as) whose operand fields get random bits: `base` with
 * the bits of `mask` replaced. B = bits 26:24 + 14:12, C = 11:6, A = 5:0. */
struct templ {
    u32 base, mask;
};
static const struct templ long_templ[] = {
    {0x202980C0, 0x00000FC0}, /* kflag c */
    {0x212F00FF, 0x00000FC0}, /* sleep c */
    {0x246F003F, 0},          /* rtie */
    {0x262F00FF, 0x00000FC0}, /* seti c */
    {0x272F00FF, 0x00000FC0}, /* clri c */
    {0x232B0100, 0x07007FC0}, /* sr b, [c] */
    {0x232A0100, 0x07007FC0}, /* lr b, [c] */
    {0x236B0940, 0x07007FFF}, /* sr b, [s12] */
    {0x236A0940, 0x07007FFF}, /* lr b, [s12] */
    {0x23270100, 0x07007FC0}, /* aex b, [c] */
    {0x256F003F, 0},          /* brk */
    {0x226F003F, 0},          /* swi */
    {0x236F003F, 0},          /* sync */
    {0x232F0110, 0x07007FC0}, /* llock b, [c] */
    {0x232F0111, 0x07007FC0}, /* scond b, [c] */
    {0x232F010C, 0x07007FC0}, /* ex b, [c] */
    {0x202900C0, 0x00000FC0}, /* flag c */
    {0x2C040143, 0x07007FFF}, /* div a, b, c */
    {0x2C050143, 0x07007FFF}, /* divu a, b, c */
    {0x2C080143, 0x07007FFF}, /* rem a, b, c */
    {0x10000000, 0x07FFFFFF}, /* major 2: every ld form */
    {0x18000000, 0x07FFFFFF}, /* major 3: every st form */
    {0x202000C0, 0x00000FC0}, /* j [c] */
    {0x202200C0, 0x00000FC0}, /* jl [c] */
    {0x20A80100, 0x00000FFF}, /* lp s12 */
    {0x00000000, 0x07FFFFFF}, /* major 0: b, b.d, bcc */
};
static const struct templ short_templ[] = {
    {0x781E, 0x07E0}, /* trap_s u6 (0 is a system call with random registers) */
    {0x7AE0, 0},      /* swi_s */
    {0x7FFF, 0},      /* brk_s */
    {0x79E0, 0},      /* unimp_s */
    {0x7800, 0x07FF}, /* major 0x0F: j_s, jl_s, sub_s.ne, ... */
    {0xC000, 0x3FFF}, /* major 0x18: push_s, pop_s, enter_s, leave_s, sp-relative */
    {0x4000, 0x3FFF}, /* major 0x08..0x0B: ld_s, mov_s, add_s forms */
};
#define N_LONG (sizeof long_templ / sizeof long_templ[0])
#define N_SHORT (sizeof short_templ / sizeof short_templ[0])

static u32 fill(const struct templ *t, u32 r) { return (t->base & ~t->mask) | (r & t->mask); }

/* The page, as the host regenerates it: 16-bit units in instruction order; a 32-bit
 * instruction's high half comes first (ARC's middle-endian instruction words). */
static void generate(unsigned short *hw, u32 seed)
{
    u32 s = seed;
    for (u32 i = 0; i < PAGE_SIZE / 2;) {
        u32 r = k_rand(&s), v = k_rand(&s);
        u32 w;
        switch (r % 8) {
        case 0:
        case 1:
            w = fill(&long_templ[(r >> 8) % N_LONG], v);
            break;
        case 2:
            w = fill(&short_templ[(r >> 8) % N_SHORT], v) << 16 | (k_rand(&s) & 0xFFFF);
            break;
        default:
            w = v;
            break;
        }
        hw[i++] = (unsigned short)(w >> 16);
        hw[i++] = (unsigned short)w;
    }
    /* Registers: mostly small numbers and words of the page, so that streams get past
     * their first load or store; the rest random. */
    u32 *regs = (u32 *)(hw + (REG_TABLE - STREAM_VA) / 2);
    for (u32 i = 0; i < 32; i++) {
        u32 r = k_rand(&s), v = k_rand(&s);
        regs[i] = r % 4 == 0 ? v % 64 : r % 4 == 1 ? STREAM_VA + (v % PAGE_SIZE & ~3u) : v;
    }
}

static void child(u32 seed)
{
    unsigned short *page = (unsigned short *)STREAM_VA;
    long m = sys_mmap2(page, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (m != (long)STREAM_VA)
        __syscall(SYS_exit, 101, 0, 0, 0, 0, 0);
    generate(page, seed);
    u32 n = (u32)(insn_prologue_end - insn_prologue);
    for (u32 i = 0; i < n; i++)
        ((char *)page)[i] = insn_prologue[i];
    if (sys_mprotect(page, PAGE_SIZE, PROT_READ | PROT_EXEC) != 0 ||
        k_sys(K_SYS_cacheflush, STREAM_VA, PAGE_SIZE, 0) != 0)
        __syscall(SYS_exit, 102, 0, 0, 0, 0, 0);
    ((void (*)(void))STREAM_VA)();
    __syscall(SYS_exit, 103, 0, 0, 0, 0, 0);
}

static unsigned long long now_us(void)
{
    struct k_timespec t;
    k_sys(K_SYS_clock_gettime, 1, (long)&t, 0);
    return (unsigned long long)t.sec * 1000000u + (u32)t.nsec / 1000u;
}

/* Waits for the child to be gone; kills it at the deadline. Returns 1 if it was killed. */
static int reap(long pid, int *gone)
{
    unsigned long long deadline = now_us() + INSN_TIMEOUT_US;
    static const struct k_timespec nap = {0, 200000};
    *gone = 0;
    while (now_us() < deadline) {
        if (k_sys(SYS_kill, pid, 0, 0) == -K_ESRCH) {
            *gone = 1;
            return 0;
        }
        k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
    }
    k_sys(SYS_kill, pid, 9, 0);
    for (int i = 0; i < 10000 && !*gone; i++) {
        if (k_sys(SYS_kill, pid, 0, 0) == -K_ESRCH)
            *gone = 1;
        else
            sys_sched_yield();
    }
    return 1;
}

int main(void)
{
    u32 s = INSN_SEED;
    int forked = 0, reaped = 0, killed = 0;
    for (int i = 0; i < INSN_STREAMS; i++) {
        u32 seed = k_rand(&s) | 1;
        long pid = __syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
        if (pid == 0)
            child(seed);
        if (pid < 0)
            break;
        forked++;
        int gone;
        int k = reap(pid, &gone);
        killed += k;
        reaped += gone;
        pr("STREAM %d pid=%d seed=0x%x prologue=%d killed=%d\n", i, (int)pid, seed,
           (int)(insn_prologue_end - insn_prologue), k);
    }
    KCHECK("n.insn_streams", forked == INSN_STREAMS && reaped == forked,
           "streams=%d forked=%d reaped=%d killed=%d", INSN_STREAMS, forked, reaped, killed);
    return k_failed;
}
