//! ARCompact 32-bit majors 1..5. Branches, loads/stores and the general ALU format share their
//! field layout with ARCv2; the sub-opcode tables and objdump's spellings differ.

use super::super::alu::{self, NO_PAIRS};
use super::super::cx::{Cx, LIMM_REG};
use super::super::major0_3;
use super::super::names::Entry;
use super::super::sink::Sink;
use super::super::{flag, AddrMode, MemSize, Op, Operand};

const NO: Entry = (Op::Invalid, "");

pub(crate) fn branch_link_or_compare<S: Sink>(cx: &mut Cx<S>) {
    major0_3::branch_link_or_compare_isa::<S, false>(cx)
}

/// `ld a,[b,s9]`; the 64-bit size (zz = 3) is NPS-400's `ldbit` in objdump, not ARC700.
pub(crate) fn load<S: Sink>(cx: &mut Cx<S>) {
    if cx.bits(8, 7) == 3 {
        return;
    }
    major0_3::load_isa::<S, false>(cx)
}

pub(crate) fn store<S: Sink>(cx: &mut Cx<S>) {
    major0_3::store_isa::<S, false>(cx)
}

/// Major 4 sub-opcodes 0x00..0x1D that are plain `op a,b,c` (tst/cmp/rcmp/btst, mov and rsub
/// have their own forms).
const MAJOR4: [Entry; 0x1E] = [
    (Op::Add, "add"),
    (Op::Adc, "adc"),
    (Op::Sub, "sub"),
    (Op::Sbc, "sbc"),
    (Op::And, "and"),
    (Op::Or, "or"),
    (Op::Bic, "bic"),
    (Op::Xor, "xor"),
    (Op::Max, "max"),
    (Op::Min, "min"),
    NO,
    NO,
    NO,
    NO,
    (Op::Rsub, "rsub"),
    (Op::Bset, "bset"),
    (Op::Bclr, "bclr"),
    NO,
    (Op::Bxor, "bxor"),
    (Op::Bmsk, "bmsk"),
    (Op::Add1, "add1"),
    (Op::Add2, "add2"),
    (Op::Add3, "add3"),
    (Op::Sub1, "sub1"),
    (Op::Sub2, "sub2"),
    (Op::Sub3, "sub3"),
    (Op::Mpy, "mpy"),
    // ARC700's `mpyh`/`mpyhu` are ARCv2's `mpym`/`mpymu`: the high word of the product.
    (Op::Mpym, "mpyh"),
    (Op::Mpymu, "mpyhu"),
    (Op::Mpyu, "mpyu"),
];

pub(crate) fn major4<S: Sink>(cx: &mut Cx<S>) {
    let sub = cx.bits(21, 16);
    match sub {
        0x0A => alu::mov(cx),
        0x0B => compare(cx, Op::Tst, "tst"),
        0x0C => compare(cx, Op::Cmp, "cmp"),
        0x0D => compare(cx, Op::Rcmp, "rcmp"),
        0x11 => compare(cx, Op::Btst, "btst"),
        // `neg a,b` is `rsub a,b,0`, as in ARCv2.
        0x0E if cx.c6() == 0
            && ((cx.bits(23, 22) == 1 && cx.a6() != LIMM_REG)
                || (cx.bits(23, 22) == 3 && cx.bit(5))) =>
        {
            alu::negate(cx)
        }
        0x00..=0x1D => alu::three_compact(cx, MAJOR4[sub as usize]),
        0x20..=0x23 => jump(cx, sub),
        // ARC700 has no `kflag`, no F form of lr/sr/lp; objdump's `lp` has only the s13 and
        // the conditional u7 form (B ignored).
        _ if cx.bit(15) && matches!(sub, 0x28..=0x2B) => {}
        0x28 if cx.bits(23, 22) >= 2 => alu::loop_start(cx),
        0x29 => alu::flag_op(cx),
        0x2A => alu::aux_like(cx, Op::Lr, "lr"),
        0x2B => alu::aux_like(cx, Op::Sr, "sr"),
        0x2F => match cx.bits(5, 0) {
            0x3F => zero_operand(cx),
            0x0C => alu::atomic(cx, (Op::Ex, "ex")),
            0x10 => alu::atomic(cx, (Op::Llock, "llock")),
            0x11 => scond(cx),
            s => alu::single(cx, single4(s)),
        },
        // zz = 3 is NPS-400's `ldbit`.
        0x30..=0x37 if cx.bits(18, 17) != 3 => alu::load_indexed_isa::<S, false>(cx),
        _ => {}
    }
}

