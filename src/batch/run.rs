//! One batch run as a sans-I/O state machine: every decision of the end-of-day run is here, on
//! API v2 and v3 alike; a driver (the command line's Node loop, [`super::drive`] in Rust) only
//! reads files, sends requests, sleeps and appends the lines it is given.
//!
//! ```text
//! run = Run::new(settings, files)?                  files: name, size, SHA-256, rows (read by the driver)
//! run.resume(journal_text, durable)?                a journal left by an interrupted run, or
//! run.header(started)                               the first line of a new journal
//! for task in run.setup() { drive(task); run.finish_setup(task)? }     API v2: sale points, branches
//! for each file in run.files():  rows = run.open(name)?; rows.feed(chunk) … rows.finish()
//!     rows.next() → Item::Row(job) → run.start(job) → Some(task) (None: finished earlier)
//!         drive(task): task.next() → Journal(line: append durably) | Send(request: feed the
//!                      answer) | Wait(ms) | Done
//!         run.finish(task) → journal line, failure line, outcome, or the run's stop
//! task = run.log(processingtime)?; drive(task); run.finish_log(task); run.end(…)
//! ```
//!
//! Exactly once: a request that must happen once (a sale, a new customer, a v3 create) is sent
//! only after its intent line is durable; a finished row's line follows its last answer. A
//! resumed run skips finished rows (counted from the journal) and settles the rows whose intent
//! has no outcome: API v2 asks WoowUp (transactions, the customer) before sending again, API v3
//! sends again and reads the repeat's refusal as the earlier attempt's success.

use super::csv::CsvOptions;
use super::doubt::V2Row;
use super::dry_run::{self, request_json};
use super::journal::{Counters, End, FileFacts, Header, Intent, Journal, JournalLine, Resumed, Totals, KIND, VERSION};
use super::plan::{order_files, FileJobs, Job, JobNext, Plan, PlanOptions, Planner, Work as PlanWork};
use super::reader::RowRef;
use super::rows::{entity_of_file, Mapping};
use super::v3::{integration_stats, V3FileJobs, V3Job, V3Planner, MAX_LISTED_FAILURES};
use crate::engine::{self, Answer, Backoff, Exchange, Machine, Next, Policy, Step};
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{json_encode, Array, Value};
use crate::woowup::connectors::{
    log_request, read_log_response, read_stats_response, stats_request, ConnectorsConfig, Entity, Outcome, RowError, StatsAuth, StatsCollector,
    StatsQuery,
};
use crate::woowup::{self, read_sale_points, Decimal, PointsRule};
use std::collections::{BTreeMap, HashSet};

/// What the run sends, and how.
#[derive(Clone, Debug)]
pub struct Settings {
    pub api: Api,
    pub mapping: Mapping,
    /// Retries of a request after a 5xx or a lost answer (429s have their own budget).
    pub max_retries: u32,
    /// The base URL as given (the journal records it; `None`: the vendor's).
    pub base_url: Option<String>,
}

/// The API and its options.
#[derive(Clone, Debug)]
pub enum Api {
    V2 {
        client: woowup::Client,
        connectors: ConnectorsConfig,
        options: PlanOptions,
        /// The sale points were given (else read with `contest_sale_points` before the rows).
        sale_points_known: bool,
    },
    V3 {
        client: woowup::v3::Client,
        options: woowup::v3::RecordOptions,
    },
}

const V2_KEYS: [&str; 12] =
    ["appId", "apiKey", "baseUrl", "apiUrl", "connectorsUrl", "statsAuth", "salePoints", "rule", "unknownCustomer", "directUid", "mapping", "maxRetries"];
const V3_KEYS: [&str; 6] = ["apiKey", "baseUrl", "unknownCustomer", "onDuplicate", "mapping", "maxRetries"];

