//! The end-of-day batch for the command line (`pkg-template/cli/batch.js`): the core's
//! streaming parser, planner, step machines, statistics and journal behind four classes.
//! They are not a namespace of the package's API (only the CLI imports them, straight from the
//! wasm-bindgen module), so they carry no types in index.d.ts.
//!
//! ```text
//! run = new BatchRun(settings)            credentials, URLs, points options, mapping
//! run.salePointsRequest() / readSalePoints(status, body)      (unless settings give them)
//! run.statsRequest() / readKnownBranches(status, body)        (optional)
//! run.resume(journalText)                 rows an interrupted run finished, rows in doubt
//! file = run.file(name)                   per file, in batchOrderFiles order
//!   file.feed(chunk) … file.finish()      Node stream chunks
//!   job = file.next()                     until undefined (then feed more)
//!     run.prepare(job)                    false: finished by the interrupted run, skip it
//!     req = job.next()                    request, or null when done
//!       job.hasEffect → write job.intentLine() to the journal first
//!       job.inDoubt   → run.checkRequest(job), job.readCheck(status, body): true = it landed
//!       req = job.feed(status, body)
//!     line = run.record(job)              journal line; job.failureLine() when it failed
//! run.logRequest(processingtime)          POST /v1/log; run.readLog(status, body)
//! ```

use super::error::JsResult;
use super::input::{integer, optional_string, status, string, strings, Fields};
use super::output::{object, request};
use crate::batch::csv::CsvOptions;
use crate::batch::doubt::{self, Doubts, Effect};
use crate::batch::journal::request_json;
use crate::batch::{dry_run_line, entity_of_file, order_files, FileJobs, FileParser, Job, JobNext, JournalEntry, Mapping, Parsed, PlanOptions, Planner, Resume, RowRef, Work};
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{json_encode, Array, Value};
use crate::woowup::connectors::{
    check_iso8601, iso8601_utc, log_request, logs_request, read_log_response, read_logs_response, read_stats_response, stats_request,
    ConnectorsConfig, Entity, LogRecord, LogsQuery, Outcome, RowError, StatsAuth, StatsCollector, StatsQuery,
};
use crate::woowup::{read_sale_points, read_user_lookup, Client, Decimal, Lookup, PointsRule, UnknownCustomer};
use crate::engine::{self, Answer, Attempts, Backoff, Decision, Policy, Response};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

const SETTINGS: [&str; 11] = [
    "appId",
    "apiKey",
    "baseUrl",
    "apiUrl",
    "connectorsUrl",
    "statsAuth",
    "salePoints",
    "rule",
    "unknownCustomer",
    "directUid",
    "mapping",
];

fn flag(value: Option<String>, field: &str) -> Result<bool> {
    match value.as_deref() {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(LoyaltyError::invalid(field, "must be \"true\" or \"false\"")),
    }
}

fn connectors_config(fields: &Fields, api_key: &str) -> Result<ConnectorsConfig> {
    let mut connectors = ConnectorsConfig::new(api_key);
    if let Some(url) = fields.optional("connectorsUrl")? {
        connectors.connectors_base_url = crate::http::base_url(&url, "connectorsUrl")?;
    }
    if let Some(url) = fields.optional("apiUrl")? {
        connectors.api_base_url = crate::http::base_url(&url, "apiUrl")?;
    }
    connectors.stats_auth = match fields.optional("statsAuth")?.as_deref() {
        None | Some("basic") => StatsAuth::Basic,
        Some("bearer") => StatsAuth::Bearer,
        Some(_) => return Err(LoyaltyError::invalid("statsAuth", "must be basic or bearer")),
    };
    Ok(connectors)
}


/// One batch run: the client, the points options, the statistics and what an interrupted run
/// left in its journal.
#[wasm_bindgen(js_name = BatchRun)]
pub struct BatchRun {
    client: Client,
    connectors: ConnectorsConfig,
    options: PlanOptions,
    sale_points_known: bool,
    mapping: Mapping,
    stats: StatsCollector,
    resume: Resume,
    doubts: Doubts,
}

