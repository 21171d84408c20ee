//! Requests and response readers of WoowUp's data-processing endpoints:
//!
//! - `POST https://connectors.woowup.com/v1/log`: record a run's statistics;
//! - `GET https://connectors.woowup.com/v1/logs?entity&page&limit&from&to`: list them;
//! - `GET https://api.woowup.com/apiv3/stats?from&to&branch`: the account's totals.
//!
//! `/v1/log` and `/v1/logs` authenticate with `Authorization: Bearer {API_KEY}` (the page's
//! header tables). The page gives no header for `apiv3/stats`; it lives on API v3, whose clients
//! send `Authorization: Basic {API_KEY}` (the raw key), so that is the default there, and
//! [`ConnectorsConfig::stats_auth`] switches it to `Bearer`. Query strings are written by
//! `php::http_build_query`, bodies by `php::json_encode`.
//!
//! Readers are lenient in one documented way: a comma before a closing `}` or `]` (outside
//! strings) is ignored, because the page's own `apiv3/stats` example has one. Everything else
//! must be JSON; numbers sent as numeric strings (`"12"`) are accepted, as WoowUp's APIs often
//! send them.

use super::stats::Entity;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{http_build_query, json_encode, Array, Value};
use crate::secret::Secret;
use serde_json::Value as Json;

/// The default base of the connectors API.
pub const CONNECTORS_BASE_URL: &str = "https://connectors.woowup.com";
/// The default base of API v3 (where `apiv3/stats` lives).
pub const API_BASE_URL: &str = "https://api.woowup.com";

const SERVICE: &str = "woowup-connectors";

/// The authorization scheme of `GET apiv3/stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatsAuth {
    /// `Authorization: Basic {API_KEY}`, as API v3's clients send it (the raw key, not base64).
    #[default]
    Basic,
    /// `Authorization: Bearer {API_KEY}`, as the connectors endpoints take it.
    Bearer,
}

/// The account's API key and the two base URLs (configurable for the emulator and tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectorsConfig {
    pub api_key: Secret,
    /// `https://connectors.woowup.com` by default; no trailing slash needed.
    pub connectors_base_url: String,
    /// `https://api.woowup.com` by default.
    pub api_base_url: String,
    /// How `apiv3/stats` is authorized (`Basic` by default).
    pub stats_auth: StatsAuth,
}

impl ConnectorsConfig {
    pub fn new(api_key: impl Into<Secret>) -> Self {
        ConnectorsConfig {
            api_key: api_key.into(),
            connectors_base_url: CONNECTORS_BASE_URL.to_string(),
            api_base_url: API_BASE_URL.to_string(),
            stats_auth: StatsAuth::default(),
        }
    }

    fn url(base: &str, path: &str, query: &str) -> String {
        let mut url = format!("{}/{path}", base.trim_end_matches('/'));
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    fn authorize(&self, request: Request, scheme: StatsAuth) -> Result<Request> {
        let key = self.api_key.expose();
        if key.is_empty() || key.bytes().any(|b| b.is_ascii_control() || b == b' ') {
            return Err(LoyaltyError::invalid("api_key", "the API key is empty or holds spaces or control characters"));
        }
        let scheme = match scheme {
            StatsAuth::Basic => "Basic",
            StatsAuth::Bearer => "Bearer",
        };
        Ok(request.header("Authorization", format!("{scheme} {key}")).header("Accept", "application/json"))
    }
}

/// `POST {connectors}/v1/log` with a payload from
/// [`StatsCollector::payload`](super::StatsCollector::payload).
pub fn log_request(config: &ConnectorsConfig, payload: &Value) -> Result<Request> {
    let body = json_encode(payload)?;
    let url = ConnectorsConfig::url(&config.connectors_base_url, "v1/log", "");
    Ok(config.authorize(Request::new(Method::Post, url), StatsAuth::Bearer)?.header("Content-Type", "application/json").body(body))
}

/// The filters of `GET /v1/logs`; `None` leaves a parameter out (the server defaults to page 0,
/// limit 25).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogsQuery {
    pub entity: Option<Entity>,
    pub page: Option<u32>,
    pub limit: Option<u32>,
    /// Processing date from, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Processing date to, `YYYY-MM-DD`.
    pub to: Option<String>,
}

fn check_date(field: &str, s: &str) -> Result<()> {
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-' // no-panic: length checked
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(LoyaltyError::invalid(field, "expected a date YYYY-MM-DD"))
    }
}

fn check_text(field: &str, s: &str) -> Result<()> {
    if s.is_empty() || s.chars().any(char::is_control) {
        return Err(LoyaltyError::invalid(field, "empty or holds control characters"));
    }
    Ok(())
}

