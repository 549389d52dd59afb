//! Auxiliary register space (LR/SR/AEX).
//!
//! Privilege (hardware, not QEMU): user mode may read and write LP_START, LP_END,
//! JLI_BASE, LDI_BASE and EI_BASE, and may read STATUS32 (only Z, N, C, V are visible),
//! IDENTITY, PC and the build configuration registers. Every other register is
//! kernel-only: user LR/SR raise PrivilegeV. An address that is no register raises
//! Instruction Error, as does SR to a read-only register.

use crate::cpu::st;
use crate::machine::{Exception, Machine, Stop, Trap};
use crate::mmu::{self, AUX_MMU_BUILD};

pub const LP_START: u32 = 0x02;
pub const LP_END: u32 = 0x03;
pub const IDENTITY: u32 = 0x04;
pub const PC: u32 = 0x06;
pub const STATUS32: u32 = 0x0A;
pub const STATUS32_P0: u32 = 0x0B;
pub const AUX_USER_SP: u32 = 0x0D;
pub const AUX_IRQ_CTRL: u32 = 0x0E;
pub const INT_VECTOR_BASE: u32 = 0x25;
pub const JLI_BASE: u32 = 0x290;
pub const LDI_BASE: u32 = 0x291;
pub const EI_BASE: u32 = 0x292;
pub const ERET: u32 = 0x400;
pub const ERBTA: u32 = 0x401;
pub const ERSTATUS: u32 = 0x402;
pub const ECR: u32 = 0x403;
pub const EFA: u32 = 0x404;
pub const BTA: u32 = 0x412;

/// ARCVER 0x54 (HS38), ARCNUM 0, CHIPID 0xFFFF, as QEMU's archs reports.
pub const IDENTITY_VALUE: u32 = 0xFFFF_0054;
/// IDENTITY of the ARCompact core: ARCVER 0x34, "ARC 700 v4.10" in the ARCVER tables of
/// Linux and U-Boot, so ARC700 software that checks the core finds one.
pub const IDENTITY_VALUE_700: u32 = 0xFFFF_0034;
/// TIMER_BUILD: version 4, timer0, timer1 and RTC present.
pub const TIMER_BUILD: u32 = 0x704;

/// Cache maintenance registers: accepted, no effect (no caches are modelled; the decoded
/// cache is kept coherent by stores).
const CACHE_OPS: [u32; 10] = [0x10, 0x11, 0x16, 0x19, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C];

impl Machine {
    /// ISA_CONFIG: version 2, 32-bit PC/LP_COUNT/addresses, atomics and unaligned access as
    /// configured, LL64, code density, DIV/REM.
    fn isa_config(&self) -> u32 {
        let base = 0x1200_7402 | 1 << 23 | 1 << 18; // ver 2, sizes, LL64, code density, div_rem
        base | (self.cfg.llsc as u32) << 21 | (self.cfg.unaligned as u32) << 22
    }

    fn user_readable(addr: u32) -> bool {
        matches!(
            addr,
            LP_START | LP_END | STATUS32 | IDENTITY | PC | JLI_BASE | LDI_BASE | EI_BASE
        ) || (0x60..=0x7F).contains(&addr)
            || (0xC0..=0xFF).contains(&addr)
    }

    fn user_writable(addr: u32) -> bool {
        matches!(addr, LP_START | LP_END | JLI_BASE | LDI_BASE | EI_BASE)
    }

    /// Build configuration registers.
    fn bcr(&self, addr: u32) -> Option<u32> {
        Some(match addr {
            AUX_MMU_BUILD => self.mmu.build_reg(),
            0x72 => 0x0022_7104, // D_CACHE_BUILD, as QEMU (maintenance ops are no-ops)
            0x75 => TIMER_BUILD,
            0x77 => 0x0023_7204, // I_CACHE_BUILD
            0x7B => 0x0002_3006, // MULTIPLY_BUILD
            0x7C => 3,           // SWAP_BUILD
            0x7D => 3,           // NORM_BUILD
            0x7F => 0x303,       // BARREL_BUILD
            0xC1 => self.isa_config(),
            0xF3 => crate::irq::IRQ_BUILD,
            0x60..=0x7F | 0xC0..=0xFF => 0, // absent options
            _ => return None,
        })
    }

    /// LR.
    pub(crate) fn read_aux(&mut self, addr: u32) -> Result<u32, Exception> {
        let user = self.cpu.user();
        if user && !Self::user_readable(addr) {
            self.hazard("user-mode LR of a kernel-only aux register (QEMU allows it)");
            return Err(if self.aux_known(addr) {
                Exception::PRIVILEGE
            } else {
                Exception::INSTRUCTION_ERROR
            });
        }
        let v = self
            .read_aux_raw(addr)
            .ok_or(Exception::INSTRUCTION_ERROR)?;
        Ok(if user && addr == STATUS32 {
            v & st::ZNCV
        } else {
            v
        })
    }

