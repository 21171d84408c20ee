//! The end-of-day batch for the command line (`pkg-template/cli/batch.js`): the core's
//! [`crate::batch::Run`] (API v2 and v3) behind a few classes that only convert values. Not a
//! namespace of the package's API (only the CLI imports them, from its own wasm), so they carry
//! no types in index.d.ts.
//!
//! ```text
//! run = new BatchRun(api, settings, files)      "v2" | "v3"; settings: strings; files: [{name, size, mtime, sha256, rows}]
//! run.resume(text, size, durable?)              → { done, inDoubt, posted } ; else run.header(started)
//! for task of run.setup(): drive(task); say(run.finishSetup(task))
//! file = run.open(name); file.feed(chunk) … file.finish(); job = file.next()
//!   job.isFileError → job.failureLine()
//!   task = run.start(job)                       undefined: finished by the interrupted run
//!   drive(task): task.next() → { journal } | { send } | { wait, paceAll, note } | { done }
//!                task.feed(status, headers, body) or task.lost(kind, message)
//!   run.finish(task)                            → { journal, failure?, outcome } | { stop, code }
//! task = run.log(processingtime); drive(task); run.finishLog(task) → { log, error? }; run.end(…)
//! ```

use super::error::JsResult;
use super::input::{integer, optional_string, status, string, strings, Fields};
use super::output::{object, request};
use crate::batch::csv::CsvOptions;
use crate::batch::run::{file_error_line, FileRows, Item, LogState, RowJob, Run, Settings, Task, TaskStep};
use crate::batch::{entity_of_file, order_files, FileFacts, FileParser, Mapping, Parsed};
use crate::engine::{self, Answer, Response};
use crate::error::{LoyaltyError, Result};
use crate::woowup::connectors::{check_iso8601, iso8601_utc, logs_request, read_logs_response, ConnectorsConfig, Entity, LogRecord, LogsQuery, RowError};
use crate::woowup::v3::Pacer;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

fn text_map(value: &JsValue, field: &str) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    let object = value.dyn_ref::<js_sys::Object>().ok_or_else(|| LoyaltyError::invalid(field, "must be an object"))?;
    for entry in js_sys::Object::entries(object).iter() {
        let pair = js_sys::Array::from(&entry);
        let key = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        if value.is_undefined() {
            continue;
        }
        map.insert(key.clone(), string(&value, &format!("{field}.{key}"))?);
    }
    Ok(map)
}

fn number(value: &JsValue, field: &str) -> Result<u64> {
    u64::try_from(integer(value, field)?).map_err(|_| LoyaltyError::invalid(field, "must not be negative"))
}

fn file_facts(value: &JsValue) -> Result<Vec<FileFacts>> {
    let list = value.dyn_ref::<js_sys::Array>().ok_or_else(|| LoyaltyError::invalid("files", "must be an array"))?;
    let mut files = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let fields = Fields::new(&f, &format!("files[{i}]"), &["name", "size", "mtime", "sha256", "rows"])?;
        files.push(FileFacts {
            name: fields.required("name")?,
            size: number(&fields.get("size"), "size")?,
            mtime: fields.optional("mtime")?.unwrap_or_default(),
            sha256: fields.required("sha256")?,
            rows: number(&fields.get("rows"), "rows")?,
        });
    }
    Ok(files)
}

fn count(n: u64) -> JsValue {
    (n as f64).into()
}

/// One batch run.
#[wasm_bindgen(js_name = BatchRun)]
pub struct BatchRun {
    run: Run,
}

#[wasm_bindgen(js_class = BatchRun)]
impl BatchRun {
    /// `api`: "v2" or "v3"; `settings`: text values (`Settings::from_values`); `files`:
    /// `[{ name, size, mtime, sha256, rows }]`.
    #[wasm_bindgen(constructor)]
    pub fn new(api: JsValue, settings: JsValue, files: JsValue) -> JsResult<BatchRun> {
        let settings = Settings::from_values(&string(&api, "api")?, &text_map(&settings, "settings")?)?;
        Ok(BatchRun { run: Run::new(settings, file_facts(&files)?)? })
    }

    /// The first line of a new journal.
    pub fn header(&self, started: JsValue) -> JsResult<String> {
        Ok(self.run.header(&string(&started, "started")?))
    }

    /// The line of a resumption.
    pub fn resumed(&self, at: JsValue) -> JsResult<String> {
        Ok(self.run.resumed(&string(&at, "at")?))
    }

