//! The aux registers an ARC700 core numbers differently from ARC HS: the interrupt
//! levels' (irq700.rs) and MMUv3's. MMUv3 is the MMUv4 model of mmu.rs (same PD0/PD1
//! bits, 8 KiB pages, PID, miss preloading PD0) behind other register numbers, with
//! commands 1..6 only and its own MMU_BUILD layout. Sources: Linux
//! arch/arc/include/asm/mmu.h and arcregs.h (MMUv3 branch, struct bcr_mmu_3),
//! arch/arc/mm/tlb.c and tlbex.S; binutils' ARC700 aux register names.
//! Registers not listed here keep their ARCv2 meaning (timers, ERET.., INT_VECTOR_BASE).

use crate::machine::{Exception, Machine, Trap};

pub const TLBPD0: u32 = 0x405;
pub const TLBPD1: u32 = 0x406;
pub const TLBINDEX: u32 = 0x407;
pub const TLBCOMMAND: u32 = 0x408;
pub const PID: u32 = 0x409;
pub const SCRATCH_DATA0: u32 = 0x418;
pub const MMU_BUILD: u32 = 0x6F;
const DUP_ERR: u32 = 0x8000_0001;
/// TLBIVUTLB: the last MMUv3 command (Write 1, Read 2, GetIndex 3, Probe 4, WriteNI 5).
const LAST_COMMAND: u32 = 6;

impl Machine {
    /// MMU_BUILD as `struct bcr_mmu_3` lays it out: version 3 in 31:24, log2 ways in
    /// 23:20, log2 sets in 19:16, page size code in 11:8 (2^(code-1) KiB: 4 = 8 KiB),
    /// µTLB sizes 0 (none modelled).
    fn mmu_build_v3(&self) -> u32 {
        let sets = self.cfg.tlb_sets.trailing_zeros();
        let ways = self.cfg.tlb_ways.trailing_zeros();
        3 << 24 | ways << 20 | sets << 16 | 4 << 8
    }

    /// LR of an ARC700-specific register; `None` = handled as on ARCv2.
    pub(crate) fn read_aux_700(&self, addr: u32) -> Option<u32> {
        Some(match addr {
            TLBPD0 => self.mmu.pd0,
            TLBPD1 => self.mmu.pd1,
            TLBINDEX => self.mmu.index,
            TLBCOMMAND => self.mmu.command,
            PID => self.mmu.pid,
            SCRATCH_DATA0 => self.mmu.scratch_data0,
            MMU_BUILD => self.mmu_build_v3(),
            a => return self.irq700.read_aux(a, self.requests_700()),
        })
    }

    /// SR of an ARC700-specific register; `None` = handled as on ARCv2.
    pub(crate) fn write_aux_700(&mut self, addr: u32, v: u32) -> Option<Result<(), Trap>> {
        match addr {
            TLBPD0 => self.mmu.pd0 = v,
            TLBPD1 => self.mmu.pd1 = v,
            TLBINDEX => self.mmu.index = v,
            TLBCOMMAND => {
                if v == 0 || v > LAST_COMMAND || !self.tlb_command(v) {
                    return Some(Err(Exception::INSTRUCTION_ERROR.into()));
                }
                // A Probe matching two entries reports TLB_DUP_ERR, which is LKUP_ERR | 1
                // on MMUv3 (Linux mmu.h) where the MMUv4 model sets bit 28.
                if v == 4 && self.mmu.index & crate::mmu::INDEX_MULTI != 0 {
                    self.mmu.index = DUP_ERR;
                }
            }
            PID => self.mmu.write_pid(v),
            SCRATCH_DATA0 => self.mmu.scratch_data0 = v,
            MMU_BUILD => return Some(Err(Exception::INSTRUCTION_ERROR.into())),
            a => {
                if !self.irq700.write_aux(a, v) {
                    return None;
                }
                self.recheck_irqs();
            }
        }
        Some(Ok(()))
    }
}
