//! Differential test of arcsim's decoder + disassembler against `arc-linux-gnu-objdump`
//! (binutils 2.40): pseudo-random instruction streams, a structured sweep of the encoding
//! corners (every 16-bit halfword; every major-4..7 sub-opcode, format and F with LIMM/pcl
//! register fields), programs compiled by
//! `arc-linux-gnu-gcc -mcpu=hs38`, and any built kernel image. For every instruction objdump
//! prints, arcsim's text and length must be identical.
//!
//! objdump's `<symbol>` annotations are dropped before comparing. The random stream is
//! disassembled with `-Mdsp`: without a class option objdump *guesses* the class of each major-6
//! extension instruction from the first one it met (printing a warning into the listing), which
//! makes its output depend on instruction order; `-Mdsp` fixes the choice that the guess makes
//! for DSP code anyway. Compiled programs are disassembled with no option, as an ELF's default.

mod common;

use common::{stdout_of, Rng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use arcsim::decode::{decode_for, Isa};
use arcsim::disasm::disasm_for;

const AS: &str = "arc-linux-gnu-as";
const GCC: &str = "arc-linux-gnu-gcc";
const OBJDUMP: &str = "arc-linux-gnu-objdump";

const RANDOM_INSNS: usize = 120_000;

/// One instruction as objdump listed it.
struct Listed {
    addr: u32,
    len: u32,
    text: String,
}

fn require_tool(tool: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "\n\n*** {tool} is missing: the objdump differential test cannot run.\n\
         *** Install the ARC cross binutils/gcc (Debian: apt-get install binutils-arc-linux-gnu \
         gcc-arc-linux-gnu).\n\n"
    );
}