    /// Reads an interrupted run's journal (`size` on disk, `durable`: the length it made
    /// durable, or undefined): `{ done, inDoubt, posted }`; refusals are thrown.
    pub fn resume(&mut self, text: JsValue, size: JsValue, durable: JsValue) -> JsResult<JsValue> {
        let durable = if durable.is_undefined() || durable.is_null() { None } else { Some(number(&durable, "durable")?) };
        let r = self.run.resume(&string(&text, "journal")?, number(&size, "size")?, durable)?;
        Ok(object(&[("done", count(r.done as u64)), ("inDoubt", count(r.in_doubt as u64)), ("posted", r.posted.map_or(JsValue::NULL, JsValue::from))]))
    }

    /// The reads before the rows (API v2: sale points, branches).
    pub fn setup(&self) -> Vec<BatchTask> {
        self.run.setup().into_iter().map(|task| BatchTask { task }).collect()
    }

    /// A setup task's line for the operator; what the run cannot start with is thrown.
    #[wasm_bindgen(js_name = finishSetup)]
    pub fn finish_setup(&mut self, task: BatchTask) -> JsResult<String> {
        Ok(self.run.finish_setup(task.task)?)
    }

    /// The rows of one file.
    pub fn open(&self, name: JsValue) -> JsResult<BatchFile> {
        Ok(BatchFile { rows: self.run.open(&string(&name, "name")?)? })
    }

    /// The task of a row; `undefined` when the interrupted run finished it.
    pub fn start(&self, job: BatchJob) -> JsResult<Option<BatchTask>> {
        let job = job.job.ok_or_else(|| LoyaltyError::invalid("job", "a file error is not a row"))?;
        Ok(self.run.start(job)?.map(|task| BatchTask { task }))
    }

    /// A finished row: `{ journal, failure, outcome }`, or `{ stop, code }` when the run stops.
    pub fn finish(&mut self, task: BatchTask) -> JsValue {
        match self.run.finish(task.task) {
            Ok(f) => object(&[("journal", f.journal.into()), ("failure", f.failure.map_or(JsValue::NULL, JsValue::from)), ("outcome", f.outcome.as_str().into())]),
            Err(stop) => object(&[("stop", stop.to_string().into()), ("code", stop.error.code().into())]),
        }
    }

    /// A task given up (the run is stopping): its requests are counted.
    pub fn abandon(&mut self, task: BatchTask) {
        self.run.abandon(task.task);
    }

    /// The run's log request, as a task.
    pub fn log(&self, processingtime: JsValue) -> JsResult<BatchTask> {
        Ok(BatchTask { task: self.run.log(&string(&processingtime, "processingtime")?)? })
    }

    /// `{ log: "posted" | "refused" | "in_doubt" | "skipped", error? }`.
    #[wasm_bindgen(js_name = finishLog)]
    pub fn finish_log(&mut self, task: BatchTask) -> JsValue {
        let log = self.run.finish_log(task.task);
        match log.reason() {
            Some(why) => object(&[("log", log.name().into()), ("error", why.into())]),
            None => object(&[("log", log.name().into())]),
        }
    }

    /// The end line: the `log` and `error` of `finishLog`, the run's seconds.
    pub fn end(&self, at: JsValue, log: JsValue, error: JsValue, seconds: f64) -> JsResult<String> {
        let log = LogState::from_name(&string(&log, "log")?, optional_string(&error, "error")?)?;
        Ok(self.run.end(&string(&at, "at")?, &log, seconds))
    }

    /// The totals and counters as JSON text: `{ totals: {customers: {created, updated, failed},
    /// …, revenue}, counters: {requests, retries, retries_by_reason, checks, landed} }`.
    pub fn progress(&self) -> String {
        serde_json::json!({ "totals": self.run.totals(), "counters": self.run.counters() }).to_string()
    }

    /// `[fewest, most]` requests the rows left need.
    pub fn estimate(&self) -> Vec<f64> {
        let (low, high) = self.run.estimate();
        vec![low as f64, high as f64]
    }

    /// A dry run's row: `{ lines, outcome }` (counted as if every request succeeded).
    #[wasm_bindgen(js_name = dryRun)]
    pub fn dry_run(&mut self, job: &BatchJob) -> JsResult<JsValue> {
        let row = job.job.as_ref().ok_or_else(|| LoyaltyError::invalid("job", "a file error is not a row"))?;
        let (lines, outcome) = self.run.dry_run(row)?;
        Ok(object(&[("lines", lines.into()), ("outcome", outcome.as_str().into())]))
    }

    /// The dry run's last line: the log request, credentials redacted.
    #[wasm_bindgen(js_name = dryRunLog)]
    pub fn dry_run_log(&self, processingtime: JsValue) -> JsResult<String> {
        Ok(self.run.dry_run_log(&string(&processingtime, "processingtime")?)?)
    }
}

