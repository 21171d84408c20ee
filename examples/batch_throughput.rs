//! Reading and planning speed over a large purchases file (make gen-purchases first):
//!
//! ```sh
//! cargo run --release --example batch_throughput -- /tmp/purchases-2019_03_11.csv
//! ```
//!
//! Prints the time to read the file into purchases, and to read and plan every request (no
//! sending), with rows per second.

use loyalty_connector::batch::csv::CsvOptions;
use loyalty_connector::batch::{FileParser, FileReader, JobNext, Mapping, Parsed, Plan, PlanOptions, Planner, Work};
use loyalty_connector::woowup::connectors::Entity;
use loyalty_connector::woowup::{Client, Decimal};
use std::io::BufReader;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/purchases-2019_03_11.csv".into());
    let name = std::path::Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let open = || BufReader::with_capacity(64 * 1024, std::fs::File::open(&path).expect("the file"));

    let t = Instant::now();
    let parser = FileParser::new(Entity::Purchases, &name, &Mapping::default(), CsvOptions::default()).expect("parser");
    let mut reader = FileReader::new(open(), parser);
    let (mut purchases, mut bad) = (0u64, 0u64);
    for item in reader.by_ref() {
        match item {
            Parsed::Row(..) => purchases += 1,
            _ => bad += 1,
        }
    }
    let rows = reader.parser().records().saturating_sub(1);
    let read = t.elapsed();
    println!("read:  {rows} rows → {purchases} purchases ({bad} failed) in {read:.2?} ({:.0} rows/s)", rows as f64 / read.as_secs_f64());

    let t = Instant::now();
    let client = Client::new("14", "key").expect("client");
    let planner = Planner::new(&client, PlanOptions::new(Decimal::from_i64(5))).expect("planner");
    let (mut requests, mut bytes) = (0u64, 0usize);
    for work in planner.jobs(open(), &name, &Mapping::default(), CsvOptions::default()).expect("jobs") {
        if let Work::Job(job) = work {
            if let JobNext::Send(r) = job.next() {
                requests += 1;
                bytes += r.url.len() + r.body.map_or(0, |b| b.len());
            }
        }
    }
    let plan = t.elapsed();
    println!("plan:  {requests} first requests ({bytes} bytes) in {plan:.2?} ({:.0} rows/s)", rows as f64 / plan.as_secs_f64());
}
