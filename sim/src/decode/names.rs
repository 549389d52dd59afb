//! Sub-opcode → (operation, mnemonic) tables of the general-format majors 4, 5 and 6, as
//! objdump names them for ARC HS. `Op::Invalid` with an empty name marks a hole.

use super::Op;

pub(crate) type Entry = (Op, &'static str);

const NO: Entry = (Op::Invalid, "");

/// Major 5, three-operand sub-opcodes 0x00..0x3F (0x2F is the single-operand group).
pub(crate) const MAJOR5: [Entry; 64] = [
    (Op::Asl, "asl"),
    (Op::Lsr, "lsr"),
    (Op::Asr, "asr"),
    (Op::Ror, "ror"),
    (Op::Div, "div"),
    (Op::Divu, "divu"),
    (Op::Ext, "adds"),
    (Op::Ext, "subs"),
    (Op::Rem, "rem"),
    (Op::Remu, "remu"),
    (Op::Asls, "asls"),
    (Op::Asrs, "asrs"),
    (Op::Ext, "asrsr"),
    (Op::Ext, "valgn2h"),
    (Op::Mac, "mac"),
    (Op::Macu, "macu"),
    (Op::Dmpyh, "dmpyh"),
    (Op::Dmpyhu, "dmpyhu"),
    (Op::Dmach, "dmach"),
    (Op::Dmachu, "dmachu"),
    (Op::Vadd2h, "vadd2h"),
    (Op::Vsub2h, "vsub2h"),
    (Op::Vaddsub2h, "vaddsub2h"),
    (Op::Vsubadd2h, "vsubadd2h"),
    (Op::Mpyd, "mpyd"),
    (Op::Mpydu, "mpydu"),
    (Op::Macd, "macd"),
    (Op::Macdu, "macdu"),
    (Op::Vmpy2h, "vmpy2h"),
    (Op::Vmpy2hu, "vmpy2hu"),
    (Op::Vmac2h, "vmac2h"),
    (Op::Vmac2hu, "vmac2hu"),
    (Op::Ext, "vmpy2hwf"),
    (Op::Ext, "vasl2h"),
    (Op::Ext, "vasr2h"),
    (Op::Ext, "vlsr2h"),
    (Op::Ext, "vadd4b"),
    (Op::Ext, "vsub4b"),
    (Op::Ext, "adcs"),
    (Op::Ext, "sbcs"),
    (Op::Ext, "dmpyhwf"),
    (Op::Vpack2hl, "vpack2hl"),
    (Op::Ext, "dmpyhf"),
    (Op::Ext, "dmpyhfr"),
    (Op::Ext, "dmachf"),
    (Op::Ext, "dmachfr"),
    (Op::Ext, "vperm"),
    NO,
    (Op::Qmpyh, "qmpyh"),
    (Op::Qmpyhu, "qmpyhu"),
    (Op::Dmpywh, "dmpywh"),
    (Op::Dmpywhu, "dmpywhu"),
    (Op::Qmach, "qmach"),
    (Op::Qmachu, "qmachu"),
    (Op::Dmacwh, "dmacwh"),
    (Op::Dmacwhu, "dmacwhu"),
    (Op::Vadd4h, "vadd4h"),
    (Op::Vsub4h, "vsub4h"),
    (Op::Vaddsub4h, "vaddsub4h"),
    (Op::Vsubadd4h, "vsubadd4h"),
    (Op::Vadd2, "vadd2"),
    (Op::Vsub2, "vsub2"),
    (Op::Vaddsub, "vaddsub"),
    (Op::Vsubadd, "vsubadd"),
];

/// Major 6, three-operand sub-opcodes (FPU and the DSP extensions objdump knows).
pub(crate) const MAJOR6: [Entry; 64] = [
    (Op::Fsmul, "fsmul"),
    (Op::Fsadd, "fsadd"),
    (Op::Fssub, "fssub"),
    (Op::Ext, "vmsub2hfr"),
    (Op::Ext, "vmsub2hf"),
    (Op::Fsmadd, "fsmadd"),
    (Op::Fsmsub, "fsmsub"),
    (Op::Fsdiv, "fsdiv"),
    (Op::Fcvt32, "fcvt32"),
    (Op::Fcvt32_64, "fcvt32_64"),
    (Op::Ext, "mpyf"),
    (Op::Ext, "mpyfr"),
    (Op::Ext, "macf"),
    (Op::Ext, "macfr"),
    (Op::Ext, "msubf"),
    (Op::Ext, "msubfr"),
    (Op::Ext, "divf"),
    (Op::Ext, "vmac2hnfr"),
    (Op::Ext, "mpydf"),
    (Op::Ext, "macdf"),
    (Op::Ext, "msubwhfl"),
    (Op::Ext, "msubdf"),
    (Op::Ext, "dmpyhbl"),
    (Op::Ext, "dmpyhbm"),
    (Op::Ext, "dmachbl"),
    (Op::Ext, "dmachbm"),
    (Op::Ext, "msubwhflr"),
    (Op::Ext, "cmpyhfmr"),
    (Op::Ext, "mpywhl"),
    (Op::Ext, "macwhl"),
    (Op::Ext, "mpywhul"),
    (Op::Ext, "macwhul"),
    (Op::Ext, "mpywhfm"),
    (Op::Ext, "mpywhfmr"),
    (Op::Ext, "macwhfm"),
    (Op::Ext, "macwhfmr"),
    (Op::Ext, "mpywhfl"),
    (Op::Ext, "mpywhflr"),
    (Op::Ext, "macwhfl"),
    (Op::Ext, "macwhflr"),
    (Op::Ext, "macwhkl"),
    (Op::Ext, "macwhkul"),
    (Op::Ext, "mpywhkl"),
    (Op::Ext, "mpywhkul"),
    (Op::Ext, "msubwhfm"),
    (Op::Ext, "msubwhfmr"),
    NO,
    NO,
    (Op::Fdmul, "fdmul"),
    (Op::Fdadd, "fdadd"),
    (Op::Fdsub, "fdsub"),
    (Op::Ext, "dmpywhf"),
    NO,
    (Op::Fdmadd, "fdmadd"),
    (Op::Fdmsub, "fdmsub"),
    (Op::Fddiv, "fddiv"),
    (Op::Fcvt64, "fcvt64"),
    (Op::Fcvt64_32, "fcvt64_32"),
    NO,
    NO,
    NO,
    NO,
    NO,
    NO,
];

/// Major 4, single-operand group (sub-opcode 0x2F), by the low six bits.
pub(crate) fn major4_single(sub: u32) -> Entry {
    match sub {
        0x00 => (Op::Asl1, "asl"),
        0x01 => (Op::Asr1, "asr"),
        0x02 => (Op::Lsr1, "lsr"),
        0x03 => (Op::Ror1, "ror"),
        0x04 => (Op::Rrc, "rrc"),
        0x05 => (Op::Sexb, "sexb"),
        0x06 => (Op::Sexh, "sexh"),
        0x07 => (Op::Extb, "extb"),
        0x08 => (Op::Exth, "exth"),
        0x09 => (Op::Abs, "abs"),
        0x0A => (Op::Not, "not"),
        0x0B => (Op::Rlc, "rlc"),
        0x0D => (Op::Rol, "rol"),
        _ => NO,
    }
}

/// Major 5, single-operand group.
pub(crate) fn major5_single(sub: u32) -> Entry {
    match sub {
        0x00 => (Op::Swap, "swap"),
        0x01 => (Op::Norm, "norm"),
        0x02 => (Op::Ext, "sath"),
        0x03 => (Op::Ext, "rndh"),
        0x04 => (Op::Ext, "abssh"),
        0x05 => (Op::Ext, "abss"),
        0x06 => (Op::Ext, "negsh"),
        0x07 => (Op::Ext, "negs"),
        0x08 => (Op::Normh, "normh"),
        0x09 => (Op::Swape, "swape"),
        0x0A => (Op::Lsl16, "lsl16"),
        0x0B => (Op::Lsr16, "lsr16"),
        0x0C => (Op::Asr16, "asr16"),
        0x0D => (Op::Asr8, "asr8"),
        0x0E => (Op::Lsr8, "lsr8"),
        0x0F => (Op::Lsl8, "lsl8"),
        0x10 => (Op::Rol8, "rol8"),
        0x11 => (Op::Ror8, "ror8"),
        0x12 => (Op::Ffs, "ffs"),
        0x13 => (Op::Fls, "fls"),
        0x18 => (Op::Ext, "getacc"),
        0x19 => (Op::Ext, "normacc"),
        0x1A => (Op::Ext, "satf"),
        0x1C => (Op::Ext, "vpack2hbl"),
        0x1D => (Op::Ext, "vpack2hbm"),
        0x1E => (Op::Ext, "vpack2hblf"),
        0x1F => (Op::Ext, "vpack2hbmf"),
        0x20 => (Op::Ext, "vext2bhlf"),
        0x21 => (Op::Ext, "vext2bhmf"),
        0x22 => (Op::Ext, "vrep2hl"),
        0x23 => (Op::Ext, "vrep2hm"),
        0x24 => (Op::Ext, "vext2bhl"),
        0x25 => (Op::Ext, "vext2bhm"),
        0x26 => (Op::Ext, "vsext2bhl"),
        0x27 => (Op::Ext, "vsext2bhm"),
        0x28 => (Op::Ext, "vabs2h"),
        0x29 => (Op::Ext, "vabss2h"),
        0x2A => (Op::Ext, "vneg2h"),
        0x2B => (Op::Ext, "vnegs2h"),
        0x2C => (Op::Ext, "vnorm2h"),
        0x30 => (Op::Ext, "sqrt"),
        0x31 => (Op::Ext, "sqrtf"),
        _ => NO,
    }
}

/// Major 6, single-operand group.
pub(crate) fn major6_single(sub: u32) -> Entry {
    match sub {
        0x00 => (Op::Fssqrt, "fssqrt"),
        0x01 => (Op::Fdsqrt, "fdsqrt"),
        _ => NO,
    }
}

/// Major 7 (QuarkSE extension), single-operand group.
pub(crate) fn major7_single(sub: u32) -> Entry {
    match sub {
        0x1E => (Op::Ext, "fmp_cos"),
        0x1F => (Op::Ext, "fmp_sin"),
        0x20 => (Op::Ext, "fmp_sqrtf"),
        0x21 => (Op::Ext, "fmp_sqrtf15"),
        0x25 => (Op::Ext, "fmp_atan"),
        0x26 => (Op::Ext, "fmp_log2"),
        0x27 => (Op::Ext, "fmp_exp2"),
        0x28 => (Op::Ext, "fmp_sath"),
        0x29 => (Op::Ext, "fmp_rndh"),
        0x2A => (Op::Ext, "fmp_recip"),
        0x2B => (Op::Ext, "fmp_recip15"),
        0x2C => (Op::Ext, "fmp_cos15"),
        0x2D => (Op::Ext, "fmp_sin15"),
        0x2E => (Op::Ext, "fmp_atan15"),
        0x2F => (Op::Ext, "fmp_exp215"),
        0x30 => (Op::Ext, "fmp_log215"),
        _ => NO,
    }
}

/// `set<cc>` sub-opcodes 0x38..0x3F of major 4: mnemonic and the comparison they make.
pub(crate) const SETCC: [(&str, u8); 8] = [
    ("seteq", 0x01),
    ("setne", 0x02),
    ("setlt", 0x0B),
    ("setge", 0x0A),
    ("setlo", 0x05),
    ("seths", 0x06),
    ("setle", 0x0C),
    ("setgt", 0x09),
];

/// What F = 1 selects in majors 5 and 6: the same operation with `.f`, another operation
/// (printed without `.f`), or nothing.
#[derive(Clone, Copy)]
pub(crate) enum WithF {
    SameOp,
    Other(Entry),
    /// Another operation whose name objdump prints followed by `.f`.
    OtherWithF(Entry),
    Invalid,
}

pub(crate) fn major5_with_f(sub: u32) -> WithF {
    use WithF::*;
    match sub {
        0x0D => Other((Op::Ext, "setacc")),
        0x14 => Other((Op::Ext, "vadds2h")),
        0x15 => Other((Op::Ext, "vsubs2h")),
        0x16 => Other((Op::Ext, "vaddsubs2h")),
        0x17 => Other((Op::Ext, "vsubadds2h")),
        0x1C => Other((Op::Ext, "vmpy2hf")),
        0x1D => Other((Op::Ext, "vmpy2hfr")),
        0x1E => Other((Op::Ext, "vmac2hf")),
        0x1F => Other((Op::Ext, "vmac2hfr")),
        0x20 | 0x2E | 0x38..=0x3F => Invalid,
        0x21 => Other((Op::Ext, "vasls2h")),
        0x22 => Other((Op::Ext, "vasrs2h")),
        0x23 => Other((Op::Ext, "vasrsr2h")),
        0x24 => Other((Op::Ext, "vmax2h")),
        0x25 => Other((Op::Ext, "vmin2h")),
        0x29 => Other((Op::Vpack2hm, "vpack2hm")),
        _ => SameOp,
    }
}

/// Single-operand major-5 operations that take `.f`.
pub(crate) fn major5_single_takes_f(sub: u32) -> bool {
    sub <= 0x13 || sub == 0x1A || sub == 0x30 || sub == 0x31
}

pub(crate) fn major6_with_f(sub: u32) -> WithF {
    use WithF::*;
    match sub {
        0x00 => Other((Op::Ext, "cmpyhnfr")),
        0x01 => Other((Op::Ext, "cmpyhfr")),
        0x02 => Other((Op::Ext, "cmpychnfr")),
        0x05 => Other((Op::Ext, "cmpychfr")),
        0x06 => Other((Op::Ext, "cmachnfr")),
        0x07 => Other((Op::Ext, "cmachfr")),
        0x08 => Other((Op::Ext, "cmacchnfr")),
        0x09 => Other((Op::Ext, "cmacchfr")),
        0x11 => Other((Op::Ext, "vmsub2hnfr")),
        0x1B => Other((Op::Ext, "cbflyhf0r")),
        0x31 => OtherWithF((Op::Ext, "qmpyhf")),
        0x35 => OtherWithF((Op::Ext, "qmachf")),
        0x37 => OtherWithF((Op::Ext, "dmacwhf")),
        0x0A..=0x10 | 0x12..=0x1A | 0x1C..=0x2D | 0x33 => SameOp,
        _ => Invalid,
    }
}
