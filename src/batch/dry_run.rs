//! `--dry-run`: per row, the first request it would send (credentials redacted), or its outcome
//! when nothing is sent; for an API v2 purchase that looks its customer up first, also the sale
//! as it would be sent if WoowUp knows the customer.

use super::plan::{Job, JobNext};
use super::reader::RowRef;
use super::v3::V3Job;
use super::doubt::{form_value, is_lookup};
use crate::error::Result;
use crate::http::Request;
use crate::php::{json_encode, Array, Value};
use crate::woowup::connectors::Entity;

fn int(n: u64) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
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
    a.set("body", request.body.as_ref().map_or(Value::Null, |b| Value::str(b.as_str())));
    Ok(Value::Array(a))
}

fn place(row: &RowRef) -> Array {
    let mut a = Array::new();
    a.set("file", Value::str(&*row.file));
    a.set("line", int(row.line));
    a.set("key", Value::str(row.key.as_str()));
    a.set("entity", Value::str(row.tally.entity.as_str()));
    a
}

/// The line of a job not yet fed: its first request, or its outcome and why.
fn line(row: &RowRef, next: JobNext, reason: Option<&str>) -> Result<String> {
    let mut a = place(row);
    match next {
        JobNext::Send(request) => a.set("request", request_json(&request)?),
        JobNext::Done(outcome) => {
            a.set("outcome", Value::str(outcome.as_str()));
            if let Some(reason) = reason {
                a.set("reason", Value::str(reason));
            }
        }
    }
    json_encode(&Value::Array(a))
}

/// An API v3 row's line.
pub fn v3_lines(job: &V3Job) -> Result<String> {
    line(&job.row, job.next(), job.ending().reason())
}

/// An API v2 row's lines: the first request, and for a purchase whose first request looks the
/// customer up, the sale as it would be sent if WoowUp knows the customer (`"assuming"` says
/// so; the uid is the file's, or a placeholder naming the email), so that points and items can
/// be checked before sending.
pub fn v2_lines(job: &Job) -> Result<String> {
    let mut out = line(&job.row, job.next(), job.ending().reason())?;
    if let (Entity::Purchases, JobNext::Send(lookup)) = (job.row.tally.entity, job.next()) {
        if let Some(user) = assumed_user(&lookup) {
            let mut then = job.clone();
            if let JobNext::Send(sale) = then.feed(200, &user) {
                let mut a = place(&job.row);
                a.set("assuming", Value::str("WoowUp knows the customer"));
                a.set("request", request_json(&sale)?);
                out.push('\n');
                out.push_str(&json_encode(&Value::Array(a))?);
            }
        }
    }
    Ok(out)
}

/// A lookup's answer "found": the uid looked up, or a placeholder naming the email.
fn assumed_user(lookup: &Request) -> Option<String> {
    if !is_lookup(lookup) {
        return None;
    }
    let query = lookup.url.split_once('?')?.1;
    let value = |name: &str| query.split('&').find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('='))).map(form_value);
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
    let mut answer = Array::new();
    answer.set("status", Value::Bool(true));
    answer.set("data", Value::Array(data));
    json_encode(&Value::Array(answer)).ok()
}
