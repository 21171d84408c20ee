//! What the CLI writes as it goes, one JSON object per line (written by `php::json_encode`):
//!
//! - the **journal**: one line per finished row, so an interrupted run resumes without sending
//!   a row twice, and its statistics still cover the whole day;
//! - the **failures file**: the journal lines of failed rows (file, line, key, reason);
//! - the **dry run**: per row, the first request that would be sent (credentials redacted).
//!
//! And the transport rules the sender follows: which statuses are retried and how long to wait.

use super::plan::{Job, JobNext};
use super::reader::RowRef;
use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{json_decode, json_encode, Array, Mode, Value};
use crate::woowup::connectors::{Entity, Outcome, RowError, StatsCollector, Tally};
use std::collections::HashSet;

/// One finished row, as a journal line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    pub file: String,
    pub line: u64,
    pub key: String,
    pub outcome: Outcome,
    pub tally: Tally,
    /// Why it failed.
    pub reason: Option<String>,
    /// What WoowUp said (points and transaction id, a message).
    pub detail: Option<String>,
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::str(s.as_str()))
}

fn int(n: u64) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl JournalEntry {
    /// The entry of a finished job.
    pub fn of(job: &Job) -> Result<JournalEntry> {
        let outcome = job.outcome().ok_or_else(|| LoyaltyError::invalid("job", "not finished"))?;
        Ok(JournalEntry {
            file: job.row.file.to_string(),
            line: job.row.line,
            key: job.row.key.clone(),
            outcome,
            tally: job.row.tally.clone(),
            reason: job.reason().map(str::to_string),
            detail: job.detail().map(str::to_string),
        })
    }

    /// One line of JSON, without the line break.
    pub fn to_json(&self) -> Result<String> {
        let mut a = Array::new();
        a.set("file", Value::str(self.file.as_str()));
        a.set("line", int(self.line));
        a.set("key", Value::str(self.key.as_str()));
        a.set("entity", Value::str(self.tally.entity.as_str()));
        a.set("outcome", Value::str(self.outcome.as_str()));
        a.set("branch", opt(&self.tally.branch));
        a.set("revenue", Value::str(self.tally.revenue.to_string()));
        a.set("items", int(self.tally.items));
        a.set("reason", opt(&self.reason));
        a.set("detail", opt(&self.detail));
        json_encode(&Value::Array(a))
    }

    /// Reads a journal line back.
    pub fn parse(line: &str) -> Result<JournalEntry> {
        let v = json_decode(line, Mode::Assoc)?;
        let a = v.as_array().ok_or_else(|| LoyaltyError::invalid("journal", "a line is not a JSON object"))?;
        let text = |k: &str| -> Option<String> { a.get_str(k).and_then(Value::as_str).map(str::to_string) };
        let num = |k: &str| -> Result<u64> {
            match a.get_str(k) {
                Some(Value::Int(i)) if *i >= 0 => Ok(*i as u64),
                _ => Err(LoyaltyError::invalid(format!("journal.{k}"), "expected a non-negative integer")),
            }
        };
        let entity = text("entity").and_then(|e| Entity::parse(&e)).ok_or_else(|| LoyaltyError::invalid("journal.entity", "unknown"))?;
        let outcome = text("outcome").and_then(|o| Outcome::parse(&o)).ok_or_else(|| LoyaltyError::invalid("journal.outcome", "unknown"))?;
        let revenue = Decimal::parse_with_separator(&text("revenue").unwrap_or_else(|| "0".into()), '.')
            .ok_or_else(|| LoyaltyError::invalid("journal.revenue", "not a decimal"))?;
        Ok(JournalEntry {
            file: text("file").ok_or_else(|| LoyaltyError::missing("journal.file"))?,
            line: num("line")?,
            key: text("key").unwrap_or_default(),
            outcome,
            tally: Tally { entity, branch: text("branch"), revenue, items: num("items").unwrap_or(0) },
            reason: text("reason"),
            detail: text("detail"),
        })
    }

    /// Counts the entry again (when resuming): its outcome, and its error if it failed.
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
}

fn identity(file: &str, line: u64, key: &str) -> String {
    format!("{file}\u{0}{line}\u{0}{key}")
}

/// The rows an earlier, interrupted run finished (created or updated): a resumed run skips them
/// and counts them from the journal. Failed rows are tried again, so they are not in the set.
#[derive(Clone, Debug, Default)]
pub struct Resume {
    done: HashSet<String>,
}

impl Resume {
    /// Reads a journal (its text, possibly cut in the middle of its last line by the
    /// interruption: an unreadable **last** line is ignored, any other is an error) and counts
    /// the finished rows into `stats`.
    pub fn from_journal(journal: &str, stats: &mut StatsCollector) -> Result<Resume> {
        let mut resume = Resume::default();
        let lines: Vec<&str> = journal.lines().filter(|l| !l.trim().is_empty()).collect();
        for (i, line) in lines.iter().enumerate() {
            let entry = match JournalEntry::parse(line) {
                Ok(e) => e,
                Err(_) if i + 1 == lines.len() => break,
                Err(e) => return Err(LoyaltyError::invalid(format!("journal[{}]", i + 1), e.to_string())),
            };
            if entry.outcome != Outcome::Failed && resume.done.insert(identity(&entry.file, entry.line, &entry.key)) {
                entry.replay(stats)?;
            }
        }
        Ok(resume)
    }

    /// Whether this row was finished by the earlier run.
    pub fn contains(&self, row: &RowRef) -> bool {
        self.done.contains(&identity(&row.file, row.line, &row.key))
    }

    pub fn len(&self) -> usize {
        self.done.len()
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

/// The request as JSON, with the values of credential headers (`Apikey`, `Authorization`)
/// replaced by `[redacted]`.
pub fn request_json(request: &Request) -> Result<Value> {
    let headers = request.headers.iter().map(|(n, v)| {
        let secret = n.eq_ignore_ascii_case("apikey") || n.eq_ignore_ascii_case("authorization");
        Value::Array(Array::list([Value::str(n.as_str()), Value::str(if secret { "[redacted]" } else { v.as_str() })]))
    });
    let mut a = Array::new();
    a.set("method", Value::str(request.method.as_str()));
    a.set("url", Value::str(request.url.as_str()));
    a.set("headers", Value::Array(Array::list(headers)));
    a.set("body", opt(&request.body));
    Ok(Value::Array(a))
}

/// A dry-run line for a job not yet fed: the row and the first request it would send (later
/// steps depend on WoowUp's answers), or its outcome when nothing is sent (invalid rows,
/// branches).
pub fn dry_run_line(job: &Job) -> Result<String> {
    let mut a = Array::new();
    a.set("file", Value::str(&*job.row.file));
    a.set("line", int(job.row.line));
    a.set("key", Value::str(job.row.key.as_str()));
    a.set("entity", Value::str(job.row.tally.entity.as_str()));
    match job.next() {
        JobNext::Send(request) => a.set("request", request_json(&request)?),
        JobNext::Done(outcome) => {
            a.set("outcome", Value::str(outcome.as_str()));
            if let Some(reason) = job.reason() {
                a.set("reason", Value::str(reason));
            }
        }
    }
    json_encode(&Value::Array(a))
}
