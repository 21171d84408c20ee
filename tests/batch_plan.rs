//! The sample day through the planner against a fake WoowUp (answers written as WoowUp's API v2
//! reference shows them), then the log payload through the page's JSON schema; the journal,
//! resume and dry-run lines.

use loyalty_connector::batch::csv::CsvOptions;
use loyalty_connector::batch::dry_run::v2_lines;
use loyalty_connector::batch::journal::{Header, KIND, VERSION};
use loyalty_connector::batch::{order_files, Job, JobNext, Journal, JournalLine, Mapping, Plan, PlanOptions, Planner, Work};
use loyalty_connector::http::{Method, Request};
use loyalty_connector::woowup::connectors::{log_request, ConnectorsConfig, Entity, Outcome, StatsCollector};
use loyalty_connector::woowup::{Client, Decimal, UnknownCustomer};
use serde_json::Value as Json;
use std::collections::HashSet;
use std::io::BufReader;
use std::path::Path;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/batch");
const SCHEMA: &str = include_str!("data/woowup-connectors-log.schema.json");
const DAY: [&str; 4] = ["purchases-2019_03_11.csv", "branches-2019_03_11.csv", "customers-2019_03_11.csv", "products-2019_03_11.csv"];

fn endpoint(r: &Request) -> &str {
    let path = r.url.split('?').next().unwrap_or_default();
    path.rsplit('/').next().unwrap_or_default()
}

