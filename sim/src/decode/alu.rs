//! 32-bit general-format majors 4, 5 and 6: fields [26:24]/[14:12] B, [23:22] P (format),
//! [21:16] sub-opcode, [15] F, [11:6] C/u6, [5:0] A (or s12 high bits, or M + condition).

use super::cx::{sext, Cx, LIMM_REG};
use super::major0_3::MODES;
use super::names::{self, Entry, WithF};
use super::sink::{Shown, Sink};
use super::{flag, MemSize, Op, Operand};

/// Which operands are register pairs (objdump checks these for even numbers).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pairs {
    a: bool,
    b: bool,
    c: bool,
}

pub(super) const NO_PAIRS: Pairs = Pairs {
    a: false,
    b: false,
    c: false,
};

pub(crate) fn major4<S: Sink>(cx: &mut Cx<S>) {
    let sub = cx.bits(21, 16);
    let f = cx.bit(15);
    match sub {
        0x00 => three(cx, (Op::Add, "add"), NO_PAIRS),
        0x01 => three(cx, (Op::Adc, "adc"), NO_PAIRS),
        0x02 => three(cx, (Op::Sub, "sub"), NO_PAIRS),
        0x03 => three(cx, (Op::Sbc, "sbc"), NO_PAIRS),
        0x04 => three(cx, (Op::And, "and"), NO_PAIRS),
        0x05 => three(cx, (Op::Or, "or"), NO_PAIRS),
        0x06 => three(cx, (Op::Bic, "bic"), NO_PAIRS),
        0x07 => three(cx, (Op::Xor, "xor"), NO_PAIRS),
        0x08 => three(cx, (Op::Max, "max"), NO_PAIRS),
        0x09 => three(cx, (Op::Min, "min"), NO_PAIRS),
        0x0A => mov(cx),
        0x0B => compare(cx, Op::Tst, "tst"),
        0x0C | 0x0D if cx.bits(23, 22) == 2 && !f => dbnz(cx, sub == 0x0D),
        0x0C => compare(cx, Op::Cmp, "cmp"),
        0x0D => compare(cx, Op::Rcmp, "rcmp"),
        // `neg a,b` is `rsub a,b,0`; objdump has no `neg 0,b`.
        0x0E if cx.c6() == 0
            && ((cx.bits(23, 22) == 1 && cx.a6() != LIMM_REG)
                || (cx.bits(23, 22) == 3 && cx.bit(5))) =>
        {
            negate(cx)
        }
        0x0E => three(cx, (Op::Rsub, "rsub"), NO_PAIRS),
        0x0F => three(cx, (Op::Bset, "bset"), NO_PAIRS),
        0x10 => three(cx, (Op::Bclr, "bclr"), NO_PAIRS),
        0x11 => compare(cx, Op::Btst, "btst"),
        0x12 => three(cx, (Op::Bxor, "bxor"), NO_PAIRS),
        0x13 => three(cx, (Op::Bmsk, "bmsk"), NO_PAIRS),
        0x14 => three(cx, (Op::Add1, "add1"), NO_PAIRS),
        0x15 => three(cx, (Op::Add2, "add2"), NO_PAIRS),
        0x16 => three(cx, (Op::Add3, "add3"), NO_PAIRS),
        0x17 => three(cx, (Op::Sub1, "sub1"), NO_PAIRS),
        0x18 => three(cx, (Op::Sub2, "sub2"), NO_PAIRS),
        0x19 => three(cx, (Op::Sub3, "sub3"), NO_PAIRS),
        0x1A => three(cx, (Op::Mpy, "mpy"), NO_PAIRS),
        0x1B => three(cx, (Op::Mpym, "mpym"), NO_PAIRS),
        0x1C => three(cx, (Op::Mpymu, "mpymu"), NO_PAIRS),
        0x1D => three(cx, (Op::Mpyu, "mpyu"), NO_PAIRS),
        0x1E => three(cx, (Op::Mpyw, "mpyw"), NO_PAIRS),
        0x1F => three(cx, (Op::Mpyuw, "mpyuw"), NO_PAIRS),
        0x20..=0x23 => jump(cx, sub),
        0x24 => branch_index(cx, Op::Bi, "bi"),
        0x25 => branch_index(cx, Op::Bih, "bih"),
        0x26 => aux_like(cx, Op::Ldi, "ldi"),
        0x27 => aux_like(cx, Op::Aex, "aex"),
        0x28 => loop_start(cx),
        0x29 => flag_op(cx),
        0x2A => aux_like(cx, Op::Lr, "lr"),
        0x2B => aux_like(cx, Op::Sr, "sr"),
        0x2C => three(cx, (Op::Bmskn, "bmskn"), NO_PAIRS),
        0x2D => three(cx, (Op::Xbfu, "xbfu"), NO_PAIRS),
        0x2F => match cx.bits(5, 0) {
            0x3F => zero_operand4(cx),
            0x0C => atomic(cx, (Op::Ex, "ex")),
            0x10 => atomic(cx, (Op::Llock, "llock")),
            0x11 => atomic(cx, (Op::Scond, "scond")),
            0x12 => atomic(cx, (Op::Llockd, "llockd")),
            0x13 => atomic(cx, (Op::Scondd, "scondd")),
            s => single(cx, names::major4_single(s)),
        },
        0x30..=0x37 => load_indexed(cx),
        0x38..=0x3F => {
            let (name, comparison) = names::SETCC[(sub - 0x38) as usize];
            three(cx, (Op::Set, name), NO_PAIRS);
            // The predicate (if any) moves to `disp`; `cond` is the comparison.
            cx.insn.disp = i32::from(cx.insn.cond);
            cx.insn.cond = comparison;
        }
        _ => {}
    }
}

