//! Decoding context: the instruction word, the LIMM, the `Insn` being built and the spelling
//! sink, with the field extractors and operand helpers every format shares.

use super::sink::{Shown, Sink};
use super::{flag, AddrMode, Insn, MemSize, Op, Operand};

/// Register field value that means "a LIMM follows" in 6-bit fields.
pub(crate) const LIMM_REG: u8 = 62;

pub(crate) struct Cx<'s, S: Sink> {
    /// 32-bit forms: halfword-assembled word; 16-bit forms: the halfword in bits 15:0.
    pub w: u32,
    /// The 32 bits after the instruction (a LIMM if the form has one).
    pub limm_value: u32,
    pub insn: Insn,
    pub s: &'s mut S,
}

impl<'s, S: Sink> Cx<'s, S> {
    pub fn bits(&self, hi: u32, lo: u32) -> u32 {
        (self.w >> lo) & ((1u32 << (hi - lo + 1)) - 1)
    }
    pub fn bit(&self, n: u32) -> bool {
        (self.w >> n) & 1 != 0
    }
    /// 32-bit B field: [14:12] high, [26:24] low.
    pub fn b6(&self) -> u8 {
        ((self.bits(14, 12) << 3) | self.bits(26, 24)) as u8
    }
    pub fn c6(&self) -> u8 {
        self.bits(11, 6) as u8
    }
    pub fn a6(&self) -> u8 {
        self.bits(5, 0) as u8
    }

    pub fn name(&mut self, op: Op, name: &'static str) {
        self.insn.op = op;
        self.s.mnemonic(name);
    }
    pub fn suffix(&mut self, text: &'static str) {
        self.s.suffix(text);
    }
    pub fn show(&mut self, shown: Shown) {
        self.s.operand(shown);
    }

    /// Marks the instruction as carrying a LIMM and returns its value.
    pub fn take_limm(&mut self) -> u32 {
        if self.insn.flags & flag::LIMM == 0 {
            self.insn.flags |= flag::LIMM;
            self.insn.len += 4;
        }
        self.limm_value
    }

    /// A source register field that may hold the LIMM marker.
    pub fn src(&mut self, field: u8) -> Operand {
        if field == LIMM_REG {
            let v = self.take_limm();
            self.show(Shown::Limm(v));
            Operand::Imm(v)
        } else {
            self.show(Shown::Reg(field));
            Operand::Reg(field)
        }
    }
    /// A register operand (never a LIMM).
    pub fn reg(&mut self, r: u8) -> Operand {
        self.show(Shown::Reg(r));
        Operand::Reg(r)
    }
    /// An even/odd register pair; objdump warns (but still decodes) when `r` is odd.
    pub fn pair(&mut self, r: u8) -> Operand {
        self.show(Shown::Pair(r));
        if r & 1 != 0 {
            self.s.bad_pair();
        }
        Operand::Reg(r)
    }
    /// The discarded destination `0`.
    pub fn zero(&mut self) -> Operand {
        self.show(Shown::Zero);
        Operand::None
    }
    pub fn uimm(&mut self, v: u32) -> Operand {
        self.show(Shown::Uimm(v));
        Operand::Imm(v)
    }
    pub fn simm(&mut self, v: i32) -> Operand {
        self.show(Shown::Simm(v));
        Operand::Imm(v as u32)
    }
    pub fn pcrel(&mut self, disp: i32) {
        self.insn.disp = disp;
        self.show(Shown::Pcrel(disp));
    }
    /// An unsigned displacement that objdump prints in hex (`lp u7`).
    pub fn pcrel_hex(&mut self, disp: u32) {
        self.insn.disp = disp as i32;
        self.show(Shown::PcrelHex(disp));
    }
    pub fn open(&mut self) {
        self.show(Shown::Open);
    }
    pub fn close(&mut self) {
        self.show(Shown::Close);
    }

    pub fn set_flag(&mut self, f: u8, text: &'static str) {
        self.insn.flags |= f;
        self.suffix(text);
    }

    /// Condition suffix glued without a dot, extension conditions included (`bnj`).
    pub fn cond_glued(&mut self, cc: u8) {
        self.insn.cond = cc;
        if let Some(name) = cond_name(cc) {
            self.suffix(name);
        }
    }

    /// Condition suffix glued with a dot (`add.eq`) or without (`beq`).
    pub fn cond(&mut self, cc: u8, dotted: bool) {
        self.insn.cond = cc;
        if let Some(name) = cond_name(cc) {
            // Extension conditions keep their dot even where the standard ones are glued.
            if dotted || cc >= 0x10 {
                self.suffix(DOTTED[cc as usize]);
            } else {
                self.suffix(name);
            }
        }
    }

    pub fn mem(&mut self, size: MemSize, mode: AddrMode) {
        self.insn.size = size;
        self.insn.mode = mode;
    }
}

/// Sign-extends the low `bits` bits of `v`.
pub(crate) fn sext(v: u32, bits: u32) -> i32 {
    let shift = 32 - bits;
    ((v << shift) as i32) >> shift
}

/// Condition names objdump prints; extension values without a name print nothing.
pub(crate) fn cond_name(cc: u8) -> Option<&'static str> {
    let name = NAMES[cc as usize & 31];
    (!name.is_empty()).then_some(name)
}

const NAMES: [&str; 32] = [
    "", "eq", "ne", "p", "n", "c", "nc", "v", "nv", "gt", "ge", "lt", "le", "hi", "ls", "pnz", "",
    "", "", "", "", "nj", "", "nm", "nt", "", "", "", "", "", "", "",
];

const DOTTED: [&str; 32] = [
    "", ".eq", ".ne", ".p", ".n", ".c", ".nc", ".v", ".nv", ".gt", ".ge", ".lt", ".le", ".hi",
    ".ls", ".pnz", "", "", "", "", "", ".nj", "", ".nm", ".nt", "", "", "", "", "", "", "",
];
