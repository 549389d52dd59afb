/* The hardware lower bound for the report's "instructions per cmpxchg" number:
 * the compare-and-swap a core WITH LLOCK/SCOND runs (the same loop as Linux's
 * __cmpxchg on such cores), used for ITERS counter increments.
 * Bare metal, kernel mode, MMU off; runs on arcsim with `llsc: true` only.
 * This file is not a user program and is never embedded in the kernel; the
 * user programs' no-LLOCK/SCOND check does not apply to it.
 * Ends with semihosting exit (r8 = 1, r0 = status, swi): status 0 if the
 * counter is exact. */
ITERS = 1000

    .text
    .global _start
_start:
    mov     r4, counter
    mov     r5, ITERS
    .global llsc_loop_start
llsc_loop_start:
1:  ld      r2, [r4]                /* expected = current value */
    add     r3, r2, 1               /* new */
    .global llsc_cas
llsc_cas:                           /* cmpxchg(r4, r2, r3): 4 instructions when it succeeds */
2:  llock   r0, [r4]
    brne    r0, r2, 3f
    scond   r3, [r4]
    bnz     2b
    .global llsc_cas_end
llsc_cas_end:
3:  brne    r0, r2, 1b              /* lost a race: retry the increment */
    sub.f   r5, r5, 1
    bnz     1b
    .global llsc_loop_end
llsc_loop_end:
    ld      r0, [r4]
    sub     r0, r0, ITERS
    mov     r8, 1
    swi
4:  b       4b

    .data
    .align 4
counter:
    .word 0