pub(crate) fn major5<S: Sink>(cx: &mut Cx<S>) {
    let sub = cx.bits(21, 16);
    if sub == 0x2F {
        return match cx.bits(5, 0) {
            0x3F => zero_operand5(cx),
            s if cx.bit(15) && !names::major5_single_takes_f(s) => {}
            s => single(cx, names::major5_single(s)),
        };
    }
    let pairs = match sub {
        0x1C | 0x1E => Pairs {
            a: true,
            b: false,
            c: false,
        },
        0x38 | 0x39 => Pairs {
            a: true,
            b: true,
            c: true,
        },
        // objdump's conditional `vadd2` takes a single C register (except after a LIMM).
        0x3C => Pairs {
            a: true,
            b: true,
            c: cx.bits(23, 22) != 3 || cx.b6() == LIMM_REG,
        },
        _ => NO_PAIRS,
    };
    with_f(
        cx,
        names::MAJOR5[sub as usize],
        names::major5_with_f(sub),
        pairs,
    );
}

/// Majors 5 and 6 give F = 1 its own meaning per sub-opcode (see `names::WithF`).
fn with_f<S: Sink>(cx: &mut Cx<S>, plain: Entry, f: WithF, pairs: Pairs) {
    if !cx.bit(15) {
        return three_spelled(cx, plain, pairs, FSuffix::Plain);
    }
    match f {
        WithF::SameOp => three_spelled(cx, plain, pairs, FSuffix::Plain),
        WithF::Other(entry) => three_spelled(cx, entry, NO_PAIRS, FSuffix::Hidden),
        WithF::OtherWithF(entry) => three_spelled(cx, entry, NO_PAIRS, FSuffix::Plain),
        WithF::Invalid => {}
    }
}

