/* Auxiliary register numbers and STATUS32 bits used by the assembly (facts.md). */
#define AUX_STATUS32        0x0A
#define AUX_USER_SP         0x0D
#define AUX_IRQ_CTRL        0x0E
#define AUX_LP_START        0x02
#define AUX_LP_END          0x03
#define AUX_INT_VECTOR_BASE 0x25
#define AUX_IRQ_ACT         0x43
#define AUX_ERET            0x400
#define AUX_ERBTA           0x401
#define AUX_ERSTATUS        0x402
#define AUX_ECR             0x403
#define AUX_EFA             0x404
#define AUX_ICAUSE          0x40A
#define AUX_BTA             0x412
#define AUX_TLBPD0          0x460
#define AUX_TLBPD1          0x461
#define AUX_TLBINDEX        0x464
#define AUX_TLBCOMMAND      0x465
#define AUX_PID             0x468
#define AUX_SCRATCH_DATA0   0x46C

#define TLB_CMD_WRITE       1
#define TLB_CMD_INSERT      7
#define TLB_CMD_DELETE      8

#define STATUS_Z_BIT        11
#define STATUS_AE_BIT       5
#define STATUS_U_BIT        7
#define STATUS_IE_BIT       31

/* PtRegs word offsets in bytes (src/arch/mod.rs, docs/design.md). */
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
#define PT_SIZE       168

/* What the arc_usr_cmpxchg fast path (entry.S) keeps on the kernel stack. */
#define CAS_R10       0
#define CAS_R11       4
#define CAS_ERET      8
#define CAS_ERBTA     12
#define CAS_ERSTATUS  16
#define CAS_SIZE      24

/* User space is [0, TASK_SIZE) (src/mm/mod.rs). */
#define TASK_SIZE     0x60000000
#define NR_ARC_USR_CMPXCHG 248
/* trap_syscall_lean's answer when the call needs the whole frame (trap.rs). */
#define LEAN_WHOLE_FRAME   2
#define ECR_TRAP0     0x00090000

/* Switch frame (switch.S): r13..r26, fp, blink. */
#define SW_SIZE       64
