/* Start-up code for bare-metal test programs on an ARC700 (ARCompact) arcsim core: what
 * crt0.S does for ARC HS, in the instructions ARC700 has (no kflag, seti/clri, swi).
 * sp -> __stack_top, bss zeroed, constructors run, main(0, 0), exit(its return value).
 * Every vector slot jumps to __rt_trap, which reports ECR/ERET/EFA on the UART and exits
 * with status 128 + vector, as on HS.
 * Interrupts stay off: arcsim does not model ARC700 interrupts yet (docs/arcompact.md),
 * so there is no interrupt handler and no random-IRQ variant of the tests. */

	.section .text.start, "ax"
	.global	_start
	.type	_start, @function
_start:
	mov	sp, __stack_top
	mov	fp, 0
	mov	gp, __SDATA_BEGIN__
	mov	r0, __vectors
	sr	r0, [0x25]		; INT_VECTOR_BASE
	; zero .bss (8-byte aligned bounds, see link.ld)
	mov	r0, __bss_start
	mov	r1, __bss_end
1:	brhs	r0, r1, 2f
	st.ab	0, [r0, 4]
	b	1b
2:	bl	__rt_init
	mov	r0, 0
	mov	r1, 0
	bl	main
	bl	exit
3:	b	3b
	.size	_start, . - _start

/* void _exit(int status): semihosting exit (r8 = 1, r0 = status). ARC700 has no swi:
 * arcsim takes a kernel-mode trap0 as the semihosting call on an ARCompact core. */
	.text
	.global	_exit
	.type	_exit, @function
_exit:
	mov	r8, 1
	trap0
	; not reached on a semihosting machine; halt otherwise
	flag	1
4:	b	4b
	.size	_exit, . - _exit

/* Exception entry: report and exit. ARC700 does not switch stacks on an exception, so
 * the handler takes its own (the program's sp may be what faulted). */
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

/* ARC700 vectors are code: the core jumps to INT_VECTOR_BASE + 8 * vector, so each slot
 * is an 8-byte `j limm` (ARCv2's table holds 4-byte addresses instead). 64 slots cover
 * the exceptions (0x20..0x26 and the rest of the range) and the interrupt lines. */
	.section .vectors, "ax"
	.global	__vectors
	.align	4
__vectors:
	.rept	64
	j	__rt_trap
	.endr
