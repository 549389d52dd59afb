//! Bad input to the build gets a clear error naming what was wrong and what to do.

use std::path::PathBuf;
use std::process::Command;

/// The xtask binary, built once with the full PATH. Tests run it directly, so a
/// restricted PATH never has to rebuild anything.
fn xtask_bin() -> PathBuf {
    let built = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--release", "-p", "xtask"])
        .status()
        .expect("build xtask");
    assert!(built.success());
    // This test runs from <target>/release/deps/; the binary is in <target>/release/.
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("xtask");
    assert!(bin.is_file(), "xtask binary not at {}", bin.display());
    bin
}

fn xtask(args: &[&str], path: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(xtask_bin());
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out = cmd.output().expect("run xtask");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn unknown_board_is_named_with_the_known_ones() {
    let (ok, err) = xtask(&["build", "--board", "hsdk-4xd"], None);
    assert!(!ok);
    assert!(err.contains("unknown board `hsdk-4xd`"), "{err}");
    assert!(
        err.contains("sim") && err.contains("qemu-virt") && err.contains("hsdk"),
        "{err}"
    );
}

#[test]
fn missing_toolchain_names_the_tool_and_the_fix() {
    // Keep rustup reachable; hide the ARC toolchain and wasm2c.
    let cargo_bin = std::path::Path::new(env!("CARGO")).parent().unwrap();
    let path = format!("{}:/nonexistent", cargo_bin.display());
    let (ok, err) = xtask(&["build", "--board", "sim"], Some(&path));
    assert!(!ok);
    assert!(err.contains("arc-linux-gnu-gcc"), "{err}");
    assert!(err.contains("wasm2c"), "{err}");
    assert!(err.contains("cargo xtask setup"), "{err}");
}

#[test]
fn a_failing_stage_is_named() {
    let (ok, err) = xtask(
        &["build", "--board", "sim", "--features", "no-such-feature"],
        None,
    );
    assert!(!ok);
    assert!(err.contains("error: cargo (wasm32)"), "{err}");
    assert!(err.contains("no-such-feature"), "{err}");
}

#[test]
fn a_board_without_a_runner_says_how_to_run_it() {
    let (ok, err) = xtask(&["run", "--board", "hsdk"], None);
    assert!(!ok);
    assert!(
        err.contains("hardware only") && err.contains("xtask report"),
        "{err}"
    );
}