impl Settings {
    /// The settings of a run on `api` (`"v2"` or `"v3"`) from named text values (the command
    /// line's options): v2 `appId`, `apiKey`, `baseUrl`, `apiUrl`, `connectorsUrl`, `statsAuth`
    /// (basic | bearer), `salePoints`, `rule`, `unknownCustomer` (skip | initialize),
    /// `directUid` ("true"), `mapping` (JSON text), `maxRetries`; v3 `apiKey`, `baseUrl`,
    /// `unknownCustomer` (skip | create), `onDuplicate` (update | keep), `mapping`, `maxRetries`.
    pub fn from_values(api: &str, values: &BTreeMap<String, String>) -> Result<Settings> {
        let keys: &[&str] = match api {
            "v2" => &V2_KEYS,
            "v3" => &V3_KEYS,
            _ => return Err(LoyaltyError::invalid("api", "must be v2 or v3")),
        };
        if let Some(unknown) = values.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(LoyaltyError::invalid(format!("settings.{unknown}"), format!("unknown setting for API {api}")));
        }
        let get = |k: &str| values.get(k).map(String::as_str);
        let required = |k: &str| get(k).filter(|v| !v.is_empty()).ok_or_else(|| LoyaltyError::missing(k));
        let mapping = match get("mapping") {
            Some(text) => Mapping::from_json(text)?,
            None => Mapping::default(),
        };
        let max_retries = match get("maxRetries") {
            Some(n) => n.trim().parse::<u32>().ok().filter(|n| *n <= 20).ok_or_else(|| LoyaltyError::invalid("maxRetries", "must be a whole number from 0 to 20"))?,
            None => 5,
        };
        let base_url = get("baseUrl").map(str::to_string);
        let api = if api == "v3" {
            let mut client = woowup::v3::Client::new(required("apiKey")?)?;
            if let Some(url) = &base_url {
                client = client.with_base_url(url)?;
            }
            let unknown_customer = match get("unknownCustomer") {
                None | Some("skip") => woowup::v3::UnknownCustomer::Skip,
                Some("create") | Some("initialize") => woowup::v3::UnknownCustomer::Create,
                Some(_) => return Err(LoyaltyError::invalid("unknownCustomer", "must be skip or create")),
            };
            let on_duplicate = match get("onDuplicate") {
                None | Some("update") => woowup::v3::OnDuplicate::Update,
                Some("keep") => woowup::v3::OnDuplicate::Keep,
                Some(_) => return Err(LoyaltyError::invalid("onDuplicate", "must be update or keep")),
            };
            Api::V3 { client, options: woowup::v3::RecordOptions { unknown_customer, on_duplicate } }
        } else {
            let api_key = required("apiKey")?;
            let mut client = woowup::Client::new(required("appId")?, api_key)?;
            if let Some(url) = &base_url {
                client = client.with_base_url(url)?;
            }
            let mut connectors = ConnectorsConfig::new(api_key);
            if let Some(url) = get("connectorsUrl") {
                connectors.connectors_base_url = crate::http::base_url(url, "connectorsUrl")?;
            }
            if let Some(url) = get("apiUrl") {
                connectors.api_base_url = crate::http::base_url(url, "apiUrl")?;
            }
            connectors.stats_auth = match get("statsAuth") {
                None | Some("basic") => StatsAuth::Basic,
                Some("bearer") => StatsAuth::Bearer,
                Some(_) => return Err(LoyaltyError::invalid("statsAuth", "must be basic or bearer")),
            };
            let mut options = PlanOptions::new(Decimal::ZERO);
            let sale_points_known = match get("salePoints") {
                Some(points) => {
                    options.sale_points = Decimal::parse(points.trim(), "salePoints")?;
                    if options.sale_points.is_negative() {
                        return Err(LoyaltyError::invalid("salePoints", "must not be negative"));
                    }
                    true
                }
                None => false,
            };
            if let Some(rule) = get("rule") {
                options.rule = rule.parse::<PointsRule>().map_err(|e| LoyaltyError::invalid("rule", e.to_string()))?;
            }
            options.unknown_customer = match get("unknownCustomer") {
                None | Some("skip") => woowup::UnknownCustomer::Skip,
                Some("initialize") => woowup::UnknownCustomer::Initialize,
                Some(_) => return Err(LoyaltyError::invalid("unknownCustomer", "must be skip or initialize")),
            };
            options.direct_uid = match get("directUid") {
                None | Some("") | Some("false") => false,
                Some("true") => true,
                Some(_) => return Err(LoyaltyError::invalid("directUid", "must be \"true\" or \"false\"")),
            };
            Api::V2 { client, connectors, options, sale_points_known }
        };
        Ok(Settings { api, mapping, max_retries, base_url })
    }

    fn policy(&self) -> Policy {
        woowup_policy(self.max_retries)
    }

    /// `"v2"` or `"v3"`.
    pub fn api_name(&self) -> &'static str {
        match self.api {
            Api::V2 { .. } => "v2",
            Api::V3 { .. } => "v3",
        }
    }
}

/// WoowUp's policy with `max_retries` retries after a 5xx or a lost answer.
fn woowup_policy(max_retries: u32) -> Policy {
    Policy::WOOWUP.with_backoff(Backoff { max_attempts: max_retries.saturating_add(1), ..Policy::WOOWUP.backoff })
}

/// What an interrupted run left: rows finished (skipped, counted), rows in doubt, and whether
/// it had ended with its log posted (`posted`: when; nothing is left to do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resumption {
    pub done: usize,
    pub in_doubt: usize,
    pub posted: Option<String>,
}

/// One run over one day's files.
#[derive(Debug)]
pub struct Run {
    settings: Settings,
    policy: Policy,
    /// In processing order.
    files: Vec<(Entity, FileFacts)>,
    stats: StatsCollector,
    journal: Option<Journal>,
    counters: Counters,
}

