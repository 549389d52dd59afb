//! The HS38 multiplier option's dual/quad and vector operations (MPY option 9,
//! "plus_qmacw"), which GCC emits for `-mcpu=hs38`: 16-bit lanes in a register, 32-bit
//! lanes in an even/odd register pair, and the 64-bit accumulator r59:r58. Semantics as
//! GCC's machine description states them (simdext.md); flags are not updated. A short
//! immediate operand is replicated into every lane.

use crate::cpu::{ACCH, ACCL};
use crate::decode::{flag, Insn, Op, Operand};
use crate::machine::{Exception, Flow, Machine, Trap};

type Exec = Result<Flow, Trap>;

fn h0(v: u32) -> u32 {
    v & 0xFFFF
}
fn h1(v: u32) -> u32 {
    v >> 16
}
fn halves(lo: u32, hi: u32) -> u32 {
    (lo & 0xFFFF) | hi << 16
}
/// 16-bit lane as a multiplicand: sign- or zero-extended.
fn lane(v: u32, signed: bool) -> i64 {
    if signed {
        v as u16 as i16 as i64
    } else {
        v as u16 as i64
    }
}

impl Machine {
    /// A 64-bit operand: an even/odd register pair (low word first) or an immediate.
    fn pair_val(&self, o: Operand) -> Result<(u32, u32), Trap> {
        match o {
            Operand::Reg(r) if r & 1 == 0 && r < 62 => {
                Ok((self.cpu.regs[r as usize], self.cpu.regs[r as usize + 1]))
            }
            Operand::Reg(_) => Err(Trap::Exc(Exception::INSTRUCTION_ERROR)),
            Operand::Imm(v) => Ok((v, v)),
            Operand::None => Ok((0, 0)),
        }
    }

    /// A pair of 16-bit-lane words; a short immediate stands for itself in all four lanes.
    fn pair_halves(&self, i: &Insn, o: Operand) -> Result<(u32, u32), Trap> {
        match o {
            Operand::Imm(x) if !i.has(flag::LIMM) => {
                let w = (x & 0xFFFF) | x << 16;
                Ok((w, w))
            }
            _ => self.pair_val(o),
        }
    }

    fn set_pair(&mut self, o: Operand, lo: u32, hi: u32) -> Result<(), Trap> {
        match o {
            Operand::Reg(r) if r & 1 == 0 && r < 62 => {
                self.cpu.regs[r as usize] = lo;
                self.cpu.regs[r as usize + 1] = hi;
                Ok(())
            }
            Operand::Reg(_) => Err(Trap::Exc(Exception::INSTRUCTION_ERROR)),
            _ => Ok(()),
        }
    }

    fn acc(&self) -> i64 {
        ((self.cpu.regs[ACCH] as u64) << 32 | self.cpu.regs[ACCL] as u64) as i64
    }

    fn set_acc(&mut self, v: i64) {
        self.cpu.regs[ACCL] = v as u32;
        self.cpu.regs[ACCH] = (v as u64 >> 32) as u32;
    }