#[wasm_bindgen(js_class = BatchRun)]
impl BatchRun {
    /// `{ appId, apiKey, baseUrl?, apiUrl?, connectorsUrl?, statsAuth?, salePoints?, rule?,
    /// unknownCustomer?, directUid?, mapping? }`, every value a string (`directUid`: "true").
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> JsResult<BatchRun> {
        let fields = Fields::new(&settings, "settings", &SETTINGS)?;
        let api_key = fields.required("apiKey")?;
        let mut client = Client::new(&fields.required("appId")?, api_key.as_str())?;
        if let Some(url) = fields.optional("baseUrl")? {
            client = client.with_base_url(&url)?;
        }
        let connectors = connectors_config(&fields, &api_key)?;
        let mut options = PlanOptions::new(Decimal::ZERO);
        let mut sale_points_known = false;
        if let Some(points) = fields.optional("salePoints")? {
            options.sale_points = Decimal::parse(points.trim(), "salePoints")?;
            if options.sale_points.is_negative() {
                return Err(LoyaltyError::invalid("salePoints", "must not be negative").into());
            }
            sale_points_known = true;
        }
        if let Some(rule) = fields.optional("rule")? {
            options.rule = rule.parse::<PointsRule>().map_err(|e| LoyaltyError::invalid("rule", e.to_string()))?;
        }
        options.unknown_customer = match fields.optional("unknownCustomer")?.as_deref() {
            None | Some("skip") => UnknownCustomer::Skip,
            Some("initialize") => UnknownCustomer::Initialize,
            Some(_) => return Err(LoyaltyError::invalid("unknownCustomer", "must be skip or initialize").into()),
        };
        options.direct_uid = flag(fields.optional("directUid")?, "directUid")?;
        let mapping = match fields.optional("mapping")? {
            Some(text) => Mapping::from_json(&text)?,
            None => Mapping::default(),
        };
        Ok(BatchRun {
            client,
            connectors,
            options,
            sale_points_known,
            mapping,
            // Every failure goes to the failures file as it happens: keep none in memory.
            stats: StatsCollector::with_max_errors(0),
            resume: Resume::default(),
            doubts: Doubts::default(),
        })
    }

    /// `GET contest_sale_points`.
    #[wasm_bindgen(js_name = salePointsRequest)]
    pub fn sale_points_request(&self) -> JsResult<JsValue> {
        Ok(request(self.client.contest_sale_points()?))
    }

    /// Reads the sale points; none or 0 is an error (nothing would be rewarded). Returns them as text.
    #[wasm_bindgen(js_name = readSalePoints)]
    pub fn read_sale_points(&mut self, status_code: JsValue, body: JsValue) -> JsResult<String> {
        let points = read_sale_points(status(&status_code)?, &string(&body, "body")?)?;
        match points {
            Some(p) if !p.is_zero() => {
                self.options.sale_points = p;
                self.sale_points_known = true;
                Ok(p.to_string())
            }
            _ => Err(LoyaltyError::invalid("contest_sale_points", "the program gives no points per sale: no purchase would be rewarded").into()),
        }
    }

    /// `GET apiv3/stats` (the branches WoowUp knows).
    #[wasm_bindgen(js_name = statsRequest)]
    pub fn stats_request(&self) -> JsResult<JsValue> {
        Ok(request(stats_request(&self.connectors, &StatsQuery::default())?))
    }

    /// Reads the account's branches (to tell created branch rows from updated ones); returns how
    /// many. An empty list says nothing (`apiv3/stats` lists branches with activity only): every
    /// branch row then counts as updated.
    #[wasm_bindgen(js_name = readKnownBranches)]
    pub fn read_known_branches(&mut self, status_code: JsValue, body: JsValue) -> JsResult<u32> {
        let stats = read_stats_response(status(&status_code)?, &string(&body, "body")?)?;
        let known: std::collections::HashSet<String> = stats.per_branches.into_iter().filter_map(|b| b.branch).collect();
        let n = known.len() as u32;
        self.options.known_branches = if known.is_empty() { None } else { Some(known) };
        Ok(n)
    }

    /// Reads an interrupted run's journal (complete lines; the header line is skipped): counts
    /// the rows it finished, and notes the rows whose request may have landed unanswered.
    /// Returns `{ done, inDoubt }`.
    pub fn resume(&mut self, journal: JsValue) -> JsResult<JsValue> {
        let journal = string(&journal, "journal")?;
        self.resume = Resume::from_journal(&doubt::outcome_lines(&journal), &mut self.stats)?;
        self.doubts = Doubts::from_journal(&journal);
        Ok(object(&[("done", (self.resume.len() as f64).into()), ("inDoubt", (self.doubts.len() as f64).into())]))
    }