pub(crate) fn major6<S: Sink>(cx: &mut Cx<S>) {
    let sub = cx.bits(21, 16);
    if sub == 0x2F {
        if cx.bit(15) {
            return;
        }
        let low = cx.bits(5, 0);
        let p = cx.bits(23, 22);
        let limm = cx.b6() == LIMM_REG || cx.c6() == LIMM_REG;
        // objdump finds `cbflyhf1r b,c` under 0x39 and its other forms under 0x19.
        let cbfly = match low {
            0x19 => p == 1 || (p == 0 && limm),
            0x39 => p == 0 && !limm,
            _ => false,
        };
        if cbfly {
            return single(cx, (Op::Ext, "cbflyhf1r"));
        }
        return single(cx, names::major6_single(low));
    }
    if cx.bit(15) && (cx.bits(23, 22) >= 2 || cx.a6() == 0) {
        // F = 1 turns these sub-opcodes into the FPU's two-operand compares (the register and
        // u6 forms need A = 0).
        match sub {
            0x03 => return compare(cx, Op::Fscmp, "fscmp"),
            0x04 => return compare(cx, Op::Fscmpf, "fscmpf"),
            0x33 => return compare(cx, Op::Fdcmp, "fdcmp"),
            0x34 => return compare(cx, Op::Fdcmpf, "fdcmpf"),
            _ => {}
        }
    }
    let mut with = names::major6_with_f(sub);
    if matches!(sub, 0x00 | 0x02) && cx.bit(15) {
        // objdump's table gives `cmpyhnfr` (sub-opcode 0) and `cmpychnfr` (2) each other's
        // encodings in every form except the all-register `a,b,c` one.
        let regs = [cx.a6(), cx.b6(), cx.c6()];
        if cx.bits(23, 22) != 0 || regs.contains(&LIMM_REG) {
            with = names::major6_with_f(sub ^ 2);
        }
    }
    with_f(cx, names::MAJOR6[sub as usize], with, NO_PAIRS);
}

/// Major 7: the QuarkSE `fmp_*` extension instructions objdump knows.
pub(crate) fn major7<S: Sink>(cx: &mut Cx<S>) {
    match cx.bits(21, 16) {
        0x20 => three(cx, (Op::Ext, "fmp_divf"), NO_PAIRS),
        0x21 => three(cx, (Op::Ext, "fmp_divf15"), NO_PAIRS),
        0x22 => three(cx, (Op::Ext, "fmp_adds"), NO_PAIRS),
        0x2F => single(cx, names::major7_single(cx.bits(5, 0))),
        _ => {}
    }
}

pub(super) fn f_suffix<S: Sink>(cx: &mut Cx<S>) {
    if cx.bit(15) {
        cx.set_flag(flag::F, ".f");
    }
}

pub(super) fn dest<S: Sink>(cx: &mut Cx<S>, r: u8, pair: bool) -> Operand {
    if r == LIMM_REG {
        cx.zero()
    } else if pair {
        cx.pair(r)
    } else {
        cx.reg(r)
    }
}

pub(super) fn source<S: Sink>(cx: &mut Cx<S>, r: u8, pair: bool) -> Operand {
    if pair && r != LIMM_REG {
        cx.pair(r)
    } else {
        cx.src(r)
    }
}

/// The common `op<.f> a,b,c` family with its u6, s12, conditional and LIMM forms.
pub(super) fn three<S: Sink>(cx: &mut Cx<S>, entry: Entry, pairs: Pairs) {
    three_spelled(cx, entry, pairs, FSuffix::Plain);
}

/// How F is spelled: `.f` when set, or not at all (F selected another operation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum FSuffix {
    Plain,
    Hidden,
}

pub(super) fn three_spelled<S: Sink>(cx: &mut Cx<S>, entry: Entry, pairs: Pairs, f: FSuffix) {
    three_spelled_isa::<S, true>(cx, entry, pairs, f)
}

/// ARCompact's plain `op<.f> a,b,c` (no register pairs, none of ARCv2's `0,limm,c` quirks).
pub(super) fn three_compact<S: Sink>(cx: &mut Cx<S>, entry: Entry) {
    three_spelled_isa::<S, false>(cx, entry, NO_PAIRS, FSuffix::Plain)
}

