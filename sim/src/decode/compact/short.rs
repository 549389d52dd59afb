//! ARCompact 16-bit instructions (majors 0x0C..0x1F). Unlike ARCv2 the `h` register field is
//! six bits, {[2:0],[7:5]}, with 62 as the LIMM marker, and there is no gp/ldi/enter/leave/
//! `mpy*_s` form. The formats ARCv2 shares bit for bit come from its `short` module.

use super::super::cx::{sext, Cx, LIMM_REG};
use super::super::short as v2;
use super::super::sink::{Shown, Sink};
use super::super::{cond, flag, AddrMode, MemSize, Op, Operand};

const GP: u8 = 26;
const SP: u8 = 28;
const BLINK: u8 = 31;
const PCL: u8 = 63;

fn h6<S: Sink>(cx: &Cx<S>) -> u8 {
    ((cx.bits(2, 0) << 3) | cx.bits(7, 5)) as u8
}

pub(crate) fn decode<S: Sink>(cx: &mut Cx<S>) {
    cx.insn.flags |= flag::SHORT;
    match cx.bits(15, 11) {
        0x0C => major0c(cx),
        0x0D => {
            const OPS: [(Op, &str); 4] = [
                (Op::Add, "add_s"),
                (Op::Sub, "sub_s"),
                (Op::Asl, "asl_s"),
                (Op::Asr, "asr_s"),
            ];
            let (op, name) = OPS[cx.bits(4, 3) as usize];
            cx.name(op, name);
            cx.insn.a = cx.reg(cx.rc());
            cx.insn.b = cx.reg(cx.rb());
            cx.insn.c = cx.uimm(cx.bits(2, 0));
        }
        0x0E => major0e(cx),
        0x0F => major0f(cx),
        0x10 => v2::load_store_b(cx, Op::Ld, "ld_s", MemSize::Word, 2),
        0x11 => v2::load_store_b(cx, Op::Ld, "ldb_s", MemSize::Byte, 0),
        0x12 => v2::load_store_b(cx, Op::Ld, "ldw_s", MemSize::Half, 1),
        0x13 => {
            cx.insn.flags |= flag::X;
            v2::load_store_b(cx, Op::Ld, "ldw_s.x", MemSize::Half, 1)
        }
        0x14 => v2::load_store_b(cx, Op::St, "st_s", MemSize::Word, 2),
        0x15 => v2::load_store_b(cx, Op::St, "stb_s", MemSize::Byte, 0),
        0x16 => v2::load_store_b(cx, Op::St, "stw_s", MemSize::Half, 1),
        0x17 => v2::major17(cx),
        0x18 => sp_group(cx),
        0x19 => gp_group(cx),
        0x1A => {
            cx.name(Op::Ld, "ld_s");
            cx.insn.a = cx.reg(cx.rb());
            cx.open();
            cx.insn.b = cx.reg(PCL);
            cx.insn.c = cx.uimm(cx.bits(7, 0) << 2);
            cx.close();
        }
        0x1B => {
            cx.name(Op::Mov, "mov_s");
            cx.insn.a = cx.reg(cx.rb());
            cx.insn.b = cx.uimm(cx.bits(7, 0));
        }
        0x1C => {
            if cx.bit(7) {
                cx.name(Op::Cmp, "cmp_s");
                cx.insn.flags |= flag::F;
            } else {
                cx.name(Op::Add, "add_s");
                cx.insn.a = cx.reg(cx.rb());
            }
            cx.insn.b = cx.reg(cx.rb());
            cx.insn.c = cx.uimm(cx.bits(6, 0));
        }
        0x1D => {
            let (op, name) = if cx.bit(7) {
                (Op::Brne, "brne_s")
            } else {
                (Op::Breq, "breq_s")
            };
            cx.name(op, name);
            cx.insn.b = cx.reg(cx.rb());
            cx.insn.c = Operand::Imm(0);
            cx.show(Shown::Uimm(0));
            cx.pcrel(sext(cx.bits(6, 0), 7) * 2);
        }
        0x1E => v2::short_branch(cx),
        _ => {
            cx.name(Op::Bl, "bl_s");
            cx.pcrel(sext(cx.bits(10, 0), 11) * 4);
        }
    }
}

