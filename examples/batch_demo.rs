//! The end-of-day batch run in Rust against the local emulator: the core's `batch::Run` (the
//! same run as the npm command line's) driven by `batch::drive` over plain HTTP, a journal file
//! and the day's files. Run it again with the same journal after a kill: it resumes, and nothing
//! is sent twice. Sequential and plain-HTTP only (the emulator listens on 127.0.0.1); the CLI adds
//! concurrency and TLS.
//!
//! ```sh
//! node examples/emulator/server.mjs --port 8790 --config examples/data/batch/emulator-config.json &
//! cargo run --example batch_demo -- http://127.0.0.1:8790 14 demo-woowup-key /tmp/day.journal.jsonl \
//!     examples/data/batch/{customers,purchases,products,branches}-2019_03_11.csv
//! ```
//!
//! Exit: 0 all rows done, 1 some rows failed, 2 bad arguments or setup, 3 stopped (run again).

use loyalty_connector::batch::drive::{drive, DriveOptions, Io};
use loyalty_connector::batch::{FileFacts, LogState, Run, Settings};
use loyalty_connector::engine::{Answer, Response};
use loyalty_connector::http::Request;
use loyalty_connector::woowup::connectors::{iso8601_utc, Entity};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One HTTP/1.1 exchange over a fresh connection (`http://` only).
fn send(request: &Request) -> io::Result<Response> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidInput, m.to_string());
    let rest = request.url.strip_prefix("http://").ok_or_else(|| bad("only http:// URLs"))?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = request.body.as_deref().unwrap_or("");
    let mut head = format!("{} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n", request.method.as_str());
    for (name, value) in &request.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| bad("no header end"))?;
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status"))?;
    let mut response = Response::new(status, "");
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        response = response.with_header(name.trim(), value.trim());
    }
    let chunked = response.header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    response.body = if chunked { dechunk(body) } else { body.to_string() };
    Ok(response)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Plain HTTP, the journal file (durable lines fsync'd), failures and notes on stderr.
struct Local {
    journal: File,
    paths: BTreeMap<String, PathBuf>,
}

impl Io for Local {
    fn send(&mut self, request: &Request) -> io::Result<Answer> {
        Ok(match send(request) {
            Ok(response) => Answer::Response(response),
            Err(e) => Answer::network(e.to_string()),
        })
    }

    fn sleep(&mut self, ms: u64) -> io::Result<()> {
        std::thread::sleep(Duration::from_millis(ms));
        Ok(())
    }

    fn append(&mut self, line: &str, durable: bool) -> io::Result<()> {
        self.journal.write_all(format!("{line}\n").as_bytes())?;
        if durable {
            self.journal.sync_data()?;
        }
        Ok(())
    }

    fn failure(&mut self, line: &str) -> io::Result<()> {
        eprintln!("FAILED {line}");
        Ok(())
    }

    fn open(&mut self, name: &str) -> io::Result<Box<dyn Read>> {
        let path = self.paths.get(name).ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, name.to_string()))?;
        Ok(Box::new(io::BufReader::new(File::open(path)?)))
    }

    fn note(&mut self, text: &str) {
        if !text.is_empty() {
            eprintln!("  {text}");
        }
    }

    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
    }
}

/// A file's facts for the journal: size, a SHA-256 of its bytes, its rows (lines after the header).
fn facts(path: &Path) -> io::Result<FileFacts> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let rows = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count().saturating_sub(1) as u64;
    Ok(FileFacts { name, size: bytes.len() as u64, mtime: String::new(), sha256, rows })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        eprintln!("usage: batch_demo BASE_URL APP_ID API_KEY JOURNAL FILE...");
        std::process::exit(2);
    }
    let (base, app_id, key, journal_path, paths) = (&args[0], &args[1], &args[2], Path::new(&args[3]), &args[4..]);
    let setup = |what: &str, e: &dyn std::fmt::Display| -> ! {
        eprintln!("{what}: {e}");
        std::process::exit(2)
    };
    let values: BTreeMap<String, String> = [("appId", app_id.as_str()), ("apiKey", key), ("baseUrl", &format!("{base}/apiv2")), ("apiUrl", base), ("connectorsUrl", base)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let settings = Settings::from_values("v2", &values).unwrap_or_else(|e| setup("settings", &e));
    let files: Vec<FileFacts> = paths.iter().map(|p| facts(Path::new(p)).unwrap_or_else(|e| setup(p, &e))).collect();
    let mut run = Run::new(settings, files).unwrap_or_else(|e| setup("files", &e));
    let now = iso8601_utc(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64));

    // A new journal, or the one an interrupted run left (its cut last line dropped).
    let first_line = if journal_path.exists() {
        let mut text = std::fs::read_to_string(journal_path).unwrap_or_else(|e| setup("journal", &e));
        let size = text.len() as u64;
        text.truncate(text.rfind('\n').map_or(0, |i| i + 1));
        let resumed = run.resume(&text, size, None).unwrap_or_else(|e| setup("--resume refused", &e));
        if let Some(at) = resumed.posted {
            println!("this run finished on {at} and its log was posted: nothing to do");
            return;
        }
        eprintln!("resuming: {} rows finished, {} in doubt", resumed.done, resumed.in_doubt);
        std::fs::write(journal_path, &text).unwrap_or_else(|e| setup("journal", &e));
        run.resumed(&now)
    } else {
        run.header(&now)
    };
    let journal = OpenOptions::new().create(true).append(true).open(journal_path).unwrap_or_else(|e| setup("journal", &e));
    let paths = paths.iter().map(|p| (Path::new(p).file_name().unwrap_or_default().to_string_lossy().into_owned(), PathBuf::from(p))).collect();
    let mut io = Local { journal, paths };
    io.append(&first_line, true).unwrap_or_else(|e| setup("journal", &e));

    let options = DriveOptions { log: true, processing_time: now, per_minute: Some(140) };
    let summary = drive(&mut run, &mut io, &options).unwrap_or_else(|e| {
        eprintln!("stopped: {e}");
        std::process::exit(3)
    });
    if let Some(stop) = &summary.stopped {
        eprintln!("stopped: {stop}: run again with the same journal to continue");
        std::process::exit(3);
    }
    for entity in Entity::ALL {
        let c = summary.totals.of_entity(entity);
        println!("{:<10} {} created, {} updated, {} failed", entity.as_str(), c.created, c.updated, c.failed);
    }
    println!("{} requests, {} retries {:?}", summary.counters.requests, summary.counters.retries, summary.counters.retries_by_reason);
    match &summary.log {
        Some(LogState::Posted) => println!("log: posted"),
        other => {
            eprintln!("log: {other:?}: run again with the same journal to post it");
            std::process::exit(3);
        }
    }
    let lines = std::fs::read_to_string(journal_path).map_or(0, |t| t.lines().count());
    println!("journal: {lines} lines; failed rows: {}", summary.totals.failed());
    std::process::exit(if summary.totals.failed() > 0 { 1 } else { 0 });
}
