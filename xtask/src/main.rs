use clap::{Parser, Subcommand};
use std::process::{Command, ExitCode};
use xtask::build::{build_kernel, BuildOptions};
use xtask::run::{run_image, RunOptions, Runner};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, run and validate the ARC kernel")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct BuildArgs {
    /// Board directory under boards/ (sim, qemu-virt, nsim, hsdk).
    #[arg(long, default_value = "sim")]
    board: String,
    /// Optimised kernel (the default).
    #[arg(long, conflicts_with = "debug")]
    release: bool,
    /// Less optimised kernel with Rust overflow and debug assertions on.
    #[arg(long)]
    debug: bool,
    /// Kernel cargo features, e.g. bug-pre2018 or bug-no-preempt.
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
    /// Program set to embed: a manifest in user/ (default: the validation suite).
    #[arg(long, default_value = xtask::user::DEFAULT_MANIFEST)]
    programs: String,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            board: self.board.clone(),
            release: !self.debug,
            features: self.features.clone(),
            manifest: self.programs.clone(),
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Install what is missing: Debian packages (ARC GCC and binutils, wabt, gcc-12-source)
    /// and the rustup wasm32 target with rust-src. Idempotent.
    Setup,
    /// Build target/arc/<board>/kernel.elf, with kernel.map and kernel.dis beside it.
    Build(BuildArgs),
    /// Build, then boot on a runner; the console goes to stdout.
    Run {
        #[command(flatten)]
        build: BuildArgs,
        /// sim (embedded simulator), qemu (qemu-system-arc) or nsim (nsimdrv).
        #[arg(long)]
        runner: Option<String>,
        /// Simulator instruction budget.
        #[arg(long, default_value_t = 0)]
        max_insns: u64,
    },
    /// The main job: build, boot, run every validation case, print the table and verdict.
    Validate {
        #[arg(long, default_value = "sim")]
        board: String,
        /// sim (default for the sim board), qemu or nsim.
        #[arg(long)]
        runner: Option<String>,
        /// Also write the result as JSON.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
        /// Skip the preemption sweep (simulator only).
        #[arg(long)]
        no_sweep: bool,
        /// Skip the negative controls (bug-reproducing kernels; simulator only).
        #[arg(long)]
        no_controls: bool,
        /// Skip the C11 atomics section (GCC's atomic tests; simulator only).
        #[arg(long)]
        no_atomics: bool,
        /// Run every simulation again instead of reusing runs of identical images.
        #[arg(long)]
        no_cache: bool,
        /// Kernel features of the main run, e.g. bug-pre2018 to watch the suite catch it.
        #[arg(long, value_delimiter = ',')]
        features: Vec<String>,
    },
    /// Hostile system calls (k_fuzz.c) and random user instruction streams (k_insnfuzz.c)
    /// at scale: rounds of seeded fuzzers on the simulator until SECONDS have passed;
    /// fails on any failure, leak, oops or unexplained stream end.
    Fuzz {
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Fuzzing programs (seeds) per round.
        #[arg(long, default_value_t = 8)]
        programs: u32,
        /// Calls per program (shared by its threads).
        #[arg(long, default_value_t = 20_000)]
        calls: u32,
        #[arg(long, default_value_t = 4)]
        threads: u32,
        /// First seed, decimal or 0x hex.
        #[arg(long, default_value = "0xF0220001", value_parser = parse_u32)]
        seed: u32,
        /// Random-instruction-stream programs per round (12 streams each).
        #[arg(long, default_value_t = 8)]
        insn_programs: u32,
        /// The CI-sized run: 16 seeds x 64,000 calls x 4 threads (1,024,000 calls).
        #[arg(long)]
        ci: bool,
    },
    /// Turn a captured UART log (e.g. from an HSDK) into the validation table and verdict.
    Report { logfile: std::path::PathBuf },
    /// Print build times, image sizes, kernel path lengths and the simulator's speed
    /// beside QEMU's (benchmark numbers, not a test).
    Bench {
        /// Only the simulator's speed (arcsim and, on PATH, QEMU).
        #[arg(long)]
        sim_only: bool,
    },
    /// Build libgcc for ARC700 (target/libgcc/arc700/libgcc-arc700.a) from GCC's sources
    /// in Debian's gcc-12-source; cached until the tarball, the flags or the build change.
    LibgccArc700 {
        /// Also compile GCC's gcc.c-torture/execute tests for ARC700 and list the libgcc
        /// symbols they need, marking those the archive lacks.
        #[arg(long)]
        survey: bool,
        /// The optimisation level of the survey's compiles.
        #[arg(long, default_value = "-O2", allow_hyphen_values = true)]
        opt: String,
    },
    /// Set up, then run every test of the workspace (`cargo test --workspace --release`).
    Test {
        /// Extra arguments for cargo test (after --).
        #[arg(last = true)]
        args: Vec<String>,
    },
}

