//! Random user instruction streams (`user/programs/k_insnfuzz.c`, issue 13): the
//! manifest that runs them and the judge that checks every child's end against the
//! instruction the architecture blames.
//!
//! The host rebuilds each child's page from its seed with the program's own encoding
//! tables and prologue, read out of the user ELF, so nothing about the generator is
//! written twice. The child has nothing mapped but that read-only, executable page, so
//! the instruction at the reported pc alone says which signal is due:
//! - pc outside the page: the fetch faulted there (SIGSEGV, addr = pc);
//! - an instruction running off the page end: SIGSEGV at the page end;
//! - invalid, privileged or absent encodings (LL/SC, the FPU and the DSP extensions the
//!   `sim` core is built without, extension condition codes, odd register pairs,
//!   `unimp_s`), and control transfers where the
//!   architecture forbids them (a delay or execution slot): SIGILL at pc;
//! - `trap_s n` (n > 0, pc = the next instruction) and `swi`/`swi_s`: SIGTRAP;
//! - `div`/`divu`/`rem`/`remu`: SIGFPE (divide by zero);
//! - a load or store: SIGBUS when the address is misaligned for its size, SIGSEGV when
//!   it is outside the page or a store into it;
//! - SIGKILL when the parent killed a child still running at its deadline.
//!
//! A signal the stream sent itself with `kill` (pc right after a `trap_s 0`) and an
//! `exit` are counted, not judged.

use crate::report::{self, TaskEnd};
use arcsim::decode::{decode, Insn, MemSize, Op, Operand};
use arcsim::disasm::disasm;
use std::collections::BTreeMap;

pub const STREAM_VA: u32 = 0x3000_0000;
const PAGE: u32 = 0x2000;
const REG_TABLE: u32 = STREAM_VA + PAGE - 128;
/// Streams per program: the kernel keeps a dead child's slot until its program ends.
pub const STREAMS_PER_PROGRAM: u32 = 12;

/// The manifest line of one stream program with its own `seed` (12 streams).
pub fn manifest_line(seed: u32) -> String {
    format!(
        "k_insnfuzz_{seed:08x} k_insnfuzz.c INSN_STREAMS={STREAMS_PER_PROGRAM},INSN_SEED={seed:#010x} exit:0 n.insn_streams\n"
    )
}

/// What the generator needs from the program's ELF.
#[derive(Debug)]
pub struct Generator {
    long: Vec<(u32, u32)>,
    short: Vec<(u32, u32)>,
    prologue: Vec<u8>,
}

fn symbol_bytes(elf: &[u8], name: &str) -> Result<Vec<u8>, String> {
    use object::{Object, ObjectSection, ObjectSymbol};
    let f = object::File::parse(elf).map_err(|e| format!("not an ELF: {e}"))?;
    let sym = f
        .symbols()
        .find(|s| s.name() == Ok(name))
        .ok_or(format!("no symbol {name}"))?;
    let (addr, size) = (sym.address(), sym.size());
    let size = if size == 0 {
        // An assembly label: up to the `_end` label.
        let end = f
            .symbols()
            .find(|s| s.name() == Ok(&format!("{name}_end")))
            .ok_or(format!("no symbol {name}_end"))?;
        end.address() - addr
    } else {
        size
    };
    let sec = f
        .sections()
        .find(|s| s.address() <= addr && addr + size <= s.address() + s.size())
        .ok_or(format!("{name} is in no section"))?;
    let data = sec.data().map_err(|e| e.to_string())?;
    let off = (addr - sec.address()) as usize;
    Ok(data[off..off + size as usize].to_vec())
}

/// `struct templ { u32 base, mask; }` entries.
fn pairs(bytes: &[u8]) -> Vec<(u32, u32)> {
    let word = |c: &[u8]| u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
    bytes
        .chunks_exact(8)
        .map(|c| (word(&c[..4]), word(&c[4..])))
        .collect()
}

