//! Core register file, STATUS32 and the core-side auxiliary registers.

/// STATUS32 bit positions (facts.md).
pub mod st {
    pub const H: u32 = 1 << 0;
    pub const E_SHIFT: u32 = 1;
    pub const E_MASK: u32 = 0xF << 1;
    pub const AE: u32 = 1 << 5;
    pub const DE: u32 = 1 << 6;
    pub const U: u32 = 1 << 7;
    pub const V: u32 = 1 << 8;
    pub const C: u32 = 1 << 9;
    pub const N: u32 = 1 << 10;
    pub const Z: u32 = 1 << 11;
    pub const L: u32 = 1 << 12;
    pub const DZ: u32 = 1 << 13;
    pub const SC: u32 = 1 << 14;
    pub const ES: u32 = 1 << 15;
    pub const RB_MASK: u32 = 7 << 16;
    pub const AD: u32 = 1 << 19;
    pub const US: u32 = 1 << 20;
    pub const IE: u32 = 1 << 31;
    pub const ZNCV: u32 = Z | N | C | V;
}

pub const SP: usize = 28;
pub const ILINK: usize = 29;
pub const FP: usize = 27;
pub const BLINK: usize = 31;
pub const ACCL: usize = 58;
pub const ACCH: usize = 59;
pub const LP_COUNT: usize = 60;
pub const PCL: usize = 63;

/// Architectural CPU state (everything but the MMU, the interrupt controller and devices).
#[derive(Clone, Debug)]
pub struct Cpu {
    /// r0–r63. r63 (PCL) is refreshed before every instruction; r62 is never read.
    pub regs: [u32; 64],
    pub pc: u32,
    /// STATUS32 with every bit, ZNCV included.
    pub status: u32,
    /// The instruction about to execute follows a `.d` branch (taken or not): branches and
    /// ENTER_S/LEAVE_S are illegal there.
    pub in_slot: bool,
    pub lp_start: u32,
    pub lp_end: u32,
    pub bta: u32,
    pub eret: u32,
    pub erbta: u32,
    pub erstatus: u32,
    pub ecr: u32,
    pub efa: u32,
    pub user_sp: u32,
    pub irq_ctrl: u32,
    pub int_vector_base: u32,
    /// STATUS32 saved by a fast (priority 0) interrupt.
    pub status32_p0: u32,
    pub jli_base: u32,
    pub ldi_base: u32,
    pub ei_base: u32,
    /// LLOCK reservation: physical address of the locked granule.
    pub reservation: Option<u32>,
}

impl Default for Cpu {
    fn default() -> Self {
        Cpu {
            regs: [0; 64],
            pc: 0,
            status: 0,
            in_slot: false,
            lp_start: 0,
            lp_end: 0,
            bta: 0,
            eret: 0,
            erbta: 0,
            erstatus: 0,
            ecr: 0,
            efa: 0,
            user_sp: 0,
            irq_ctrl: 0,
            int_vector_base: 0,
            status32_p0: 0,
            jli_base: 0,
            ldi_base: 0,
            ei_base: 0,
            reservation: None,
        }
    }
}

impl Cpu {
    #[inline(always)]
    pub fn user(&self) -> bool {
        self.status & st::U != 0
    }

    #[inline(always)]
    pub fn flag(&self, bit: u32) -> bool {
        self.status & bit != 0
    }

    #[inline(always)]
    pub fn set_flag(&mut self, bit: u32, on: bool) {
        if on {
            self.status |= bit;
        } else {
            self.status &= !bit;
        }
    }

    /// Sets Z and N from a result.
    #[inline(always)]
    pub fn set_zn(&mut self, r: u32) {
        let z = if r == 0 { st::Z } else { 0 };
        self.status = (self.status & !(st::Z | st::N)) | z | ((r >> 31) * st::N);
    }

    #[inline(always)]
    pub fn set_zncv(&mut self, r: u32, c: bool, v: bool) {
        let z = if r == 0 { st::Z } else { 0 };
        self.status = (self.status & !st::ZNCV)
            | z
            | ((r >> 31) * st::N)
            | (c as u32 * st::C)
            | (v as u32 * st::V);
    }

    /// Evaluates a condition code (0x00–0x0F). Extension codes are rejected by the caller.
    #[inline(always)]
    pub fn cond(&self, cc: u8) -> bool {
        let s = self.status;
        let z = s & st::Z != 0;
        let n = s & st::N != 0;
        let c = s & st::C != 0;
        let v = s & st::V != 0;
        match cc {
            0x00 => true,
            0x01 => z,
            0x02 => !z,
            0x03 => !n,
            0x04 => n,
            0x05 => c,
            0x06 => !c,
            0x07 => v,
            0x08 => !v,
            0x09 => !z && n == v,
            0x0A => n == v,
            0x0B => n != v,
            0x0C => z || n != v,
            0x0D => !c && !z,
            0x0E => c || z,
            0x0F => !n && !z,
            _ => false,
        }
    }

    /// Exchanges SP with AUX_USER_SP (kernel/user transitions).
    pub fn swap_sp(&mut self) {
        std::mem::swap(&mut self.regs[SP], &mut self.user_sp);
    }
}