/// `V2`: apply the ARCv2 table's `0,limm,c` quirks of majors 5 and 6 ([`za_limm_quirk`]).
fn three_spelled_isa<S: Sink, const V2: bool>(
    cx: &mut Cx<S>,
    (op, name): Entry,
    pairs: Pairs,
    f: FSuffix,
) {
    if op == Op::Invalid {
        return;
    }
    let b = cx.b6();
    let c = cx.c6();
    let quirk = if V2 { za_limm_quirk(cx) } else { ZaLimm::No };
    if quirk == ZaLimm::Invalid {
        return;
    }
    cx.name(op, name);
    if f == FSuffix::Plain {
        f_suffix(cx);
    }
    match cx.bits(23, 22) {
        0 => {
            cx.insn.a = dest(cx, cx.a6(), pairs.a);
            cx.insn.b = source(cx, b, pairs.b);
            cx.insn.c = source(cx, c, pairs.c);
        }
        1 if quirk == ZaLimm::CAsReg => {
            cx.insn.a = dest(cx, cx.a6(), pairs.a);
            cx.insn.b = source(cx, b, pairs.b);
            cx.insn.c = source(cx, c, pairs.c);
        }
        1 => {
            cx.insn.a = dest(cx, cx.a6(), pairs.a);
            cx.insn.b = source(cx, b, pairs.b);
            cx.insn.c = cx.uimm(c as u32);
        }
        2 => {
            let s12 = sext((cx.bits(5, 0) << 6) | c as u32, 12);
            cx.insn.a = dest(cx, b, pairs.a);
            cx.insn.b = source(cx, b, pairs.b);
            cx.insn.c = cx.simm(s12);
        }
        _ => {
            cx.cond(cx.bits(4, 0) as u8, true);
            cx.insn.a = dest(cx, b, pairs.a);
            cx.insn.b = source(cx, b, pairs.b);
            cx.insn.c = if cx.bit(5) {
                cx.uimm(c as u32)
            } else {
                source(cx, c, pairs.c)
            };
        }
    }
}

/// objdump's `0,limm,c` entries of the major-5/6 sub-opcodes 0x20..0x2E carry the P bits of
/// the u6 form: with A = B = 62 and C ≠ 62, P = 0 is not decoded and P = 1 shows C as a
/// register; `vasls2h` (major 5, 0x21 with F) has no LIMM or `0` form at all.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ZaLimm {
    No,
    Invalid,
    CAsReg,
}

fn za_limm_quirk<S: Sink>(cx: &Cx<S>) -> ZaLimm {
    let major = cx.w >> 27;
    let sub = cx.bits(21, 16);
    let p = cx.bits(23, 22);
    if major == 5 && sub == 0x21 && cx.bit(15) {
        // `vasls2h` exists only without LIMM and without the `0` destination.
        let a_limm = p <= 1 && cx.a6() == LIMM_REG;
        let c_limm = cx.c6() == LIMM_REG && (p == 0 || (p == 3 && !cx.bit(5)));
        if a_limm || c_limm || cx.b6() == LIMM_REG {
            return ZaLimm::Invalid;
        }
        return ZaLimm::No;
    }
    if !((major == 5 || major == 6)
        && (0x20..=0x2E).contains(&sub)
        && p <= 1
        && cx.a6() == LIMM_REG
        && cx.b6() == LIMM_REG)
    {
        return ZaLimm::No;
    }
    match (cx.c6() == LIMM_REG, p) {
        (true, _) => ZaLimm::No,
        (false, 0) => ZaLimm::Invalid,
        _ => ZaLimm::CAsReg,
    }
}

/// `op<.f> b,c` / `b,u6` (and `0,…` when B is 62).
pub(super) fn single<S: Sink>(cx: &mut Cx<S>, (op, name): Entry) {
    if op == Op::Invalid || cx.bits(23, 22) > 1 {
        return;
    }
    cx.name(op, name);
    f_suffix(cx);
    let b = cx.b6();
    let c = cx.c6();
    cx.insn.a = dest(cx, b, false);
    cx.insn.b = if cx.bit(22) {
        cx.uimm(c as u32)
    } else {
        cx.src(c)
    };
}