    /// The jobs of one file; declares it in the statistics.
    pub fn file(&mut self, name: JsValue) -> JsResult<BatchFile> {
        let name = string(&name, "name")?;
        let entity = entity_of_file(&name).ok_or_else(|| LoyaltyError::invalid("file", format!("{name:?} is not a day file")))?;
        if entity == Entity::Purchases && !self.sale_points_known {
            return Err(LoyaltyError::missing("salePoints").into());
        }
        let planner = Planner::new(&self.client, self.options.clone())?;
        let jobs = planner.file_jobs(&name, &self.mapping, CsvOptions::default())?;
        self.stats.add_file(entity, &name);
        Ok(BatchFile { jobs })
    }

    /// Whether the job is to be run: `false` when the interrupted run finished it (it is
    /// counted from the journal). Marks a row in doubt.
    pub fn prepare(&self, job: &mut BatchJob) -> bool {
        let Some(j) = &job.job else { return true };
        if self.resume.contains(&j.row) {
            return false;
        }
        job.doubt = self.doubts.get(&j.row.file, j.row.line, &j.row.key).cloned();
        job.resumed_doubt = job.doubt.is_some();
        true
    }

    /// The request asking WoowUp whether the pending request of a job in doubt landed.
    #[wasm_bindgen(js_name = checkRequest)]
    pub fn check_request(&self, job: &BatchJob) -> JsResult<JsValue> {
        let effect = doubt::require(job.effect.as_ref())?;
        Ok(request(effect.check_request(&self.client, job.userapp_id.as_deref())?))
    }

    /// Counts a finished job; returns its journal line.
    pub fn record(&mut self, job: &BatchJob) -> JsResult<String> {
        let j = job.job.as_ref().ok_or_else(|| LoyaltyError::invalid("job", "a file error is not a row"))?;
        let mut entry = JournalEntry::of(j)?;
        if let Some(evidence) = &job.landed {
            entry.detail = Some(match entry.detail.take() {
                Some(d) => format!("{d} ({evidence}: sent before, not again)"),
                None => format!("{evidence}: sent before, not again"),
            });
        }
        // A customer whose initialize_user was in flight when the run stopped is found now: the
        // interrupted run added them.
        if job.resumed_doubt && entry.outcome == Outcome::Updated && matches!(job.doubt, Some(Effect::NewCustomer { .. })) {
            entry.outcome = Outcome::Created;
            entry.detail = Some("initialize_user: added by the interrupted run (found in WoowUp)".into());
        }
        entry.replay(&mut self.stats)?;
        Ok(entry.to_json()?)
    }

    /// Counts a job of a dry run as if every request succeeded: a row to send is a created
    /// purchase, or an updated customer or product (WoowUp's answers would decide).
    #[wasm_bindgen(js_name = recordDry)]
    pub fn record_dry(&mut self, job: &BatchJob) -> JsResult<()> {
        let j = job.job.as_ref().ok_or_else(|| LoyaltyError::invalid("job", "a file error is not a row"))?;
        match j.next() {
            JobNext::Done(_) => j.record(&mut self.stats)?,
            JobNext::Send(_) => {
                let outcome = if j.row.tally.entity == Entity::Purchases { Outcome::Created } else { Outcome::Updated };
                self.stats.record(&j.row.tally, outcome)?
            }
        }
        Ok(())
    }

    /// The connectors log payload (JSON text).
    pub fn payload(&self, processingtime: JsValue) -> JsResult<String> {
        Ok(self.stats.payload_json(&string(&processingtime, "processingtime")?)?)
    }

    /// `POST /v1/log` with the payload.
    #[wasm_bindgen(js_name = logRequest)]
    pub fn log_request(&self, processingtime: JsValue) -> JsResult<JsValue> {
        let payload = self.stats.payload(&string(&processingtime, "processingtime")?)?;
        Ok(request(log_request(&self.connectors, &payload)?))
    }

    /// The dry-run line of the log request: `{"log": {method, url, headers (redacted), body}}`.
    #[wasm_bindgen(js_name = dryRunLogLine)]
    pub fn dry_run_log_line(&self, processingtime: JsValue) -> JsResult<String> {
        let payload = self.stats.payload(&string(&processingtime, "processingtime")?)?;
        let mut a = Array::new();
        a.set("log", request_json(&log_request(&self.connectors, &payload)?)?);
        Ok(json_encode(&Value::Array(a))?)
    }

