/*
 * ARC700 exception and interrupt entry, and the one return path. Same PtRegs as the
 * ARCv2 port (src/arch/mod.rs); what the hardware does differently:
 *
 * - No stack switch: an event from user mode arrives on the user sp. The prologue frees
 *   r9 through a global (uniprocessor; events cannot nest before it is restored) and
 *   moves to `arc_entry_ksp`, the running task's empty kernel stack, which every return
 *   to user mode records (the role AUX_USER_SP plays on ARCv2).
 * - AE (and an interrupt's A1) can only be left through `rtie`: both entries "return"
 *   into their own next instruction with the kernel's STATUS32, so the handler runs
 *   outside exception/interrupt state and every way out is the exception-style rtie
 *   (ERET/ERSTATUS), whichever task takes it.
 * - ECR numbers the vectors 0x20 and up; PtRegs.ecr is rewritten into the ARCv2 encoding
 *   the portable kernel decodes (`ecr` in src/arch/mod.rs), the raw value kept in `pad`.
 */
#include "aux.h"

	.section .bss
	.balign 4
ex_saved_r9:
	.space 4
int1_saved_r9:
	.space 4
	.global arc_entry_ksp
arc_entry_ksp:
	.space 4

	.section .rodata
ecr700_to_v2:   /* ARC700 vectors 0x20.. → ARCv2 vector numbers */
	.byte 3, 4, 5, 6, 7, 9, 10      /* MachineCheck TLBMissI TLBMissD ProtV PrivilegeV Trap Extension */
	.rept 25
	.byte 14                        /* reserved */
	.endr

/* r9 = the event's STATUS32; `saved` holds the event's r9. Leaves sp at a new PtRegs
 * frame on the kernel stack with PT_SP = the event's sp, and r9 restored. */
.macro SWITCH_TO_KERNEL_FRAME saved
	bbit0	r9, STATUS_U_BIT, 1f
	ld	r9, [arc_entry_ksp]
	st	sp, [r9, PT_SP - PT_SIZE]
	sub	sp, r9, PT_SIZE
	b	2f
1:	st	sp, [sp, PT_SP - PT_SIZE]
	sub	sp, sp, PT_SIZE
2:	ld	r9, [\saved]
.endm

/* No std on ARC700: one word at a time. r58/r59 are not saved: on ARC700 they are the
 * multiplier's result registers, not general registers (their words stay 0). */
.macro SAVE_REGS
	st	r0, [sp, PT_R(0)]
	st	r1, [sp, PT_R(1)]
	st	r2, [sp, PT_R(2)]
	st	r3, [sp, PT_R(3)]
	st	r4, [sp, PT_R(4)]
	st	r5, [sp, PT_R(5)]
	st	r6, [sp, PT_R(6)]
	st	r7, [sp, PT_R(7)]
	st	r8, [sp, PT_R(8)]
	st	r9, [sp, PT_R(9)]
	st	r10, [sp, PT_R(10)]
	st	r11, [sp, PT_R(11)]
	st	r12, [sp, PT_R(12)]
	st	r13, [sp, PT_R(13)]
	st	r14, [sp, PT_R(14)]
	st	r15, [sp, PT_R(15)]
	st	r16, [sp, PT_R(16)]
	st	r17, [sp, PT_R(17)]
	st	r18, [sp, PT_R(18)]
	st	r19, [sp, PT_R(19)]
	st	r20, [sp, PT_R(20)]
	st	r21, [sp, PT_R(21)]
	st	r22, [sp, PT_R(22)]
	st	r23, [sp, PT_R(23)]
	st	r24, [sp, PT_R(24)]
	st	r25, [sp, PT_R(25)]
	st	r26, [sp, PT_R(26)]
	st	fp, [sp, PT_FP]
	st	r30, [sp, PT_R30]
	st	blink, [sp, PT_BLINK]
	mov	r0, lp_count
	st	r0, [sp, PT_LP_COUNT]
	lr	r0, [AUX_LP_START]
	st	r0, [sp, PT_LP_START]
	lr	r0, [AUX_LP_END]
	st	r0, [sp, PT_LP_END]
	st	0, [sp, PT_R58]
	st	0, [sp, PT_R59]
.endm

/* Loads into lp_count are discouraged on ARC700 (Linux entry-compact.h): go through r0. */
.macro RESTORE_REGS
	ld	r0, [sp, PT_LP_COUNT]
	mov	lp_count, r0
	ld	r0, [sp, PT_LP_START]
	sr	r0, [AUX_LP_START]
	ld	r0, [sp, PT_LP_END]
	sr	r0, [AUX_LP_END]
	ld	r30, [sp, PT_R30]
	ld	blink, [sp, PT_BLINK]
	ld	fp, [sp, PT_FP]
	ld	r26, [sp, PT_R(26)]
	ld	r25, [sp, PT_R(25)]
	ld	r24, [sp, PT_R(24)]
	ld	r23, [sp, PT_R(23)]
	ld	r22, [sp, PT_R(22)]
	ld	r21, [sp, PT_R(21)]
	ld	r20, [sp, PT_R(20)]
	ld	r19, [sp, PT_R(19)]
	ld	r18, [sp, PT_R(18)]
	ld	r17, [sp, PT_R(17)]
	ld	r16, [sp, PT_R(16)]
	ld	r15, [sp, PT_R(15)]
	ld	r14, [sp, PT_R(14)]
	ld	r13, [sp, PT_R(13)]
	ld	r12, [sp, PT_R(12)]
	ld	r11, [sp, PT_R(11)]
	ld	r10, [sp, PT_R(10)]
	ld	r9, [sp, PT_R(9)]
	ld	r8, [sp, PT_R(8)]
	ld	r7, [sp, PT_R(7)]
	ld	r6, [sp, PT_R(6)]
	ld	r5, [sp, PT_R(5)]
	ld	r4, [sp, PT_R(4)]
	ld	r3, [sp, PT_R(3)]
	ld	r2, [sp, PT_R(2)]
	ld	r1, [sp, PT_R(1)]
	ld	r0, [sp, PT_R(0)]
