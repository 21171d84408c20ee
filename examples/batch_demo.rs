//! The end-of-day batch run, in Rust, against the local emulator: a reference for the npm CLI
//! (docs/batch.md) showing how the core's jobs API is driven. Sequential and plain-HTTP only
//! (the emulator listens on 127.0.0.1); the CLI adds concurrency, a rate limit and TLS.
//!
//! ```sh
//! node examples/emulator/server.mjs --port 8790 --config examples/data/batch/emulator-config.json &
//! cargo run --example batch_demo -- http://127.0.0.1:8790 14 demo-woowup-key \
//!     examples/data/batch/{customers,purchases,products,branches}-2019_03_11.csv
//! ```
//!
//! Steps: sale points (`contest_sale_points`), known branches (`GET apiv3/stats`), every file in
//! processing order (each row's requests, retried on 429/502/503 with `Retry-After`), a journal
//! and the failures on stderr, then `POST /v1/log` and a read-back with `GET /v1/logs`.
//! Exit: 0 all rows done, 1 some rows failed, 2 bad arguments or setup, 3 the log was refused.

use loyalty_connector::batch::csv::CsvOptions;
use loyalty_connector::batch::doubt::{effect_of, is_repeated_invoice, Effect as DoubtEffect};
use loyalty_connector::batch::{order_files, JobNext, JournalEntry, Mapping, PlanOptions, Planner, Work};
use loyalty_connector::engine::{Answer, Attempts, Decision, Effect, Policy, Response};
use loyalty_connector::http::Request;
use loyalty_connector::woowup::connectors::{
    iso8601_utc, log_request, logs_request, read_log_response, read_logs_response, read_stats_response, stats_request,
    ConnectorsConfig, Entity, LogsQuery, StatsQuery, StatsCollector,
};
use loyalty_connector::woowup::{read_sale_points, Client};
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One HTTP/1.1 exchange over a fresh connection (`http://` only): (status, Retry-After, body).
fn send(request: &Request) -> std::io::Result<(u16, Option<String>, String)> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m.to_string());
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
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status"))?;
    let header = |name: &str| {
        head.lines().find_map(|l| l.split_once(':').filter(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()))
    };
    let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) { dechunk(body) } else { body.to_string() };
    Ok((status, header("retry-after"), body))
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