/// A fake WoowUp: ana, carla and the uid 30111222 are known; zoe is not; invoice A-1002 is a
/// duplicate; SK-1 is a new product.
fn woowup(r: &Request) -> (u16, String) {
    let url = &r.url;
    let body = r.body.as_deref().unwrap_or_default();
    let user = |uid: &str| format!(r#"{{"status":true,"data":{{"user":{{"service_uid":"{uid}","userapp_id":"17","email":"x@example.com"}}}}}}"#);
    let not_found = r#"{"status":false,"message":"User not found"}"#.to_string();
    match endpoint(r) {
        "user_by_email" if url.contains("ana%40example.com") || url.contains("carla%40example.com") => (200, user("uid-1")),
        "user_by_uid" if url.contains("30111222") => (200, user("30111222")),
        "user_by_email" | "user_by_uid" => (200, not_found),
        "initialize_user" => (200, r#"{"status":true,"data":{"user":{"service_uid":"new-1","email":"x"},"user_app":{},"points":0}}"#.into()),
        "add_sale_points_by_uid" if body.contains("nrofactura=A-1002") => (200, r#"{"status":false,"message":"Duplicated invoice"}"#.into()),
        "add_sale_points_by_uid" => (200, r#"{"status":true,"data":{"transaction_id":"2424"}}"#.into()),
        "save_product" if url.contains("code=SK-1") => (200, r#"{"status":true,"message":"product created"}"#.into()),
        "save_product" => (200, r#"{"status":true,"message":"product updated"}"#.into()),
        other => panic!("unexpected request {other}: {r:?}"),
    }
}

fn planner() -> Planner {
    let client = Client::new("13", "api-key-123").unwrap();
    let mut options = PlanOptions::new(Decimal::parse("5", "sale_points").unwrap());
    options.known_branches = Some(HashSet::from(["Palermo".to_string()]));
    Planner::new(&client, options).unwrap()
}

fn works(planner: &Planner, name: &str) -> Vec<Work> {
    let file = std::fs::File::open(Path::new(SAMPLES).join(name)).unwrap();
    planner.jobs(BufReader::new(file), name, &Mapping::default(), CsvOptions::default()).unwrap().collect()
}

fn drive(job: &mut Job, sent: &mut Vec<Request>) -> Outcome {
    let mut next = job.next();
    while let JobNext::Send(request) = next {
        let (status, body) = woowup(&request);
        sent.push(request);
        next = job.feed(status, &body);
    }
    match next {
        JobNext::Done(o) => o,
        JobNext::Send(_) => unreachable!(),
    }
}

fn header() -> String {
    JournalLine::Header(Header { journal: KIND.into(), version: VERSION, started: String::new(), api: None, app_id: None, base_url: None, files: vec![] }).to_json()
}

#[test]
fn the_sample_day_end_to_end() {
    let planner = planner();
    let files = order_files(&DAY).unwrap();
    let order: Vec<Entity> = files.iter().map(|(e, _)| *e).collect();
    assert_eq!(order, [Entity::Customers, Entity::Products, Entity::Branches, Entity::Purchases]);

    let mut stats = StatsCollector::new();
    let mut sent = Vec::new();
    let mut outcomes = Vec::new();
    let mut journal = String::new();
    for (entity, name) in &files {
        stats.add_file(*entity, name);
        for work in works(&planner, name) {
            match work {
                Work::Job(mut job) => {
                    let o = drive(&mut job, &mut sent);
                    job.record(&mut stats).unwrap();
                    outcomes.push((job.row.key.clone(), o, job.ending().reason().map(str::to_string)));
                    journal.push_str(&job.journal_entry().unwrap().to_json());
                    journal.push('\n');
                }
                Work::FileError(e) => panic!("{e}"),
            }
        }
    }
    let find = |k: &str| outcomes.iter().filter(|(key, ..)| key == k).map(|(_, o, r)| (*o, r.clone())).collect::<Vec<_>>();
    assert_eq!(find("ana@example.com")[0].0, Outcome::Updated);
    assert_eq!(find("30111222")[0].0, Outcome::Updated);
    assert_eq!(find("dan@example.com")[0], (Outcome::Failed, Some("unknown to WoowUp, and first_name and last_name are both needed to add a customer".into())));
    assert_eq!(find("SK-1")[0].0, Outcome::Created);
    assert_eq!(find("SK-2")[0].0, Outcome::Updated);
    assert_eq!(find("Shopping Unicenter")[0].0, Outcome::Created, "not among the known branches");
    assert_eq!(find("Palermo")[0].0, Outcome::Updated);
    assert_eq!(find("A-1002")[0].0, Outcome::Failed);
    assert!(find("A-1002")[0].1.as_deref().unwrap().contains("Duplicated invoice"));
    assert_eq!(find("C-3001")[0], (Outcome::Failed, Some("the customer is not in the program (User not found)".into())));
    // carla is known, so B-2001 is rewarded: 63.05 at 5 points per unit, ceil(5 × floor(63.05)) = 315.
    let b2001 = sent.iter().find(|r| r.body.as_deref().unwrap_or_default().contains("nrofactura=B-2001")).unwrap();
    let body = b2001.body.as_deref().unwrap();
    assert!(body.contains("&points=315&"), "{body}");
    assert!(body.contains("factura=%5B%7B%22codigo%22%3A%22SK-1%22"), "{body}");
    assert!(body.contains("%22cantidad%22%3A0.5%2C%22precio%22%3A30.1"), "{body}");
    assert!(body.contains("branch=Palermo") && body.contains("datetime=2019-03-11+12%3A30%3A00"), "{body}");
    // Nothing is sent for rows that failed before sending, nor for branches.
    assert_eq!(sent.iter().filter(|r| endpoint(r) == "initialize_user").count(), 0, "dan lacks a last name");

    let payload = stats.payload("2019-03-12T12:30:00+00:00").unwrap();
    let request = log_request(&ConnectorsConfig::new("api-key-123"), &payload).unwrap();
    assert_eq!((request.method, request.url.as_str()), (Method::Post, "https://connectors.woowup.com/v1/log"));
    let json: Json = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    let schema: Json = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(json["stats"]["purchases"]["total_created"], 3, "A-1001, B-2001, B-2003");
    assert_eq!(json["stats"]["purchases"]["total_revenue"], 92, "21.99 + 63.05 + 6.50 = 91.54");
    assert_eq!(json["stats"]["branches"], serde_json::json!({"total_created": 1, "total_updated": 1}));

    // The journal replays to the same statistics.
    let mut replayed = StatsCollector::new();
    for (entity, name) in &files {
        replayed.add_file(*entity, name);
    }
    let resume = Journal::read(&format!("{}\n{journal}", header())).unwrap();
    for entry in resume.finished() {
        entry.replay(&mut replayed).unwrap();
    }
    let failed = outcomes.iter().filter(|(_, o, _)| *o == Outcome::Failed).count();
    assert_eq!(resume.finished().len(), outcomes.len() - failed);
    for w in works(&planner, "purchases-2019_03_11.csv") {
        if let Work::Job(mut job) = w {
            if !resume.is_finished(&job.row.file, job.row.line, &job.row.key) {
                drive(&mut job, &mut Vec::new());
                job.record(&mut replayed).unwrap();
            }
        }
    }
    for (entity, name) in &files[..3] {
        for w in works(&planner, name) {
            if let Work::Job(mut job) = w {
                if !resume.is_finished(&job.row.file, job.row.line, &job.row.key) {
                    drive(&mut job, &mut Vec::new());
                    job.record(&mut replayed).unwrap();
                }
            }
        }
        let _ = entity;
    }
    assert_eq!(replayed.payload_json("2019-03-12T12:30:00Z").unwrap(), stats.payload_json("2019-03-12T12:30:00Z").unwrap());
}

#[test]
fn initializing_unknown_customers_of_purchases() {
    let client = Client::new("13", "k").unwrap();
    let mut options = PlanOptions::new(Decimal::parse("1.5", "sale_points").unwrap());
    options.unknown_customer = UnknownCustomer::Initialize;
    let planner = Planner::new(&client, options).unwrap();
    let csv = "invoice_number,customer_email,customer_first_name,customer_last_name,total\nZ-1,zoe@example.com,Zoe,Zed,10.99\n";
    let mut works: Vec<Work> = planner.jobs(csv.as_bytes(), "purchases-2019_03_11.csv", &Mapping::default(), CsvOptions::default()).unwrap().collect();
    let Work::Job(job) = &mut works[0] else { panic!() };
    let mut sent = Vec::new();
    assert_eq!(drive(job, &mut sent), Outcome::Created);
    let steps: Vec<&str> = sent.iter().map(endpoint).collect();
    assert_eq!(steps, ["user_by_email", "initialize_user", "add_sale_points_by_uid"]);
    assert!(sent[2].body.as_deref().unwrap().contains("uid=new-1&points=15&"), "ceil(1.5 × 10) = 15: {:?}", sent[2].body);
    assert_eq!(job.ending().detail(), Some("15 points, transaction 2424"));
}

#[test]
fn dry_run_lines_redact_credentials() {
    let planner = planner();
    let works = works(&planner, "customers-2019_03_11.csv");
    let lines: Vec<String> = works
        .iter()
        .filter_map(|w| match w {
            Work::Job(job) => Some(v2_lines(job).unwrap()),
            Work::FileError(_) => None,
        })
        .collect();
    assert_eq!(lines.len(), 6);
    assert!(lines.iter().all(|l| !l.contains("api-key-123")), "{lines:?}");
    assert!(lines[0].starts_with(r#"{"file":"customers-2019_03_11.csv","line":2,"key":"ana@example.com","entity":"customers","request":{"method":"GET","url":"https:\/\/admin.woowup.com\/apiv2\/13\/user_by_email?email=ana%40example.com""#), "{}", lines[0]);
    assert!(lines[0].contains(r#"["Apikey","[redacted]"]"#), "{}", lines[0]);
    assert!(lines[4].contains(r#""outcome":"failed","reason":"email is required""#), "{}", lines[4]);
}

#[test]
fn journal_lines_round_trip_and_a_cut_last_line_is_ignored() {
    let planner = planner();
    let mut journal = String::new();
    for w in works(&planner, "purchases-2019_03_11.csv") {
        let Work::Job(mut job) = w else { continue };
        drive(&mut job, &mut Vec::new());
        let entry = job.journal_entry().unwrap();
        let line = entry.to_json();
        assert_eq!(JournalLine::parse(&line), Some(JournalLine::Row(entry)));
        journal.push_str(&line);
        journal.push('\n');
    }
    let cut = format!("{}\n{}", header(), &journal[..journal.len() - 10]);
    let resume = Journal::read(&cut).unwrap();
    assert_eq!(resume.finished().len(), 3, "A-1001, B-2001, B-2003 done; the cut last line (C-3001) is ignored");
    let broken = format!("{}\nnot json\n{journal}", header());
    assert_eq!(Journal::read(&broken).unwrap_err().field(), Some("journal[2]"));
}

#[test]
fn direct_uid_sends_one_request_per_purchase() {
    let client = Client::new("13", "k").unwrap();
    let mut options = PlanOptions::new(Decimal::parse("5", "sale_points").unwrap());
    options.direct_uid = true;
    let planner = Planner::new(&client, options).unwrap();
    let csv = "invoice_number,customer_uid,customer_email,total\nA-1,30111222,,10.50\nA-2,,ana@example.com,3\n";
    let works: Vec<Work> = planner.jobs(csv.as_bytes(), "purchases-2019_03_11.csv", &Mapping::default(), CsvOptions::default()).unwrap().collect();
    let mut sent = Vec::new();
    for w in works {
        let Work::Job(mut job) = w else { panic!() };
        assert_eq!(drive(&mut job, &mut sent), Outcome::Created);
    }
    let steps: Vec<&str> = sent.iter().map(endpoint).collect();
    assert_eq!(steps, ["add_sale_points_by_uid", "user_by_email", "add_sale_points_by_uid"], "only the purchase with a uid skips the lookup");
    assert!(sent[0].body.as_deref().unwrap().contains("uid=30111222&points=50&nrofactura=A-1"), "{:?}", sent[0].body);
}

#[test]
fn amounts_beyond_woowups_limits_fail_their_row() {
    let client = Client::new("13", "k").unwrap();
    let planner = Planner::new(&client, PlanOptions::new(Decimal::from_i64(5))).unwrap();
    let csv = "invoice_number,customer_email,sku,product_name,quantity,unit_price\n\
               A-1,ana@example.com,S,Soap,2.00,1234567890123456789\n\
               A-2,ana@example.com,S,Soap,2.00,10.50\n";
    let works: Vec<Work> = planner.jobs(csv.as_bytes(), "purchases-2019_03_11.csv", &Mapping::default(), CsvOptions::default()).unwrap().collect();
    let mut sent = Vec::new();
    let mut reasons = Vec::new();
    for w in works {
        let Work::Job(mut job) = w else { panic!() };
        let outcome = drive(&mut job, &mut sent);
        reasons.push((outcome, job.ending().reason().map(str::to_string)));
    }
    // The CSV reads 19 digits; WoowUp's numbers hold 18, as Decimal::parse says.
    assert_eq!(reasons[0].0, Outcome::Failed);
    assert_eq!(reasons[0].1.as_deref(), Some("items[0].precio: out of range: at most 18 significant digits and 18 decimals"));
    assert_eq!(reasons[1], (Outcome::Created, None));
    let body = sent.last().unwrap().body.as_deref().unwrap();
    assert!(body.contains("%22cantidad%22%3A2%2C%22precio%22%3A10.5%7D"), "{body}");
}
