//! One file of the day → typed rows, streaming: [`FileParser`] takes the bytes in chunks (as a
//! JavaScript stream delivers them), [`FileReader`] pulls them from any `BufRead`. Both yield
//! [`Parsed`] items; neither ever holds more than one record, one purchase and the set of
//! invoice numbers (or customer ids) already seen.
//!
//! Purchases: the lines of one invoice are consecutive. When the invoice number changes the
//! purchase is complete and yielded. An invoice number that reappears after other invoices is
//! **not merged** with its earlier lines (those were already yielded, perhaps already sent): its
//! new lines become one failed row naming the line where the invoice first appeared. The same
//! holds for a customer id that appears twice in the customers file. To remember what was seen,
//! the reader keeps a 64-bit hash and a line number per invoice (about 17 bytes each at rest,
//! up to ~50 while the table grows: tests/batch_memory.rs measures it); a hash collision (odds
//! about n²/2⁶⁵, ~3·10⁻⁸ for a million invoices) would report a false repeat, never merge or
//! lose data silently.
//!
//! A record that cannot be read (CSV error) is a failed row of its own. If the lines around it
//! belong to one invoice, that invoice is failed too: the unreadable line may have been one of
//! its items, and a purchase must not be sent with an item missing.

use super::csv::{pull, CsvError, CsvOptions, CsvParser, PushParser, Record};
use super::rows::{BranchRow, CustomerRow, Header, ItemRow, Mapping, ProductRow, Purchase, PurchaseLine};
use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use crate::woowup::connectors::{Entity, RowError, Tally};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::BufRead;
use std::sync::Arc;

/// The most lines one invoice may have (WoowUp's `factura` limit).
pub const MAX_INVOICE_LINES: usize = 10_000;

/// Where a row comes from and what it adds to the statistics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowRef {
    /// The file name as given to the parser.
    pub file: Arc<str>,
    /// The physical line the row starts on (1-based).
    pub line: u64,
    /// The line its last record starts on (the same as `line` except for purchases).
    pub last_line: u64,
    /// Customer uid (or email), invoice number, product code or branch name.
    pub key: String,
    pub tally: Tally,
}

impl RowRef {
    /// The row an invalid record stands for (its own line, the key it had, if any).
    pub fn of_invalid(tally: Tally, error: &RowError) -> RowRef {
        RowRef { file: error.file.as_str().into(), line: error.line, last_line: error.line, key: error.key.clone().unwrap_or_default(), tally }
    }

    /// A [`RowError`] for this row.
    pub fn error(&self, reason: impl Into<String>) -> RowError {
        RowError {
            entity: self.tally.entity,
            file: self.file.to_string(),
            line: self.line,
            key: Some(self.key.clone()),
            reason: reason.into(),
        }
    }
}

/// A row of one of the four files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    Customer(CustomerRow),
    Purchase(Purchase),
    Product(ProductRow),
    Branch(BranchRow),
}

/// What the reader yields.
// Items are produced and consumed one at a time; boxing the large variant would only add an
// allocation per row.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A row ready to be turned into requests.
    Row(RowRef, Row),
    /// A row that cannot be sent: count it as failed
    /// ([`StatsCollector::record_failure`](crate::woowup::connectors::StatsCollector::record_failure)).
    Invalid(Tally, RowError),
    /// A problem with the file itself (no header, a required column missing): keep it
    /// ([`StatsCollector::keep_error`](crate::woowup::connectors::StatsCollector::keep_error));
    /// each of the file's records is then also yielded as `Invalid`.
    FileError(RowError),
}

fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

#[derive(Debug)]
struct Group {
    invoice: String,
    first_line: u64,
    last_line: u64,
    lines: Vec<(u64, PurchaseLine)>,
    error: Option<String>,
    /// The line where this invoice number first appeared, when it is a repeat.
    reappeared: Option<u64>,
    branch_hint: Option<String>,
}

/// The push parser of one file.
#[derive(Debug)]
pub struct FileParser {
    entity: Entity,
    file: Arc<str>,
    mapping: Mapping,
    csv: CsvParser,
    header: Option<(Header, usize)>,
    header_broken: bool,
    seen: HashMap<u64, u32>,
    group: Option<Group>,
    /// An unreadable record right after the current group's last line.
    unreadable_after_group: Option<u64>,
    out: std::collections::VecDeque<Parsed>,
    records: u64,
    finished: bool,
}

