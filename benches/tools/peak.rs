//! Runs a command and reports its wall time, peak resident memory and CPU
//! time, for machines without GNU `time` (`/usr/bin/time -f '%e %M %U %S'`).
//!
//! ```sh
//! target/release/examples/peak OUT COMMAND [ARGS...]
//! ```
//!
//! Writes `SECONDS KIB USER SYSTEM` to the file OUT, in the format of
//! `/usr/bin/time -f '%e %M %U %S'`, and exits with the command's status. The peak is the largest
//! `VmHWM` read from `/proc/PID/status` while the command runs, polled every
//! millisecond, so a peak reached in the last millisecond may be missed.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The high-water mark of resident memory of `pid`, in KiB.
fn hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A `timeval` in seconds.
fn seconds(t: nix::sys::time::TimeVal) -> f64 {
    t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, program, rest @ ..] = args.as_slice() else {
        eprintln!("usage: peak OUT COMMAND [ARGS...]");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let mut child = match Command::new(program).args(rest).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("peak: cannot run {program}: {e}");
            return ExitCode::from(2);
        }
    };
    let pid = child.id();
    let mut peak = 0u64;
    let status = loop {
        if let Some(kib) = hwm(pid) {
            peak = peak.max(kib);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(e) => {
                eprintln!("peak: cannot wait for {program}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let wall = start.elapsed().as_secs_f64();
    // The command is the only child waited for, so the children's usage is its own.
    let (user, system) = match nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN) {
        Ok(u) => (seconds(u.user_time()), seconds(u.system_time())),
        Err(_) => (0.0, 0.0),
    };
    if let Err(e) = std::fs::write(out, format!("{wall:.2} {peak} {user:.2} {system:.2}\n")) {
        eprintln!("peak: cannot write {out}: {e}");
        return ExitCode::from(2);
    }
    ExitCode::from(status.code().map_or(2, |c| u8::try_from(c).unwrap_or(2)))
}
