//! The statistics of one batch run, in exactly the shape of the connectors log
//! (`POST https://connectors.woowup.com/v1/log`, JSON schema on WoowUp's "WoowUp Connectors"
//! page).
//!
//! The caller feeds one outcome per row (created, updated or failed) as it learns it; the
//! collector adds them up per entity and per branch, keeps the failed rows' file, line and
//! reason, and writes the payload:
//!
//! ```json
//! {"files":["customers-2019_03_11.csv"],"processingtime":"2019-03-12T12:30:00+00:00",
//!  "stats":{"customers":{"total_created":1,"total_updated":0,"total_failed":0,"per_branches":[…]},…}}
//! ```
//!
//! Choices where WoowUp's page is silent or contradicts itself (each one tested):
//! - The time field is `processingtime`, as the schema's `required` list and both examples say
//!   (the page's body table says `processedtime`).
//! - Customers' per-branch rows carry **both** key sets: the schema requires `total_created`,
//!   `total_updated`, `total_failed`; the page's examples show `created`, `updated`, `failed`.
//!   The schema allows extra keys, so sending both satisfies the schema and any reader that
//!   follows the examples. Purchases' rows use the `total_*` names only (schema and examples
//!   agree).
//! - `total_revenue` is the exact decimal sum of the purchases that reached WoowUp (created or
//!   updated; failed ones are not revenue), rounded once to an integer at the end, halves away
//!   from zero (`1234.50` → 1235). Each per-branch row is rounded on its own, so branch rows may
//!   differ from the total by less than one per branch.
//! - `total_invoice_items` counts the item lines (the `factura` entries) of those purchases,
//!   which is an integer by nature (a sum of fractional quantities would need rounding).
//! - Rows with no branch count in the totals only. Per-branch rows are sorted by branch name, so
//!   the payload does not depend on the order outcomes arrive in (concurrent sending).
//! - An entity appears in `stats` when a file of it was declared or a row of it recorded.
//!   Products and branches have no per-branch rows; branches have no `total_failed` (their
//!   unreadable rows are still in [`StatsCollector::errors`]).

use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use crate::php::{json_encode, Array, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The four entities of the connectors log, in the order the payload lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entity {
    Customers,
    Purchases,
    Products,
    Branches,
}

impl Entity {
    pub const ALL: [Entity; 4] = [Entity::Customers, Entity::Purchases, Entity::Products, Entity::Branches];

    /// The name used in the payload, in `GET /v1/logs?entity=` and in file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::Purchases => "purchases",
            Entity::Products => "products",
            Entity::Branches => "branches",
        }
    }

    pub fn parse(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What became of one row (a customer, a whole purchase, a product, a branch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Created,
    Updated,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Created, Outcome::Updated, Outcome::Failed].into_iter().find(|o| o.as_str() == s)
    }
}

/// What a row adds to the statistics besides its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub entity: Entity,
    /// The branch the row belongs to, when it names one.
    pub branch: Option<String>,
    /// A purchase's total (zero for other entities).
    pub revenue: Decimal,
    /// A purchase's number of item lines (zero for other entities).
    pub items: u64,
}

impl Tally {
    pub fn new(entity: Entity, branch: Option<String>) -> Self {
        Tally { entity, branch, revenue: Decimal::ZERO, items: 0 }
    }
}

/// A row that failed: where it is and why. Never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub entity: Entity,
    /// The file name as given (e.g. `purchases-2019_03_11.csv`).
    pub file: String,
    /// The physical line the row starts on (1-based); for a purchase, its first line.
    pub line: u64,
    /// The row's identity when it could be read: customer uid, invoice number, product code,
    /// branch name.
    pub key: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let Some(k) = &self.key {
            write!(f, "{k}: ")?;
        }
        f.write_str(&self.reason)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    created: u64,
    updated: u64,
    failed: u64,
    revenue: Decimal,
    items: u64,
}

