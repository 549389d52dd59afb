//! `arcsim disasm`: the listing `arc-linux-gnu-objdump -d` (binutils 2.40) prints for an ARCv2
//! or ARCompact ELF file (by e_machine), using the decoder's disassembler for the instruction
//! text.
//!
//! Everything around the instructions follows objdump's own rules (binutils/objdump.c):
//!
//! * the header `\n<file>:     file format elf32-littlearc\n\n`, then for every section with
//!   contents and SHF_EXECINSTR (in section-header order) `\nDisassembly of section <name>:\n`;
//! * the symbol table is filtered like `remove_useless_symbols` (no unnamed, undefined, common,
//!   section or file symbols; absolute symbols stay) and, for every section, sorted like
//!   `compare_symbols` (value; this section's symbols first; `gnu_compiled` and file-like names
//!   last; functions, objects, globals before locals; larger size first; names starting with
//!   `.` last; name);
//! * the section is cut into blocks at the symbols of the same section, each block headed by
//!   `\n%08x <symbol>:\n` (the best symbol at that address, or `<symbol-0x..>` when the
//!   section starts before its first symbol);
//! * a block headed by an OBJECT symbol is dumped as data (16 bytes a line with their
//!   characters), anything else is disassembled; an instruction may not cross the end of its
//!   block (objdump then prints `Address 0x.. is out of bounds.` or, for a LIMM that does not
//!   fit, the instruction word as `.word`);
//! * runs of zero bytes (8 or more, or 1..2 at the end of a block) print as `\t...` unless the
//!   previous instruction in the block has a delay slot;
//! * `disasm()`'s `\t;0x<target>` comment becomes objdump's `\t;<target> <symbol+0x..>`, found
//!   like `find_symbol_for_address` (the nearest symbol at or below the target, preferring one
//!   in the section being listed; absolute symbols count, e.g. `<RAM_SIZE+0x6ff00400>`).
//!
//! * in a relocatable object, an instruction with a relocation at its address shows the
//!   relocation symbol's value plus the displacement (print_insn_arc takes the PC as 0), for
//!   every code section but the first: objdump loads relocations only once the ARC
//!   disassembler has said, on its first instruction, that it wants them.

use crate::decode;
use crate::elf::LoadError;
use object::elf;
use object::read::elf::{FileHeader, Rel as _, Rela as _, SectionHeader, Sym as _};
use object::LittleEndian as LE;
use std::cmp::Ordering;
use std::fmt::Write;

/// objdump's default `--skip-zeroes` thresholds (DEFAULT_SKIP_ZEROES, _AT_END).
const SKIP_ZEROES: usize = 8;
const SKIP_ZEROES_AT_END: usize = 3;

// BFD symbol flags that matter for the listing.
const BSF_LOCAL: u32 = 1 << 0;
const BSF_GLOBAL: u32 = 1 << 1;
const BSF_DEBUGGING: u32 = 1 << 2;
const BSF_FUNCTION: u32 = 1 << 3;
const BSF_SECTION_SYM: u32 = 1 << 4;
const BSF_FILE: u32 = 1 << 5;
const BSF_OBJECT: u32 = 1 << 6;

/// A symbol's section: a section header index, or absolute.
const ABS: usize = usize::MAX;

struct Section {
    index: usize,
    name: Vec<u8>,
    addr: u64,
    size: u64,
    code: bool,
    data: Vec<u8>,
}

struct Symbol {
    name: Vec<u8>,
    value: u64,
    size: u64,
    flags: u32,
    /// Section header index or [`ABS`].
    section: usize,
    section_name: Vec<u8>,
}

/// Listing text, or why the file is not an ARCv2 ELF file. `file` is the name printed in the
/// header line (objdump prints the path as given on its command line).
pub fn listing_named(image: &[u8], file: &str) -> Result<String, LoadError> {
    let Parsed {
        isa,
        sections,
        symbols,
        relocatable,
        relocs,
        reloc_syms,
    } = read(image)?;
    let mut out = String::new();
    let _ = write!(
        out,
        "\n{}:     file format elf32-littlearc\n\n",
        sanitize(file.as_bytes())
    );
    let mut state = State::default();
    for section in &sections {
        if section.code && section.size != 0 {
            List {
                section,
                symbols: &symbols,
                sorted: sorted_for(&symbols, &section.name),
                relocatable,
                isa,
                relocs: &relocs,
                reloc_syms: &reloc_syms,
                rels: &[],
                rel_pos: 0,
                out: &mut out,
                state: &mut state,
            }
            .section();
        }
    }
    Ok(out)
}

