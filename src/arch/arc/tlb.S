/*
 * MMUv4 TLB refill (TLBMissI and TLBMissD), and the TLB maintenance the Rust side asks for.
 *
 * The page-table format (docs/design.md) is chosen for this path: the PGD's physical
 * address is in SCRATCH_DATA0, a PTE's low 7 bits are PD1's permission bits, and bit 7
 * says present. The hardware has already loaded TLBPD0 with the missing VPN and the
 * current ASID. Anything not present goes to the general exception path, which turns
 * it into a page fault; a permission the entry lacks shows up later as ProtV.
 * Runs with AE set: it must not fault, so it touches only untranslated kernel memory.
 */
#include "aux.h"

	.section .bss
	.balign 4
tlb_scratch:
	.space 12

	.section .text, "ax"
	.balign 4
	.global tlb_refill
	.type tlb_refill, @function
tlb_refill:
	st	r0, [tlb_scratch]
	st	r1, [tlb_scratch + 4]
	st	r2, [tlb_scratch + 8]
	lr	r0, [AUX_EFA]
	lr	r1, [AUX_SCRATCH_DATA0]
	lsr	r2, r0, 21
	ld.as	r1, [r1, r2]            /* PGD word: PTE table or 0 */
	breq	r1, 0, .Lslow
	lsr	r2, r0, 13
	bmsk	r2, r2, 7
	ld.as	r1, [r1, r2]            /* PTE */
	bbit0	r1, 7, .Lslow
	and	r1, r1, 0xFFFFE07F
	sr	r1, [AUX_TLBPD1]
	lr	r0, [AUX_TLBPD0]
	bset	r0, r0, 9               /* V */
	sr	r0, [AUX_TLBPD0]
	mov	r0, TLB_CMD_INSERT
	sr	r0, [AUX_TLBCOMMAND]
	ld	r0, [tlb_scratch]
	ld	r1, [tlb_scratch + 4]
	ld	r2, [tlb_scratch + 8]
	rtie
.Lslow:
	ld	r0, [tlb_scratch]
	ld	r1, [tlb_scratch + 4]
	ld	r2, [tlb_scratch + 8]
	b	exception_entry
	.size tlb_refill, . - tlb_refill

/* void arc_tlb_flush_page(u32 pd0): DeleteEntry of the entry matching VPN|V|ASID.
 * Callers disable interrupts: a refill in between would reuse TLBPD0/PD1. */
	.balign 4
	.global arc_tlb_flush_page
	.type arc_tlb_flush_page, @function
arc_tlb_flush_page:
	sr	r0, [AUX_TLBPD0]
	mov	r1, TLB_CMD_DELETE
	sr	r1, [AUX_TLBCOMMAND]
	j_s	[blink]
	.size arc_tlb_flush_page, . - arc_tlb_flush_page

/* void arc_tlb_flush_all(u32 entries): write an invalid entry at every index. */
	.balign 4
	.global arc_tlb_flush_all
	.type arc_tlb_flush_all, @function
arc_tlb_flush_all:
	sr	0, [AUX_TLBPD0]
	sr	0, [AUX_TLBPD1]
	mov	r1, 0
	mov	r2, TLB_CMD_WRITE
1:	sr	r1, [AUX_TLBINDEX]
	sr	r2, [AUX_TLBCOMMAND]
	add	r1, r1, 1
	brlo	r1, r0, 1b
	j_s	[blink]
	.size arc_tlb_flush_all, . - arc_tlb_flush_all
