//! ARCompact (ARC700) decoder: the same typed [`Insn`] and operand conventions as the ARCv2
//! decoder (see `decode.rs`), for the encodings objdump decodes for an EM_ARC_COMPACT object.
//!
//! Majors 0x00..0x0B are 32-bit (0x08..0x0B being extension majors), 0x0C..0x1F 16-bit. Where
//! a format is bit-for-bit the ARCv2 one, the ARCv2 helpers do the work; what differs is here.
//! The NPS-400 extension instructions objdump also prints for ARC700 objects are not modelled:
//! they decode as invalid (see docs/arcompact.md).

pub(crate) mod aux_names;
mod general;
mod short;

use super::cx::Cx;
use super::sink::{Quiet, Sink};
use super::{flag, major0_3, Insn, Op};

/// Decodes from the (up to) four halfwords at PC, in fetch order.
pub(crate) fn decode_halfwords(hw: [u16; 4]) -> Insn {
    decode_with(hw, &mut Quiet)
}

/// The compact decoder's own sink type: every ARCv2 helper it shares is then a separate
/// instantiation, so the ARCv2 decoder's helpers keep their single call sites (and LLVM's
/// inlining of them) exactly as before this decoder existed.
struct Own<'a, S: Sink>(&'a mut S);

impl<S: Sink> Sink for Own<'_, S> {
    fn mnemonic(&mut self, name: &'static str) {
        self.0.mnemonic(name)
    }
    fn suffix(&mut self, text: &'static str) {
        self.0.suffix(text)
    }
    fn operand(&mut self, operand: super::sink::Shown) {
        self.0.operand(operand)
    }
    fn aux_names(&mut self) {
        self.0.aux_names()
    }
    fn bad_pair(&mut self) {
        self.0.bad_pair()
    }
}

pub(crate) fn decode_with<S: Sink>(hw: [u16; 4], sink: &mut S) -> Insn {
    let sink = &mut Own(sink);
    let [h0, h1, h2, h3] = hw.map(u32::from);
    let short = h0 >> 11 >= 0x0C;
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
        1 => general::branch_link_or_compare(&mut cx),
        2 => general::load(&mut cx),
        3 => general::store(&mut cx),
        4 => general::major4(&mut cx),
        5 => general::major5(&mut cx),
        6 => general::major6(&mut cx),
        _ => {}
    }
    let mut insn = cx.insn;
    if insn.op == Op::Invalid {
        insn = Insn {
            len: invalid_len(w, len),
            word: w,
            next,
            // Kept so the disassembler can tell a 16-bit word from a 6-byte one.
            flags: if short { flag::SHORT } else { 0 },
            ..Insn::default()
        };
    }
    insn
}

/// objdump's length of an undecodable word: its ARC700 tables size major 0x0A as 8 bytes and
/// major 0x0B as 6 (minor opcode, bits 20:16, below 4) or 8 (minor 0x10/0x11) for NPS-400.
/// The executor raises Instruction Error before the length matters.
fn invalid_len(w: u32, len: u8) -> u8 {
    match (len, w >> 27, (w >> 16) & 0x1F) {
        (4, 0x0A, _) => 8,
        (4, 0x0B, 0..=3) => 6,
        (4, 0x0B, 0x10 | 0x11) => 8,
        _ => len,
    }
}