/// [`listing_named`] with an empty file name.
pub fn listing(image: &[u8]) -> Result<String, LoadError> {
    listing_named(image, "")
}

/// A relocation's target symbol as BFD sees it (by ELF symbol index).
struct RelocSym {
    name: Vec<u8>,
    value: u64,
    undefined: bool,
}

struct Parsed {
    isa: decode::Isa,
    sections: Vec<Section>,
    symbols: Vec<Symbol>,
    /// HAS_RELOC for a relocatable file (symbols are looked up in the listed section).
    relocatable: bool,
    /// Per section header index: (offset, ELF symbol index), sorted by offset.
    relocs: std::collections::HashMap<usize, Vec<(u64, usize)>>,
    reloc_syms: Vec<RelocSym>,
}

fn read(image: &[u8]) -> Result<Parsed, LoadError> {
    if image.len() < 6 || &image[..4] != b"\x7fELF" {
        return Err(LoadError::NotElf);
    }
    if image[4] != elf::ELFCLASS32 {
        return Err(LoadError::NotElf32);
    }
    let e = LE;
    let hdr = elf::FileHeader32::<LE>::parse(image)
        .map_err(|err| LoadError::Truncated(format!("file header: {err}")))?;
    let isa = match hdr.e_machine(e) {
        crate::elf::EM_ARCV2 => decode::Isa::ArcV2,
        crate::elf::EM_ARC_COMPACT => decode::Isa::ArcCompact,
        m => return Err(LoadError::WrongMachine(m)),
    };
    // BFD's EXEC_P / DYNAMIC: symbol values are addresses; otherwise section offsets.
    let linked = matches!(hdr.e_type(e), elf::ET_EXEC | elf::ET_DYN);
    let table = hdr
        .sections(e, image)
        .map_err(|err| LoadError::Truncated(format!("section headers: {err}")))?;
    let shstrndx = hdr.e_shstrndx(e) as usize;
    let mut has_reloc = false;
    // Section headers that BFD does not turn into sections: the symbol tables and their
    // string tables, and the section-name string table.
    let mut not_bfd = vec![false; table.len()];
    if let Some(x) = not_bfd.get_mut(shstrndx) {
        *x = true;
    }
    for sh in table.iter() {
        let t = sh.sh_type(e);
        if t == elf::SHT_REL || t == elf::SHT_RELA {
            has_reloc = true;
        }
        if t == elf::SHT_SYMTAB {
            if let Some(x) = not_bfd.get_mut(sh.sh_link(e) as usize) {
                *x = true;
            }
        }
    }
    let mut sections = Vec::new();
    for (index, sh) in table.iter().enumerate() {
        let t = sh.sh_type(e);
        if index == 0 || t == elf::SHT_SYMTAB {
            not_bfd[index] = true;
            continue;
        }
        let name = table.section_name(e, sh).unwrap_or_default().to_vec();
        let code = sh.sh_flags(e) & elf::SHF_EXECINSTR != 0 && t != elf::SHT_NOBITS;
        let data = if code {
            sh.data(e, image)
                .map_err(|_| {
                    LoadError::Truncated(format!("section {}", String::from_utf8_lossy(&name)))
                })?
                .to_vec()
        } else {
            Vec::new()
        };
        sections.push(Section {
            index,
            name,
            addr: sh.sh_addr(e) as u64,
            size: sh.sh_size(e) as u64,
            code,
            data,
        });
    }
    let section_by_index = |i: usize| sections.iter().find(|s| s.index == i && !not_bfd[i]);

    let mut symbols = Vec::new();
    let mut reloc_syms = vec![RelocSym {
        name: b"*ABS*".to_vec(),
        value: 0,
        undefined: false,
    }];
    let mut symtab = table.symbols(e, image, elf::SHT_SYMTAB).ok();
    if symtab.as_ref().is_some_and(|t| t.len() <= 1) {
        symtab = table.symbols(e, image, elf::SHT_DYNSYM).ok();
    }
    if let Some(symtab) = symtab {
        for sym in symtab.iter().skip(1) {
            let kind = sym.st_type();
            let shndx = sym.st_shndx(e) as usize;
            let mut name = sym.name(e, symtab.strings()).unwrap_or_default().to_vec();
            if name.is_empty() && kind == elf::STT_SECTION && shndx < table.len() {
                if let Ok(sh) = table.section(object::SectionIndex(shndx)) {
                    name = table.section_name(e, sh).unwrap_or_default().to_vec();
                }
            }
            let (section, section_name, base) = match section_by_index(shndx) {
                Some(s) if shndx != elf::SHN_ABS as usize => (s.index, s.name.clone(), s.addr),
                _ => (ABS, b"*ABS*".to_vec(), 0),
            };
            let st_value = sym.st_value(e) as u64;
            let value = if linked || section == ABS {
                st_value
            } else {
                base + st_value
            };
            reloc_syms.push(RelocSym {
                name: name.clone(),
                value,
                undefined: shndx == elf::SHN_UNDEF as usize,
            });
            if shndx == elf::SHN_UNDEF as usize || shndx == elf::SHN_COMMON as usize {
                continue;
            }
            let mut flags = match sym.st_bind() {
                elf::STB_LOCAL => BSF_LOCAL,
                elf::STB_GLOBAL => BSF_GLOBAL,
                _ => 0,
            };
            flags |= match kind {
                elf::STT_SECTION => BSF_SECTION_SYM | BSF_DEBUGGING,
                elf::STT_FILE => BSF_FILE | BSF_DEBUGGING,
                elf::STT_FUNC => BSF_FUNCTION,
                elf::STT_OBJECT | elf::STT_COMMON => BSF_OBJECT,
                _ => 0,
            };
            // remove_useless_symbols
            if name.is_empty() {
                continue;
            }
            if flags & (BSF_DEBUGGING | BSF_SECTION_SYM) != 0
                && !(name.starts_with(b".plt") || name.starts_with(b".got"))
            {
                continue;
            }
            symbols.push(Symbol {
                name,
                value,
                size: if flags & BSF_SECTION_SYM != 0 {
                    0
                } else {
                    sym.st_size(e) as u64
                },
                flags,
                section,
                section_name,
            });
        }
    }
    // Relocations (objdump uses them for relocatable files only).
    let mut relocs: std::collections::HashMap<usize, Vec<(u64, usize)>> = Default::default();
    if !linked {
        for sh in table.iter() {
            let target = sh.sh_info(e) as usize;
            let entries: Vec<(u64, usize)> = if let Ok(Some((rel, _))) = sh.rel(e, image) {
                rel.iter()
                    .map(|r| (r.r_offset(e) as u64, r.r_sym(e) as usize))
                    .collect()
            } else if let Ok(Some((rela, _))) = sh.rela(e, image) {
                rela.iter()
                    .map(|r| (r.r_offset(e) as u64, r.r_sym(e) as usize))
                    .collect()
            } else {
                continue;
            };
            relocs.entry(target).or_default().extend(entries);
        }
        for v in relocs.values_mut() {
            v.sort_by_key(|r| r.0);
        }
    }
    Ok(Parsed {
        isa,
        sections,
        symbols,
        relocatable: has_reloc && !linked,
        relocs,
        reloc_syms,
    })
}