fn major0c<S: Sink>(cx: &mut Cx<S>) {
    const LOADS: [(MemSize, &str); 3] = [
        (MemSize::Word, "ld_s"),
        (MemSize::Byte, "ldb_s"),
        (MemSize::Half, "ldw_s"),
    ];
    let sub = cx.bits(4, 3) as usize;
    if sub == 3 {
        cx.name(Op::Add, "add_s");
        cx.insn.a = cx.reg(cx.ra());
        cx.insn.b = cx.reg(cx.rb());
        cx.insn.c = cx.reg(cx.rc());
        return;
    }
    let (size, name) = LOADS[sub];
    cx.name(Op::Ld, name);
    cx.mem(size, AddrMode::None);
    cx.insn.a = cx.reg(cx.ra());
    cx.open();
    cx.insn.b = cx.reg(cx.rb());
    cx.insn.c = cx.reg(cx.rc());
    cx.close();
}

/// Major 0x0E: `add_s b,b,h`, `mov_s b,h`, `cmp_s b,h`, `mov_s h,b` (h = 62: LIMM).
fn major0e<S: Sink>(cx: &mut Cx<S>) {
    let h = h6(cx);
    let b = cx.rb();
    match cx.bits(4, 3) {
        0 => {
            cx.name(Op::Add, "add_s");
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.src(h);
        }
        1 => {
            cx.name(Op::Mov, "mov_s");
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.src(h);
        }
        2 => {
            cx.name(Op::Cmp, "cmp_s");
            cx.insn.flags |= flag::F;
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.src(h);
        }
        _ => {
            cx.name(Op::Mov, "mov_s");
            // h = 62 is the discarded destination here, not a LIMM.
            cx.insn.a = if h == LIMM_REG { cx.zero() } else { cx.reg(h) };
            cx.insn.b = cx.reg(b);
        }
    }
}

enum Form {
    Bbc,
    Bc,
    Test,
    U6,
    None,
}

fn major0f<S: Sink>(cx: &mut Cx<S>) {
    let b = cx.rb();
    let c = cx.rc();
    let sub = cx.bits(4, 0);
    if sub == 0 {
        return jumps(cx, b);
    }
    let (op, name, form) = match sub {
        0x02 => (Op::Sub, "sub_s", Form::Bbc),
        0x04 => (Op::And, "and_s", Form::Bbc),
        0x05 => (Op::Or, "or_s", Form::Bbc),
        0x06 => (Op::Bic, "bic_s", Form::Bbc),
        0x07 => (Op::Xor, "xor_s", Form::Bbc),
        0x0B => (Op::Tst, "tst_s", Form::Test),
        0x0D => (Op::Sexb, "sexb_s", Form::Bc),
        0x0E => (Op::Sexh, "sexw_s", Form::Bc),
        0x0F => (Op::Extb, "extb_s", Form::Bc),
        0x10 => (Op::Exth, "extw_s", Form::Bc),
        0x11 => (Op::Abs, "abs_s", Form::Bc),
        0x12 => (Op::Not, "not_s", Form::Bc),
        0x13 => (Op::Neg, "neg_s", Form::Bc),
        0x14 => (Op::Add1, "add1_s", Form::Bbc),
        0x15 => (Op::Add2, "add2_s", Form::Bbc),
        0x16 => (Op::Add3, "add3_s", Form::Bbc),
        0x18 => (Op::Asl, "asl_s", Form::Bbc),
        0x19 => (Op::Lsr, "lsr_s", Form::Bbc),
        0x1A => (Op::Asr, "asr_s", Form::Bbc),
        0x1B => (Op::Asl1, "asl_s", Form::Bc),
        0x1C => (Op::Asr1, "asr_s", Form::Bc),
        0x1D => (Op::Lsr1, "lsr_s", Form::Bc),
        0x1E => (Op::Trap, "trap_s", Form::U6),
        0x1F if cx.w & 0xFFFF == 0x7FFF => (Op::Brk, "brk_s", Form::None),
        _ => return,
    };
    cx.name(op, name);
    match form {
        Form::Bbc => {
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.reg(c);
        }
        Form::Bc => {
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.reg(c);
        }
        Form::Test => {
            cx.insn.flags |= flag::F;
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.reg(c);
        }
        Form::U6 => cx.insn.b = cx.uimm(cx.bits(10, 5)),
        Form::None => {}
    }
}