/// `neg<.f> a,b`: objdump's spelling of `rsub a,b,0`.
pub(super) fn negate<S: Sink>(cx: &mut Cx<S>) {
    cx.name(Op::Neg, "neg");
    f_suffix(cx);
    let b = cx.b6();
    if cx.bits(23, 22) == 3 {
        cx.cond(cx.bits(4, 0) as u8, true);
        cx.insn.a = dest(cx, b, false);
    } else {
        cx.insn.a = dest(cx, cx.a6(), false);
    }
    cx.insn.b = cx.src(b);
}

pub(super) fn mov<S: Sink>(cx: &mut Cx<S>) {
    if cx.w == 0x264A_7000 {
        // `mov 0,0` is objdump's `nop`.
        return cx.name(Op::Nop, "nop");
    }
    cx.name(Op::Mov, "mov");
    f_suffix(cx);
    let b = cx.b6();
    let c = cx.c6();
    match cx.bits(23, 22) {
        0 => {
            cx.insn.a = dest(cx, b, false);
            cx.insn.b = cx.src(c);
        }
        1 => {
            cx.insn.a = dest(cx, b, false);
            cx.insn.b = cx.uimm(c as u32);
        }
        2 => {
            let s12 = sext((cx.bits(5, 0) << 6) | c as u32, 12);
            cx.insn.a = dest(cx, b, false);
            cx.insn.b = cx.simm(s12);
        }
        _ => {
            cx.cond(cx.bits(4, 0) as u8, true);
            cx.insn.a = dest(cx, b, false);
            cx.insn.b = if cx.bit(5) {
                cx.uimm(c as u32)
            } else {
                cx.src(c)
            };
        }
    }
}

/// `tst`, `cmp`, `rcmp`, `btst` (and the FPU's `fscmp`, `fscmpf`, `fdcmp`, `fdcmpf`): always
/// encoded with F = 1, which objdump does not print.
pub(super) fn compare<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str) {
    if !cx.bit(15) {
        return;
    }
    cx.name(op, name);
    cx.insn.flags |= flag::F;
    let b = cx.b6();
    let c = cx.c6();
    match cx.bits(23, 22) {
        0 => {
            cx.insn.b = cx.src(b);
            cx.insn.c = cx.src(c);
        }
        1 => {
            cx.insn.b = cx.src(b);
            cx.insn.c = cx.uimm(c as u32);
        }
        2 => {
            let s12 = sext((cx.bits(5, 0) << 6) | c as u32, 12);
            cx.insn.b = cx.src(b);
            cx.insn.c = cx.simm(s12);
        }
        _ => {
            cx.cond(cx.bits(4, 0) as u8, true);
            cx.insn.b = cx.src(b);
            cx.insn.c = if cx.bit(5) {
                cx.uimm(c as u32)
            } else {
                cx.src(c)
            };
        }
    }
}

pub(super) fn dbnz<S: Sink>(cx: &mut Cx<S>, delay: bool) {
    cx.name(Op::Dbnz, "dbnz");
    if delay {
        cx.set_flag(flag::D, ".d");
    }
    let b = cx.b6();
    if b == LIMM_REG {
        cx.insn.op = Op::Invalid;
        return;
    }
    cx.insn.a = cx.reg(b);
    let disp = sext((cx.bits(5, 0) << 6) | cx.c6() as u32, 12) * 2;
    cx.pcrel(disp);
}