/// `compare_symbols` with `compare_section` named `current`.
fn compare(a: &Symbol, b: &Symbol, current: &[u8]) -> Ordering {
    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }
    fn compiled(s: &Symbol) -> bool {
        contains(&s.name, b"gnu_compiled") || contains(&s.name, b"gcc2_compiled")
    }
    fn file_like(s: &Symbol) -> bool {
        let n = &s.name;
        s.flags & BSF_FILE != 0
            || (n.len() > 2 && n[n.len() - 2] == b'.' && matches!(n[n.len() - 1], b'o' | b'a'))
    }
    // `true` sorts first.
    fn first(a: bool, b: bool) -> Ordering {
        b.cmp(&a)
    }
    a.value
        .cmp(&b.value)
        .then_with(|| first(a.section_name == current, b.section_name == current))
        .then_with(|| first(!compiled(a), !compiled(b)))
        .then_with(|| first(!file_like(a), !file_like(b)))
        .then_with(|| {
            let f = |s: &Symbol, bit: u32| s.flags & bit != 0;
            first(!f(a, BSF_DEBUGGING), !f(b, BSF_DEBUGGING))
                .then_with(|| first(!f(a, BSF_SECTION_SYM), !f(b, BSF_SECTION_SYM)))
                .then_with(|| first(f(a, BSF_FUNCTION), f(b, BSF_FUNCTION)))
                .then_with(|| first(f(a, BSF_OBJECT), f(b, BSF_OBJECT)))
                .then_with(|| first(!f(a, BSF_LOCAL), !f(b, BSF_LOCAL)))
                .then_with(|| first(f(a, BSF_GLOBAL), f(b, BSF_GLOBAL)))
        })
        .then_with(|| b.size.cmp(&a.size))
        .then_with(|| first(a.name.first() != Some(&b'.'), b.name.first() != Some(&b'.')))
        .then_with(|| a.name.cmp(&b.name))
}