/// A problem the run stops on: not journaled; a resumed run takes the row up again.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub error: LoyaltyError,
    /// The request it stopped on (`POST /apiv2/…`), without its query.
    pub request: String,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.error, self.request)
    }
}

/// A finished row: the lines to append, and its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// The journal line (appended; made durable with the next sync).
    pub journal: String,
    /// The failures-file line, when it failed.
    pub failure: Option<String>,
    pub outcome: Outcome,
}

/// What became of the run's log (v2 `POST /v1/log`, v3 `POST /integration-stats`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogState {
    Posted,
    Refused(String),
    /// Sent, and no answer says whether it arrived (lost, a 5xx, or a run stopped while it was
    /// on its way): never sent again, so that the day is never logged twice; the operator checks.
    InDoubt(String),
    /// Not sent (`--no-log`).
    Skipped,
}

impl LogState {
    /// The end line's `log`: `posted`, `refused`, `in_doubt` or `skipped`.
    pub fn name(&self) -> &'static str {
        match self {
            LogState::Posted => "posted",
            LogState::Refused(_) => "refused",
            LogState::InDoubt(_) => "in_doubt",
            LogState::Skipped => "skipped",
        }
    }

    /// Why it was refused or is in doubt.
    pub fn reason(&self) -> Option<&str> {
        match self {
            LogState::Refused(why) | LogState::InDoubt(why) => Some(why),
            LogState::Posted | LogState::Skipped => None,
        }
    }

    /// The state a driver passes back by [`LogState::name`] and [`LogState::reason`].
    pub fn from_name(name: &str, reason: Option<String>) -> Result<LogState> {
        let why = reason.unwrap_or_default();
        match name {
            "posted" => Ok(LogState::Posted),
            "refused" => Ok(LogState::Refused(why)),
            "in_doubt" => Ok(LogState::InDoubt(why)),
            "skipped" => Ok(LogState::Skipped),
            _ => Err(LoyaltyError::invalid("log", "not posted, refused, in_doubt or skipped")),
        }
    }
}

/// Why a resumed run does not post the log an earlier run sent.
const LOG_SENT_BEFORE: &str = "an earlier run sent it and no answer said it arrived: it may have, so it is not sent again";

impl Run {
    /// A run of `files` (names as given; size, SHA-256 and rows as the driver read them).
    pub fn new(settings: Settings, files: Vec<FileFacts>) -> Result<Run> {
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        let order = order_files(&names)?;
        let mut by_name: BTreeMap<String, FileFacts> = files.into_iter().map(|f| (f.name.clone(), f)).collect();
        let files: Vec<(Entity, FileFacts)> = order.into_iter().filter_map(|(e, n)| by_name.remove(&n).map(|f| (e, f))).collect();
        let mut stats = match settings.api {
            // The failures file has every failure; API v3's log lists the first ones.
            Api::V2 { .. } => StatsCollector::with_max_errors(0),
            Api::V3 { .. } => StatsCollector::with_max_errors(MAX_LISTED_FAILURES),
        };
        for (entity, f) in &files {
            stats.add_file(*entity, &f.name);
        }
        let policy = settings.policy();
        Ok(Run { settings, policy, files, stats, journal: None, counters: Counters::default() })
    }

