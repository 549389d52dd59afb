//! Pre-resolved forms of the most frequent instructions: what the dispatch loop runs
//! without going through the generic executor. An instruction is lowered once, when it is
//! decoded into the cache; everything the generic executor would re-check each time and
//! that cannot differ between executions (operand kinds, condition "always", no `.d`, no
//! flag update unless the kind says so) is settled here. Anything else is `GENERIC`, and
//! `exec.rs` stays the one definition of every instruction: each kind below must do
//! exactly what `Machine::execute` does for the instructions lowered to it (the engine
//! tests compare both paths on the same programs).

use crate::decode::{flag, AddrMode, Insn, MemSize, Op, Operand};

/// `Uop::kind` values.
pub(crate) mod k {
    pub const GENERIC: u8 = 0;
    pub const NOP: u8 = 1;
    pub const MOV_R: u8 = 2;
    pub const MOV_I: u8 = 3;
    // a ← b op c, c a register (`_RR`) or an immediate (`_RI`), no flags.
    pub const ADD_RR: u8 = 4;
    pub const ADD_RI: u8 = 5;
    pub const SUB_RR: u8 = 6;
    pub const SUB_RI: u8 = 7;
    pub const AND_RR: u8 = 8;
    pub const AND_RI: u8 = 9;
    pub const OR_RR: u8 = 10;
    pub const OR_RI: u8 = 11;
    pub const XOR_RR: u8 = 12;
    pub const XOR_RI: u8 = 13;
    pub const BIC_RR: u8 = 14;
    pub const BIC_RI: u8 = 15;
    pub const ASL_RR: u8 = 16;
    pub const ASL_RI: u8 = 17;
    pub const LSR_RR: u8 = 18;
    pub const LSR_RI: u8 = 19;
    pub const ASR_RR: u8 = 20;
    pub const ASR_RI: u8 = 21;
    pub const MPY_RR: u8 = 22;
    pub const MPY_RI: u8 = 23;
    pub const ADD1_RR: u8 = 24;
    pub const ADD1_RI: u8 = 25;
    pub const ADD2_RR: u8 = 26;
    pub const ADD2_RI: u8 = 27;
    pub const ADD3_RR: u8 = 28;
    pub const ADD3_RI: u8 = 29;
    // With the Z, N, C, V update.
    pub const ADDF_RR: u8 = 30;
    pub const ADDF_RI: u8 = 31;
    pub const SUBF_RR: u8 = 32;
    pub const SUBF_RI: u8 = 33;
    pub const CMP_RR: u8 = 34;
    pub const CMP_RI: u8 = 35;
    pub const TST_RR: u8 = 36;
    pub const TST_RI: u8 = 37;
    // a ← f(b), b a register.
    pub const EXTB: u8 = 38;
    pub const EXTH: u8 = 39;
    pub const SEXB: u8 = 40;
    pub const SEXH: u8 = 41;
    // Loads and stores of a word, a halfword (`_X`: sign-extended) and a byte: base
    // register `b`, offset register `c` or (`BIT_C_IMM`) `imm2`, scaled by `size`
    // (a shift); the address is `b` + offset or, with `BIT_POST`, `b`; `BIT_WB` writes
    // `b` + offset back to `b`. Loads go to `a`; stores take register `a` or (`BIT_A_IMM`)
    // `imm`. One kind per size, so the dispatch picks the accessor.
    pub const LD_W: u8 = 42;
    pub const LD_H: u8 = 43;
    pub const LD_HX: u8 = 44;
    pub const LD_B: u8 = 45;
    pub const LD_BX: u8 = 46;
    pub const ST_W: u8 = 47;
    pub const ST_H: u8 = 48;
    pub const ST_B: u8 = 49;
    /// `b<cc>` without `.d` (cc 0x00–0x0F): target PCL + imm.
    pub const BCC: u8 = 50;
    /// `bl` without `.d`, unconditional.
    pub const BL: u8 = 51;
    /// `br<cc>`/`bbit` without `.d`: `size` says which comparison; c register or
    /// (`BIT_C_IMM`) `imm2`.
    pub const BRCC: u8 = 52;
    /// `lr a,[imm]` of a resolved register (`size`: its `xa` code, `imm`: its number).
    /// LR has no side effect on these registers, so it runs on the fast side.
    pub const LR_AUX: u8 = 53;
    /// `sr b,[imm2]` (b register or `BIT_B_IMM` `imm`) of a resolved register that is a
    /// plain field: no effect on translation, privilege or interrupts.
    pub const SR_AUX: u8 = 54;
    /// `sr b,[imm2]` to TLBCommand or PID (`size`), operands as `SR_AUX`: it changes
    /// translation, so the block goes on after it only in untranslated kernel code.
    pub const SR_MMU: u8 = 55;
    /// `rtie`: a step of the slow side (`Done::Rtie`), which may change privilege, the
    /// loop registers and the interrupt state, but its own one: every TLB refill ends
    /// with it.
    pub const RTIE: u8 = 56;
    /// Every kind is below this: `Uop::pack` checks it, and the dispatch loop relies on it.
    pub const COUNT: u8 = 57;
}

