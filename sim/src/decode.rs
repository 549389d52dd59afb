//! ARCv2 (HS) instruction decoder: turns the bytes at an instruction address into a typed,
//! `Copy` [`Insn`] that the executor caches and runs many times, and that the disassembler
//! prints exactly as `arc-linux-gnu-objdump` does.
//!
//! Byte order: a 32-bit instruction (and a LIMM) is "middle-endian": the little-endian halfword
//! at the lower address holds bits 31:16, the next one bits 15:0. A 16-bit instruction is one
//! little-endian halfword. The decoder is configuration-independent: it decodes everything
//! objdump decodes for ARC HS; whether the configured core has an option (LL/SC, FPU, …) is the
//! executor's business.
//!
//! # Operand conventions (fields `a`, `b`, `c`, `disp`)
//! | op class | `a` | `b` | `c` | `disp` |
//! |---|---|---|---|---|
//! | ALU `op a,b,c` | destination (`None` = result discarded, the `0,b,c` forms) | source 1 | source 2 | – |
//! | single-operand `op b,c` (mov, not, sexb, ext*, 1-bit shifts, swap, norm, …) | destination | source | – | – |
//! | compares / tests (`cmp`, `tst`, `btst`, `rcmp`, `fscmp`, `fscmpf`, `fdcmp`, `fdcmpf`) | `None` | source 1 | source 2 | – |
//! | `ld a,[b,c]` (also `ldd`, `ldi`, `llock(d)`, `pop_s`, prefetch with `a`=`None`) | destination | base | offset (`Imm` or `Reg`) | – |
//! | `st a,[b,c]` (also `std`, `scond(d)`, `push_s`) | **data to store** | base | offset | – |
//! | `ex a,[b,c]` | register swapped with memory | base | offset | – |
//! | `b`/`bl`/`lp` (PC-relative) | – | – | – | byte displacement from PCL |
//! | `brcc`/`bbit` | – | source 1 | source 2 | byte displacement from PCL |
//! | `dbnz b,disp` | counter register (read and written) | – | – | byte displacement from PCL |
//! | `j`/`jl`/`bi`/`bih`/`jli_s`/`ei_s` | – | target / index (`Reg` or `Imm`) | – | – |
//! | `lr a,[b]` | destination | aux register number | – | – |
//! | `sr b,[c]` / `aex b,[c]` | – (`aex`: `b` is also written) | value | aux register number | – |
//! | `flag`, `kflag`, `seti`, `clri`, `sleep`, `swi_s`, `trap_s`, `brk_s`, `sync`, `dmb`, … | – (`clri c`: `a` = destination) | operand (`Imm(0)` when omitted) | – | – |
//! | `enter_s`/`leave_s` | – | `Imm(u)`: the encoded register-list word (see [`Op::EnterS`]) | – | – |
//!
//! PCL = (address of the current instruction) & !3. Every PC-relative target is
//! `pcl.wrapping_add(disp as u32)`; `disp` is already sign-extended and scaled to bytes.

mod alu;
mod aux_names;
mod compact;
mod cx;
mod major0_3;
mod names;
mod short;
pub(crate) mod sink;

pub(crate) use aux_names::aux_name;

/// The aux-register name objdump prints for `addr` on `isa`.
pub(crate) fn aux_name_for(isa: Isa, addr: u32) -> Option<&'static str> {
    match isa {
        Isa::ArcV2 => aux_name(addr),
        Isa::ArcCompact => compact::aux_names::aux_name(addr),
    }
}
use cx::Cx;
use sink::{Quiet, Sink};

/// The instruction set a core decodes. Chosen once per core (from the ELF's e_machine or the
/// `--core` option), never guessed per instruction: the two share majors with different meanings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Isa {
    /// ARCv2 (ARC HS, EM_ARCV2 = 195).
    #[default]
    ArcV2,
    /// ARCompact (ARC700, EM_ARC_COMPACT = 93).
    ArcCompact,
}

impl Isa {
    /// Whether the halfword at PC starts a 16-bit instruction: ARCv2 majors 0x08..0x1F,
    /// ARCompact majors 0x0C..0x1F (its 0x08..0x0B are 32-bit extension majors).
    pub const fn is_short(self, first: u16) -> bool {
        match self {
            Isa::ArcV2 => first >> 11 >= 0x08,
            Isa::ArcCompact => first >> 11 >= 0x0C,
        }
    }
    /// The decoder of this ISA; callers pick it once, outside their per-instruction paths.
    pub fn decoder(self) -> fn([u16; 4]) -> Insn {
        match self {
            Isa::ArcV2 => decode_halfwords,
            Isa::ArcCompact => compact::decode_halfwords,
        }
    }
}