    fn read_aux_raw(&mut self, addr: u32) -> Option<u32> {
        if self.cfg.isa == crate::decode::Isa::ArcCompact {
            if let Some(v) = self.read_aux_700(addr) {
                return Some(v);
            }
        }
        let now = self.cycles;
        let c = &self.cpu;
        Some(match addr {
            LP_START => c.lp_start,
            LP_END => c.lp_end,
            IDENTITY if self.cfg.isa == crate::decode::Isa::ArcCompact => IDENTITY_VALUE_700,
            IDENTITY => IDENTITY_VALUE,
            PC => c.pc,
            STATUS32 => c.status,
            STATUS32_P0 => c.status32_p0,
            AUX_USER_SP => c.user_sp,
            AUX_IRQ_CTRL => c.irq_ctrl,
            INT_VECTOR_BASE => c.int_vector_base,
            JLI_BASE => c.jli_base,
            LDI_BASE => c.ldi_base,
            EI_BASE => c.ei_base,
            ERET => c.eret,
            ERBTA => c.erbta,
            ERSTATUS => c.erstatus,
            ECR => c.ecr,
            EFA => c.efa,
            BTA => c.bta,
            0x21 => self.timers[0].count(now),
            0x22 => self.timers[0].control(),
            0x23 => self.timers[0].limit(),
            0x100 => self.timers[1].count(now),
            0x101 => self.timers[1].control(),
            0x102 => self.timers[1].limit(),
            0x103..=0x105 => {
                self.hazard("RTC register access (no RTC on QEMU virt; reading it aborts QEMU)");
                match addr {
                    0x103 => self.rtc.read_ctrl(),
                    0x104 => self.rtc.read_low(now),
                    _ => self.rtc.read_high(),
                }
            }
            mmu::AUX_TLBPD0 => self.mmu.pd0,
            mmu::AUX_TLBPD1 => self.mmu.pd1,
            mmu::AUX_TLBPD1HI => self.mmu.pd1hi,
            mmu::AUX_TLBINDEX => self.mmu.index,
            mmu::AUX_TLBCOMMAND => self.mmu.command,
            mmu::AUX_PID => self.mmu.pid,
            mmu::AUX_SCRATCH_DATA0 => self.mmu.scratch_data0,
            0x11 | 0x48 => 0, // IC_CTRL, DC_CTRL: enabled, no flush in progress
            a if CACHE_OPS.contains(&a) => return None,
            a => return self.irq.read_aux(a).or_else(|| self.bcr(a)),
        })
    }

    /// SR. Returns `Stop::Halt` when the write sets STATUS32.H in kernel mode.
    pub(crate) fn write_aux(&mut self, addr: u32, v: u32) -> Result<(), Trap> {
        if self.cpu.user() && !Self::user_writable(addr) {
            self.hazard("user-mode SR of a kernel-only aux register (QEMU allows it)");
            let e = if self.aux_exists_for_write(addr) {
                Exception::PRIVILEGE
            } else {
                Exception::INSTRUCTION_ERROR
            };
            return Err(e.into());
        }
        if self.cfg.isa == crate::decode::Isa::ArcCompact {
            if let Some(r) = self.write_aux_700(addr, v) {
                return r;
            }
        }
        let now = self.cycles;
        match addr {
            LP_START => self.cpu.lp_start = v & !1,
            LP_END => self.cpu.lp_end = v & !1,
            STATUS32 => return self.write_status32(v, STATUS32_SR_MASK),
            STATUS32_P0 => self.cpu.status32_p0 = v,
            AUX_USER_SP => self.cpu.user_sp = v,
            AUX_IRQ_CTRL => self.cpu.irq_ctrl = v & 0x2E1F,
            INT_VECTOR_BASE => self.cpu.int_vector_base = v & !0x3FF,
            JLI_BASE => self.cpu.jli_base = v & !3,
            LDI_BASE => self.cpu.ldi_base = v & !3,
            EI_BASE => self.cpu.ei_base = v & !3,
            ERET => self.cpu.eret = v,
            ERBTA => self.cpu.erbta = v & !1,
            ERSTATUS => self.cpu.erstatus = v,
            ECR => self.cpu.ecr = v,
            EFA => self.cpu.efa = v,
            BTA => self.cpu.bta = v & !1,
            0x21 | 0x100 => {
                let t = (addr != 0x21) as usize;
                self.timers[t].write_count(now, v);
                self.timer_changed(t);
            }
            0x22 | 0x101 => {
                let t = (addr != 0x22) as usize;
                self.timers[t].write_control(v);
                self.timer_changed(t);
            }
            0x23 | 0x102 => {
                let t = (addr != 0x23) as usize;
                self.timers[t].write_limit(v);
                self.timer_changed(t);
            }
            0x103 => {
                self.hazard("RTC register access (no RTC on QEMU virt; reading it aborts QEMU)");
                self.rtc.write_ctrl(now, v)
            }
            mmu::AUX_TLBPD0 => self.mmu.pd0 = v,
            mmu::AUX_TLBPD1 => self.mmu.pd1 = v,
            mmu::AUX_TLBPD1HI => self.mmu.pd1hi = v,
            mmu::AUX_TLBINDEX => self.mmu.index = v,
            mmu::AUX_TLBCOMMAND => self.sr_tlb_command(v)?,
            mmu::AUX_PID => self.mmu.write_pid(v),
            mmu::AUX_SCRATCH_DATA0 => self.mmu.scratch_data0 = v,
            0x10 | 0x11 | 0x16 | 0x19 | 0x47 | 0x48 | 0x49 | 0x4A | 0x4B | 0x4C => {}
            // Everything else is the interrupt controller's, or read-only, or no register.
            a => {
                if !self.irq.write_aux(a, v) {
                    if !self.aux_known(a) {
                        self.hazard("SR to an unknown aux register (QEMU aborts)");
                    }
                    return Err(Exception::INSTRUCTION_ERROR.into());
                }
                self.recheck_irqs();
            }
        }
        Ok(())
    }

