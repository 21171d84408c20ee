//! The run's journal: one JSON object a line, appended as the run goes, so that an interrupted
//! run resumes without sending a row twice. Every line is a [`JournalLine`], written and read
//! here alone (the drivers only append bytes and hand the text back):
//!
//! ```text
//! {"journal":"loyalty-connector batch","version":1,"started":…,"app_id"|"api":…,"base_url":…,"files":[…]}
//! {"sending":"add_sale_points_by_uid","file":…,"line":…,"key":…,"uid":…,"nrofactura":…}  before a write that must happen once
//! {"file":…,"line":…,"key":…,"entity":…,"outcome":"created",…}                          each finished row
//! {"resumed":"2019-03-12T…"}                                                             each resumption
//! {"end":…,"log":"posted"|"refused"|"skipped",…}                                         the end of a run
//! ```
//!
//! [`Journal::read`] turns a journal back into what a resumed run needs: the rows finished (they
//! are skipped and counted again), the rows whose last line is an intent (*in doubt*: their
//! write may have landed unanswered) and whether the run ended.

use super::reader::RowRef;
use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use crate::woowup::connectors::{Entity, Outcome, RowError, StatsCollector, Tally};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The header's `journal` value.
pub const KIND: &str = "loyalty-connector batch";
/// The journal format this version writes and reads.
pub const VERSION: u32 = 1;

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JournalLine {
    Header(Header),
    Intent(Intent),
    Resumed(Resumed),
    End(End),
    Row(JournalEntry),
}

impl JournalLine {
    /// The line's JSON, without the line break.
    pub fn to_json(&self) -> String {
        // Plain data (strings, integers, maps with string keys): serde_json cannot fail on it.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(line: &str) -> Option<JournalLine> {
        serde_json::from_str(line).ok()
    }
}

/// The first line: what the run sends, where, and the files it reads (a resumed run refuses
/// files that changed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub journal: String,
    pub version: u32,
    #[serde(default)]
    pub started: String,
    /// `"v3"` for WoowUp API v3; absent for API v2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// API v2's program id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The base URL given, `null` for the vendor's.
    #[serde(default)]
    pub base_url: Option<String>,
    pub files: Vec<FileFacts>,
}

/// A day file as the run read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub name: String,
    pub size: u64,
    #[serde(default)]
    pub mtime: String,
    pub sha256: String,
    #[serde(default)]
    pub rows: u64,
}

/// Written (and made durable) before a request that must happen once is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// What is sent: `add_sale_points_by_uid`, `initialize_user` (v2), `POST /purchases`, … (v3).
    pub sending: String,
    pub file: String,
    pub line: u64,
    pub key: String,
    /// API v2: the customer's uid, and the invoice number of a sale or the email of a customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nrofactura: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The key of the run's log intent (its `file` is empty: no row has that).
const LOG_KEY: &str = "log";

impl Intent {
    /// The intent of the run's log (`sending`: `POST /v1/log`, `POST /apiv3/integration-stats`).
    pub fn log(sending: String) -> Intent {
        Intent { sending, file: String::new(), line: 0, key: LOG_KEY.into(), uid: None, nrofactura: None, email: None }
    }

    pub fn is_log(&self) -> bool {
        self.file.is_empty() && self.key == LOG_KEY
    }
}

/// A run continued from its journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resumed {
    pub resumed: String,
}

/// The last line of a run that went through all its files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct End {
    pub end: String,
    /// `posted`, `refused`, `in_doubt` or `skipped`.
    pub log: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_error: Option<String>,
    #[serde(default)]
    pub seconds: f64,
    #[serde(default, flatten)]
    pub counters: Counters,
    #[serde(default)]
    pub totals: Totals,
}

/// What a run's exchanges did: requests sent, retries (by the reason: a status or `network`),
/// checks of requests in doubt, and rows found already in the vendor's records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    #[serde(default)]
    pub requests: u64,
    #[serde(default)]
    pub retries: u64,
    #[serde(default)]
    pub retries_by_reason: BTreeMap<String, u64>,
    #[serde(default)]
    pub checks: u64,
    #[serde(default)]
    pub landed: u64,
}

