/*
 * ARC700 (ARCompact ISA, MMUv3) auxiliary registers and bits used by the assembly.
 * Where each number comes from: docs/arcompact-kernel.md.
 */
#define AUX_STATUS32        0x0A
#define AUX_STATUS32_L1     0x0B
#define AUX_LP_START        0x02
#define AUX_LP_END          0x03
#define AUX_INT_VECTOR_BASE 0x25
#define AUX_IRQ_LV12        0x43
#define AUX_IRQ_LEV         0x200
#define AUX_ERET            0x400
#define AUX_ERBTA           0x401
#define AUX_ERSTATUS        0x402
#define AUX_ECR             0x403
#define AUX_EFA             0x404
#define AUX_ICAUSE1         0x40A
#define AUX_IENABLE         0x40C
#define AUX_BTA_L1          0x413
#define AUX_TLBPD0          0x405
#define AUX_TLBPD1          0x406
#define AUX_TLBINDEX        0x407
#define AUX_TLBCOMMAND      0x408
#define AUX_PID             0x409
#define AUX_SCRATCH_DATA0   0x418

/* MMUv3 TLBCOMMAND values (no Insert/Delete: those are MMUv4). */
#define TLB_CMD_WRITE       1
#define TLB_CMD_GETINDEX    3
#define TLB_CMD_PROBE       4
#define TLB_CMD_WRITENI     5
#define TLB_CMD_IVUTLB      6
#define TLBINDEX_LKUP_ERR_BIT 31

#define STATUS_E1_BIT       1
#define STATUS_E2_BIT       2
#define STATUS_A1_BIT       3
#define STATUS_A2_BIT       4
#define STATUS_AE_BIT       5
#define STATUS_U_BIT        7
#define STATUS_E_MASK       0x6
#define STATUS_AE_DE        0x60     /* AE (5) | DE (6) */
#define STATUS_A1_DE        0x48     /* A1 (3) | DE (6) */
/* Bits a saved STATUS32 must not carry back into rtie: A1, A2, AE, and bit 31, which
 * is ARCv2's IE in the portable USER_INITIAL (src/arch/mod.rs) and reserved here. */
#define STATUS_NOT_RESUMABLE 0x80000038

/* ECR as ARC700 reports it, and the ARCv2 encoding PtRegs.ecr carries instead. */
#define ECR700_FIRST_EXC_VECTOR 0x20
#define ECR700_PROTV_MISALIGNED 0x2304   /* (vector << 8) | cause */
#define ECR_V2_MISALIGNED   0x000D0000
#define ECR_V2_TRAP0        0x00090000
#define ECR_IRQ_MARK        0xFFFF0000

/* PtRegs word offsets in bytes: the same frame as src/arch/arc/aux.h (src/arch/mod.rs);
 * tests/arcompact.rs checks the two headers agree. */
#define PT_R(n)       ((n) * 4)
#define PT_FP         (27 * 4)
#define PT_SP         (28 * 4)
#define PT_R30        (29 * 4)
#define PT_BLINK      (30 * 4)
#define PT_LP_COUNT   (31 * 4)
#define PT_LP_START   (32 * 4)
#define PT_LP_END     (33 * 4)
#define PT_R58        (34 * 4)
#define PT_R59        (35 * 4)
#define PT_BTA        (36 * 4)
#define PT_RET        (37 * 4)
#define PT_STATUS32   (38 * 4)
#define PT_ECR        (39 * 4)
#define PT_EFA        (40 * 4)
#define PT_PAD        (41 * 4)
#define PT_SIZE       168

/* Switch frame (src/arch/arc/switch.S, shared): r13..r26, fp, blink. */
#define SW_SIZE       64
