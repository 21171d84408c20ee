//! The HTTP side: the shop posts events and asks what became of them.
//!
//! - `POST /v1/orders`, `/v1/refunds`, `/v1/cancellations`: size check (413), Standard Webhooks
//!   signature (401), schema and destinations' rules (400), then the order's ledger records the
//!   event (409 if its id was used for other content) and its queue messages are sent: 202 with
//!   the event id, or 200 when it was already received. Nothing is enqueued for a refused post.
//! - `GET /v1/events/{id}`: the same signature over an empty body; the per-destination status.

use crate::config::Config;
use crate::event::{ledger_key, ledger_key_of, Event, Kind};
use crate::ledger::{Acceptance, Call, Planned, Reply};
use crate::problem::Problem;
use crate::runtime::{self, QUEUE_BINDING};
use serde::{Deserialize, Serialize};
use worker::{Env, Headers, Method, Request, Response, Result};

/// A queue message: deliver this event to this destination.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Delivery {
    pub event: String,
    pub destination: String,
}

/// The answer to an accepted post.
#[derive(Serialize)]
struct Accepted<'a> {
    id: &'a str,
    /// `accepted` (202) or `duplicate` (200).
    status: &'static str,
    /// Where it will be delivered (202), or what happened so far (200).
    #[serde(skip_serializing_if = "Option::is_none")]
    destinations: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a crate::ledger::StatusView>,
}

impl Delivery {
    /// Queue messages carry JSON text, read back by the consumer without any JS conversion.
    pub fn to_json(&self) -> String {
        // no-panic: two strings always serialise.
        serde_json::to_string(self).expect("a Delivery serialises")
    }
}

fn json(status: u16, body: &impl Serialize) -> Result<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

fn problem(status: u16, p: Problem) -> Result<Response> {
    json(status, &p)
}

fn unavailable(what: &str, error: &str) -> Result<Response> {
    worker::console_error!("{what}: {error}");
    let headers = Headers::new();
    headers.set("Retry-After", "5")?;
    Ok(Response::from_json(&Problem::new("unavailable", "", format!("{what} is unavailable; retry later")))?
        .with_status(503)
        .with_headers(headers))
}

pub async fn handle(mut req: Request, env: Env) -> Result<Response> {
    let path = req.path();
    let method = req.method();
    let kind = match path.as_str() {
        "/v1/orders" => Some(Kind::Order),
        "/v1/refunds" => Some(Kind::Refund),
        "/v1/cancellations" => Some(Kind::Cancellation),
        _ => None,
    };
    let config = match runtime::config(&env) {
        Ok(c) => c,
        Err(e) => {
            worker::console_error!("configuration: {e}");
            return problem(500, Problem::new("misconfigured", "", "the Worker is not configured; see its logs"));
        }
    };
    match (method, kind, path.strip_prefix("/v1/events/")) {
        (Method::Post, Some(kind), _) => receive(&mut req, &env, &config, kind).await,
        (Method::Get, _, Some(id)) => status(&req, &env, &config, id).await,
        (_, Some(_), _) | (_, _, Some(_)) => problem(405, Problem::new("method_not_allowed", "", "POST events, GET their status")),
        _ => problem(404, Problem::new("not_found", "", format!("no endpoint {path}"))),
    }
}

fn authenticate(req: &Request, config: &Config, body: &[u8]) -> Option<Problem> {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (id, ts, sig) = (header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"));
    let now = (runtime::now_ms() / 1000) as i64;
    config
        .verifier
        .verify(id.as_deref(), ts.as_deref(), sig.as_deref(), body, now)
        .err()
        .map(|e| Problem::new("unauthorized", "", e.message()))
}

async fn receive(req: &mut Request, env: &Env, config: &Config, kind: Kind) -> Result<Response> {
    let too_large = || problem(413, Problem::new("too_large", "", format!("the body is larger than {} bytes", config.max_body_bytes)));
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.max_body_bytes as u64) {
        return too_large();
    }
    let body = req.bytes().await?;
    if body.len() > config.max_body_bytes {
        return too_large();
    }
    if let Some(p) = authenticate(req, config, &body) {
        return problem(401, p);
    }
    let event = match Event::parse(kind, &body) {
        Ok(e) => e,
        Err(p) => return problem(400, p),
    };
    let mut plan = Vec::new();
    for destination in &config.destinations {
        let skip = destination.skip_reason(&event);
        if skip.is_none() {
            if let Err(p) = destination.check(&event) {
                return problem(400, p);
            }
        }
        plan.push(Planned { destination: destination.name().to_string(), skip });
    }
    let id = event.id();
    let key = ledger_key(event.order_id());
    let call = Call::Accept {
        id: id.clone(),
        kind,
        order_id: event.order_id().to_string(),
        content_hash: event.content_hash(),
        event: event.to_json(),
        plan,
        now_ms: runtime::now_ms(),
    };
    let (acceptance, pending, status) = match runtime::ledger(env, &key, &call).await {
        Ok(Reply::Accepted { acceptance, pending, status }) => (acceptance, pending, status),
        Ok(other) => return unavailable("the ledger", &format!("unexpected reply {other:?}")),
        Err(e) => return unavailable("the ledger", &e),
    };
    match acceptance {
        Acceptance::Conflict => problem(
            409,
            Problem::new("conflict", "", format!("{id} was already received with different content; a changed event needs a new identity (another status, refund id, …)")),
        ),
        Acceptance::Duplicate => json(200, &Accepted { id: &id, status: "duplicate", destinations: None, event: Some(&status) }),
        Acceptance::New | Acceptance::Resume => {
            if !pending.is_empty() {
                let queue = env.queue(QUEUE_BINDING)?;
                let messages: Vec<String> = pending
                    .iter()
                    .map(|d| Delivery { event: id.clone(), destination: d.clone() }.to_json())
                    .collect();
                if let Err(e) = queue.send_batch(messages).await {
                    return unavailable("the delivery queue", &e.to_string());
                }
            }
            if let Err(e) = runtime::ledger(env, &key, &Call::MarkEnqueued { id: id.clone() }).await {
                // The messages are out; the next post of this event would only enqueue them again,
                // which the ledger's claims make harmless.
                worker::console_warn!("{id}: enqueued but not marked: {e}");
            }
            json(202, &Accepted { id: &id, status: "accepted", destinations: Some(&pending), event: None })
        }
    }
}

async fn status(req: &Request, env: &Env, config: &Config, id: &str) -> Result<Response> {
    if let Some(p) = authenticate(req, config, b"") {
        return problem(401, p);
    }
    let not_found = || problem(404, Problem::new("not_found", "", format!("no event {id}")));
    let Some(key) = ledger_key_of(id) else { return not_found() };
    match runtime::ledger(env, key, &Call::Status { id: id.to_string() }).await {
        Ok(Reply::Status { status: Some(view) }) => json(200, &view),
        Ok(Reply::Status { status: None }) => not_found(),
        Ok(other) => unavailable("the ledger", &format!("unexpected reply {other:?}")),
        Err(e) => unavailable("the ledger", &e),
    }
}