    /// The files in processing order (customers, products, branches, purchases).
    pub fn files(&self) -> &[(Entity, FileFacts)] {
        &self.files
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn header_of(&self, started: &str) -> Header {
        let (api, app_id) = match &self.settings.api {
            Api::V2 { client, .. } => (None, Some(client.app_id().to_string())),
            Api::V3 { .. } => (Some("v3".to_string()), None),
        };
        let files = self.files.iter().map(|(_, f)| f.clone()).collect();
        Header { journal: KIND.into(), version: VERSION, started: started.into(), api, app_id, base_url: self.settings.base_url.clone(), files }
    }

    /// The first line of a new run's journal.
    pub fn header(&self, started: &str) -> String {
        JournalLine::Header(self.header_of(started)).to_json()
    }

    /// The line of a resumption.
    pub fn resumed(&self, at: &str) -> String {
        JournalLine::Resumed(Resumed { resumed: at.into() }).to_json()
    }

    /// Reads the journal of an interrupted run of the same files (`size`: the file's size on
    /// disk, `durable`: the length it last made durable, when known). Refused when the journal
    /// was restored from an older copy, is another run's (API, program, base URL) or the files
    /// changed: rows would be sent twice or mixed up.
    pub fn resume(&mut self, text: &str, size: u64, durable: Option<u64>) -> Result<Resumption> {
        let refuse = |why: String| Err(LoyaltyError::invalid("journal", why));
        if let Some(durable) = durable.filter(|d| size < *d) {
            return refuse(format!(
                "it is {size} bytes, shorter than the {durable} bytes the run made durable: restored from an older copy? Resuming would send again rows its lost lines record as sent"
            ));
        }
        let journal = Journal::read(text)?;
        let mine = self.header_of("");
        let (theirs, ours) = (journal.header.api.as_deref().unwrap_or("v2"), self.settings.api_name());
        if theirs != ours {
            return refuse(format!("it is a run on API {theirs}, not {ours}"));
        }
        if journal.header.app_id != mine.app_id || journal.header.base_url != mine.base_url {
            let whose = match &journal.header.app_id {
                Some(app) => format!("app {app}"),
                None => "the API".into(),
            };
            return refuse(format!("it is a run for {whose} at {}, not this one", journal.header.base_url.as_deref().unwrap_or("the default URL")));
        }
        let files: Vec<FileFacts> = self.files.iter().map(|(_, f)| f.clone()).collect();
        if let Some(changed) = journal.changed_files(&files) {
            return refuse(format!("the files changed since the interrupted run, rows would be mixed up:\n  {}", changed.join("\n  ")));
        }
        for entry in journal.finished() {
            entry.replay(&mut self.stats)?;
        }
        let resumption = Resumption {
            done: journal.finished().len(),
            in_doubt: journal.doubts(),
            posted: journal.end.as_ref().filter(|e| e.log == "posted").map(|e| e.end.clone()),
        };
        self.journal = Some(journal);
        Ok(resumption)
    }

    /// Requests the run needs before the rows (API v2: the sale points when purchases are sent
    /// and none were given; the account's branches when branches are).
    pub fn setup(&self) -> Vec<Task> {
        let Api::V2 { client, connectors, sale_points_known, .. } = &self.settings.api else { return Vec::new() };
        let has = |e: Entity| self.files.iter().any(|(x, _)| *x == e);
        let mut tasks = Vec::new();
        if has(Entity::Purchases) && !sale_points_known {
            if let Ok(r) = client.contest_sale_points() {
                tasks.push(Task::read(Purpose::SalePoints, r, engine::Effect::Read, &self.policy));
            }
        }
        if has(Entity::Branches) {
            if let Ok(r) = stats_request(connectors, &StatsQuery::default()) {
                tasks.push(Task::read(Purpose::KnownBranches, r, engine::Effect::Read, &self.policy));
            }
        }
        tasks
    }

    /// Reads a setup task's answer: a line for the operator, or the error the run cannot start
    /// with. An unreadable branch list is a warning (every branch row counts as updated).
    pub fn finish_setup(&mut self, task: Task) -> Result<String> {
        let stopped = task.stopped();
        let Api::V2 { options, sale_points_known, .. } = &mut self.settings.api else { return Ok(String::new()) };
        self.counters.add(&task.counters);
        let Work::Read { purpose, answer, .. } = task.exchange.machine() else { return Ok(String::new()) };
        if let Some(stop) = stopped {
            return Err(stop.error);
        }
        let (status, body) = answer.clone().unwrap_or_default();
        match purpose {
            Purpose::SalePoints => match read_sale_points(status, &body)? {
                Some(p) if !p.is_zero() => {
                    options.sale_points = p;
                    *sale_points_known = true;
                    Ok(format!("sale points: {p} a currency unit (contest_sale_points)"))
                }
                _ => Err(LoyaltyError::invalid("contest_sale_points", "the program gives no points per sale: no purchase would be rewarded")),
            },
            Purpose::KnownBranches => match read_stats_response(status, &body) {
                Ok(stats) => {
                    let known: HashSet<String> = stats.per_branches.into_iter().filter_map(|b| b.branch).collect();
                    let n = known.len();
                    options.known_branches = (!known.is_empty()).then_some(known);
                    Ok(format!("branches WoowUp knows: {n} (apiv3/stats)"))
                }
                Err(e) => Ok(format!("warning: apiv3/stats unreadable ({e}): every branch row counts as updated")),
            },
            Purpose::Log | Purpose::Answer => Ok(String::new()),
        }
    }

    /// The rows of one file, fed in chunks.
    pub fn open(&self, name: &str) -> Result<FileRows> {
        let entity = entity_of_file(name).ok_or_else(|| LoyaltyError::invalid("file", format!("{name:?} is not a day file")))?;
        match &self.settings.api {
            Api::V2 { client, options, sale_points_known, .. } => {
                if entity == Entity::Purchases && !sale_points_known {
                    return Err(LoyaltyError::missing("salePoints"));
                }
                Ok(FileRows::V2(Planner::new(client, options.clone())?.file_jobs(name, &self.settings.mapping, CsvOptions::default())?))
            }
            Api::V3 { client, options } => Ok(FileRows::V3(V3Planner::new(client, *options).file_jobs(name, &self.settings.mapping, CsvOptions::default())?)),
        }
    }

    /// The task of a row, or `None` when the interrupted run finished it (it is counted).
    pub fn start(&self, job: RowJob) -> Result<Option<Task>> {
        let row = job.row();
        let (finished, doubt) = match &self.journal {
            Some(j) => (j.is_finished(&row.file, row.line, &row.key), j.doubt(&row.file, row.line, &row.key)),
            None => (false, None),
        };
        if finished {
            return Ok(None);
        }
        let work = match (job, &self.settings.api) {
            (RowJob::V2(job), Api::V2 { client, .. }) => Work::V2(Box::new(V2Row::new(*job, client, doubt))),
            (RowJob::V3(mut job), Api::V3 { .. }) => {
                if doubt.is_some() {
                    job.set_in_doubt();
                }
                Work::V3(job)
            }
            _ => return Err(LoyaltyError::invalid("job", "a row of another API's run")),
        };
        Ok(Some(Task::new(work, &self.policy)))
    }

    /// Counts a finished row task: its lines and outcome, or the stop the run ends on.
    pub fn finish(&mut self, task: Task) -> std::result::Result<Finished, Stop> {
        self.counters.add(&task.counters);
        if let Some(stop) = task.stopped() {
            return Err(stop);
        }
        let entry = match task.exchange.machine() {
            Work::V2(row) => {
                if row.landed.is_some() {
                    self.counters.landed += 1;
                }
                row.entry()
            }
            Work::V3(job) => job.journal_entry(),
            Work::Read { .. } => Err(LoyaltyError::invalid("task", "not a row")),
        };
        let entry = entry.map_err(|error| Stop { error, request: String::new() })?;
        entry.replay(&mut self.stats).map_err(|error| Stop { error, request: String::new() })?;
        let failure = (entry.outcome == Outcome::Failed).then(|| failure_line(&entry.file, entry.line, Some(&entry.key), entry.tally.entity, entry.reason.as_deref(), task.code()));
        Ok(Finished { journal: entry.to_json(), failure, outcome: entry.outcome })
    }

    /// The run's log: API v2 `POST /v1/log` (the connectors log), v3 `POST /integration-stats`.
    /// A write like any other: its intent is journaled, and a lost answer or a 5xx leaves it in
    /// doubt. When an earlier run of the journal sent it, the task has nothing to send.
    pub fn log(&self, processingtime: &str) -> Result<Task> {
        let request = self.log_request(processingtime)?;
        let answer = self.log_sent_before().then(|| (0, String::new()));
        Ok(Task::new(Work::Read { purpose: Purpose::Log, request, effect: engine::Effect::Once, answer }, &self.policy))
    }

    fn log_sent_before(&self) -> bool {
        self.journal.as_ref().is_some_and(|j| j.log_in_doubt)
    }

    fn log_request(&self, processingtime: &str) -> Result<Request> {
        match &self.settings.api {
            Api::V2 { connectors, .. } => log_request(connectors, &self.stats.payload(processingtime)?),
            Api::V3 { client, .. } => {
                let entities: Vec<Entity> = self.files.iter().map(|(e, _)| *e).collect();
                client.create_integration_stats(&integration_stats(&self.stats, &entities)?)
            }
        }
    }

    /// Reads the log task's answer.
    pub fn finish_log(&mut self, task: Task) -> LogState {
        self.counters.add(&task.counters);
        if self.log_sent_before() {
            return LogState::InDoubt(LOG_SENT_BEFORE.into());
        }
        if let Some(stop) = task.stopped() {
            return match stop.error {
                LoyaltyError::InDoubt { .. } => LogState::InDoubt(stop.error.to_string()),
                _ => LogState::Refused(stop.error.to_string()),
            };
        }
        let Work::Read { answer: Some((status, body)), .. } = task.exchange.machine() else {
            // Unfinished: once its intent is journaled, it may be on its way.
            return match task.announced {
                Some(_) => LogState::InDoubt("stopped before its answer".into()),
                None => LogState::Refused("not sent".into()),
            };
        };
        let read = match &self.settings.api {
            Api::V2 { .. } => read_log_response(*status, body).map(|_| ()),
            Api::V3 { .. } => woowup::v3::read(*status, &[], body).and_then(|a| match a {
                woowup::v3::Answer::Ok { .. } => Ok(()),
                woowup::v3::Answer::Failed(f) => Err(f.into_error()),
            }),
        };
        match read {
            Ok(()) => LogState::Posted,
            Err(e) => LogState::Refused(e.to_string()),
        }
    }

    /// The end line of a run that went through all its files.
    pub fn end(&self, at: &str, log: &LogState, seconds: f64) -> String {
        let seconds = (seconds * 10.0).round() / 10.0;
        let log_error = log.reason().map(str::to_string);
        JournalLine::End(End { end: at.into(), log: log.name().into(), log_error, seconds, counters: self.counters.clone(), totals: self.totals() })
            .to_json()
    }

    /// The rows counted so far (the interrupted run's included).
    pub fn totals(&self) -> Totals {
        Totals::of(&self.stats)
    }

    /// What the run's exchanges did so far.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Counts a task the driver gave up (the run is stopping): its requests were sent.
    pub fn abandon(&mut self, task: Task) {
        self.counters.add(&task.counters);
    }

    /// The fewest and the most requests the rows left need (the estimate of the run's length).
    pub fn estimate(&self) -> (u64, u64) {
        let (mut low, mut high) = (0u64, 0u64);
        let done = self.totals();
        for (entity, f) in &self.files {
            let count = done.of_entity(*entity);
            let left = f.rows.saturating_sub(if self.journal.is_some() { count.created + count.updated } else { 0 });
            let (a, b) = self.cost(*entity);
            low = low.saturating_add(left.saturating_mul(a));
            high = high.saturating_add(left.saturating_mul(b));
        }
        (low, high)
    }

    /// Requests a row of `entity` may take: fewest, most.
    fn cost(&self, entity: Entity) -> (u64, u64) {
        match (&self.settings.api, entity) {
            (Api::V2 { .. }, Entity::Customers) => (1, 2),
            (Api::V2 { .. }, Entity::Products) => (1, 1),
            (Api::V2 { .. }, Entity::Branches) => (0, 0),
            (Api::V2 { options, .. }, Entity::Purchases) if options.direct_uid => (1, 1),
            (Api::V2 { options, .. }, Entity::Purchases) => (2, if options.unknown_customer == woowup::UnknownCustomer::Initialize { 3 } else { 2 }),
            // Posted first: a repeat adds the PUT, an unknown customer created adds POST /users
            // and the purchase again.
            (Api::V3 { options, .. }, Entity::Purchases) => (1, if options.unknown_customer == woowup::v3::UnknownCustomer::Create { 3 } else { 2 }),
            // Updated, else created.
            (Api::V3 { .. }, _) => (1, 2),
        }
    }

    /// A dry run's row: its lines, counted as if every request succeeded (a row to send is a
    /// created purchase, or an updated customer, product or branch).
    pub fn dry_run(&mut self, job: &RowJob) -> Result<(String, Outcome)> {
        let (lines, next, row) = match job {
            RowJob::V2(j) => (dry_run::v2_lines(j)?, j.next(), &j.row),
            RowJob::V3(j) => (dry_run::v3_lines(j)?, j.next(), &j.row),
        };
        let outcome = match next {
            JobNext::Done(o) => o,
            JobNext::Send(_) if row.tally.entity == Entity::Purchases => Outcome::Created,
            JobNext::Send(_) => Outcome::Updated,
        };
        match outcome {
            Outcome::Failed => self.stats.record_failure(&row.tally, row.error(job.reason().unwrap_or_default()))?,
            o => self.stats.record(&row.tally, o)?,
        }
        Ok((lines, outcome))
    }

    /// The dry run's last line: `{"log": request}`, credentials redacted.
    pub fn dry_run_log(&self, processingtime: &str) -> Result<String> {
        let mut a = Array::new();
        a.set("log", request_json(&self.log_request(processingtime)?)?);
        json_encode(&Value::Array(a))
    }
}

/// The failures-file line: `{"file","line","key","entity","reason","code"}`.
pub fn failure_line(file: &str, line: u64, key: Option<&str>, entity: Entity, reason: Option<&str>, code: Option<&str>) -> String {
    let opt = |s: Option<&str>| s.map_or(Value::Null, Value::str);
    let mut a = Array::new();
    a.set("file", Value::str(file));
    a.set("line", Value::Int(i64::try_from(line).unwrap_or(i64::MAX)));
    a.set("key", opt(key));
    a.set("entity", Value::str(entity.as_str()));
    a.set("reason", opt(reason));
    a.set("code", opt(code));
    json_encode(&Value::Array(a)).unwrap_or_default()
}

/// The failures-file line of a problem with a file itself.
pub fn file_error_line(e: &RowError) -> String {
    failure_line(&e.file, e.line, e.key.as_deref(), e.entity, Some(&e.reason), Some("invalid_file"))
}

/// A file's rows, fed in chunks: [`FileRows::feed`], [`FileRows::next`] until `None`, and
/// [`FileRows::finish`] at the end of the file (then `next` again).
#[derive(Debug)]
pub enum FileRows {
    V2(FileJobs),
    V3(V3FileJobs),
}

/// One item of a file: a row, or a problem with the file itself (not counted; it goes to the
/// failures file: [`file_error_line`]).
#[derive(Debug)]
pub enum Item {
    Row(RowJob),
    FileError(RowError),
}

impl FileRows {
    pub fn feed(&mut self, chunk: &[u8]) {
        match self {
            FileRows::V2(f) => f.feed(chunk),
            FileRows::V3(f) => f.feed(chunk),
        }
    }