impl Counters {
    pub fn add(&mut self, other: &Counters) {
        self.requests += other.requests;
        self.retries += other.retries;
        for (reason, n) in &other.retries_by_reason {
            *self.retries_by_reason.entry(reason.clone()).or_default() += n;
        }
        self.checks += other.checks;
        self.landed += other.landed;
    }
}

/// Rows created, updated and failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub created: u64,
    pub updated: u64,
    pub failed: u64,
}

/// The run's totals per entity, and the purchases' revenue (exact, as text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub customers: Count,
    pub purchases: Count,
    pub products: Count,
    pub branches: Count,
    pub revenue: String,
}

impl Totals {
    pub fn of(stats: &StatsCollector) -> Totals {
        let count = |e| {
            let (created, updated, failed) = stats.totals(e);
            Count { created, updated, failed }
        };
        Totals {
            customers: count(Entity::Customers),
            purchases: count(Entity::Purchases),
            products: count(Entity::Products),
            branches: count(Entity::Branches),
            revenue: stats.exact_revenue().to_string(),
        }
    }

    pub fn of_entity(&self, entity: Entity) -> Count {
        match entity {
            Entity::Customers => self.customers,
            Entity::Purchases => self.purchases,
            Entity::Products => self.products,
            Entity::Branches => self.branches,
        }
    }

    /// Rows that failed, all entities together.
    pub fn failed(&self) -> u64 {
        Entity::ALL.iter().map(|e| self.of_entity(*e).failed).sum()
    }
}

/// One finished row, as a journal line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "RowLine", try_from = "RowLine")]
pub struct JournalEntry {
    pub file: String,
    pub line: u64,
    pub key: String,
    pub outcome: Outcome,
    pub tally: Tally,
    /// Why it failed.
    pub reason: Option<String>,
    /// What the vendor said (points and transaction id, a message).
    pub detail: Option<String>,
}

/// [`JournalEntry`] as its line spells it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct RowLine {
    file: String,
    line: u64,
    #[serde(default)]
    key: String,
    entity: Entity,
    outcome: Outcome,
    #[serde(default)]
    branch: Option<String>,
    #[serde(default)]
    revenue: Option<String>,
    #[serde(default)]
    items: u64,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

impl From<JournalEntry> for RowLine {
    fn from(e: JournalEntry) -> RowLine {
        RowLine {
            file: e.file,
            line: e.line,
            key: e.key,
            entity: e.tally.entity,
            outcome: e.outcome,
            branch: e.tally.branch,
            revenue: Some(e.tally.revenue.to_string()),
            items: e.tally.items,
            reason: e.reason,
            detail: e.detail,
        }
    }
}

impl TryFrom<RowLine> for JournalEntry {
    type Error = String;
    fn try_from(r: RowLine) -> std::result::Result<JournalEntry, String> {
        let revenue = match r.revenue.as_deref() {
            None => Decimal::ZERO,
            Some(text) => Decimal::parse_with_separator(text, '.').ok_or("revenue: not a decimal")?,
        };
        Ok(JournalEntry {
            file: r.file,
            line: r.line,
            key: r.key,
            outcome: r.outcome,
            tally: Tally { entity: r.entity, branch: r.branch, revenue, items: r.items },
            reason: r.reason,
            detail: r.detail,
        })
    }
}

impl JournalEntry {
    /// The entry of a finished row.
    pub fn of_row(row: &RowRef, outcome: Outcome, reason: Option<&str>, detail: Option<&str>) -> JournalEntry {
        JournalEntry {
            file: row.file.to_string(),
            line: row.line,
            key: row.key.clone(),
            outcome,
            tally: row.tally.clone(),
            reason: reason.map(str::to_string),
            detail: detail.map(str::to_string),
        }
    }

    /// One line of JSON, without the line break.
    pub fn to_json(&self) -> String {
        JournalLine::Row(self.clone()).to_json()
    }

    /// Counts the entry: its outcome, and its error if it failed.
    pub fn replay(&self, stats: &mut StatsCollector) -> Result<()> {
        match self.outcome {
            Outcome::Failed => {
                let error = RowError {
                    entity: self.tally.entity,
                    file: self.file.clone(),
                    line: self.line,
                    key: Some(self.key.clone()).filter(|k| !k.is_empty()),
                    reason: self.reason.clone().unwrap_or_default(),
                };
                stats.record_failure(&self.tally, error)
            }
            o => stats.record(&self.tally, o),
        }
    }

