/*
 * Kernel context switch. A context is {ksp, ssp}: the ARC kernel stack pointer and the
 * wasm shadow stack pointer (the C glue saves and restores the latter). Only what the
 * ARC calling convention preserves across a call is saved: r13..r26, fp, blink.
 */
#include "aux.h"

	.section .text, "ax"

/* void __switch_to(u32 *prev_ksp, const u32 *next_ksp) */
	.balign 4
	.global __switch_to
	.type __switch_to, @function
__switch_to:
	sub	sp, sp, SW_SIZE
	st	r13, [sp, 0]
	st	r14, [sp, 4]
	st	r15, [sp, 8]
	st	r16, [sp, 12]
	st	r17, [sp, 16]
	st	r18, [sp, 20]
	st	r19, [sp, 24]
	st	r20, [sp, 28]
	st	r21, [sp, 32]
	st	r22, [sp, 36]
	st	r23, [sp, 40]
	st	r24, [sp, 44]
	st	r25, [sp, 48]
	st	r26, [sp, 52]
	st	fp, [sp, 56]
	st	blink, [sp, 60]
	st	sp, [r0]
	ld	sp, [r1]
	ld	r13, [sp, 0]
	ld	r14, [sp, 4]
	ld	r15, [sp, 8]
	ld	r16, [sp, 12]
	ld	r17, [sp, 16]
	ld	r18, [sp, 20]
	ld	r19, [sp, 24]
	ld	r20, [sp, 28]
	ld	r21, [sp, 32]
	ld	r22, [sp, 36]
	ld	r23, [sp, 40]
	ld	r24, [sp, 44]
	ld	r25, [sp, 48]
	ld	r26, [sp, 52]
	ld	fp, [sp, 56]
	ld	blink, [sp, 60]
	j.d	[blink]
	add	sp, sp, SW_SIZE
	.size __switch_to, . - __switch_to

/* Where a new task's first switch returns: its initial switch frame (arc_context_init)
 * holds the shadow stack top in the r13 slot, and PtRegs for user space sit just above. */
	.balign 4
	.global ret_from_fork
	.type ret_from_fork, @function
ret_from_fork:
	mov	r0, r13
	bl	arc_task_first_run
	b	ret_from_exception
	.size ret_from_fork, . - ret_from_fork