/// `Uop::mode` values of instructions with a lowered form for the slow side: LR and SR
/// go to the slow side of the dispatch loop, like everything generic (they may change
/// anything: privilege, MMU, loop registers, interrupts), but skip the generic
/// executor's dispatch. (LR/SR of the plain registers of `xa` are on the fast side, as
/// `k::LR_AUX`/`k::SR_AUX`; in a delay slot they run through the generic executor.)
pub(crate) mod aux {
    /// `lr a,[b]`: the aux number in register `b` or (`BIT_B_IMM`) `imm`.
    pub const LR: u8 = 1;
    /// `sr b,[c]`: the value in register `b` or (`BIT_B_IMM`) `imm`, the aux number in
    /// register `c` or (`BIT_C_IMM`) `imm2`.
    pub const SR: u8 = 2;
}

/// `Uop::size` of an LR or SR whose aux register number is an immediate: the register,
/// resolved once when lowering instead of by a match on its number on every execution.
/// These are the registers a TLB refill and an exception handler use, plain fields
/// without side effects apart from TLBCommand and PID. `OTHER`: any other register, or
/// a number in a core register (`Machine::read_aux`/`write_aux` decide).
pub(crate) mod xa {
    pub const OTHER: u8 = 0;
    pub const ERET: u8 = 1;
    pub const ERBTA: u8 = 2;
    pub const ERSTATUS: u8 = 3;
    pub const ECR: u8 = 4;
    pub const EFA: u8 = 5;
    pub const TLBPD0: u8 = 6;
    pub const TLBPD1: u8 = 7;
    pub const TLBINDEX: u8 = 8;
    /// LR reads the last command; SR runs one (and may raise Instruction Error).
    pub const TLBCOMMAND: u8 = 9;
    pub const PID: u8 = 10;
    pub const SCRATCH_DATA0: u8 = 11;

    /// The `xa` code of ARCv2 aux register `n` (the ARC700 numbers the MMU registers
    /// differently: the engine takes these forms on an ARCv2 core only).
    pub fn of(n: u32) -> u8 {
        use crate::{aux, mmu};
        match n {
            aux::ERET => ERET,
            aux::ERBTA => ERBTA,
            aux::ERSTATUS => ERSTATUS,
            aux::ECR => ECR,
            aux::EFA => EFA,
            mmu::AUX_TLBPD0 => TLBPD0,
            mmu::AUX_TLBPD1 => TLBPD1,
            mmu::AUX_TLBINDEX => TLBINDEX,
            mmu::AUX_TLBCOMMAND => TLBCOMMAND,
            mmu::AUX_PID => PID,
            mmu::AUX_SCRATCH_DATA0 => SCRATCH_DATA0,
            _ => OTHER,
        }
    }
}

/// BRCC comparisons (`Uop::size`).
pub(crate) mod br {
    pub const EQ: u8 = 0;
    pub const NE: u8 = 1;
    pub const LT: u8 = 2;
    pub const GE: u8 = 3;
    pub const LO: u8 = 4;
    pub const HS: u8 = 5;
    pub const BIT0: u8 = 6;
    pub const BIT1: u8 = 7;
}