    /// Checks the answer to `POST /v1/log` (a refusal is thrown as `remote_error`); returns the
    /// record's `createtime` when the server echoes it.
    #[wasm_bindgen(js_name = readLog)]
    pub fn read_log(&self, status_code: JsValue, body: JsValue) -> JsResult<Option<String>> {
        let record = read_log_response(status(&status_code)?, &string(&body, "body")?)?;
        Ok(record.and_then(|r| r.createtime))
    }

    /// `{ customers: {created, updated, failed}, …, revenue }` of the rows counted so far.
    pub fn totals(&self) -> JsValue {
        let mut props: Vec<(&str, JsValue)> = Entity::ALL
            .iter()
            .map(|e| {
                let (c, u, f) = self.stats.totals(*e);
                (e.as_str(), object(&[("created", (c as f64).into()), ("updated", (u as f64).into()), ("failed", (f as f64).into())]))
            })
            .collect();
        props.push(("revenue", self.stats.exact_revenue().to_string().into()));
        object(&props)
    }
}

/// The jobs of one file, fed in chunks.
#[wasm_bindgen(js_name = BatchFile)]
pub struct BatchFile {
    jobs: FileJobs,
}

#[wasm_bindgen(js_class = BatchFile)]
impl BatchFile {
    pub fn feed(&mut self, chunk: &[u8]) {
        self.jobs.feed(chunk);
    }

    pub fn finish(&mut self) {
        self.jobs.finish();
    }

    /// The next job, or `undefined` until more of the file is fed.
    #[wasm_bindgen(js_name = next)]
    pub fn next_job(&mut self) -> Option<BatchJob> {
        self.jobs.next_work().map(|work| match work {
            Work::Job(job) => BatchJob::of(*job),
            Work::FileError(e) => BatchJob::file_error(e),
        })
    }
}

/// One row's requests (or a problem with the file itself: `isFileError`).
#[wasm_bindgen(js_name = BatchJob)]
pub struct BatchJob {
    job: Option<Job>,
    file_error: Option<RowError>,
    /// What the pending request changes in WoowUp, if anything.
    effect: Option<Effect>,
    /// Whether the pending request is a customer lookup (its answer gives the `userapp_id`).
    lookup: bool,
    /// The effect that may have landed unanswered (from the journal, or after a 502/503/network error).
    doubt: Option<Effect>,
    resumed_doubt: bool,
    userapp_id: Option<String>,
    /// How WoowUp showed that a request in doubt had landed.
    landed: Option<String>,
}

fn json_line(pairs: &[(&str, Value)]) -> Result<String> {
    let mut a = Array::new();
    for (k, v) in pairs {
        a.set(*k, v.clone());
    }
    json_encode(&Value::Array(a))
}

fn opt(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::str)
}

impl BatchJob {
    fn of(job: Job) -> BatchJob {
        BatchJob { job: Some(job), file_error: None, effect: None, lookup: false, doubt: None, resumed_doubt: false, userapp_id: None, landed: None }
    }

    fn file_error(e: RowError) -> BatchJob {
        BatchJob { job: None, file_error: Some(e), effect: None, lookup: false, doubt: None, resumed_doubt: false, userapp_id: None, landed: None }
    }

    fn pending(&mut self, next: JobNext) -> JsValue {
        match next {
            JobNext::Send(r) => {
                self.effect = doubt::effect_of(&r);
                self.lookup = is_lookup(&r);
                request(r)
            }
            JobNext::Done(_) => {
                self.effect = None;
                self.lookup = false;
                JsValue::NULL
            }
        }
    }

    fn job(&self) -> Result<&Job> {
        self.job.as_ref().ok_or_else(|| LoyaltyError::invalid("job", "a file error has no requests"))
    }
}

/// A lookup's answer "found", for a dry run: the uid looked up, or a placeholder naming the email.
fn assumed_user(lookup: &Request) -> Option<String> {
    if !is_lookup(lookup) {
        return None;
    }
    let query = lookup.url.split_once('?')?.1;
    let value = |name: &str| {
        query.split('&').find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('='))).map(crate::batch::doubt::form_value)
    };
    let uid = match (value("uid"), value("email")) {
        (Some(Some(uid)), _) => uid,
        (_, Some(Some(email))) => format!("<service_uid of {email}>"),
        _ => return None,
    };
    let mut user = Array::new();
    user.set("service_uid", Value::str(uid));
    user.set("userapp_id", Value::str("0"));
    let mut data = Array::new();
    data.set("user", Value::Array(user));
    json_line(&[("status", Value::Bool(true)), ("data", Value::Array(data))]).ok()
}

