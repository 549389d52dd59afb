/*
 * Vector table and boot. The table is a list of handler addresses (ARCv2), first in the
 * image at RAM_BASE, and INT_VECTOR_BASE points at it.
 */
#include "aux.h"

	.section .vectors, "ax"
	.balign 1024
	.global __vectors
__vectors:
	.word _start                 /* 0 reset */
	.word exception_entry        /* 1 memory error */
	.word exception_entry        /* 2 instruction error */
	.word exception_entry        /* 3 machine check */
	.word tlb_refill             /* 4 TLBMissI */
	.word tlb_refill             /* 5 TLBMissD */
	.word exception_entry        /* 6 ProtV */
	.word exception_entry        /* 7 PrivilegeV */
	.word exception_entry        /* 8 SWI */
#ifdef CMPXCHG_FAST_PATH
	.word trap_entry             /* 9 Trap: system calls, arc_usr_cmpxchg in assembly */
#else
	.word exception_entry        /* 9 Trap */
#endif
	.word exception_entry        /* 10 extension */
	.word exception_entry        /* 11 divide by zero */
	.word exception_entry        /* 12 DCError */
	.word exception_entry        /* 13 misaligned */
	.word exception_entry        /* 14 reserved */
	.word exception_entry        /* 15 reserved */
	.rept 48                     /* IRQ 16..63: timers 16/17, UART 24 */
	.word interrupt_entry
	.endr
	.global __vectors_end
__vectors_end:

	.section .text.boot, "ax"
	.balign 4
	.global _start
	.type _start, @function
_start:
	clri
	mov	sp, __boot_stack_top
	mov	fp, 0
	mov	r0, __vectors
	sr	r0, [AUX_INT_VECTOR_BASE]
	/* No automatic register saving on interrupts: entry.S saves everything itself. */
	sr	0, [AUX_IRQ_CTRL]
	sr	0, [AUX_IRQ_ACT]
	sr	0, [AUX_PID]
	mov	r0, __bss_start
	mov	r1, __bss_end
1:	brhs	r0, r1, 2f
	st.ab	0, [r0, 4]
	b	1b
2:	bl	arc_c_start
	/* arc_c_start does not return. */
	flag	1
	b	.
	.size _start, . - _start

/* void arc_exit_run(u32 status): semihosting exit where the board has it, else halt. */
	.section .text, "ax"
	.balign 4
	.global arc_exit_run
	.type arc_exit_run, @function
arc_exit_run:
	clri
#ifdef BOARD_EXIT_SEMIHOSTING
	mov	r8, 1
	swi
#endif
	flag	1
	nop
	nop
	b	arc_exit_run
	.size arc_exit_run, . - arc_exit_run