/// Symbol indices sorted for listing section `current` (glibc's qsort is a stable merge
/// sort, so equal symbols keep their symbol-table order).
fn sorted_for(symbols: &[Symbol], current: &[u8]) -> Vec<usize> {
    let mut v: Vec<usize> = (0..symbols.len()).collect();
    v.sort_by(|&a, &b| compare(&symbols[a], &symbols[b], current));
    v
}

/// What objdump's `disassemble_info` carries from one instruction to the next.
#[derive(Default)]
struct State {
    insn_info_valid: bool,
    branch_delay: bool,
    bytes_per_chunk: usize,
    /// Set by print_insn_arc on its first instruction: objdump loads a section's relocations
    /// only when this is already set, i.e. not for the first code section.
    needs_relocs: bool,
}

struct List<'a> {
    isa: decode::Isa,
    section: &'a Section,
    symbols: &'a [Symbol],
    sorted: Vec<usize>,
    relocatable: bool,
    relocs: &'a std::collections::HashMap<usize, Vec<(u64, usize)>>,
    reloc_syms: &'a [RelocSym],
    /// The relocations loaded for this section, and the next one not yet passed.
    rels: &'a [(u64, usize)],
    rel_pos: usize,
    out: &'a mut String,
    state: &'a mut State,
}