impl FileParser {
    /// A parser for `file` (its name, for errors and the log's `files`) holding `entity`.
    /// `limits` gives the record size limits (the delimiter comes from the mapping).
    pub fn new(entity: Entity, file: &str, mapping: &Mapping, limits: CsvOptions) -> Result<FileParser> {
        mapping.check()?;
        let opts = CsvOptions { delimiter: mapping.delimiter_byte()?, ..limits };
        Ok(FileParser {
            entity,
            file: Arc::from(file),
            mapping: mapping.clone(),
            csv: CsvParser::new(opts),
            header: None,
            header_broken: false,
            seen: HashMap::new(),
            group: None,
            unreadable_after_group: None,
            out: Default::default(),
            records: 0,
            finished: false,
        })
    }

    pub fn entity(&self) -> Entity {
        self.entity
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// Records read so far (header included).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Reads a chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.csv.feed(chunk);
        self.drain();
    }

    /// The end of the file: the last purchase is completed.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.csv.finish();
        self.drain();
        self.finished = true;
        self.close_group();
        if self.header.is_none() && !self.header_broken {
            let e = self.file_error(1, "the file is empty: no header line".into());
            self.out.push_back(Parsed::FileError(e));
        }
    }

    /// The next item, in the order rows complete.
    pub fn next_item(&mut self) -> Option<Parsed> {
        self.out.pop_front()
    }

    fn file_error(&self, line: u64, reason: String) -> RowError {
        RowError { entity: self.entity, file: self.file.to_string(), line, key: None, reason }
    }

    fn invalid(&mut self, line: u64, key: Option<String>, branch: Option<String>, tally: Option<Tally>, reason: String) {
        let tally = tally.unwrap_or_else(|| Tally::new(self.entity, branch));
        let error = RowError { entity: self.entity, file: self.file.to_string(), line, key, reason };
        self.out.push_back(Parsed::Invalid(tally, error));
    }

    fn row_ref(&self, line: u64, last_line: u64, key: String, tally: Tally) -> RowRef {
        RowRef { file: self.file.clone(), line, last_line, key, tally }
    }

    fn drain(&mut self) {
        while let Some(item) = self.csv.next_item() {
            self.records += 1;
            match item {
                Ok(record) => self.record(record),
                Err(CsvError { line, reason }) => self.unreadable(line, reason),
            }
        }
    }

    fn unreadable(&mut self, line: u64, reason: String) {
        if self.header.is_none() && !self.header_broken {
            self.header_broken = true;
            let e = self.file_error(line, format!("the header line cannot be read: {reason}; no row of the file is read"));
            self.out.push_back(Parsed::FileError(e));
            return;
        }
        if self.group.is_some() && self.unreadable_after_group.is_none() {
            self.unreadable_after_group = Some(line);
        }
        self.invalid(line, None, None, None, reason);
    }

    fn record(&mut self, record: Record) {
        if self.header_broken {
            self.invalid(record.line, None, None, None, "not read: the file's header is unusable".into());
            return;
        }
        let Some((header, width)) = self.header.take() else {
            match Header::bind(self.entity, &record, &self.mapping) {
                Ok(h) => self.header = Some((h, record.len())),
                Err(reason) => {
                    self.header_broken = true;
                    let e = self.file_error(record.line, format!("{reason}; no row of the file is read"));
                    self.out.push_back(Parsed::FileError(e));
                }
            }
            return;
        };
        self.row(&header, width, &record);
        self.header = Some((header, width));
    }

    fn row(&mut self, header: &Header, width: usize, record: &Record) {
        let line = record.line;
        match self.entity {
            Entity::Customers => match header.customer(record, width) {
                Ok(c) => {
                    let key = c.key().to_string();
                    if let Some(first) = self.first_seen(&key, line) {
                        let reason = format!("customer {key:?} already appeared on line {first}; repeated rows are not sent");
                        self.invalid(line, Some(key), c.branch.clone(), None, reason);
                    } else {
                        let tally = Tally::new(Entity::Customers, c.branch.clone());
                        let r = self.row_ref(line, line, key, tally);
                        self.out.push_back(Parsed::Row(r, Row::Customer(c)));
                    }
                }
                Err(e) => {
                    let key = header.get(record, "uid").or(header.get(record, "email")).map(str::to_string);
                    let branch = header.get(record, "branch").map(str::to_string);
                    self.invalid(line, key, branch, None, e.to_string());
                }
            },
            Entity::Products => match header.product(record, width) {
                Ok(p) => {
                    let r = self.row_ref(line, line, p.code.clone(), Tally::new(Entity::Products, None));
                    self.out.push_back(Parsed::Row(r, Row::Product(p)));
                }
                Err(e) => {
                    let key = header.get(record, "code").map(str::to_string);
                    self.invalid(line, key, None, None, e.to_string());
                }
            },
            Entity::Branches => match header.branch(record, width) {
                Ok(b) => {
                    let r = self.row_ref(line, line, b.name.clone(), Tally::new(Entity::Branches, Some(b.name.clone())));
                    self.out.push_back(Parsed::Row(r, Row::Branch(b)));
                }
                Err(e) => self.invalid(line, None, None, None, e.to_string()),
            },
            Entity::Purchases => self.purchase_record(header, width, record),
        }
    }

    /// Remembers `key`; returns the line where it was first seen if it is a repeat.
    fn first_seen(&mut self, key: &str, line: u64) -> Option<u64> {
        let h = hash(key);
        match self.seen.get(&h) {
            Some(first) => Some(u64::from(*first)),
            None => {
                self.seen.insert(h, u32::try_from(line).unwrap_or(u32::MAX));
                None
            }
        }
    }

    fn purchase_record(&mut self, header: &Header, width: usize, record: &Record) {
        let line = record.line;
        let Some(invoice) = header.invoice_number(record) else {
            if self.group.is_some() && self.unreadable_after_group.is_none() {
                self.unreadable_after_group = Some(line);
            }
            let branch = header.get(record, "branch").map(str::to_string);
            self.invalid(line, None, branch, None, LoyaltyError::missing("invoice_number").to_string());
            return;
        };
        let parsed = header.purchase_line(record, width);
        let continues = self.group.as_ref().is_some_and(|g| g.invoice == invoice);
        if !continues {
            self.close_group();
            let reappeared = self.first_seen(&invoice, line);
            self.group = Some(Group {
                invoice,
                first_line: line,
                last_line: line,
                lines: Vec::new(),
                error: None,
                reappeared,
                branch_hint: None,
            });
        }
        let unreadable = self.unreadable_after_group.take();
        let Some(g) = self.group.as_mut() else { return };
        g.last_line = line;
        if g.branch_hint.is_none() {
            g.branch_hint = header.get(record, "branch").map(str::to_string);
        }
        if let (Some(bad), true) = (unreadable, continues) {
            g.error.get_or_insert(format!("line {bad}, between lines of this invoice, could not be read"));
        }
        match parsed {
            _ if g.error.is_some() || g.reappeared.is_some() => {}
            Err(e) => g.error = Some(format!("line {line}: {e}")),
            Ok(_) if g.lines.len() >= MAX_INVOICE_LINES => {
                g.error = Some(format!("more than {MAX_INVOICE_LINES} lines"));
                g.lines = Vec::new();
            }
            Ok(l) => g.lines.push((line, l)),
        }
    }

    fn close_group(&mut self) {
        self.unreadable_after_group = None;
        let Some(g) = self.group.take() else { return };
        let key = g.invoice.clone();
        let span = if g.first_line == g.last_line {
            format!("line {} is", g.first_line)
        } else {
            format!("lines {}–{} are", g.first_line, g.last_line)
        };
        if let Some(first) = g.reappeared {
            let reason = format!(
                "invoice {key:?} already appeared on line {first}, before other invoices: a purchase's lines must be \
                 consecutive; {span} not merged with it and not sent"
            );
            self.invalid(g.first_line, Some(key), g.branch_hint, None, reason);
            return;
        }
        if let Some(reason) = g.error {
            self.invalid(g.first_line, Some(key), g.branch_hint, None, reason);
            return;
        }
        match assemble(g.invoice, g.first_line, g.last_line, g.lines) {
            Ok(p) => {
                let tally = Tally {
                    entity: Entity::Purchases,
                    branch: p.branch.clone(),
                    revenue: p.total,
                    items: p.items.len() as u64,
                };
                let r = self.row_ref(p.first_line, p.last_line, key, tally);
                self.out.push_back(Parsed::Row(r, Row::Purchase(p)));
            }
            Err(reason) => self.invalid(g.first_line, Some(key), g.branch_hint, None, reason),
        }
    }
}

