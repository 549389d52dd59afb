//! Per-instruction semantic tests: the snippets in `tests/semantics/cases.txt` are
//! assembled with arc-linux-gnu-as/-ld into ELFs at 0x8000_0000 (cached under the target
//! dir), run on arcsim, and the registers and flags afterwards are compared with values
//! derived by hand from the architecture. See the header of cases.txt for the format.
//!
//! `SEM_FILTER=substring cargo test -p arcsim --test semantics` runs a subset.

mod common;

use common::sim::{self, End, Opts};
use std::collections::HashMap;

struct Case {
    name: String,
    line: usize,
    opts: Opts,
    limit: u64,
    asm: Vec<String>,
    data: Vec<String>,
    expect: Vec<String>,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut in_data = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let t = line.trim();
        if let Some(name) = t.strip_prefix("=== ") {
            cases.push(Case {
                name: name.trim().to_string(),
                line: i + 1,
                opts: Opts::default(),
                limit: 100_000,
                asm: Vec::new(),
                data: Vec::new(),
                expect: Vec::new(),
            });
            in_data = false;
            continue;
        }
        let Some(c) = cases.last_mut() else { continue };
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(rest) = t.strip_prefix("cfg:") {
            for w in rest.split_whitespace() {
                match w {
                    "llsc" => c.opts.llsc = true,
                    "unaligned" => c.opts.unaligned = true,
                    "nosemi" => c.opts.no_semihosting = true,
                    other => panic!("cases.txt:{}: unknown cfg word {other}", i + 1),
                }
            }
        } else if let Some(rest) = t.strip_prefix("limit:") {
            c.limit = rest
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("cases.txt:{}: bad limit", i + 1));
        } else if let Some(rest) = t.strip_prefix("expect:") {
            c.expect.extend(rest.split_whitespace().map(str::to_string));
        } else if t == "--- data" {
            in_data = true;
        } else if in_data {
            c.data.push(line.to_string());
        } else {
            c.asm.push(line.to_string());
        }
    }
    cases
}

const SENTINEL: u32 = 0x5EED_0000;