    /// Whether `addr` names a register (readable or not), without side effects.
    fn aux_known(&self, addr: u32) -> bool {
        matches!(addr, IDENTITY | PC | 0x104 | 0x105 | 0x415)
            || CORE_RW.contains(&addr)
            || CACHE_OPS.contains(&addr)
            || self.irq.read_aux(addr).is_some()
            || self.bcr(addr).is_some()
    }

    fn aux_exists_for_write(&self, addr: u32) -> bool {
        match addr {
            // read-only: IDENTITY, PC, RTC counters, ICAUSE, IRQ_STATUS, IRQ_PENDING, BCRs
            IDENTITY | PC | 0x104 | 0x105 | 0x200 | 0x40A | 0x40F | 0x416 => false,
            a if self.bcr(a).is_some() => false,
            0x415 => true,
            a if CACHE_OPS.contains(&a) => true,
            a if CORE_RW.contains(&a) => true,
            a => self.irq.read_aux(a).is_some(),
        }
    }

    /// Writes STATUS32 through `mask` (kernel SR/FLAG/KFLAG). Setting H halts.
    pub(crate) fn write_status32(&mut self, v: u32, mask: u32) -> Result<(), Trap> {
        if v & st::H != 0 {
            return Err(Trap::Stop(Stop::Halt));
        }
        let mut mask = mask;
        if !self.cfg.unaligned {
            mask &= !st::AD;
        }
        self.cpu.status = (self.cpu.status & !mask) | (v & mask);
        self.recheck_irqs();
        Ok(())
    }
}

/// Kernel SR to STATUS32: everything but H (halts instead), U, L, ES, RB and SC (no
/// stack checking option).
pub const STATUS32_SR_MASK: u32 =
    st::IE | st::US | st::AD | st::DZ | st::ZNCV | st::DE | st::AE | st::E_MASK;
/// FLAG in kernel mode: Z N C V, E, DZ, AD, US.
pub const FLAG_KERNEL_MASK: u32 = st::ZNCV | st::E_MASK | st::DZ | st::AD | st::US;
/// FLAG in kernel mode on ARC700: Z N C V and the level enables E1, E2 (bits 3, 4 are
/// A1/A2 there, which only interrupt entry and return change).
pub const FLAG_700_MASK: u32 = st::ZNCV | crate::irq700::E1 | crate::irq700::E2;
/// KFLAG: FLAG's set plus AE and IE.
pub const KFLAG_MASK: u32 = FLAG_KERNEL_MASK | st::AE | st::IE;

/// Read/write core registers (the SR targets handled directly in `write_aux`).
const CORE_RW: [u32; 32] = [
    LP_START,
    LP_END,
    STATUS32,
    STATUS32_P0,
    AUX_USER_SP,
    AUX_IRQ_CTRL,
    INT_VECTOR_BASE,
    JLI_BASE,
    LDI_BASE,
    EI_BASE,
    ERET,
    ERBTA,
    ERSTATUS,
    ECR,
    EFA,
    BTA,
    0x21,
    0x22,
    0x23,
    0x100,
    0x101,
    0x102,
    0x103,
    mmu::AUX_TLBPD0,
    mmu::AUX_TLBPD1,
    mmu::AUX_TLBPD1HI,
    mmu::AUX_TLBINDEX,
    mmu::AUX_TLBCOMMAND,
    mmu::AUX_PID,
    mmu::AUX_SCRATCH_DATA0,
    0x11,
    0x48,
];