impl Generator {
    pub fn from_elf(elf: &[u8]) -> Result<Generator, String> {
        Ok(Generator {
            long: pairs(&symbol_bytes(elf, "long_templ")?),
            short: pairs(&symbol_bytes(elf, "short_templ")?),
            prologue: symbol_bytes(elf, "insn_prologue")?,
        })
    }

    /// The page as the child left it (k_insnfuzz.c's `generate`, then the prologue).
    pub fn page(&self, seed: u32) -> Vec<u8> {
        let mut s = seed;
        let mut rand = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        };
        let fill = |(base, mask): (u32, u32), r: u32| (base & !mask) | (r & mask);
        let mut page = vec![0u8; PAGE as usize];
        for unit in page.chunks_exact_mut(4) {
            let (r, v) = (rand(), rand());
            let w = match r % 8 {
                0 | 1 => fill(self.long[(r >> 8) as usize % self.long.len()], v),
                2 => {
                    let t = self.short[(r >> 8) as usize % self.short.len()];
                    (fill(t, v) << 16) | (rand() & 0xFFFF)
                }
                _ => v,
            };
            unit[..2].copy_from_slice(&((w >> 16) as u16).to_le_bytes());
            unit[2..].copy_from_slice(&(w as u16).to_le_bytes());
        }
        let table = (REG_TABLE - STREAM_VA) as usize;
        for i in 0..32 {
            let (r, v) = (rand(), rand());
            let reg = match r % 4 {
                0 => v % 64,
                1 => STREAM_VA + (v % PAGE & !3),
                _ => v,
            };
            page[table + 4 * i..table + 4 * i + 4].copy_from_slice(&reg.to_le_bytes());
        }
        page[..self.prologue.len()].copy_from_slice(&self.prologue);
        page
    }
}

/// Tallies of one judged run.
#[derive(Debug, Default)]
pub struct StreamReport {
    pub streams: u32,
    /// Outcome (`SIGILL invalid`, `SIGSEGV store`, `killed`, ...) → count.
    pub outcomes: BTreeMap<String, u32>,
    pub failures: Vec<String>,
}

fn in_page(a: u32) -> bool {
    (STREAM_VA..STREAM_VA + PAGE).contains(&a)
}

const PRIVILEGED: &[&str] = &[
    "kflag", "sleep", "rtie", "seti", "clri", "sr", "lr", "aex", "brk", "brk_s", "flag",
];
const ABSENT: &[&str] = &["llock", "scond", "llockd", "scondd"];
const DIVIDES: &[&str] = &["div", "divu", "rem", "remu"];

fn mnemonic(text: &str) -> &str {
    let m = text.split('\t').next().unwrap_or("");
    m.split('.').next().unwrap_or(m)
}

fn is_store(m: &str) -> bool {
    m.starts_with("st") || m.starts_with("push") || m == "enter_s" || m == "ex"
}

fn is_memory(m: &str) -> bool {
    m.starts_with("ld") // every load, ldi's table read included
        || is_store(m)
        || m.starts_with("pop")
        || m.starts_with("prefetch")
        || m == "leave_s"
}

/// The major opcode. Majors 5 and 6 hold the extension instructions (DSP, FPU), of
/// which the `sim` core executes only the multiply/MAC subset; the rest raise
/// Instruction Error, and which is which is the core's configuration, not the kernel's.
fn major(i: &Insn) -> u32 {
    if matches!(i.len, 2 | 6) {
        (i.word >> 11) & 0x1F
    } else {
        i.word >> 27
    }
}

/// The `sim` core has no FPU (objdump's `fs*`, `fd*`, `fcvt*` of major 6).
fn is_fpu(m: &str) -> bool {
    m != "flag" && (m.starts_with("fs") || m.starts_with("fd") || m.starts_with("fcvt"))
}

/// Condition codes 0x10.. name extension conditions this core does not have (for
/// `set<cc>` the predicate field, which the decoder keeps in `disp`, too).
fn reserved_condition(i: &Insn) -> bool {
    i.cond >= 0x10 || (i.op == Op::Set && i.disp >= 0x10)
}

