/*
 * ARC700 vector table and boot. Unlike ARCv2's table of addresses, each ARC700 slot is
 * 8 bytes of code: a `j` with a long immediate. Slots 0-2 are reset, memory error and
 * instruction error, 3-31 are interrupt lines (timer0 is 3), 0x20-0x3F are the other
 * exceptions (MachineCheck 0x20 ... Extension 0x26). INT_VECTOR_BASE points here.
 */
#include "aux.h"

/* A `j` to another section is always the 8-byte limm form; the size check below
 * fails the build if one is not. */
.macro SLOT target
	j	\target
.endm

	.section .vectors, "ax"
	.balign 1024
	.global __vectors
__vectors:
	SLOT	_start                  /* 0x00 reset */
	SLOT	exception_entry         /* 0x01 memory error */
	SLOT	exception_entry         /* 0x02 instruction error */
	.rept 29                        /* 0x03..0x1F: interrupt lines, all level 1 */
	SLOT	interrupt_entry
	.endr
	SLOT	exception_entry         /* 0x20 machine check */
	SLOT	tlb_refill              /* 0x21 TLBMissI */
	SLOT	tlb_refill              /* 0x22 TLBMissD */
	SLOT	exception_entry         /* 0x23 ProtV (and misaligned access) */
	SLOT	exception_entry         /* 0x24 PrivilegeV */
	SLOT	exception_entry         /* 0x25 Trap: system calls */
	SLOT	exception_entry         /* 0x26 extension instruction */
	.rept 25                        /* 0x27..0x3F reserved */
	SLOT	exception_entry
	.endr
	.global __vectors_end
__vectors_end:
	.if (__vectors_end - __vectors) != 64 * 8
	.error "ARC700 vector slots must be 8 bytes each"
	.endif

	.section .text.boot, "ax"
	.balign 4
	.global _start
	.type _start, @function
_start:
	flag	0                       /* E1 = E2 = 0: no interrupts until Rust enables them */
	mov	sp, __boot_stack_top
	mov	fp, 0
	mov	r0, __vectors
	sr	r0, [AUX_INT_VECTOR_BASE]
	/* Every line level 1: the kernel runs one interrupt level (docs/arcompact-kernel.md). */
	sr	0, [AUX_IRQ_LEV]
	sr	0, [AUX_PID]
	mov	r0, __bss_start
	mov	r1, __bss_end
1:	brhs	r0, r1, 2f
	st.ab	0, [r0, 4]
	b	1b
2:	bl	arc_c_start
	flag	1
	b	.
	.size _start, . - _start

/* void arc_exit_run(u32 status): ARCompact has no SWI, so no semihosting exit (boards
 * checks that); halt with the status left in r0 for a debugger or simulator to read. */
	.section .text, "ax"
	.balign 4
	.global arc_exit_run
	.type arc_exit_run, @function
arc_exit_run:
#ifdef BOARD_EXIT_SEMIHOSTING
#error "ARCompact has no SWI: an ARCompact board must exit by halting"
#endif
	flag	1
	nop
	nop
	b	arc_exit_run
	.size arc_exit_run, . - arc_exit_run
