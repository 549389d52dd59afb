//! Set-up: check each piece the build and the tests need, install only what is missing
//! (idempotent), and name the missing piece and the fix when a stage cannot run.

use crate::run::on_path;
use crate::{Error, Result};
use std::path::Path;
use std::process::Command;

/// Debian packages: the ARC cross toolchain, the ARC C library headers (for the C test
/// corpora; the kernel and the validation programs are freestanding), wasm2c, and GCC's
/// sources for the torture and atomic tests.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "gcc-arc-linux-gnu",
    "binutils-arc-linux-gnu",
    toolchain::LIBC_PACKAGE,
    "wabt",
    "gcc-12-source",
];

/// The tarball `gcc-12-source` ships; the simulator's torture test extracts from it.
pub const GCC_SOURCE_TARBALL: &str = "/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    ArcGcc,
    ArcObjdump,
    /// The ARC glibc headers (`libc6-dev-arc-cross`), for C written against a libc.
    ArcLibc,
    Wasm2c,
    /// rustup target wasm32-unknown-unknown plus the rust-src component (build-std).
    RustWasm,
    GccSource,
}

impl Tool {
    const ALL: [Tool; 6] = [
        Tool::ArcGcc,
        Tool::ArcObjdump,
        Tool::ArcLibc,
        Tool::Wasm2c,
        Tool::RustWasm,
        Tool::GccSource,
    ];

    /// What the piece is, as `setup` lists it.
    fn what(self) -> &'static str {
        match self {
            Tool::ArcGcc => "ARC cross compiler arc-linux-gnu-gcc (Debian gcc-arc-linux-gnu)",
            Tool::ArcObjdump => {
                "ARC binutils arc-linux-gnu-objdump (Debian binutils-arc-linux-gnu)"
            }
            Tool::ArcLibc => {
                "ARC C library headers /usr/arc-linux-gnu/include (Debian libc6-dev-arc-cross)"
            }
            Tool::Wasm2c => "wasm2c and wasm-rt.h (Debian wabt)",
            Tool::RustWasm => "Rust target wasm32-unknown-unknown and component rust-src (rustup)",
            Tool::GccSource => "GCC 12 test sources (Debian gcc-12-source)",
        }
    }

    /// `Some(what is missing, and the fix)` when the piece is not usable.
    fn missing(self) -> Option<String> {
        match self {
            Tool::ArcGcc => absent_command("arc-linux-gnu-gcc", "gcc-arc-linux-gnu"),
            Tool::ArcObjdump => absent_command("arc-linux-gnu-objdump", "binutils-arc-linux-gnu"),
            Tool::ArcLibc => toolchain::include_flags(toolchain::Headers::ArcLibc).err(),
            Tool::Wasm2c => absent_command("wasm2c", "wabt").or_else(|| {
                (!Path::new(crate::build::WASM_RT_HEADER).is_file())
                    .then(|| format!("{} (Debian package wabt)", crate::build::WASM_RT_HEADER))
            }),
            Tool::RustWasm => {
                let targets = rustup(&["target", "list", "--installed"]);
                let comps = rustup(&["component", "list", "--installed"]);
                if !targets.contains("wasm32-unknown-unknown") {
                    Some("the Rust target wasm32-unknown-unknown (rustup target add wasm32-unknown-unknown)".into())
                } else if !comps.lines().any(|l| l.starts_with("rust-src")) {
                    Some("the rust-src component (rustup component add rust-src)".into())
                } else {
                    None
                }
            }
            Tool::GccSource => (!Path::new(GCC_SOURCE_TARBALL).is_file())
                .then(|| format!("{GCC_SOURCE_TARBALL} (Debian package gcc-12-source)")),
        }
    }
}

fn absent_command(cmd: &str, package: &str) -> Option<String> {
    (!on_path(cmd)).then(|| format!("`{cmd}` (Debian package {package})"))
}

fn rustup(args: &[&str]) -> String {
    Command::new("rustup")
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Fails with a message naming each missing tool and the command that installs it.
pub fn require(tools: &[Tool]) -> Result<()> {
    let missing: Vec<String> = tools.iter().filter_map(|t| t.missing()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::new(
        "toolchain",
        format!(
            "missing {}; run `cargo xtask setup` (it installs them) and try again",
            missing.join(", ")
        ),
    ))
}

/// Checks every piece, installs whatever is missing, and checks again. Safe to run any
/// number of times. `quiet` prints only what it installs.
pub fn setup(quiet: bool) -> Result<()> {
    let say = |m: &str| {
        if !quiet {
            eprintln!("setup: {m}");
        }
    };
    say("checking what the build and the tests need:");
    for t in Tool::ALL {
        let state = if t.missing().is_some() {
            "missing"
        } else {
            "ok"
        };
        say(&format!("  {state:<8}{}", t.what()));
    }
    let missing_pkgs: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if !missing_pkgs.is_empty() {
        // Installing is news even in quiet mode: it takes a while and needs root.
        eprintln!(
            "setup: installing Debian packages {}",
            missing_pkgs.join(" ")
        );
        if !on_path("apt-get") {
            return Err(Error::new(
                "setup",
                format!(
                    "no apt-get here; install {} with your package manager",
                    missing_pkgs.join(" ")
                ),
            ));
        }
        let mut update = Command::new("apt-get");
        update.args(["update", "-qq"]);
        crate::build::run("setup (apt-get update; needs root)", &mut update)?;
        let mut install = Command::new("apt-get");
        install
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing_pkgs)
            .env("DEBIAN_FRONTEND", "noninteractive");
        crate::build::run("setup (apt-get install; needs root)", &mut install)?;
    }
    if Tool::RustWasm.missing().is_some() {
        eprintln!("setup: adding rustup target wasm32-unknown-unknown and component rust-src");
        crate::build::run(
            "setup (rustup target add)",
            Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        )?;
        crate::build::run(
            "setup (rustup component add)",
            Command::new("rustup").args(["component", "add", "rust-src"]),
        )?;
    }
    require(&Tool::ALL)?;
    say("everything is present");
    Ok(())
}

fn dpkg_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}