fn work_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("objdump_diff")
        .join(name);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Parses `objdump -d -z` output into instructions; continuation lines (objdump's warnings
/// printed mid-instruction) are joined with `\n`.
fn parse_listing(listing: &str) -> (Vec<Listed>, BTreeMap<u32, u16>) {
    let mut listed: Vec<Listed> = Vec::new();
    let mut halfwords = BTreeMap::new();
    let mut in_code = false;
    for line in listing.lines() {
        if line.starts_with("Disassembly of section") {
            in_code = true;
            continue;
        }
        if !in_code || line.is_empty() || line.ends_with(">:") {
            continue;
        }
        let record = line.split_once(":\t").filter(|(addr, _)| {
            let addr = addr.trim_start();
            !addr.is_empty() && addr.chars().all(|c| c.is_ascii_hexdigit())
        });
        match record {
            Some((addr, rest)) => {
                let addr = u32::from_str_radix(addr.trim(), 16).expect("address");
                let (bytes, text) = rest.split_once('\t').unwrap_or((rest, ""));
                let words: Vec<u16> = bytes
                    .split_whitespace()
                    .map(|h| u16::from_str_radix(h, 16).expect("halfword"))
                    .collect();
                for (i, hw) in words.iter().enumerate() {
                    halfwords.insert(addr + 2 * i as u32, *hw);
                }
                listed.push(Listed {
                    addr,
                    len: 2 * words.len() as u32,
                    text: text.to_string(),
                });
            }
            None => {
                if let Some(last) = listed.last_mut() {
                    last.text.push('\n');
                    last.text.push_str(line);
                }
            }
        }
    }
    for l in &mut listed {
        l.text = normalize(&l.text);
    }
    (listed, halfwords)
}

/// Drops objdump's class-guess warning, `<symbol>` annotations and trailing blanks.
fn normalize(text: &str) -> String {
    const GUESS: &str = concat!(
        "\nWarning: disassembly may be wrong due to guessed opcode class choice.\n",
        "Use -M<class[,class]> to select the correct opcode class(es).\n\t\t\t\t"
    );
    let mut t = text.replace(GUESS, "");
    if let Some(start) = t.rfind(" <") {
        if t.ends_with('>') {
            t.truncate(start);
            // With a symbol, objdump prints the target address without its `0x`.
            if let Some(semi) = t.rfind("\t;") {
                if !t[semi + 2..].starts_with("0x") {
                    t.insert_str(semi + 2, "0x");
                }
            }
        }
    }
    t.trim_end().to_string()
}

#[derive(Default)]
struct Tally {
    isa: Isa,
    compared: usize,
    /// NPS-400 extension instructions objdump prints for ARCompact objects (not modelled).
    excluded: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn new(isa: Isa) -> Tally {
        Tally {
            isa,
            ..Tally::default()
        }
    }

    fn compare(&mut self, source: &str, listing: &str) {
        let (listed, halfwords) = parse_listing(listing);
        let at = |a: u32| halfwords.get(&a).copied().unwrap_or(0);
        for l in &listed {
            let hw = [at(l.addr), at(l.addr + 2), at(l.addr + 4), at(l.addr + 6)];
            let insn = decode_for(self.isa, hw);
            if self.isa == Isa::ArcCompact && is_nps400(&l.text) {
                // arcsim decodes these words as invalid (Instruction Error), like a stock ARC700.
                if insn.op != arcsim::decode::Op::Invalid {
                    self.mismatches.push(format!(
                        "{source} @{:#x}: NPS-400 {:?} decoded as {:?}",
                        l.addr, l.text, insn.op
                    ));
                }
                self.excluded += 1;
                continue;
            }
            // objdump's text was trimmed (a final register-pair warning ends in a newline that
            // the listing shows as an empty line): compare ours the same way.
            let full = disasm_for(self.isa, &insn, l.addr);
            let ours = full.trim_end();
            self.compared += 1;
            if ours != l.text || u32::from(insn.len) != l.len {
                self.mismatches.push(format!(
                    "{source} @{:#x} [{}]: objdump {:?} (len {}), arcsim {:?} (len {})",
                    l.addr,
                    hw.iter()
                        .map(|h| format!("{h:04x}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    l.text,
                    l.len,
                    ours,
                    insn.len
                ));
            }
        }
    }

    fn report(&self, what: &str) {
        let all = work_dir("report").join(format!("{}.txt", what.replace(' ', "_")));
        let _ = std::fs::write(&all, self.mismatches.join("\n"));
        println!("all mismatches: {}", all.display());
        // Only the NPS-400 network-processor extensions (ARCompact mode) are excluded.
        println!(
            "{what}: compared {}, mismatched {}, excluded {}",
            self.compared,
            self.mismatches.len(),
            self.excluded
        );
        for m in self.mismatches.iter().take(60) {
            println!("  {m}");
        }
        assert!(self.compared > 0, "{what}: nothing compared");
        assert!(
            self.mismatches.is_empty(),
            "{what}: arcsim disagrees with objdump"
        );
    }
}

/// Random halfwords for `isa`: plain 16- and 32-bit words, and words with a register field
/// forced to the LIMM marker (62; the 16-bit `h` field's marker is 30 on ARCv2, 62 on
/// ARCompact) followed by a random LIMM.
fn random_stream_for(isa: Isa, rng: &mut Rng, count: usize) -> Vec<u16> {
    let v2 = isa == Isa::ArcV2;
    // ARCv2's 16-bit majors start at 0x08, ARCompact's at 0x0C.
    let (short_base, short_span) = if v2 {
        (0x4000, 0xC000)
    } else {
        (0x6000, 0xA000)
    };
    let word = |r: u64, mask: u32| {
        if v2 {
            r as u32 & mask
        } else {
            r as u32 % 0x6000_0000
        }
    };
    let mut out = Vec::with_capacity(count * 3);
    for _ in 0..count {
        let r = rng.next();
        match rng.below(20) {
            0..=6 => out.push(short_base + (r as u16 % short_span)),
            7..=14 => {
                let w = word(r, 0x3FFF_FFFF);
                out.extend([(w >> 16) as u16, w as u16]);
            }
            15..=18 => {
                let mut w = word(r, 0x37FF_FFFF);
                match rng.below(3) {
                    0 => w = (w & !0x0700_7000) | 0x0600_7000,
                    1 => w = (w & !0x0FC0) | (62 << 6),
                    _ => w = (w & !0x3F) | 62,
                }
                out.extend([
                    (w >> 16) as u16,
                    w as u16,
                    (r >> 32) as u16,
                    (r >> 48) as u16,
                ]);
            }
            _ => {
                let hw = if v2 {
                    let major = if rng.below(2) == 0 { 0x08u16 } else { 0x0E };
                    (major << 11) | (r as u16 & 0x07FF) | 0x00C3
                } else {
                    (0x0Eu16 << 11) | (r as u16 & 0x07FF) | 0x00C7
                };
                out.extend([hw, (r >> 32) as u16, (r >> 48) as u16]);
            }
        }
    }
    // Room for a trailing LIMM.
    out.extend([0x78E0; 4]);
    out
}

fn assemble_halfwords(dir: &Path, name: &str, halfwords: &[u16]) -> PathBuf {
    assemble_halfwords_for(dir, name, halfwords, "-mcpu=hs38")
}

/// `mcpu` picks the ELF's e_machine, and with it the instruction set objdump decodes.
fn assemble_halfwords_for(dir: &Path, name: &str, halfwords: &[u16], mcpu: &str) -> PathBuf {
    let mut src = String::from("\t.text\n");
    for chunk in halfwords.chunks(16) {
        let list: Vec<String> = chunk.iter().map(|h| format!("0x{h:04x}")).collect();
        src.push_str(&format!("\t.short {}\n", list.join(",")));
    }
    let s = dir.join(format!("{name}.s"));
    let o = dir.join(format!("{name}.o"));
    std::fs::write(&s, src).expect("write .s");
    stdout_of(Command::new(AS).arg(mcpu).arg(&s).arg("-o").arg(&o));
    o
}

#[test]
fn random_words_match_objdump() {
    require_tool(AS);
    require_tool(OBJDUMP);
    let dir = work_dir("random");
    let mut rng = Rng(0x00A2_C5E1_u64);
    let stream = random_stream_for(Isa::ArcV2, &mut rng, RANDOM_INSNS);
    let object = assemble_halfwords(&dir, "random", &stream);
    let listing = stdout_of(
        Command::new(OBJDUMP)
            .args(["-d", "-z", "-Mdsp"])
            .arg(&object),
    );
    let mut tally = Tally::new(Isa::ArcV2);
    tally.compare("random", &listing);
    tally.report("random words");
}

/// Every 16-bit halfword of `isa`, and the 32-bit general formats (majors 4..7, ARCompact up
/// to 0x0B) over every sub-opcode, format, F and a few telling register fields (0, 1, LIMM
/// marker, pcl), plus majors 0..3 with those register fields: the corners where objdump's
/// table has its quirks. For ARCompact also every single-operand sub-opcode and every B of
/// the zero-operand group.
fn structured_stream_for(isa: Isa) -> Vec<u16> {
    const LIMM: [u16; 2] = [0x1122, 0x3344];
    let v2 = isa == Isa::ArcV2;
    let mut out = Vec::new();
    let push32 = |out: &mut Vec<u16>, w: u32| {
        out.extend([(w >> 16) as u16, w as u16]);
        out.extend(LIMM);
    };
    for h in (if v2 { 0x4000 } else { 0x6000 })..=0xFFFFu32 {
        out.push(h as u16);
        out.extend(LIMM);
    }
    let field = |r: u32, b: u32| ((b & 7) << 24) | ((b >> 3) << 12) | (r << 6);
    for major in 4..=(if v2 { 7 } else { 0x0B }) {
        for sub in 0..64u32 {
            for p in 0..4u32 {
                for f in 0..2u32 {
                    let lows: &[u32] = if sub == 0x2F && !v2 {
                        &[0, 1, 5, 12, 30, 62, 63]
                    } else {
                        &[0, 1, 62, 63]
                    };
                    for &a in lows {
                        for b in [1u32, 62, 63] {
                            for c in [1u32, 62, 63] {
                                let w = (major << 27)
                                    | (p << 22)
                                    | (sub << 16)
                                    | (f << 15)
                                    | field(c, b)
                                    | a;
                                push32(&mut out, w);
                            }
                        }
                    }
                }
            }
        }
        if v2 {
            continue;
        }
        for single in 0..64u32 {
            for p in 0..2u32 {
                for f in 0..2u32 {
                    for b in [1u32, 62] {
                        let w = (major << 27) | (p << 22) | (0x2F << 16) | (f << 15);
                        push32(&mut out, w | field(2, b) | single);
                    }
                }
            }
        }
    }
    if !v2 {
        // The zero-operand group of majors 4 and 5 selects by B: every B value.
        for major in 4..=5u32 {
            for b in 0..64u32 {
                for p in 0..4u32 {
                    for f in 0..2u32 {
                        for c in [0u32, 1, 62] {
                            let w = (major << 27) | (p << 22) | (0x2F << 16) | (f << 15);
                            push32(&mut out, w | field(c, b) | 0x3F);
                        }
                    }
                }
            }
        }
    }
    let mut rng = Rng(if v2 { 0x5EED } else { 0x5EED_0700 });
    for major in 0..=3u32 {
        for b in [0u32, 1, 62, 63] {
            for c in [0u32, 1, 62, 63] {
                for _ in 0..64 {
                    let rest = rng.next() as u32 & 0x00FF_803F;
                    push32(&mut out, (major << 27) | field(c, b) | rest);
                }
            }
        }
    }
    out.extend([0x78E0; 4]);
    out
}

#[test]
fn structured_words_match_objdump() {
    require_tool(AS);
    require_tool(OBJDUMP);
    let dir = work_dir("structured");
    let object = assemble_halfwords(&dir, "structured", &structured_stream_for(Isa::ArcV2));
    let listing = stdout_of(
        Command::new(OBJDUMP)
            .args(["-d", "-z", "-Mdsp"])
            .arg(&object),
    );
    let mut tally = Tally::new(Isa::ArcV2);
    tally.compare("structured", &listing);
    tally.report("structured words");
}

#[test]
fn compiled_programs_match_objdump() {
    require_tool(GCC);
    require_tool(OBJDUMP);
    let dir = work_dir("corpus");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/objdump_corpus");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("tests/objdump_corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    let mut tally = Tally::new(Isa::ArcV2);
    for src in &sources {
        for opt in ["-O0", "-O2", "-Os"] {
            let stem = src.file_stem().unwrap().to_string_lossy();
            let elf = dir.join(format!("{stem}{opt}.elf"));
            stdout_of(
                Command::new(GCC)
                    .args(toolchain::include_flags(toolchain::Headers::Freestanding).unwrap())
                    .args(["-mcpu=hs38", opt, "-nostdlib", "-static", "-Wl,-e,0"])
                    .arg("-Wl,--unresolved-symbols=ignore-all")
                    .arg(src)
                    .arg("-lgcc")
                    .arg("-o")
                    .arg(&elf),
            );
            let listing = stdout_of(Command::new(OBJDUMP).args(["-d", "-z"]).arg(&elf));
            tally.compare(&format!("{stem}{opt}"), &listing);
        }
    }
    // Kernels built by other tests, each with the decoder of its ELF's e_machine (an
    // ARC700 board's kernel is ARCompact).
    let mut compact = Tally::new(Isa::ArcCompact);
    let kernels = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/arc");
    if let Ok(boards) = std::fs::read_dir(&kernels) {
        for board in boards.flatten() {
            let elf = board.path().join("kernel.elf");
            let Ok(bytes) = std::fs::read(&elf) else {
                continue;
            };
            let listing = stdout_of(Command::new(OBJDUMP).args(["-d", "-z"]).arg(&elf));
            match bytes.get(18..20).map(|m| u16::from_le_bytes([m[0], m[1]])) {
                Some(93) => compact.compare(&elf.display().to_string(), &listing),
                _ => tally.compare(&elf.display().to_string(), &listing),
            }
        }
    }
    tally.report("compiled programs");
    if compact.compared > 0 {
        compact.report("compiled ARCompact kernels");
    } else {
        println!("compiled ARCompact kernels: none built yet (tests/arcompact.rs builds one)");
    }
}

#[test]
fn decode_never_panics() {
    let mut rng = Rng(7);
    for _ in 0..2_000_000 {
        let r = rng.next();
        let hw = [
            r as u16,
            (r >> 16) as u16,
            (r >> 32) as u16,
            (r >> 48) as u16,
        ];
        let insn = decode_for(Isa::ArcV2, hw);
        assert!(
            matches!(insn.len, 2 | 4 | 6 | 8),
            "{hw:04x?} → len {}",
            insn.len
        );
        let _ = disasm_for(Isa::ArcV2, &insn, r as u32);
        let insn = decode_for(Isa::ArcCompact, hw);
        assert!(
            matches!(insn.len, 2 | 4 | 6 | 8),
            "ARCompact {hw:04x?} → len {}",
            insn.len
        );
        let _ = disasm_for(Isa::ArcCompact, &insn, r as u32);
    }
}

// ---- ARCompact (ARC700): objects assembled with -mcpu=arc700 carry EM_ARC_COMPACT, from which
// objdump picks the ARCompact tables.

/// objdump's ARC700 tables include the NPS-400 network-processor extensions (majors 7, 9, 0xB
/// and a few sub-opcodes of 4 and 5); a stock ARC700 has none of them. Matched by mnemonic.
const NPS400: &[&str] = &[
    "addb", "addf", "addl", "adcb", "andab", "andb", "andl", "asri", "bdalc", "bdbgt", "bdfre",
    "bdlen", "calcbsd", "calcbxd", "calckey", "calcsd", "calcxd", "calcxkey", "cbba", "cntbb",
    "cp16", "cp32", "cp64", "crc16", "crc32", "csma", "csms", "dcacl", "dcet", "dcip", "dcmac",
    "dctcp", "decode1", "div", "divm", "e4by", "efabgt", "encode0", "encode1", "ext4b", "fbclr",
    "fbset", "fxorb", "hash", "hofs", "hwschd", "idxalc", "idxbgt", "idxfre", "imxb", "ins4b",
    "jobalc", "jobbgt", "jobdn", "jobget", "lbdsize", "ldbit", "mcmp", "mod", "mov2b", "mov3b",
    "mov3bcl", "mov4b", "mov4bcl", "movb", "movbi", "movh", "movl", "mrgb", "mxb", "notb", "orab",
    "orb", "orl", "qcmp", "qseq", "rflt", "sbcb", "sbdalc", "sbdfre", "schd", "shlb", "shrb",
    "sidxalc", "sidxfre", "sjobalc", "subb", "subl", "tr", "utf8", "whash", "wxorb", "xld", "xldb",
    "xldw", "xorb", "xorl", "xst", "xstb", "xstw", "zncv", "getrtc", "getsti", "uip", "wkup",
];

fn is_nps400(text: &str) -> bool {
    let mnemonic = text.split(['\t', '.']).next().unwrap_or("");
    // NPS-400's `sync.rd`/`sync.wr` share the mnemonic of the core `sync`.
    NPS400.contains(&mnemonic) || text.starts_with("sync.")
}

const ARC700: &str = "-mcpu=arc700";

fn compare_compact(name: &str, stream: &[u16]) {
    require_tool(AS);
    require_tool(OBJDUMP);
    let dir = work_dir(name);
    let object = assemble_halfwords_for(&dir, name, stream, ARC700);
    // `-Mdsp` as for ARCv2: it stops objdump guessing an extension class for major 6 (ARC700
    // has no DSP class, so FPX and the other major-6 extensions stay undecoded).
    let listing = stdout_of(
        Command::new(OBJDUMP)
            .args(["-d", "-z", "-Mdsp"])
            .arg(&object),
    );
    let mut tally = Tally::new(Isa::ArcCompact);
    tally.compare(name, &listing);
    tally.report(&name.replace('_', " "));
}

#[test]
fn arcompact_random_words_match_objdump() {
    let mut rng = Rng(0x0A70_0C0D_u64);
    compare_compact(
        "arcompact_random",
        &random_stream_for(Isa::ArcCompact, &mut rng, 20_000),
    );
}

#[test]
fn arcompact_structured_words_match_objdump() {
    compare_compact(
        "arcompact_structured",
        &structured_stream_for(Isa::ArcCompact),
    );
}

/// The objdump corpus and the C test programs (ARCv2's and ARC700's) compiled for ARC700
/// (without libgcc: Debian's is ARCv2-only), disassembled as their ELF default.
#[test]
fn arcompact_compiled_programs_match_objdump() {
    require_tool(GCC);
    require_tool(OBJDUMP);
    let dir = work_dir("arcompact_corpus");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut sources: Vec<PathBuf> = Vec::new();
    for sub in ["objdump_corpus", "c/progs", "arcompact"] {
        if let Ok(entries) = std::fs::read_dir(root.join(sub)) {
            sources.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "c")),
            );
        }
    }
    sources.sort();
    let mut tally = Tally::new(Isa::ArcCompact);
    for src in &sources {
        for opt in ["-O0", "-O2", "-Os"] {
            let stem = src.file_stem().unwrap().to_string_lossy();
            // Linked so every section has its own addresses.
            let obj = dir.join(format!("{stem}{opt}.elf"));
            stdout_of(
                Command::new(GCC)
                    .args(toolchain::include_flags(toolchain::Headers::ArcLibc).unwrap())
                    .args(["-mcpu=arc700", opt, "-nostdlib", "-static", "-Wl,-e,0"])
                    // The libgcc calls (division) stay unresolved; the code is still laid out.
                    .arg("-Wl,--noinhibit-exec")
                    .arg(src)
                    .arg("-o")
                    .arg(&obj),
            );
            let listing = stdout_of(Command::new(OBJDUMP).args(["-d", "-z"]).arg(&obj));
            tally.compare(&format!("{stem}{opt}"), &listing);
        }
    }
    tally.report("arcompact compiled programs");
}