/// `GET {connectors}/v1/logs?entity=…&page=…&limit=…&from=…&to=…`.
pub fn logs_request(config: &ConnectorsConfig, query: &LogsQuery) -> Result<Request> {
    let mut q = Array::new();
    if let Some(e) = query.entity {
        q.set("entity", Value::str(e.as_str()));
    }
    if let Some(p) = query.page {
        q.set("page", Value::Int(p.into()));
    }
    if let Some(l) = query.limit {
        if l == 0 {
            return Err(LoyaltyError::invalid("limit", "must be at least 1"));
        }
        q.set("limit", Value::Int(l.into()));
    }
    for (name, v) in [("from", &query.from), ("to", &query.to)] {
        if let Some(d) = v {
            check_date(name, d)?;
            q.set(name, Value::str(d.as_str()));
        }
    }
    let url = ConnectorsConfig::url(&config.connectors_base_url, "v1/logs", &http_build_query(&Value::Array(q))?);
    config.authorize(Request::new(Method::Get, url), StatsAuth::Bearer)
}

/// The filters of `GET apiv3/stats`. `from` and `to` filter by the customers' and purchases'
/// creation time; the page gives no format (WoowUp's v3 API takes `YYYY-MM-DD` or
/// `YYYY-MM-DD HH:MM:SS`), so any text without control characters is passed through, encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    /// A branch name.
    pub branch: Option<String>,
}

/// `GET {api}/apiv3/stats?from=…&to=…&branch=…`.
pub fn stats_request(config: &ConnectorsConfig, query: &StatsQuery) -> Result<Request> {
    let mut q = Array::new();
    for (name, v) in [("from", &query.from), ("to", &query.to), ("branch", &query.branch)] {
        if let Some(t) = v {
            check_text(name, t)?;
            q.set(name, Value::str(t.as_str()));
        }
    }
    let url = ConnectorsConfig::url(&config.api_base_url, "apiv3/stats", &http_build_query(&Value::Array(q))?);
    config.authorize(Request::new(Method::Get, url), config.stats_auth)
}

/// One branch row of a log record, whichever key names it uses (`created` or `total_created`).
#[derive(Clone, Debug, PartialEq)]
pub struct BranchCounts {
    pub branch: String,
    pub created: i64,
    pub updated: i64,
    pub failed: i64,
    pub revenue: Option<f64>,
    pub invoice_items: Option<i64>,
}

/// One entity of a log record.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityCounts {
    pub created: i64,
    pub updated: i64,
    /// Absent for branches.
    pub failed: Option<i64>,
    pub revenue: Option<f64>,
    pub invoice_items: Option<i64>,
    pub per_branches: Vec<BranchCounts>,
}

/// A record of `GET /v1/logs` (and the answer to `POST /v1/log`).
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    pub files: Vec<String>,
    /// `processingtime`, or `processedtime` if a server sends that name.
    pub processingtime: Option<String>,
    pub createtime: Option<String>,
    /// By entity, in the order the record lists them.
    pub stats: Vec<(Entity, EntityCounts)>,
}

impl LogRecord {
    pub fn entity(&self, entity: Entity) -> Option<&EntityCounts> {
        self.stats.iter().find(|(e, _)| *e == entity).map(|(_, c)| c)
    }
}

/// The answer of `GET apiv3/stats`, overall and per branch.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountStats {
    pub branch: Option<String>,
    pub total_customers: i64,
    pub total_purchases: i64,
    pub total_revenue: f64,
    pub total_invoice_items: i64,
    pub per_branches: Vec<AccountStats>,
}

/// Removes commas that stand right before `}` or `]` (ignoring whitespace), outside strings.
pub fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut pending_comma: Option<usize> = None;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '}' | ']' => {
                if let Some(at) = pending_comma.take() {
                    out.remove(at);
                }
            }
            ',' => {
                pending_comma = Some(out.len());
            }
            c if c.is_whitespace() => {}
            _ => pending_comma = None,
        }
        if c == '"' {
            in_string = true;
            pending_comma = None;
        }
        out.push(c);
    }
    out
}

fn remote(status: u16, body: &str) -> LoyaltyError {
    let text: String = body.chars().take(300).collect();
    let message = match serde_json::from_str::<Json>(&strip_trailing_commas(body)) {
        Ok(Json::Object(o)) => o
            .get("message")
            .or_else(|| o.get("error"))
            .and_then(Json::as_str)
            .map(str::to_string)
            .unwrap_or(text),
        _ => text,
    };
    LoyaltyError::Remote { service: SERVICE, status, message }
}

