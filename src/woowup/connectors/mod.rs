//! WoowUp's data-processing ("connectors") API: the statistics of a batch run
//! ([`StatsCollector`]), the requests that record and list them (`POST /v1/log`,
//! `GET /v1/logs`) and the account totals (`GET apiv3/stats`), with readers of their answers.
//!
//! Source: WoowUp's "WoowUp Connectors" page (data-processing), whose JSON schema of the log
//! payload is the contract; the project's notes record where that page contradicts itself.

mod api;
mod stats;

pub use api::{
    log_request, logs_request, read_log_response, read_logs_response, read_stats_response, stats_request,
    strip_trailing_commas, AccountStats, BranchCounts, ConnectorsConfig, EntityCounts, LogRecord, LogsQuery, StatsAuth, StatsQuery,
    API_BASE_URL, CONNECTORS_BASE_URL,
};
pub use stats::{check_iso8601, iso8601_utc, Entity, Outcome, RowError, StatsCollector, Tally, DEFAULT_MAX_ERRORS};
