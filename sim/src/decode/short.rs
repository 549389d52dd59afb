//! 16-bit instructions (majors 0x08..0x1F). Compact 3-bit register fields reach r0–r3 and
//! r12–r15; 5-bit `h` fields are {[1:0],[7:5]} (30 = LIMM).

use super::cx::{sext, Cx};
use super::sink::{Shown, Sink};
use super::{cond, flag, AddrMode, MemSize, Op, Operand};

const H_LIMM: u8 = 30;
const GP: u8 = 26;
const FP: u8 = 27;
const SP: u8 = 28;
const BLINK: u8 = 31;
const PCL: u8 = 63;

/// Maps a 3-bit compact register field to r0–r3 / r12–r15.
fn compact(field: u32) -> u8 {
    let f = (field & 7) as u8;
    if f < 4 {
        f
    } else {
        f + 8
    }
}

impl<'s, S: Sink> Cx<'s, S> {
    pub(super) fn rb(&self) -> u8 {
        compact(self.bits(10, 8))
    }
    pub(super) fn rc(&self) -> u8 {
        compact(self.bits(7, 5))
    }
    pub(super) fn ra(&self) -> u8 {
        compact(self.bits(2, 0))
    }
    fn h5(&self) -> u8 {
        ((self.bits(1, 0) << 3) | self.bits(7, 5)) as u8
    }
    /// An `h` source: a core register, or the LIMM when the field is 30.
    fn h_src(&mut self, h: u8) -> Operand {
        if h == H_LIMM {
            let v = self.take_limm();
            self.show(Shown::Limm(v));
            Operand::Imm(v)
        } else {
            self.reg(h)
        }
    }
}

pub(crate) fn decode<S: Sink>(cx: &mut Cx<S>) {
    cx.insn.flags |= flag::SHORT;
    match cx.bits(15, 11) {
        0x08 => mov_or_load_h(cx),
        0x09 => major09(cx),
        0x0A => gp_word(cx),
        0x0B => {
            let (op, name) = if cx.bit(10) {
                (Op::EiS, "ei_s")
            } else {
                (Op::JliS, "jli_s")
            };
            cx.name(op, name);
            cx.insn.b = cx.uimm(cx.bits(9, 0));
        }
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
        0x10 => load_store_b(cx, Op::Ld, "ld_s", MemSize::Word, 2),
        0x11 => load_store_b(cx, Op::Ld, "ldb_s", MemSize::Byte, 0),
        0x12 => load_store_b(cx, Op::Ld, "ldh_s", MemSize::Half, 1),
        0x13 => {
            cx.insn.flags |= flag::X;
            load_store_b(cx, Op::Ld, "ldh_s.x", MemSize::Half, 1)
        }
        0x14 => load_store_b(cx, Op::St, "st_s", MemSize::Word, 2),
        0x15 => load_store_b(cx, Op::St, "stb_s", MemSize::Byte, 0),
        0x16 => load_store_b(cx, Op::St, "sth_s", MemSize::Half, 1),
        0x17 => major17(cx),
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
        0x1E => short_branch(cx),
        _ => {
            cx.name(Op::Bl, "bl_s");
            cx.pcrel(sext(cx.bits(10, 0), 11) * 4);
        }
    }
}

/// Major 0x08: `mov_s g,h` (bit 2 = 0) or `ld_s r0-r3,[h,u5]` (bit 2 = 1).
fn mov_or_load_h<S: Sink>(cx: &mut Cx<S>) {
    let h = cx.h5();
    if cx.bit(2) {
        if h == H_LIMM {
            return;
        }
        cx.name(Op::Ld, "ld_s");
        cx.mem(MemSize::Word, AddrMode::None);
        cx.insn.a = cx.reg(cx.bits(9, 8) as u8);
        cx.open();
        cx.insn.b = cx.h_src(h);
        cx.insn.c = cx.uimm(((cx.bits(10, 10) << 2) | cx.bits(4, 3)) << 2);
        cx.close();
    } else {
        let g = ((cx.bits(4, 3) << 3) | cx.bits(10, 8)) as u8;
        cx.name(Op::Mov, "mov_s");
        cx.insn.a = if g == H_LIMM { cx.zero() } else { cx.reg(g) };
        cx.insn.b = cx.h_src(h);
    }
}