/// A number as a person writes it: decimal, or hex with 0x.
fn parse_u32(s: &str) -> Result<u32, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(&hex.replace('_', ""), 16),
        None => s.replace('_', "").parse(),
    };
    r.map_err(|e| format!("{s:?} is not a 32-bit number (decimal or 0x hex): {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Setup => xtask::setup::setup(false).map(|()| ExitCode::SUCCESS),
        Cmd::Build(b) => build_kernel(&b.options()).map(|out| {
            println!("{}", out.elf.display());
            ExitCode::SUCCESS
        }),
        Cmd::Run {
            build,
            runner,
            max_insns,
        } => run(&build, runner.as_deref(), max_insns),
        Cmd::Test { args } => test(&args),
        Cmd::Validate {
            board,
            runner,
            json,
            no_sweep,
            no_controls,
            no_atomics,
            no_cache,
            features,
        } => runner
            .map(|r| Runner::parse(&r))
            .transpose()
            .and_then(|runner| {
                validate(xtask::validate::ValidateOptions {
                    board,
                    runner,
                    json,
                    sweep: !no_sweep,
                    controls: !no_controls,
                    atomics: !no_atomics,
                    cache: !no_cache,
                    features,
                    ..Default::default()
                })
            }),
        Cmd::Fuzz {
            seconds,
            programs,
            calls,
            threads,
            seed,
            insn_programs,
            ci,
        } => {
            let o = if ci {
                xtask::fuzz::FuzzOptions::ci()
            } else {
                xtask::fuzz::FuzzOptions {
                    seconds,
                    programs,
                    calls,
                    threads,
                    first_seed: seed,
                    insn_programs,
                    insn_first_seed: None,
                }
            };
            xtask::fuzz::fuzz(&o).map(|s| {
                println!(
                    "fuzz: rounds={} seeds={} calls={} threads={} instructions={} failures={}",
                    s.rounds,
                    s.seeds.len(),
                    s.calls,
                    o.threads,
                    s.insns,
                    s.failures.len()
                );
                println!("instruction streams: {}", s.streams);
                for (outcome, n) in &s.stream_outcomes {
                    println!("  {n:>6}  {outcome}");
                }
                for f in &s.failures {
                    println!("  {f}");
                }
                if s.failures.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            })
        }
        Cmd::Report { logfile } => xtask::validate::report_file(&logfile).map(|(text, ok)| {
            print!("{text}");
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }),
        Cmd::LibgccArc700 { survey, opt } => libgcc_arc700(survey, &opt),
        Cmd::Bench { sim_only } => bench(sim_only).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(build: &BuildArgs, runner: Option<&str>, max_insns: u64) -> xtask::Result<ExitCode> {
    let board =
        boards::Board::load(&build.board).map_err(|e| xtask::Error::new("board", e.to_string()))?;
    let runner = match runner {
        Some(r) => Runner::parse(r)?,
        None => Runner::for_board(&board)?,
    };
    let out = build_kernel(&build.options())?;
    let outcome = run_image(
        &build.board,
        runner,
        &out.elf,
        &RunOptions {
            max_insns,
            echo: true,
            ..RunOptions::default()
        },
    )?;
    if outcome.console.contains("OOPS ") {
        let elf = std::fs::read(&out.elf).map_err(|e| xtask::Error::new("run", e.to_string()))?;
        let syms = xtask::symbols::Symbols::load(&elf)?;
        if let Some(chain) = xtask::symbols::symbolise_oops(&outcome.console, &syms) {
            eprint!("{chain}");
        }
    }
    eprintln!(
        "run ended: {}{}",
        outcome.ended,
        outcome
            .insns
            .map(|n| format!(" after {n} instructions"))
            .unwrap_or_default()
    );
    Ok(match outcome.status {
        Some(0) => ExitCode::SUCCESS,
        Some(s) => ExitCode::from(s.clamp(1, 255) as u8),
        None => ExitCode::FAILURE,
    })
}

fn libgcc_arc700(survey: bool, opt: &str) -> xtask::Result<ExitCode> {
    use xtask::libgcc_arc700 as l;
    let b = l::build(&l::Options::new(l::Cpu::Arc700))?;
    println!(
        "{}: {} members, {} in {:.2}s",
        b.archive.display(),
        b.members,
        if b.cached {
            "cached".to_string()
        } else {
            format!("{} units compiled", b.compiled)
        },
        b.elapsed.as_secs_f64()
    );
    if survey {
        let s = l::survey(opt)?;
        print!("{}", l::render_survey(&s, &l::defined_symbols(&b.archive)?));
    }
    Ok(ExitCode::SUCCESS)
}

/// Build times and sizes, the kernel's paths, the warm validation time, the simulator
/// beside QEMU, then issue 11's figures in one table (`--sim-only`: the simulator alone).
fn bench(sim_only: bool) -> xtask::Result<()> {
    let kernel = if sim_only {
        None
    } else {
        xtask::bench::build_numbers()?;
        let paths = xtask::bench::kernel_numbers()?;
        let validate_secs = xtask::bench::validate_warm_secs()?;
        println!("cargo xtask validate, warm target directory and run cache: {validate_secs:.1} s");
        Some((paths, validate_secs))
    };
    let qemu = xtask::run::on_path("qemu-system-arc");
    let images = xtask::sim_speed::build_images()?;
    let shipped = xtask::sim_speed::arcsim_binary()?;
    let speeds = xtask::sim_speed::measure(&shipped, &images, 5, qemu)?;
    print!("{}", xtask::sim_speed::report(&speeds, qemu));
    // The sweep needs lld's --symbol-ordering-file (Rust's default linker here); without
    // it the rest of the bench still stands, and the goal rows say "none".
    let placements = match xtask::placement::sweep(&shipped, &images, 5)
        .and_then(|p| Ok((xtask::placement::shipped_offset(&shipped)?, p)))
    {
        Ok((offset, p)) => {
            print!("{}", xtask::placement::report(&p, offset));
            p
        }
        Err(e) => {
            println!("arcsim by placement of Machine::run_blocks: SKIPPED ({e})");
            Vec::new()
        }
    };
    if let Some((paths, validate_secs)) = kernel {
        print!(
            "{}",
            xtask::bench::goal_table(&paths, &speeds, &placements, validate_secs)
        );
    }
    Ok(())
}

fn validate(opts: xtask::validate::ValidateOptions) -> xtask::Result<ExitCode> {
    xtask::setup::setup(true)?;
    let summary = xtask::validate::validate(&opts)?;
    print!("{}", xtask::validate::render_summary(&summary));
    Ok(if summary.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn test(args: &[String]) -> xtask::Result<ExitCode> {
    xtask::setup::setup(true)?;
    let status = Command::new(env!("CARGO"))
        .current_dir(xtask::repo_root())
        .args(["test", "--workspace", "--release", "--no-fail-fast"])
        .args(args)
        .status()
        .map_err(|e| xtask::Error::new("test", e.to_string()))?;
    // The QEMU comparison (tests/qemu.rs) is ignored by default: it needs Synopsys' QEMU.
    let qemu_ok = if xtask::run::on_path("qemu-system-arc") {
        Command::new(env!("CARGO"))
            .current_dir(xtask::repo_root())
            .args(["test", "--release", "--test", "qemu", "--", "--ignored"])
            .status()
            .map_err(|e| xtask::Error::new("test", e.to_string()))?
            .success()
    } else {
        println!("SKIPPED: tests/qemu.rs (the suite and the kernel tests on QEMU): qemu-system-arc is not on PATH (docs/qemu.md)");
        true
    };
    Ok(if status.success() && qemu_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
