//! What the decoder reports about an instruction's spelling while it decodes. The executor's
//! path uses [`Quiet`], whose methods do nothing and compile away; the disassembler collects the
//! spelling into text.

/// One printed operand, in objdump's notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shown {
    Reg(u8),
    /// A register pair printed as `r4r5`.
    Pair(u8),
    /// Unsigned short immediate, printed in hex (`0x1f`, `0`).
    Uimm(u32),
    /// Signed short immediate, printed in decimal.
    Simm(i32),
    /// Long immediate, printed in hex.
    Limm(u32),
    /// The discarded-result destination, printed `0`.
    Zero,
    /// PC-relative displacement: printed in decimal, target (PCL + disp) appended as a comment.
    Pcrel(i32),
    /// Unsigned PC-relative displacement printed in hex (`lp u7`), with the target comment.
    PcrelHex(u32),
    Open,
    Close,
    /// The `r13-…` register range of `enter_s`/`leave_s` (clears objdump's pcl-comment state).
    Range(&'static str),
}

pub(crate) trait Sink {
    /// The mnemonic without suffixes.
    fn mnemonic(&mut self, _name: &'static str) {}
    /// A suffix printed as given, e.g. `.f`, `.d`, `eq` (branches glue conditions without dot).
    fn suffix(&mut self, _text: &'static str) {}
    fn operand(&mut self, _operand: Shown) {}
    /// Immediates inside brackets are aux-register numbers: print known ones by name.
    fn aux_names(&mut self) {}
    /// objdump's "illegal use of double register pair" warning, printed after the operand.
    fn bad_pair(&mut self) {}
}

/// The executor's sink: records nothing.
pub(crate) struct Quiet;

impl Sink for Quiet {}