/// Major 0x09: `ld_s.as a,[b,c]`, `sub_s a,b,c`, `add_s r0/r1,b,u6`.
fn major09<S: Sink>(cx: &mut Cx<S>) {
    if cx.bit(3) {
        cx.name(Op::Add, "add_s");
        cx.insn.a = cx.reg(cx.bits(7, 7) as u8);
        cx.insn.b = cx.reg(cx.rb());
        cx.insn.c = cx.uimm((cx.bits(6, 4) << 3) | cx.bits(2, 0));
        return;
    }
    if cx.bit(4) {
        cx.name(Op::Sub, "sub_s");
        cx.insn.a = cx.reg(cx.ra());
        cx.insn.b = cx.reg(cx.rb());
        cx.insn.c = cx.reg(cx.rc());
    } else {
        cx.name(Op::Ld, "ld_s.as");
        cx.mem(MemSize::Word, AddrMode::Scaled);
        cx.insn.a = cx.reg(cx.ra());
        cx.open();
        cx.insn.b = cx.reg(cx.rb());
        cx.insn.c = cx.reg(cx.rc());
        cx.close();
    }
}

/// Major 0x0A: `ld_s r1,[gp,s11]`, `st_s r0,[gp,s11]` (bit 3 = 0), `ldi_s b,[u7]` (bit 3 = 1).
fn gp_word<S: Sink>(cx: &mut Cx<S>) {
    if cx.bit(3) {
        cx.name(Op::Ldi, "ldi_s");
        cx.insn.a = cx.reg(cx.rb());
        cx.open();
        cx.insn.b = cx.uimm((cx.bits(7, 4) << 3) | cx.bits(2, 0));
        cx.close();
        return;
    }
    let offset = sext((cx.bits(10, 5) << 3) | cx.bits(2, 0), 9) * 4;
    cx.mem(MemSize::Word, AddrMode::None);
    if cx.bit(4) {
        cx.name(Op::St, "st_s");
        cx.insn.a = cx.reg(0);
    } else {
        cx.name(Op::Ld, "ld_s");
        cx.insn.a = cx.reg(1);
    }
    cx.open();
    cx.insn.b = cx.reg(GP);
    cx.insn.c = cx.simm(offset);
    cx.close();
}