/// A 64-bit operand (ldd/std data, mpyd's result; the decoder keeps each in `a`) must
/// be an even register; a result pair cannot be an immediate (ldd's `0` destination).
fn odd_pair(i: &Insn, m: &str) -> bool {
    let odd = matches!(i.a, Operand::Reg(r) if r % 2 == 1);
    if matches!(i.op, Op::Mpyd | Op::Mpydu) {
        odd
    } else if i.size == MemSize::Double {
        odd || (!is_store(m) && !matches!(i.a, Operand::Reg(_)))
    } else {
        false
    }
}

/// 64-bit accesses need only word alignment (LDD/STD are two word accesses).
fn misaligned(i: &Insn, addr: u32) -> bool {
    addr % i.size.bytes().min(4) != 0
}

fn is_transfer(m: &str) -> bool {
    matches!(m.chars().next(), Some('b' | 'j'))
        || matches!(m, "lp" | "leave_s" | "enter_s" | "ei_s")
}

fn decode_at(page: &[u8], off: usize) -> Insn {
    let mut bytes = [0u8; 8];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = page.get(off + i).copied().unwrap_or(0);
    }
    decode(&bytes)
}

fn is_trap_s(hw: u16) -> bool {
    hw & 0xF81F == 0x781E && hw != 0x781E
}

/// Some branch or jump with a delay slot (`.d`) has `trap_s n` (n > 0) in its slot.
fn has_trap_in_delay_slot(page: &[u8]) -> bool {
    (0..page.len() - 2).step_by(2).any(|off| {
        let i = decode_at(page, off);
        let slot = off + usize::from(i.len);
        slot + 2 <= page.len()
            && disasm(&i, STREAM_VA + off as u32)
                .split('\t')
                .next()
                .unwrap_or("")
                .contains(".d")
            && is_trap_s(u16::from_le_bytes([page[slot], page[slot + 1]]))
    })
}

