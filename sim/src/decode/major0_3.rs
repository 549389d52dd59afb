//! 32-bit majors 0–3: branches (`b`, `bl`, `brcc`, `bbit`) and the `[b,s9]` loads and stores.

use super::alu::prefetch_kind;
use super::cx::{sext, Cx, LIMM_REG};
use super::sink::Sink;
use super::{flag, AddrMode, MemSize, Op, Operand};

/// Major 0: `b<cc><.d> s21` / `b<.d> s25`.
pub(crate) fn branch<S: Sink>(cx: &mut Cx<S>) {
    let low = cx.bits(26, 17) << 1;
    let mid = cx.bits(15, 6) << 11;
    cx.name(Op::B, "b");
    if cx.bit(16) {
        let disp = sext((cx.bits(3, 0) << 21) | mid | low, 25);
        delay(cx, 5);
        cx.pcrel(disp);
    } else {
        let disp = sext(mid | low, 21);
        cx.cond_glued(cx.bits(4, 0) as u8);
        delay(cx, 5);
        cx.pcrel(disp);
    }
}

/// Major 1: `bl` (bit 16 = 0) or `brcc`/`bbit` (bit 16 = 1).
pub(crate) fn branch_link_or_compare<S: Sink>(cx: &mut Cx<S>) {
    branch_link_or_compare_isa::<S, true>(cx)
}

/// `V2`: ARCv2's `.t`/`.nt` hint bit (bit 3) of `brcc`/`bbit`; in ARCompact bit 3 is part
/// of the sub-opcode and there is no hint.
pub(super) fn branch_link_or_compare_isa<S: Sink, const V2: bool>(cx: &mut Cx<S>) {
    if cx.bit(16) {
        return compare_branch::<S, V2>(cx);
    }
    let low = cx.bits(26, 18) << 2;
    let mid = cx.bits(15, 6) << 11;
    cx.name(Op::Bl, "bl");
    if cx.bit(17) {
        let disp = sext((cx.bits(3, 0) << 21) | mid | low, 25);
        delay(cx, 5);
        cx.pcrel(disp);
    } else {
        let disp = sext(mid | low, 21);
        cx.cond(cx.bits(4, 0) as u8, false);
        delay(cx, 5);
        cx.pcrel(disp);
    }
}

pub(super) fn delay<S: Sink>(cx: &mut Cx<S>, bit: u32) {
    if cx.bit(bit) {
        cx.set_flag(flag::D, ".d");
    }
}

fn compare_branch<S: Sink, const V2: bool>(cx: &mut Cx<S>) {
    const OPS: [(Op, &str); 8] = [
        (Op::Breq, "breq"),
        (Op::Brne, "brne"),
        (Op::Brlt, "brlt"),
        (Op::Brge, "brge"),
        (Op::Brlo, "brlo"),
        (Op::Brhs, "brhs"),
        (Op::Bbit0, "bbit0"),
        (Op::Bbit1, "bbit1"),
    ];
    let (op, name) = OPS[cx.bits(2, 0) as usize];
    let disp = sext((cx.bits(15, 15) << 8) | (cx.bits(23, 17) << 1), 9);
    let b = cx.b6();
    let c = cx.c6();
    let imm = cx.bit(4);
    // objdump has no delay-slot form with a LIMM operand (`[limm,limm]` reads one LIMM twice).
    if (b == LIMM_REG || (!imm && c == LIMM_REG)) && cx.bit(5) {
        return;
    }
    // ARCompact's sub-opcode is bits 3:0: 0..5 the `br<cc>`, 0xE/0xF `bbit0`/`bbit1`.
    if !V2 && cx.bit(3) != (cx.bits(2, 0) >= 6) {
        return;
    }
    // ARCompact's objdump has no `br<cc> limm,limm` (it does have `bbit<n> limm,limm`).
    if !V2 && b == LIMM_REG && !imm && c == LIMM_REG && cx.bits(2, 0) < 6 {
        return;
    }
    cx.name(op, name);
    delay(cx, 5);
    if V2 {
        if cx.bit(3) {
            cx.set_flag(flag::T, ".t");
        } else {
            cx.suffix(".nt");
        }
    }
    cx.insn.b = cx.src(b);
    cx.insn.c = if imm { cx.uimm(c as u32) } else { cx.src(c) };
    cx.pcrel(disp);
}

const SIZES: [(MemSize, &str, &str); 4] = [
    (MemSize::Word, "ld", "st"),
    (MemSize::Byte, "ldb", "stb"),
    (MemSize::Half, "ldh", "sth"),
    (MemSize::Double, "ldd", "std"),
];

pub(crate) const MODES: [(AddrMode, &str); 4] = [
    (AddrMode::None, ""),
    (AddrMode::PreUpdate, ".aw"),
    (AddrMode::PostUpdate, ".ab"),
    (AddrMode::Scaled, ".as"),
];

