/*
 * MMUv3 TLB refill (TLBMissI and TLBMissD), and the TLB maintenance the Rust side asks for.
 *
 * The kernel's page-table format is the ARCv2 port's (docs/design.md): the PGD's physical
 * address in SCRATCH_DATA0, a PTE's low 7 bits laid out as PD1's C/Ux/Uw/Ur/Kx/Kw/Kr, bit 7
 * present. MMUv3 PD1 has the same permission layout and PD0 the same V (bit 9) as MMUv4,
 * so nothing is converted here either; what differs is the aux register numbers and the
 * commit, which MMUv3 does in two steps: GetIndex (the hardware picks the slot in the
 * set: the matching entry, else a free or random way) and WriteNI (write without
 * flushing the micro-TLBs, which missed anyway). The hardware has loaded TLBPD0 with the
 * missing VPN and the current ASID. Anything not present goes to the general exception
 * path. Runs with AE set and touches only untranslated kernel memory, so it cannot
 * fault; it needs no stack, so it does not switch to the kernel stack either.
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
	sr	TLB_CMD_GETINDEX, [AUX_TLBCOMMAND]
	sr	TLB_CMD_WRITENI, [AUX_TLBCOMMAND]
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

/* void arc_tlb_flush_page(u32 vpn_asid): MMUv3 has no DeleteEntry. Probe for the entry
 * of that VPN and ASID; if found, overwrite it with an invalid one. Then drop the
 * micro-TLBs, which may still hold it. Callers disable interrupts: a refill in between
 * would reuse TLBPD0/PD1/INDEX. */
	.balign 4
	.global arc_tlb_flush_page
	.type arc_tlb_flush_page, @function
arc_tlb_flush_page:
	sr	r0, [AUX_TLBPD0]
	sr	TLB_CMD_PROBE, [AUX_TLBCOMMAND]
	lr	r1, [AUX_TLBINDEX]
	bbit1	r1, TLBINDEX_LKUP_ERR_BIT, 1f
	sr	0, [AUX_TLBPD1]
	sr	0, [AUX_TLBPD0]
	sr	TLB_CMD_WRITE, [AUX_TLBCOMMAND]
1:	sr	TLB_CMD_IVUTLB, [AUX_TLBCOMMAND]
	j_s	[blink]
	.size arc_tlb_flush_page, . - arc_tlb_flush_page

/* void arc_tlb_flush_all(u32 entries): an invalid entry at every index, then the
 * micro-TLBs. */
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
	sr	TLB_CMD_IVUTLB, [AUX_TLBCOMMAND]
	j_s	[blink]
	.size arc_tlb_flush_all, . - arc_tlb_flush_all