fn invalid(status: u16, reason: impl Into<String>) -> LoyaltyError {
    LoyaltyError::InvalidResponse { service: SERVICE, status, reason: reason.into() }
}

fn parse(status: u16, body: &str) -> Result<Json> {
    serde_json::from_str(&strip_trailing_commas(body)).map_err(|e| invalid(status, format!("not JSON: {e}")))
}

/// An integer sent as a number or a numeric string; integral floats are accepted.
fn lenient_int(v: &Json) -> Option<i64> {
    match v {
        Json::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18).map(|f| f as i64)),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn lenient_f64(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

fn get_int(o: &serde_json::Map<String, Json>, names: &[&str], status: u16, at: &str) -> Result<Option<i64>> {
    for name in names {
        if let Some(v) = o.get(*name) {
            if v.is_null() {
                continue;
            }
            return lenient_int(v).map(Some).ok_or_else(|| invalid(status, format!("{at}.{name} is not an integer")));
        }
    }
    Ok(None)
}

fn get_f64(o: &serde_json::Map<String, Json>, name: &str, status: u16, at: &str) -> Result<Option<f64>> {
    match o.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => lenient_f64(v).map(Some).ok_or_else(|| invalid(status, format!("{at}.{name} is not a number"))),
    }
}

/// The list `at.name`, each element read with `read` (given its path `at.name[i]`); missing or
/// null is an empty list.
fn get_list<T>(o: &serde_json::Map<String, Json>, name: &str, status: u16, at: &str, read: impl Fn(&Json, u16, &str) -> Result<T>) -> Result<Vec<T>> {
    match o.get(name) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items.iter().enumerate().map(|(i, v)| read(v, status, &format!("{at}.{name}[{i}]"))).collect(),
        Some(_) => Err(invalid(status, format!("{at}.{name} is not a list"))),
    }
}

fn read_branch(v: &Json, status: u16, at: &str) -> Result<BranchCounts> {
    let o = v.as_object().ok_or_else(|| invalid(status, format!("{at} is not an object")))?;
    let branch = match o.get("branch") {
        Some(Json::String(s)) => s.clone(),
        Some(other) if !other.is_null() => other.to_string(),
        _ => return Err(invalid(status, format!("{at}.branch is missing"))),
    };
    Ok(BranchCounts {
        branch,
        created: get_int(o, &["total_created", "created"], status, at)?.unwrap_or(0),
        updated: get_int(o, &["total_updated", "updated"], status, at)?.unwrap_or(0),
        failed: get_int(o, &["total_failed", "failed"], status, at)?.unwrap_or(0),
        revenue: get_f64(o, "total_revenue", status, at)?,
        invoice_items: get_int(o, &["total_invoice_items"], status, at)?,
    })
}

fn read_entity(v: &Json, status: u16, at: &str) -> Result<EntityCounts> {
    let o = v.as_object().ok_or_else(|| invalid(status, format!("{at} is not an object")))?;
    let per_branches = get_list(o, "per_branches", status, at, read_branch)?;
    Ok(EntityCounts {
        created: get_int(o, &["total_created"], status, at)?.unwrap_or(0),
        updated: get_int(o, &["total_updated"], status, at)?.unwrap_or(0),
        failed: get_int(o, &["total_failed"], status, at)?,
        revenue: get_f64(o, "total_revenue", status, at)?,
        invoice_items: get_int(o, &["total_invoice_items"], status, at)?,
        per_branches,
    })
}

fn read_record(v: &Json, status: u16, at: &str) -> Result<LogRecord> {
    let o = v.as_object().ok_or_else(|| invalid(status, format!("{at} is not an object")))?;
    let files = get_list(o, "files", status, at, |f, _, _| Ok(f.as_str().unwrap_or_default().to_string()))?;
    let text = |name: &str| o.get(name).and_then(Json::as_str).map(str::to_string);
    let mut stats = Vec::new();
    if let Some(s) = o.get("stats").and_then(Json::as_object) {
        for (name, value) in s {
            if let Some(entity) = Entity::parse(name) {
                stats.push((entity, read_entity(value, status, &format!("{at}.stats.{name}"))?));
            }
        }
    }
    Ok(LogRecord {
        files,
        processingtime: text("processingtime").or_else(|| text("processedtime")),
        createtime: text("createtime"),
        stats,
    })
}

fn check_status(status: u16, body: &str) -> Result<()> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(remote(status, body))
    }
}

