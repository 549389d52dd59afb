/* Start-up for the ARC700 test programs: a stack, main(), then the semihosting exit
   (ARC700 has no swi; arcsim takes a kernel-mode trap0 with r8 = 1 as exit(r0)). */
	.text
	.global _start
_start:
	mov	sp, 0x80100000
	mov	gp, __SDATA_BEGIN__
	bl	main
	mov	r8, 1
	trap0
1:	b	1b