/// Names the architectural cause of `sig` at `pc`/`addr`, or says why it is wrong.
fn classify(page: &[u8], sig: &str, addr: u32, pc: u32) -> Result<String, String> {
    if !in_page(pc) {
        return match sig {
            "SIGSEGV" if addr == pc => Ok("SIGSEGV fetch outside".into()),
            // TRAP_S completes first: in a delay slot its return address is the target.
            "SIGTRAP" if addr == pc && has_trap_in_delay_slot(page) => {
                Ok("SIGTRAP trap_s in a delay slot".into())
            }
            _ => Err(format!(
                "{sig} at pc {pc:#x} outside the page (only a fetch fault or a delay-slot trap_s can be)"
            )),
        };
    }
    let off = (pc - STREAM_VA) as usize;
    let insn = decode_at(page, off);
    let text = disasm(&insn, pc);
    let m = mnemonic(&text);
    let end = pc + u32::from(insn.len);
    let prev_hw = (off >= 2).then(|| u16::from_le_bytes([page[off - 2], page[off - 1]]));
    let prev_trap = prev_hw.is_some_and(is_trap_s);
    let prev_syscall = prev_hw == Some(0x781E);
    let why = |what: &str| {
        Err(format!(
            "{sig} addr={addr:#x} at pc {pc:#x} `{text}`: {what}"
        ))
    };
    match sig {
        "SIGSEGV" if end > STREAM_VA + PAGE && addr >= STREAM_VA + PAGE && addr < end => {
            Ok("SIGSEGV fetch off the page end".into())
        }
        // Alignment is checked before translation: a misaligned access is SIGBUS
        // wherever it points.
        "SIGSEGV" if is_memory(m) && misaligned(&insn, addr) => {
            why("a misaligned access raises Misaligned, not a page fault")
        }
        "SIGSEGV" if is_memory(m) && (!in_page(addr) || is_store(m)) => Ok(format!(
            "SIGSEGV {}",
            if in_page(addr) {
                "store to the read-only page"
            } else {
                "unmapped data"
            }
        )),
        "SIGSEGV" => why("not a load/store outside the page, nor a fetch off it"),
        "SIGBUS" if is_memory(m) && misaligned(&insn, addr) => Ok("SIGBUS misaligned".into()),
        "SIGBUS" => why("not a misaligned load/store"),
        "SIGILL" if addr != pc => why("SIGILL's address must be the instruction's"),
        "SIGILL" if insn.op == Op::Invalid => Ok("SIGILL invalid encoding".into()),
        "SIGILL" if reserved_condition(&insn) => Ok("SIGILL reserved condition code".into()),
        "SIGILL" if odd_pair(&insn, m) => Ok("SIGILL bad register pair".into()),
        "SIGILL" if PRIVILEGED.contains(&m) => Ok("SIGILL privileged".into()),
        "SIGILL" if ABSENT.contains(&m) => Ok("SIGILL absent (LL/SC)".into()),
        "SIGILL" if insn.op == Op::Unimp => Ok("SIGILL unimp_s".into()),
        "SIGILL" if insn.op == Op::Ext || major(&insn) == 5 => {
            Ok("SIGILL absent (DSP extension)".into())
        }
        "SIGILL" if is_fpu(m) || major(&insn) == 6 => Ok("SIGILL absent (FPU)".into()),
        "SIGILL" if is_transfer(m) => Ok("SIGILL transfer in a slot".into()),
        "SIGILL" => why("a valid user instruction"),
        "SIGTRAP" if prev_trap => Ok("SIGTRAP trap_s".into()),
        "SIGTRAP" if addr == pc && (m == "swi" || m == "swi_s") => Ok("SIGTRAP swi".into()),
        "SIGTRAP" => why("not after a trap_s, not a swi"),
        "SIGFPE" if addr == pc && DIVIDES.contains(&m) => Ok("SIGFPE divide by zero".into()),
        _ if prev_syscall => Ok(format!("{sig} sent by the stream's own kill")),
        _ => why("no instruction raises it"),
    }
}

/// Judges a console: every STREAM line's child must have a TASK line whose end the
/// instruction at its pc explains.
pub fn judge(console: &str, generator: &Generator) -> StreamReport {
    let r = report::parse(console);
    let mut out = StreamReport::default();
    let tasks: BTreeMap<u32, &report::TaskLine> = r
        .programs
        .iter()
        .flat_map(|p| p.tasks.iter())
        .map(|t| (t.pid, t))
        .collect();
    for line in console.lines().filter(|l| l.starts_with("STREAM ")) {
        let kv: BTreeMap<&str, &str> = line
            .split_whitespace()
            .filter_map(|t| t.split_once('='))
            .collect();
        let field = |k: &str| kv.get(k).and_then(|v| report::num(v));
        let (Some(pid), Some(seed), Some(killed)) = (field("pid"), field("seed"), field("killed"))
        else {
            out.failures.push(format!("malformed: {line}"));
            continue;
        };
        out.streams += 1;
        let outcome = match tasks.get(&pid).map(|t| &t.end) {
            None => Err("no TASK line".to_string()),
            Some(TaskEnd::Exit(code)) => {
                Ok(format!("exit {}", if *code == 0 { "0" } else { "!=0" }))
            }
            Some(TaskEnd::Signal { sig, .. }) if sig == "SIGKILL" && killed == 1 => {
                Ok("killed at the deadline".into())
            }
            Some(TaskEnd::Signal { sig, addr, pc, .. }) => match (addr, pc) {
                (Some(a), Some(p)) => classify(&generator.page(seed), sig, *a, *p),
                _ => Err("TASK line without addr/pc".into()),
            },
        };
        match outcome {
            Ok(o) => *out.outcomes.entry(o).or_default() += 1,
            Err(e) => out
                .failures
                .push(format!("stream seed={seed:#010x} pid={pid}: {e}")),
        }
    }
    out
}