/// GCC's torture execute tests compiled for ARC700 at -O2 (slow: opt-in with `--ignored`;
/// needs the sources `tests/torture.rs` extracts into the target dir).
#[test]
#[ignore]
fn arcompact_torture_programs_match_objdump() {
    require_tool(GCC);
    require_tool(OBJDUMP);
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let execute = root.join("gcc-torture/gcc-12.2.0/gcc/testsuite/gcc.c-torture/execute");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&execute)
        .expect("torture sources: run the torture test once first")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    let dir = work_dir("arcompact_torture");
    let mut tally = Tally::new(Isa::ArcCompact);
    let mut built = 0;
    for src in &sources {
        let stem = src.file_stem().unwrap().to_string_lossy();
        let elf = dir.join(format!("{stem}.elf"));
        // Some tests need headers or extensions this freestanding build lacks: skip those.
        let ok = Command::new(GCC)
            .args(toolchain::include_flags(toolchain::Headers::ArcLibc).unwrap())
            .args([
                "-mcpu=arc700",
                "-O2",
                "-w",
                "-nostdlib",
                "-static",
                "-Wl,-e,0",
            ])
            .arg("-Wl,--noinhibit-exec")
            .arg(src)
            .arg("-o")
            .arg(&elf)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            continue;
        }
        built += 1;
        let listing = stdout_of(Command::new(OBJDUMP).args(["-d", "-z"]).arg(&elf));
        tally.compare(&stem, &listing);
    }
    println!(
        "torture programs built for ARC700: {built} of {}",
        sources.len()
    );
    tally.report("arcompact torture programs");
}
