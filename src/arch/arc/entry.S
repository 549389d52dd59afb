/*
 * Exception and interrupt entry and the one return path (docs/design.md, "PtRegs").
 *
 * Exceptions push nothing and set AE; interrupts push PC and STATUS32 (AUX_IRQ_CTRL = 0)
 * and set a bit in AUX_IRQ_ACT. Both become the same PtRegs on the current kernel stack
 * (the hardware already swapped in the kernel sp if the event came from user mode), and
 * both leave through the exception return of `rtie`: interrupt entry clears AUX_IRQ_ACT
 * so that a task switched out inside an interrupt can be resumed by any path.
 */
#include "aux.h"

/* Everything GCC may clobber across a call: what every entry saves. r0..r13 go in
 * pairs with std (r13 rides along with r12). */
.macro SAVE_CALLER_REGS
	std	r0, [sp, PT_R(0)]
	std	r2, [sp, PT_R(2)]
	std	r4, [sp, PT_R(4)]
	std	r6, [sp, PT_R(6)]
	std	r8, [sp, PT_R(8)]
	std	r10, [sp, PT_R(10)]
	std	r12, [sp, PT_R(12)]
	st	r30, [sp, PT_R30]
	st	blink, [sp, PT_BLINK]
	mov	r0, lp_count
	st	r0, [sp, PT_LP_COUNT]
	lr	r0, [AUX_LP_START]
	st	r0, [sp, PT_LP_START]
	lr	r0, [AUX_LP_END]
	st	r0, [sp, PT_LP_END]
	st	r58, [sp, PT_R58]
	st	r59, [sp, PT_R59]
.endm

/* The callee-saved registers (r14..r26, fp). Compiled code keeps them, so a syscall
 * needs them in the frame only when the kernel reads or writes them there: clone,
 * rt_sigreturn, arc_settls, and signal delivery on the way back (Linux's
 * SAVE_CALLEE_SAVED_USER). Every other entry saves them at once. */
.macro SAVE_CALLEE_REGS
	std	r14, [sp, PT_R(14)]
	std	r16, [sp, PT_R(16)]
	std	r18, [sp, PT_R(18)]
	std	r20, [sp, PT_R(20)]
	std	r22, [sp, PT_R(22)]
	std	r24, [sp, PT_R(24)]
	std	r26, [sp, PT_R(26)]     /* r26 (gp) and r27 (fp) */
.endm

.macro SAVE_REGS
	SAVE_CALLER_REGS
	SAVE_CALLEE_REGS
.endm

.macro RESTORE_CALLER_REGS
	ld	r0, [sp, PT_LP_COUNT]
	mov	lp_count, r0
	ld	r0, [sp, PT_LP_START]
	sr	r0, [AUX_LP_START]
	ld	r0, [sp, PT_LP_END]
	sr	r0, [AUX_LP_END]
	ld	r58, [sp, PT_R58]
	ld	r59, [sp, PT_R59]
	ld	r30, [sp, PT_R30]
	ld	blink, [sp, PT_BLINK]
	ldd	r12, [sp, PT_R(12)]
	ldd	r10, [sp, PT_R(10)]
	ldd	r8, [sp, PT_R(8)]
	ldd	r6, [sp, PT_R(6)]
	ldd	r4, [sp, PT_R(4)]
	ldd	r2, [sp, PT_R(2)]
	ldd	r0, [sp, PT_R(0)]
.endm

.macro RESTORE_REGS
	ldd	r26, [sp, PT_R(26)]
	ldd	r24, [sp, PT_R(24)]
	ldd	r22, [sp, PT_R(22)]
	ldd	r20, [sp, PT_R(20)]
	ldd	r18, [sp, PT_R(18)]
	ldd	r16, [sp, PT_R(16)]
	ldd	r14, [sp, PT_R(14)]
	RESTORE_CALLER_REGS
.endm

/* r1 = the event's STATUS32: store the sp it had (user sp parked in AUX_USER_SP by the
 * hardware swap, or the kernel sp just above this frame). Clobbers r0. */
.macro SAVE_EVENT_SP
	lr	r0, [AUX_USER_SP]
	bbit1	r1, STATUS_U_BIT, 1f
	add	r0, sp, PT_SIZE
1:	st	r0, [sp, PT_SP]
.endm

/* The frame's resume PC, BTA and STATUS32 into the exception return registers; r1 =
 * that STATUS32. Clobbers r0. */
.macro RESTORE_EXCEPTION_REGS
	ld	r0, [sp, PT_RET]
	sr	r0, [AUX_ERET]
	ld	r0, [sp, PT_BTA]
	sr	r0, [AUX_ERBTA]
	ld	r1, [sp, PT_STATUS32]
	sr	r1, [AUX_ERSTATUS]