fn is_lookup(r: &Request) -> bool {
    r.method == Method::Get && {
        let path = r.url.split('?').next().unwrap_or("");
        path.ends_with("/user_by_uid") || path.ends_with("/user_by_email")
    }
}

/// Where a job, or a file's error, stands in the day's files: what the getters of the job
/// classes (`BatchJob`, and `BatchJobV3` in batch_v3.rs) show.
pub(super) struct Place<'a>(pub(super) Option<&'a RowRef>, pub(super) Option<&'a RowError>);

impl Place<'_> {
    pub(super) fn file(&self) -> String {
        match self {
            Place(Some(r), _) => r.file.to_string(),
            Place(_, Some(e)) => e.file.clone(),
            _ => String::new(),
        }
    }

    pub(super) fn line(&self) -> f64 {
        match self {
            Place(Some(r), _) => r.line as f64,
            Place(_, Some(e)) => e.line as f64,
            _ => 0.0,
        }
    }

    pub(super) fn key(&self) -> String {
        self.0.map(|r| r.key.clone()).unwrap_or_default()
    }

    pub(super) fn entity(&self) -> String {
        match self {
            Place(Some(r), _) => r.tally.entity.as_str().into(),
            Place(_, Some(e)) => e.entity.as_str().into(),
            _ => String::new(),
        }
    }
}