/// `j`, `j.d`, `jl`, `jl.d` (sub-opcodes 0x20..0x23).
pub(super) fn jump<S: Sink>(cx: &mut Cx<S>, sub: u32) {
    let (op, name) = if sub >= 0x22 {
        (Op::Jl, "jl")
    } else {
        (Op::J, "j")
    };
    let delayed = sub & 1 != 0;
    let c = cx.c6();
    cx.name(op, name);
    let p = cx.bits(23, 22);
    if p == 3 {
        cx.cond(cx.bits(4, 0) as u8, false);
    }
    if delayed {
        cx.set_flag(flag::D, ".d");
    }
    match p {
        0 => {
            if c == LIMM_REG {
                if delayed {
                    cx.insn.op = Op::Invalid;
                    return;
                }
                cx.insn.b = cx.src(c);
            } else {
                cx.open();
                cx.insn.b = cx.reg(c);
                cx.close();
            }
        }
        1 => cx.insn.b = cx.uimm(c as u32),
        2 => {
            let s12 = sext((cx.bits(5, 0) << 6) | c as u32, 12);
            cx.insn.b = cx.simm(s12);
        }
        _ => {
            if cx.bit(5) {
                cx.insn.b = cx.uimm(c as u32);
            } else if c == LIMM_REG {
                if delayed {
                    cx.insn.op = Op::Invalid;
                    return;
                }
                cx.insn.b = cx.src(c);
            } else {
                cx.open();
                cx.insn.b = cx.reg(c);
                cx.close();
            }
        }
    }
}

fn branch_index<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str) {
    if cx.bits(23, 22) != 0 || cx.bit(15) {
        return;
    }
    cx.name(op, name);
    cx.open();
    let c = cx.c6();
    cx.insn.b = cx.src(c);
    cx.close();
}

/// `lr b,[c]`, `sr b,[c]`, `aex b,[c]`, `ldi b,[c]` and their u6/s12/limm forms.
pub(super) fn aux_like<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str) {
    let b = cx.b6();
    let c = cx.c6();
    let p = cx.bits(23, 22);
    let conditional = op == Op::Aex;
    // objdump ignores A in the register forms (and, for `aex`, in the u6 form too).
    let a_checked = p == 1 && !conditional;
    if (p == 3 && !conditional) || (a_checked && cx.a6() != 0) {
        return;
    }
    cx.name(op, name);
    if op != Op::Ldi {
        cx.s.aux_names();
    }
    if p == 3 {
        cx.cond(cx.bits(4, 0) as u8, true);
    }
    let writes_b = matches!(op, Op::Lr | Op::Ldi);
    if writes_b {
        cx.insn.a = dest(cx, b, false);
    } else {
        cx.insn.b = cx.src(b);
    }
    cx.open();
    let addr = match p {
        0 => cx.src(c),
        1 => cx.uimm(c as u32),
        2 => cx.simm(sext((cx.bits(5, 0) << 6) | c as u32, 12)),
        _ if cx.bit(5) => cx.uimm(c as u32),
        _ => cx.src(c),
    };
    cx.close();
    if writes_b {
        cx.insn.b = addr;
    } else {
        cx.insn.c = addr;
    }
}

pub(super) fn loop_start<S: Sink>(cx: &mut Cx<S>) {
    let c = cx.c6() as u32;
    match cx.bits(23, 22) {
        1 => {
            cx.name(Op::Lp, "lp");
            cx.pcrel_hex(c * 2);
        }
        2 => {
            cx.name(Op::Lp, "lp");
            cx.pcrel(sext((cx.bits(5, 0) << 6) | c, 12) * 2);
        }
        3 if cx.bit(5) => {
            cx.name(Op::Lp, "lp");
            cx.cond(cx.bits(4, 0) as u8, false);
            cx.pcrel_hex(c * 2);
        }
        _ => {}
    }
}

/// `flag` (B = 0) / `kflag` (B = 1) with a c, u6, s12 or limm operand.
pub(super) fn flag_op<S: Sink>(cx: &mut Cx<S>) {
    // objdump tells kflag from flag by F and ignores the B field.
    let (op, name) = if cx.bit(15) {
        (Op::Kflag, "kflag")
    } else {
        (Op::Flag, "flag")
    };
    cx.name(op, name);
    let c = cx.c6();
    match cx.bits(23, 22) {
        0 => cx.insn.b = cx.src(c),
        1 => cx.insn.b = cx.uimm(c as u32),
        2 => cx.insn.b = cx.simm(sext((cx.bits(5, 0) << 6) | c as u32, 12)),
        _ => {
            cx.cond(cx.bits(4, 0) as u8, true);
            cx.insn.b = if cx.bit(5) {
                cx.uimm(c as u32)
            } else {
                cx.src(c)
            };
        }
    }
}