impl List<'_> {
    fn sym(&self, place: usize) -> &Symbol {
        &self.symbols[self.sorted[place]]
    }

    fn value(&self, place: usize) -> u64 {
        self.sym(place).value
    }

    fn sym_ok(&self, want_section: bool, place: usize) -> bool {
        let s = self.sym(place);
        !want_section || (s.section == self.section.index && s.section_name == self.section.name)
    }

    /// `find_symbol_for_address`: the place in `sorted` of the symbol to show for `vma`.
    fn find_symbol(&self, vma: u64, require_sec: bool) -> Option<usize> {
        let count = self.sorted.len();
        if count < 1 {
            return None;
        }
        let (mut min, mut max) = (0usize, count);
        while min + 1 < max {
            let this = (max + min) / 2;
            let v = self.value(this);
            match v.cmp(&vma) {
                Ordering::Greater => max = this,
                Ordering::Less => min = this,
                Ordering::Equal => {
                    min = this;
                    break;
                }
            }
        }
        let mut this = min;
        while this > 0 && self.value(this) == self.value(this - 1) {
            this -= 1;
        }
        // Prefer a symbol in the current section among those with the same value.
        min = this;
        while min < max && self.value(min) == self.value(this) {
            if self.sym_ok(true, min) {
                return Some(min);
            }
            min += 1;
        }
        let sec = self.section;
        let want_section =
            require_sec || (self.relocatable && vma >= sec.addr && vma < sec.addr + sec.size);
        if !self.sym_ok(want_section, this) {
            let mut newplace = count;
            for i in (0..min).rev() {
                if self.sym_ok(want_section, i) {
                    if newplace == count {
                        newplace = i;
                    }
                    if self.value(i) != self.value(newplace) {
                        break;
                    }
                    newplace = i;
                }
            }
            if newplace != count {
                this = newplace;
            } else if let Some(i) = (this + 1..count).find(|&i| self.sym_ok(want_section, i)) {
                this = i;
            }
            if !self.sym_ok(want_section, this) {
                return None;
            }
        }
        Some(this)
    }

    /// `objdump_print_addr_with_sym`.
    fn addr_with_sym(&self, sym: Option<usize>, vma: u64, skip_zeroes: bool) -> String {
        let mut s = value_text(vma, skip_zeroes);
        s.push_str(" <");
        let (name, base) = match sym {
            None => (sanitize(&self.section.name), self.section.addr),
            Some(p) => (sanitize(&self.sym(p).name), self.value(p)),
        };
        s.push_str(&name);
        match base.cmp(&vma) {
            Ordering::Greater => {
                s.push_str("-0x");
                s.push_str(&value_text(base - vma, true));
            }
            Ordering::Less => {
                s.push_str("+0x");
                s.push_str(&value_text(vma - base, true));
            }
            Ordering::Equal => {}
        }
        s.push('>');
        s
    }

    /// `objdump_print_addr` for a target inside an instruction's text.
    fn print_address(&self, vma: u64) -> String {
        if self.sorted.is_empty() {
            return format!("0x{}", value_text(vma, true));
        }
        self.addr_with_sym(self.find_symbol(vma, false), vma, true)
    }

    /// `objdump_print_addr` for an instruction with a relocation against ELF symbol `sym`.
    fn print_reloc_address(&self, vma: u64, sym: usize) -> String {
        if self.sorted.is_empty() {
            return format!("0x{}", value_text(vma, true));
        }
        let Some(rs) = self.reloc_syms.get(sym) else {
            return self.print_address(vma);
        };
        let vma = vma.wrapping_add(rs.value);
        if !rs.undefined {
            return self.addr_with_sym(self.find_symbol(vma, false), vma, true);
        }
        let mut s = value_text(vma, true);
        s.push_str(" <");
        s.push_str(&sanitize(&rs.name));
        match rs.value.cmp(&vma) {
            Ordering::Greater => {
                s.push_str("-0x");
                s.push_str(&value_text(rs.value - vma, true));
            }
            Ordering::Less => {
                s.push_str("+0x");
                s.push_str(&value_text(vma - rs.value, true));
            }
            Ordering::Equal => {}
        }
        s.push('>');
        s
    }

    /// Steps over the relocations before section offset `end`.
    fn pass_relocs(&mut self, end: usize) {
        while self
            .rels
            .get(self.rel_pos)
            .is_some_and(|r| r.0 < end as u64)
        {
            self.rel_pos += 1;
        }
    }

    /// `disassemble_section`.
    fn section(&mut self) {
        let sec = self.section;
        let _ = write!(
            self.out,
            "\nDisassembly of section {}:\n",
            sanitize(&sec.name)
        );
        let stop = sec.size.min(sec.data.len() as u64);
        let mut addr_offset = 0u64;
        let mut place = 0usize;
        if self.state.needs_relocs {
            if let Some(r) = self.relocs.get(&sec.index) {
                self.rels = r;
            }
        }
        let mut sym = self.find_symbol(sec.addr, true);
        if let Some(p) = sym {
            place = p;
        }
        while addr_offset < stop {
            let addr = sec.addr + addr_offset;
            let header = self.addr_with_sym(sym, addr, false);
            let _ = write!(self.out, "\n{header}:\n");
            let nextsym = match sym {
                Some(p) if self.value(p) > addr => Some(p),
                None => None,
                Some(p) => {
                    let v = self.value(p);
                    while place < self.sorted.len() && {
                        let s = self.sym(place);
                        !(s.section_name == sec.name && s.value > v)
                    } {
                        place += 1;
                    }
                    (place < self.sorted.len()).then_some(place)
                }
            };
            let mut next_stop = match (sym, nextsym) {
                (Some(p), _) if self.value(p) > addr => self.value(p).wrapping_sub(sec.addr),
                (_, None) => stop,
                (_, Some(n)) => self.value(n).wrapping_sub(sec.addr),
            };
            if next_stop > stop || next_stop <= addr_offset {
                next_stop = stop;
            }
            let insns = match sym {
                None => true,
                Some(p) => {
                    let s = self.sym(p);
                    s.section != sec.index
                        || s.value > addr
                        || (s.flags & BSF_OBJECT == 0
                            && !contains(&s.name, b"gnu_compiled")
                            && !contains(&s.name, b"gcc2_compiled"))
                        || s.flags & BSF_FUNCTION != 0
                }
            };
            self.bytes(insns, addr_offset as usize, next_stop as usize);
            addr_offset = next_stop;
            sym = nextsym;
        }
    }

    /// `disassemble_bytes` for `[start, stop)` of the section's data.
    fn bytes(&mut self, insns: bool, start: usize, stop: usize) {
        let sec = self.section;
        let data = &sec.data;
        let skip_addr_chars = {
            let end = format!("{:08x}", (sec.addr + sec.size) & 0xffff_ffff);
            let mut n = end.bytes().take_while(|&c| c == b'0').count();
            if n == end.len() && sec.addr != 0 {
                n = 0;
            }
            if n != 0 {
                n = (n - 1) & !3;
            }
            n
        };
        let addr_text = |a: u64| {
            let full = format!("{:08x}", a & 0xffff_ffff);
            let s = &full[skip_addr_chars..];
            let zeros = s.bytes().take_while(|&c| c == b'0').count();
            if zeros == s.len() {
                format!("{}0", " ".repeat(s.len() - 1))
            } else {
                format!("{}{}", " ".repeat(zeros), &s[zeros..])
            }
        };
        let mut octets_per_line = if insns { 4 } else { 16 };
        self.state.insn_info_valid = false;
        let mut off = start;
        while off < stop {
            let zeros = data[off..stop].iter().take_while(|&&b| b == 0).count();
            if (!self.state.insn_info_valid || !self.state.branch_delay)
                && (zeros >= SKIP_ZEROES || (off + zeros == stop && zeros < SKIP_ZEROES_AT_END))
            {
                let octets = if off + zeros != stop {
                    zeros & !3
                } else {
                    zeros
                };
                self.out.push_str("\t...\n");
                off += octets;
                self.pass_relocs(off);
                continue;
            }
            let vma = sec.addr + off as u64;
            let mut line = format!("{}:\t", addr_text(vma));
            let avail = stop - off;
            let (octets, text) = if insns {
                self.state.bytes_per_chunk = 2;
                octets_per_line = 8;
                // The relocation at this very instruction (ARC allows none inside one).
                let reloc = self
                    .rels
                    .get(self.rel_pos)
                    .filter(|r| r.0 == off as u64)
                    .map(|r| r.1);
                match self.insn(off, avail, vma, reloc) {
                    Ok(x) => x,
                    Err(fault) => {
                        // print_insn_arc's read failed: objdump prints the message and ends
                        // the block.
                        let _ = write!(self.out, "{line}Address 0x{fault:x} is out of bounds.\n\n");
                        break;
                    }
                }
            } else {
                let n = avail.min(octets_per_line);
                let chars: String = data[off..off + n]
                    .iter()
                    .map(|&b| {
                        if (0x20..0x7f).contains(&b) {
                            b as char
                        } else {
                            '.'
                        }
                    })
                    .collect();
                (n, chars)
            };
            let bpc = match self.state.bytes_per_chunk {
                0 => 1,
                n => n,
            };
            let mut pb = octets.min(octets_per_line);
            let mut j = 0;
            while j < pb {
                if off + j + bpc <= stop {
                    for k in (0..bpc).rev() {
                        let _ = write!(line, "{:02x}", data[off + j + k]);
                    }
                }
                line.push(' ');
                j += bpc;
            }
            while pb < octets_per_line {
                line.push_str(&"  ".repeat(bpc));
                line.push(' ');
                pb += bpc;
            }
            line.push_str(if insns { "\t" } else { "    " });
            line.push_str(&text);
            line.push('\n');
            self.out.push_str(&line);
            off += octets;
            self.pass_relocs(off);
        }
    }

    /// One instruction at `off` with `avail` bytes left in the block: its length and text, or
    /// the address whose read failed.
    fn insn(
        &mut self,
        off: usize,
        avail: usize,
        vma: u64,
        reloc: Option<usize>,
    ) -> Result<(usize, String), u64> {
        let sec: &Section = self.section;
        let data = &sec.data;
        if avail < 2 {
            return Err(vma);
        }
        // arc_insn_length: the major opcode (top 5 bits of the first halfword).
        let first = u16::from_le_bytes([data[off], data[off + 1]]);
        let base = if self.isa.is_short(first) { 2 } else { 4 };
        if avail < base {
            return Err(vma + 2);
        }
        self.state.needs_relocs = true;
        let mut bytes = [0u8; 8];
        let n = avail.min(8);
        bytes[..n].copy_from_slice(&data[off..off + n]);
        let hw = |i: usize| u16::from_le_bytes([bytes[2 * i], bytes[2 * i + 1]]);
        let insn = decode::decode_for(self.isa, [hw(0), hw(1), hw(2), hw(3)]);
        let len = insn.len as usize;
        self.state.insn_info_valid = true;
        if len > avail {
            // The LIMM lies beyond the block: objdump prints the instruction word.
            self.state.branch_delay = false;
            let text = if base == 2 {
                format!(
                    ".short\t0x{:04x}",
                    u16::from_le_bytes([data[off], data[off + 1]])
                )
            } else {
                let hi = u16::from_le_bytes([data[off], data[off + 1]]) as u32;
                let lo = u16::from_le_bytes([data[off + 2], data[off + 3]]) as u32;
                format!(".word\t0x{:08x}", hi << 16 | lo)
            };
            return Ok((base, text));
        }
        let mut text = crate::disasm::disasm_for(self.isa, &insn, vma as u32);
        let mnemonic = text.split('\t').next().unwrap_or("");
        self.state.branch_delay = mnemonic.split('.').skip(1).any(|f| f == "d");
        if let Some(pos) = text.rfind("\t;0x") {
            if let Ok(target) = u32::from_str_radix(&text[pos + 4..], 16) {
                // print_insn_arc adds the (signed) operand to the PC in 64 bits; with a
                // relocation at the instruction, to 0, and objdump adds the relocation
                // symbol's value.
                let pcl = vma & !3;
                let delta = target.wrapping_sub(pcl as u32) as i32 as i64;
                let shown = match reloc {
                    None => self.print_address((pcl as i64).wrapping_add(delta) as u64),
                    Some(sym) => self.print_reloc_address(delta as u64, sym),
                };
                text.truncate(pos);
                text.push_str("\t;");
                text.push_str(&shown);
            }
        }
        Ok((len, text))
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// `objdump_print_value` for a 32-bit file: eight hex digits, or without leading zeroes.
fn value_text(v: u64, skip_zeroes: bool) -> String {
    let s = format!("{:08x}", v & 0xffff_ffff);
    if skip_zeroes {
        let t = s.trim_start_matches('0');
        if t.is_empty() {
            "0".to_string()
        } else {
            t.to_string()
        }
    } else {
        s
    }
}

/// objdump's `sanitize_string`: control characters as `^X`.
fn sanitize(name: &[u8]) -> String {
    let mut v = Vec::with_capacity(name.len());
    for &c in name {
        if c < 0x20 || c == 0x7f {
            v.push(b'^');
            v.push(c.wrapping_add(0x40));
        } else {
            v.push(c);
        }
    }
    String::from_utf8_lossy(&v).into_owned()
}
