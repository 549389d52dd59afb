//! ARC700 (ARCompact) exception entry and RTIE. They differ from ARCv2's (trap.rs) in three
//! ways: the ECR vector numbers (machine check and the MMU/privilege/trap exceptions are
//! 0x20..0x26), the vector table holding code (the core jumps to INT_VECTOR_BASE + 8 × vector,
//! where an 8-byte `j handler` sits) rather than addresses, and no hardware stack swap: the
//! kernel switches stacks itself. Sources: Linux arch/arc/include/asm/arcregs.h
//! (`ECR_V_*` under CONFIG_ISA_ARCOMPACT), ARC700 vector files that put `j` in each slot.
//! Interrupts and RTIE are in irq700.rs.

use crate::cpu::st;
use crate::irq700::{E1, E2};
use crate::machine::{Exception, Machine, Stop};

/// ARC700's ECR vector for an exception the executor raises with its ARCv2 number.
fn vector_700(e: &Exception) -> (u8, u8) {
    match e.vector {
        1 | 2 => (e.vector, e.cause),
        3 => (0x20, e.cause),
        4 => (0x21, e.cause),
        5 => (0x22, e.cause),
        6 => (0x23, e.cause),
        7 => (0x24, e.cause),
        9 => (0x25, e.cause),
        // A misaligned data access is a Protection Violation with cause 4 on ARC700.
        Exception::MISALIGNED => (0x23, 4),
        // Extension; ARCompact code cannot raise ARCv2's SWI, DivZero or DCError.
        _ => (0x26, e.cause),
    }
}

impl Machine {
    /// ARC700 exception entry for `e` raised by the instruction at `fault_pc`; ERET ← `ret`.
    pub(crate) fn enter_exception_700(
        &mut self,
        e: Exception,
        ret: u32,
        fault_pc: u32,
    ) -> Result<(), Stop> {
        self.cpu.reservation = None;
        self.sleeping = false;
        let (mut vector, mut cause) = vector_700(&e);
        let mut param = e.param;
        if self.cpu.status & st::AE != 0 {
            // An exception inside an exception handler is a machine check (double fault).
            if self.cpu.ecr >> 16 == 0x20 {
                return Err(Stop::Lockup(format!(
                    "exception {vector:#x} at {fault_pc:#010x} inside the machine-check handler"
                )));
            }
            (vector, cause, param) = (0x20, 0, 0);
        }
        self.stats.exceptions[e.vector as usize & 15] += 1;
        let old = self.cpu.status;
        self.cpu.erstatus = old;
        self.cpu.eret = ret;
        self.cpu.erbta = self.cpu.bta;
        self.cpu.ecr = (vector as u32) << 16 | (cause as u32) << 8 | param as u32;
        self.cpu.efa = e.efa.unwrap_or(fault_pc);
        self.cpu.status = (old & !(st::U | st::DE | E1 | E2)) | st::AE | st::L;
        self.cpu.in_slot = false;
        let slot = self.cpu.int_vector_base.wrapping_add(8 * vector as u32);
        if self.bus.ram_offset(slot, 8).is_none() {
            return Err(Stop::Lockup(format!(
                "vector {vector:#x}: slot {slot:#010x} is not in RAM"
            )));
        }
        self.cpu.pc = slot;
        if self.tracer.is_some() {
            let (ecr, efa) = (self.cpu.ecr, self.cpu.efa);
            self.trace_event(format_args!(
                "exception ECR={ecr:#08x} ERET={ret:#010x} EFA={efa:#010x} -> {slot:08x}"
            ));
        }
        Ok(())
    }
}
