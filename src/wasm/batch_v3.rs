//! `batch --api v3` for the command line (`pkg-template/cli/batch.js`): the core's API v3 jobs
//! (`batch::v3`) and WoowUp's pacer (`woowup::v3::Pacer`) behind the same shape as
//! `batch.rs`'s classes, so the CLI's loop drives either. Nothing is decided here.
//!
//! ```text
//! run = new BatchRunV3({ apiKey, baseUrl?, unknownCustomer?, onDuplicate?, mapping? })
//! run.resume(journalText)            → { done, inDoubt }
//! file = run.file(name); file.feed(chunk) … file.finish(); job = file.next()
//!   run.prepare(job)                 false: finished by the interrupted run
//!   job.next() / job.feed(status, body) / job.hasEffect → job.intentLine() / job.mayHaveLanded()
//!   run.record(job)                  journal line
//! run.logRequest()                   POST /integration-stats; run.readLog(status, body)
//! pacer = new BatchPacer(perMinute); pacer.waitMs(nowMs), pacer.sent(nowMs), pacer.observe(nowMs, headers)
//! ```

use super::batch::Place;
use super::error::JsResult;
use super::input::{status, string, Fields};
use super::output::{object, request};
use crate::batch::csv::CsvOptions;
use crate::batch::journal::request_json;
use crate::batch::{entity_of_file, integration_stats, JobNext, Mapping, V3FileJobs, V3Job, V3Planner, V3Resume, V3Work};
use crate::error::LoyaltyError;
use crate::php::{json_encode, Array, Value};
use crate::woowup::connectors::{Entity, RowError, StatsCollector};
use crate::woowup::v3::{read, Answer, Client, OnDuplicate, Pacer, RecordOptions, UnknownCustomer};
use wasm_bindgen::prelude::*;

const SETTINGS: [&str; 5] = ["apiKey", "baseUrl", "unknownCustomer", "onDuplicate", "mapping"];

/// One API v3 batch run: the client, the options, the statistics, the interrupted run's journal.
#[wasm_bindgen(js_name = BatchRunV3)]
pub struct BatchRunV3 {
    client: Client,
    options: RecordOptions,
    mapping: Mapping,
    stats: StatsCollector,
    resume: V3Resume,
    entities: Vec<Entity>,
}

