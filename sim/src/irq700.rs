//! ARC700's in-core interrupt controller and its two interrupt levels (docs/arcompact.md
//! "Interrupts"). Lines 3..=31 (0..2 are reset and the two error exceptions); each line is
//! level 1 or level 2 (AUX_IRQ_LEV), enabled by a bit of AUX_IENABLE; within a level the
//! lowest line wins. A level-1 interrupt saves PC in ILINK1 (r29), STATUS32 in STATUS32_L1
//! and BTA in BTA_L1 and sets A1; level 2 uses ILINK2 (r30), STATUS32_L2, BTA_L2 and A2.
//! Sources: Linux arch/arc (irqflags-compact.h, intc-compact.c, entry-compact.S).
//!
//! Devices drive the ARCv2 controller's lines as on the HS core; the ARC700 line of each
//! comes from that (timer0 3, timer1 4, the UART its own number), so the device and
//! timer code is shared and the ARCv2 path has no ISA test.

use crate::cpu::st;
use crate::machine::{Machine, Stop};

pub const E1: u32 = 1 << 1;
pub const E2: u32 = 1 << 2;
pub const A1: u32 = 1 << 3;
pub const A2: u32 = 1 << 4;
const ILINK1: usize = 29;
const ILINK2: usize = 30;
/// Lines that exist: 3..=31.
const LINES: u32 = 0xFFFF_FFF8;

pub const STATUS32_L1: u32 = 0x0B;
pub const STATUS32_L2: u32 = 0x0C;
pub const AUX_IRQ_LV12: u32 = 0x43;
pub const AUX_IRQ_LEV: u32 = 0x200;
pub const AUX_IRQ_HINT: u32 = 0x201;
pub const ICAUSE1: u32 = 0x40A;
pub const ICAUSE2: u32 = 0x40B;
pub const AUX_IENABLE: u32 = 0x40C;
pub const AUX_ITRIGGER: u32 = 0x40D;
pub const BTA_L1: u32 = 0x413;
pub const BTA_L2: u32 = 0x414;
pub const AUX_IPULSE: u32 = 0x415;
pub const AUX_IRQ_PENDING: u32 = 0x416;

#[derive(Clone, Debug)]
pub struct Irq700 {
    pub enable: u32,
    /// Bit n = line n is level 2.
    pub lev: u32,
    pub hint: u32,
    /// AUX_IRQ_LV12: bit 0 = a level-1, bit 1 = a level-2 interrupt was taken (sticky,
    /// write 1 to clear).
    pub lv12: u32,
    pub icause: [u32; 2],
    pub status_l: [u32; 2],
    pub bta_l: [u32; 2],
    /// Injected requests (`--irq-at N:IRQ`), pending until taken.
    pub latched: u32,
}

impl Default for Irq700 {
    fn default() -> Self {
        // Every line enabled at reset, as on the ARCv2 controller here; Linux writes
        // AUX_IENABLE and AUX_IRQ_LEV itself at boot (intc-compact.c).
        Irq700 {
            enable: LINES,
            lev: 0,
            hint: 0,
            lv12: 0,
            icause: [0; 2],
            status_l: [0; 2],
            bta_l: [0; 2],
            latched: 0,
        }
    }
}

impl Irq700 {
    /// LR of an ARC700-only interrupt register; `None` = not one.
    pub fn read_aux(&self, addr: u32, requests: u32) -> Option<u32> {
        Some(match addr {
            STATUS32_L1 => self.status_l[0],
            STATUS32_L2 => self.status_l[1],
            AUX_IRQ_LV12 => self.lv12,
            AUX_IRQ_LEV => self.lev,
            AUX_IRQ_HINT => self.hint,
            ICAUSE1 => self.icause[0],
            ICAUSE2 => self.icause[1],
            AUX_IENABLE => self.enable,
            // Every line is level triggered here (the timers and the UART hold theirs).
            AUX_ITRIGGER => 0,
            BTA_L1 => self.bta_l[0],
            BTA_L2 => self.bta_l[1],
            AUX_IRQ_PENDING => requests,
            _ => return None,
        })
    }

    /// SR; `false` = not a writable ARC700 interrupt register.
    pub fn write_aux(&mut self, addr: u32, v: u32) -> bool {
        match addr {
            STATUS32_L1 => self.status_l[0] = v,
            STATUS32_L2 => self.status_l[1] = v,
            AUX_IRQ_LV12 => self.lv12 &= !(v & 3),
            AUX_IRQ_LEV => self.lev = v & LINES,
            AUX_IRQ_HINT => self.hint = v & 0x1F,
            AUX_IENABLE => self.enable = v & LINES,
            AUX_ITRIGGER => {}
            BTA_L1 => self.bta_l[0] = v & !1,
            BTA_L2 => self.bta_l[1] = v & !1,
            AUX_IPULSE => self.latched &= !v,
            _ => return false,
        }
        true
    }
}

impl Machine {
    /// Lines requesting service (enabled or not): devices, injections and the hint.
    pub(crate) fn requests_700(&self) -> u32 {
        let line = |v2: u32, n: u32| (self.irq.pending(v2) as u32) << n;
        let hint = if self.irq700.hint >= 3 {
            1 << self.irq700.hint
        } else {
            0
        };
        line(16, 3)
            | line(17, 4)
            | line(crate::bus::UART_IRQ, crate::bus::UART_IRQ)
            | self.irq700.latched
            | hint
    }

