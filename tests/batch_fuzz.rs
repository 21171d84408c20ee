//! No caller input panics the batch core: arbitrary bytes through every file kind (in any
//! chunking), arbitrary mappings, arbitrary server answers. And what is written with RFC 4180
//! quoting reads back unchanged.

use loyalty_connector::batch::csv::{CsvOptions, CsvParser, CsvReader};
use loyalty_connector::batch::run::Item;
use loyalty_connector::batch::{FileFacts, FileParser, FileReader, Journal, Mapping, Parsed, Run, Settings};
use std::collections::BTreeMap;
use loyalty_connector::decimal::Decimal;
use loyalty_connector::woowup::connectors::{
    read_log_response, read_logs_response, read_stats_response, strip_trailing_commas, Entity, Outcome, StatsCollector,
};
use proptest::prelude::*;

fn parse_chunked(entity: Entity, bytes: &[u8], mapping: &Mapping, chunk: usize) -> Vec<Parsed> {
    let limits = CsvOptions { max_record_bytes: 256, max_fields: 16, ..CsvOptions::default() };
    let mut p = FileParser::new(entity, "f.csv", mapping, limits).unwrap();
    let mut out = Vec::new();
    for c in bytes.chunks(chunk.max(1)) {
        p.feed(c);
        out.extend(std::iter::from_fn(|| p.next_item()));
    }
    p.finish();
    out.extend(std::iter::from_fn(|| p.next_item()));
    out
}

/// Bytes that look like CSV often enough to reach deep states.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"invoice_number,customer_email,total,sku,product_name,quantity,unit_price\n".to_vec()),
        Just(b"email,uid,branch\n".to_vec()),
        Just(b"code,name,cost\n".to_vec()),
        Just(b"name\n".to_vec()),
        Just(b"F1,a@b.c,10,S,P,1,2.5\n".to_vec()),
        Just(b"F2,a@b.c,,S,P,-1,x\n".to_vec()),
        Just(b"99999999999999999999999999.999999999".to_vec()),
        "[a-zA-Z0-9@. ]{0,8}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// A decimal of any size and scale: read by either parser, then maybe multiplied and summed
/// (up to 38 decimals and 38 digits).
fn decimal() -> impl Strategy<Value = Decimal> {
    let read = prop_oneof![
        "-?[0-9]{1,28}(\\.[0-9]{0,9})?".prop_filter_map("too many digits", |t| Decimal::parse_with_separator(&t, '.')),
        "-?[0-9]{1,9}(\\.[0-9]{1,9})?(e-?[0-9]{1,2})?".prop_filter_map("out of range", |t| Decimal::parse(&t, "x").ok()),
    ];
    (read.clone(), read.clone(), read, 0..4u8).prop_map(|(a, b, c, how)| match how {
        0 => a,
        1 => a.checked_mul_normalized(b).unwrap_or(a),
        2 => a.checked_mul_normalized(b).and_then(|p| p.checked_mul_normalized(c)).unwrap_or(b),
        _ => a.checked_mul(b).and_then(|p| p.checked_add(c)).unwrap_or(c),
    })
}

