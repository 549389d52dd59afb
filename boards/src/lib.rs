//! Board descriptions. Each board lives in `boards/<name>/board.toml`; xtask reads them to
//! link and run an image, and the kernel's build script turns the same file into Rust
//! constants, so no address is written down twice.

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Board {
    pub name: String,
    pub description: String,
    /// `sim`, `qemu`, `nsim`, or `none` (hardware only).
    pub default_runner: String,
    /// The core; ARCv2 (ARC HS) when the table is absent.
    #[serde(default)]
    pub cpu: Cpu,
    pub memory: Memory,
    pub console: Console,
    pub timer: Timer,
    pub exit: Exit,
    #[serde(default)]
    pub sim: Option<SimConfig>,
    #[serde(default)]
    pub qemu: Option<Qemu>,
    #[serde(default)]
    pub nsim: Option<Nsim>,
}

/// The instruction set the kernel and the user programs are built for.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Isa {
    /// ARC HS (ARCv2, MMUv4): `src/arch/arc/`.
    #[default]
    Arcv2,
    /// ARC700 (ARCompact, MMUv3): `src/arch/arcompact/`.
    Arcompact,
}

impl Isa {
    /// GCC's `-mcpu=` for the kernel and the user programs.
    pub fn gcc_cpu(self) -> &'static str {
        match self {
            Isa::Arcv2 => "hs38",
            Isa::Arcompact => "arc700",
        }
    }

    /// `e_machine` of an image for this ISA: EM_ARCV2 (195) or EM_ARCOMPACT (93).
    pub fn elf_machine(self) -> u16 {
        match self {
            Isa::Arcv2 => 195,
            Isa::Arcompact => 93,
        }
    }

    /// Timer0's interrupt line: ARCv2 numbers interrupts from 16, ARC700 from 3
    /// (Linux arch/arc/include/asm/irq.h).
    pub fn timer0_irq(self) -> u32 {
        match self {
            Isa::Arcv2 => 16,
            Isa::Arcompact => 3,
        }
    }

    /// The value of the kernel's `arc_isa` cfg (build.rs).
    pub fn cfg_name(self) -> &'static str {
        match self {
            Isa::Arcv2 => "arcv2",
            Isa::Arcompact => "arcompact",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cpu {
    #[serde(default)]
    pub isa: Isa,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    pub ram_base: u32,
    pub ram_size: u32,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum UartKind {
    Ns16550,
    DwApbUart,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Console {
    pub kind: UartKind,
    pub base: u32,
    pub reg_shift: u32,
    pub clock_hz: u32,
    pub baud: u32,
    pub irq: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Timer {
    /// Timer0 counting rate.
    pub clock_hz: u32,
    /// Scheduler tick rate the kernel programs into timer0.
    pub tick_hz: u32,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ExitMethod {
    /// `swi` with r8 = 1 and r0 = status (QEMU `-semihosting`, arcsim).
    Semihosting,
    /// `flag 1`: the core halts; the status is only printed.
    Halt,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exit {
    pub method: ExitMethod,
}

/// Core options the embedded simulator is configured with on this board.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    pub llsc: bool,
    pub unaligned: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Qemu {
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Nsim {
    /// Props file, relative to the board's directory.
    pub props: String,
}

#[derive(Debug)]
pub enum BoardError {
    Unknown { name: String, known: Vec<String> },
    Io { path: PathBuf, err: std::io::Error },
    Parse { path: PathBuf, msg: String },
    Invalid { path: PathBuf, msg: String },
}

impl fmt::Display for BoardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoardError::Unknown { name, known } => write!(
                f,
                "unknown board `{name}`; known boards: {} (each is a directory under boards/ with a board.toml)",
                known.join(", ")
            ),
            BoardError::Io { path, err } => write!(f, "cannot read {}: {err}", path.display()),
            BoardError::Parse { path, msg } => write!(f, "{}: {msg}", path.display()),
            BoardError::Invalid { path, msg } => write!(f, "{}: {msg}", path.display()),
        }
    }
}

impl std::error::Error for BoardError {}

/// The directory holding every board (this crate's own directory).
pub fn boards_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Names of all boards, sorted.
pub fn known_boards() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(boards_dir())
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().join("board.toml").is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

impl Board {
    /// Loads `boards/<name>/board.toml`.
    pub fn load(name: &str) -> Result<Board, BoardError> {
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let path = boards_dir().join(name).join("board.toml");
        if !valid_name || !path.is_file() {
            return Err(BoardError::Unknown {
                name: name.to_string(),
                known: known_boards(),
            });
        }
        let text = std::fs::read_to_string(&path).map_err(|err| BoardError::Io {
            path: path.clone(),
            err,
        })?;
        let board = Board::parse(&text).map_err(|msg| BoardError::Parse {
            path: path.clone(),
            msg,
        })?;
        if board.name != name {
            return Err(BoardError::Invalid {
                path,
                msg: format!("name = \"{}\" but the directory is `{name}`", board.name),
            });
        }
        Ok(board)
    }

    /// Parses and checks a board description.
    pub fn parse(text: &str) -> Result<Board, String> {
        let board: Board = toml::from_str(text).map_err(|e| e.to_string())?;
        board.check()?;
        Ok(board)
    }

    fn check(&self) -> Result<(), String> {
        let m = &self.memory;
        if m.ram_base < 0x8000_0000 {
            return Err(format!(
                "memory.ram_base {:#x} is below 0x8000_0000: the kernel must run untranslated",
                m.ram_base
            ));
        }
        if m.ram_size < 0x0100_0000 || m.ram_size % 0x2000 != 0 {
            return Err(format!(
                "memory.ram_size {:#x} must be a multiple of 8 KiB and at least 16 MiB",
                m.ram_size
            ));
        }
        if (m.ram_base as u64) + (m.ram_size as u64) > 0xC000_0000 {
            return Err("RAM reaches the peripheral window at 0xC000_0000".into());
        }
        if self.console.reg_shift > 3 {
            return Err(format!(
                "console.reg_shift {} is not 0..=3",
                self.console.reg_shift
            ));
        }
        if self.console.baud == 0 || self.console.clock_hz < 16 * self.console.baud {
            return Err("console.clock_hz must be at least 16 x baud".into());
        }
        if self.timer.tick_hz == 0 || self.timer.clock_hz / self.timer.tick_hz < 100 {
            return Err("timer.tick_hz must be non-zero and at most clock_hz / 100".into());
        }
        // ARCompact has no SWI, which the semihosting exit is.
        if self.cpu.isa == Isa::Arcompact && self.exit.method == ExitMethod::Semihosting {
            return Err(
                "exit.method \"semihosting\" needs SWI, which ARCompact (cpu.isa = \"arcompact\") lacks; use \"halt\""
                    .into(),
            );
        }
        if !["sim", "qemu", "nsim", "none"].contains(&self.default_runner.as_str()) {
            return Err(format!(
                "default_runner `{}` is not one of sim, qemu, nsim, none",
                self.default_runner
            ));
        }
        Ok(())
    }

    pub fn dir(&self) -> PathBuf {
        boards_dir().join(&self.name)
    }

    /// Timer0 LIMIT for one scheduler tick.
    pub fn tick_limit(&self) -> u32 {
        self.timer.clock_hz / self.timer.tick_hz
    }

    /// UART divisor latch value for the configured baud rate (rounded to nearest).
    pub fn uart_divisor(&self) -> u32 {
        let c = &self.console;
        (c.clock_hz + 8 * c.baud) / (16 * c.baud)
    }

    /// Rust source with the constants the kernel needs, written by the kernel's build script.
    pub fn to_rust(&self) -> String {
        let c = &self.console;
        let kind = match c.kind {
            UartKind::Ns16550 => "UartKind::Ns16550",
            UartKind::DwApbUart => "UartKind::DwApbUart",
        };
        let exit = match self.exit.method {
            ExitMethod::Semihosting => "ExitMethod::Semihosting",
            ExitMethod::Halt => "ExitMethod::Halt",
        };
        format!(
            "// Generated from boards/{name}/board.toml by build.rs. Do not edit.\n\
             pub const NAME: &str = {name:?};\n\
             pub const RAM_BASE: u32 = {rb:#x};\n\
             pub const RAM_SIZE: u32 = {rs:#x};\n\
             pub const UART_KIND: UartKind = {kind};\n\
             pub const UART_BASE: u32 = {ub:#x};\n\
             pub const UART_REG_SHIFT: u32 = {sh};\n\
             pub const UART_DIVISOR: u32 = {div};\n\
             pub const UART_IRQ: u32 = {irq};\n\
             pub const TIMER_CLOCK_HZ: u32 = {tc};\n\
             pub const TICK_HZ: u32 = {th};\n\
             pub const TICK_LIMIT: u32 = {tl};\n\
             pub const EXIT_METHOD: ExitMethod = {exit};\n\
             pub const TIMER0_IRQ: u32 = {t0};\n\
             pub const ELF_MACHINE: u16 = {em};\n",
            name = self.name,
            rb = self.memory.ram_base,
            rs = self.memory.ram_size,
            ub = c.base,
            sh = c.reg_shift,
            div = self.uart_divisor(),
            irq = c.irq,
            tc = self.timer.clock_hz,
            th = self.timer.tick_hz,
            tl = self.tick_limit(),
            t0 = self.cpu.isa.timer0_irq(),
            em = self.cpu.isa.elf_machine(),
        )
    }

    /// Linker-script fragment with the board's memory map.
    pub fn to_linker(&self) -> String {
        format!(
            "/* Generated from boards/{}/board.toml. */\nRAM_BASE = {:#x};\nRAM_SIZE = {:#x};\n",
            self.name, self.memory.ram_base, self.memory.ram_size
        )
    }
}

/// Where the board files are for a given board name (for messages).
pub fn board_path(name: &str) -> PathBuf {
    Path::new("boards").join(name).join("board.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_board_loads() {
        let names = known_boards();
        for want in ["sim", "qemu-virt", "nsim", "hsdk", "sim-arc700"] {
            assert!(names.iter().any(|n| n == want), "missing board {want}");
        }
        for n in &names {
            let b = Board::load(n).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&b.name, n);
        }
    }

    #[test]
    fn unknown_board_names_the_known_ones() {
        let err = Board::load("hsdk2").unwrap_err().to_string();
        assert!(err.contains("unknown board `hsdk2`"), "{err}");
        assert!(err.contains("qemu-virt"), "{err}");
        // Path tricks are unknown boards too, not file reads.
        assert!(matches!(
            Board::load("../boards/sim"),
            Err(BoardError::Unknown { .. })
        ));
    }

    #[test]
    fn sim_and_qemu_share_a_memory_map() {
        let sim = Board::load("sim").unwrap();
        let qemu = Board::load("qemu-virt").unwrap();
        assert_eq!(sim.memory, qemu.memory);
        assert_eq!(sim.console, qemu.console);
    }

    #[test]
    fn only_sim_arc700_is_arcompact_and_it_keeps_the_sim_memory_map() {
        for n in known_boards() {
            let b = Board::load(&n).unwrap();
            let want = if n == "sim-arc700" {
                Isa::Arcompact
            } else {
                Isa::Arcv2
            };
            assert_eq!(b.cpu.isa, want, "{n}");
        }
        let sim = Board::load("sim").unwrap();
        let b = Board::load("sim-arc700").unwrap();
        assert_eq!(b.memory, sim.memory);
        assert_eq!(b.console, sim.console);
        assert_eq!(b.default_runner, "sim");
        assert_eq!(b.cpu.isa.gcc_cpu(), "arc700");
        assert_eq!(b.cpu.isa.elf_machine(), 93);
        assert!(b.to_rust().contains("pub const TIMER0_IRQ: u32 = 3;"));
        assert!(sim.to_rust().contains("pub const TIMER0_IRQ: u32 = 16;"));
        assert!(b.to_rust().contains("pub const ELF_MACHINE: u16 = 93;"));
        assert!(sim.to_rust().contains("pub const ELF_MACHINE: u16 = 195;"));
    }

    #[test]
    fn isa_defaults_to_arcv2_and_arcompact_cannot_use_semihosting() {
        let good = std::fs::read_to_string(boards_dir().join("sim/board.toml")).unwrap();
        assert_eq!(Board::parse(&good).unwrap().cpu.isa, Isa::Arcv2);
        let compact = format!("{good}\n[cpu]\nisa = \"arcompact\"\n");
        let err = Board::parse(&compact).unwrap_err();
        assert!(err.contains("SWI"), "{err}");
        let halt = compact.replace("method = \"semihosting\"", "method = \"halt\"");
        assert_eq!(Board::parse(&halt).unwrap().cpu.isa, Isa::Arcompact);
        let typo = format!("{good}\n[cpu]\nisa = \"arc600\"\n");
        assert!(Board::parse(&typo).unwrap_err().contains("arc600"));
    }

    #[test]
    fn hsdk_uses_the_designware_uart() {
        let b = Board::load("hsdk").unwrap();
        assert_eq!(b.console.kind, UartKind::DwApbUart);
        assert_eq!(b.console.base, 0xF000_5000);
        // 33.33 MHz / (16 * 115200) = 18.08 -> 18
        assert_eq!(b.uart_divisor(), 18);
    }

    #[test]
    fn bad_descriptions_are_rejected_with_the_field_named() {
        let good = std::fs::read_to_string(boards_dir().join("sim/board.toml")).unwrap();
        let low_ram = good.replace("ram_base = 0x8000_0000", "ram_base = 0x1000_0000");
        assert!(Board::parse(&low_ram).unwrap_err().contains("ram_base"));
        let typo = good.replace("reg_shift = 2", "reg_shfit = 2");
        assert!(Board::parse(&typo).unwrap_err().contains("reg_shfit"));
        let kind = good.replace("kind = \"ns16550\"", "kind = \"pl011\"");
        assert!(Board::parse(&kind).unwrap_err().contains("pl011"));
    }

    #[test]
    fn generated_rust_carries_the_numbers() {
        let b = Board::load("sim").unwrap();
        let rs = b.to_rust();
        assert!(
            rs.contains("pub const UART_BASE: u32 = 0xf0000000;"),
            "{rs}"
        );
        assert!(rs.contains(&format!("pub const TICK_LIMIT: u32 = {};", b.tick_limit())));
    }
}
