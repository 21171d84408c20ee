//! The batch run's exactly-once promise, natively: the core's `Run` driven by `batch::drive`
//! over real HTTP against the emulator (API v2 and v3), killed at random points and resumed
//! from its journal until it ends. A kill is a process kill (every written byte kept, a request
//! in flight may have landed unanswered) or a crash (only what was made durable survives, plus
//! a random part of the rest, possibly cut mid-line). Every sale is in the ledger once, sent
//! once on v2 (a request in doubt is checked, not resent), and the log is posted once: a log
//! whose answer a kill lost is in doubt, never sent again.

#[path = "support/emulator.rs"]
mod emulator;
#[path = "support/xorshift.rs"]
mod xorshift;

use emulator::{exchange, Emulator};
use loyalty_connector::batch::drive::{drive, DriveOptions, Io};
use loyalty_connector::batch::{FileFacts, LogState, Run, Settings};
use loyalty_connector::engine::{Answer, Response};
use loyalty_connector::http::Request;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{self, Read};
use xorshift::Xorshift as Rng;

const APP_ID: &str = "14";
const KEY: &str = "demo-woowup-key";
const DAY: &str = "2019-03-12T00:00:00+00:00";
/// The simulated clock's start (Unix ms).
const T0: u64 = 1_552_348_800_000;

fn customers(n: usize) -> Vec<Value> {
    (0..n).map(|i| json!({"uid": format!("c{i}@example.com"), "email": format!("c{i}@example.com"), "first_name": format!("N{i}"), "last_name": format!("L{i}"), "points": 0})).collect()
}

/// The day's files: the customers (half of them new to WoowUp), then `invoices` purchases.
fn day(known: &[Value], new: usize, invoices: usize, rng: &mut Rng) -> BTreeMap<String, Vec<u8>> {
    let mut c = String::from("uid,email,first_name,last_name\n");
    for u in known {
        c.push_str(&format!("{},{},{},{}\n", u["uid"].as_str().unwrap(), u["email"].as_str().unwrap(), u["first_name"].as_str().unwrap(), u["last_name"].as_str().unwrap()));
    }
    for i in 0..new {
        c.push_str(&format!("new{i}@example.com,new{i}@example.com,New{i},Person{i}\n"));
    }
    let mut p = String::from("invoice_number,customer_email,datetime,branch,total,sku,product_name,quantity,unit_price\n");
    for i in 0..invoices {
        let who = known[rng.below(known.len() as u64) as usize]["email"].as_str().unwrap().to_string();
        for l in 0..1 + rng.below(3) {
            let price = format!("{}.{:02}", 1 + rng.below(50), rng.below(100));
            if l == 0 {
                p.push_str(&format!("F-{i:05},{who},2019-03-11 10:00:00,Palermo,,SKU-{l},Item {i},{},{price}\n", 1 + rng.below(3)));
            } else {
                p.push_str(&format!("F-{i:05},,,,,SKU-{l},\"Cake \"\"deluxe\"\", {i}\",{},{price}\n", 1 + rng.below(3)));
            }
        }
    }
    BTreeMap::from([("customers-2019_03_11.csv".to_string(), c.into_bytes()), ("purchases-2019_03_11.csv".to_string(), p.into_bytes())])
}

fn facts(files: &BTreeMap<String, Vec<u8>>) -> Vec<FileFacts> {
    files
        .iter()
        .map(|(name, bytes)| FileFacts {
            name: name.clone(),
            size: bytes.len() as u64,
            mtime: String::new(),
            // Any stable digest of the bytes: the journal compares it as text.
            sha256: format!("{:x}-{}", bytes.iter().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b))), bytes.len()),
            rows: String::from_utf8_lossy(bytes).lines().count() as u64 - 1,
        })
        .collect()
}