/// Sends with the engine's WoowUp policy (429, 502, 503 and lost answers retried, Retry-After
/// honoured). A sale whose answer is lost or unreadable is in doubt: it is sent again, and
/// WoowUp's refusal of the repeated invoice number is read as the first attempt's success
/// (`batch::doubt::is_repeated_invoice`); a new customer in doubt stops this sequential demo (the
/// command line checks with WoowUp and resumes).
fn exchange(request: &Request) -> (u16, String) {
    let effect = effect_of(request);
    let mut attempts = Attempts::default();
    let mut in_doubt = false;
    loop {
        let answer = match send(request) {
            Ok((status, retry_after, body)) => {
                let mut r = Response::new(status, body);
                if let Some(v) = retry_after {
                    r = r.with_header("retry-after", &v);
                }
                Answer::Response(r)
            }
            Err(e) => Answer::network(e.to_string()),
        };
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let sends = if effect.is_some() { Effect::Once } else { Effect::Read };
        let decision = match attempts.judge(&Policy::WOOWUP, sends, &answer, now, 1.0) {
            Decision::InDoubt if matches!(effect, Some(DoubtEffect::Sale { .. })) => {
                in_doubt = true;
                attempts.retry(&Policy::WOOWUP, None, 1.0).unwrap_or(Decision::InDoubt)
            }
            other => other,
        };
        match (decision, answer) {
            (Decision::Deliver, Answer::Response(r)) => {
                let landed = effect.as_ref().filter(|_| in_doubt).and_then(|e| is_repeated_invoice(e, r.status, &r.body));
                return match landed {
                    Some(landed) => (landed.status, landed.body),
                    None => (r.status, r.body),
                };
            }
            (Decision::Retry(ms), _) => {
                eprintln!("  retry {} in {ms} ms", attempts.failures.max(1));
                std::thread::sleep(Duration::from_millis(ms));
            }
            (Decision::Stop(e), _) => {
                eprintln!("stopped: {e}");
                std::process::exit(3);
            }
            (_, _) => {
                eprintln!("in doubt: {} {}: resume with the command line, which checks with WoowUp first", request.method.as_str(), request.url);
                std::process::exit(3);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: batch_demo BASE_URL APP_ID API_KEY FILE...");
        std::process::exit(2);
    }
    let (base, app_id, key, paths) = (&args[0], &args[1], &args[2], &args[3..]);
    let setup = |what: &str, e: &dyn std::fmt::Display| -> ! {
        eprintln!("{what}: {e}");
        std::process::exit(2)
    };
    let client = Client::new(app_id, key.as_str())
        .and_then(|c| c.with_base_url(&format!("{base}/apiv2")))
        .unwrap_or_else(|e| setup("client", &e));
    let mut connectors = ConnectorsConfig::new(key.as_str());
    connectors.connectors_base_url = base.clone();
    connectors.api_base_url = base.clone();

    // 1. The program's sale points, once for the whole run.
    let (status, body) = exchange(&client.contest_sale_points().unwrap_or_else(|e| setup("contest_sale_points", &e)));
    let sale_points = match read_sale_points(status, &body) {
        Ok(Some(p)) => p,
        Ok(None) => setup("contest_sale_points", &"the program gives no sale points"),
        Err(e) => setup("contest_sale_points", &e),
    };
    // 2. The branches WoowUp knows (its stats example has a trailing comma: read leniently).
    let mut options = PlanOptions::new(sale_points);
    let (status, body) = exchange(&stats_request(&connectors, &StatsQuery::default()).unwrap_or_else(|e| setup("stats", &e)));
    match read_stats_response(status, &body) {
        Ok(stats) => options.known_branches = Some(stats.per_branches.into_iter().filter_map(|b| b.branch).collect()),
        Err(e) => eprintln!("apiv3/stats unreadable ({e}): every branch row counts as updated"),
    }
    let planner = Planner::new(&client, options).unwrap_or_else(|e| setup("planner", &e));

    // 3. The files, customers first and purchases last.
    let names: Vec<String> = paths.iter().map(|p| Path::new(p).file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    let ordered = order_files(&names).unwrap_or_else(|e| setup("files", &e));
    let mut stats = StatsCollector::new();
    let mut journal = String::new();
    for (entity, name) in &ordered {
        let path = paths.iter().find(|p| p.ends_with(name.as_str())).expect("a given path");
        let file = std::fs::File::open(path).unwrap_or_else(|e| setup(path, &e));
        stats.add_file(*entity, name);
        let jobs = planner.jobs(BufReader::new(file), name, &Mapping::default(), CsvOptions::default()).unwrap_or_else(|e| setup(name, &e));
        for work in jobs {
            let mut job = match work {
                Work::Job(job) => job,
                Work::FileError(e) => {
                    eprintln!("{e}");
                    stats.keep_error(e);
                    continue;
                }
            };
            let mut next = job.next();
            while let JobNext::Send(request) = next {
                let (status, body) = exchange(&request);
                next = job.feed(status, &body);
            }
            job.record(&mut stats).expect("counted");
            let entry = JournalEntry::of(&job).expect("done");
            journal.push_str(&entry.to_json().expect("json"));
            journal.push('\n');
            match job.reason() {
                Some(reason) => eprintln!("FAILED {}:{} {}: {reason}", entry.file, entry.line, entry.key),
                None => println!("{:<9} {}:{} {} {}", entry.outcome.as_str(), entry.file, entry.line, entry.key, job.detail().unwrap_or("")),
            }
        }
    }

    // 4. The run's statistics to the connectors log, and read back.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let payload = stats.payload(&iso8601_utc(now)).expect("payload");
    let (status, body) = exchange(&log_request(&connectors, &payload).expect("log request"));
    if let Err(e) = read_log_response(status, &body) {
        eprintln!("the log was refused: {e}");
        std::process::exit(3);
    }
    let (status, body) = exchange(&logs_request(&connectors, &LogsQuery { entity: Some(Entity::Purchases), limit: Some(1), ..LogsQuery::default() }).expect("logs"));
    let logs = read_logs_response(status, &body).unwrap_or_else(|e| setup("logs", &e));
    let purchases = logs.first().and_then(|l| l.entity(Entity::Purchases)).map(|p| (p.created, p.failed, p.revenue));
    println!("log recorded: purchases (created, failed, revenue) = {purchases:?}");
    let failed = Entity::ALL.iter().map(|e| stats.totals(*e).2).sum::<u64>();
    println!("journal: {} lines; failed rows: {failed}", journal.lines().count());
    std::process::exit(if failed > 0 { 1 } else { 0 });
}