fn source(c: &Case) -> String {
    let mut s = String::new();
    s.push_str(
        "\t.text\n\t.global _start\n_start:\n\
         \tmov\tsp, 0x80100000\n\
         \tmov\tr0, __h_vectors\n\
         \tsr\tr0, [0x25]\n",
    );
    for r in 19..=25 {
        s.push_str(&format!("\tmov\tr{r}, 0x{:08x}\n", SENTINEL | r));
    }
    s.push_str("\tmov\tr0, 0\n");
    s.push_str("# ---- snippet\n");
    for l in &c.asm {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str(
        "# ---- epilogue\n\
         __h_done:\n\
         \tlr\tr30, [0x0a]\n\
         \tflag\t1\n\
         \tb\t__h_done\n\
         \t.align\t4\n\
         __h_exc:\n\
         \tlr\tr19, [0x0d]\n\
         \tlr\tr20, [0x403]\n\
         \tlr\tr21, [0x400]\n\
         \tlr\tr22, [0x404]\n\
         \tlr\tr23, [0x402]\n\
         \tlr\tr24, [0x401]\n\
         \tlr\tr25, [0x0a]\n\
         \tflag\t1\n\
         \tb\t__h_exc\n\
         \t.balign\t1024\n\
         __h_vectors:\n\
         \t.rept\t256\n\
         \t.word\t__h_exc\n\
         \t.endr\n\
         \t.data\n\
         \t.balign\t8\n\
         data:\n",
    );
    for l in &c.data {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("\t.balign\t8\nbuf:\n\t.space\t64\n");
    s
}

fn reg_index(name: &str) -> Option<usize> {
    Some(match name {
        "gp" => 26,
        "fp" => 27,
        "sp" => 28,
        "ilink" => 29,
        "blink" => 31,
        "lp_count" => 60,
        "usp" => 19,
        "ecr" => 20,
        "eret" => 21,
        "efa" => 22,
        "erstatus" => 23,
        "erbta" => 24,
        "hstatus" => 25,
        _ => {
            let n: usize = name.strip_prefix('r')?.parse().ok()?;
            if n < 64 {
                n
            } else {
                return None;
            }
        }
    })
}

fn parse_value(v: &str, syms: &HashMap<String, u32>) -> Result<u32, String> {
    if let Some(sym) = v.strip_prefix('@') {
        let (name, off) = if let Some(p) = sym.find(['+', '-']) {
            let off: i64 = sym[p + 1..]
                .parse()
                .map_err(|_| format!("bad offset in {v}"))?;
            (&sym[..p], if &sym[p..p + 1] == "-" { -off } else { off })
        } else {
            (sym, 0)
        };
        let base = *syms
            .get(name)
            .ok_or_else(|| format!("unknown symbol {name}"))?;
        return Ok((base as i64 + off) as u32);
    }
    if let Some(h) = v.strip_prefix("0x") {
        return u32::from_str_radix(h, 16).map_err(|_| format!("bad value {v}"));
    }
    if let Some(d) = v.strip_prefix('-') {
        let n: u32 = d.parse().map_err(|_| format!("bad value {v}"))?;
        return Ok(n.wrapping_neg());
    }
    v.parse().map_err(|_| format!("bad value {v}"))
}

/// Checks one case; Err = what went wrong, with enough context to write a bug report.
fn check(c: &Case) -> Result<(), String> {
    let src = source(c);
    let img = common::assemble(&format!("sem-{}", c.name), &src)?;
    let run = sim::run_elf(&img.elf, sim::config(c.opts), c.limit)
        .map_err(|e| format!("load_elf refused the image: {e}"))?;
    let mut problems = Vec::new();
    let mut want_stop = End::Halt;
    let exception_keys = ["ecr", "eret", "efa", "erstatus", "erbta", "hstatus", "usp"];
    let mut expects_exception = false;
    let status = run.regs[30];
    for e in &c.expect {
        let (k, v) = e
            .split_once('=')
            .ok_or_else(|| format!("cases.txt:{}: bad expect {e}", c.line))?;
        if k == "stop" {
            want_stop = match v {
                "halt" => End::Halt,
                "limit" => End::Limit,
                _ => match v.strip_prefix("exit:") {
                    Some(n) => End::Exit(n.parse().map_err(|_| format!("bad stop {v}"))?),
                    None => return Err(format!("bad stop {v}")),
                },
            };
            continue;
        }
        let (k, mask) = match k.split_once('&') {
            Some((k, m)) => (k, parse_value(m, &img.symbols)?),
            None => (k, u32::MAX),
        };
        let want = parse_value(v, &img.symbols)?;
        let got = match k {
            "Z" => (status >> 11) & 1,
            "N" => (status >> 10) & 1,
            "C" => (status >> 9) & 1,
            "V" => (status >> 8) & 1,
            _ => {
                let i =
                    reg_index(k).ok_or_else(|| format!("cases.txt:{}: unknown key {k}", c.line))?;
                if exception_keys.contains(&k) {
                    expects_exception = true;
                }
                run.regs[i]
            }
        };
        if got & mask != want & mask {
            if mask == u32::MAX {
                problems.push(format!("{k}: expected {want:#010x}, got {got:#010x}"));
            } else {
                problems.push(format!(
                    "{k}&{mask:#x}: expected {:#010x}, got {:#010x}",
                    want & mask,
                    got & mask
                ));
            }
        }
    }
    if run.end != want_stop {
        problems.insert(
            0,
            format!(
                "run ended with {} after {} instructions, expected {want_stop}",
                run.end, run.insns
            ),
        );
    }
    if !expects_exception && run.regs[20] != (SENTINEL | 20) {
        problems.insert(
            0,
            format!(
                "unexpected exception: ECR={:#08x} ERET={:#010x} EFA={:#010x}",
                run.regs[20], run.regs[21], run.regs[22]
            ),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let listing = common::objdump(&img.path);
        let snippet: String = listing
            .lines()
            .skip_while(|l| !l.contains("<_start>:"))
            .take_while(|l| !l.contains("<__h_exc>:"))
            .collect::<Vec<_>>()
            .join("\n");
        Err(format!(
            "{}\n  pc={:#010x} insns={}\n  disassembly:\n{}",
            problems.join("\n  "),
            run.pc,
            run.insns,
            snippet
        ))
    }
}

#[test]
fn instruction_semantics() {
    // SEM_CASES=<file> runs another case file (e.g. a mutated copy, to see the tests fail).
    let path = std::env::var_os("SEM_CASES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::crate_dir().join("tests/semantics/cases.txt"));
    let text = std::fs::read_to_string(&path).expect("read cases.txt");
    let cases = parse_cases(&text);
    assert!(
        cases.len() >= 50,
        "only {} cases parsed from {}",
        cases.len(),
        path.display()
    );
    let filter = std::env::var("SEM_FILTER").unwrap_or_default();
    let mut failed = Vec::new();
    let mut ran = 0;
    for c in &cases {
        if !c.name.contains(&filter) {
            continue;
        }
        assert!(
            !c.expect.is_empty(),
            "cases.txt:{}: case {} has no expectation, so it could never fail",
            c.line,
            c.name
        );
        ran += 1;
        let r = std::panic::catch_unwind(|| check(c)).unwrap_or_else(|p| {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {msg}"))
        });
        match r {
            Ok(()) => println!("ok   {}", c.name),
            Err(e) => {
                println!("FAIL {} (cases.txt:{})\n  {}", c.name, c.line, e);
                failed.push(c.name.clone());
            }
        }
    }
    println!(
        "semantics: {ran} cases, {} passed, {} failed",
        ran - failed.len(),
        failed.len()
    );
    assert!(ran > 0, "SEM_FILTER={filter:?} matched no case");
    assert!(
        failed.is_empty(),
        "{} semantic case(s) failed: {}",
        failed.len(),
        failed.join(", ")
    );
}
