//! Runners: the embedded simulator (in-process), `qemu-system-arc`, `nsimdrv`.

use crate::{Error, Result};
use boards::Board;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    Sim,
    Qemu,
    Nsim,
}

impl Runner {
    pub fn parse(name: &str) -> Result<Runner> {
        match name {
            "sim" => Ok(Runner::Sim),
            "qemu" => Ok(Runner::Qemu),
            "nsim" => Ok(Runner::Nsim),
            other => Err(Error::new(
                "run",
                format!("unknown runner `{other}`; choose sim, qemu or nsim"),
            )),
        }
    }

    /// The board's default runner (`none` boards, i.e. hardware, have none).
    pub fn for_board(board: &Board) -> Result<Runner> {
        match board.default_runner.as_str() {
            "none" => Err(Error::new(
                "run",
                format!(
                    "board `{}` is hardware only: load target/arc/{}/kernel.elf with U-Boot or a debugger (README), \
                     capture the UART log and run `cargo xtask report LOGFILE`; or pass --runner sim|qemu|nsim",
                    board.name, board.name
                ),
            )),
            r => Runner::parse(r),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Instruction budget for the simulator (0 = DEFAULT_MAX_INSNS).
    pub max_insns: u64,
    /// Interrupt injections for the simulator: (instruction count, irq line).
    pub irq_at: Vec<(u64, u32)>,
    /// Echo console output to stdout as it arrives.
    pub echo: bool,
    /// Wall-clock limit for external runners (0 = 120 s).
    pub timeout_secs: u64,
}

/// Enough for the whole validation suite with a wide margin; a hang ends here.
pub const DEFAULT_MAX_INSNS: u64 = 4_000_000_000;

#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub console: String,
    /// Exit status the run ended with (semihosting status, or 0 for a halt).
    pub status: Option<u32>,
    /// How the run ended, in words ("exit 0", "halt", "instruction limit", ...).
    pub ended: String,
    /// Simulated instructions (simulator only).
    pub insns: Option<u64>,
}

pub fn run_image(board: &str, runner: Runner, elf: &Path, opts: &RunOptions) -> Result<RunOutcome> {
    let board = Board::load(board).map_err(|e| Error::new("board", e.to_string()))?;
    match runner {
        Runner::Sim => run_sim(&board, elf, opts),
        Runner::Qemu => run_qemu(&board, elf, opts),
        Runner::Nsim => run_nsim(&board, elf, opts),
    }
}

/// The simulator configured as the board says (sim board: no LL/SC, no unaligned access).
pub fn sim_config(board: &Board) -> arcsim::Config {
    let mut cfg = arcsim::Config {
        ram_base: board.memory.ram_base,
        ram_size: board.memory.ram_size,
        timer_hz: board.timer.clock_hz as u64,
        isa: match board.cpu.isa {
            boards::Isa::Arcv2 => arcsim::config::Isa::ArcV2,
            boards::Isa::Arcompact => arcsim::config::Isa::ArcCompact,
        },
        ..arcsim::Config::default()
    };
    if let Some(s) = &board.sim {
        cfg.llsc = s.llsc;
        cfg.unaligned = s.unaligned;
    }
    cfg
}

fn run_sim(board: &Board, elf: &Path, opts: &RunOptions) -> Result<RunOutcome> {
    let image =
        std::fs::read(elf).map_err(|e| Error::new("run", format!("{}: {e}", elf.display())))?;
    let mut m = arcsim::Machine::try_new(sim_config(board))
        .map_err(|e| Error::new("sim", e.to_string()))?;
    m.load_elf(&image)
        .map_err(|e| Error::new("sim", format!("{}: {e}", elf.display())))?;
    for &(at, irq) in &opts.irq_at {
        m.schedule_irq(at, irq);
    }
    let limit = if opts.max_insns == 0 {
        DEFAULT_MAX_INSNS
    } else {
        opts.max_insns
    };
    // Run in slices so that console output can be echoed while the guest runs.
    const SLICE: u64 = 20_000_000;
    let mut console = Vec::new();
    let stop = loop {
        let budget = (limit - m.insns()).min(SLICE);
        let stop = m.run(budget);
        let out = m.take_console();
        if opts.echo {
            let _ = std::io::stdout().write_all(&out);
            let _ = std::io::stdout().flush();
        }
        console.extend_from_slice(&out);
        match stop {
            arcsim::Stop::InsnLimit if m.insns() < limit => continue,
            s => break s,
        }
    };
    let (status, ended) = match stop {
        arcsim::Stop::Exit(code) => (Some(code), format!("exit {code}")),
        // A board without a semihosting exit (ARC700 has no `swi`) leaves its status in
        // r0 when it halts (src/arch/arcompact/vectors.S, arc_exit_run).
        arcsim::Stop::Halt if board.exit.method == boards::ExitMethod::Halt => {
            let code = m.reg(0);
            (Some(code), format!("halt (flag 1) with r0 = {code}"))
        }
        arcsim::Stop::Halt => (Some(0), "halt (flag 1)".to_string()),
        arcsim::Stop::InsnLimit => (None, format!("instruction limit ({limit}) reached")),
        arcsim::Stop::Breakpoint(pc) => (None, format!("kernel-mode brk at {pc:#010x}")),
        arcsim::Stop::Lockup(why) => (None, format!("core locked up: {why}")),
    };
    Ok(RunOutcome {
        console: String::from_utf8_lossy(&console).into_owned(),
        status,
        ended,
        insns: Some(m.insns()),
    })
}

/// True when an executable named `tool` is in a directory of PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false)
}