fn jumps<S: Sink>(cx: &mut Cx<S>, b: u8) {
    let jump = |cx: &mut Cx<S>, op: Op, name: &'static str, delay: bool, target: u8| {
        cx.name(op, name);
        if delay {
            cx.set_flag(flag::D, ".d");
        }
        cx.open();
        cx.insn.b = cx.reg(target);
        cx.close();
    };
    match cx.bits(7, 5) {
        0 => jump(cx, Op::J, "j_s", false, b),
        1 => jump(cx, Op::J, "j_s", true, b),
        2 => jump(cx, Op::Jl, "jl_s", false, b),
        3 => jump(cx, Op::Jl, "jl_s", true, b),
        6 => {
            cx.name(Op::Sub, "sub_s");
            cx.suffix(".ne");
            cx.insn.cond = cond::NE;
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.reg(b);
        }
        7 => match cx.bits(10, 8) {
            0 => cx.name(Op::Nop, "nop_s"),
            1 => cx.name(Op::Unimp, "unimp_s"),
            4 => {
                cx.insn.cond = cond::EQ;
                jump(cx, Op::J, "jeq_s", false, BLINK);
            }
            5 => {
                cx.insn.cond = cond::NE;
                jump(cx, Op::J, "jne_s", false, BLINK);
            }
            6 => jump(cx, Op::J, "j_s", false, BLINK),
            7 => jump(cx, Op::J, "j_s", true, BLINK),
            _ => {}
        },
        _ => {}
    }
}

fn sp_group<S: Sink>(cx: &mut Cx<S>) {
    let b = cx.rb();
    let u7 = cx.bits(4, 0) << 2;
    let sp_access = |cx: &mut Cx<S>, op: Op, name: &'static str, size: MemSize| {
        cx.name(op, name);
        cx.mem(size, AddrMode::None);
        cx.insn.a = cx.reg(b);
        cx.open();
        cx.insn.b = cx.reg(SP);
        cx.insn.c = cx.uimm(u7);
        cx.close();
    };
    match cx.bits(7, 5) {
        0 => sp_access(cx, Op::Ld, "ld_s", MemSize::Word),
        1 => sp_access(cx, Op::Ld, "ldb_s", MemSize::Byte),
        2 => sp_access(cx, Op::St, "st_s", MemSize::Word),
        3 => sp_access(cx, Op::St, "stb_s", MemSize::Byte),
        4 => {
            cx.name(Op::Add, "add_s");
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.reg(SP);
            cx.insn.c = cx.uimm(u7);
        }
        5 => {
            let (op, name) = match cx.bits(10, 8) {
                0 => (Op::Add, "add_s"),
                1 => (Op::Sub, "sub_s"),
                _ => return,
            };
            cx.name(op, name);
            cx.insn.a = cx.reg(SP);
            cx.insn.b = cx.reg(SP);
            cx.insn.c = cx.uimm(u7);
        }
        6 => push_pop(cx, Op::PopS, "pop_s", b),
        _ => push_pop(cx, Op::PushS, "push_s", b),
    }
}

fn push_pop<S: Sink>(cx: &mut Cx<S>, op: Op, name: &'static str, b: u8) {
    let r = match cx.bits(4, 0) {
        0x01 => b,
        0x11 => BLINK,
        _ => return,
    };
    cx.name(op, name);
    cx.insn.a = cx.reg(r);
}

fn gp_group<S: Sink>(cx: &mut Cx<S>) {
    let s9 = sext(cx.bits(8, 0), 9);
    let gp_access = |cx: &mut Cx<S>, name: &'static str, size: MemSize, offset: i32| {
        cx.name(Op::Ld, name);
        cx.mem(size, AddrMode::None);
        cx.insn.a = cx.reg(0);
        cx.open();
        cx.insn.b = cx.reg(GP);
        cx.insn.c = cx.simm(offset);
        cx.close();
    };
    match cx.bits(10, 9) {
        0 => gp_access(cx, "ld_s", MemSize::Word, s9 * 4),
        1 => gp_access(cx, "ldb_s", MemSize::Byte, s9),
        2 => gp_access(cx, "ldw_s", MemSize::Half, s9 * 2),
        _ => {
            cx.name(Op::Add, "add_s");
            cx.insn.a = cx.reg(0);
            cx.insn.b = cx.reg(GP);
            cx.insn.c = cx.simm(s9 * 4);
        }
    }
}