/// One invoice-level value across the lines: the first one given; a different one later is an
/// error.
fn merge(field: &str, acc: &mut Option<(u64, String)>, line: u64, value: Option<String>) -> std::result::Result<(), String> {
    let Some(v) = value else { return Ok(()) };
    match acc {
        None => {
            *acc = Some((line, v));
            Ok(())
        }
        Some((first, prev)) if *prev != v => Err(format!("line {line}: {field} {v:?} differs from {prev:?} on line {first}")),
        Some(_) => Ok(()),
    }
}

fn assemble(
    invoice: String,
    first_line: u64,
    last_line: u64,
    lines: Vec<(u64, PurchaseLine)>,
) -> std::result::Result<Purchase, String> {
    let mut uid = None;
    let mut email = None;
    let mut first_name = None;
    let mut last_name = None;
    let mut datetime = None;
    let mut branch = None;
    let mut total_value = None;
    let mut items: Vec<ItemRow> = Vec::with_capacity(lines.len());
    let mut sum = Decimal::ZERO;
    for (line, l) in lines {
        merge("customer_uid", &mut uid, line, l.customer_uid)?;
        merge("customer_email", &mut email, line, l.customer_email)?;
        merge("customer_first_name", &mut first_name, line, l.customer_first_name)?;
        merge("customer_last_name", &mut last_name, line, l.customer_last_name)?;
        merge("datetime", &mut datetime, line, l.datetime)?;
        merge("branch", &mut branch, line, l.branch)?;
        if let Some(t) = l.total {
            // Compared as numbers: 10.5 and 10.50 are the same total.
            match total_value {
                None => total_value = Some(t),
                Some(prev) if prev != t => {
                    return Err(format!("line {line}: total {t} differs from {prev} on an earlier line"));
                }
                Some(_) => {}
            }
        }
        if let Some(item) = l.item {
            let line_total = item.quantity.checked_mul(item.unit_price).and_then(|x| sum.checked_add(x));
            sum = line_total.ok_or_else(|| format!("line {line}: amounts too large"))?;
            items.push(item);
        }
    }
    if uid.is_none() && email.is_none() {
        return Err("no line of the invoice gives customer_uid or customer_email".into());
    }
    if items.is_empty() && total_value.is_none() {
        return Err("the invoice has no items and no total".into());
    }
    let take = |v: Option<(u64, String)>| v.map(|(_, s)| s);
    Ok(Purchase {
        invoice_number: invoice,
        customer_uid: take(uid),
        customer_email: take(email),
        customer_first_name: take(first_name),
        customer_last_name: take(last_name),
        datetime: take(datetime),
        branch: take(branch),
        total: total_value.unwrap_or(sum),
        items,
        first_line,
        last_line,
    })
}