.endm

	.section .text, "ax"

	.balign 4
	.global exception_entry
	.type exception_entry, @function
exception_entry:
	st	r9, [ex_saved_r9]
	lr	r9, [AUX_ERSTATUS]
	SWITCH_TO_KERNEL_FRAME ex_saved_r9
	SAVE_REGS
	lr	r0, [AUX_ERET]
	st	r0, [sp, PT_RET]
	lr	r0, [AUX_ERBTA]
	st	r0, [sp, PT_BTA]
	lr	r0, [AUX_EFA]
	st	r0, [sp, PT_EFA]
	lr	r1, [AUX_ERSTATUS]
	st	r1, [sp, PT_STATUS32]
	lr	r0, [AUX_ECR]
	st	r0, [sp, PT_PAD]
	/* ProtV with cause "misaligned" is a vector of its own on ARCv2 (13, cause 0). */
	lsr	r2, r0, 8
	brne	r2, ECR700_PROTV_MISALIGNED, 1f
	mov	r0, ECR_V2_MISALIGNED
	b	2f
1:	lsr	r2, r0, 16
	brlo	r2, ECR700_FIRST_EXC_VECTOR, 2f   /* memory and instruction error: same numbers */
	ldb	r2, [r2, ecr700_to_v2 - ECR700_FIRST_EXC_VECTOR]
	bmsk	r0, r0, 15
	asl	r2, r2, 16
	or	r0, r0, r2
2:	st	r0, [sp, PT_ECR]
	/* Leave exception state (so that Rust may fault on user memory) with the interrupt
	 * enables of the interrupted context: the kernel is preemptible. L stays as the
	 * exception set it; the kernel's own `lp` clears it. */
	lr	r2, [AUX_STATUS32]
	bic	r2, r2, STATUS_AE_DE    /* DE too: a set DE would make rtie go to ERBTA */
	and	r3, r1, STATUS_E_MASK
	or	r2, r2, r3
	sr	r2, [AUX_ERSTATUS]
	mov	r2, 3f
	sr	r2, [AUX_ERET]
	rtie
3:	/* Trap with parameter 0 from user mode is a syscall. */
	brne	r0, ECR_V2_TRAP0, 4f
	bbit0	r1, STATUS_U_BIT, 4f
	mov	r0, sp
	bl	arc_trap_syscall
	b	ret_from_exception
4:	mov	r0, sp
	bl	arc_trap_exception
	b	ret_from_exception
	.size exception_entry, . - exception_entry

	.balign 4
	.global interrupt_entry
	.type interrupt_entry, @function
interrupt_entry:
	st	r9, [int1_saved_r9]
	lr	r9, [AUX_STATUS32_L1]
	SWITCH_TO_KERNEL_FRAME int1_saved_r9
	SAVE_REGS
	mov	r0, ilink1
	st	r0, [sp, PT_RET]
	lr	r0, [AUX_BTA_L1]
	st	r0, [sp, PT_BTA]
	lr	r1, [AUX_STATUS32_L1]
	st	r1, [sp, PT_STATUS32]
	lr	r2, [AUX_ICAUSE1]
	and	r2, r2, 0x1F
	or	r0, r2, ECR_IRQ_MARK
	st	r0, [sp, PT_ECR]
	st	0, [sp, PT_EFA]
	st	0, [sp, PT_PAD]
	sr	1, [AUX_IRQ_LV12]       /* clear the level-1 sticky bit */
	/* Leave interrupt state (A1) with interrupts still off: "return" to 1f. */
	lr	r0, [AUX_STATUS32]
	bic	r0, r0, STATUS_A1_DE
	sr	r0, [AUX_STATUS32_L1]
	mov	r0, 1f
	mov	ilink1, r0
	rtie
1:	mov	r0, sp
	mov	r1, r2
	bl	arc_trap_irq
	/* fall through */
	.size interrupt_entry, . - interrupt_entry

	.balign 4
	.global ret_from_exception
	.type ret_from_exception, @function
ret_from_exception:
	lr	r0, [AUX_STATUS32]
	bic	r0, r0, STATUS_E_MASK
	flag	r0
	ld	r0, [sp, PT_RET]
	sr	r0, [AUX_ERET]
	ld	r0, [sp, PT_BTA]
	sr	r0, [AUX_ERBTA]
	ld	r1, [sp, PT_STATUS32]
	bic	r1, r1, STATUS_NOT_RESUMABLE
	sr	r1, [AUX_ERSTATUS]
	bbit0	r1, STATUS_U_BIT, 1f
	/* Back to user mode: the next event from there lands on this task's kernel stack,
	 * empty once this frame is popped. */
	add	r0, sp, PT_SIZE
	st	r0, [arc_entry_ksp]
1:	RESTORE_REGS
	ld	sp, [sp, PT_SP]
	rtie
	.size ret_from_exception, . - ret_from_exception