    pub(crate) fn any_pending_700(&self) -> bool {
        self.requests_700() & self.irq700.enable != 0
    }

    /// Takes a pending interrupt if STATUS32 allows one: level 2 needs E2 and no A2,
    /// level 1 needs E1 and neither A1 nor A2; none while AE or H.
    pub(crate) fn accept_interrupt_700(&mut self) -> Result<bool, Stop> {
        let s = self.cpu.status;
        if s & (st::AE | st::H) != 0 {
            return Ok(false);
        }
        let req = self.requests_700() & self.irq700.enable;
        let l2 = req & self.irq700.lev;
        let l1 = req & !self.irq700.lev;
        let level = if l2 != 0 && s & E2 != 0 && s & A2 == 0 {
            (1, l2.trailing_zeros())
        } else if l1 != 0 && s & E1 != 0 && s & (A1 | A2) == 0 {
            (0, l1.trailing_zeros())
        } else {
            return Ok(false);
        };
        // Deferred past a delay slot, as on the HS core (ARC700 could take it and save
        // BTA in BTA_L1/L2; taking it one instruction later is equally valid).
        if s & st::DE != 0 {
            self.irq_waiting = true;
            return Ok(false);
        }
        self.enter_interrupt_700(level.0, level.1)?;
        Ok(true)
    }

    fn enter_interrupt_700(&mut self, lvl: usize, irq: u32) -> Result<(), Stop> {
        self.stats.interrupts += 1;
        *self.stats.interrupts_by_irq.entry(irq).or_default() += 1;
        self.cpu.reservation = None;
        self.sleeping = false;
        self.irq700.latched &= !(1 << irq);
        let old = self.cpu.status;
        self.irq700.status_l[lvl] = old;
        self.irq700.bta_l[lvl] = self.cpu.bta;
        self.irq700.icause[lvl] = irq;
        self.irq700.lv12 |= 1 << lvl;
        self.cpu.regs[if lvl == 0 { ILINK1 } else { ILINK2 }] = self.cpu.pc;
        // A level-1 interrupt masks level 1 (E1), a level-2 one both levels.
        let (active, masked) = if lvl == 0 { (A1, E1) } else { (A2, E1 | E2) };
        self.cpu.status = (old & !(st::U | st::DE | masked)) | active | st::L;
        self.cpu.in_slot = false;
        let from = self.cpu.pc;
        let slot = self.cpu.int_vector_base.wrapping_add(8 * irq);
        if self.bus.ram_offset(slot, 8).is_none() {
            return Err(Stop::Lockup(format!(
                "interrupt {irq}: slot {slot:#010x} is not in RAM"
            )));
        }
        self.cpu.pc = slot;
        if self.tracer.is_some() {
            self.trace_event(format_args!(
                "interrupt {irq} level {} at {from:#010x} -> {slot:08x}",
                lvl + 1
            ));
        }
        Ok(())
    }

    /// Return through ILINK1/2: STATUS32 and BTA from the level's saved copies.
    fn return_from_level(&mut self, lvl: usize) -> u32 {
        self.cpu.status = self.irq700.status_l[lvl];
        self.cpu.bta = self.irq700.bta_l[lvl];
        self.cpu.in_slot = self.cpu.status & st::DE != 0;
        self.recheck_irqs();
        self.cpu.regs[if lvl == 0 { ILINK1 } else { ILINK2 }]
    }

    /// ARC700 RTIE: the exception return while AE is set, else the return from the
    /// active level 2, else level 1, else (nothing active) the exception-style return
    /// from ERET/ERSTATUS that Linux's ARCompact entry code also relies on.
    pub(crate) fn rtie_700(&mut self) -> u32 {
        self.cpu.reservation = None;
        let s = self.cpu.status;
        if s & st::AE == 0 && s & A2 != 0 {
            return self.return_from_level(1);
        }
        if s & st::AE == 0 && s & A1 != 0 {
            return self.return_from_level(0);
        }
        self.cpu.status = self.cpu.erstatus;
        self.cpu.bta = self.cpu.erbta;
        self.cpu.in_slot = self.cpu.status & st::DE != 0;
        self.recheck_irqs();
        self.cpu.eret
    }

    /// `j.f [ilink1]` / `j.f [ilink2]` in kernel mode: the jump also restores STATUS32
    /// from STATUS32_L1/L2 (ARCompact's older interrupt return).
    pub(crate) fn jf_ilink_700(&mut self, reg: u8) -> u32 {
        let lvl = if reg == ILINK1 as u8 { 0 } else { 1 };
        self.cpu.status = self.irq700.status_l[lvl];
        self.cpu.in_slot = false;
        self.recheck_irqs();
        self.cpu.regs[reg as usize]
    }

    /// Latches an injected ARC700 line.
    pub(crate) fn latch_700(&mut self, irq: u32) {
        if (3..32).contains(&irq) {
            self.irq700.latched |= 1 << irq;
        }
    }
}