fn require_on_path(tool: &str, how: &str) -> Result<()> {
    if on_path(tool) {
        Ok(())
    } else {
        Err(Error::new("run", format!("`{tool}` is not on PATH. {how}")))
    }
}

fn run_qemu(board: &Board, elf: &Path, opts: &RunOptions) -> Result<RunOutcome> {
    require_on_path(
        "qemu-system-arc",
        "It comes from Synopsys' QEMU fork for ARC (no distribution packages it): build it with \
         `--target-list=arc-softmmu` and put it on PATH, or use --runner sim.",
    )?;
    let Some(q) = &board.qemu else {
        return Err(Error::new(
            "run",
            format!(
                "board `{}` has no [qemu] section; use --board qemu-virt",
                board.name
            ),
        ));
    };
    let mut cmd = Command::new("qemu-system-arc");
    cmd.args(&q.args).arg("-kernel").arg(elf);
    run_external("qemu-system-arc", cmd, opts)
}

fn run_nsim(board: &Board, elf: &Path, opts: &RunOptions) -> Result<RunOutcome> {
    require_on_path(
        "nsimdrv",
        "It is Synopsys' proprietary nSIM (part of the ARC MetaWare toolkit or the free nSIM \
         Lite download); install it and put nsimdrv on PATH, or use --runner sim.",
    )?;
    let Some(n) = &board.nsim else {
        return Err(Error::new(
            "run",
            format!(
                "board `{}` has no [nsim] section; use --board nsim",
                board.name
            ),
        ));
    };
    let mut cmd = Command::new("nsimdrv");
    cmd.arg("-propsfile")
        .arg(board.dir().join(&n.props))
        .arg(elf);
    run_external("nsimdrv", cmd, opts)
}

fn run_external(tool: &str, mut cmd: Command, opts: &RunOptions) -> Result<RunOutcome> {
    let limit = Duration::from_secs(if opts.timeout_secs == 0 {
        120
    } else {
        opts.timeout_secs
    });
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::new("run", format!("cannot start {tool}: {e}")))?;
    let mut stdout = child.stdout.take().expect("piped stdout");
    let echo = opts.echo;
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            if echo {
                let _ = std::io::stdout().write_all(&buf[..n]);
                let _ = std::io::stdout().flush();
            }
            all.extend_from_slice(&buf[..n]);
        }
        all
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child
            .try_wait()
            .map_err(|e| Error::new("run", format!("{tool}: {e}")))?
        {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let console = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    let (status, ended) = match status {
        Some(s) => match s.code() {
            Some(c) => (Some(c as u32), format!("exit {c}")),
            None => (None, format!("{tool} killed by a signal")),
        },
        None => (None, format!("timed out after {} s", limit.as_secs())),
    };
    Ok(RunOutcome {
        console,
        status,
        ended,
        insns: None,
    })
}
