//! The reader's memory stays flat as the file grows: only the set of invoice numbers seen grows
//! (a hash and a line number per invoice). Measured with a counting allocator in this test
//! binary alone.

#[path = "support/purchases_gen.rs"]
mod purchases_gen;

use loyalty_connector::batch::csv::CsvOptions;
use loyalty_connector::batch::{FileParser, FileReader, Mapping, Parsed};
use loyalty_connector::woowup::connectors::{Entity, Outcome, StatsCollector};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::BufReader;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Reads `rows` generated lines; returns (purchases, items, peak bytes above the start).
fn peak_for(rows: u64) -> (u64, u64, usize) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let parser = FileParser::new(Entity::Purchases, "purchases.csv", &Mapping::default(), CsvOptions::default()).unwrap();
    let mut stats = StatsCollector::new();
    let (mut purchases, mut items) = (0, 0);
    for item in FileReader::new(BufReader::new(purchases_gen::PurchasesGen::new(rows, 7)), parser) {
        match item {
            Parsed::Row(r, _) => {
                purchases += 1;
                items += r.tally.items;
                stats.record(&r.tally, Outcome::Created).unwrap();
            }
            other => panic!("the generated file has no bad rows: {other:?}"),
        }
    }
    (purchases, items, PEAK.load(Ordering::Relaxed) - start)
}

#[test]
fn memory_grows_only_with_the_invoice_set() {
    let (p1, i1, small) = peak_for(20_000);
    let (p2, i2, large) = peak_for(200_000);
    assert_eq!((i1, i2), (20_000, 200_000), "every line is an item of some purchase");
    // Ten times the rows: the growth is the seen-invoice set, under 64 bytes per invoice
    // (hash map growth doubles, so allow for it), never the file.
    let per_invoice = (large.saturating_sub(small)) as f64 / (p2 - p1) as f64;
    eprintln!("peaks: {small} bytes for 20,000 rows, {large} for 200,000 ({per_invoice:.1} per extra invoice)");
    assert!(per_invoice < 64.0, "{per_invoice:.1} bytes per extra invoice (peaks {small} → {large})");
    assert!(large < 8 << 20, "peak {large} bytes for 200,000 rows");
}
