//! Disassembler: prints an [`Insn`] exactly as `arc-linux-gnu-objdump -d` does after the hex
//! bytes (mnemonic with suffixes, a tab, operands, and objdump's `;0x…` target comment), without
//! objdump's `<symbol>` annotations.

use std::fmt::Write;

use crate::decode::sink::{Shown, Sink};
use crate::decode::{aux_name_for, decode_with_isa, flag, Insn, Isa, Op};

const CORE_NAMES: [&str; 64] = [
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
    "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "gp", "fp", "sp",
    "ilink", "r30", "blink", "r32", "r33", "r34", "r35", "r36", "r37", "r38", "r39", "r40", "r41",
    "r42", "r43", "r44", "r45", "r46", "r47", "r48", "r49", "r50", "r51", "r52", "r53", "r54",
    "r55", "r56", "r57", "r58", "r59", "lp_count", "reserved", "limm", "pcl",
];

const PCL: u8 = 63;

/// Text of the ARCv2 `insn` located at address `pc`.
pub fn disasm(insn: &Insn, pc: u32) -> String {
    disasm_for(Isa::ArcV2, insn, pc)
}

/// Text of `insn`, decoded for `isa`, located at address `pc`.
pub fn disasm_for(isa: Isa, insn: &Insn, pc: u32) -> String {
    // An ARCompact instruction of 6 bytes may start with a 32-bit word (the NPS-400 majors).
    let short = match isa {
        Isa::ArcV2 => matches!(insn.len, 2 | 6),
        Isa::ArcCompact => insn.has(flag::SHORT),
    };
    let hw = if short {
        [
            insn.word as u16,
            (insn.next >> 16) as u16,
            insn.next as u16,
            0,
        ]
    } else {
        [
            (insn.word >> 16) as u16,
            insn.word as u16,
            (insn.next >> 16) as u16,
            insn.next as u16,
        ]
    };
    let mut text = Text::new(isa, pc);
    let decoded = decode_with_isa(isa, hw, &mut text);
    if decoded.op == Op::Invalid {
        // objdump sizes the ARCompact majors 0x0A/0x0B by its NPS-400 rules and shows an
        // undecodable 6- or 8-byte word as `.long <last 32 bits> <first 16 or 32 bits>`.
        return if decoded.len == 6 && !short {
            let tail = (decoded.word << 16) | (decoded.next >> 16);
            format!(".long\t0x{tail:08x} 0x{:04x}", decoded.word >> 16)
        } else if decoded.len == 8 {
            format!(".long\t0x{:08x} 0x{:08x}", decoded.next, decoded.word)
        } else if short {
            format!(".short\t0x{:04x}", decoded.word)
        } else {
            format!(".word\t0x{:08x}", decoded.word)
        };
    }
    text.finish()
}

/// Collects objdump's spelling: mnemonic, suffixes, then comma-separated operands where a `[`
/// suppresses the following comma. objdump appends a `;0x…` comment (PCL + the last value
/// operand) when the last register operand printed was `pcl` (or a PC-relative operand came
/// after it) and at least one value operand (immediate, LIMM, the `0` destination,
/// displacement) was printed; a `r13-…` register range clears both conditions.
struct Text {
    isa: Isa,
    pc: u32,
    head: String,
    operands: String,
    any_operand: bool,
    need_comma: bool,
    in_brackets: bool,
    aux: bool,
    /// The last register operand was pcl, or a PC-relative operand was printed.
    rpcl: bool,
    /// A value operand was printed; `vpcl` is the last one.
    rset: bool,
    vpcl: u32,
}

impl Text {
    fn new(isa: Isa, pc: u32) -> Text {
        Text {
            isa,
            pc,
            head: String::new(),
            operands: String::new(),
            any_operand: false,
            need_comma: false,
            in_brackets: false,
            aux: false,
            rpcl: false,
            rset: false,
            vpcl: 0,
        }
    }

    fn finish(self) -> String {
        let mut out = self.head;
        if self.any_operand {
            out.push('\t');
            out.push_str(&self.operands);
        }
        if self.rpcl && self.rset {
            let target = (self.pc & !3).wrapping_add(self.vpcl);
            let _ = write!(out, "\t;0x{target:x}");
        }
        out
    }

    fn comma(&mut self) {
        if self.need_comma {
            self.operands.push(',');
        }
        self.need_comma = true;
        self.any_operand = true;
    }

    fn value(&mut self, value: u32) {
        self.vpcl = value;
        self.rset = true;
    }

    fn immediate(&mut self, value: i64, text: String) {
        self.comma();
        let name = if self.aux && self.in_brackets {
            aux_name_for(self.isa, value as u32)
        } else {
            None
        };
        match name {
            Some(name) => self.operands.push_str(name),
            None => self.operands.push_str(&text),
        }
        self.value(value as u32);
    }
}

impl Sink for Text {
    fn mnemonic(&mut self, name: &'static str) {
        self.head.push_str(name);
    }
    fn suffix(&mut self, text: &'static str) {
        self.head.push_str(text);
    }
    fn aux_names(&mut self) {
        self.aux = true;
    }
    fn bad_pair(&mut self) {
        self.operands
            .push_str("\nWarning: illegal use of double register pair.\n");
    }
    fn operand(&mut self, operand: Shown) {
        match operand {
            Shown::Open => {
                self.comma();
                self.operands.push('[');
                self.in_brackets = true;
                self.need_comma = false;
            }
            Shown::Close => {
                self.operands.push(']');
                self.in_brackets = false;
            }
            Shown::Reg(r) => {
                self.comma();
                self.operands.push_str(CORE_NAMES[r as usize & 63]);
                self.rpcl = r == PCL;
            }
            Shown::Pair(r) => {
                self.comma();
                self.operands.push_str(CORE_NAMES[r as usize & 63]);
                if r & 1 == 0 {
                    self.operands.push_str(CORE_NAMES[(r as usize + 1) & 63]);
                }
                self.rpcl = r == PCL;
            }
            Shown::Uimm(v) => self.immediate(v as i64, hex(v)),
            Shown::Limm(v) => self.immediate(v as i64, hex(v)),
            Shown::Simm(v) => self.immediate(v as i64, v.to_string()),
            Shown::Zero => {
                self.comma();
                self.operands.push('0');
                self.value(0);
            }
            Shown::Pcrel(disp) => {
                self.comma();
                let _ = write!(self.operands, "{disp}");
                self.rpcl = true;
                self.value(disp as u32);
            }
            Shown::PcrelHex(disp) => {
                self.comma();
                self.operands.push_str(&hex(disp));
                self.rpcl = true;
                self.value(disp);
            }
            Shown::Range(text) => {
                self.comma();
                self.operands.push_str(text);
                self.rpcl = false;
                self.rset = false;
            }
        }
    }
}

/// C's `%#x`: `0` for zero, else `0x…`.
fn hex(v: u32) -> String {
    if v == 0 {
        "0".to_string()
    } else {
        format!("{v:#x}")
    }
}
