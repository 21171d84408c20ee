//! A sequential driver of a [`Run`] for Rust programs: the same run as the command line's, one
//! request at a time, over the caller's I/O ([`Io`]: HTTP, sleeping, the journal, the failures
//! file, the day files). It moves bytes only: every decision is the run's.
//!
//! ```text
//! let mut run = Run::new(settings, files)?;
//! match journal text { None => io.append(&run.header(now), true)?,
//!                      Some(text) => { run.resume(&text, size, durable)?; io.append(&run.resumed(now), true)? } }
//! let summary = drive(&mut run, &mut io, &DriveOptions { … })?;
//! ```
//!
//! A killed run may leave its last line cut: the run reads past it, and the driver cuts the file
//! after its last line break before appending, so that no unreadable line ends up mid-journal.

use super::journal::{Counters, Totals};
use super::run::{file_error_line, Item, LogState, Run, Stop, Task, TaskStep};
use crate::engine::Answer;
use crate::http::Request;
use crate::woowup::v3::Pacer;
use std::io::{self, Read};

/// The caller's I/O. An `Err` from any of them stops the run where it is (as a kill would):
/// the journal holds what a resumed run needs.
pub trait Io {
    /// Sends a request: the answer, or [`Answer::Lost`] when none came.
    fn send(&mut self, request: &Request) -> io::Result<Answer>;
    fn sleep(&mut self, ms: u64) -> io::Result<()>;
    /// Appends a line to the journal; `durable`: return only once it is on disk.
    fn append(&mut self, line: &str, durable: bool) -> io::Result<()>;
    /// Appends a line to the failures file.
    fn failure(&mut self, line: &str) -> io::Result<()>;
    /// A day file's bytes.
    fn open(&mut self, name: &str) -> io::Result<Box<dyn Read>>;
    /// Something the operator may want to read (a retry, a setup read).
    fn note(&mut self, _text: &str) {}
    /// Unix time in milliseconds (the pace; `Retry-After` dates).
    fn now_ms(&self) -> u64;
    /// A number in [0, 1] that spreads the backoff.
    fn jitter(&mut self) -> f64 {
        0.5
    }
}

/// How the run ends.
#[derive(Clone, Debug, Default)]
pub struct DriveOptions {
    /// Post the run's log (`POST /v1/log`, v3 `POST /integration-stats`).
    pub log: bool,
    /// The log's `processingtime` and the end line's time.
    pub processing_time: String,
    /// The account's requests a minute, spent evenly (WoowUp's `Retry-After` and
    /// `x-rate-limit-*` obeyed); `None`: not paced.
    pub per_minute: Option<u32>,
}

/// What the run did.
#[derive(Clone, Debug)]
pub struct Summary {
    pub totals: Totals,
    pub counters: Counters,
    /// `None` when the run stopped before its end.
    pub log: Option<LogState>,
    /// Why the run stopped before its end (credentials refused, no answer after the retries, a
    /// setup read failed): run it again with its journal to continue.
    pub stopped: Option<Stop>,
}

/// Runs a task until it is done, its sends spaced by `pacer`.
pub fn drive_task(task: &mut Task, io: &mut impl Io, mut pacer: Option<&mut Pacer>) -> io::Result<()> {
    loop {
        match task.next() {
            TaskStep::Journal(line) => io.append(&line, true)?,
            TaskStep::Send(request) => {
                if let Some(p) = pacer.as_deref_mut() {
                    loop {
                        let wait = p.wait_ms(io.now_ms());
                        if wait == 0 {
                            break;
                        }
                        io.sleep(wait)?;
                    }
                    p.sent(io.now_ms());
                }
                let answer = io.send(&request)?;
                let now = io.now_ms();
                if let (Some(p), Answer::Response(r)) = (pacer.as_deref_mut(), &answer) {
                    p.observe(now, &r.headers);
                }
                let jitter = io.jitter();
                task.feed(answer, (now / 1000) as i64, jitter);
            }
            TaskStep::Wait { ms, pace_all, note } => {
                io.note(&note);
                if let (Some(p), true) = (pacer.as_deref_mut(), pace_all) {
                    p.observe(io.now_ms(), &[("retry-after".into(), ms.div_ceil(1000).to_string())]);
                }
                io.sleep(ms)?;
            }
            TaskStep::Done => return Ok(()),
        }
    }
}

/// Runs the setup reads, every file's rows and the log; writes the end line.
pub fn drive(run: &mut Run, io: &mut impl Io, options: &DriveOptions) -> io::Result<Summary> {
    let summary = |run: &Run, log, stopped| Summary { totals: run.totals(), counters: run.counters().clone(), log, stopped };
    let mut pacer = options.per_minute.map(Pacer::new);
    for mut task in run.setup() {
        drive_task(&mut task, io, pacer.as_mut())?;
        match run.finish_setup(task) {
            Ok(note) => io.note(&note),
            Err(error) => return Ok(summary(run, None, Some(Stop { error, request: "setup".into() }))),
        }
    }
    let names: Vec<String> = run.files().iter().map(|(_, f)| f.name.clone()).collect();
    for name in names {
        let mut rows = run.open(&name).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let mut file = io.open(&name)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut ended = false;
        loop {
            let item = match rows.next() {
                Some(item) => item,
                None if ended => break,
                None => {
                    let n = file.read(&mut buf)?;
                    match buf.get(..n) {
                        Some(chunk) if n > 0 => rows.feed(chunk),
                        _ => {
                            rows.finish();
                            ended = true;
                        }
                    }
                    continue;
                }
            };
            let job = match item {
                Item::FileError(e) => {
                    io.failure(&file_error_line(&e))?;
                    continue;
                }
                Item::Row(job) => job,
            };
            let Some(mut task) = run.start(job).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))? else { continue };
            drive_task(&mut task, io, pacer.as_mut())?;
            match run.finish(task) {
                Ok(finished) => {
                    io.append(&finished.journal, false)?;
                    if let Some(line) = &finished.failure {
                        io.failure(line)?;
                    }
                }
                Err(stop) => return Ok(summary(run, None, Some(stop))),
            }
        }
    }
    let log = if options.log {
        let mut task = run.log(&options.processing_time).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        drive_task(&mut task, io, pacer.as_mut())?;
        run.finish_log(task)
    } else {
        LogState::Skipped
    };
    io.append(&run.end(&options.processing_time, &log, 0.0), true)?;
    Ok(summary(run, Some(log), None))
}