impl Counts {
    fn add(&mut self, outcome: Outcome, tally: &Tally) -> Result<()> {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Failed => {
                self.failed += 1;
                return Ok(());
            }
        }
        self.revenue = self
            .revenue
            .checked_add(tally.revenue)
            .ok_or_else(|| LoyaltyError::invalid("stats.purchases.total_revenue", "revenue overflows"))?;
        self.items = self.items.saturating_add(tally.items);
        Ok(())
    }
}

#[derive(Clone, Debug, Default)]
struct EntityStats {
    declared: bool,
    total: Counts,
    per_branch: BTreeMap<String, Counts>,
}

/// Adds up a run's outcomes and writes the connectors log payload.
#[derive(Clone, Debug)]
pub struct StatsCollector {
    files: Vec<String>,
    entities: [EntityStats; 4],
    errors: Vec<RowError>,
    max_errors: usize,
    errors_dropped: u64,
}

impl Default for StatsCollector {
    fn default() -> Self {
        Self::new()
    }
}

/// How many failed rows the collector keeps by default (all are counted).
pub const DEFAULT_MAX_ERRORS: usize = 10_000;

impl StatsCollector {
    pub fn new() -> Self {
        Self::with_max_errors(DEFAULT_MAX_ERRORS)
    }

    /// A collector that keeps at most `max_errors` failed rows (all are counted; the CLI writes
    /// every failure to its failures file as it goes, so memory need not grow with them).
    pub fn with_max_errors(max_errors: usize) -> Self {
        StatsCollector {
            files: Vec::new(),
            entities: Default::default(),
            errors: Vec::new(),
            max_errors,
            errors_dropped: 0,
        }
    }

    /// Declares a processed file: its name goes to `files`, its entity to `stats`.
    pub fn add_file(&mut self, entity: Entity, name: &str) {
        if !self.files.iter().any(|f| f == name) {
            self.files.push(name.to_string());
        }
        self.entities[entity.index()].declared = true;
    }

    /// Counts one row's outcome.
    pub fn record(&mut self, tally: &Tally, outcome: Outcome) -> Result<()> {
        let stats = &mut self.entities[tally.entity.index()];
        stats.declared = true;
        stats.total.add(outcome, tally)?;
        if let Some(branch) = &tally.branch {
            stats.per_branch.entry(branch.clone()).or_default().add(outcome, tally)?;
        }
        Ok(())
    }

    /// Counts a failed row and keeps its error.
    pub fn record_failure(&mut self, tally: &Tally, error: RowError) -> Result<()> {
        self.record(tally, Outcome::Failed)?;
        self.keep_error(error);
        Ok(())
    }

    /// Keeps an error without counting a row (e.g. a second error about a row already counted).
    pub fn keep_error(&mut self, error: RowError) {
        if self.errors.len() < self.max_errors {
            self.errors.push(error);
        } else {
            self.errors_dropped += 1;
        }
    }

    /// The failed rows kept, in the order they were recorded.
    pub fn errors(&self) -> &[RowError] {
        &self.errors
    }

    /// Failed rows not kept because of the limit.
    pub fn errors_dropped(&self) -> u64 {
        self.errors_dropped
    }

    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// `(created, updated, failed)` of an entity, all branches.
    pub fn totals(&self, entity: Entity) -> (u64, u64, u64) {
        let t = &self.entities[entity.index()].total;
        (t.created, t.updated, t.failed)
    }

    /// The exact revenue of the purchases that reached WoowUp, before rounding.
    pub fn exact_revenue(&self) -> Decimal {
        self.entities[Entity::Purchases.index()].total.revenue
    }

    /// The log payload as a PHP value (encode it with `php::json_encode`).
    /// `processingtime` is an ISO-8601 date-time with offset (see [`iso8601_utc`]).
    pub fn payload(&self, processingtime: &str) -> Result<Value> {
        check_iso8601(processingtime)?;
        let mut stats = Array::new();
        for entity in Entity::ALL {
            let e = &self.entities[entity.index()];
            if !e.declared {
                continue;
            }
            stats.set(entity.as_str(), Value::Array(entity_payload(entity, e)?));
        }
        let mut root = Array::new();
        root.set("files", Value::Array(Array::list(self.files.iter().map(|f| Value::str(f.as_str())))));
        root.set("processingtime", Value::str(processingtime));
        root.set("stats", if stats.is_empty() { Value::Object(Default::default()) } else { Value::Array(stats) });
        Ok(Value::Array(root))
    }

