//! How a row's job ended, the same for API v2's jobs ([`super::Job`]) and API v3's
//! ([`super::V3Job`]): the outcome, why it failed and the failure's stable code, or what the
//! vendor said worth keeping.

use super::journal::JournalEntry;
use super::plan::JobNext;
use super::reader::RowRef;
use crate::error::{LoyaltyError, Result};
use crate::woowup::connectors::{Outcome, StatsCollector};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ending {
    /// Set once the job is over.
    outcome: Option<Outcome>,
    /// Why the row failed.
    reason: Option<String>,
    /// The failure's stable code: a `LoyaltyError` code, a skip reason (`unknown_customer`, …)
    /// or `invalid_row`.
    code: Option<&'static str>,
    /// What the vendor answered that is worth keeping (transaction id, points, a message).
    detail: Option<String>,
}

impl Ending {
    /// A row that failed before anything was sent.
    pub(crate) fn failed(code: &'static str, reason: String) -> Ending {
        Ending { outcome: Some(Outcome::Failed), reason: Some(reason), code: Some(code), detail: None }
    }

    /// Ends with `outcome`: `note` is the reason of a failure (else "failed"), the detail of a
    /// success.
    pub(crate) fn end(&mut self, outcome: Outcome, note: Option<String>) -> JobNext {
        self.outcome = Some(outcome);
        if outcome == Outcome::Failed {
            self.reason = note.or_else(|| Some("failed".into()));
        } else if note.is_some() {
            self.detail = note;
        }
        JobNext::Done(outcome)
    }

    /// Ends failed, with the failure's code.
    pub(crate) fn fail(&mut self, code: &'static str, reason: String) -> JobNext {
        self.code = Some(code);
        self.end(Outcome::Failed, Some(reason))
    }

    /// What the job says once over (a failure if asked before: not reached by the jobs).
    pub(crate) fn done(&self) -> JobNext {
        JobNext::Done(self.outcome.unwrap_or(Outcome::Failed))
    }

    /// The outcome, once the job is over.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The journal line of the row, once its job is over.
    pub fn entry(&self, row: &RowRef) -> Result<JournalEntry> {
        let outcome = self.outcome.ok_or_else(|| LoyaltyError::invalid("job", "not finished"))?;
        Ok(JournalEntry::of_row(row, outcome, self.reason(), self.detail()))
    }

    /// Counts the finished row into `stats` (its error kept when it failed).
    pub fn record(&self, row: &RowRef, stats: &mut StatsCollector) -> Result<JournalEntry> {
        let entry = self.entry(row)?;
        entry.replay(stats)?;
        Ok(entry)
    }
}