    pub fn finish(&mut self) {
        match self {
            FileRows::V2(f) => f.finish(),
            FileRows::V3(f) => f.finish(),
        }
    }

    /// The next item, or `None` until more of the file is fed.
    pub fn next(&mut self) -> Option<Item> {
        Some(match self {
            FileRows::V2(f) => match f.next_work()? {
                PlanWork::Job(job) => Item::Row(RowJob::V2(job)),
                PlanWork::FileError(e) => Item::FileError(e),
            },
            FileRows::V3(f) => match f.next_work()? {
                PlanWork::Job(job) => Item::Row(RowJob::V3(job)),
                PlanWork::FileError(e) => Item::FileError(e),
            },
        })
    }
}

/// A row's job, not started.
#[derive(Clone, Debug)]
pub enum RowJob {
    V2(Box<Job>),
    V3(Box<V3Job>),
}

impl RowJob {
    pub fn row(&self) -> &RowRef {
        match self {
            RowJob::V2(j) => &j.row,
            RowJob::V3(j) => &j.row,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            RowJob::V2(j) => j.ending().reason(),
            RowJob::V3(j) => j.ending().reason(),
        }
    }
}

/// What a one-request task is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    SalePoints,
    KnownBranches,
    Log,
    /// Any request whose answer the caller reads ([`Task::one`]).
    Answer,
}