/// How the operation reads a register, an immediate (short immediates and resolved LIMMs alike),
/// or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Operand {
    #[default]
    None,
    /// Core register r0..r63 (r62 never appears: it is the LIMM marker; r63 reads PCL).
    Reg(u8),
    /// Immediate value, already sign- or zero-extended to 32 bits; a LIMM is resolved here.
    Imm(u32),
}

/// Memory access width (`zz` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MemSize {
    #[default]
    Word,
    Byte,
    Half,
    /// 64 bits: a register pair (even register first).
    Double,
}

impl MemSize {
    pub const fn bytes(self) -> u32 {
        match self {
            MemSize::Byte => 1,
            MemSize::Half => 2,
            MemSize::Word => 4,
            MemSize::Double => 8,
        }
    }
}

/// Address write-back mode (`aa` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AddrMode {
    /// address = base + offset, base unchanged.
    #[default]
    None,
    /// `.a`/`.aw`: address = base + offset, base ← address.
    PreUpdate,
    /// `.ab`: address = base, then base ← base + offset.
    PostUpdate,
    /// `.as`: address = base + (offset << log2(size)) (half ×2, word/double ×4); no write-back.
    Scaled,
}

/// `Insn::flags` bits.
pub mod flag {
    /// `.f`: update STATUS32 flags (always set for cmp/rcmp/tst/btst and their `_s` forms).
    pub const F: u8 = 1 << 0;
    /// `.d`: the next instruction is a delay slot.
    pub const D: u8 = 1 << 1;
    /// `.x`: sign-extend a byte/half load.
    pub const X: u8 = 1 << 2;
    /// `.di`: cache bypass.
    pub const DI: u8 = 1 << 3;
    /// A 32-bit long immediate follows the instruction word.
    pub const LIMM: u8 = 1 << 4;
    /// Static branch-prediction hint bit of `brcc`/`bbit` (`.t`); no architectural effect.
    pub const T: u8 = 1 << 5;
    /// The instruction is a 16-bit ("_s") form.
    pub const SHORT: u8 = 1 << 6;
}

/// Condition codes (5-bit field). Values 0x10..0x1F are extension conditions.
pub mod cond {
    pub const AL: u8 = 0x00;
    pub const EQ: u8 = 0x01;
    pub const NE: u8 = 0x02;
    pub const PL: u8 = 0x03;
    pub const MI: u8 = 0x04;
    pub const CS: u8 = 0x05;
    pub const CC: u8 = 0x06;
    pub const VS: u8 = 0x07;
    pub const VC: u8 = 0x08;
    pub const GT: u8 = 0x09;
    pub const GE: u8 = 0x0A;
    pub const LT: u8 = 0x0B;
    pub const LE: u8 = 0x0C;
    pub const HI: u8 = 0x0D;
    pub const LS: u8 = 0x0E;
    pub const PNZ: u8 = 0x0F;
}

