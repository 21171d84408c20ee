//! Writes a large purchases file for the batch benchmark (not committed: generate it).
//!
//! ```sh
//! cargo run --release --example gen_purchases -- /tmp/purchases-2019_03_11.csv 1000000 [seed]
//! ```
//!
//! Invoices of 1–5 consecutive lines, 50,000 customers, 8 branches (one with a comma, one with
//! a non-ASCII letter), two-decimal prices, some quoted names with `""`, CRLF line ends.

#[path = "../tests/support/purchases_gen.rs"]
mod purchases_gen;

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(rows)) = (args.next(), args.next()) else {
        eprintln!("usage: gen_purchases PATH ROWS [SEED]");
        std::process::exit(2);
    };
    let rows: u64 = rows.parse().unwrap_or_else(|_| {
        eprintln!("ROWS must be a number");
        std::process::exit(2)
    });
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_190_311);
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    let written = std::io::copy(&mut purchases_gen::PurchasesGen::new(rows, seed), &mut out)?;
    out.flush()?;
    eprintln!("{path}: {rows} rows, {written} bytes");
    Ok(())
}