/// A lowered instruction (16 bytes; `Copy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Uop {
    pub kind: u8,
    pub len: u8,
    pub a: u8,
    pub b: u8,
    pub c: u8,
    /// Loads/stores: the offset's scale (a shift). BCC: condition code. BRCC: a `br::` comparison.
    /// LR/SR: an `xa::` register.
    pub size: u8,
    /// GENERIC: an `aux::` lowered form, or 0.
    pub mode: u8,
    /// `BIT_*` flags: which operands are immediates, `.x` of loads.
    pub bits: u8,
    /// The immediate `c` (ALU, MOV), the PC-relative displacement (branches), the store
    /// data (`BIT_A_IMM`), the LR/SR operand `b` (`BIT_B_IMM`).
    pub imm: u32,
    /// The immediate offset of loads/stores, the second operand of BRCC, the aux number
    /// of SR (`BIT_C_IMM`).
    pub imm2: u32,
}

/// `Uop::bits`: operand `c` is `imm2`.
pub(crate) const BIT_C_IMM: u8 = 1;
/// `Uop::bits`: a load or store writes its computed address back to `b` (`.a`, `.ab`).
pub(crate) const BIT_WB: u8 = 2;
/// `Uop::bits`: operand `a` (store data) is `imm`.
pub(crate) const BIT_A_IMM: u8 = 4;
/// `Uop::bits`: operand `b` (LR/SR) is `imm`.
pub(crate) const BIT_B_IMM: u8 = 8;
/// `Uop::bits`: a load or store accesses `b` itself, before the write-back (`.ab`).
pub(crate) const BIT_POST: u8 = 16;

impl Uop {
    pub(crate) fn generic(i: &Insn) -> Uop {
        Uop {
            kind: k::GENERIC,
            len: i.len,
            ..Uop::default()
        }
    }
}

/// A core register a fast path may read or write like `Machine::val`/`set` do.
fn reg(o: Operand) -> Option<u8> {
    match o {
        Operand::Reg(r) => Some(r & 63),
        _ => None,
    }
}