#[wasm_bindgen(js_class = BatchRunV3)]
impl BatchRunV3 {
    /// `{ apiKey, baseUrl?, unknownCustomer?: "skip" | "create", onDuplicate?: "update" | "keep",
    /// mapping? }`, every value a string.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> JsResult<BatchRunV3> {
        let fields = Fields::new(&settings, "settings", &SETTINGS)?;
        let mut client = Client::new(fields.required("apiKey")?)?;
        if let Some(url) = fields.optional("baseUrl")? {
            client = client.with_base_url(&url)?;
        }
        let unknown_customer = match fields.optional("unknownCustomer")?.as_deref() {
            None | Some("skip") => UnknownCustomer::Skip,
            Some("create") | Some("initialize") => UnknownCustomer::Create,
            Some(_) => return Err(LoyaltyError::invalid("unknownCustomer", "must be skip or create").into()),
        };
        let on_duplicate = match fields.optional("onDuplicate")?.as_deref() {
            None | Some("update") => OnDuplicate::Update,
            Some("keep") => OnDuplicate::Keep,
            Some(_) => return Err(LoyaltyError::invalid("onDuplicate", "must be update or keep").into()),
        };
        let options = RecordOptions { unknown_customer, on_duplicate };
        let mapping = match fields.optional("mapping")? {
            Some(text) => Mapping::from_json(&text)?,
            None => Mapping::default(),
        };
        Ok(BatchRunV3 {
            client,
            options,
            mapping,
            // The failures file has every failure; the log lists the first ones.
            stats: StatsCollector::with_max_errors(crate::batch::v3::MAX_LISTED_FAILURES),
            resume: V3Resume::default(),
            entities: Vec::new(),
        })
    }

    /// Reads an interrupted run's journal: counts the rows it finished, notes the rows whose
    /// create may have landed unanswered. Returns `{ done, inDoubt }`.
    pub fn resume(&mut self, journal: JsValue) -> JsResult<JsValue> {
        self.resume = V3Resume::from_journal(&string(&journal, "journal")?, &mut self.stats)?;
        Ok(object(&[("done", (self.resume.done.len() as f64).into()), ("inDoubt", (self.resume.doubts() as f64).into())]))
    }

    /// The jobs of one file; declares it in the statistics.
    pub fn file(&mut self, name: JsValue) -> JsResult<BatchFileV3> {
        let name = string(&name, "name")?;
        let entity = entity_of_file(&name).ok_or_else(|| LoyaltyError::invalid("file", format!("{name:?} is not a day file")))?;
        let jobs = V3Planner::new(&self.client, self.options).file_jobs(&name, &self.mapping, CsvOptions::default())?;
        self.stats.add_file(entity, &name);
        if !self.entities.contains(&entity) {
            self.entities.push(entity);
        }
        Ok(BatchFileV3 { jobs })
    }

    /// `false` when the interrupted run finished the row; marks a row in doubt.
    pub fn prepare(&self, job: &mut BatchJobV3) -> bool {
        let Some(j) = job.job.as_mut() else { return true };
        if self.resume.finished(&j.row) {
            return false;
        }
        if self.resume.in_doubt(&j.row) {
            j.set_in_doubt();
        }
        true
    }

    /// Counts a finished job; returns its journal line.
    pub fn record(&mut self, job: &BatchJobV3) -> JsResult<String> {
        let j = job.job()?;
        Ok(j.record(&mut self.stats)?.to_json()?)
    }

    /// Counts a job of a dry run as if every request succeeded.
    #[wasm_bindgen(js_name = recordDry)]
    pub fn record_dry(&mut self, job: &BatchJobV3) -> JsResult<()> {
        let j = job.job()?;
        match j.next() {
            JobNext::Done(_) => {
                j.record(&mut self.stats)?;
            }
            JobNext::Send(_) => {
                let outcome = if j.row.tally.entity == Entity::Purchases { crate::woowup::connectors::Outcome::Created } else { crate::woowup::connectors::Outcome::Updated };
                self.stats.record(&j.row.tally, outcome)?
            }
        }
        Ok(())
    }

    /// `POST /integration-stats` with the run's statistics.
    #[wasm_bindgen(js_name = logRequest)]
    pub fn log_request(&self) -> JsResult<JsValue> {
        Ok(request(self.client.create_integration_stats(&integration_stats(&self.stats, &self.entities)?)?))
    }

    /// The dry-run line of the log request: `{"log": {method, url, headers (redacted), body}}`.
    #[wasm_bindgen(js_name = dryRunLogLine)]
    pub fn dry_run_log_line(&self) -> JsResult<String> {
        let log = self.client.create_integration_stats(&integration_stats(&self.stats, &self.entities)?)?;
        let mut a = Array::new();
        a.set("log", request_json(&log)?);
        Ok(json_encode(&Value::Array(a))?)
    }

    /// Checks the answer to `POST /integration-stats` (a refusal is thrown).
    #[wasm_bindgen(js_name = readLog)]
    pub fn read_log(&self, status_code: JsValue, body: JsValue) -> JsResult<()> {
        match read(status(&status_code)?, &[], &string(&body, "body")?)? {
            Answer::Ok { .. } => Ok(()),
            Answer::Failed(f) => Err(f.into_error().into()),
        }
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
#[wasm_bindgen(js_name = BatchFileV3)]
pub struct BatchFileV3 {
    jobs: V3FileJobs,
}

#[wasm_bindgen(js_class = BatchFileV3)]
impl BatchFileV3 {
    pub fn feed(&mut self, chunk: &[u8]) {
        self.jobs.feed(chunk);
    }

    pub fn finish(&mut self) {
        self.jobs.finish();
    }

    /// The next job, or `undefined` until more of the file is fed.
    #[wasm_bindgen(js_name = next)]
    pub fn next_job(&mut self) -> Option<BatchJobV3> {
        self.jobs.next_work().map(|work| match work {
            V3Work::Job(job) => BatchJobV3 { job: Some(*job), file_error: None },
            V3Work::FileError(e) => BatchJobV3 { job: None, file_error: Some(e) },
        })
    }
}

/// One row's API v3 requests (or a problem with the file: `isFileError`).
#[wasm_bindgen(js_name = BatchJobV3)]
pub struct BatchJobV3 {
    job: Option<V3Job>,
    file_error: Option<RowError>,
}

impl BatchJobV3 {
    fn place(&self) -> Place<'_> {
        Place(self.job.as_ref().map(|j| &j.row), self.file_error.as_ref())
    }

    fn job(&self) -> Result<&V3Job, LoyaltyError> {
        self.job.as_ref().ok_or_else(|| LoyaltyError::invalid("job", "a file error has no requests"))
    }

    fn pending(next: JobNext) -> JsValue {
        match next {
            JobNext::Send(r) => request(r),
            JobNext::Done(_) => JsValue::NULL,
        }
    }
}

#[wasm_bindgen(js_class = BatchJobV3)]
impl BatchJobV3 {
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