/// The emulator over HTTP, a journal in memory, and a kill after `budget` steps.
struct Sim<'a> {
    emu: &'a Emulator,
    /// The emulator's API v3 clock: sleeping moves it, nobody waits.
    clock_ms: u64,
    files: &'a BTreeMap<String, Vec<u8>>,
    journal: Vec<u8>,
    durable: usize,
    budget: u64,
    crash: bool,
    /// Dies at the log's request: `Some(true)` once it was sent (its answer lost), `Some(false)`
    /// just before.
    kill_at_log: Option<bool>,
    rng: &'a mut Rng,
}

fn is_log(request: &Request) -> bool {
    request.url.ends_with("/v1/log") || request.url.ends_with("/integration-stats")
}

fn killed() -> io::Error {
    io::Error::other("killed")
}

impl Sim<'_> {
    /// Counts one step; `false` when this is where the run dies.
    fn step(&mut self) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        true
    }

    /// What a kill leaves of the journal.
    fn die(&mut self) {
        if self.crash {
            let keep = self.durable + self.rng.below((self.journal.len() - self.durable) as u64 + 1) as usize;
            self.journal.truncate(keep);
        }
    }
}

impl Io for Sim<'_> {
    fn send(&mut self, request: &Request) -> io::Result<Answer> {
        if let Some(sent) = self.kill_at_log.filter(|_| is_log(request)) {
            if sent {
                let _ = send(request);
            }
            self.die();
            return Err(killed());
        }
        if !self.step() {
            // Dead before sending, or after: then the request landed and its answer is lost.
            if self.rng.below(2) == 0 {
                let _ = send(request);
            }
            self.die();
            return Err(killed());
        }
        Ok(send(request))
    }

    fn sleep(&mut self, ms: u64) -> io::Result<()> {
        self.clock_ms += ms;
        self.emu.control("woowup-v3", &format!(r#"{{"advance_ms": {ms}}}"#));
        Ok(())
    }

    fn append(&mut self, line: &str, durable: bool) -> io::Result<()> {
        if !self.step() {
            // Dead in the middle of the write.
            let part = self.rng.below(line.len() as u64 + 1) as usize;
            self.journal.extend_from_slice(&line.as_bytes()[..part]);
            self.die();
            return Err(killed());
        }
        self.journal.extend_from_slice(line.as_bytes());
        self.journal.push(b'\n');
        if durable {
            self.durable = self.journal.len();
        }
        Ok(())
    }

    fn failure(&mut self, line: &str) -> io::Result<()> {
        eprintln!("failure: {line}");
        Ok(())
    }

    fn open(&mut self, name: &str) -> io::Result<Box<dyn Read>> {
        Ok(Box::new(io::Cursor::new(self.files.get(name).cloned().unwrap_or_default())))
    }

    fn now_ms(&self) -> u64 {
        self.clock_ms
    }
}

fn send(request: &Request) -> Answer {
    let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let (status, headers, body) = exchange(&request.url, request.method.as_str(), &headers, request.body.as_deref().unwrap_or(""));
    let mut response = Response::new(status, body);
    for (name, value) in &headers {
        response = response.with_header(name, value);
    }
    Answer::Response(response)
}

/// Runs the day to its end, killed `kills` times on the way (the first run also at its log,
/// when `kill_at_log`); returns how many runs it took and what became of the log.
fn run_to_the_end(emu: &Emulator, settings: &Settings, files: &BTreeMap<String, Vec<u8>>, kills: usize, kill_at_log: Option<bool>, rng: &mut Rng) -> (usize, LogState) {
    let mut clock_ms = T0;
    emu.control("woowup-v3", &format!(r#"{{"clock_ms": {T0}}}"#));
    let mut journal: Vec<u8> = Vec::new();
    let mut durable = 0;
    for attempt in 1.. {
        assert!(attempt < kills + 20, "the run does not end");
        let mut run = Run::new(settings.clone(), facts(files)).unwrap();
        if journal.is_empty() {
            journal = format!("{}\n", run.header("start")).into_bytes();
            durable = journal.len();
        } else {
            // The driver's part of reading a journal back: a cut last line is dropped.
            let complete = journal.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let size = journal.len() as u64;
            let text = String::from_utf8_lossy(&journal[..complete]).into_owned();
            let resumed = run.resume(&text, size, Some(durable as u64)).unwrap();
            if resumed.posted.is_some() {
                return (attempt, LogState::Posted);
            }
            journal.truncate(complete);
            journal.extend_from_slice(format!("{}\n", run.resumed("again")).as_bytes());
            durable = journal.len();
        }
        let budget = if attempt <= kills { 1 + rng.below(120) } else { u64::MAX };
        let crash = rng.below(2) == 0;
        let kill_at_log = kill_at_log.filter(|_| attempt == 1);
        let mut sim = Sim { emu, clock_ms, files, journal: std::mem::take(&mut journal), durable, budget, crash, kill_at_log, rng };
        let result = drive(&mut run, &mut sim, &DriveOptions { log: true, processing_time: DAY.into(), per_minute: Some(140) });
        clock_ms = sim.clock_ms + 60_000; // the next run starts a minute later
        emu.control("woowup-v3", "{\"advance_ms\": 60000}");
        journal = sim.journal;
        durable = sim.durable;
        match result {
            Ok(summary) => {
                assert!(summary.stopped.is_none(), "{:?}", summary.stopped);
                assert_eq!(summary.totals.failed(), 0, "{:?}", summary.totals);
                let log = summary.log.expect("the log is sent");
                assert!(matches!(log, LogState::Posted | LogState::InDoubt(_)), "{log:?}");
                return (attempt, log);
            }
            Err(e) => assert_eq!(e.to_string(), "killed"),
        }
    }
    unreachable!()
}

/// The emulator, with one WoowUp account that knows `known`.
fn emulator(known: &[Value]) -> Emulator {
    let emu = Emulator::start();
    let config = json!({"woowup": {"apps": [{"app_id": APP_ID, "api_key": KEY, "contest_sale_points": 5, "branches": ["Palermo"], "connected_services": [], "users": known}]}});
    emu.control("config", &config.to_string());
    emu
}

fn seed() -> u64 {
    let seed = std::env::var("BATCH_RUN_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1
    });
    eprintln!("BATCH_RUN_SEED={seed}");
    seed
}

#[test]
fn api_v2_killed_at_random_points_sends_every_sale_once() {
    let known = customers(40);
    let emu = emulator(&known);
    let mut rng = Rng(seed());
    let files = day(&known, 20, 150, &mut rng);
    let values = BTreeMap::from([
        ("appId".to_string(), APP_ID.to_string()),
        ("apiKey".to_string(), KEY.to_string()),
        ("baseUrl".to_string(), format!("{}/apiv2", emu.url)),
        ("apiUrl".to_string(), emu.url.clone()),
        ("connectorsUrl".to_string(), emu.url.clone()),
    ]);
    let settings = Settings::from_values("v2", &values).unwrap();
    let (runs, log) = run_to_the_end(&emu, &settings, &files, 8, None, &mut rng);

    let state = emu.state();
    let woowup = &state["woowup"];
    let invoices = woowup["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 150, "every purchase recorded");
    assert!(invoices.iter().all(|i| i["deliveries"] == 1), "none delivered twice");
    let sales = woowup["requests"].as_array().unwrap().iter().filter(|q| q["path"].as_str().unwrap_or_default().ends_with("/add_sale_points_by_uid")).count();
    assert_eq!(sales, 150, "one add_sale_points_by_uid per invoice over {runs} runs: a sale in doubt is checked, never resent");
    let new_users = woowup["users"].as_array().unwrap().iter().filter(|u| u["email"].as_str().unwrap_or_default().starts_with("new")).count();
    assert_eq!(new_users, 20);
    let Some(record) = the_log_record(&log, state["connectors"]["logs"].as_array().unwrap()) else { return };
    let purchases = &record["stats"]["purchases"];
    assert_eq!((purchases["total_created"].as_u64(), purchases["total_failed"].as_u64()), (Some(150), Some(0)), "{purchases}");
    let customers = &record["stats"]["customers"];
    assert_eq!((customers["total_created"].as_u64(), customers["total_updated"].as_u64()), (Some(20), Some(40)), "{customers}");
}

#[test]
fn api_v3_killed_at_random_points_stores_every_purchase_once() {
    let known = customers(40);
    let emu = emulator(&known);
    let mut rng = Rng(seed() ^ 0x5eed);
    let files = day(&known, 20, 150, &mut rng);
    let values = BTreeMap::from([("apiKey".to_string(), KEY.to_string()), ("baseUrl".to_string(), format!("{}/apiv3", emu.url))]);
    let settings = Settings::from_values("v3", &values).unwrap();
    let (_, log) = run_to_the_end(&emu, &settings, &files, 8, None, &mut rng);
    let state = emu.state();
    let account = &state["woowup_v3"]["accounts"][APP_ID];
    assert_purchases_once(account, 150);
    let Some(record) = the_log_record(&log, account["integration_stats"].as_array().unwrap()) else { return };
    let p = &record["purchases"];
    assert_eq!((p["created"].as_u64(), p["updated"].as_u64(), p["failed"].as_array().map(Vec::len)), (Some(150), Some(0), Some(0)), "{p}");
    let c = &record["customers"];
    assert_eq!((c["created"].as_u64(), c["updated"].as_u64()), (Some(60), Some(0)), "API v3 starts with no customers: {c}");
    assert_eq!(account["customers"].as_array().map(Vec::len), Some(60), "each customer once");
}

/// The day's log record (v2's connectors log, v3's integration stats): exactly one when the run
/// says it was posted; in doubt, none (killed before it went out) or one, never two.
fn the_log_record<'a>(log: &LogState, records: &'a [Value]) -> Option<&'a Value> {
    match (log, records) {
        (LogState::Posted | LogState::InDoubt(_), [one]) => Some(one),
        (LogState::InDoubt(_), []) => None,
        _ => panic!("the log {log:?}, and {} records of it", records.len()),
    }
}

fn assert_purchases_once(account: &Value, n: usize) {
    let purchases = account["purchases"].as_array().unwrap();
    assert_eq!(purchases.len(), n, "every purchase stored");
    let mut numbers: Vec<&str> = purchases.iter().map(|p| p["invoice_number"].as_str().unwrap_or_default()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), n, "each once");
}

/// A run killed at its log, before or after the request left: the resumed run does not send it
/// again (the day is never logged twice) and says the log is in doubt.
#[test]
fn a_log_a_kill_left_in_doubt_is_never_sent_again() {
    for sent in [false, true] {
        let known = customers(4);
        let emu = emulator(&known);
        let mut rng = Rng(seed());
        let files = day(&known, 2, 5, &mut rng);
        let values = BTreeMap::from([("apiKey".to_string(), KEY.to_string()), ("baseUrl".to_string(), format!("{}/apiv3", emu.url))]);
        let settings = Settings::from_values("v3", &values).unwrap();
        let (runs, log) = run_to_the_end(&emu, &settings, &files, 0, Some(sent), &mut rng);
        assert_eq!(runs, 2, "killed once, at the log");
        assert!(matches!(&log, LogState::InDoubt(why) if why.contains("not sent again")), "{log:?}");
        let state = emu.state();
        let account = &state["woowup_v3"]["accounts"][APP_ID];
        assert_purchases_once(account, 5);
        let records = account["integration_stats"].as_array().map_or(0, Vec::len);
        assert_eq!(records, usize::from(sent), "sent by the killed run only");
    }
}