#[wasm_bindgen(js_class = BatchJob)]
impl BatchJob {
    fn place(&self) -> Place<'_> {
        Place(self.job.as_ref().map(|j| &j.row), self.file_error.as_ref())
    }

    #[wasm_bindgen(getter, js_name = isFileError)]
    pub fn is_file_error(&self) -> bool {
        self.file_error.is_some()
    }

    #[wasm_bindgen(getter)]
    pub fn file(&self) -> String {
        self.place().file()
    }

    #[wasm_bindgen(getter)]
    pub fn line(&self) -> f64 {
        self.place().line()
    }

    #[wasm_bindgen(getter)]
    pub fn key(&self) -> String {
        self.place().key()
    }

    #[wasm_bindgen(getter)]
    pub fn entity(&self) -> String {
        self.place().entity()
    }

    /// `"created"`, `"updated"`, `"failed"`, or `undefined` while running.
    #[wasm_bindgen(getter)]
    pub fn outcome(&self) -> Option<String> {
        self.job.as_ref().and_then(Job::outcome).map(|o| o.as_str().to_string())
    }

    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> Option<String> {
        match (&self.job, &self.file_error) {
            (Some(j), _) => j.reason().map(str::to_string),
            (_, Some(e)) => Some(e.reason.clone()),
            _ => None,
        }
    }

    /// The request to send, or `null` when the job is over.
    #[wasm_bindgen(js_name = next)]
    pub fn next_request(&mut self) -> JsResult<JsValue> {
        let next = self.job()?.next();
        Ok(self.pending(next))
    }

    /// Feeds the answer to the pending request; returns the next request or `null`.
    pub fn feed(&mut self, status_code: JsValue, body: JsValue) -> JsResult<JsValue> {
        let (status_code, body) = (status(&status_code)?, string(&body, "body")?);
        if self.lookup {
            if let Ok(Lookup::Found { user }) = read_user_lookup(status_code, &body) {
                self.userapp_id = user.userapp_id.or(user.service_uid);
            }
        }
        let repeated = match (&self.doubt, &self.effect) {
            (Some(_), Some(effect)) => doubt::is_repeated_invoice(effect, status_code, &body),
            _ => None,
        };
        let job = self.job.as_mut().ok_or_else(|| LoyaltyError::invalid("job", "a file error has no requests"))?;
        let next = match repeated {
            Some(landed) => {
                let (s, b) = landed.answer();
                let next = job.feed(s, b);
                self.landed = Some(landed.evidence);
                next
            }
            None => job.feed(status_code, &body),
        };
        Ok(self.pending(next))
    }

    /// Whether the pending request changes WoowUp (a sale, a new customer): journal its intent first.
    #[wasm_bindgen(getter, js_name = hasEffect)]
    pub fn has_effect(&self) -> bool {
        self.effect.is_some()
    }

    /// The journal line announcing the pending request.
    #[wasm_bindgen(js_name = intentLine)]
    pub fn intent_line(&self) -> JsResult<String> {
        let j = self.job()?;
        Ok(doubt::intent_line(&j.row.file, j.row.line, &j.row.key, doubt::require(self.effect.as_ref())?)?)
    }

    /// After a 502, a 503 or a network error: the pending request may have landed.
    #[wasm_bindgen(js_name = mayHaveLanded)]
    pub fn may_have_landed(&mut self) {
        if self.effect.is_some() {
            self.doubt = self.effect.clone();
        }
    }

    /// Whether WoowUp must be asked before the pending request is sent (again).
    #[wasm_bindgen(getter, js_name = inDoubt)]
    pub fn in_doubt(&self) -> bool {
        match (&self.doubt, &self.effect) {
            (Some(d), Some(e)) => std::mem::discriminant(d) == std::mem::discriminant(e),
            _ => false,
        }
    }

    /// Reads the answer to `run.checkRequest(job)`: `true` when the pending request had landed
    /// (the job then has its answer and goes on without sending it).
    #[wasm_bindgen(js_name = readCheck)]
    pub fn read_check(&mut self, status_code: JsValue, body: JsValue) -> JsResult<bool> {
        let effect = doubt::require(self.effect.as_ref())?.clone();
        let Some(landed) = effect.read_check(status(&status_code)?, &string(&body, "body")?)? else {
            return Ok(false);
        };
        let job = self.job.as_mut().ok_or_else(|| LoyaltyError::invalid("job", "a file error has no requests"))?;
        let (s, b) = landed.answer();
        let next = job.feed(s, b);
        self.landed = Some(landed.evidence);
        self.pending(next);
        Ok(true)
    }

    /// How WoowUp showed that a request sent before had landed, if it did.
    #[wasm_bindgen(getter)]
    pub fn landed(&self) -> Option<String> {
        self.landed.clone()
    }

    /// The failures-file line: `{"file","line","key","entity","reason"}`.
    #[wasm_bindgen(js_name = failureLine)]
    pub fn failure_line(&self) -> JsResult<String> {
        let line = match (&self.job, &self.file_error) {
            (Some(j), _) => json_line(&[
                ("file", Value::str(&*j.row.file)),
                ("line", Value::Int(j.row.line as i64)),
                ("key", Value::str(j.row.key.as_str())),
                ("entity", Value::str(j.row.tally.entity.as_str())),
                ("reason", opt(j.reason())),
                ("code", opt(j.code())),
            ])?,
            (_, Some(e)) => json_line(&[
                ("file", Value::str(e.file.as_str())),
                ("line", Value::Int(e.line as i64)),
                ("key", opt(e.key.as_deref())),
                ("entity", Value::str(e.entity.as_str())),
                ("reason", Value::str(e.reason.as_str())),
                ("code", Value::str("invalid_file")),
            ])?,
            _ => String::new(),
        };
        Ok(line)
    }

    /// The dry-run lines of the row, credentials redacted: its first request (or why it fails),
    /// and for a purchase whose first request looks the customer up, the sale as it would be
    /// sent if WoowUp knows the customer (`"assuming"` says so; the uid is the file's, or a
    /// placeholder naming the email), so that points and items can be checked before sending.
    #[wasm_bindgen(js_name = dryRunLines)]
    pub fn dry_run_lines(&self) -> JsResult<String> {
        let job = self.job()?;
        let mut out = dry_run_line(job)?;
        if let (Entity::Purchases, JobNext::Send(lookup)) = (job.row.tally.entity, job.next()) {
            if let Some(user) = assumed_user(&lookup) {
                let mut then = job.clone();
                if let JobNext::Send(sale) = then.feed(200, &user) {
                    out.push('\n');
                    out.push_str(&json_line(&[
                        ("file", Value::str(&*job.row.file)),
                        ("line", Value::Int(job.row.line as i64)),
                        ("key", Value::str(job.row.key.as_str())),
                        ("entity", Value::str("purchases")),
                        ("assuming", Value::str("WoowUp knows the customer")),
                        ("request", request_json(&sale)?),
                    ])?);
                }
            }
        }
        Ok(out)
    }
}

/// Counts the rows of a file without planning them (the estimate and the progress bar's total).
#[wasm_bindgen(js_name = BatchScan)]
pub struct BatchScan {
    parser: FileParser,
    rows: u64,
}