    fn id(&self) -> RowId {
        RowId::new(&self.file, self.line, &self.key)
    }
}

/// A row of the day's files: file name, line, key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowId(String, u64, String);

impl RowId {
    pub fn new(file: &str, line: u64, key: &str) -> RowId {
        RowId(file.to_string(), line, key.to_string())
    }
}

/// What a journal says, for a resumed run.
#[derive(Clone, Debug)]
pub struct Journal {
    pub header: Header,
    /// Rows created or updated (failed rows are tried again), in journal order.
    finished: Vec<JournalEntry>,
    finished_ids: HashMap<RowId, usize>,
    /// Rows whose last line is an intent.
    doubts: HashMap<RowId, Intent>,
    /// The end line, when it is the journal's last line.
    pub end: Option<End>,
    /// The log was sent and no answer recorded: its intent is the last word on it, or the end
    /// line says `in_doubt`.
    pub log_in_doubt: bool,
}

impl Journal {
    /// Reads a journal's text. Its last line may be cut by the interruption (an unreadable
    /// **last** line is ignored); any other unreadable line, a missing header or another
    /// version is an error.
    pub fn read(text: &str) -> Result<Journal> {
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let header = match lines.first().and_then(|l| JournalLine::parse(l)) {
            Some(JournalLine::Header(h)) if h.journal == KIND => h,
            _ => return Err(LoyaltyError::invalid("journal", "its first line is not a loyalty-connector batch journal header")),
        };
        if header.version != VERSION {
            return Err(LoyaltyError::invalid("journal", format!("it is version {}, this version writes version {VERSION}", header.version)));
        }
        let mut journal = Journal { header, finished: Vec::new(), finished_ids: HashMap::new(), doubts: HashMap::new(), end: None, log_in_doubt: false };
        for (i, line) in lines.iter().enumerate().skip(1) {
            let Some(parsed) = JournalLine::parse(line) else {
                if i + 1 == lines.len() {
                    break;
                }
                return Err(LoyaltyError::invalid(format!("journal[{}]", i + 1), "not a journal line"));
            };
            journal.end = None;
            match parsed {
                JournalLine::Header(_) => return Err(LoyaltyError::invalid(format!("journal[{}]", i + 1), "a second header")),
                JournalLine::Intent(intent) if intent.is_log() => journal.log_in_doubt = true,
                JournalLine::Intent(intent) => {
                    journal.doubts.insert(RowId::new(&intent.file, intent.line, &intent.key), intent);
                }
                JournalLine::Row(entry) => {
                    let id = entry.id();
                    journal.doubts.remove(&id);
                    if entry.outcome != Outcome::Failed && !journal.finished_ids.contains_key(&id) {
                        journal.finished_ids.insert(id, journal.finished.len());
                        journal.finished.push(entry);
                    }
                }
                JournalLine::Resumed(_) => {}
                JournalLine::End(end) => {
                    journal.log_in_doubt = end.log == "in_doubt";
                    journal.end = Some(end);
                }
            }
        }
        Ok(journal)
    }

    /// The rows an earlier run finished.
    pub fn finished(&self) -> &[JournalEntry] {
        &self.finished
    }

    pub fn is_finished(&self, file: &str, line: u64, key: &str) -> bool {
        self.finished_ids.contains_key(&RowId::new(file, line, key))
    }

    /// The intent of a row left in doubt.
    pub fn doubt(&self, file: &str, line: u64, key: &str) -> Option<&Intent> {
        self.doubts.get(&RowId::new(file, line, key))
    }

    pub fn doubts(&self) -> usize {
        self.doubts.len()
    }