/// The machine a task runs under the engine.
#[derive(Clone, Debug)]
enum Work {
    V2(Box<V2Row>),
    V3(Box<V3Job>),
    /// One request whose answer the run reads (setup, the log).
    Read { purpose: Purpose, request: Request, effect: engine::Effect, answer: Option<(u16, String)> },
}

/// How a task ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Ended {
    Done,
    /// The engine stopped it (credentials refused, no answer after the retries, in doubt).
    Stopped(LoyaltyError),
}

impl Machine for Work {
    type Outcome = Ended;

    fn next(&mut self) -> Next<Ended> {
        let next = match self {
            Work::V2(row) => row.next(),
            Work::V3(job) => match job.next() {
                JobNext::Done(_) => None,
                JobNext::Send(r) => {
                    let effect = match (job.pending_create(), r.method) {
                        (Some(_), _) => engine::Effect::Once,
                        (None, Method::Get) => engine::Effect::Read,
                        (None, _) => engine::Effect::Idempotent,
                    };
                    Some((r, effect))
                }
            },
            Work::Read { request, effect, answer: None, .. } => Some((request.clone(), *effect)),
            Work::Read { .. } => None,
        };
        match next {
            Some((request, effect)) => Next::Send(request, effect),
            None => Next::Done(Ended::Done),
        }
    }