.endm

/* The fast path's saved ERET/ERBTA back into the aux registers (clobbers r10). */
.macro CAS_RESTORE_ERET
	ld	r10, [sp, CAS_ERET]
	sr	r10, [AUX_ERET]
	ld	r10, [sp, CAS_ERBTA]
	sr	r10, [AUX_ERBTA]
.endm

	.section .text, "ax"

#ifdef CMPXCHG_FAST_PATH
	/*
	 * arc_usr_cmpxchg (trap_s 0, r8 = 248, r0 = uaddr, r1 = expected, r2 = new) in
	 * assembly when the word is mapped and writable. Interrupts stay off from the trap to
	 * the rtie, which on this uniprocessor is what preempt_disable() buys the Rust body:
	 * nothing runs between the load and the store. AE is cleared so that a TLB miss on the
	 * word is refilled; any other fault on it is not resolved here (the kernel takes the
	 * exception-table fixup, arch_fault_must_not_resolve), and the call starts again on
	 * the Rust path, which faults the page in with preemption on and retries (src/cmpxchg.rs).
	 * A bad pointer also goes to the Rust path, which raises the signal.
	 * trap_entry, below, comes here only when r8 is 248.
	 */
	.balign 4
	.type arc_cas_fast, @function
arc_cas_fast:
	sub	sp, sp, CAS_SIZE
	st	r10, [sp, CAS_R10]
	st	r11, [sp, CAS_R11]
	lr	r10, [AUX_ECR]             /* trap_s 0: the parameter must be 0 */
	brne	r10, ECR_TRAP0, .Lcas_decline
	lr	r10, [AUX_ERSTATUS]
	bbit0	r10, STATUS_U_BIT, .Lcas_decline
	and	r11, r0, 3
	brne	r11, 0, .Lcas_decline
	brhs	r0, TASK_SIZE - 3, .Lcas_decline
	/* A refill on the way overwrites the exception registers: keep the trap's. */
	st	r10, [sp, CAS_ERSTATUS]
	lr	r11, [AUX_ERET]
	st	r11, [sp, CAS_ERET]
	lr	r11, [AUX_ERBTA]
	st	r11, [sp, CAS_ERBTA]
	lr	r11, [AUX_STATUS32]
	bclr	r11, r11, STATUS_AE_BIT
	kflag	r11
	.global arc_cas_user_load
arc_cas_user_load:
	ld	r11, [r0]
	brne	r11, r1, .Lcas_differ
	.global arc_cas_user_store
arc_cas_user_store:
	st	r2, [r0]
	bset	r10, r10, STATUS_Z_BIT
	b	.Lcas_return
.Lcas_differ:
	bclr	r10, r10, STATUS_Z_BIT
.Lcas_return:
	sr	r10, [AUX_ERSTATUS]
	CAS_RESTORE_ERET
	mov	r0, r11
	ld	r11, [sp, CAS_R11]
	ld	r10, [sp, CAS_R10]
	/* The kernel sp is back at the task's empty stack, which rtie swaps with the
	 * user sp still parked in AUX_USER_SP. */
	add	sp, sp, CAS_SIZE
	rtie

	/* Fixup of both accesses: the word was not swapped. Put the trap's exception
	 * registers back (ECR too: the fault replaced it) and take the ordinary path. */
.Lcas_fault:
	ld	r10, [sp, CAS_ERSTATUS]
	sr	r10, [AUX_ERSTATUS]
	CAS_RESTORE_ERET
	mov	r10, ECR_TRAP0
	sr	r10, [AUX_ECR]
.Lcas_decline:
	ld	r11, [sp, CAS_R11]
	ld	r10, [sp, CAS_R10]
	add	sp, sp, CAS_SIZE
	b	exception_entry
	.size arc_cas_fast, . - arc_cas_fast

	.section __ex_table, "a"
	.balign 4
	.word arc_cas_user_load, .Lcas_fault
	.word arc_cas_user_store, .Lcas_fault
	.previous

	/* The Trap vector (9): system calls. Every other exception goes straight to
	 * exception_entry and pays nothing for the fast path; other calls pay one
	 * compare, then fall through into exception_entry. */
	.balign 4
	.global trap_entry
	.type trap_entry, @function
trap_entry:
	breq	r8, NR_ARC_USR_CMPXCHG, arc_cas_fast
	.size trap_entry, . - trap_entry
#endif

	.global exception_entry
	.type exception_entry, @function