/// The operation. 16-bit forms map to the same operation as their 32-bit counterpart
/// (`flag::SHORT` tells them apart); the operand conventions are in the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum Op {
    /// Anything objdump does not decode: the executor raises Instruction Error.
    #[default]
    Invalid,
    // --- arithmetic / logic, `a ← b op c` ---
    Add,
    Adc,
    Sub,
    Sbc,
    And,
    Or,
    Bic,
    Xor,
    Max,
    Min,
    /// `mov b,c` (a ← b).
    Mov,
    Tst,
    Cmp,
    Rcmp,
    /// a ← c − b.
    Rsub,
    Bset,
    Bclr,
    Btst,
    Bxor,
    Bmsk,
    Bmskn,
    Add1,
    Add2,
    Add3,
    Sub1,
    Sub2,
    Sub3,
    Xbfu,
    /// `set<cc> a,b,c`: a ← (b cc c) ? 1 : 0. The comparison is in `Insn::cond`
    /// (`cond::EQ`, `NE`, `LT`, `GE`, `LO`=`CS`, `HS`=`CC`, `LE`, `GT`); the predicate of the
    /// conditional form `set<cc><.qq> b,b,c` is in `Insn::disp` (0 = always).
    Set,
    // --- multiply / divide ---
    Mpy,
    Mpym,
    Mpymu,
    Mpyu,
    Mpyw,
    Mpyuw,
    Div,
    Divu,
    Rem,
    Remu,
    // --- shifts: multi-bit `a ← b op c` (count c & 31) ---
    Asl,
    Asr,
    Lsr,
    Ror,
    /// Saturating arithmetic shift (`asrs`).
    Asrs,
    /// Saturating arithmetic left shift (`asls`).
    Asls,
    // --- single-operand `a ← op(b)` ---
    /// 1-bit shifts/rotates: `asl b,c` etc.
    Asl1,
    Asr1,
    Lsr1,
    Ror1,
    Rrc,
    Rlc,
    Rol,
    Sexb,
    Sexh,
    Extb,
    Exth,
    Abs,
    /// Saturating absolute value (`abss`, ARC700's extended arithmetic).
    Abss,
    Not,
    /// a ← 0 − b.
    Neg,
    Swap,
    Swape,
    Norm,
    Normh,
    Ffs,
    Fls,
    Lsl16,
    Lsr16,
    Asr16,
    Asr8,
    Lsr8,
    Lsl8,
    Rol8,
    Ror8,
    // --- atomics ---
    Ex,
    Llock,
    Scond,
    Llockd,
    Scondd,
    // --- memory ---
    Ld,
    St,
    /// `prefetch`, `prefetchw`, `prealloc`, `prefetchl2`: no data transfer; `.a/.ab` still update b.
    Prefetch,
    Prefetchw,
    Prealloc,
    Prefetchl2,
    /// `ldi a,[b,c]` / `ldi_s`: load through the LDI table.
    Ldi,
    PushS,
    PopS,
    /// `enter_s u6` / `leave_s u7`: `b` = Imm(u); u[3:0] = count of r13.., u[4] fp, u[5] blink,
    /// u[6] (leave only) jump to blink.
    EnterS,
    LeaveS,
    // --- branches and jumps ---
    /// `b<cc><.d> disp` and all 16-bit `b*_s`.
    B,
    /// `bl<cc><.d> disp`, `bl_s`.
    Bl,
    Breq,
    Brne,
    Brlt,
    Brge,
    Brlo,
    Brhs,
    Bbit0,
    Bbit1,
    Dbnz,
    /// `j<cc><.d> [b]` (absolute target in `b`; `j_s [blink]`, `jeq_s`/`jne_s` included).
    J,
    /// `jl<cc><.d> [b]`.
    Jl,
    /// `bi [b]`: PC ← next + b×4; `bih [b]`: PC ← next + b×2.
    Bi,
    Bih,
    /// `jli_s u10`, `ei_s u10` (index in `b`).
    JliS,
    EiS,
    /// `lp<cc> disp`: LP_END ← PCL + disp, LP_START ← next instruction.
    Lp,
    // --- aux registers / kernel / control ---
    Lr,
    Sr,
    Aex,
    Flag,
    Kflag,
    Seti,
    Clri,
    Sleep,
    Wevt,
    Wlfc,
    Swi,
    /// `trap_s u6` (and the 32-bit `trap0` form).
    Trap,
    Brk,
    Rtie,
    Sync,
    Dsync,
    Dmb,
    /// `nop` (objdump's name for the word of `mov 0,0`).
    Nop,
    Unimp,
    // --- MAC / DSP / vector (implicit accumulator r58/r59) ---
    Mac,
    Macu,
    Macd,
    Macdu,
    Mpyd,
    Mpydu,
    Dmpyh,
    Dmpyhu,
    Dmach,
    Dmachu,
    Dmpywh,
    Dmpywhu,
    Dmacwh,
    Dmacwhu,
    Qmpyh,
    Qmpyhu,
    Qmach,
    Qmachu,
    Vmpy2h,
    Vmpy2hu,
    Vmac2h,
    Vmac2hu,
    Vadd2,
    Vadd2h,
    Vadd4h,
    Vsub2,
    Vsub2h,
    Vsub4h,
    Vaddsub,
    Vaddsub2h,
    Vaddsub4h,
    Vsubadd,
    Vsubadd2h,
    Vsubadd4h,
    Vpack2hl,
    Vpack2hm,
    /// Any other DSP/extension operation objdump knows (fixed-point DSP, saturating vector
    /// ops, …); the disassembler shows which. The executor treats it as unimplemented.
    Ext,
    // --- FPU (major 0x06) ---
    Fsmul,
    Fsadd,
    Fssub,
    Fscmp,
    Fscmpf,
    Fsmadd,
    Fsmsub,
    Fsdiv,
    Fssqrt,
    Fdmul,
    Fdadd,
    Fdsub,
    Fdcmp,
    Fdcmpf,
    Fdmadd,
    Fdmsub,
    Fddiv,
    Fdsqrt,
    /// Conversions; the variant selector (the u6 operand) is in `c`.
    Fcvt32,
    Fcvt32_64,
    Fcvt64,
    Fcvt64_32,
}

