//! Set-up: install what the build needs, only what is missing (idempotent), and name the
//! missing piece and the fix when a stage cannot run.

use crate::{Error, Result};
use std::path::Path;
use std::process::Command;

/// Debian packages: the ARC cross toolchain, wasm2c, and GCC's sources for the torture tests.
pub const DEBIAN_PACKAGES: &[&str] = &[
    "gcc-arc-linux-gnu",
    "binutils-arc-linux-gnu",
    "wabt",
    "gcc-12-source",
];

/// The tarball `gcc-12-source` ships; the simulator's torture test extracts from it.
pub const GCC_SOURCE_TARBALL: &str = "/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    ArcGcc,
    ArcObjdump,
    Wasm2c,
    /// rustup target wasm32-unknown-unknown plus the rust-src component (build-std).
    RustWasm,
}

impl Tool {
    fn missing(self) -> Option<String> {
        match self {
            Tool::ArcGcc => absent_command("arc-linux-gnu-gcc", "gcc-arc-linux-gnu"),
            Tool::ArcObjdump => absent_command("arc-linux-gnu-objdump", "binutils-arc-linux-gnu"),
            Tool::Wasm2c => absent_command("wasm2c", "wabt"),
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
        }
    }
}

fn on_path(cmd: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(cmd).is_file()))
        .unwrap_or(false)
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

/// Installs whatever is missing. Safe to run any number of times.
pub fn setup(quiet: bool) -> Result<()> {
    let say = |m: &str| {
        if !quiet {
            eprintln!("setup: {m}");
        }
    };
    let missing_pkgs: Vec<&str> = DEBIAN_PACKAGES
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if missing_pkgs.is_empty() {
        say("Debian packages present");
    } else {
        say(&format!("installing {}", missing_pkgs.join(" ")));
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
        crate::build::run("setup (apt-get update)", &mut update)?;
        let mut install = Command::new("apt-get");
        install
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing_pkgs)
            .env("DEBIAN_FRONTEND", "noninteractive");
        crate::build::run("setup (apt-get install)", &mut install)?;
    }
    if Tool::RustWasm.missing().is_some() {
        say("adding rustup target wasm32-unknown-unknown and component rust-src");
        crate::build::run(
            "setup (rustup target add)",
            Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        )?;
        crate::build::run(
            "setup (rustup component add)",
            Command::new("rustup").args(["component", "add", "rust-src"]),
        )?;
    } else {
        say("Rust wasm32 target and rust-src present");
    }
    require(&[Tool::ArcGcc, Tool::ArcObjdump, Tool::Wasm2c, Tool::RustWasm])?;
    if !Path::new(GCC_SOURCE_TARBALL).is_file() {
        return Err(Error::new(
            "setup",
            format!("{GCC_SOURCE_TARBALL} is missing although gcc-12-source is installed"),
        ));
    }
    Ok(())
}

fn dpkg_installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}