    /// `"created"`, `"updated"`, `"failed"`, or `undefined` while running.
    #[wasm_bindgen(getter)]
    pub fn outcome(&self) -> Option<String> {
        self.job.as_ref().and_then(V3Job::outcome).map(|o| o.as_str().to_string())
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
    pub fn next_request(&self) -> JsResult<JsValue> {
        Ok(Self::pending(self.job()?.next()))
    }

    /// Feeds the answer to the pending request; returns the next request or `null`.
    pub fn feed(&mut self, status_code: JsValue, body: JsValue) -> JsResult<JsValue> {
        let (status_code, body) = (status(&status_code)?, string(&body, "body")?);
        let job = self.job.as_mut().ok_or_else(|| LoyaltyError::invalid("job", "a file error has no requests"))?;
        Ok(Self::pending(job.feed(status_code, &body)))
    }

    /// Whether the pending request creates something: journal its intent first.
    #[wasm_bindgen(getter, js_name = hasEffect)]
    pub fn has_effect(&self) -> bool {
        self.job.as_ref().is_some_and(|j| j.pending_create().is_some())
    }

    /// Never: a create in doubt is sent again and WoowUp's repeat answer settles it (no check).
    #[wasm_bindgen(getter, js_name = inDoubt)]
    pub fn in_doubt(&self) -> bool {
        false
    }

    /// The journal line announcing the pending create.
    #[wasm_bindgen(js_name = intentLine)]
    pub fn intent_line(&self) -> JsResult<String> {
        Ok(self.job()?.intent_line()?)
    }

    /// After a lost answer, a 502 or a 503: the pending create may have landed.
    #[wasm_bindgen(js_name = mayHaveLanded)]
    pub fn may_have_landed(&mut self) {
        if let Some(j) = self.job.as_mut() {
            j.may_have_landed();
        }
    }

    /// Always `undefined`: nothing is found by a separate check on API v3.
    #[wasm_bindgen(getter)]
    pub fn landed(&self) -> Option<String> {
        None
    }

    /// The failures-file line: `{file, line, key, entity, reason, code}`.
    #[wasm_bindgen(js_name = failureLine)]
    pub fn failure_line(&self) -> JsResult<String> {
        match (&self.job, &self.file_error) {
            (Some(j), _) => Ok(j.failure_line()?),
            (_, Some(e)) => {
                let mut a = Array::new();
                a.set("file", Value::str(e.file.as_str()));
                a.set("line", Value::Int(i64::try_from(e.line).unwrap_or(i64::MAX)));
                a.set("key", e.key.as_deref().map_or(Value::Null, Value::str));
                a.set("entity", Value::str(e.entity.as_str()));
                a.set("reason", Value::str(e.reason.as_str()));
                a.set("code", Value::str("invalid_file"));
                Ok(json_encode(&Value::Array(a))?)
            }
            _ => Ok(String::new()),
        }
    }

    /// The dry-run line of the row (its first request, credentials redacted).
    #[wasm_bindgen(js_name = dryRunLines)]
    pub fn dry_run_lines(&self) -> JsResult<String> {
        Ok(self.job()?.dry_run_line()?)
    }
}

/// WoowUp's pacer for one account (`woowup::v3::Pacer`): the command line asks it how long to
/// wait before each request and tells it what was sent and what the answers' headers said.
#[wasm_bindgen(js_name = BatchPacer)]
pub struct BatchPacer {
    pacer: Pacer,
}

#[wasm_bindgen(js_class = BatchPacer)]
impl BatchPacer {
    /// `perMinute`: the account's budget (WoowUp's 140 unless told otherwise).
    #[wasm_bindgen(constructor)]
    pub fn new(per_minute: u32) -> BatchPacer {
        BatchPacer { pacer: Pacer::new(per_minute) }
    }

    /// Milliseconds to wait before the next request (0: send now); `now_ms` is Unix time.
    #[wasm_bindgen(js_name = waitMs)]
    pub fn wait_ms(&self, now_ms: f64) -> f64 {
        self.pacer.wait_ms(now_ms.max(0.0) as u64) as f64
    }

    /// A request left at `now_ms`.
    pub fn sent(&mut self, now_ms: f64) {
        self.pacer.sent(now_ms.max(0.0) as u64);
    }

    /// An answer arrived with these headers (`[[name, value], …]`: `Retry-After`, `x-rate-limit-*`).
    pub fn observe(&mut self, now_ms: f64, headers: JsValue) -> JsResult<()> {
        let mut pairs = Vec::new();
        for entry in js_sys::Array::from(&headers).iter() {
            let pair = js_sys::Array::from(&entry);
            let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else { continue };
            pairs.push((name, value));
        }
        self.pacer.observe(now_ms.max(0.0) as u64, &pairs);
        Ok(())
    }

    /// The spacing between two requests, in milliseconds.
    #[wasm_bindgen(getter, js_name = intervalMs)]
    pub fn interval_ms(&self) -> f64 {
        self.pacer.interval_ms() as f64
    }
}