/// `j`/`jl`; with F only `j.f [ilink1]` / `j.f [ilink2]` (return from interrupt, restoring
/// STATUS32 from STATUS32_L1/L2), which objdump spells `j.f<cc>`.
fn jump<S: Sink>(cx: &mut Cx<S>, sub: u32) {
    if !cx.bit(15) {
        return alu::jump(cx, sub);
    }
    let c = cx.c6();
    let p = cx.bits(23, 22);
    if sub != 0x20 || !(c == 29 || c == 30) || !(p == 0 || (p == 3 && !cx.bit(5))) {
        return;
    }
    cx.name(Op::J, "j");
    cx.set_flag(flag::F, ".f");
    if p == 3 {
        cx.cond(cx.bits(4, 0) as u8, false);
    }
    cx.open();
    cx.insn.b = cx.reg(c);
    cx.close();
}

/// The zero-operand group (B selects): `sleep` with a c/u6/limm operand; `trap0`, `sync`,
/// `rtie`, `brk` only as their exact words. ARC700 has no `swi`: `trap0` is its software
/// trap (the Trap exception with parameter 0, like `trap_s 0`).
fn zero_operand<S: Sink>(cx: &mut Cx<S>) {
    let p = cx.bits(23, 22);
    let c = cx.c6();
    if cx.bit(15) {
        return;
    }
    let (op, name) = match cx.b6() {
        1 => {
            cx.name(Op::Sleep, "sleep");
            cx.insn.b = match p {
                0 => cx.src(c),
                1 => cx.uimm(c as u32),
                _ => Operand::None,
            };
            if p > 1 {
                cx.insn.op = Op::Invalid;
            }
            return;
        }
        2 => (Op::Trap, "trap0"),
        3 => (Op::Sync, "sync"),
        4 => (Op::Rtie, "rtie"),
        5 => (Op::Brk, "brk"),
        _ => return,
    };
    if p == 1 && c == 0 {
        cx.name(op, name);
        cx.insn.b = Operand::Imm(0);
    }
}

/// `scond<.di> b,[c]`: unlike ARCv2's table, B may be the LIMM (the stored data).
fn scond<S: Sink>(cx: &mut Cx<S>) {
    if cx.b6() != LIMM_REG {
        return alu::atomic(cx, (Op::Scond, "scond"));
    }
    if cx.bits(23, 22) > 1 {
        return;
    }
    cx.name(Op::Scond, "scond");
    if cx.bit(15) {
        cx.set_flag(flag::DI, ".di");
    }
    cx.mem(MemSize::Word, AddrMode::None);
    cx.insn.a = cx.src(LIMM_REG);
    cx.open();
    let c = cx.c6();
    cx.insn.b = if cx.bit(22) {
        cx.uimm(c as u32)
    } else {
        cx.src(c)
    };
    cx.close();
}

/// objdump's ARC700 compares want A = 0 in the register and u6 forms.
fn compare<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str) {
    if cx.bits(23, 22) <= 1 && cx.a6() != 0 {
        return;
    }
    alu::compare(cx, op, name)
}

/// Major 4 single-operand group (sub-opcode 0x2F).
fn single4(sub: u32) -> Entry {
    match sub {
        0x00 => (Op::Asl1, "asl"),
        0x01 => (Op::Asr1, "asr"),
        0x02 => (Op::Lsr1, "lsr"),
        0x03 => (Op::Ror1, "ror"),
        0x04 => (Op::Rrc, "rrc"),
        0x05 => (Op::Sexb, "sexb"),
        0x06 => (Op::Sexh, "sexw"),
        0x07 => (Op::Extb, "extb"),
        0x08 => (Op::Exth, "extw"),
        0x09 => (Op::Abs, "abs"),
        0x0A => (Op::Not, "not"),
        0x0B => (Op::Rlc, "rlc"),
        _ => NO,
    }
}