/// Major 2: `ld<zz><.di><.aa><.x> a,[b,s9]`, and the prefetch forms (a = 62).
pub(crate) fn load<S: Sink>(cx: &mut Cx<S>) {
    load_isa::<S, true>(cx)
}

/// `V2`: ARCv2 names all three cache hints; ARCompact only `prefetch` (x = di = 0), the
/// others being loads into `0`.
pub(super) fn load_isa<S: Sink, const V2: bool>(cx: &mut Cx<S>) {
    let zz = cx.bits(8, 7) as usize;
    let x = cx.bit(6);
    let di = cx.bit(11);
    let aa = cx.bits(10, 9) as usize;
    let a = cx.a6();
    let b = cx.b6();
    let s9 = sext((cx.bits(15, 15) << 8) | cx.bits(23, 16), 9);
    let (size, _, _) = SIZES[zz];
    if size == MemSize::Double && x {
        return;
    }
    let hint = if a == LIMM_REG && zz == 0 {
        prefetch_kind::<V2>(x, di)
    } else {
        None
    };
    let prefetch = hint.is_some();
    if let Some((op, name)) = hint {
        cx.name(op, name);
    } else {
        cx.name(Op::Ld, SIZES[zz].1);
        if di {
            cx.set_flag(flag::DI, ".di");
        }
    }
    // objdump drops the address-mode suffix for a LIMM base without offset, and for the cache
    // hints with a LIMM base; the write-back then has no target and the scaling nothing to scale.
    let (mut mode, mode_name) = MODES[aa];
    // ARCompact's objdump drops it for a zero-offset `prefetch` too (`prefetch [b]`).
    let drop_mode = if V2 {
        b == LIMM_REG && (s9 == 0 || prefetch)
    } else {
        s9 == 0 && (b == LIMM_REG || prefetch)
    };
    if drop_mode {
        mode = AddrMode::None;
    } else {
        cx.suffix(mode_name);
    }
    if x && !prefetch {
        cx.set_flag(flag::X, ".x");
    }
    cx.mem(size, mode);
    if !prefetch {
        cx.insn.a = if a == LIMM_REG {
            cx.zero()
        } else if size == MemSize::Double {
            cx.pair(a)
        } else {
            cx.reg(a)
        };
    }
    cx.open();
    cx.insn.b = cx.src(b);
    // The cache hints show a zero offset (`[b,0]`), except after a LIMM base.
    cx.insn.c = if V2 && prefetch && b != LIMM_REG {
        cx.simm(s9)
    } else {
        offset(cx, s9)
    };
    cx.close();
}

/// Major 3: `st<zz><.di><.aa> c,[b,s9]` (bit 0: the data is the signed 6-bit immediate in c).
pub(crate) fn store<S: Sink>(cx: &mut Cx<S>) {
    store_isa::<S, true>(cx)
}

/// `V2`: ARCv2's immediate-data form (bit 0) and `std`; ARCompact ignores bit 0 and has no
/// 64-bit store.
pub(super) fn store_isa<S: Sink, const V2: bool>(cx: &mut Cx<S>) {
    let zz = cx.bits(2, 1) as usize;
    let aa = cx.bits(4, 3) as usize;
    let di = cx.bit(5);
    let c = cx.c6();
    let b = cx.b6();
    let s9 = sext((cx.bits(15, 15) << 8) | cx.bits(23, 16), 9);
    let (size, _, name) = SIZES[zz];
    if !V2 && size == MemSize::Double {
        return;
    }
    let imm_data = V2 && cx.bit(0);
    let limm_data = !imm_data && c == LIMM_REG;
    // With a LIMM base objdump knows a register's store only as `[limm]` (any mode bits, no
    // suffix) and an immediate's zero-offset store without suffix.
    let mut show_mode = true;
    if b == LIMM_REG && !limm_data {
        if !imm_data && s9 != 0 {
            return;
        }
        show_mode = imm_data && !(aa != 0 && s9 == 0);
    }
    cx.name(Op::St, name);
    if di {
        cx.set_flag(flag::DI, ".di");
    }
    let (mut mode, mode_name) = MODES[aa];
    if show_mode {
        cx.suffix(mode_name);
    } else {
        mode = AddrMode::None;
    }
    cx.mem(size, mode);
    cx.insn.a = if imm_data {
        cx.simm(sext(c as u32, 6))
    } else if c == LIMM_REG {
        cx.src(c)
    } else if size == MemSize::Double {
        cx.pair(c)
    } else {
        cx.reg(c)
    };
    cx.open();
    cx.insn.b = cx.src(b);
    // After LIMM data objdump shows a zero offset (`[b,0]`).
    cx.insn.c = if limm_data {
        cx.simm(s9)
    } else {
        offset(cx, s9)
    };
    cx.close();
}

/// objdump prints `[b]` rather than `[b,0]` for a zero offset.
pub(super) fn offset<S: Sink>(cx: &mut Cx<S>, s9: i32) -> Operand {
    if s9 == 0 {
        Operand::Imm(0)
    } else {
        cx.simm(s9)
    }
}