/// Major 0x0C: `ld_s/ldb_s/ldh_s a,[b,c]`, `add_s a,b,c`.
fn major0c<S: Sink>(cx: &mut Cx<S>) {
    const LOADS: [(MemSize, &str); 3] = [
        (MemSize::Word, "ld_s"),
        (MemSize::Byte, "ldb_s"),
        (MemSize::Half, "ldh_s"),
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

/// Major 0x0E: `add_s b,b,h`, `add_s h,h,s3`, `mov_s h,s3`, `cmp_s b,h`, `cmp_s h,s3`,
/// `mov_s.ne b,h`.
fn major0e<S: Sink>(cx: &mut Cx<S>) {
    let h = cx.h5();
    // objdump's s3: the field value, except that 7 means -1.
    let s3 = match cx.bits(10, 8) {
        7 => -1,
        v => v as i32,
    };
    let b = cx.rb();
    match (cx.bits(4, 3), cx.bit(2)) {
        (0, false) => {
            cx.name(Op::Add, "add_s");
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.h_src(h);
        }
        (0, true) => {
            cx.name(Op::Add, "add_s");
            if h == H_LIMM {
                cx.insn.a = cx.zero();
            } else {
                cx.insn.a = cx.reg(h);
            }
            cx.insn.b = cx.h_src(h);
            cx.insn.c = cx.simm(s3);
        }
        (1, true) => {
            cx.name(Op::Mov, "mov_s");
            cx.insn.a = if h == H_LIMM { cx.zero() } else { cx.reg(h) };
            cx.insn.b = cx.simm(s3);
        }
        (2, false) => {
            cx.name(Op::Cmp, "cmp_s");
            cx.insn.flags |= flag::F;
            cx.insn.b = cx.reg(b);
            cx.insn.c = cx.h_src(h);
        }
        (2, true) => {
            cx.name(Op::Cmp, "cmp_s");
            cx.insn.flags |= flag::F;
            cx.insn.b = cx.h_src(h);
            cx.insn.c = cx.simm(s3);
        }
        (3, true) => {
            cx.name(Op::Mov, "mov_s");
            cx.suffix(".ne");
            cx.insn.cond = cond::NE;
            cx.insn.a = cx.reg(b);
            cx.insn.b = cx.h_src(h);
        }
        _ => {}
    }
}

/// Major 0x0F: the general two-register group, jumps and the zero-operand instructions.
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
        0x09 => (Op::Mpyw, "mpyw_s", Form::Bbc),
        0x0A => (Op::Mpyuw, "mpyuw_s", Form::Bbc),
        0x0B => (Op::Tst, "tst_s", Form::Test),
        0x0C => (Op::Mpy, "mpy_s", Form::Bbc),
        0x0D => (Op::Sexb, "sexb_s", Form::Bc),
        0x0E => (Op::Sexh, "sexh_s", Form::Bc),
        0x0F => (Op::Extb, "extb_s", Form::Bc),
        0x10 => (Op::Exth, "exth_s", Form::Bc),
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
        0x1F => (Op::Swi, "swi_s", Form::U6),
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

enum Form {
    /// `op b,b,c`
    Bbc,
    /// `op b,c`
    Bc,
    /// `tst_s b,c`
    Test,
    U6,
    None,
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
            2 => {
                cx.name(Op::Swi, "swi_s");
                cx.insn.b = Operand::Imm(0);
            }
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

/// Majors 0x10..0x16: `ld*_s`/`st*_s c,[b,u]` with the offset scaled by the access size.
pub(super) fn load_store_b<S: Sink>(
    cx: &mut Cx<S>,
    op: Op,
    name: &'static str,
    size: MemSize,
    shift: u32,
) {
    cx.name(op, name);
    cx.mem(size, AddrMode::None);
    cx.insn.a = cx.reg(cx.rc());
    cx.open();
    cx.insn.b = cx.reg(cx.rb());
    cx.insn.c = cx.uimm(cx.bits(4, 0) << shift);
    cx.close();
}

/// Major 0x17: `asl_s/lsr_s/asr_s/sub_s/bset_s/bclr_s/bmsk_s b,b,u5`, `btst_s b,u5`.
pub(super) fn major17<S: Sink>(cx: &mut Cx<S>) {
    const OPS: [(Op, &str); 8] = [
        (Op::Asl, "asl_s"),
        (Op::Lsr, "lsr_s"),
        (Op::Asr, "asr_s"),
        (Op::Sub, "sub_s"),
        (Op::Bset, "bset_s"),
        (Op::Bclr, "bclr_s"),
        (Op::Bmsk, "bmsk_s"),
        (Op::Btst, "btst_s"),
    ];
    let (op, name) = OPS[cx.bits(7, 5) as usize];
    let b = cx.rb();
    cx.name(op, name);
    if op == Op::Btst {
        cx.insn.flags |= flag::F;
    } else {
        cx.insn.a = cx.reg(b);
    }
    cx.insn.b = cx.reg(b);
    cx.insn.c = cx.uimm(cx.bits(4, 0));
}

/// Major 0x18: sp-relative loads/stores and adjustments, push/pop, enter/leave.
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
        6 => pop_or_leave(cx, b),
        _ => push_or_enter(cx, b),
    }
}

fn pop_or_leave<S: Sink>(cx: &mut Cx<S>, b: u8) {
    match cx.bits(4, 0) {
        0x01 => {
            cx.name(Op::PopS, "pop_s");
            cx.insn.a = cx.reg(b);
        }
        // objdump ignores B in `push_s blink` / `pop_s blink`.
        0x11 => {
            cx.name(Op::PopS, "pop_s");
            cx.insn.a = cx.reg(BLINK);
        }
        low if low & 1 == 0 => {
            let u = (cx.bits(10, 8) << 4) | cx.bits(4, 1);
            cx.name(Op::LeaveS, "leave_s");
            register_list(cx, u, true);
        }
        _ => {}
    }
}

fn push_or_enter<S: Sink>(cx: &mut Cx<S>, b: u8) {
    match cx.bits(4, 0) {
        0x01 => {
            cx.name(Op::PushS, "push_s");
            cx.insn.a = cx.reg(b);
        }
        // objdump ignores B in `push_s blink` / `pop_s blink`.
        0x11 => {
            cx.name(Op::PushS, "push_s");
            cx.insn.a = cx.reg(BLINK);
        }
        low if low & 1 == 0 && !cx.bit(10) => {
            let u = (cx.bits(9, 8) << 4) | cx.bits(4, 1);
            cx.name(Op::EnterS, "enter_s");
            register_list(cx, u, false);
        }
        _ => {}
    }
}

/// The `[r13-rN,fp,blink,pcl]` operand of `enter_s`/`leave_s`.
fn register_list<S: Sink>(cx: &mut Cx<S>, u: u32, leave: bool) {
    cx.insn.b = Operand::Imm(u);
    let count = (u & 0xF) as usize;
    cx.show(Shown::Open);
    match RANGES.get(count) {
        // objdump prints a count of 0 as nothing and 15 as a plain number.
        Some(&"") => {}
        Some(&range) => cx.show(Shown::Range(range)),
        None => cx.show(Shown::Uimm(count as u32)),
    }
    if u & 0x10 != 0 {
        cx.show(Shown::Reg(FP));
    }
    if u & 0x20 != 0 {
        cx.show(Shown::Reg(BLINK));
    }
    if leave && u & 0x40 != 0 {
        cx.show(Shown::Reg(PCL));
    }
    cx.show(Shown::Close);
}

const RANGES: [&str; 15] = [
    "", "r13", "r13-r14", "r13-r15", "r13-r16", "r13-r17", "r13-r18", "r13-r19", "r13-r20",
    "r13-r21", "r13-r22", "r13-r23", "r13-r24", "r13-r25", "r13-gp",
];

/// Major 0x19: gp-relative `ld_s/ldb_s/ldh_s r0,[gp,s]`, `add_s r0,gp,s11`.
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
        2 => gp_access(cx, "ldh_s", MemSize::Half, s9 * 2),
        _ => {
            cx.name(Op::Add, "add_s");
            cx.insn.a = cx.reg(0);
            cx.insn.b = cx.reg(GP);
            cx.insn.c = cx.simm(s9 * 4);
        }
    }
}

/// Major 0x1E: `b_s`, `beq_s`, `bne_s` (s10) and `bgt_s … bls_s` (s7).
pub(super) fn short_branch<S: Sink>(cx: &mut Cx<S>) {
    const NAMES: [(&str, u8); 3] = [("b_s", cond::AL), ("beq_s", cond::EQ), ("bne_s", cond::NE)];
    const CONDS: [(&str, u8); 8] = [
        ("bgt_s", cond::GT),
        ("bge_s", cond::GE),
        ("blt_s", cond::LT),
        ("ble_s", cond::LE),
        ("bhi_s", cond::HI),
        ("bhs_s", cond::CC),
        ("blo_s", cond::CS),
        ("bls_s", cond::LS),
    ];
    let kind = cx.bits(10, 9) as usize;
    let (name, cc, disp) = if kind < 3 {
        let (name, cc) = NAMES[kind];
        (name, cc, sext(cx.bits(8, 0), 9) * 2)
    } else {
        let (name, cc) = CONDS[cx.bits(8, 6) as usize];
        (name, cc, sext(cx.bits(5, 0), 6) * 2)
    };
    cx.name(Op::B, name);
    cx.insn.cond = cc;
    cx.pcrel(disp);
}