/// The rows of one file, fed in chunks.
#[wasm_bindgen(js_name = BatchFile)]
pub struct BatchFile {
    rows: FileRows,
}

#[wasm_bindgen(js_class = BatchFile)]
impl BatchFile {
    pub fn feed(&mut self, chunk: &[u8]) {
        self.rows.feed(chunk);
    }

    pub fn finish(&mut self) {
        self.rows.finish();
    }

    /// The next row (or problem with the file), or `undefined` until more of the file is fed.
    #[wasm_bindgen(js_name = next)]
    pub fn next_job(&mut self) -> Option<BatchJob> {
        self.rows.next().map(|item| match item {
            Item::Row(job) => BatchJob { job: Some(job), file_error: None },
            Item::FileError(e) => BatchJob { job: None, file_error: Some(e) },
        })
    }
}

/// A row not started, or a problem with the file itself (`isFileError`).
#[wasm_bindgen(js_name = BatchJob)]
pub struct BatchJob {
    job: Option<RowJob>,
    file_error: Option<RowError>,
}

#[wasm_bindgen(js_class = BatchJob)]
impl BatchJob {
    #[wasm_bindgen(getter, js_name = isFileError)]
    pub fn is_file_error(&self) -> bool {
        self.file_error.is_some()
    }

    /// `file:line: reason` of a file error.
    #[wasm_bindgen(getter)]
    pub fn problem(&self) -> Option<String> {
        self.file_error.as_ref().map(|e| format!("{}:{}: {}", e.file, e.line, e.reason))
    }

    /// The failures-file line of a file error.
    #[wasm_bindgen(js_name = failureLine)]
    pub fn failure_line(&self) -> Option<String> {
        self.file_error.as_ref().map(file_error_line)
    }
}

/// One exchange of the run (a row, a setup read, the log, any one request).
#[wasm_bindgen(js_name = BatchTask)]
pub struct BatchTask {
    task: Task,
}

#[wasm_bindgen(js_class = BatchTask)]
impl BatchTask {
    /// `{ journal }` (append it durably), `{ send }` (a request), `{ wait, paceAll, note }` or
    /// `{ done: true }`.
    pub fn next(&mut self) -> JsValue {
        match self.task.next() {
            TaskStep::Journal(line) => object(&[("journal", line.into())]),
            TaskStep::Send(r) => object(&[("send", request(r))]),
            TaskStep::Wait { ms, pace_all, note } => object(&[("wait", count(ms)), ("paceAll", pace_all.into()), ("note", note.into())]),
            TaskStep::Done => object(&[("done", true.into())]),
        }
    }

    /// The answer to the last `send`: status, headers (`[[name, value], …]`), body; `nowMs`
    /// Unix time, `jitter` in [0, 1].
    pub fn feed(&mut self, status_code: JsValue, headers: JsValue, body: JsValue, now_ms: f64, jitter: f64) -> JsResult<()> {
        let mut response = Response::new(status(&status_code)?, string(&body, "body")?);
        for entry in js_sys::Array::from(&headers).iter() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                response = response.with_header(&name, &value);
            }
        }
        self.task.feed(Answer::Response(response), (now_ms / 1000.0) as i64, jitter);
        Ok(())
    }

    /// No answer to the last `send`: `kind` "timeout" or "network", with its description.
    pub fn lost(&mut self, kind: &str, message: String, now_ms: f64, jitter: f64) {
        let answer = if kind == "timeout" { Answer::timeout(message) } else { Answer::network(message) };
        self.task.feed(answer, (now_ms / 1000.0) as i64, jitter);
    }

    /// A one-request task's answer `{ status, body }`; why there is none is thrown (its code:
    /// `network_error`, `in_doubt`, `remote_error`…).
    pub fn answer(&self) -> JsResult<JsValue> {
        match self.task.answer() {
            Ok((s, body)) => Ok(object(&[("status", f64::from(s).into()), ("body", body.into())])),
            Err(stop) => Err(stop.error.into()),
        }
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

/// `GET /v1/logs` from `{ apiKey, connectorsUrl?, entity?, page?, limit?, from?, to? }`
/// (strings), as a task of one request (3 retries): drive it, then `task.answer()`.
#[wasm_bindgen(js_name = batchLogsTask)]
pub fn batch_logs_task(query: JsValue) -> JsResult<BatchTask> {
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
    Ok(BatchTask { task: Task::one(logs_request(&connectors, &query)?, engine::Effect::Read, 3) })
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
