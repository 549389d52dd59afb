/* Start-up code for bare-metal test programs on arcsim (and QEMU -M virt -semihosting).
 * sp -> __stack_top, bss zeroed, constructors run, main(0, 0), exit(its return value).
 * Every exception vector points at __rt_trap, which reports ECR/ERET/EFA on the UART and
 * exits with status 128 + vector. Interrupt vectors point at __rt_irq, which counts the
 * interrupt in __rt_irq_count and returns; lines 20 (priority 1, the regular path with a
 * stack frame) and 21 (priority 0, the fast path) are enabled, and interrupts are on
 * (STATUS32.IE, E = 1), so a host may inject IRQs 20/21 at random points of any program:
 * its results must not change. */

	.section .text.start, "ax"
	.global	_start
	.type	_start, @function
_start:
	mov	sp, __stack_top
	mov	fp, 0
	mov	gp, __SDATA_BEGIN__
	mov	r0, __vectors
	sr	r0, [0x25]		; INT_VECTOR_BASE
	; STATUS32.AD: alignment checks off. Only matters on a core with the unaligned-access
	; option (Config::unaligned); without it misaligned accesses fault regardless.
	flag	0x80000
	; interrupt lines 20 (priority 1) and 21 (priority 0); AUX_IRQ_CTRL = 0 (no auto-save)
	mov	r0, 20
	sr	r0, [0x40b]		; IRQ_SELECT
	mov	r0, 1
	sr	r0, [0x206]		; IRQ_PRIORITY
	sr	r0, [0x40c]		; IRQ_ENABLE
	mov	r0, 21
	sr	r0, [0x40b]
	mov	r0, 0
	sr	r0, [0x206]
	mov	r0, 1
	sr	r0, [0x40c]
	mov	r0, 0
	sr	r0, [0x0e]		; AUX_IRQ_CTRL
	; zero .bss (8-byte aligned bounds, see link.ld)
	mov	r0, __bss_start
	mov	r1, __bss_end
1:	brhs	r0, r1, 2f
	st.ab	0, [r0, 4]
	b	1b
2:	; IE = 1, E = 1, AD kept set (KFLAG writes AD too); ZNCV, AE cleared
	kflag	0x80080002
	bl	__rt_init
	mov	r0, 0
	mov	r1, 0
	bl	main
	bl	exit
3:	b	3b
	.size	_start, . - _start

/* void _exit(int status): semihosting exit (r8 = 1, r0 = status, swi). */
	.text
	.global	_exit
	.type	_exit, @function
_exit:
	mov	r8, 1
	swi
	; not reached on a semihosting machine; halt otherwise
	flag	1
4:	b	4b
	.size	_exit, . - _exit

/* Exception / interrupt entry: report and exit. */
	.global	__rt_trap
	.type	__rt_trap, @function
	.align	4
__rt_trap:
	lr	r0, [0x403]		; ECR
	lr	r1, [0x400]		; ERET
	lr	r2, [0x404]		; EFA
	mov	r3, sp
	mov	sp, __exc_stack_top
	bl	__rt_exception
5:	b	5b
	.size	__rt_trap, . - __rt_trap

/* Interrupt entry: saves what it uses (r0, r1 and the loop registers: it runs a
 * zero-overhead loop of its own), counts, restores, returns. */
	.global	__rt_irq
	.type	__rt_irq, @function
	.align	4
__rt_irq:
	st.aw	r0, [sp, -4]
	st.aw	r1, [sp, -4]
	st.aw	lp_count, [sp, -4]
	lr	r0, [0x02]		; LP_START
	st.aw	r0, [sp, -4]
	lr	r0, [0x03]		; LP_END
	st.aw	r0, [sp, -4]
	mov	r0, 0
	mov	lp_count, 3
	lp	6f
	add	r0, r0, 1
6:	ld	r1, [__rt_irq_count]
	add	r1, r1, r0		; + 3
	sub	r1, r1, 2		; net + 1
	st	r1, [__rt_irq_count]
	ld.ab	r0, [sp, 4]
	sr	r0, [0x03]
	ld.ab	r0, [sp, 4]
	sr	r0, [0x02]
	ld.ab	r0, [sp, 4]
	mov	lp_count, r0
	ld.ab	r1, [sp, 4]
	ld.ab	r0, [sp, 4]
	rtie
	.size	__rt_irq, . - __rt_irq

	.bss
	.global	__rt_irq_count
	.align	4
__rt_irq_count:
	.word	0

	.section .vectors, "a"
	.global	__vectors
	.align	4
__vectors:
	.rept	16
	.word	__rt_trap
	.endr
	.rept	240
	.word	__rt_irq
	.endr