    pub(crate) fn execute_dsp(&mut self, i: &Insn, b: u32, c: u32) -> Exec {
        use Op::*;
        // A short immediate stands for the same value in every 16-bit lane (GCC sums the
        // two lanes of a pair with `dmpywh r6,r6,1`); a LIMM is the register image.
        let lanes = |o: Operand, v: u32| match o {
            Operand::Imm(x) if !i.has(flag::LIMM) => (x & 0xFFFF) | x << 16,
            _ => v,
        };
        let (b, c) = (lanes(i.b, b), lanes(i.c, c));
        let signed = !matches!(
            i.op,
            Dmpyhu | Dmachu | Vmpy2hu | Vmac2hu | Qmpyhu | Qmachu | Dmpywhu | Dmacwhu
        );
        match i.op {
            Vadd2h | Vsub2h | Vaddsub2h | Vsubadd2h => {
                self.set(i.a, halfword_add_sub(i.op, b, c));
            }
            Vadd4h | Vsub4h | Vaddsub4h | Vsubadd4h => {
                let (bl, bh) = self.pair_halves(i, i.b)?;
                let (cl, ch) = self.pair_halves(i, i.c)?;
                let (lo, hi) = (
                    halfword_add_sub(i.op, bl, cl),
                    halfword_add_sub(i.op, bh, ch),
                );
                self.set_pair(i.a, lo, hi)?;
            }
            Vadd2 | Vsub2 | Vaddsub | Vsubadd => {
                let (bl, bh) = self.pair_val(i.b)?;
                let (cl, ch) = self.pair_val(i.c)?;
                let (lo, hi) = match i.op {
                    Vadd2 => (bl.wrapping_add(cl), bh.wrapping_add(ch)),
                    Vsub2 => (bl.wrapping_sub(cl), bh.wrapping_sub(ch)),
                    Vaddsub => (bl.wrapping_add(cl), bh.wrapping_sub(ch)),
                    _ => (bl.wrapping_sub(cl), bh.wrapping_add(ch)),
                };
                self.set_pair(i.a, lo, hi)?;
            }
            Vpack2hl => self.set(i.a, halves(h0(c), h0(b))),
            Vpack2hm => self.set(i.a, halves(h1(c), h1(b))),
            Dmpyh | Dmpyhu => {
                let sum =
                    lane(b, signed) * lane(c, signed) + lane(h1(b), signed) * lane(h1(c), signed);
                self.set(i.a, sum as u32);
                self.set_acc(sum as u32 as i64);
            }
            Dmach | Dmachu => {
                let sum =
                    lane(b, signed) * lane(c, signed) + lane(h1(b), signed) * lane(h1(c), signed);
                let acc = self.acc().wrapping_add(sum);
                self.set_acc(acc);
                self.set(i.a, acc as u32);
            }
            Vmpy2h | Vmpy2hu | Vmac2h | Vmac2hu => {
                let p0 = (lane(b, signed) * lane(c, signed)) as u32;
                let p1 = (lane(h1(b), signed) * lane(h1(c), signed)) as u32;
                let (lo, hi) = if matches!(i.op, Vmac2h | Vmac2hu) {
                    (
                        self.cpu.regs[ACCL].wrapping_add(p0),
                        self.cpu.regs[ACCH].wrapping_add(p1),
                    )
                } else {
                    (p0, p1)
                };
                self.cpu.regs[ACCL] = lo;
                self.cpu.regs[ACCH] = hi;
                self.set_pair(i.a, lo, hi)?;
            }
            Qmpyh | Qmpyhu | Qmach | Qmachu => {
                let (bl, bh) = self.pair_halves(i, i.b)?;
                let (cl, ch) = self.pair_halves(i, i.c)?;
                let dot = |x: u32, y: u32| {
                    lane(x, signed) * lane(y, signed) + lane(h1(x), signed) * lane(h1(y), signed)
                };
                let sum = dot(bl, cl) + dot(bh, ch);
                let r = if matches!(i.op, Qmach | Qmachu) {
                    self.acc().wrapping_add(sum)
                } else {
                    sum
                };
                self.set_acc(r);
                self.set_pair(i.a, r as u32, (r as u64 >> 32) as u32)?;
            }
            Dmpywh | Dmpywhu | Dmacwh | Dmacwhu => {
                let (bl, bh) = self.pair_val(i.b)?;
                let word = |w: u32| if signed { w as i32 as i64 } else { w as i64 };
                let sum = word(bl) * lane(c, signed) + word(bh) * lane(h1(c), signed);
                let r = if matches!(i.op, Dmacwh | Dmacwhu) {
                    self.acc().wrapping_add(sum)
                } else {
                    sum
                };
                self.set_acc(r);
                self.set_pair(i.a, r as u32, (r as u64 >> 32) as u32)?;
            }
            _ => return Err(crate::machine::Trap::Exc(Exception::INSTRUCTION_ERROR)),
        }
        Ok(Flow::NEXT)
    }
}

/// The add/subtract family on the two 16-bit lanes of a word (`vadd2h`, `vsub2h`,
/// `vaddsub2h`, `vsubadd2h`; the 4h forms apply it to each word of a pair): the name says
/// which lane adds, low lane first.
fn halfword_add_sub(op: Op, x: u32, y: u32) -> u32 {
    let (add_lo, add_hi) = match op {
        Op::Vadd2h | Op::Vadd4h => (true, true),
        Op::Vsub2h | Op::Vsub4h => (false, false),
        Op::Vaddsub2h | Op::Vaddsub4h => (true, false),
        _ => (false, true),
    };
    let lane = |a: u32, b: u32, add: bool| {
        if add {
            a.wrapping_add(b)
        } else {
            a.wrapping_sub(b)
        }
    };
    halves(lane(h0(x), h0(y), add_lo), lane(h1(x), h1(y), add_hi))
}
