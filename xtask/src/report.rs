//! The console report parser: kernel + user-program console text → records →
//! one verdict per validation case. Used for every runner and for
//! `cargo xtask report LOGFILE` (a captured UART log from a board).
//!
//! Record formats: docs/design.md ("Console report format") for the kernel's
//! lines, `user/README.md` for the programs' `CASE` lines. Unknown lines are
//! ignored; text before a record keyword on a line (a capture tool's time
//! stamp, say) is skipped, and `\r` is dropped.
//!
//! Every case is judged twice: the program says PASS/FAIL, and the host
//! re-derives the result from the values the line carries and from the
//! kernel's `TASK`/`VERDICT`/`SUMMARY` records. A case passes only when both
//! agree; a case that should have run and left no line fails.

use crate::user::{Expect, ManifestEntry};
use serde::Serialize;
use std::collections::BTreeMap;

// ---------------------------------------------------------------- records

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Banner {
    pub version: String,
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CaseKind {
    Pass,
    Fail,
    /// `CASE <id> EXPECT signal=... addr=... word=...`: printed before a call that must fault.
    Expect,
    /// `CASE <id> RETURNED <PASS|FAIL> ...`: a misaligned call that returned (unaligned cores).
    Returned {
        ok: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseLine {
    pub id: String,
    pub kind: CaseKind,
    pub kv: BTreeMap<String, String>,
    /// 1-based line number in the console text.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TaskEnd {
    Exit(u32),
    Signal {
        sig: String,
        addr: Option<u32>,
        pc: Option<u32>,
        /// `word=none` is `None`.
        word: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskLine {
    pub pid: u32,
    pub name: String,
    pub end: TaskEnd,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictLine {
    pub name: String,
    pub pass: bool,
    pub expect: String,
    pub got: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramRun {
    pub name: String,
    pub pid: Option<u32>,
    pub expect: String,
    pub cases: Vec<CaseLine>,
    /// TASK lines of this program (the process and any threads that printed one).
    pub tasks: Vec<TaskLine>,
    pub verdict: Option<VerdictLine>,
}

impl ProgramRun {
    /// The process's own end: the TASK line with the program's pid, else the last one.
    pub fn end(&self) -> Option<&TaskLine> {
        self.tasks
            .iter()
            .rev()
            .find(|t| Some(t.pid) == self.pid)
            .or_else(|| self.tasks.last())
    }

    pub fn case(&self, id: &str, kind: impl Fn(&CaseKind) -> bool) -> Option<&CaseLine> {
        self.cases.iter().find(|c| c.id == id && kind(&c.kind))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryLine {
    pub programs: u32,
    pub passed: u32,
    pub failed: u32,
    pub canary: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub banner: Option<Banner>,
    pub programs: Vec<ProgramRun>,
    /// CASE lines seen before any PROGRAM line.
    pub orphan_cases: Vec<CaseLine>,
    pub summary: Option<SummaryLine>,
    /// Lines that mention a panic, an oops or an unhandled exception.
    pub anomalies: Vec<String>,
    /// Record lines the parser recognised but could not read.
    pub malformed: Vec<String>,
}

impl Report {
    pub fn program(&self, name: &str) -> Option<&ProgramRun> {
        self.programs.iter().rev().find(|p| p.name == name)
    }
}

const KEYWORDS: &[&str] = &[
    "arc-kernel",
    "PROGRAM",
    "CASE",
    "TASK",
    "VERDICT",
    "SUMMARY",
];

/// A number as the records write it: `0x...` hex or decimal (optionally negative).
pub fn num(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else if let Some(d) = s.strip_prefix('-') {
        d.parse::<u32>().ok().map(|v| 0u32.wrapping_sub(v))
    } else {
        s.parse().ok()
    }
}

/// `key=value` tokens; a bare word (`nosignal`) becomes a key with an empty value.
fn kv_of(tokens: &[&str]) -> BTreeMap<String, String> {
    tokens
        .iter()
        .map(|t| t.split_once('=').unwrap_or((t, "")))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn fmt_kv(kv: &BTreeMap<String, String>) -> String {
    kv.iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parses console text into records.
pub fn parse(text: &str) -> Report {
    let mut r = Report::default();
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line: String = raw.chars().filter(|c| *c != '\r' && *c != '\0').collect();
        let lower = line.to_ascii_lowercase();
        if lower.contains("panic") || lower.contains("oops") || lower.contains("unhandled") {
            r.anomalies.push(format!("{lineno}: {}", line.trim()));
        }
        let all: Vec<&str> = line.split_whitespace().collect();
        let Some(start) = all.iter().position(|t| KEYWORDS.contains(t)) else {
            continue;
        };
        let t = &all[start..];
        let ok = match t[0] {
            "arc-kernel" => {
                r.banner = Some(Banner {
                    version: t
                        .get(1)
                        .filter(|v| !v.contains('='))
                        .unwrap_or(&"")
                        .to_string(),
                    fields: kv_of(&t[1..]),
                });
                true
            }
            "PROGRAM" if t.len() >= 2 => {
                let kv = kv_of(&t[2..]);
                r.programs.push(ProgramRun {
                    name: t[1].to_string(),
                    pid: kv.get("pid").and_then(|v| num(v)),
                    expect: kv.get("expect").cloned().unwrap_or_default(),
                    cases: Vec::new(),
                    tasks: Vec::new(),
                    verdict: None,
                });
                true
            }
            "CASE" if t.len() >= 3 => {
                let (kind, rest) = match t[2] {
                    "PASS" => (Some(CaseKind::Pass), 3),
                    "FAIL" => (Some(CaseKind::Fail), 3),
                    "EXPECT" => (Some(CaseKind::Expect), 3),
                    "RETURNED" => match t.get(3) {
                        Some(&"PASS") => (Some(CaseKind::Returned { ok: true }), 4),
                        Some(&"FAIL") => (Some(CaseKind::Returned { ok: false }), 4),
                        _ => (None, 0),
                    },
                    _ => (None, 0),
                };
                match kind {
                    Some(kind) => {
                        let c = CaseLine {
                            id: t[1].to_string(),
                            kind,
                            kv: kv_of(&t[rest..]),
                            line: lineno,
                        };
                        match r.programs.last_mut() {
                            Some(p) => p.cases.push(c),
                            None => r.orphan_cases.push(c),
                        }
                        true
                    }
                    None => false,
                }
            }
            "TASK" if t.len() >= 4 => {
                let kv = kv_of(&t[3..]);
                let end = if let Some(e) = kv.get("exit") {
                    num(e).map(TaskEnd::Exit)
                } else {
                    kv.get("signal").map(|s| TaskEnd::Signal {
                        sig: s.clone(),
                        addr: kv.get("addr").and_then(|v| num(v)),
                        pc: kv.get("pc").and_then(|v| num(v)),
                        word: kv.get("word").and_then(|v| num(v)),
                    })
                };
                match (num(t[1]), end) {
                    (Some(pid), Some(end)) => {
                        let task = TaskLine {
                            pid,
                            name: t[2].to_string(),
                            end,
                            line: lineno,
                        };
                        // By pid first (the process), else by name (its threads).
                        let idx = r
                            .programs
                            .iter()
                            .rposition(|p| p.pid == Some(pid))
                            .or_else(|| r.programs.iter().rposition(|p| p.name == task.name));
                        if let Some(idx) = idx {
                            r.programs[idx].tasks.push(task);
                        }
                        true
                    }
                    _ => false,
                }
            }
            "VERDICT" if t.len() >= 3 && (t[2] == "PASS" || t[2] == "FAIL") => {
                let kv = kv_of(&t[3..]);
                let v = VerdictLine {
                    name: t[1].to_string(),
                    pass: t[2] == "PASS",
                    expect: kv.get("expect").cloned().unwrap_or_default(),
                    got: kv.get("got").cloned().unwrap_or_default(),
                    line: lineno,
                };
                if let Some(p) = r.programs.iter_mut().rev().find(|p| p.name == v.name) {
                    p.verdict = Some(v);
                }
                true
            }
            "SUMMARY" => {
                let kv = kv_of(&t[1..]);
                let n = |k: &str| kv.get(k).and_then(|v| num(v));
                match (n("programs"), n("passed"), n("failed"), kv.get("canary")) {
                    (Some(programs), Some(passed), Some(failed), Some(canary)) => {
                        r.summary = Some(SummaryLine {
                            programs,
                            passed,
                            failed,
                            canary: canary.clone(),
                            line: lineno,
                        });
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !ok {
            r.malformed.push(format!("{lineno}: {}", line.trim()));
        }
    }
    r
}

// ---------------------------------------------------------------- verdicts

/// What the host knows beyond the console text.
#[derive(Debug, Clone)]
pub struct Context {
    /// The programs in the image, in run order, with the cases they report.
    pub manifest: Vec<ManifestEntry>,
    /// The core has unaligned access (case 8 must then swap, not fault).
    pub unaligned: bool,
    /// Words of the kernel image the host read from its ELF (for case 7c:
    /// the kernel word at the refused address must be unchanged).
    pub kernel_words: BTreeMap<u32, u32>,
    /// Address of the kernel's canary word (symbol KERNEL_CANARY), for case 7e.
    pub canary_addr: Option<u32>,
}

impl Context {
    /// The `sim` board's core (no unaligned access) with this repository's manifest.
    pub fn for_repo(unaligned: bool) -> crate::Result<Context> {
        Ok(Context {
            manifest: crate::user::manifest()?,
            unaligned,
            kernel_words: BTreeMap::new(),
            canary_addr: None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Outcome {
    Pass,
    Fail,
    /// Could not run here (e.g. the simulator-only sweep on QEMU). Not counted as passed.
    Skip,
}

impl Outcome {
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "SKIP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CaseResult {
    pub id: String,
    pub title: String,
    pub program: String,
    pub outcome: Outcome,
    pub detail: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Evaluation {
    pub cases: Vec<CaseResult>,
}

impl Evaluation {
    pub fn count(&self, o: Outcome) -> usize {
        self.cases.iter().filter(|c| c.outcome == o).count()
    }
    pub fn passed(&self) -> usize {
        self.count(Outcome::Pass)
    }
    pub fn failed(&self) -> usize {
        self.count(Outcome::Fail)
    }
    pub fn skipped(&self) -> usize {
        self.count(Outcome::Skip)
    }
    pub fn get(&self, id: &str) -> Option<&CaseResult> {
        self.cases.iter().find(|c| c.id == id)
    }
    pub fn push(&mut self, id: &str, program: &str, outcome: Outcome, detail: impl Into<String>) {
        self.cases.push(CaseResult {
            id: id.to_string(),
            title: title(id).to_string(),
            program: program.to_string(),
            outcome,
            detail: detail.into(),
        });
    }
    /// The closing line: `N passed, M failed` (`, K skipped` when some were).
    pub fn closing_line(&self) -> String {
        let mut s = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.skipped() > 0 {
            s.push_str(&format!(", {} skipped", self.skipped()));
        }
        s
    }
}

/// What each case id checks (the numbering).
pub fn title(id: &str) -> &'static str {
    match id {
        "1" => "swap on a present, writable word",
        "2" => "mismatch: returns current, memory unchanged",
        "3" => "word whose TLB entry was evicted",
        "4" => "never-touched anonymous page (demand zero)",
        "5" => "zero page wired by a read (copy-on-write)",
        "5b" => "plain load after the COW swap sees the new value",
        "6" => "mprotect read-only page: SIGSEGV",
        "7a" => "unmapped address: SIGSEGV",
        "7b" => "NULL: SIGSEGV",
        "7c" => "kernel address 0x80000000: SIGSEGV",
        "7d" => "word passing TASK_SIZE: SIGSEGV",
        "7e" => "the kernel's canary word: SIGSEGV",
        "8a" => "word straddling two pages",
        "8b" => "misaligned word in one page",
        "9a" => "4 threads x cmpxchg-loop counter: exact",
        "9b" => "spinlock on the syscall: mutual exclusion",
        "9c" => "one cmpxchg racing a competitor thread",
        "10a" => "control: plain counter loses updates",
        "10b" => "control: bug-pre2018 kernel fails case 5 or 7",
        "10c" => "control: bug-no-preempt kernel fails case 9",
        "sweep" => "timer IRQ at every offset of the syscall path",
        "sweep-cow" => "timer IRQ at every offset of the COW fault path",
        "9d" => "cmpxchg on a COW word racing a competitor",
        "11a" => "C11 atomics: GCC gcc.dg/atomic/ at -O0",
        "11b" => "C11 atomics: GCC gcc.dg/atomic/ at -O2",
        "11c" => "C11 atomics: GCC atomic-* at -O0",
        "11d" => "C11 atomics: GCC atomic-* at -O2",
        "11e" => "C11 atomics: GCC sync-* at -O0",
        "11f" => "C11 atomics: GCC sync-* at -O2",
        "11g" => "C11 atomics: stress programs, 3 seeds",
        "11h" => "control: stress fails on bug-no-preempt",
        "canary" => "kernel canary intact (SUMMARY)",
        "verdicts" => "kernel VERDICTs and SUMMARY agree with the host",
        _ => "",
    }
}

fn hex(v: u32) -> String {
    format!("{v:#010x}")
}

fn get_num(c: &CaseLine, k: &str) -> Result<u32, String> {
    c.kv.get(k)
        .and_then(|v| num(v))
        .ok_or_else(|| format!("CASE {} line {} has no numeric {k}=", c.id, c.line))
}

/// The work a thread case did: `expected` must be `threads * iters` (fixed
/// count), or at least `threads * min_iters` (the programs run on until they
/// have seen enough preemption). Needs at least 4 threads.
fn check_work(c: &CaseLine, expected: u32) -> Result<(), String> {
    let t = get_num(c, "threads")?;
    if t < 4 {
        return Err(format!("only {t} threads, the case needs at least 4"));
    }
    if let Some(i) = c.kv.get("iters").and_then(|v| num(v)) {
        if expected != t * i {
            return Err(format!(
                "expected={expected} is not threads*iters={}",
                t * i
            ));
        }
    } else {
        let i = get_num(c, "min_iters")?;
        if expected < t * i {
            return Err(format!(
                "expected={expected} is below threads*min_iters={}",
                t * i
            ));
        }
    }
    Ok(())
}

/// Checks a swap-type line (cases 1-5, 8 RETURNED): the host recomputes what
/// arc_usr_cmpxchg must have done from before/exp/new and compares with
/// ret/z/mem. `want_swap`: whether the case is about a swap (Some) or either.
fn check_swap(
    c: &CaseLine,
    want_swap: Option<bool>,
    want_before: Option<u32>,
) -> Result<String, String> {
    let before = get_num(c, "before")?;
    let exp = get_num(c, "exp")?;
    let new = get_num(c, "new")?;
    let ret = get_num(c, "ret")?;
    let z = get_num(c, "z")?;
    let mem = get_num(c, "mem")?;
    let swap = before == exp;
    let detail = format!("ret={} Z={z} mem={}", hex(ret), hex(mem));
    if let Some(w) = want_swap {
        if w != swap {
            return Err(format!(
                "{detail}: the program tested the wrong thing (before==exp is {swap})"
            ));
        }
    }
    if let Some(b) = want_before {
        if before != b {
            return Err(format!(
                "{detail}: before={} but this case needs {}",
                hex(before),
                hex(b)
            ));
        }
    }
    let mut errs = Vec::new();
    if ret != before {
        errs.push(format!(
            "returned {} instead of the old value {}",
            hex(ret),
            hex(before)
        ));
    }
    if z != swap as u32 {
        errs.push(format!("Z={z}, want {}", swap as u32));
    }
    let want_mem = if swap { new } else { before };
    if mem != want_mem {
        errs.push(format!("memory holds {}, want {}", hex(mem), hex(want_mem)));
    }
    if errs.is_empty() {
        Ok(detail)
    } else {
        Err(format!("{detail}: {}", errs.join("; ")))
    }
}

fn program_ended_as(p: &ProgramRun, want: &Expect) -> Result<(), String> {
    match (p.end().map(|t| &t.end), want) {
        (None, _) => Err("no TASK line: the program never ended".into()),
        (Some(TaskEnd::Exit(n)), Expect::Exit(w)) if n == w => Ok(()),
        (Some(TaskEnd::Signal { sig, .. }), Expect::Signal(s))
            if crate::user::signal_number(sig) == Some(*s) =>
        {
            Ok(())
        }
        (Some(TaskEnd::Exit(n)), _) => Err(format!(
            "program ended with exit={n}, want {}",
            want.to_report()
        )),
        (Some(TaskEnd::Signal { sig, addr, .. }), _) => Err(format!(
            "program died of {sig} at {}, want {}",
            addr.map(hex).unwrap_or_else(|| "?".into()),
            want.to_report()
        )),
    }
}

fn kernel_verdict_ok(p: &ProgramRun) -> Result<(), String> {
    match &p.verdict {
        None => Err("no kernel VERDICT line".into()),
        Some(v) if v.pass => Ok(()),
        Some(v) => Err(format!(
            "kernel VERDICT FAIL expect={} got={}",
            v.expect, v.got
        )),
    }
}

/// Judges one case of one program. Ok(detail) = PASS, Err(detail) = FAIL.
fn judge(id: &str, p: &ProgramRun, entry: &ManifestEntry, ctx: &Context) -> Result<String, String> {
    let pass_line = |id: &str| -> Result<&CaseLine, String> {
        if let Some(f) = p.case(id, |k| *k == CaseKind::Fail) {
            return Err(format!("program says FAIL: {}", fmt_kv(&f.kv)));
        }
        p.case(id, |k| *k == CaseKind::Pass)
            .ok_or_else(|| format!("no CASE {id} line from program {}", p.name))
    };
    let exit_ok = || -> Result<(), String> {
        let ended = program_ended_as(p, &entry.expect).and_then(|()| kernel_verdict_ok(p));
        // A program with several cases exits 1 when any of them fails; that
        // failure belongs to the sibling's row (which fails), not to this one.
        // A signal or any other end still fails every case of the program.
        let sibling_failed = p
            .cases
            .iter()
            .any(|c| c.id != id && c.kind == CaseKind::Fail && entry.cases.contains(&c.id));
        match (ended, p.end().map(|t| &t.end)) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(TaskEnd::Exit(1))) if sibling_failed => Ok(()),
            (Err(e), _) => Err(e),
        }
    };
    match id {
        "1" | "2" | "3" | "4" | "5" => {
            let c = pass_line(id)?;
            let d = match id {
                "1" | "3" => check_swap(c, Some(true), None)?,
                "2" => check_swap(c, Some(false), None)?,
                _ => check_swap(c, Some(true), Some(0))?,
            };
            exit_ok()?;
            Ok(d)
        }
        "5b" => {
            let c = pass_line(id)?;
            let five = p
                .case("5", |k| matches!(k, CaseKind::Pass | CaseKind::Fail))
                .ok_or("no CASE 5 line to compare with")?;
            let new = get_num(five, "new")?;
            let reload = get_num(c, "reload")?;
            let fresh = get_num(c, "fresh")?;
            let nb = get_num(c, "neighbour")?;
            let d = format!(
                "reload={} fresh={} neighbour={}",
                hex(reload),
                hex(fresh),
                hex(nb)
            );
            if reload != new {
                return Err(format!(
                    "{d}: the swapped value was lost (want {})",
                    hex(new)
                ));
            }
            if fresh != 0 || nb != 0 {
                return Err(format!("{d}: the zero page or the COW copy is corrupt"));
            }
            exit_ok()?;
            Ok(d)
        }
        "6" | "7a" | "7b" | "7c" | "7d" | "7e" | "8a" | "8b" => judge_signal(id, p, ctx),
        "9a" => {
            let c = pass_line(id)?;
            let (f, e, t, s) = (
                get_num(c, "final")?,
                get_num(c, "expected")?,
                get_num(c, "threads")?,
                get_num(c, "switches")?,
            );
            let r = c.kv.get("retries").cloned().unwrap_or_default();
            let d = format!("final={f}/{e} threads={t} switches={s} retries={r}");
            check_work(c, e).map_err(|w| format!("{d}: {w}"))?;
            if f != e {
                return Err(format!("{d}: lost {} increments", e as i64 - f as i64));
            }
            if s == 0 {
                return Err(format!(
                    "{d}: the threads never interleaved, nothing was tested"
                ));
            }
            exit_ok()?;
            Ok(d)
        }
        "9b" => {
            let c = pass_line(id)?;
            let (tot, e, o, ct) = (
                get_num(c, "total")?,
                get_num(c, "expected")?,
                get_num(c, "overlaps")?,
                get_num(c, "contended")?,
            );
            let d = format!("total={tot}/{e} overlaps={o} contended={ct}");
            check_work(c, e).map_err(|w| format!("{d}: {w}"))?;
            if o != 0 || tot != e {
                return Err(format!("{d}: mutual exclusion broken"));
            }
            if ct == 0 {
                return Err(format!(
                    "{d}: the lock was never contended, nothing was tested"
                ));
            }
            exit_ok()?;
            Ok(d)
        }
        "9d" => {
            let c = pass_line(id)?;
            let (w, ar, az) = (
                get_num(c, "word")?,
                get_num(c, "main_ret")?,
                get_num(c, "main_z")?,
            );
            let (br, bz) = (get_num(c, "competitor_ret")?, get_num(c, "competitor_z")?);
            let d = format!("word={w} main: ret={ar} Z={az}; competitor: ret={br} Z={bz}");
            // Main swaps 0 -> 1, the competitor 0 -> 2: exactly one wins, the word
            // holds the winner's value, the loser is told it with Z clear.
            let ok = match (az, bz) {
                (1, 0) => w == 1 && ar == 0 && br == 1,
                (0, 1) => w == 2 && br == 0 && ar == 2,
                _ => false,
            };
            if !ok {
                return Err(format!("{d}: not exactly one consistent winner"));
            }
            exit_ok()?;
            Ok(d)
        }
        "9c" => {
            let c = pass_line(id)?;
            let (f, e) = (get_num(c, "final")?, get_num(c, "expected")?);
            let (m, cp) = (get_num(c, "main")?, get_num(c, "competitor")?);
            let d = format!("final={f}/{e} main={m} competitor={cp}");
            if e != m + cp || f != e {
                return Err(format!("{d}: lost increments"));
            }
            exit_ok()?;
            Ok(d)
        }
        "10a" => {
            let c = pass_line(id)?;
            let (f, e, l) = (
                get_num(c, "final")?,
                get_num(c, "expected")?,
                get_num(c, "lost")?,
            );
            let d = format!("final={f}/{e} lost={l}");
            check_work(c, e).map_err(|w| format!("{d}: {w}"))?;
            if l != e.wrapping_sub(f) {
                return Err(format!("{d}: inconsistent numbers"));
            }
            if l == 0 || l > e {
                return Err(format!(
                    "{d}: no update was lost, so the suite cannot see a race"
                ));
            }
            exit_ok()?;
            Ok(d)
        }
        _ => {
            // A case this host does not know: trust nothing but a PASS line and the exit.
            let c = pass_line(id)?;
            exit_ok()?;
            Ok(fmt_kv(&c.kv))
        }
    }
}

/// Cases 6-8: the program announced `CASE id EXPECT signal= addr= word=`; the
/// kernel must have killed it with that signal at that address, with memory
/// (the TASK line's word=) unchanged.
fn judge_signal(id: &str, p: &ProgramRun, ctx: &Context) -> Result<String, String> {
    let misaligned = id.starts_with('8');
    if let Some(f) = p.case(id, |k| *k == CaseKind::Fail) {
        return Err(format!("program says FAIL: {}", fmt_kv(&f.kv)));
    }
    let e = p
        .case(id, |k| *k == CaseKind::Expect)
        .ok_or_else(|| format!("no CASE {id} EXPECT line from program {}", p.name))?;
    if misaligned && ctx.unaligned {
        // The core does unaligned accesses: the call must simply work.
        let r = p
            .case(id, |k| matches!(k, CaseKind::Returned { .. }))
            .ok_or("core has unaligned access, but the call did not return")?;
        let d = check_swap(r, Some(true), None)?;
        return match p.end().map(|t| &t.end) {
            Some(TaskEnd::Exit(0)) => Ok(format!("unaligned core: swapped, {d}")),
            other => Err(format!(
                "unaligned core: swapped, but the program ended {other:?}"
            )),
        };
    }
    if let Some(r) = p.case(id, |k| matches!(k, CaseKind::Returned { .. })) {
        return Err(format!("no signal, the call returned: {}", fmt_kv(&r.kv)));
    }
    let want_sig = e.kv.get("signal").cloned().unwrap_or_default();
    let want_addr = get_num(e, "addr")?;
    if id == "7e" {
        match ctx.canary_addr {
            Some(a) if a != want_addr => {
                return Err(format!(
                    "the program aimed at {}, but the canary is at {}",
                    hex(want_addr),
                    hex(a)
                ))
            }
            Some(_) => {}
            None if want_addr < 0x6000_0000 => {
                return Err(format!("{} is not a kernel address", hex(want_addr)))
            }
            None => {}
        }
    }
    let want_word = e.kv.get("word").cloned().unwrap_or_default();
    let none_ok = e.kv.get("or").map(|v| v == "none").unwrap_or(false);
    let t = p.end().ok_or("no TASK line: the program never ended")?;
    let TaskEnd::Signal {
        sig,
        addr,
        pc,
        word,
    } = &t.end
    else {
        return Err(format!("no signal: the program exited ({:?})", t.end));
    };
    let word_s = word.map(hex).unwrap_or_else(|| "none".into());
    let mut d = format!(
        "{sig} addr={} pc={} word={word_s}",
        addr.map(hex).unwrap_or_else(|| "?".into()),
        pc.map(hex).unwrap_or_else(|| "?".into())
    );
    if *sig != want_sig {
        return Err(format!("{d}: want {want_sig}"));
    }
    if *addr != Some(want_addr) {
        return Err(format!("{d}: want addr={}", hex(want_addr)));
    }
    // The syscall itself must raise the signal: the task stops where the call
    // returns to user mode, not at some later instruction of the program.
    if let Some(want_pc) = e.kv.get("pc").and_then(|v| num(v)) {
        if *pc != Some(want_pc) {
            return Err(format!(
                "{d}: the signal came from pc {}, not from the syscall (returns to {})",
                pc.map(hex).unwrap_or_else(|| "?".into()),
                hex(want_pc)
            ));
        }
    }
    match want_word.as_str() {
        "none" => {
            if word.is_some() {
                return Err(format!(
                    "{d}: the kernel reads a word at an address that has no mapping"
                ));
            }
        }
        "any" => match (word, ctx.kernel_words.get(&want_addr)) {
            (Some(w), Some(k)) if w != k => {
                return Err(format!(
                    "{d}: kernel memory changed, the image holds {}",
                    hex(*k)
                ));
            }
            (Some(_), Some(_)) => d.push_str(" (= kernel image)"),
            _ => {}
        },
        w => {
            let w = num(w).ok_or_else(|| format!("EXPECT word={w} is not a number"))?;
            match word {
                Some(v) if *v == w => d.push_str(" (unchanged)"),
                None if none_ok => d.push_str(" (memory not readable by the kernel: unverified)"),
                _ => return Err(format!("{d}: memory changed, want {}", hex(w))),
            }
        }
    }
    kernel_verdict_ok(p)?;
    Ok(d)
}

/// Judges every case the manifest promises, plus the canary and the
/// kernel-verdict cross-check.
pub fn evaluate(r: &Report, ctx: &Context) -> Evaluation {
    let mut ev = Evaluation::default();
    let mut verdict_problems = Vec::new();
    for entry in &ctx.manifest {
        let run = r.program(&entry.name);
        for id in &entry.cases {
            let res = match run {
                None => Err(format!(
                    "program {} never ran (no PROGRAM line)",
                    entry.name
                )),
                Some(p) => judge(id, p, entry, ctx),
            };
            match res {
                Ok(d) => ev.push(id, &entry.name, Outcome::Pass, d),
                Err(d) => ev.push(id, &entry.name, Outcome::Fail, d),
            }
        }
        if let Some(p) = run {
            // The kernel's own verdict must agree with the manifest's expectation,
            // except where the host knows better (case 8 on unaligned cores).
            let unaligned_override =
                ctx.unaligned && entry.cases.iter().all(|c| c.starts_with('8'));
            if p.expect != entry.expect.to_report() {
                verdict_problems.push(format!(
                    "{}: kernel expects {}, manifest {}",
                    entry.name,
                    p.expect,
                    entry.expect.to_report()
                ));
            }
            match &p.verdict {
                None => verdict_problems.push(format!("{}: no VERDICT", entry.name)),
                Some(v) if !v.pass && !unaligned_override => {
                    verdict_problems.push(format!("{}: VERDICT FAIL got={}", entry.name, v.got))
                }
                Some(v) => {
                    let host = program_ended_as(p, &entry.expect).is_ok();
                    if v.pass != host && !unaligned_override {
                        verdict_problems.push(format!(
                            "{}: kernel says {} but the TASK line says otherwise",
                            entry.name,
                            if v.pass { "PASS" } else { "FAIL" }
                        ));
                    }
                }
            }
        }
    }
    for c in &r.orphan_cases {
        verdict_problems.push(format!(
            "CASE {} on line {} outside any PROGRAM",
            c.id, c.line
        ));
    }
    for p in &r.programs {
        if !ctx.manifest.iter().any(|e| e.name == p.name) {
            verdict_problems.push(format!("program {} is not in the manifest", p.name));
        }
    }
    match &r.summary {
        None => {
            ev.push(
                "canary",
                "kernel",
                Outcome::Fail,
                "no SUMMARY line: the run did not finish",
            );
            verdict_problems.push("no SUMMARY line".into());
        }
        Some(s) => {
            let o = if s.canary == "ok" {
                Outcome::Pass
            } else {
                Outcome::Fail
            };
            ev.push("canary", "kernel", o, format!("canary={}", s.canary));
            let verdicts = r.programs.iter().filter(|p| p.verdict.is_some()).count() as u32;
            let kpass = r
                .programs
                .iter()
                .filter(|p| p.verdict.as_ref().is_some_and(|v| v.pass))
                .count() as u32;
            if s.programs != ctx.manifest.len() as u32
                || s.programs != verdicts
                || s.passed != kpass
            {
                verdict_problems.push(format!(
                    "SUMMARY programs={} passed={} failed={} but the log has {} VERDICTs ({} PASS) for {} programs",
                    s.programs,
                    s.passed,
                    s.failed,
                    verdicts,
                    kpass,
                    ctx.manifest.len()
                ));
            }
        }
    }
    if !r.anomalies.is_empty() {
        verdict_problems.push(format!("kernel trouble: {}", r.anomalies.join(" | ")));
    }
    if verdict_problems.is_empty() {
        let s = r.summary.as_ref().expect("checked above");
        ev.push(
            "verdicts",
            "kernel",
            Outcome::Pass,
            format!(
                "SUMMARY programs={} passed={} failed={}",
                s.programs, s.passed, s.failed
            ),
        );
    } else {
        ev.push(
            "verdicts",
            "kernel",
            Outcome::Fail,
            verdict_problems.join("; "),
        );
    }
    ev
}

/// The table users read: case, result, program, detail; then the closing line.
pub fn render(ev: &Evaluation) -> String {
    let w_id = ev
        .cases
        .iter()
        .map(|c| c.id.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let w_title = ev
        .cases
        .iter()
        .map(|c| c.title.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let w_prog = ev
        .cases
        .iter()
        .map(|c| c.program.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut s = format!(
        "{:<w_id$}  {:<w_title$}  {:<6}  {:<w_prog$}  detail\n",
        "case", "what", "result", "program"
    );
    s.push_str(&format!("{}\n", "-".repeat(w_id + w_title + w_prog + 24)));
    for c in &ev.cases {
        s.push_str(&format!(
            "{:<w_id$}  {:<w_title$}  {:<6}  {:<w_prog$}  {}\n",
            c.id,
            c.title,
            c.outcome.word(),
            c.program,
            c.detail
        ));
    }
    s.push_str(&ev.closing_line());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num("0x10"), Some(16));
        assert_eq!(num("12"), Some(12));
        assert_eq!(num("-1"), Some(u32::MAX));
        assert_eq!(num("none"), None);
    }

    #[test]
    fn parses_records_with_noise() {
        let log = "U-Boot junk\r\n\
            arc-kernel 0.1.0 board=sim identity=0x00050454 mmu=v4 page=8KiB tlb=256x4\r\n\
            [  0.1] PROGRAM basic pid=2 expect=exit:0\n\
            CASE 1 PASS addr=0x00012000 before=0x5 exp=0x5 new=0x7 ret=0x5 z=1 mem=0x7 zin=0\n\
            TASK 2 basic exit=0\n\
            VERDICT basic PASS expect=exit:0 got=exit:0\n\
            PROGRAM null_ptr pid=3 expect=signal:SIGSEGV\n\
            CASE 7b EXPECT signal=SIGSEGV addr=0x00000000 word=none\n\
            TASK 3 null_ptr signal=SIGSEGV addr=0x00000000 pc=0x00010088 word=none\n\
            VERDICT null_ptr PASS expect=signal:SIGSEGV got=signal:SIGSEGV\n\
            SUMMARY programs=2 passed=2 failed=0 canary=ok\n";
        let r = parse(log);
        assert_eq!(r.banner.as_ref().unwrap().fields["board"], "sim");
        assert_eq!(r.programs.len(), 2);
        assert_eq!(r.programs[0].cases[0].kv["ret"], "0x5");
        assert_eq!(
            r.programs[1].end().unwrap().end,
            TaskEnd::Signal {
                sig: "SIGSEGV".into(),
                addr: Some(0),
                pc: Some(0x10088),
                word: None
            }
        );
        assert!(r.programs[1].verdict.as_ref().unwrap().pass);
        assert_eq!(r.summary.as_ref().unwrap().canary, "ok");
        assert!(r.malformed.is_empty(), "{:?}", r.malformed);
    }

    fn entry(name: &str, expect: Expect, cases: &[&str]) -> ManifestEntry {
        ManifestEntry {
            name: name.into(),
            source: "x.c".into(),
            defines: vec![],
            expect,
            cases: cases.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn ctx(entries: Vec<ManifestEntry>) -> Context {
        Context {
            manifest: entries,
            unaligned: false,
            kernel_words: BTreeMap::new(),
            canary_addr: None,
        }
    }

    const OK_TAIL: &str = "SUMMARY programs=1 passed=1 failed=0 canary=ok\n";

    fn one(case_line: &str, task: &str, verdict: &str) -> String {
        format!("PROGRAM p pid=2 expect=exit:0\n{case_line}\n{task}\n{verdict}\n{OK_TAIL}")
    }

    #[test]
    fn host_rechecks_values_behind_a_pass() {
        let c = ctx(vec![entry("p", Expect::Exit(0), &["1"])]);
        let good = one(
            "CASE 1 PASS before=0x5 exp=0x5 new=0x7 ret=0x5 z=1 mem=0x7",
            "TASK 2 p exit=0",
            "VERDICT p PASS expect=exit:0 got=exit:0",
        );
        let ev = evaluate(&parse(&good), &c);
        assert_eq!(
            ev.get("1").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        assert_eq!(ev.failed(), 0, "{}", render(&ev));
        // The program claims PASS but the memory shows the lost write.
        let lying = good.replace("mem=0x7", "mem=0x5");
        let ev = evaluate(&parse(&lying), &c);
        assert_eq!(ev.get("1").unwrap().outcome, Outcome::Fail);
        assert!(ev.get("1").unwrap().detail.contains("memory holds"));
        // Z left clear.
        let ev = evaluate(&parse(&good.replace("z=1", "z=0")), &c);
        assert_eq!(ev.get("1").unwrap().outcome, Outcome::Fail);
        // A mismatch line does not count as case 1.
        let ev = evaluate(&parse(&good.replace("exp=0x5", "exp=0x6")), &c);
        assert_eq!(ev.get("1").unwrap().outcome, Outcome::Fail);
        // Kernel verdict disagreeing fails the case too.
        let ev = evaluate(
            &parse(&good.replace("TASK 2 p exit=0", "TASK 2 p exit=1")),
            &c,
        );
        assert_eq!(ev.get("1").unwrap().outcome, Outcome::Fail);
        assert_eq!(ev.get("verdicts").unwrap().outcome, Outcome::Fail);
    }

    #[test]
    fn a_failing_sibling_case_does_not_fail_this_one() {
        let c = ctx(vec![entry("p", Expect::Exit(0), &["1", "2"])]);
        let log = "PROGRAM p pid=2 expect=exit:0\n\
            CASE 1 PASS before=0x5 exp=0x5 new=0x7 ret=0x5 z=1 mem=0x7\n\
            CASE 2 FAIL before=0x9 exp=0x5 new=0x7 ret=0x9 z=1 mem=0x9\n\
            TASK 2 p exit=1\n\
            VERDICT p FAIL expect=exit:0 got=exit:1\n\
            SUMMARY programs=1 passed=0 failed=1 canary=ok\n";
        let ev = evaluate(&parse(log), &c);
        assert_eq!(
            ev.get("1").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        assert_eq!(ev.get("2").unwrap().outcome, Outcome::Fail);
        assert_eq!(ev.get("verdicts").unwrap().outcome, Outcome::Fail);
        // Killed by a signal after its lines: every case of the program fails.
        let killed = log.replace(
            "TASK 2 p exit=1",
            "TASK 2 p signal=SIGSEGV addr=0x0 pc=0x10000 word=none",
        );
        let ev = evaluate(&parse(&killed), &c);
        assert_eq!(
            ev.get("1").unwrap().outcome,
            Outcome::Fail,
            "{}",
            render(&ev)
        );
    }

    #[test]
    fn missing_case_fails_not_passes() {
        let c = ctx(vec![entry("p", Expect::Exit(0), &["1", "2"])]);
        let log = one(
            "CASE 1 PASS before=0x5 exp=0x5 new=0x7 ret=0x5 z=1 mem=0x7",
            "TASK 2 p exit=0",
            "VERDICT p PASS expect=exit:0 got=exit:0",
        );
        let ev = evaluate(&parse(&log), &c);
        assert_eq!(ev.get("2").unwrap().outcome, Outcome::Fail);
        assert!(
            ev.closing_line().starts_with("3 passed, 1 failed"),
            "{}",
            ev.closing_line()
        );
        let ev = evaluate(&parse(""), &c);
        assert_eq!(ev.passed(), 0);
        assert_eq!(ev.failed(), 4);
    }

    fn sig_log(expect_word: &str, task_word: &str, addr: &str) -> String {
        format!(
            "PROGRAM ro pid=4 expect=signal:SIGSEGV\n\
             CASE 6 EXPECT signal=SIGSEGV addr=0x20000000 word={expect_word}\n\
             TASK 4 ro signal=SIGSEGV addr={addr} pc=0x10080 word={task_word}\n\
             VERDICT ro PASS expect=signal:SIGSEGV got=signal:SIGSEGV\n\
             SUMMARY programs=1 passed=1 failed=0 canary=ok\n"
        )
    }

    #[test]
    fn signal_cases_match_kernel_task_line() {
        let c = ctx(vec![entry("ro", Expect::Signal(11), &["6"])]);
        let ev = evaluate(&parse(&sig_log("0x66", "0x00000066", "0x20000000")), &c);
        assert_eq!(
            ev.get("6").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        // Memory changed although the call was refused.
        let ev = evaluate(&parse(&sig_log("0x66", "0x00000067", "0x20000000")), &c);
        assert_eq!(ev.get("6").unwrap().outcome, Outcome::Fail);
        // Raised somewhere else than at the syscall's return.
        let log = sig_log("0x66", "0x00000066", "0x20000000")
            .replace("word=0x66\n", "word=0x66 pc=0x10084\n");
        let ev = evaluate(&parse(&log), &c);
        assert_eq!(
            ev.get("6").unwrap().outcome,
            Outcome::Fail,
            "{}",
            render(&ev)
        );
        let log = log.replace("pc=0x10080 word", "pc=0x10084 word");
        let ev = evaluate(&parse(&log), &c);
        assert_eq!(
            ev.get("6").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        // Wrong address.
        let ev = evaluate(&parse(&sig_log("0x66", "0x00000066", "0x20000004")), &c);
        assert_eq!(ev.get("6").unwrap().outcome, Outcome::Fail);
        // The call returned (pre-2018: no signal).
        let log = "PROGRAM ro pid=4 expect=signal:SIGSEGV\n\
                   CASE 6 EXPECT signal=SIGSEGV addr=0x20000000 word=0x66\n\
                   CASE 6 FAIL nosignal addr=0x20000000 ret=0xfffffff2 z=0\n\
                   TASK 4 ro exit=1\n\
                   VERDICT ro FAIL expect=signal:SIGSEGV got=exit:1\n\
                   SUMMARY programs=1 passed=0 failed=1 canary=ok\n";
        let ev = evaluate(&parse(log), &c);
        assert_eq!(ev.get("6").unwrap().outcome, Outcome::Fail);
        assert!(ev.get("6").unwrap().detail.contains("nosignal"));
    }

    #[test]
    fn kernel_word_checked_against_image() {
        let c0 = ctx(vec![entry("k", Expect::Signal(11), &["7c"])]);
        let log = "PROGRAM k pid=4 expect=signal:SIGSEGV\n\
                   CASE 7c EXPECT signal=SIGSEGV addr=0x80000000 word=any\n\
                   TASK 4 k signal=SIGSEGV addr=0x80000000 pc=0x10080 word=0x7c7c7c7c\n\
                   VERDICT k PASS expect=signal:SIGSEGV got=signal:SIGSEGV\n\
                   SUMMARY programs=1 passed=1 failed=0 canary=ok\n";
        assert_eq!(
            evaluate(&parse(log), &c0).get("7c").unwrap().outcome,
            Outcome::Pass
        );
        let mut c = c0.clone();
        c.kernel_words.insert(0x8000_0000, 0x8000_0400);
        assert_eq!(
            evaluate(&parse(log), &c).get("7c").unwrap().outcome,
            Outcome::Fail
        );
        let log2 = log.replace("word=0x7c7c7c7c", "word=0x80000400");
        assert_eq!(
            evaluate(&parse(&log2), &c).get("7c").unwrap().outcome,
            Outcome::Pass
        );
        // A broken canary fails its own row.
        let log3 = log2.replace("canary=ok", "canary=BROKEN");
        assert_eq!(
            evaluate(&parse(&log3), &c).get("canary").unwrap().outcome,
            Outcome::Fail
        );
    }

    #[test]
    fn misaligned_depends_on_core() {
        let e = vec![entry("m", Expect::Signal(11), &["8b"])];
        let returned = "PROGRAM m pid=4 expect=signal:SIGSEGV\n\
            CASE 8b EXPECT signal=SIGSEGV addr=0x20000041 word=0xb4b3b2b1 or=none unaligned=returns\n\
            CASE 8b RETURNED PASS addr=0x20000041 before=0xb4b3b2b1 exp=0xb4b3b2b1 new=0xb5b2b3b0 ret=0xb4b3b2b1 z=1 mem=0xb5b2b3b0 zin=0\n\
            TASK 4 m exit=0\n\
            VERDICT m FAIL expect=signal:SIGSEGV got=exit:0\n\
            SUMMARY programs=1 passed=0 failed=1 canary=ok\n";
        let mut c = ctx(e.clone());
        assert_eq!(
            evaluate(&parse(returned), &c).get("8b").unwrap().outcome,
            Outcome::Fail
        );
        c.unaligned = true;
        let ev = evaluate(&parse(returned), &c);
        assert_eq!(
            ev.get("8b").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        // The kernel's VERDICT FAIL is expected there: its table cannot know the core.
        assert_eq!(
            ev.get("verdicts").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        let faulted = "PROGRAM m pid=4 expect=signal:SIGSEGV\n\
            CASE 8b EXPECT signal=SIGSEGV addr=0x20000041 word=0xb4b3b2b1 or=none unaligned=returns\n\
            TASK 4 m signal=SIGSEGV addr=0x20000041 pc=0x10080 word=none\n\
            VERDICT m PASS expect=signal:SIGSEGV got=signal:SIGSEGV\n\
            SUMMARY programs=1 passed=1 failed=0 canary=ok\n";
        let c = ctx(e);
        let ev = evaluate(&parse(faulted), &c);
        assert_eq!(
            ev.get("8b").unwrap().outcome,
            Outcome::Pass,
            "{}",
            render(&ev)
        );
        assert!(ev.get("8b").unwrap().detail.contains("unverified"));
    }

    #[test]
    fn counters_need_evidence() {
        let c = ctx(vec![entry("c", Expect::Exit(0), &["9a"])]);
        let mk = |l: &str| {
            format!("PROGRAM c pid=2 expect=exit:0\n{l}\nTASK 2 c exit=0\nVERDICT c PASS expect=exit:0 got=exit:0\n{OK_TAIL}")
        };
        let ok =
            mk("CASE 9a PASS final=8000 expected=8000 threads=4 iters=2000 switches=30 retries=5");
        assert_eq!(
            evaluate(&parse(&ok), &c).get("9a").unwrap().outcome,
            Outcome::Pass
        );
        let lost =
            mk("CASE 9a PASS final=7990 expected=8000 threads=4 iters=2000 switches=30 retries=5");
        assert_eq!(
            evaluate(&parse(&lost), &c).get("9a").unwrap().outcome,
            Outcome::Fail
        );
        let adaptive = mk(
            "CASE 9a PASS final=9000 expected=9000 threads=4 min_iters=2000 switches=50 retries=5",
        );
        assert_eq!(
            evaluate(&parse(&adaptive), &c).get("9a").unwrap().outcome,
            Outcome::Pass
        );
        let short = mk(
            "CASE 9a PASS final=7000 expected=7000 threads=4 min_iters=2000 switches=50 retries=5",
        );
        assert_eq!(
            evaluate(&parse(&short), &c).get("9a").unwrap().outcome,
            Outcome::Fail
        );
        let two = mk(
            "CASE 9a PASS final=9000 expected=9000 threads=2 min_iters=2000 switches=50 retries=5",
        );
        assert_eq!(
            evaluate(&parse(&two), &c).get("9a").unwrap().outcome,
            Outcome::Fail
        );
        let idle =
            mk("CASE 9a PASS final=8000 expected=8000 threads=4 iters=2000 switches=0 retries=0");
        assert_eq!(
            evaluate(&parse(&idle), &c).get("9a").unwrap().outcome,
            Outcome::Fail
        );
    }
}