/// The lowered form of `i`.
pub(crate) fn lower(i: &Insn) -> Uop {
    let g = Uop::generic(i);
    // PCL (r63) is only kept current on the generic path (`step_at`): the fast side
    // does not write it for every instruction, so an instruction naming it is not lowered.
    let pcl = |o: Operand| o == Operand::Reg(63);
    if i.has(flag::D) || pcl(i.a) || pcl(i.b) || pcl(i.c) {
        return g;
    }
    let f = i.has(flag::F);
    let mut u = g;
    match i.op {
        Op::B => {
            if i.cond >= 0x10 {
                return g;
            }
            u.kind = k::BCC;
            u.size = i.cond;
            u.imm = i.disp as u32;
            return u;
        }
        Op::Bl if i.cond == 0 => {
            u.kind = k::BL;
            u.imm = i.disp as u32;
            return u;
        }
        _ => {}
    }
    if i.cond != 0 {
        return g;
    }
    match i.op {
        Op::Rtie => {
            u.kind = k::RTIE;
            return u;
        }
        Op::Nop => {
            u.kind = k::NOP;
            return u;
        }
        Op::Breq | Op::Brne | Op::Brlt | Op::Brge | Op::Brlo | Op::Brhs | Op::Bbit0 | Op::Bbit1 => {
            let Some(b) = reg(i.b) else { return g };
            match i.c {
                Operand::Reg(c) => u.c = c & 63,
                Operand::Imm(v) => {
                    u.bits = BIT_C_IMM;
                    u.imm2 = v;
                }
                Operand::None => return g,
            }
            u.kind = k::BRCC;
            u.b = b;
            u.size = match i.op {
                Op::Breq => br::EQ,
                Op::Brne => br::NE,
                Op::Brlt => br::LT,
                Op::Brge => br::GE,
                Op::Brlo => br::LO,
                Op::Brhs => br::HS,
                Op::Bbit0 => br::BIT0,
                _ => br::BIT1,
            };
            u.imm = i.disp as u32;
            return u;
        }
        Op::Lr | Op::Sr => {
            if i.op == Op::Lr {
                let Some(a) = reg(i.a) else { return g };
                u.a = a;
            }
            match i.b {
                Operand::Reg(b) => u.b = b & 63,
                Operand::Imm(v) => {
                    u.bits |= BIT_B_IMM;
                    u.imm = v;
                    if i.op == Op::Lr {
                        u.size = xa::of(v);
                    }
                }
                Operand::None => return g,
            }
            if i.op == Op::Sr {
                match i.c {
                    Operand::Reg(c) => u.c = c & 63,
                    Operand::Imm(v) => {
                        u.bits |= BIT_C_IMM;
                        u.imm2 = v;
                        u.size = xa::of(v);
                    }
                    Operand::None => return g,
                }
            }
            u.mode = if i.op == Op::Lr { aux::LR } else { aux::SR };
            u.kind = match (i.op, u.size) {
                (_, xa::OTHER) => k::GENERIC,
                (Op::Sr, xa::TLBCOMMAND | xa::PID) => k::SR_MMU,
                (Op::Lr, _) => k::LR_AUX,
                _ => k::SR_AUX,
            };
            return u;
        }
        Op::Ld | Op::St => {
            let size = match i.size {
                MemSize::Byte => 1,
                MemSize::Half => 2,
                MemSize::Word => 4,
                MemSize::Double => return g,
            };
            let Some(b) = reg(i.b) else { return g };
            match i.c {
                Operand::Reg(c) => u.c = c & 63,
                Operand::Imm(v) => {
                    u.bits |= BIT_C_IMM;
                    u.imm2 = v;
                }
                Operand::None => return g,
            }
            match (i.op, i.a) {
                (_, Operand::Reg(a)) => u.a = a & 63,
                (Op::St, Operand::Imm(v)) => {
                    u.bits |= BIT_A_IMM;
                    u.imm = v;
                }
                _ => return g,
            }
            let x = i.has(flag::X);
            u.kind = match (i.op, size, x) {
                (Op::Ld, 4, _) => k::LD_W,
                (Op::Ld, 2, false) => k::LD_H,
                (Op::Ld, 2, true) => k::LD_HX,
                (Op::Ld, _, false) => k::LD_B,
                (Op::Ld, _, true) => k::LD_BX,
                (_, 4, _) => k::ST_W,
                (_, 2, _) => k::ST_H,
                _ => k::ST_B,
            };
            u.b = b;
            match i.mode {
                AddrMode::None => {}
                AddrMode::PreUpdate => u.bits |= BIT_WB,
                AddrMode::PostUpdate => u.bits |= BIT_WB | BIT_POST,
                AddrMode::Scaled => u.size = size >> 1,
            }
            return u;
        }
        _ => {}
    }
    // Register-to-register forms.
    let single = match i.op {
        Op::Mov => Some((k::MOV_R, k::MOV_I)),
        Op::Extb => Some((k::EXTB, k::GENERIC)),
        Op::Exth => Some((k::EXTH, k::GENERIC)),
        Op::Sexb => Some((k::SEXB, k::GENERIC)),
        Op::Sexh => Some((k::SEXH, k::GENERIC)),
        _ => None,
    };
    if let Some((kr, ki)) = single {
        if f {
            return g;
        }
        let Some(a) = reg(i.a) else { return g };
        u.a = a;
        match i.b {
            Operand::Reg(b) => {
                u.kind = kr;
                u.b = b & 63;
            }
            Operand::Imm(v) => {
                u.kind = ki;
                u.imm = v;
            }
            Operand::None => return g,
        }
        return u;
    }
    let pair = match (i.op, f) {
        (Op::Add, false) => (k::ADD_RR, k::ADD_RI),
        (Op::Sub, false) => (k::SUB_RR, k::SUB_RI),
        (Op::And, false) => (k::AND_RR, k::AND_RI),
        (Op::Or, false) => (k::OR_RR, k::OR_RI),
        (Op::Xor, false) => (k::XOR_RR, k::XOR_RI),
        (Op::Bic, false) => (k::BIC_RR, k::BIC_RI),
        (Op::Asl, false) => (k::ASL_RR, k::ASL_RI),
        (Op::Lsr, false) => (k::LSR_RR, k::LSR_RI),
        (Op::Asr, false) => (k::ASR_RR, k::ASR_RI),
        (Op::Mpy, false) => (k::MPY_RR, k::MPY_RI),
        (Op::Add1, false) => (k::ADD1_RR, k::ADD1_RI),
        (Op::Add2, false) => (k::ADD2_RR, k::ADD2_RI),
        (Op::Add3, false) => (k::ADD3_RR, k::ADD3_RI),
        (Op::Add, true) => (k::ADDF_RR, k::ADDF_RI),
        (Op::Sub, true) => (k::SUBF_RR, k::SUBF_RI),
        (Op::Cmp, _) => (k::CMP_RR, k::CMP_RI),
        (Op::Tst, _) => (k::TST_RR, k::TST_RI),
        _ => return g,
    };
    let Some(b) = reg(i.b) else { return g };
    u.b = b;
    // The destination: compares have none; `add 0,b,c` forms discard the result.
    if matches!(i.op, Op::Cmp | Op::Tst) {
        if i.a != Operand::None {
            return g;
        }
    } else {
        let Some(a) = reg(i.a) else { return g };
        u.a = a;
    }
    match i.c {
        Operand::Reg(c) => {
            u.kind = pair.0;
            u.c = c & 63;
        }
        Operand::Imm(v) => {
            u.kind = pair.1;
            u.imm = v;
        }
        Operand::None => return g,
    }
    u
}

