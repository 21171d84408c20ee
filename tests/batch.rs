//! The batch connector end to end over the sample exports in examples/data/batch: read the
//! files, feed outcomes to the statistics, and validate the log payload against the JSON schema
//! of WoowUp's connectors page with a real JSON-schema validator.

use loyalty_connector::batch::csv::CsvOptions;
use loyalty_connector::batch::{FileParser, FileReader, Mapping, Parsed, Row};
use loyalty_connector::woowup::connectors::{Entity, Outcome, StatsCollector};
use serde_json::Value as Json;
use std::io::BufReader;
use std::path::Path;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/batch");
const SCHEMA: &str = include_str!("data/woowup-connectors-log.schema.json");
const PAGE_EXAMPLE: &str = include_str!("data/woowup-connectors-log.example.json");

fn validator() -> jsonschema::Validator {
    let schema: Json = serde_json::from_str(SCHEMA).expect("the page's schema is JSON");
    jsonschema::validator_for(&schema).expect("the page's schema compiles")
}

fn schema_errors(instance: &Json) -> Vec<String> {
    validator().iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

fn read(entity: Entity, name: &str, mapping: &Mapping) -> Vec<Parsed> {
    let path = Path::new(SAMPLES).join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parser = FileParser::new(entity, name, mapping, CsvOptions::default()).unwrap();
    FileReader::new(BufReader::with_capacity(16, file), parser).collect()
}

/// What a sending caller would learn from WoowUp, decided here by row key.
fn outcome(entity: Entity, key: &str) -> Outcome {
    match (entity, key) {
        (Entity::Customers, "ana@example.com") => Outcome::Updated,
        (Entity::Customers, "dan@example.com") => Outcome::Failed, // unknown, no last name to add him
        (Entity::Purchases, "A-1002") => Outcome::Failed,          // WoowUp refused it
        (Entity::Products, "SK-2") => Outcome::Updated,
        (Entity::Branches, _) => Outcome::Updated,
        _ => Outcome::Created,
    }
}

fn run(stats: &mut StatsCollector, entity: Entity, name: &str, mapping: &Mapping) -> Vec<Parsed> {
    stats.add_file(entity, name);
    let items = read(entity, name, mapping);
    for item in &items {
        match item {
            Parsed::Row(r, _) => stats.record(&r.tally, outcome(entity, &r.key)).unwrap(),
            Parsed::Invalid(tally, error) => stats.record_failure(tally, error.clone()).unwrap(),
            Parsed::FileError(error) => stats.keep_error(error.clone()),
        }
    }
    items
}

#[test]
fn sample_day_reads_as_documented() {
    let m = Mapping::default();
    let mut stats = StatsCollector::new();
    let purchases = run(&mut stats, Entity::Purchases, "purchases-2019_03_11.csv", &m);
    let rows: Vec<_> = purchases
        .iter()
        .filter_map(|p| match p {
            Parsed::Row(r, Row::Purchase(p)) => Some((r.key.as_str(), r.line, r.last_line, p.total.normalized().to_string(), p.items.len())),
            _ => None,
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("A-1001", 2, 4, "21.99".to_string(), 3),
            ("A-1002", 6, 6, "120.5".to_string(), 0),
            ("B-2001", 7, 8, "63.05".to_string(), 2),
            ("B-2003", 10, 10, "6.5".to_string(), 1),
            ("C-3001", 12, 12, "5".to_string(), 0),
        ]
    );
    let errors: Vec<_> = stats.errors().iter().map(|e| (e.line, e.key.clone().unwrap_or_default())).collect();
    assert_eq!(errors, vec![(9, "B-2002".to_string()), (11, "A-1001".to_string())]);
    assert!(stats.errors()[1].reason.contains("already appeared on line 2"));
}

#[test]
fn the_log_payload_passes_the_pages_schema() {
    let m = Mapping::default();
    let mut stats = StatsCollector::new();
    run(&mut stats, Entity::Customers, "customers-2019_03_11.csv", &m);
    run(&mut stats, Entity::Products, "products-2019_03_11.csv", &m);
    run(&mut stats, Entity::Branches, "branches-2019_03_11.csv", &m);
    run(&mut stats, Entity::Purchases, "purchases-2019_03_11.csv", &m);
    let json = stats.payload_json("2019-03-12T12:30:00+00:00").unwrap();
    let payload: Json = serde_json::from_str(&json).unwrap();
    assert_eq!(schema_errors(&payload), Vec::<String>::new(), "{json}");

    // The numbers, by hand: purchases created A-1001 21.99 (3 items, Unicenter), B-2001 63.05
    // (2, Palermo), B-2003 6.50 (1, Palermo), C-3001 5.00 (0, no branch) = 96.54 → 97;
    // A-1002 failed (Unicenter), B-2002 and the reappearing A-1001 invalid.
    let expected = concat!(
        r#"{"files":["customers-2019_03_11.csv","products-2019_03_11.csv","branches-2019_03_11.csv","purchases-2019_03_11.csv"],"#,
        r#""processingtime":"2019-03-12T12:30:00+00:00","stats":{"#,
        r#""customers":{"total_created":2,"total_updated":1,"total_failed":3,"per_branches":["#,
        r#"{"branch":"Palermo","created":1,"updated":0,"failed":2,"total_created":1,"total_updated":0,"total_failed":2},"#,
        r#"{"branch":"Shopping Unicenter","created":1,"updated":1,"failed":0,"total_created":1,"total_updated":1,"total_failed":0}]},"#,
        r#""purchases":{"total_created":4,"total_updated":0,"total_failed":3,"total_revenue":97,"total_invoice_items":6,"per_branches":["#,
        r#"{"branch":"Palermo","total_created":2,"total_updated":0,"total_failed":1,"total_revenue":70,"total_invoice_items":3},"#,
        r#"{"branch":"Shopping Unicenter","total_created":1,"total_updated":0,"total_failed":2,"total_revenue":22,"total_invoice_items":3}]},"#,
        r#""products":{"total_created":1,"total_updated":1,"total_failed":1},"#,
        r#""branches":{"total_created":0,"total_updated":2}}}"#
    );
    assert_eq!(json, expected);
    assert_eq!(stats.exact_revenue().normalized().to_string(), "96.54");
}

#[test]
fn a_mapped_file_reads_like_the_default_one() {
    let mapping = Mapping::from_json(&std::fs::read_to_string(Path::new(SAMPLES).join("mapping-example.json")).unwrap()).unwrap();
    let mut stats = StatsCollector::new();
    let items = run(&mut stats, Entity::Purchases, "purchases-mapped-2019_03_11.csv", &mapping);
    match &items[..] {
        [Parsed::Row(r, Row::Purchase(p))] => {
            assert_eq!((r.key.as_str(), p.total.to_string(), p.branch.as_deref()), ("X-1", "21.00".into(), Some("Palermo")));
        }
        other => panic!("{other:?}"),
    }
    let payload: Json = serde_json::from_str(&stats.payload_json("2019-03-12T00:00:00Z").unwrap()).unwrap();
    assert_eq!(schema_errors(&payload), Vec::<String>::new());
}

#[test]
fn an_empty_run_passes_the_schema() {
    let payload: Json = serde_json::from_str(&StatsCollector::new().payload_json("2019-03-12T00:00:00Z").unwrap()).unwrap();
    assert_eq!(schema_errors(&payload), Vec::<String>::new());
}

#[test]
fn the_pages_own_example_fails_its_schema_on_customer_branch_keys() {
    let mut example: Json = serde_json::from_str(PAGE_EXAMPLE).unwrap();
    let errors = schema_errors(&example);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().all(|e| e.contains("total_") && e.contains("/stats/customers/per_branches/0")), "{errors:?}");
    // With both key sets (what StatsCollector sends) it passes.
    let row = &mut example["stats"]["customers"]["per_branches"][0];
    for k in ["created", "updated", "failed"] {
        let v = row[k].clone();
        row[format!("total_{k}")] = v;
    }
    assert_eq!(schema_errors(&example), Vec::<String>::new());
    // And the schema does hold the other rules: processedtime instead of processingtime fails,
    // and so does a float revenue.
    let mut renamed = example.clone();
    let t = renamed.as_object_mut().unwrap().remove("processingtime").unwrap();
    renamed["processedtime"] = t;
    assert!(!schema_errors(&renamed).is_empty());
    example["stats"]["purchases"]["total_revenue"] = serde_json::json!(300000.5);
    assert!(!schema_errors(&example).is_empty());
}
