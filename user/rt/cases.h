/* Shared helpers of the validation programs: one arc_usr_cmpxchg call, checked
 * and reported as a CASE line (format in user/README.md). */
#ifndef CASES_H
#define CASES_H
#include "rt.h"

/* Runs cmpxchg(p, exp, nv) on a word the program knows holds `before`, with Z
 * forced to `zin` before the trap. Checks: return == before; Z set iff
 * before == exp; a plain load afterwards sees nv if swapped, else before.
 * Prints the CASE line (with `extra` appended) and returns 1 on PASS. */
static inline int cas_case(const char *id, volatile int *p, int before, int exp, int nv, int zin,
                           const char *extra)
{
    int z = -1;
    int ret = arc_cmpxchg_z(p, exp, nv, &z, zin);
    int mem = *p;
    int swap = before == exp;
    int ok = ret == before && z == swap && mem == (swap ? nv : before);
    pr("CASE %s %s addr=%p before=0x%08x exp=0x%08x new=0x%08x ret=0x%08x z=%d mem=0x%08x zin=%d%s%s\n",
       id, ok ? "PASS" : "FAIL", (void *)p, before, exp, nv, ret, z, mem, zin, extra[0] ? " " : "", extra);
    return ok;
}

/* Signal cases: announce what must happen (including `pc`: the signal must be
 * raised by the syscall, so the task stops where the call returns to), then make the call. If it returns,
 * the kernel did not raise the signal: say so and exit 1. `word` is the value
 * the kernel's TASK line must report at addr ("none" if unmapped, "any" if the
 * program cannot know it). */
static inline void expect_signal(const char *id, const char *sig, volatile int *p, const char *word,
                                 int exp, int nv)
{
    pr("CASE %s EXPECT signal=%s addr=%p word=%s pc=%p\n", id, sig, (void *)p, word, (void *)arc_cmpxchg_z_ret);
    int z = -1;
    int ret = arc_cmpxchg_z(p, exp, nv, &z, 1);
    pr("CASE %s FAIL nosignal addr=%p ret=0x%08x z=%d\n", id, (void *)p, ret, z);
    sys_exit_group(1);
}

#endif