    fn feed(&mut self, status: u16, body: &str) {
        match self {
            Work::V2(row) => row.feed(status, body),
            Work::V3(job) => {
                job.feed(status, body);
            }
            Work::Read { answer, .. } => *answer = Some((status, body.to_string())),
        }
    }

    fn may_have_landed(&mut self) -> bool {
        match self {
            Work::V2(row) => row.may_have_landed(),
            // A v3 create is sent again: its repeat's refusal settles it.
            Work::V3(job) if job.pending_create().is_some() => {
                job.may_have_landed();
                true
            }
            _ => false,
        }
    }

    fn fail(&mut self, error: LoyaltyError) -> Ended {
        Ended::Stopped(error)
    }
}

/// What a driver does next for a task.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskStep {
    /// Append this line to the journal and wait until it is durable, then ask again.
    Journal(String),
    /// Send this request (when the pace allows), then [`Task::feed`] the answer.
    Send(Request),
    /// Sleep, then ask again. `pace_all`: a 429, every request of the account waits as long;
    /// `note`: what happened, for the operator.
    Wait { ms: u64, pace_all: bool, note: String },
    Done,
}

/// One exchange of the run (a row, a setup read, the log) under WoowUp's policy.
#[derive(Clone, Debug)]
pub struct Task {
    exchange: Exchange<Work>,
    /// The request whose intent was journaled last.
    announced: Option<Request>,
    queued: Option<Request>,
    counters: Counters,
    /// The last request sent (`METHOD /path`), and why it is retried: the reason counted
    /// (a status, or `network` for a lost answer) and what happened, for the note.
    sent: String,
    retry_reason: Option<(String, String)>,
    attempt: u32,
}