#[wasm_bindgen(js_class = BatchScan)]
impl BatchScan {
    /// `mapping`: the mapping's JSON text, or `undefined`.
    #[wasm_bindgen(constructor)]
    pub fn new(name: JsValue, mapping: JsValue) -> JsResult<BatchScan> {
        let name = string(&name, "name")?;
        let entity = entity_of_file(&name).ok_or_else(|| LoyaltyError::invalid("file", format!("{name:?} is not a day file")))?;
        let mapping = match optional_string(&mapping, "mapping")? {
            Some(text) => Mapping::from_json(&text)?,
            None => Mapping::default(),
        };
        Ok(BatchScan { parser: FileParser::new(entity, &name, &mapping, CsvOptions::default())?, rows: 0 })
    }

    fn drain(&mut self) {
        while let Some(item) = self.parser.next_item() {
            if matches!(item, Parsed::Row(..) | Parsed::Invalid(..)) {
                self.rows += 1;
            }
        }
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        self.parser.feed(chunk);
        self.drain();
    }

    /// The number of rows (customers, purchases, products, branches; invalid rows included).
    pub fn finish(&mut self) -> f64 {
        self.parser.finish();
        self.drain();
        self.rows as f64
    }
}

/// `[[entity, name], …]` in processing order (customers, products, branches, purchases).
#[wasm_bindgen(js_name = batchOrderFiles)]
pub fn batch_order_files(names: JsValue) -> JsResult<js_sys::Array> {
    let names = strings(&names, "names")?;
    Ok(order_files(&names)?
        .into_iter()
        .map(|(e, n)| JsValue::from(js_sys::Array::of2(&e.as_str().into(), &n.into())))
        .collect())
}

/// Checks a column mapping (thrown as `LoyaltyError` naming the key).
#[wasm_bindgen(js_name = batchCheckMapping)]
pub fn batch_check_mapping(text: JsValue) -> JsResult<()> {
    Mapping::from_json(&string(&text, "mapping")?)?;
    Ok(())
}

/// The retry state of one request under WoowUp's policy (the engine's `Attempts`): the command
/// line asks it what each answer means and only sleeps, checks or stops as it says.
#[wasm_bindgen(js_name = BatchAttempts)]
pub struct BatchAttempts {
    policy: Policy,
    effect: engine::Effect,
    attempts: Attempts,
}

#[wasm_bindgen(js_class = BatchAttempts)]
impl BatchAttempts {
    /// `effect`: `"read"`, `"idempotent"` or `"once"` (a sale, a new customer); `maxRetries`:
    /// retries of 502, 503 and lost answers (429s have their own 15-minute budget).
    #[wasm_bindgen(constructor)]
    pub fn new(effect: &str, max_retries: u32) -> JsResult<BatchAttempts> {
        let effect = match effect {
            "read" => engine::Effect::Read,
            "idempotent" => engine::Effect::Idempotent,
            "once" => engine::Effect::Once,
            _ => return Err(LoyaltyError::invalid("effect", "must be read, idempotent or once").into()),
        };
        let backoff = Backoff { max_attempts: max_retries.saturating_add(1), ..Policy::WOOWUP.backoff };
        Ok(BatchAttempts { policy: Policy::WOOWUP.with_backoff(backoff), effect, attempts: Attempts::default() })
    }

    /// What an answer means: `{ decision: "deliver" | "retry" | "in_doubt" | "stop", waitMs?,
    /// message? }`. `status` is `undefined` when there was no answer (`lost`: "timeout" or
    /// "network", with its description); `now` is Unix seconds and `jitter` in [0, 1].
    pub fn judge(&mut self, status: Option<u16>, retry_after: Option<String>, body: Option<String>, lost: Option<String>, description: Option<String>, now: f64, jitter: f64) -> JsResult<JsValue> {
        let answer = match status {
            Some(status) => {
                let mut r = Response::new(status, body.unwrap_or_default());
                if let Some(v) = retry_after {
                    r = r.with_header("retry-after", &v);
                }
                Answer::Response(r)
            }
            None => {
                let message = description.unwrap_or_default();
                match lost.as_deref() {
                    Some("timeout") => Answer::timeout(message),
                    _ => Answer::network(message),
                }
            }
        };
        let decision = self.attempts.judge(&self.policy, self.effect, &answer, now as i64, jitter);
        decision_js(decision)
    }

