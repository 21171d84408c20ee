//! The HTTP side: the shop posts events and asks what became of them.
//!
//! - `POST /v1/orders`, `/v1/refunds`, `/v1/cancellations`: size check (413), Standard Webhooks
//!   signature (401), schema and destinations' rules (400), then the order's ledger records the
//!   event (409 if its id was used for other content) and its queue messages are sent: 202 with
//!   the event id, or 200 when it was already received. Nothing is enqueued for a refused post.
//! - `GET /v1/events/{id}`: the per-destination status.
//! - `GET /v1/dead-letters`, `POST /v1/events/{id}/replay` (the operator): what failed for good
//!   or was given up by the queue, and delivering an event's failed destinations again.
//!
//! The body of a post is read as a stream and refused (413) as soon as it passes
//! `MAX_BODY_BYTES`, whatever `content-length` says or whether it says anything. A request without
//! an event body is signed over its method and path (`standard_webhooks::request_content`).

use crate::config::Config;
use crate::dead_letters::BoxCall;
use crate::event::{ledger_key, ledger_key_of, Event, Kind};
use crate::ledger::{Acceptance, Call, Planned, Reply};
use crate::problem::Problem;
use crate::runtime::{self, QUEUE_BINDING};
use crate::standard_webhooks::request_content;
use futures_util::StreamExt;
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
    let event = path.strip_prefix("/v1/events/");
    let replay = event.and_then(|rest| rest.strip_suffix("/replay"));
    let not_allowed = || problem(405, Problem::new("method_not_allowed", "", "POST events, GET their status"));
    if let (Method::Post, Some(kind)) = (&method, kind) {
        return receive(&mut req, &env, &config, kind).await;
    }
    if kind.is_some() {
        return not_allowed();
    }
    if event.is_none() && path != "/v1/dead-letters" {
        return problem(404, Problem::new("not_found", "", format!("no endpoint {path}")));
    }
    // Every other endpoint is signed over its method and path.
    if let Some(p) = authenticate(&req, &config, request_content(method.as_ref(), &path).as_bytes()) {
        return problem(401, p);
    }
    match (method, replay, event) {
        (Method::Post, Some(id), _) => replay_event(&env, id).await,
        (Method::Get, None, Some(id)) => status(&env, id).await,
        (Method::Get, None, None) if path == "/v1/dead-letters" => dead_letters(&env).await,
        _ => not_allowed(),
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

/// The body, or `None` as soon as it is longer than `max` bytes (the rest is never read).
async fn read_at_most(req: &mut Request, max: usize) -> Result<Option<Vec<u8>>> {
    let Ok(mut stream) = req.stream() else { return Ok(Some(Vec::new())) }; // no body
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > max {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// Sends one delivery message per destination.
async fn enqueue(env: &Env, id: &str, destinations: &[String]) -> std::result::Result<(), String> {
    if destinations.is_empty() {
        return Ok(());
    }
    let queue = env.queue(QUEUE_BINDING).map_err(|e| e.to_string())?;
    let messages: Vec<String> =
        destinations.iter().map(|d| Delivery { event: id.to_string(), destination: d.clone() }.to_json()).collect();
    queue.send_batch(messages).await.map_err(|e| e.to_string())
}

async fn receive(req: &mut Request, env: &Env, config: &Config, kind: Kind) -> Result<Response> {
    let too_large = || problem(413, Problem::new("too_large", "", format!("the body is larger than {} bytes", config.max_body_bytes)));
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.max_body_bytes as u64) {
        return too_large();
    }
    let Some(body) = read_at_most(req, config.max_body_bytes).await? else { return too_large() };
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
            // If this fails, the event is recorded all the same: the ledger's alarm queues it
            // once it is past due, and so does a post of it after that.
            if let Err(e) = enqueue(env, &id, &pending).await {
                return unavailable("the delivery queue", &e);
            }
            json(202, &Accepted { id: &id, status: "accepted", destinations: Some(&pending), event: None })
        }
    }
}

async fn status(env: &Env, id: &str) -> Result<Response> {
    let not_found = || problem(404, Problem::new("not_found", "", format!("no event {id}")));
    let Some(key) = ledger_key_of(id) else { return not_found() };
    match runtime::ledger(env, key, &Call::Status { id: id.to_string() }).await {
        Ok(Reply::Status { status: Some(view) }) => json(200, &view),
        Ok(Reply::Status { status: None }) => not_found(),
        Ok(other) => unavailable("the ledger", &format!("unexpected reply {other:?}")),
        Err(e) => unavailable("the ledger", &e),
    }
}

/// `GET /v1/dead-letters`: `{"letters": [...]}`, oldest event first.
async fn dead_letters(env: &Env) -> Result<Response> {
    match runtime::dead_letter_box(env, &BoxCall::List).await {
        Ok(letters) => json(200, &serde_json::json!({ "letters": letters })),
        Err(e) => unavailable("the dead-letter box", &e),
    }
}

/// `POST /v1/events/{id}/replay`: the event's failed (or stalled) destinations are delivered
/// again, with a fresh count of attempts, and its dead letters are removed.
async fn replay_event(env: &Env, id: &str) -> Result<Response> {
    let not_found = || problem(404, Problem::new("not_found", "", format!("no event {id}")));
    let Some(key) = ledger_key_of(id) else { return not_found() };
    let pending = match runtime::ledger(env, key, &Call::Replay { id: id.to_string(), now_ms: runtime::now_ms() }).await {
        Ok(Reply::Replayed { pending }) => pending,
        Ok(Reply::NotFound) => return not_found(),
        Ok(other) => return unavailable("the ledger", &format!("unexpected reply {other:?}")),
        Err(e) => return unavailable("the ledger", &e),
    };
    if let Err(e) = enqueue(env, id, &pending).await {
        return unavailable("the delivery queue", &e);
    }
    if let Err(e) = runtime::dead_letter_box(env, &BoxCall::Remove { event: id.to_string() }).await {
        worker::console_warn!("{id}: replayed, but its dead letters were not removed: {e}");
    }
    let status = if pending.is_empty() { "nothing_to_replay" } else { "replayed" };
    json(if pending.is_empty() { 200 } else { 202 }, &serde_json::json!({ "id": id, "status": status, "destinations": pending }))
}
