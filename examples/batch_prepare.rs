//! `make bench`'s batch row: every request a purchases file turns into, prepared as a real run
//! would (no network): each purchase's job is driven against a fake WoowUp that knows every
//! customer, so it builds the `user_by_email` lookup and then the `add_sale_points_by_uid` form
//! (`factura` by json_encode, the form by http_build_query), the same per-purchase work as
//! bench/php/batch.php does with the guide's PHP.
//!
//! ```sh
//! cargo run --release --example batch_prepare -- /tmp/purchases-2019_03_11.csv [--show]
//! ```
//!
//! Prints one JSON line (with `--show`, also the first purchase's requests on stderr): rows, purchases, requests, bytes (URLs and bodies), seconds. Peak memory
//! is measured from outside (`/usr/bin/time`).

use loyalty_connector::batch::csv::CsvOptions;
use loyalty_connector::batch::{JobNext, Mapping, Plan, PlanOptions, Planner, Work};
use loyalty_connector::woowup::{Client, Decimal};
use std::io::BufReader;
use std::time::Instant;

const USER: &str = r#"{"status":true,"data":{"user":{"service_uid":"uid-17","userapp_id":"17","email":"x@example.com"}}}"#;
const SALE: &str = r#"{"status":true,"data":{"transaction_id":"2424"}}"#;

fn main() {
    let show = std::env::args().any(|a| a == "--show");
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/purchases-2019_03_11.csv".into());
    let name = std::path::Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let file = BufReader::with_capacity(64 * 1024, std::fs::File::open(&path).expect("the file"));
    let t = Instant::now();
    let client = Client::new("14", "api-key-123").expect("client");
    let planner = Planner::new(&client, PlanOptions::new(Decimal::from_i64(5))).expect("planner");
    let (mut purchases, mut requests, mut bytes, mut failed) = (0u64, 0u64, 0usize, 0u64);
    for work in planner.jobs(file, &name, &Mapping::default(), CsvOptions::default()).expect("jobs") {
        let Work::Job(mut job) = work else {
            failed += 1;
            continue;
        };
        purchases += 1;
        let mut next = job.next();
        while let JobNext::Send(r) = next {
            if show && purchases == 1 {
                eprintln!("{:?} {}\n{}", r.method, r.url, r.body.as_deref().unwrap_or_default());
            }
            requests += 1;
            bytes += r.url.len() + r.body.as_ref().map_or(0, |b| b.len());
            let answer = if r.url.contains("user_by_") { USER } else { SALE };
            next = job.feed(200, answer);
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "{{\"purchases\":{purchases},\"failed\":{failed},\"requests\":{requests},\"bytes\":{bytes},\"seconds\":{seconds:.3}}}"
    );
}