/// One decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Insn {
    pub op: Op,
    /// Total length in bytes: 2, 4, 6 or 8 (LIMM included).
    pub len: u8,
    /// Condition code (`cond::*`, 5 bits); `cond::AL` when the form has none.
    pub cond: u8,
    /// `flag::*` bits.
    pub flags: u8,
    pub size: MemSize,
    pub mode: AddrMode,
    pub a: Operand,
    pub b: Operand,
    pub c: Operand,
    /// PC-relative displacement in bytes, from PCL.
    pub disp: i32,
    /// The instruction word as fetched (a 16-bit instruction in bits 15:0) and the 32 bits
    /// after it: what the disassembler re-reads for its spelling.
    pub word: u32,
    pub next: u32,
}

impl Insn {
    pub const fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
    pub const fn set_flags(&self) -> bool {
        self.has(flag::F)
    }
    pub const fn delay_slot(&self) -> bool {
        self.has(flag::D)
    }
}

/// Length in bytes (2, 4, 6 or 8) of the instruction whose first two halfwords, in fetch
/// order, are given (`second` is ignored by 16-bit forms but must be passed when available).
pub fn insn_len(first: u16, second: u16) -> u8 {
    decode_halfwords([first, second, 0, 0]).len
}

/// Decodes the instruction starting at `bytes[0]` (zero-pad past the end of memory).
pub fn decode(bytes: &[u8; 8]) -> Insn {
    let hw = |i: usize| u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]);
    decode_halfwords([hw(0), hw(1), hw(2), hw(3)])
}

/// Decodes from the (up to) four halfwords at PC, in fetch order.
pub fn decode_halfwords(hw: [u16; 4]) -> Insn {
    decode_with(hw, &mut Quiet)
}

/// Decodes `hw` as an instruction of `isa`.
pub fn decode_for(isa: Isa, hw: [u16; 4]) -> Insn {
    isa.decoder()(hw)
}

/// Length of the instruction of `isa` whose first two halfwords are given.
pub fn insn_len_for(isa: Isa, first: u16, second: u16) -> u8 {
    decode_for(isa, [first, second, 0, 0]).len
}

/// Decodes as `isa` while reporting the spelling to `sink`.
pub(crate) fn decode_with_isa<S: Sink>(isa: Isa, hw: [u16; 4], sink: &mut S) -> Insn {
    match isa {
        Isa::ArcV2 => decode_with(hw, sink),
        Isa::ArcCompact => compact::decode_with(hw, sink),
    }
}

/// Decodes while reporting the spelling to `sink` (the disassembler's entry).
pub(crate) fn decode_with<S: Sink>(hw: [u16; 4], sink: &mut S) -> Insn {
    let [h0, h1, h2, h3] = hw.map(u32::from);
    let short = h0 >> 11 >= 0x08;
    let (w, len, next) = if short {
        (h0, 2, (h1 << 16) | h2)
    } else {
        ((h0 << 16) | h1, 4, (h2 << 16) | h3)
    };
    let mut cx = Cx {
        w,
        limm_value: next,
        insn: Insn {
            len,
            word: w,
            next,
            ..Insn::default()
        },
        s: sink,
    };
    match w >> 27 {
        _ if short => short::decode(&mut cx),
        0 => major0_3::branch(&mut cx),
        1 => major0_3::branch_link_or_compare(&mut cx),
        2 => major0_3::load(&mut cx),
        3 => major0_3::store(&mut cx),
        4 => alu::major4(&mut cx),
        5 => alu::major5(&mut cx),
        6 => alu::major6(&mut cx),
        _ => alu::major7(&mut cx),
    }
    let mut insn = cx.insn;
    if insn.op == Op::Invalid {
        // Whatever was collected belongs to a form that turned out invalid.
        insn = Insn {
            len,
            word: w,
            next,
            ..Insn::default()
        };
    }
    insn
}