/// Journal-like lines: the real kinds with hostile values, and noise.
fn journal_line() -> impl Strategy<Value = String> {
    let text = r#"[a-zA-Z0-9 "\\{}:,.-]{0,12}"#;
    prop_oneof![
        (text, 0u64..5, text).prop_map(|(f, l, k)| format!(r#"{{"sending":"POST /purchases","file":{f:?},"line":{l},"key":{k:?}}}"#)),
        (0u64..5, text, text).prop_map(|(l, o, r)| format!(r#"{{"file":"purchases-2019_03_11.csv","line":{l},"key":"F-1","entity":"purchases","outcome":{o:?},"revenue":{r:?}}}"#)),
        Just(r#"{"file":"purchases-2019_03_11.csv","line":2,"key":"F-1","entity":"purchases","outcome":"created","revenue":"3"}"#.to_string()),
        Just(r#"{"sending":"add_sale_points_by_uid","file":"purchases-2019_03_11.csv","line":2,"key":"F-1"}"#.to_string()),
        text.prop_map(|t| format!(r#"{{"end":{t:?},"log":"posted","requests":-1}}"#)),
        ".{0,40}",
    ]
}

fn entity() -> impl Strategy<Value = Entity> {
    prop_oneof![Just(Entity::Customers), Just(Entity::Purchases), Just(Entity::Products), Just(Entity::Branches)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_and_chunking_never_matters(bytes in csvish(), e in entity(), chunk in 1usize..17) {
        let whole = parse_chunked(e, &bytes, &Mapping::default(), bytes.len().max(1));
        let chunked = parse_chunked(e, &bytes, &Mapping::default(), chunk);
        prop_assert_eq!(&whole, &chunked);
        // Whatever came out can be counted and written as a payload.
        let mut stats = StatsCollector::new();
        stats.add_file(e, "f.csv");
        for item in &whole {
            match item {
                Parsed::Row(r, _) => stats.record(&r.tally, Outcome::Created).unwrap(),
                Parsed::Invalid(t, err) => stats.record_failure(t, err.clone()).unwrap(),
                Parsed::FileError(err) => stats.keep_error(err.clone()),
            }
        }
        prop_assert!(stats.payload_json("2019-03-12T12:30:00Z").is_ok());
    }

    #[test]
    fn raw_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), e in entity(), chunk in 1usize..9) {
        let m = Mapping { delimiter: Some(";".into()), decimal_separator: Some(",".into()), ..Mapping::default() };
        let _ = parse_chunked(e, &bytes, &m, chunk);
    }

    #[test]
    fn quoted_fields_round_trip(rows in proptest::collection::vec(proptest::collection::vec(".{0,12}", 1..5), 1..6), crlf in any::<bool>()) {
        let mut text = String::new();
        for row in &rows {
            let fields: Vec<String> = row.iter().map(|f| format!("\"{}\"", f.replace('"', "\"\""))).collect();
            text.push_str(&fields.join(","));
            text.push_str(if crlf { "\r\n" } else { "\n" });
        }
        let back: Vec<Vec<String>> = CsvReader::new(text.as_bytes(), CsvOptions::default())
            .map(|r| r.unwrap().fields().map(str::to_string).collect())
            .collect();
        prop_assert_eq!(back, rows);
    }

    #[test]
    fn csv_parser_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256), delim in any::<u8>()) {
        let mut p = CsvParser::new(CsvOptions { delimiter: delim, max_record_bytes: 16, max_fields: 4 });
        p.feed(&bytes);
        p.finish();
        while let Some(item) = p.next_item() {
            if let Ok(r) = item {
                prop_assert!(r.len() <= 4);
                prop_assert!(r.fields().map(str::len).sum::<usize>() <= 16);
            }
        }
    }

    #[test]
    fn mappings_and_answers_never_panic(text in ".{0,200}", status in 0u16..700) {
        let _ = Mapping::from_json(&text);
        let _ = strip_trailing_commas(&text);
        let _ = read_log_response(status, &text);
        let _ = read_logs_response(status, &text);
        let _ = read_stats_response(status, &text);
        let _ = Decimal::parse_with_separator(&text, '.');
        let _ = Decimal::parse_with_separator(&text, ',');
    }

    #[test]
    fn json_like_answers_never_panic(text in r#"[\[\]{}",:0-9a-z_ .-]{0,120}"#, status in prop_oneof![Just(200u16), Just(201), Just(429)]) {
        let _ = read_logs_response(status, &text);
        let _ = read_stats_response(status, &text);
        let _ = read_log_response(status, &text);
    }

    /// A journal is outside input (a file anyone may have edited): whatever its lines, reading it
    /// and resuming from it end in an answer or a `LoyaltyError`, never a panic, and a resumed
    /// run's rows then start (or are skipped) without one.
    #[test]
    fn journals_never_panic(lines in proptest::collection::vec(journal_line(), 0..8), cut in 0usize..40) {
        let header = r#"{"journal":"loyalty-connector batch","version":1,"files":[{"name":"purchases-2019_03_11.csv","size":3,"sha256":"ab"}]}"#;
        let mut text = format!("{header}\n{}", lines.join("\n"));
        let mut keep = text.len().saturating_sub(cut);
        while !text.is_char_boundary(keep) {
            keep -= 1;
        }
        text.truncate(keep);
        let _ = Journal::read(&text);
        let values = BTreeMap::from([("apiKey".to_string(), "k".to_string())]);
        let files = vec![FileFacts { name: "purchases-2019_03_11.csv".into(), size: 3, mtime: String::new(), sha256: "ab".into(), rows: 1 }];
        let mut run = Run::new(Settings::from_values("v3", &values).unwrap(), files).unwrap();
        if run.resume(&text, text.len() as u64, None).is_ok() {
            let mut rows = run.open("purchases-2019_03_11.csv").unwrap();
            rows.feed(b"invoice_number,customer_email,total\nF-1,a@b.co,3\n");
            rows.finish();
            while let Some(Item::Row(job)) = rows.next() {
                let _ = run.start(job);
            }
        }
    }

    #[test]
    fn decimal_sums_are_exact(cents in proptest::collection::vec(-1_000_000_000i64..1_000_000_000, 0..200)) {
        let mut sum = Decimal::ZERO;
        for c in &cents {
            let text = format!("{}{}.{:02}", if *c < 0 { "-" } else { "" }, c.abs() / 100, c.abs() % 100);
            sum = sum.checked_add(Decimal::parse_with_separator(&text, '.').unwrap()).unwrap();
        }
        let total: i64 = cents.iter().sum();
        prop_assert_eq!(sum, Decimal::parse_with_separator(&format!("{}{}.{:02}", if total < 0 { "-" } else { "" }, total.abs() / 100, total.abs() % 100), '.').unwrap());
        // Rounding halves away from zero, as the log's integers are documented.
        let expect = (total.abs() + 50) / 100 * total.signum();
        prop_assert_eq!(sum.round().to_i64(), Some(expect));
    }

    #[test]
    fn decimal_operations_never_panic_and_agree(a in decimal(), b in decimal()) {
        use std::hash::{BuildHasher, RandomState};
        let _ = (a.checked_mul(b), a.checked_mul_normalized(b), a.to_php_number("x"), a.check_limits("x"), a.is_integer());
        prop_assert!(a.floor() <= a && a <= a.ceil() && a.floor() <= a.round() && a.round() <= a.ceil());
        prop_assert!(a.ceil().checked_sub(a.floor()).is_some_and(|d| d <= Decimal::from_i64(1)));
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a == b, a.normalized().to_string() == b.normalized().to_string());
        let hasher = RandomState::new();
        prop_assert_eq!(hasher.hash_one(a), hasher.hash_one(a.normalized()));
        if let Some(sum) = a.checked_add(b) {
            prop_assert_eq!(sum.checked_sub(b), Some(a));
        }
        // Rounding to floats is monotonic: where the floats differ, so do the decimals.
        if a.to_f64() < b.to_f64() {
            prop_assert!(a < b);
        }
    }
}

#[test]
fn a_truncated_file_is_one_failed_row() {
    // The last record cut in the middle of a quoted field.
    let text = b"invoice_number,customer_email,sku,product_name,quantity,unit_price\nF1,a@b.c,S,\"Soap, la";
    let parser = FileParser::new(Entity::Purchases, "p.csv", &Mapping::default(), CsvOptions::default()).unwrap();
    let items: Vec<_> = FileReader::new(&text[..], parser).collect();
    assert!(matches!(&items[..], [Parsed::Invalid(_, e)] if e.reason.contains("never closed")), "{items:?}");
}