/// Reads the answer to `POST /v1/log`: any 2xx is success; the record the server echoes
/// (with its `createtime`) is returned when the body holds one.
pub fn read_log_response(status: u16, body: &str) -> Result<Option<LogRecord>> {
    check_status(status, body)?;
    match serde_json::from_str::<Json>(&strip_trailing_commas(body)) {
        Ok(v @ Json::Object(_)) => Ok(read_record(&v, status, "log").ok()),
        _ => Ok(None),
    }
}

/// Reads the answer to `GET /v1/logs`: a JSON list of records.
pub fn read_logs_response(status: u16, body: &str) -> Result<Vec<LogRecord>> {
    check_status(status, body)?;
    match parse(status, body)? {
        Json::Array(items) => items.iter().enumerate().map(|(i, v)| read_record(v, status, &format!("logs[{i}]"))).collect(),
        _ => Err(invalid(status, "expected a list of log records")),
    }
}

fn read_account(v: &Json, status: u16, at: &str) -> Result<AccountStats> {
    let o = v.as_object().ok_or_else(|| invalid(status, format!("{at} is not an object")))?;
    let per_branches = get_list(o, "per_branches", status, at, read_account)?;
    Ok(AccountStats {
        branch: o.get("branch").and_then(Json::as_str).map(str::to_string),
        total_customers: get_int(o, &["total_customers"], status, at)?.unwrap_or(0),
        total_purchases: get_int(o, &["total_purchases"], status, at)?.unwrap_or(0),
        total_revenue: get_f64(o, "total_revenue", status, at)?.unwrap_or(0.0),
        total_invoice_items: get_int(o, &["total_invoice_items"], status, at)?.unwrap_or(0),
        per_branches,
    })
}