    /// Why `files` are not the files this journal's run read, if they are not.
    pub fn changed_files(&self, files: &[FileFacts]) -> Option<Vec<String>> {
        let mut recorded: BTreeMap<&str, &FileFacts> = self.header.files.iter().map(|f| (f.name.as_str(), f)).collect();
        let mut problems = Vec::new();
        for f in files {
            match recorded.remove(f.name.as_str()) {
                None => problems.push(format!("{} was not part of the interrupted run", f.name)),
                Some(r) if r.size != f.size => problems.push(format!("{} changed size ({} → {} bytes)", f.name, r.size, f.size)),
                Some(r) if r.sha256 != f.sha256 => problems.push(format!("{} changed content (same size, another SHA-256)", f.name)),
                Some(_) => {}
            }
        }
        problems.extend(recorded.keys().map(|name| format!("{name} was part of the interrupted run and is missing now")));
        (!problems.is_empty()).then_some(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> String {
        JournalLine::Header(Header {
            journal: KIND.into(),
            version: VERSION,
            started: "2019-03-12T00:00:00Z".into(),
            api: None,
            app_id: Some("14".into()),
            base_url: None,
            files: vec![FileFacts { name: "p.csv".into(), size: 3, mtime: String::new(), sha256: "ab".into(), rows: 2 }],
        })
        .to_json()
    }

    fn intent(line: u64, key: &str) -> String {
        let i = Intent { sending: "add_sale_points_by_uid".into(), file: "p.csv".into(), line, key: key.into(), uid: Some("u".into()), nrofactura: Some(key.into()), email: None };
        JournalLine::Intent(i).to_json()
    }

    fn row(line: u64, key: &str, outcome: Outcome) -> String {
        let tally = Tally { entity: Entity::Purchases, branch: None, revenue: Decimal::parse("19.99", "r").unwrap(), items: 2 };
        JournalEntry { file: "p.csv".into(), line, key: key.into(), outcome, tally, reason: None, detail: Some("ok \"x\"".into()) }.to_json()
    }

    #[test]
    fn every_line_reads_back_as_itself() {
        for text in [header(), intent(2, "A-1"), row(2, "A-1", Outcome::Created), r#"{"resumed":"t"}"#.to_string()] {
            let line = JournalLine::parse(&text).unwrap();
            assert_eq!(line.to_json(), text);
        }
        let end = r#"{"end":"t","log":"posted","seconds":1.5,"requests":3,"retries":1,"retries_by_reason":{"503":1},"checks":0,"landed":0,"totals":{"customers":{"created":0,"updated":0,"failed":0},"purchases":{"created":1,"updated":0,"failed":0},"products":{"created":0,"updated":0,"failed":0},"branches":{"created":0,"updated":0,"failed":0},"revenue":"19.99"}}"#;
        assert!(matches!(JournalLine::parse(end), Some(JournalLine::End(e)) if e.counters.retries_by_reason["503"] == 1 && e.totals.purchases.created == 1));
        assert_eq!(JournalLine::parse(end).unwrap().to_json(), end);
    }

    #[test]
    fn doubts_finished_rows_and_a_cut_last_line() {
        let text = format!("{}\n{}\n{}\n{}\n{}\n{{\"file\":\"p.csv\",\"li", header(), intent(2, "A-1"), intent(5, "A-2"), row(2, "A-1", Outcome::Created), row(7, "A-3", Outcome::Failed));
        let j = Journal::read(&text).unwrap();
        assert_eq!(j.doubts(), 1);
        assert!(j.doubt("p.csv", 5, "A-2").is_some() && j.doubt("p.csv", 2, "A-1").is_none());
        assert!(j.is_finished("p.csv", 2, "A-1") && !j.is_finished("p.csv", 7, "A-3"));
        assert_eq!(j.finished().len(), 1);
        let broken = format!("{}\nnot json\n{}\n", header(), row(2, "A-1", Outcome::Created));
        assert_eq!(Journal::read(&broken).unwrap_err().field(), Some("journal[2]"));
        assert!(Journal::read(&row(2, "A-1", Outcome::Created)).is_err(), "no header");
    }

    #[test]
    fn the_end_counts_only_as_the_last_line_and_changed_files_are_named() {
        let end = r#"{"end":"t","log":"refused"}"#;
        let j = Journal::read(&format!("{}\n{end}\n", header())).unwrap();
        assert_eq!(j.end.as_ref().map(|e| e.log.as_str()), Some("refused"));
        let j = Journal::read(&format!("{}\n{end}\n{{\"resumed\":\"t\"}}\n", header())).unwrap();
        assert!(j.end.is_none());
        let same = FileFacts { name: "p.csv".into(), size: 3, mtime: "x".into(), sha256: "ab".into(), rows: 2 };
        assert_eq!(j.changed_files(&[same.clone()]), None);
        let other = FileFacts { sha256: "cd".into(), ..same };
        assert_eq!(j.changed_files(&[other]).unwrap(), vec!["p.csv changed content (same size, another SHA-256)"]);
    }
}
