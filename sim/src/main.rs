//! `arcsim`: command-line front end of the simulator (see sim/README.md).
//!
//! Exit status: the guest's semihosting exit status (clamped to 0–123), 0 after a
//! `flag 1` halt, 124 when the instruction limit is reached, 125 when the simulated core
//! locks up or stops at a kernel breakpoint, 126 when the ELF file cannot be loaded,
//! 127 for usage errors (including unreadable files), so that no status of arcsim's own
//! can be mistaken for the guest's.

use arcsim::config::Isa;
use arcsim::{Config, Machine, Stop};
use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const EXIT_LIMIT: u8 = 124;
const EXIT_SIM_ERROR: u8 = 125;
const EXIT_LOAD_ERROR: u8 = 126;
const EXIT_USAGE: u8 = 127;
/// Guest statuses above this are reported as this, to stay clear of arcsim's own.
const GUEST_STATUS_MAX: u32 = 123;
/// Cycles per `run` slice: console output is flushed between slices.
const SLICE: u64 = 1 << 20;

#[derive(Parser)]
#[command(
    name = "arcsim",
    version,
    about = "Deterministic ARC HS (ARCv2) simulator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an ELF image on the `sim` board.
    Run(RunArgs),
    /// Print an objdump-style listing of the executable sections.
    Disasm { elf: PathBuf },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Stop after this many instructions (cycles).
    #[arg(long, default_value_t = u64::MAX)]
    max_insns: u64,
    /// Raise an interrupt at instruction count N (IRQ defaults to 16, timer0).
    #[arg(long = "irq-at", value_name = "N[:IRQ]")]
    irq_at: Vec<String>,
    /// Raise an interrupt every N instructions.
    #[arg(long = "irq-every", value_name = "N[:IRQ]")]
    irq_every: Option<String>,
    /// Raise interrupts at pseudo-random gaps of mean MEAN, reproducible from SEED.
    #[arg(long = "irq-random", value_name = "SEED:MEAN[:IRQ]")]
    irq_random: Option<String>,
    /// Write an instruction trace to FILE (stderr without a file).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    trace: Option<String>,
    /// Print statistics to stderr at the end.
    #[arg(long)]
    stats: bool,
    /// Core with LLOCK/SCOND.
    #[arg(long, overrides_with = "no_llsc")]
    llsc: bool,
    /// Core without LLOCK/SCOND (default).
    #[arg(long)]
    no_llsc: bool,
    /// Core with the unaligned-access option (needs STATUS32.AD).
    #[arg(long, overrides_with = "no_unaligned")]
    unaligned: bool,
    /// Core without the unaligned-access option (default).
    #[arg(long)]
    no_unaligned: bool,
    /// RAM size in bytes (decimal or 0x hex).
    #[arg(long, value_parser = parse_u32)]
    ram_size: Option<u32>,
    #[arg(long)]
    tlb_sets: Option<u32>,
    #[arg(long)]
    tlb_ways: Option<u32>,
    /// Console input: bytes the UART receives (`-` = stdin, read to its end first).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Deliver SWI as an ordinary exception, never as a semihosting call.
    #[arg(long)]
    no_semihosting: bool,
    /// Core: `hs` (ARCv2) or `arc700` (ARCompact). Default: the ELF's e_machine.
    #[arg(long, value_parser = parse_core)]
    core: Option<Isa>,
    elf: PathBuf,
}

fn parse_u32(s: &str) -> Result<u32, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16),
        None => s.parse(),
    };
    r.map_err(|e| format!("{s}: {e}"))
}

fn parse_core(s: &str) -> Result<Isa, String> {
    match s {
        "hs" | "arcv2" => Ok(Isa::ArcV2),
        "arc700" | "arcompact" => Ok(Isa::ArcCompact),
        _ => Err(format!("{s}: not a core (hs, arc700)")),
    }
}

fn parse_u64(s: &str) -> Result<u64, String> {
    s.parse().map_err(|e| format!("{s}: {e}"))
}

/// "N[:IRQ]" → (N, IRQ or timer0).
fn parse_at(s: &str) -> Result<(u64, u32), String> {
    match s.split_once(':') {
        Some((n, irq)) => Ok((parse_u64(n)?, parse_irq(irq)?)),
        None => Ok((parse_u64(s)?, 16)),
    }
}

fn parse_irq(s: &str) -> Result<u32, String> {
    let irq = parse_u32(s)?;
    if !(16..=255).contains(&irq) {
        return Err(format!("IRQ {irq} is not a line (16..=255)"));
    }
    Ok(irq)
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("arcsim: {msg}");
    ExitCode::from(EXIT_USAGE)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Run(args) => run(args),
        Command::Disasm { elf } => disasm(&elf),
    }
}

/// `elf_isa`: the instruction set the ELF header names, if it names one.
fn config(args: &RunArgs, elf_isa: Option<Isa>) -> Config {
    let d = Config::default();
    Config {
        isa: args.core.or(elf_isa).unwrap_or(d.isa),
        llsc: args.llsc && !args.no_llsc,
        unaligned: args.unaligned && !args.no_unaligned,
        ram_size: args.ram_size.unwrap_or(d.ram_size),
        tlb_sets: args.tlb_sets.unwrap_or(d.tlb_sets),
        tlb_ways: args.tlb_ways.unwrap_or(d.tlb_ways),
        semihosting: !args.no_semihosting,
        ..d
    }
}

