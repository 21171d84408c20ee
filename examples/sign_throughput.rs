//! The Rust core's own speed at signing Lootly webhooks, natively (no wasm, no JavaScript): the
//! baseline `make bench` compares the npm package's boundary costs against.
//!
//! ```sh
//! cargo run --release --example sign_throughput -- bench/out/orders.jsonl [iterations] [vectors.json]
//! ```
//!
//! Reads one JSON payload per line, signs each with `lootly::sign` (text in, so no conversion),
//! round after round, and prints one JSON line: `{"orders":N,"ops":M,"ns_per_op":X}` (the median
//! of 7 rounds), plus `correct` and `total` when given tests/vectors/lootly_sign.json: how many
//! of PHP's vectors it signs byte-identically (body and hmac).

use loyalty_connector::lootly::{sign, Credentials};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "bench/out/orders.jsonl".into());
    let iterations: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let text = std::fs::read_to_string(&path).expect("the orders file");
    let orders: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let creds = Credentials::new("bench-api-key", "bench-api-secret");
    let mut sink = 0usize;
    let mut rounds = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        for i in 0..iterations {
            let signed = sign(orders[i % orders.len()], &creds).expect("signs");
            sink += signed.body.len();
        }
        rounds.push(t.elapsed().as_nanos() as f64 / iterations as f64);
    }
    rounds.sort_by(|a, b| a.total_cmp(b));
    std::hint::black_box(sink);
    let vectors = args.next().map(|path| {
        let text = std::fs::read_to_string(path).expect("the vectors file");
        let file: serde_json::Value = serde_json::from_str(&text).expect("vectors JSON");
        let vectors = file["vectors"].as_array().cloned().unwrap_or_default();
        let correct = vectors
            .iter()
            .filter(|v| {
                let creds = Credentials::new(v["api_key"].as_str().unwrap_or(""), v["api_secret"].as_str().unwrap_or(""));
                sign(v["params"].as_str().unwrap_or(""), &creds)
                    .is_ok_and(|s| Some(s.body.as_str()) == v["body"].as_str() && Some(s.hmac.as_str()) == v["hmac"].as_str())
            })
            .count();
        format!(",\"correct\":{correct},\"total\":{}", vectors.len())
    });
    println!(
        "{{\"orders\":{},\"ops\":{},\"ns_per_op\":{:.1}{}}}",
        orders.len(),
        iterations * 7,
        rounds[3],
        vectors.unwrap_or_default()
    );
}