fn method_and_path(r: &Request) -> String {
    let rest = r.url.split_once("://").map_or(r.url.as_str(), |(_, rest)| rest);
    let path = rest.find('/').map_or("/", |i| &rest[i..]); // no-panic: `find` gives a char boundary
    format!("{} {}", r.method.as_str(), path.split(['?', '#']).next().unwrap_or(path))
}

impl Task {
    fn new(work: Work, policy: &Policy) -> Task {
        Task { exchange: Exchange::new(work, *policy), announced: None, queued: None, counters: Counters::default(), sent: String::new(), retry_reason: None, attempt: 0 }
    }

    fn read(purpose: Purpose, request: Request, effect: engine::Effect, policy: &Policy) -> Task {
        Task::new(Work::Read { purpose, request, effect, answer: None }, policy)
    }

    /// One request to WoowUp under its policy (`max_retries` after a 5xx or a lost answer); its
    /// answer is [`Task::answer`] once done.
    pub fn one(request: Request, effect: engine::Effect, max_retries: u32) -> Task {
        Task::read(Purpose::Answer, request, effect, &woowup_policy(max_retries))
    }

    /// The answer of a one-request task: `(status, body)`, or why there is none.
    pub fn answer(&self) -> std::result::Result<(u16, String), Stop> {
        if let Some(stop) = self.stopped() {
            return Err(stop);
        }
        match self.exchange.machine() {
            Work::Read { answer: Some(a), .. } => Ok(a.clone()),
            _ => Err(Stop { error: LoyaltyError::invalid("task", "not answered yet"), request: self.sent.clone() }),
        }
    }

    /// What to do now.
    pub fn next(&mut self) -> TaskStep {
        if let Some(request) = self.queued.take() {
            return self.send(request);
        }
        match self.exchange.next() {
            Step::Send(request) => {
                let intent = match self.exchange.machine() {
                    Work::V2(row) => row.intent(),
                    Work::V3(job) => job.intent(),
                    Work::Read { purpose: Purpose::Log, request, .. } => Some(Intent::log(method_and_path(request))),
                    Work::Read { .. } => None,
                };
                match intent {
                    Some(intent) if self.announced.as_ref() != Some(&request) => {
                        self.announced = Some(request.clone());
                        self.queued = Some(request);
                        TaskStep::Journal(JournalLine::Intent(intent).to_json())
                    }
                    _ => self.send(request),
                }
            }
            Step::Wait(ms) => {
                let (reason, what) = self.retry_reason.take().unwrap_or_default();
                self.counters.retries += 1;
                *self.counters.retries_by_reason.entry(reason.clone()).or_default() += 1;
                let pace_all = reason == "429";
                let path = self.sent.split_once(' ').map_or(self.sent.as_str(), |(_, p)| p);
                let note = format!("{what} from {path}: retry {} in {} s", self.attempt, (ms as f64 / 100.0).round() / 10.0);
                TaskStep::Wait { ms, pace_all, note }
            }
            Step::Done(_) => TaskStep::Done,
        }
    }

    fn send(&mut self, request: Request) -> TaskStep {
        let sent = method_and_path(&request);
        if sent != self.sent {
            self.attempt = 0;
        }
        self.sent = sent;
        self.attempt += 1;
        self.counters.requests += 1;
        if let Work::V2(row) = self.exchange.machine() {
            self.counters.checks = row.checks;
        }
        TaskStep::Send(request)
    }

    /// The answer to the request of the last [`TaskStep::Send`]; `now_unix` reads
    /// `Retry-After` dates, `jitter` in [0, 1] spreads the backoff.
    pub fn feed(&mut self, answer: Answer, now_unix: i64, jitter: f64) {
        self.retry_reason = Some(match &answer {
            Answer::Response(r) => (r.status.to_string(), format!("HTTP {}", r.status)),
            Answer::Lost(t) => ("network".into(), t.message.clone()),
        });
        self.exchange.feed(answer, now_unix, jitter);
    }

    /// The row, for a row's task.
    pub fn row(&self) -> Option<&RowRef> {
        match self.exchange.machine() {
            Work::V2(row) => Some(&row.job.row),
            Work::V3(job) => Some(&job.row),
            Work::Read { .. } => None,
        }
    }

    fn code(&self) -> Option<&'static str> {
        match self.exchange.machine() {
            Work::V2(row) => row.job.ending().code(),
            Work::V3(job) => job.ending().code(),
            Work::Read { .. } => None,
        }
    }

    /// Why the engine stopped the task, if it did.
    pub fn stopped(&self) -> Option<Stop> {
        match self.exchange.done() {
            Some(Ended::Stopped(error)) => Some(Stop { error: error.clone(), request: self.sent.clone() }),
            _ => None,
        }
    }
}