/// A `Uop` packed in two words, as the cache stores it: the dispatch loop loads it straight
/// into two registers and takes the fields apart with shifts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Packed(u64, u64);

impl Uop {
    pub(crate) fn pack(&self) -> Packed {
        assert!(self.kind < k::COUNT, "no lowered kind {}", self.kind);
        Packed(
            self.kind as u64
                | (self.len as u64) << 8
                | (self.a as u64) << 16
                | (self.b as u64) << 24
                | (self.c as u64) << 32
                | (self.size as u64) << 40
                | (self.mode as u64) << 48
                | (self.bits as u64) << 56,
            self.imm as u64 | (self.imm2 as u64) << 32,
        )
    }
}

impl Packed {
    /// The generic form (`k::GENERIC`, no lowered slow-side form): `Packed::default()`.
    pub(crate) const GENERIC: Packed = Packed(0, 0);

    /// Always below `k::COUNT`: a `Packed` is made only by `Uop::pack`, which checks it.
    #[inline(always)]
    pub(crate) fn kind(self) -> u8 {
        self.0 as u8
    }

    #[inline(always)]
    pub(crate) fn len(self) -> u32 {
        (self.0 >> 8) as u8 as u32
    }

    /// Register field `a` as an index into the register file (always < 64).
    #[inline(always)]
    pub(crate) fn a(self) -> usize {
        (self.0 >> 16) as usize & 63
    }

    #[inline(always)]
    pub(crate) fn b(self) -> usize {
        (self.0 >> 24) as usize & 63
    }

    #[inline(always)]
    pub(crate) fn c(self) -> usize {
        (self.0 >> 32) as usize & 63
    }

    #[inline(always)]
    pub(crate) fn size(self) -> u8 {
        (self.0 >> 40) as u8
    }

    #[inline(always)]
    pub(crate) fn bits(self) -> u8 {
        (self.0 >> 56) as u8
    }

    #[inline(always)]
    pub(crate) fn imm(self) -> u32 {
        self.1 as u32
    }

    #[inline(always)]
    pub(crate) fn imm2(self) -> u32 {
        (self.1 >> 32) as u32
    }

    #[inline(always)]
    pub(crate) fn unpack(self) -> Uop {
        Uop {
            kind: self.0 as u8,
            len: (self.0 >> 8) as u8,
            a: (self.0 >> 16) as u8,
            b: (self.0 >> 24) as u8,
            c: (self.0 >> 32) as u8,
            size: (self.0 >> 40) as u8,
            mode: (self.0 >> 48) as u8,
            bits: (self.0 >> 56) as u8,
            imm: self.1 as u32,
            imm2: (self.1 >> 32) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips() {
        let u = Uop {
            kind: k::ST_W,
            len: 8,
            a: 63,
            b: 28,
            c: 1,
            size: 4,
            mode: 3,
            bits: BIT_C_IMM | BIT_A_IMM | BIT_WB | BIT_POST,
            imm: 0xDEAD_BEEF,
            imm2: 0xFFFF_FFFC,
        };
        assert_eq!(u.pack().unpack(), u);
        assert_eq!(Packed::default().kind(), k::GENERIC);
    }
}