/// Major 5: the multi-bit shifts, saturating arithmetic and the XMAC multiply-accumulate
/// extension objdump knows for ARC700.
pub(crate) fn major5<S: Sink>(cx: &mut Cx<S>) {
    let sub = cx.bits(21, 16);
    if sub == 0x2F {
        return alu::single(cx, single5(cx.bits(5, 0)));
    }
    let entry = match sub {
        0x00 => (Op::Asl, "asl"),
        0x01 => (Op::Lsr, "lsr"),
        0x02 => (Op::Asr, "asr"),
        0x03 => (Op::Ror, "ror"),
        0x06 => (Op::Ext, "adds"),
        0x07 => (Op::Ext, "subs"),
        0x08 => (Op::Ext, "divaw"),
        0x0A => (Op::Asls, "asls"),
        0x0B => (Op::Asrs, "asrs"),
        0x0C => (Op::Ext, "muldw"),
        0x0D => (Op::Ext, "muludw"),
        0x0E => (Op::Ext, "mulrdw"),
        0x10 => (Op::Ext, "macdw"),
        0x11 => (Op::Ext, "macudw"),
        0x12 => (Op::Ext, "macrdw"),
        0x14 => (Op::Ext, "msubdw"),
        0x28 => (Op::Ext, "addsdw"),
        0x29 => (Op::Ext, "subsdw"),
        0x30 => (Op::Ext, "mululw"),
        0x31 => (Op::Ext, "mullw"),
        0x32 => (Op::Ext, "mulflw"),
        0x33 => (Op::Ext, "maclw"),
        0x34 => (Op::Ext, "macflw"),
        0x35 => (Op::Ext, "machulw"),
        0x36 => (Op::Ext, "machlw"),
        0x37 => (Op::Ext, "machflw"),
        0x38 => (Op::Ext, "mulhlw"),
        0x39 => (Op::Ext, "mulhflw"),
        // objdump finds `0,limm,c` of sub-opcode 0x26 as `cmacrdw`, every other form as `adcs`.
        0x26 if cx.bits(23, 22) == 0
            && cx.a6() == LIMM_REG
            && cx.b6() == LIMM_REG
            && cx.c6() != LIMM_REG =>
        {
            (Op::Ext, "cmacrdw")
        }
        0x26 => (Op::Ext, "adcs"),
        0x27 => (Op::Ext, "sbcs"),
        0x2C => (Op::Ext, "crc"),
        _ => NO,
    };
    if matches!(entry.1, "adcs" | "sbcs") {
        // These two keep the ARCv2 table's `0,limm,c` quirk (see `alu::three`).
        return alu::three(cx, entry, NO_PAIRS);
    }
    alu::three_compact(cx, entry)
}

/// Major 6: the FPX single/double-precision assists and the byte-SIMD extension objdump
/// falls back to for ARC700 objects (no class option selects them); none is modelled.
pub(crate) fn major6<S: Sink>(cx: &mut Cx<S>) {
    let sub = cx.bits(21, 16);
    if sub == 0x2F {
        // `rtsc b,c` ignores F.
        if cx.bits(5, 0) == 0x1A && cx.bits(23, 22) <= 1 {
            cx.w &= !(1 << 15);
            return alu::single(cx, (Op::Ext, "rtsc"));
        }
        return;
    }
    const NAMES: [&str; 0x2B] = [
        "fmul", "fadd", "fsub", "", "", "", "", "", "dmulh11", "dmulh12", "dmulh21", "dmulh22",
        "daddh11", "daddh12", "daddh21", "daddh22", "dsubh11", "dsubh12", "dsubh21", "dsubh22",
        "drsubh11", "drsubh12", "drsubh21", "drsubh22", "dexcl1", "dexcl2", "", "", "", "", "", "",
        "pkqb", "upkqb", "xpkqb", "avgqb", "addqbs", "mpyqb", "fxtr", "iaddr", "acm", "sfxtr",
        "clamp",
    ];
    match NAMES.get(sub as usize) {
        Some(&name) if !name.is_empty() => {
            if sub >= 0x20 && !simd_form_known(cx, sub) {
                return;
            }
            alu::three_compact(cx, (Op::Ext, name))
        }
        _ => {}
    }
}

/// The forms objdump has for the byte-SIMD group (0x20..0x2A): no `0` destination in the
/// register/u6 forms, a LIMM in B only as `a,limm,c`, and `mpyqb` only with one LIMM operand.
fn simd_form_known<S: Sink>(cx: &Cx<S>, sub: u32) -> bool {
    let p = cx.bits(23, 22);
    let (a, b, c) = (
        cx.a6() == LIMM_REG,
        cx.b6() == LIMM_REG,
        cx.c6() == LIMM_REG,
    );
    match p {
        0 if a || (b && c) => false,
        0 if sub == 0x25 => b != c,
        0 => true,
        1 => !a && !b,
        _ => !b,
    }
}

fn single5(sub: u32) -> Entry {
    match sub {
        0x00 => (Op::Swap, "swap"),
        0x01 => (Op::Norm, "norm"),
        0x02 => (Op::Ext, "sat16"),
        0x03 => (Op::Ext, "rnd16"),
        0x04 => (Op::Ext, "abssw"),
        0x05 => (Op::Abss, "abss"),
        0x06 => (Op::Ext, "negsw"),
        0x07 => (Op::Ext, "negs"),
        0x08 => (Op::Normh, "normw"),
        0x09 => (Op::Swape, "swape"),
        _ => NO,
    }
}
