//! A cache of simulator runs for the validation run (issue 11: `cargo xtask validate`
//! from a warm target directory). arcsim is deterministic: the same image, the same
//! injections and the same simulator give the same console, bit for bit. A run is kept
//! under a key made of the image's bytes, the run's parameters and a fingerprint of the
//! simulator's sources, so a changed kernel, program or simulator always runs again.
//! Only `cargo xtask validate` uses it (and says so in its rows); tests always run.

use crate::repo_root;
use serde::{de::DeserializeOwned, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

static ENABLED: AtomicBool = AtomicBool::new(false);
static HITS: AtomicU64 = AtomicU64::new(0);
static RUNS: AtomicU64 = AtomicU64::new(0);

/// (runs taken from the cache, runs made) since the process started.
pub fn counts() -> (u64, u64) {
    (HITS.load(Ordering::Relaxed), RUNS.load(Ordering::Relaxed))
}

/// Turns the cache on or off for this process (off unless the validation run asks).
pub fn enable(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// FNV-1a, 64 bits: stable across Rust releases, unlike `DefaultHasher`.
fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
}

const FNV_START: u64 = 0xCBF2_9CE4_8422_2325;

/// A hash of every file under `sim/src` and of `sim/Cargo.toml`, taken once per process.
pub fn simulator_fingerprint() -> u64 {
    static FP: OnceLock<u64> = OnceLock::new();
    *FP.get_or_init(|| {
        let sim = repo_root().join("sim");
        let mut files = vec![sim.join("Cargo.toml")];
        collect(&sim.join("src"), &mut files);
        files.sort();
        let mut h = FNV_START;
        for f in files {
            fnv(&mut h, f.to_string_lossy().as_bytes());
            fnv(&mut h, &std::fs::read(&f).unwrap_or_default());
        }
        h
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn path_for(parts: &[&[u8]]) -> PathBuf {
    let mut h = FNV_START;
    fnv(&mut h, &simulator_fingerprint().to_le_bytes());
    for p in parts {
        fnv(&mut h, &(p.len() as u64).to_le_bytes());
        fnv(&mut h, p);
    }
    repo_root()
        .join("target")
        .join("run-cache")
        .join(format!("{h:016x}.json"))
}

/// `run()`'s result for these key parts: from the cache when enabled and present (the
/// flag says so), else computed and stored.
pub fn cached<T: Serialize + DeserializeOwned>(
    parts: &[&[u8]],
    run: impl FnOnce() -> crate::Result<T>,
) -> crate::Result<(T, bool)> {
    if !enabled() {
        RUNS.fetch_add(1, Ordering::Relaxed);
        return run().map(|v| (v, false));
    }
    let path = path_for(parts);
    if let Some(v) = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        HITS.fetch_add(1, Ordering::Relaxed);
        return Ok((v, true));
    }
    RUNS.fetch_add(1, Ordering::Relaxed);
    let v = run()?;
    if let Ok(text) = serde_json::to_vec(&v) {
        let _ = std::fs::create_dir_all(path.parent().expect("cache dir"));
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }
    Ok((v, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_runs_every_time_and_on_reuses_only_an_identical_key() {
        let mut calls = 0;
        let (v, hit) = cached(&[b"k"], || {
            calls += 1;
            Ok(7u32)
        })
        .unwrap();
        assert_eq!((v, hit, calls), (7, false, 1));
        enable(true);
        let key = format!("runcache-test-{}", std::process::id());
        let (a, hit_a) = cached(&[key.as_bytes()], || Ok(1u32)).unwrap();
        let (b, hit_b) = cached(&[key.as_bytes()], || Ok(2u32)).unwrap();
        let (c, hit_c) = cached(&[key.as_bytes(), b"x"], || Ok(3u32)).unwrap();
        enable(false);
        assert_eq!((a, hit_a), (1, false));
        assert_eq!((b, hit_b), (1, true), "same key: the stored result");
        assert_eq!((c, hit_c), (3, false), "another key runs");
    }
}