    /// The log payload as JSON text, written by `php::json_encode`.
    pub fn payload_json(&self, processingtime: &str) -> Result<String> {
        json_encode(&self.payload(processingtime)?)
    }
}

fn int(n: u64) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn revenue(d: Decimal, field: &str) -> Result<Value> {
    d.round().to_i64().map(Value::Int).ok_or_else(|| LoyaltyError::invalid(field, "revenue does not fit in an integer"))
}

fn entity_payload(entity: Entity, e: &EntityStats) -> Result<Array> {
    let t = &e.total;
    let mut a = Array::new();
    a.set("total_created", int(t.created));
    a.set("total_updated", int(t.updated));
    match entity {
        Entity::Branches => return Ok(a),
        _ => a.set("total_failed", int(t.failed)),
    }
    match entity {
        Entity::Customers => {
            let rows = e.per_branch.iter().map(|(branch, c)| {
                Value::Array(Array::from_pairs([
                    ("branch", Value::str(branch.as_str())),
                    ("created", int(c.created)),
                    ("updated", int(c.updated)),
                    ("failed", int(c.failed)),
                    ("total_created", int(c.created)),
                    ("total_updated", int(c.updated)),
                    ("total_failed", int(c.failed)),
                ]))
            });
            a.set("per_branches", Value::Array(Array::list(rows)));
        }
        Entity::Purchases => {
            a.set("total_revenue", revenue(t.revenue, "stats.purchases.total_revenue")?);
            a.set("total_invoice_items", int(t.items));
            let mut rows = Vec::with_capacity(e.per_branch.len());
            for (branch, c) in &e.per_branch {
                rows.push(Value::Array(Array::from_pairs([
                    ("branch", Value::str(branch.as_str())),
                    ("total_created", int(c.created)),
                    ("total_updated", int(c.updated)),
                    ("total_failed", int(c.failed)),
                    ("total_revenue", revenue(c.revenue, "stats.purchases.per_branches.total_revenue")?),
                    ("total_invoice_items", int(c.items)),
                ])));
            }
            a.set("per_branches", Value::Array(Array::list(rows)));
        }
        Entity::Products | Entity::Branches => {}
    }
    Ok(a)
}

/// Checks `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the form of the page's examples.
pub fn check_iso8601(s: &str) -> Result<()> {
    let bad = || LoyaltyError::invalid("processingtime", "expected an ISO-8601 date-time such as 2019-03-12T12:30:00+00:00");
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0..4) && at(4, b'-') && digits(5..7) && at(7, b'-') && digits(8..10) && at(10, b'T'))
        || !(digits(11..13) && at(13, b':') && digits(14..16) && at(16, b':') && digits(17..19))
    {
        return Err(bad());
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
    }
    let zone_ok = match b.get(i) {
        Some(b'Z') => b.len() == i + 1,
        Some(b'+' | b'-') => b.len() == i + 6 && digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6),
        _ => false,
    };
    if zone_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// `unix_seconds` as `YYYY-MM-DDTHH:MM:SS+00:00`, the form of the page's examples. The core