exception_entry:
	sub	sp, sp, PT_SIZE
	SAVE_CALLER_REGS
	lr	r0, [AUX_ERET]
	st	r0, [sp, PT_RET]
	lr	r0, [AUX_ERBTA]
	st	r0, [sp, PT_BTA]
	lr	r3, [AUX_ECR]
	st	r3, [sp, PT_ECR]
	lr	r0, [AUX_EFA]
	st	r0, [sp, PT_EFA]
	lr	r1, [AUX_ERSTATUS]
	st	r1, [sp, PT_STATUS32]
	SAVE_EVENT_SP
	/* Leave exception state (AE) so that Rust may fault on user memory, and take
	 * interrupts again if the interrupted context did: the kernel is preemptible. */
	lr	r0, [AUX_STATUS32]
	/* Clear AE, L (zero-overhead loops on for kernel code), IE and E[3:0]; then IE
	 * and E[3:0] of the interrupted context. */
	bic	r0, r0, (1 << STATUS_IE_BIT) | (1 << 12) | (1 << STATUS_AE_BIT) | 0x1E
	and	r2, r1, 0x8000001E
	or	r0, r0, r2
	kflag	r0
	/* Trap with parameter 0 from user mode is a syscall. */
	brne	r3, ECR_TRAP0, .Lexception
	bbit0	r1, STATUS_U_BIT, .Lexception
	/* wasm2c's export of trap.rs's trap_syscall_lean(regs, nr), called directly (no C
	 * glue: getpid -3). r1 = the user's r0; r0 = 0 done, 1 work on the way back,
	 * LEAN_WHOLE_FRAME the call needs the whole frame and did not run. */
	mov	r2, r8
	mov	r1, sp
	mov	r0, kern
	bl	Z_kernZ_trap_syscall_lean
	st	r1, [sp, PT_R(0)]
	brne	r0, 0, .Lsyscall_more
	b	ret_to_user_lean
	/* Work on the way back (a signal, a kill, a reschedule), or a call that reads or
	 * writes the callee-saved registers in the frame (clone, rt_sigreturn,
	 * arc_settls): complete the frame. Those registers still hold the user's values,
	 * as compiled code keeps them. */
.Lsyscall_more:
	SAVE_CALLEE_REGS
	breq	r0, LEAN_WHOLE_FRAME, .Lsyscall_whole_frame
	mov	r0, sp
	bl	arc_trap_user_work
	b	ret_from_exception
.Lsyscall_whole_frame:
	mov	r0, sp
	bl	arc_trap_syscall
	b	ret_from_exception
.Lexception:
	SAVE_CALLEE_REGS
	mov	r0, sp
	bl	arc_trap_exception
	b	ret_from_exception
	.size exception_entry, . - exception_entry

	/* A syscall's return whose frame lacks the callee-saved registers: they are
	 * live in the registers. Only user mode comes here. */
	.balign 4
	.type ret_to_user_lean, @function
ret_to_user_lean:
	clri
	RESTORE_EXCEPTION_REGS
	ld	r0, [sp, PT_SP]
	sr	r0, [AUX_USER_SP]
	RESTORE_CALLER_REGS
	add	sp, sp, PT_SIZE
	rtie
	.size ret_to_user_lean, . - ret_to_user_lean

	.balign 4
	.global interrupt_entry
	.type interrupt_entry, @function
interrupt_entry:
	clri
	/* The hardware pushed PC then STATUS32: they are the frame's last two words. */
	sub	sp, sp, PT_SIZE - 8
	SAVE_REGS
	ld	r0, [sp, PT_SIZE - 8]
	st	r0, [sp, PT_RET]
	ld	r1, [sp, PT_SIZE - 4]
	st	r1, [sp, PT_STATUS32]
	lr	r0, [AUX_BTA]
	st	r0, [sp, PT_BTA]
	SAVE_EVENT_SP
	lr	r2, [AUX_ICAUSE]        /* valid only while AUX_IRQ_ACT is set */
	or	r0, r2, 0xFFFF0000
	st	r0, [sp, PT_ECR]
	st	0, [sp, PT_EFA]
	sr	0, [AUX_IRQ_ACT]
	mov	r0, sp
	mov	r1, r2
	bl	arc_trap_irq
	/* fall through */
	.size interrupt_entry, . - interrupt_entry

	.balign 4
	.global ret_from_exception
	.type ret_from_exception, @function
ret_from_exception:
	clri
	RESTORE_EXCEPTION_REGS
	bbit0	r1, STATUS_U_BIT, 1f
	/* rtie swaps: the user sp comes out of AUX_USER_SP, this task's empty kernel
	 * stack (sp after the frame is popped) goes in for the next entry. */
	ld	r0, [sp, PT_SP]
	sr	r0, [AUX_USER_SP]
1:	RESTORE_REGS
	add	sp, sp, PT_SIZE
	rtie
	.size ret_from_exception, . - ret_from_exception