fn run(args: RunArgs) -> ExitCode {
    let image = match std::fs::read(&args.elf) {
        Ok(b) => b,
        Err(e) => return usage(format!("{}: {e}", args.elf.display())),
    };
    let mut m = match Machine::try_new(config(&args, arcsim::elf::machine_isa(&image))) {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    if let Err(e) = m.load_elf(&image) {
        eprintln!("arcsim: {}: {e}", args.elf.display());
        return ExitCode::from(EXIT_LOAD_ERROR);
    }
    for spec in &args.irq_at {
        match parse_at(spec) {
            Ok((at, irq)) => m.schedule_irq(at, irq),
            Err(e) => return usage(format!("--irq-at {e}")),
        }
    }
    if let Some(spec) = &args.irq_every {
        match parse_at(spec) {
            Ok((n, irq)) if n > 0 => m.schedule_irq_every(n, irq),
            Ok(_) => return usage("--irq-every needs a period above 0"),
            Err(e) => return usage(format!("--irq-every {e}")),
        }
    }
    if let Some(spec) = &args.irq_random {
        let parts: Vec<&str> = spec.split(':').collect();
        let parsed = match parts.as_slice() {
            [seed, mean] => parse_u64(seed).and_then(|s| Ok((s, parse_u64(mean)?, 16))),
            [seed, mean, irq] => {
                parse_u64(seed).and_then(|s| Ok((s, parse_u64(mean)?, parse_irq(irq)?)))
            }
            _ => Err("expected SEED:MEAN[:IRQ]".to_string()),
        };
        match parsed {
            Ok((seed, mean, irq)) => m.schedule_irq_random(seed, mean, irq),
            Err(e) => return usage(format!("--irq-random {e}")),
        }
    }
    if let Some(path) = &args.input {
        let mut bytes = Vec::new();
        let r = if path.as_os_str() == "-" {
            std::io::stdin().read_to_end(&mut bytes).map(|_| ())
        } else {
            std::fs::read(path).map(|b| bytes = b)
        };
        if let Err(e) = r {
            return usage(format!("{}: {e}", path.display()));
        }
        m.push_console_input(&bytes);
    }
    let mut trace_out: Option<Box<dyn Write>> = match args.trace.as_deref() {
        None => None,
        Some("-") => Some(Box::new(std::io::stderr())),
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Some(Box::new(std::io::BufWriter::new(f))),
            Err(e) => return usage(format!("{path}: {e}")),
        },
    };
    m.set_trace(trace_out.is_some());

    let start = std::time::Instant::now();
    let mut left = args.max_insns;
    let stdout = std::io::stdout();
    let stop = loop {
        let before = m.insns();
        let stop = m.run(left.min(SLICE));
        left -= m.insns() - before;
        let mut out = stdout.lock();
        let _ = out.write_all(&m.take_console());
        let _ = out.flush();
        if let Some(t) = &mut trace_out {
            let _ = t.write_all(&m.take_trace());
        }
        match stop {
            Stop::InsnLimit if left > 0 => continue,
            s => break s,
        }
    };
    if let Some(t) = &mut trace_out {
        let _ = t.flush();
    }
    if args.stats {
        let secs = start.elapsed().as_secs_f64();
        eprint!("{}", m.stats());
        eprintln!(
            "host time       {secs:.3} s ({:.1} M instructions/s)",
            m.insns() as f64 / secs / 1e6
        );
        if let Some(cpu) = cpu_seconds() {
            eprintln!(
                "host CPU time   {cpu:.3} s ({:.1} M instructions/s)",
                m.insns() as f64 / cpu / 1e6
            );
        }
    }
    if !m.stats().qemu_hazards.is_empty() && !args.stats {
        let what: Vec<&str> = m.stats().qemu_hazards.keys().copied().collect();
        eprintln!(
            "arcsim: note: behaviour QEMU's archs model does not share: {}",
            what.join("; ")
        );
    }
    match stop {
        Stop::Exit(code) => ExitCode::from(code.min(GUEST_STATUS_MAX) as u8),
        Stop::Halt => ExitCode::SUCCESS,
        Stop::InsnLimit => {
            eprintln!("arcsim: instruction limit reached at pc {:#010x}", m.pc());
            ExitCode::from(EXIT_LIMIT)
        }
        Stop::Breakpoint(pc) => {
            eprintln!("arcsim: breakpoint (brk) at {pc:#010x}");
            ExitCode::from(EXIT_SIM_ERROR)
        }
        Stop::Lockup(why) => {
            eprintln!("arcsim: core locked up: {why}");
            ExitCode::from(EXIT_SIM_ERROR)
        }
    }
}

/// CPU time this process has run (Linux /proc/self/schedstat), unaffected by other load
/// on the host.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn disasm(path: &PathBuf) -> ExitCode {
    let image = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return usage(format!("{}: {e}", path.display())),
    };
    match arcsim::listing::listing_named(&image, &path.display().to_string()) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("arcsim: {}: {e}", path.display());
            ExitCode::from(EXIT_LOAD_ERROR)
        }
    }
}