/// Major 4 zero-operand group (sub-opcode 0x2F, low bits 0x3F): operation in the B field.
pub(super) fn zero_operand4<S: Sink>(cx: &mut Cx<S>) {
    let (op, name) = match cx.b6() {
        1 => (Op::Sleep, "sleep"),
        2 => (Op::Swi, "swi"),
        3 => (Op::Sync, "sync"),
        4 => (Op::Rtie, "rtie"),
        5 => (Op::Brk, "brk"),
        6 => (Op::Seti, "seti"),
        7 => (Op::Clri, "clri"),
        8 => (Op::Wevt, "wevt"),
        9 => (Op::Wlfc, "wlfc"),
        0xA => (Op::Dsync, "dsync"),
        0xB => (Op::Dmb, "dmb"),
        _ => return,
    };
    if cx.bit(15) {
        return;
    }
    let p = cx.bits(23, 22);
    let c = cx.c6();
    match op {
        // objdump knows these only as the exact operand-less words (u6 = 0).
        Op::Swi | Op::Sync | Op::Rtie | Op::Brk if p == 1 && c == 0 => return bare(cx, op, name),
        Op::Swi | Op::Sync | Op::Rtie | Op::Brk => return,
        // `dsync` ignores its u6; `dmb` shows u6 & 7, nothing for 0; `wevt 0` has no operand.
        Op::Dsync if p == 1 => return bare(cx, op, name),
        Op::Dmb | Op::Wevt if p == 1 && c == 0 => return bare(cx, op, name),
        Op::Dmb if p == 1 => {
            cx.name(op, name);
            cx.show(Shown::Uimm(u32::from(c & 7)));
            cx.insn.b = Operand::Imm(u32::from(c));
            return;
        }
        Op::Dsync | Op::Dmb => return,
        Op::Clri | Op::Wevt | Op::Wlfc if p == 0 && c == LIMM_REG => return,
        _ => {}
    }
    operand_c(cx, op, name);
    // `clri c` also writes the old interrupt state back into c (seti restores it).
    if op == Op::Clri {
        if let Operand::Reg(r) = cx.insn.b {
            cx.insn.a = Operand::Reg(r);
        }
    }
}

/// An operand-less spelling; the operand reads as `Imm(0)`.
pub(super) fn bare<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str) {
    cx.name(op, name);
    cx.insn.b = Operand::Imm(0);
}

fn zero_operand5<S: Sink>(cx: &mut Cx<S>) {
    // No `.f` and no LIMM forms.
    if cx.bit(15) || (cx.bits(23, 22) == 0 && cx.c6() == LIMM_REG) {
        return;
    }
    let name = match cx.b6() {
        0 => "aslacc",
        1 => "aslsacc",
        _ => return,
    };
    operand_c(cx, Op::Ext, name);
}

pub(super) fn operand_c<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str) {
    cx.name(op, name);
    let c = cx.c6();
    cx.insn.b = match cx.bits(23, 22) {
        0 => cx.src(c),
        1 => cx.uimm(c as u32),
        _ => {
            cx.insn.op = Op::Invalid;
            return;
        }
    };
}