/// Reads the answer to `GET apiv3/stats` (trailing commas accepted, see the module docs).
/// API v3 wraps answers in `{payload, message, code, time}`; a body with a `payload` object is
/// unwrapped, so both the page's bare example and the v3 envelope read the same.
pub fn read_stats_response(status: u16, body: &str) -> Result<AccountStats> {
    check_status(status, body)?;
    let v = parse(status, body)?;
    let inner = match v.get("payload") {
        Some(p @ Json::Object(_)) => p,
        _ => &v,
    };
    read_account(inner, status, "stats")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ConnectorsConfig {
        ConnectorsConfig::new("k3y")
    }

    #[test]
    fn log_request_shape() {
        let mut payload = Array::new();
        payload.set("files", Value::Array(Array::list([Value::str("a/b.csv")])));
        let r = log_request(&config(), &Value::Array(payload)).unwrap();
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://connectors.woowup.com/v1/log");
        assert_eq!(r.header_value("authorization"), Some("Bearer k3y"));
        assert_eq!(r.header_value("content-type"), Some("application/json"));
        assert_eq!(r.body.as_deref(), Some(r#"{"files":["a\/b.csv"]}"#));
        assert!(!format!("{:?}", config()).contains("k3y"));
    }

    #[test]
    fn logs_and_stats_queries() {
        let q = LogsQuery {
            entity: Some(Entity::Purchases),
            page: Some(0),
            limit: Some(50),
            from: Some("2019-03-01".into()),
            to: Some("2019-03-31".into()),
        };
        let r = logs_request(&config(), &q).unwrap();
        assert_eq!(r.url, "https://connectors.woowup.com/v1/logs?entity=purchases&page=0&limit=50&from=2019-03-01&to=2019-03-31");
        assert_eq!(logs_request(&config(), &LogsQuery::default()).unwrap().url, "https://connectors.woowup.com/v1/logs");
        let bad = LogsQuery { from: Some("2019/03/01".into()), ..LogsQuery::default() };
        assert_eq!(logs_request(&config(), &bad).unwrap_err().field(), Some("from"));

        let mut c = config();
        c.api_base_url = "http://127.0.0.1:8787/".into();
        let s = StatsQuery { from: Some("2019-03-01".into()), to: None, branch: Some("Shopping Unicenter & Co".into()) };
        let r = stats_request(&c, &s).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:8787/apiv3/stats?from=2019-03-01&branch=Shopping+Unicenter+%26+Co");
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.header_value("Authorization"), Some("Basic k3y"));
        c.stats_auth = StatsAuth::Bearer;
        assert_eq!(stats_request(&c, &s).unwrap().header_value("Authorization"), Some("Bearer k3y"));
        assert_eq!(logs_request(&c, &LogsQuery::default()).unwrap().header_value("Authorization"), Some("Bearer k3y"));
        assert!(r.body.is_none());
        assert!(stats_request(&ConnectorsConfig::new(""), &StatsQuery::default()).is_err());
        assert!(stats_request(&ConnectorsConfig::new("a\r\nX: y"), &StatsQuery::default()).is_err());
    }

    #[test]
    fn trailing_commas() {
        assert_eq!(strip_trailing_commas(r#"{"a":[1,2,],"b":"x,]",}"#), r#"{"a":[1,2],"b":"x,]"}"#);
        assert_eq!(strip_trailing_commas("{\"a\":\"\\\",}\" , \n}"), "{\"a\":\"\\\",}\"  \n}");
        assert_eq!(strip_trailing_commas("[1,,]"), "[1,]");
    }

    #[test]
    fn the_pages_stats_example_reads() {
        let body = r#"{
	"total_customers": 100,
	"total_purchases": 200,
	"total_revenue": 300000,
	"total_invoice_items": 600,
	"per_branches": [
		{
			"branch": "Shopping Unicenter",
			"total_customers": 100,
			"total_purchases": 200,
			"total_revenue": 300000,
			"total_invoice_items": 600,
		}
	]
}"#;
        let s = read_stats_response(200, body).unwrap();
        assert_eq!((s.total_customers, s.total_purchases, s.total_invoice_items), (100, 200, 600));
        assert_eq!(s.per_branches[0].branch.as_deref(), Some("Shopping Unicenter"));
        assert_eq!(s.per_branches[0].total_revenue, 300000.0);
        let wrapped = r#"{"payload":{"total_customers":"7"},"message":"ok","code":"ok","time":"1ms"}"#;
        assert_eq!(read_stats_response(200, wrapped).unwrap().total_customers, 7);
        let e = read_stats_response(403, r#"{"message":"forbidden"}"#).unwrap_err();
        assert_eq!((e.code(), e.to_string().contains("forbidden")), ("remote_error", true));
        assert_eq!(read_stats_response(200, "<html>").unwrap_err().code(), "invalid_response");
    }

    #[test]
    fn the_pages_logs_example_reads() {
        let body = r#"[{"files":["customers-2019_03_11.csv","purchases-2019_03_11.csv"],"processingtime":"2019-03-12T12:30:00+00:00","createtime":"2019-03-12T12:30:00+00:00",
          "stats":{"customers":{"total_created":200,"total_updated":10,"total_failed":2,"per_branches":[{"branch":"Shopping Unicenter","created":200,"updated":10,"failed":2}]},
          "purchases":{"total_created":300,"total_updated":1,"total_failed":1,"total_revenue":300000,"total_invoice_items":5000,"per_branches":[{"branch":"Shopping Unicenter","total_created":300,"total_updated":1,"total_failed":1,"total_revenue":300000,"total_invoice_items":5000}]},
          "products":{"total_created":20,"total_updated":5,"total_failed":0},"branches":{"total_created":1,"total_updated":3}}}]"#;
        let logs = read_logs_response(200, body).unwrap();
        assert_eq!(logs.len(), 1);
        let c = logs[0].entity(Entity::Customers).unwrap();
        assert_eq!((c.per_branches[0].created, c.per_branches[0].failed), (200, 2));
        assert_eq!(logs[0].entity(Entity::Purchases).unwrap().invoice_items, Some(5000));
        assert_eq!(logs[0].entity(Entity::Branches).unwrap().failed, None);
        assert_eq!(read_log_response(201, "").unwrap(), None);
        assert_eq!(read_log_response(200, body.trim_start_matches('[').trim_end_matches(']')).unwrap().unwrap().files.len(), 2);
        assert_eq!(read_log_response(401, "Unauthorized").unwrap_err().code(), "remote_error");
    }

    #[test]
    fn lists_that_are_not_lists_are_named_by_their_path() {
        fn reason<T: std::fmt::Debug>(r: Result<T>) -> String {
            match r {
                Err(LoyaltyError::InvalidResponse { reason, .. }) => reason,
                other => panic!("not an invalid response: {other:?}"),
            }
        }
        assert_eq!(reason(read_logs_response(200, r#"[{"files":"a.csv"}]"#)), "logs[0].files is not a list");
        let logs = |per_branches: &str| read_logs_response(200, &format!(r#"[{{"files":null,"stats":{{"customers":{{"per_branches":{per_branches}}}}}}}]"#));
        assert_eq!(reason(logs("{}")), "logs[0].stats.customers.per_branches is not a list");
        assert_eq!(reason(logs("[1]")), "logs[0].stats.customers.per_branches[0] is not an object");
        assert_eq!(logs("null").unwrap()[0].stats[0].1.per_branches, []);
        let stats = read_stats_response(200, r#"{"per_branches":[{"branch":"A","per_branches":"x"}]}"#);
        assert_eq!(reason(stats), "stats.per_branches[0].per_branches is not a list");
    }
}