    /// After a request in doubt was checked and not found: the wait before sending it again,
    /// or a `stop` when the attempts are spent.
    #[wasm_bindgen(js_name = retryAfterDoubt)]
    pub fn retry_after_doubt(&mut self, jitter: f64) -> JsResult<JsValue> {
        let decision = self.attempts.retry(&self.policy, None, jitter).unwrap_or_else(|| {
            Decision::Stop(engine::in_doubt(&self.policy, "still no readable answer after the last attempt"))
        });
        decision_js(decision)
    }
}

fn decision_js(decision: Decision) -> JsResult<JsValue> {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&o, &k.into(), &v).map(|_| ());
    match decision {
        Decision::Deliver => set("decision", "deliver".into())?,
        Decision::InDoubt => set("decision", "in_doubt".into())?,
        Decision::Retry(ms) => {
            set("decision", "retry".into())?;
            set("waitMs", (ms as f64).into())?;
        }
        Decision::Stop(error) => {
            set("decision", "stop".into())?;
            set("code", error.code().into())?;
            set("message", error.to_string().into())?;
        }
    }
    Ok(o.into())
}

/// `processingtime` of a unix time in seconds.
#[wasm_bindgen(js_name = batchIso8601)]
pub fn batch_iso8601(unix_seconds: JsValue) -> JsResult<String> {
    Ok(iso8601_utc(integer(&unix_seconds, "unixSeconds")?))
}

/// Checks a `processingtime` given by the operator.
#[wasm_bindgen(js_name = batchCheckIso8601)]
pub fn batch_check_iso8601(text: JsValue) -> JsResult<()> {
    check_iso8601(&string(&text, "processingTime")?)?;
    Ok(())
}

/// `GET /v1/logs` from `{ apiKey, connectorsUrl?, entity?, page?, limit?, from?, to? }` (strings).
#[wasm_bindgen(js_name = batchLogsRequest)]
pub fn batch_logs_request(query: JsValue) -> JsResult<JsValue> {
    let fields = Fields::new(&query, "query", &["apiKey", "connectorsUrl", "entity", "page", "limit", "from", "to"])?;
    let api_key = fields.required("apiKey")?;
    let mut connectors = ConnectorsConfig::new(api_key.as_str());
    if let Some(url) = fields.optional("connectorsUrl")? {
        connectors.connectors_base_url = crate::http::base_url(&url, "connectorsUrl")?;
    }
    let number = |name: &str| -> Result<Option<u32>> {
        fields.optional(name)?.map(|s| s.trim().parse::<u32>().map_err(|_| LoyaltyError::invalid(name, "must be a whole number"))).transpose()
    };
    let entity = match fields.optional("entity")? {
        Some(e) => Some(Entity::parse(&e).ok_or_else(|| LoyaltyError::invalid("entity", "must be customers, purchases, products or branches"))?),
        None => None,
    };
    let query = LogsQuery { entity, page: number("page")?, limit: number("limit")?, from: fields.optional("from")?, to: fields.optional("to")? };
    Ok(request(logs_request(&connectors, &query)?))
}

fn record_json(r: &LogRecord) -> serde_json::Value {
    let stats: serde_json::Map<String, serde_json::Value> = r
        .stats
        .iter()
        .map(|(e, c)| {
            let branches: Vec<serde_json::Value> = c
                .per_branches
                .iter()
                .map(|b| serde_json::json!({"branch": b.branch, "created": b.created, "updated": b.updated, "failed": b.failed,
                    "revenue": b.revenue, "invoice_items": b.invoice_items}))
                .collect();
            (
                e.as_str().to_string(),
                serde_json::json!({"created": c.created, "updated": c.updated, "failed": c.failed, "revenue": c.revenue,
                    "invoice_items": c.invoice_items, "per_branches": branches}),
            )
        })
        .collect();
    serde_json::json!({"files": r.files, "processingtime": r.processingtime, "createtime": r.createtime, "stats": stats})
}

/// The records of a `GET /v1/logs` answer as JSON text (`[{files, processingtime, createtime,
/// stats: {entity: {created, updated, failed, revenue, invoice_items, per_branches}}}]`).
#[wasm_bindgen(js_name = batchReadLogs)]
pub fn batch_read_logs(status_code: JsValue, body: JsValue) -> JsResult<String> {
    let records = read_logs_response(status(&status_code)?, &string(&body, "body")?)?;
    let list: Vec<serde_json::Value> = records.iter().map(record_json).collect();
    Ok(serde_json::Value::Array(list).to_string())
}