/// reads no clock: the caller passes the time.
pub fn iso8601_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Howard Hinnant's days → (year, month, day) in the proleptic Gregorian calendar.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purchase(branch: Option<&str>, total: &str, items: u64) -> Tally {
        Tally {
            entity: Entity::Purchases,
            branch: branch.map(str::to_string),
            revenue: Decimal::parse_with_separator(total, '.').unwrap(),
            items,
        }
    }

    #[test]
    fn payload_shape_and_rounding() {
        let mut s = StatsCollector::new();
        s.add_file(Entity::Customers, "customers-2019_03_11.csv");
        s.add_file(Entity::Purchases, "purchases-2019_03_11.csv");
        let c = Tally::new(Entity::Customers, Some("Unicenter".into()));
        s.record(&c, Outcome::Created).unwrap();
        s.record(&c, Outcome::Updated).unwrap();
        s.record(&Tally::new(Entity::Customers, None), Outcome::Created).unwrap();
        s.record(&purchase(Some("B"), "0.25", 2), Outcome::Created).unwrap();
        s.record(&purchase(Some("A"), "10.25", 1), Outcome::Created).unwrap();
        s.record(&purchase(Some("A"), "0.25", 3), Outcome::Updated).unwrap();
        s.record(&purchase(Some("A"), "999", 3), Outcome::Failed).unwrap();
        let json = s.payload_json("2019-03-12T12:30:00+00:00").unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"files":["customers-2019_03_11.csv","purchases-2019_03_11.csv"],"processingtime":"2019-03-12T12:30:00+00:00","#,
                r#""stats":{"customers":{"total_created":2,"total_updated":1,"total_failed":0,"per_branches":[{"branch":"Unicenter","created":1,"updated":1,"failed":0,"total_created":1,"total_updated":1,"total_failed":0}]},"#,
                r#""purchases":{"total_created":2,"total_updated":1,"total_failed":1,"total_revenue":11,"total_invoice_items":6,"per_branches":["#,
                r#"{"branch":"A","total_created":1,"total_updated":1,"total_failed":1,"total_revenue":11,"total_invoice_items":4},"#,
                r#"{"branch":"B","total_created":1,"total_updated":0,"total_failed":0,"total_revenue":0,"total_invoice_items":2}]}}}"#
            )
        );
        assert_eq!(s.exact_revenue().to_string(), "10.75");
    }

    #[test]
    fn halves_round_away_from_zero() {
        let mut s = StatsCollector::new();
        s.record(&purchase(None, "1234.50", 1), Outcome::Created).unwrap();
        let json = s.payload_json("2019-03-12T12:30:00Z").unwrap();
        assert!(json.contains(r#""total_revenue":1235"#), "{json}");
        assert!(json.contains(r#""per_branches":[]"#), "{json}");
    }

    #[test]
    fn branches_have_no_failed_and_no_rows() {
        let mut s = StatsCollector::new();
        s.add_file(Entity::Branches, "branches-2019_03_11.csv");
        s.record(&Tally::new(Entity::Branches, Some("X".into())), Outcome::Updated).unwrap();
        let json = s.payload_json("2019-03-12T12:30:00.5-03:00").unwrap();
        assert!(json.ends_with(r#""stats":{"branches":{"total_created":0,"total_updated":1}}}"#), "{json}");
    }

    #[test]
    fn errors_are_kept_up_to_the_limit() {
        let mut s = StatsCollector::with_max_errors(1);
        let t = Tally::new(Entity::Products, None);
        for line in [2, 3] {
            let e = RowError { entity: Entity::Products, file: "p.csv".into(), line, key: None, reason: "x".into() };
            s.record_failure(&t, e).unwrap();
        }
        assert_eq!(s.totals(Entity::Products), (0, 0, 2));
        assert_eq!(s.errors().len(), 1);
        assert_eq!(s.errors_dropped(), 1);
        assert_eq!(s.errors()[0].to_string(), "p.csv:2: x");
    }

    #[test]
    fn processing_time() {
        assert_eq!(iso8601_utc(1_552_393_800), "2019-03-12T12:30:00+00:00");
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59+00:00");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00+00:00");
        for bad in ["", "2019-03-12", "2019-03-12 12:30:00", "2019-03-12T12:30:00", "2019-03-12T12:30:00+0000", "2019-03-12T12:30:00Zx", "2019-03-12T12:30:00.Z"] {
            assert!(StatsCollector::new().payload(bad).is_err(), "{bad}");
        }
    }
}