/// Pulls [`Parsed`] items from a `BufRead`.
#[derive(Debug)]
pub struct FileReader<R> {
    reader: R,
    parser: FileParser,
    io_error: Option<std::io::Error>,
}

impl<R: BufRead> FileReader<R> {
    pub fn new(reader: R, parser: FileParser) -> Self {
        FileReader { reader, parser, io_error: None }
    }

    pub fn parser(&self) -> &FileParser {
        &self.parser
    }

    /// The I/O error that ended reading early, if one did (also yielded as a `FileError`).
    pub fn io_error(&self) -> Option<&std::io::Error> {
        self.io_error.as_ref()
    }
}

impl<R: BufRead> Iterator for FileReader<R> {
    type Item = Parsed;

    fn next(&mut self) -> Option<Parsed> {
        pull(&mut self.reader, &mut self.parser, &mut self.io_error)
    }
}

impl PushParser for FileParser {
    type Item = Parsed;

    fn feed(&mut self, chunk: &[u8]) {
        FileParser::feed(self, chunk)
    }

    fn finish(&mut self) {
        FileParser::finish(self)
    }

    fn next_item(&mut self) -> Option<Parsed> {
        FileParser::next_item(self)
    }

    fn finished(&self) -> bool {
        self.finished
    }

    fn read_failed(&mut self, error: &std::io::Error) {
        let line = self.csv.line();
        let error = self.file_error(line, format!("the file could not be read to its end: {error}"));
        self.finish();
        self.out.push_back(Parsed::FileError(error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(entity: Entity, text: &str) -> Vec<Parsed> {
        let parser = FileParser::new(entity, "f.csv", &Mapping::default(), CsvOptions::default()).unwrap();
        let all: Vec<Parsed> = FileReader::new(text.as_bytes(), parser).collect();
        for size in [1, 5] {
            let mut p = FileParser::new(entity, "f.csv", &Mapping::default(), CsvOptions::default()).unwrap();
            let mut got = Vec::new();
            for c in text.as_bytes().chunks(size) {
                p.feed(c);
                got.extend(std::iter::from_fn(|| p.next_item()));
            }
            p.finish();
            got.extend(std::iter::from_fn(|| p.next_item()));
            assert_eq!(got, all, "chunks of {size}");
        }
        all
    }

    fn purchase(p: &Parsed) -> (&RowRef, &Purchase) {
        match p {
            Parsed::Row(r, Row::Purchase(p)) => (r, p),
            other => panic!("not a purchase: {other:?}"),
        }
    }

    fn invalid(p: &Parsed) -> (&Tally, &RowError) {
        match p {
            Parsed::Invalid(t, e) => (t, e),
            other => panic!("not invalid: {other:?}"),
        }
    }

    const HEAD: &str = "invoice_number,customer_email,branch,total,sku,product_name,quantity,unit_price\n";

    #[test]
    fn consecutive_lines_make_one_purchase() {
        let text = format!(
            "{HEAD}F1,a@b.c,Centro,,S1,Soap,2,10.30\nF1,,,,S2,Towel,1,0.15\nF2,b@b.c,,99.99,,,,\nF3,c@b.c,Norte,,S1,Soap,3,0.1\n"
        );
        let items = parse(Entity::Purchases, &text);
        assert_eq!(items.len(), 3);
        let (r, p) = purchase(&items[0]);
        assert_eq!((r.line, r.last_line, r.key.as_str()), (2, 3, "F1"));
        assert_eq!(p.total.to_string(), "20.75");
        assert_eq!(p.items.len(), 2);
        assert_eq!(r.tally, Tally { entity: Entity::Purchases, branch: Some("Centro".into()), revenue: p.total, items: 2 });
        let (r, p) = purchase(&items[1]);
        assert_eq!((r.line, p.total.to_string(), p.items.len(), p.branch.clone()), (4, "99.99".into(), 0, None));
        assert_eq!(purchase(&items[2]).1.total.to_string(), "0.3");
    }

    #[test]
    fn a_reappearing_invoice_is_an_error_not_a_merge() {
        let text = format!("{HEAD}F1,a@b.c,X,,S1,Soap,1,1\nF2,a@b.c,X,,S1,Soap,1,1\nF1,a@b.c,X,,S9,Late,1,5\nF1,a@b.c,X,,S9,Late,1,5\n");
        let items = parse(Entity::Purchases, &text);
        assert_eq!(items.len(), 3);
        assert_eq!(purchase(&items[0]).1.items.len(), 1);
        let (tally, e) = invalid(&items[2]);
        assert_eq!((e.line, e.key.as_deref(), tally.branch.as_deref()), (4, Some("F1"), Some("X")));
        assert!(e.reason.contains("already appeared on line 2") && e.reason.contains("lines 4–5"), "{}", e.reason);
    }

    #[test]
    fn inconsistent_or_broken_invoices_fail_whole() {
        let text = format!(
            "{HEAD}F1,a@b.c,X,,S1,Soap,1,1\nF1,a@b.c,Y,,S1,Soap,1,1\n\
             F2,a@b.c,,10,S1,Soap,1,1\nF2,,,10.0,S1,Soap,1,1\n\
             F3,a@b.c,,,S1,Soap,1,1\n\"bad\"x,,,,,,,\nF3,a@b.c,,,S1,Soap,1,1\n\
             F4,a@b.c,,,S1,Soap,-1,1\nF4,a@b.c,,,S1,Soap,1,1\n\
             F5,,,,S1,Soap,1,1\n\
             ,a@b.c,,,S1,Soap,1,1\n"
        );
        let items = parse(Entity::Purchases, &text);
        let (_, e) = invalid(&items[0]);
        assert!(e.reason.contains("branch \"Y\" differs from \"X\" on line 2"), "{}", e.reason);
        assert_eq!(purchase(&items[1]).1.total.to_string(), "10", "10 and 10.0 are one total");
        let (_, e) = invalid(&items[2]);
        assert_eq!(e.line, 7, "the unreadable record is its own failed row");
        let (_, e) = invalid(&items[3]);
        assert_eq!((e.key.as_deref(), e.line), (Some("F3"), 6));
        assert!(e.reason.contains("line 7, between lines of this invoice"), "{}", e.reason);
        let (_, e) = invalid(&items[4]);
        assert!(e.reason.starts_with("line 9: quantity"), "{}", e.reason);
        // A line without an invoice number fails at once; F5 completes at the end of the file.
        let (_, e) = invalid(&items[5]);
        assert_eq!((e.line, e.key.as_deref()), (12, None));
        let (_, e) = invalid(&items[6]);
        assert!(e.reason.contains("customer_uid or customer_email"), "{}", e.reason);
        assert_eq!(items.len(), 7);
    }

    #[test]
    fn header_problems_fail_every_row() {
        let items = parse(Entity::Customers, "mail,uid\na@b.c,1\nb@b.c,2\n");
        assert!(matches!(&items[0], Parsed::FileError(e) if e.line == 1 && e.reason.contains("\"email\"")));
        assert_eq!(items.iter().filter(|i| matches!(i, Parsed::Invalid(..))).count(), 2);
        let items = parse(Entity::Products, "");
        assert!(matches!(&items[..], [Parsed::FileError(e)] if e.reason.contains("empty")));
        let items = parse(Entity::Branches, "\u{feff}name\r\n\r\n");
        assert!(items.is_empty());
    }

    #[test]
    fn customers_products_branches() {
        let items = parse(Entity::Customers, "email,uid,branch\na@b.c,,X\nb@b.c,7,\nc@b.c,7,Y\n,8,Z\n");
        assert!(matches!(&items[0], Parsed::Row(r, Row::Customer(_)) if r.key == "a@b.c" && r.tally.branch.as_deref() == Some("X")));
        assert!(matches!(&items[1], Parsed::Row(r, _) if r.key == "7" && r.tally.branch.is_none()));
        let (t, e) = invalid(&items[2]);
        assert!(e.reason.contains("already appeared on line 3") && t.branch.as_deref() == Some("Y"));
        let (t, e) = invalid(&items[3]);
        assert_eq!((e.key.as_deref(), t.branch.as_deref(), e.reason.as_str()), (Some("8"), Some("Z"), "email is required"));

        let items = parse(Entity::Products, "code,name,cost\nP1,Soap,1.5\nP2,,\nP3,X,abc\n");
        assert!(matches!(&items[0], Parsed::Row(r, Row::Product(p)) if r.key == "P1" && p.cost.unwrap().to_string() == "1.5"));
        assert_eq!(invalid(&items[1]).1.key.as_deref(), Some("P2"));
        assert!(invalid(&items[2]).1.reason.contains("not a decimal"));

        let items = parse(Entity::Branches, "name\nCentro\n\"Norte, 2\"\n");
        assert!(matches!(&items[1], Parsed::Row(r, Row::Branch(b)) if b.name == "Norte, 2" && r.tally.branch.as_deref() == Some("Norte, 2")));
    }

    #[test]
    fn too_many_lines_in_one_invoice() {
        let mut text = String::from(HEAD);
        for _ in 0..=MAX_INVOICE_LINES {
            text.push_str("F1,a@b.c,,,S1,Soap,1,1\n");
        }
        let parser = FileParser::new(Entity::Purchases, "f.csv", &Mapping::default(), CsvOptions::default()).unwrap();
        let items: Vec<_> = FileReader::new(text.as_bytes(), parser).collect();
        assert_eq!(items.len(), 1);
        assert!(invalid(&items[0]).1.reason.contains("more than 10000 lines"));
    }

    #[test]
    fn a_read_error_ends_the_file_and_is_reported() {
        let text = format!("{HEAD}F1,a@b.c,X,,S1,Soap,1,1\nF1,a@b.c,X,,S2,Towel,1,1");
        let input = std::io::BufReader::new(std::io::Read::chain(text.as_bytes(), crate::batch::csv::tests::Broken(false)));
        let parser = FileParser::new(Entity::Purchases, "f.csv", &Mapping::default(), CsvOptions::default()).unwrap();
        let mut reader = FileReader::new(input, parser);
        let items: Vec<Parsed> = reader.by_ref().collect();
        assert_eq!(items.len(), 2, "{items:?}");
        let (r, p) = purchase(&items[0]);
        assert_eq!((r.line, r.last_line, p.items.len()), (2, 3, 2));
        let Parsed::FileError(e) = &items[1] else { panic!("not a file error: {:?}", items[1]) };
        assert_eq!((e.line, e.reason.as_str()), (3, "the file could not be read to its end: disk gone"));
        assert_eq!(reader.io_error().map(std::io::Error::kind), Some(std::io::ErrorKind::Other));
        assert!(reader.next().is_none());
    }
}
