//! The validation suite (issue 5) on the embedded simulator, its negative
//! controls, and the report parser against captured console logs.
//!
//! - `suite_passes_on_the_simulator`: `cargo xtask validate` as a library call:
//!   every case, the preemption sweep and the LL/SC comparison; nothing may fail.
//! - `bug_pre2018_kernel_fails_case_5_or_7` / `bug_no_preempt_kernel_fails_case_9`:
//!   the suite run against the historical kernel bodies must catch them.
//! - `captured_logs_give_their_known_verdicts`: `tests/logs/*.log` are consoles
//!   captured from real runs (and one UART capture with CRLF and boot-loader
//!   noise); each must parse to the verdict recorded in `tests/logs/README.md`.

use std::path::PathBuf;
use xtask::report::{self, Context, Outcome};
use xtask::validate::{render_summary, validate, ValidateOptions};

fn logs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("logs")
}

fn opts() -> ValidateOptions {
    ValidateOptions {
        board: "sim".into(),
        progress: false,
        // tests/atomics.rs covers that section, piece by piece.
        atomics: false,
        // A test runs everything; the cache is for the command line.
        cache: false,
        ..ValidateOptions::default()
    }
}

fn failed_ids(s: &xtask::validate::Summary) -> Vec<String> {
    s.evaluation
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .map(|c| c.id.clone())
        .collect()
}

#[test]
fn suite_passes_on_the_simulator() {
    let s = validate(&ValidateOptions {
        controls: false, // the two tests below are the controls, run in parallel
        ..opts()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let text = render_summary(&s);
    println!("{text}");
    assert_eq!(s.failed(), 0, "{text}\nconsole:\n{}", s.console);
    for id in [
        "1",
        "2",
        "3",
        "4",
        "5",
        "5b",
        "6",
        "7a",
        "7b",
        "7c",
        "7d",
        "7e",
        "8a",
        "8b",
        "9a",
        "9b",
        "9c",
        "9d",
        "10a",
        "sweep",
        "sweep-cow",
        "canary",
        "verdicts",
    ] {
        let c = s
            .evaluation
            .get(id)
            .unwrap_or_else(|| panic!("no case {id}\n{text}"));
        assert_eq!(c.outcome, Outcome::Pass, "case {id}: {}\n{text}", c.detail);
    }
    let n = &s.numbers;
    assert!(n.offsets_swept.unwrap_or(0) > 10, "{text}");
    assert_eq!(n.violations, Some(0), "{text}");
    assert_eq!(n.llsc_cas_insns, Some(4), "{text}");
    assert!(
        n.syscall_path_insns.unwrap_or(0) > n.llsc_cas_insns.unwrap_or(0),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(&format!(
            "{} passed, 0 failed, {} skipped",
            s.passed(),
            2 + xtask::validate::ATOMICS_ROWS.len()
        )),
        "{text}"
    );
}

#[test]
fn bug_pre2018_kernel_fails_case_5_or_7() {
    let s = validate(&ValidateOptions {
        features: vec!["bug-pre2018".into()],
        sweep: false,
        controls: false,
        ..opts()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let text = render_summary(&s);
    println!("{text}");
    let failed = failed_ids(&s);
    assert!(
        failed
            .iter()
            .any(|id| id == "5" || id == "5b" || id.starts_with('7')),
        "the pre-2018 body went unnoticed; failed: {failed:?}\n{text}"
    );
    assert!(!s.ok());
}

#[test]
fn bug_no_preempt_kernel_fails_case_9() {
    let s = validate(&ValidateOptions {
        features: vec!["bug-no-preempt".into()],
        controls: false,
        ..opts()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let text = render_summary(&s);
    println!("{text}");
    let failed = failed_ids(&s);
    assert!(
        failed.iter().any(|id| id.starts_with('9') || id == "sweep"),
        "a preemptible cmpxchg went unnoticed; failed: {failed:?}\n{text}"
    );
    // The deterministic sweep must find the window between load and store: at some
    // injected offsets, or already in its undisturbed run when the kernel's own tick
    // happens to land there (then there is no passing run to sweep from).
    let sweep = s
        .evaluation
        .get("sweep")
        .map(|c| c.detail.as_str())
        .unwrap_or("");
    assert!(
        s.numbers.violations.unwrap_or(0) > 0 || sweep.contains("undisturbed run already fails"),
        "{text}"
    );
}

/// `tests/logs/README.md` lists `file | verdict | cases that must fail`.
#[test]
fn captured_logs_give_their_known_verdicts() {
    let index = std::fs::read_to_string(logs_dir().join("README.md")).unwrap();
    let ctx = Context::for_repo(false).unwrap();
    let mut checked = 0;
    for line in index.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.split('|').map(|c| c.trim()).collect();
        let file = cols[1].trim_matches('`');
        let verdict = cols[2];
        let must_fail: Vec<&str> = cols[3]
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "-")
            .collect();
        let text = std::fs::read_to_string(logs_dir().join(file)).unwrap();
        let ev = report::evaluate(&report::parse(&text), &ctx);
        let rendered = report::render(&ev);
        match verdict {
            "pass" => assert_eq!(ev.failed(), 0, "{file}:\n{rendered}"),
            "fail" => assert!(ev.failed() > 0, "{file} should fail:\n{rendered}"),
            other => panic!("{file}: unknown verdict {other}"),
        }
        for id in must_fail {
            let c = ev.get(id).unwrap_or_else(|| panic!("{file}: no case {id}"));
            assert_eq!(
                c.outcome,
                Outcome::Fail,
                "{file}: case {id} should fail:\n{rendered}"
            );
        }
        assert!(
            rendered.lines().last().unwrap().contains(" passed, "),
            "{rendered}"
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "tests/logs/README.md lists only {checked} logs"
    );
}