/// `ex`, `llock`, `scond`, `llockd`, `scondd`: `op<.di> b,[c]`.
pub(super) fn atomic<S: Sink>(cx: &mut Cx<S>, (op, name): Entry) {
    if cx.bits(23, 22) > 1 {
        return;
    }
    cx.name(op, name);
    if cx.bit(15) {
        cx.set_flag(flag::DI, ".di");
    }
    let double = matches!(op, Op::Llockd | Op::Scondd);
    cx.mem(
        if double {
            MemSize::Double
        } else {
            MemSize::Word
        },
        super::AddrMode::None,
    );
    let b = cx.b6();
    let c = cx.c6();
    // objdump prints the `llockd`/`scondd` data register as a single register, reads B = 62 of
    // the loads as the `0` destination (no LIMM) and has no store-conditional with B = 62.
    cx.insn.a = match (op, b) {
        (Op::Llock | Op::Llockd, LIMM_REG) => cx.zero(),
        (Op::Scond | Op::Scondd, LIMM_REG) => {
            cx.insn.op = Op::Invalid;
            return;
        }
        (Op::Llockd | Op::Scondd, _) => cx.reg(b),
        _ => cx.src(b),
    };
    cx.open();
    cx.insn.b = if cx.bit(22) {
        cx.uimm(c as u32)
    } else {
        cx.src(c)
    };
    cx.close();
}

/// Register-indexed loads: `ld<zz><.di><.aa><.x> a,[b,c]` (sub-opcodes 0x30..0x37).
pub(super) fn load_indexed<S: Sink>(cx: &mut Cx<S>) {
    load_indexed_isa::<S, true>(cx)
}

/// `V2` as for [`prefetch_kind`].
pub(super) fn load_indexed_isa<S: Sink, const V2: bool>(cx: &mut Cx<S>) {
    const SIZES: [(MemSize, &str); 4] = [
        (MemSize::Word, "ld"),
        (MemSize::Byte, "ldb"),
        (MemSize::Half, "ldh"),
        (MemSize::Double, "ldd"),
    ];
    let zz = cx.bits(18, 17) as usize;
    let x = cx.bit(16);
    let (size, name) = SIZES[zz];
    if size == MemSize::Double && x {
        return;
    }
    let a = cx.a6();
    let di = cx.bit(15);
    let limm_limm = cx.b6() == LIMM_REG && cx.c6() == LIMM_REG;
    if size == MemSize::Double && limm_limm {
        return;
    }
    // objdump reads `[limm,limm]` with A = 62 as a load into `0`, not as a cache hint.
    // ARCompact's objdump does name `prefetch [limm,limm]`.
    let prefetch = if a == LIMM_REG && size == MemSize::Word && (!limm_limm || !V2) {
        prefetch_kind::<V2>(x, di)
    } else {
        None
    };
    match prefetch {
        Some((op, name)) => cx.name(op, name),
        None => {
            cx.name(Op::Ld, name);
            if di {
                cx.set_flag(flag::DI, ".di");
            }
        }
    }
    let (mode, mode_name) = MODES[cx.bits(23, 22) as usize];
    // objdump's `[limm,c]` forms of `ldd`, `prefetchw` and `prealloc` have no address-mode
    // suffix.
    let hint_wa = prefetch.is_some() && (x || di);
    if !((size == MemSize::Double || hint_wa) && cx.b6() == LIMM_REG) {
        cx.suffix(mode_name);
    }
    if x && prefetch.is_none() {
        cx.set_flag(flag::X, ".x");
    }
    cx.mem(size, mode);
    if prefetch.is_none() {
        cx.insn.a = dest(cx, a, size == MemSize::Double);
    }
    cx.open();
    let b = cx.b6();
    let c = cx.c6();
    cx.insn.b = cx.src(b);
    cx.insn.c = cx.src(c);
    cx.close();
}

/// The word loads with a discarded result (A = 62) that objdump names as cache hints.
/// `V2 = false`: ARCompact knows only `prefetch`.
pub(crate) fn prefetch_kind<const V2: bool>(x: bool, di: bool) -> Option<Entry> {
    match (x, di) {
        (false, false) => Some((Op::Prefetch, "prefetch")),
        _ if !V2 => None,
        (false, true) => Some((Op::Prefetchw, "prefetchw")),
        (true, false) => Some((Op::Prealloc, "prealloc")),
        (true, true) => None,
    }
}
