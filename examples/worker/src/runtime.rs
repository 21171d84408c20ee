//! What the pure modules get from the Workers runtime: settings, the clock, randomness,
//! `fetch` with a timeout, and calls to an order's ledger object.

use crate::config::Config;
use crate::dead_letters::{BoxCall, Letter};
use crate::destination::Answer;
use crate::ledger::{Call, Reply};
use crate::pacing::{PaceCall, PaceReply, RATE_LIMIT_HEADERS};
use futures_util::future::{select, Either};
use std::pin::pin;
use std::time::Duration;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit};

/// The Durable Object namespace of the ledgers (wrangler.toml `durable_objects.bindings`).
pub const LEDGER_BINDING: &str = "LEDGER";
/// The delivery queue's producer binding.
pub const QUEUE_BINDING: &str = "DELIVERIES";
/// The dead-letter queue's producer binding.
pub const DEAD_LETTER_BINDING: &str = "DEAD_LETTERS";
/// The dead-letter queue's name (wrangler.toml), which this Worker also consumes.
pub const DEAD_LETTER_QUEUE: &str = "loyalty-dead-letters";
/// The Durable Object namespace of the dead-letter box (one object, named `all`).
pub const DEAD_LETTER_BOX_BINDING: &str = "DEAD_LETTER_BOX";

/// The Durable Object namespace of the WoowUp pacers (one object per account).
pub const PACER_BINDING: &str = "WOOWUP_PACER";

/// The settings from the Worker's vars and secrets.
pub fn config(env: &Env) -> Result<Config, String> {
    Config::from_env(|name| env.var(name).map(|v| v.to_string()).ok().or_else(|| env.secret(name).map(|v| v.to_string()).ok()))
}

pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// A number in [0, 1) for backoff jitter.
pub fn random() -> f64 {
    worker::js_sys::Math::random()
}

/// Sends one request built by the core; an `Err` is a network error or the timeout.
pub async fn send(request: loyalty_connector::Request, timeout_ms: u64) -> Result<Answer, String> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(|e| format!("header {name}: {e}"))?;
    }
    let mut init = RequestInit::new();
    init.with_method(match request.method {
        loyalty_connector::Method::Get => Method::Get,
        loyalty_connector::Method::Post => Method::Post,
        loyalty_connector::Method::Put => Method::Put,
        loyalty_connector::Method::Delete => Method::Delete,
    });
    init.with_headers(headers);
    if let Some(body) = &request.body {
        init.with_body(Some(body.as_str().into()));
    }
    let outgoing = Request::new_with_init(&request.url, &init).map_err(|e| format!("request: {e}"))?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(outgoing);
    let sending = pin!(async {
        let mut response = fetch.send_with_signal(&signal).await.map_err(|e| e.to_string())?;
        let status = response.status_code();
        let retry_after = response.headers().get("Retry-After").ok().flatten();
        let rate_limit = RATE_LIMIT_HEADERS
            .iter()
            .filter_map(|name| response.headers().get(name).ok().flatten().map(|v| (name.to_string(), v)))
            .collect();
        let body = response.text().await.map_err(|e| format!("reading the answer: {e}"))?;
        Ok(Answer { status, retry_after, rate_limit, body })
    });
    let timeout = pin!(Delay::from(Duration::from_millis(timeout_ms)));
    match select(sending, timeout).await {
        Either::Left((answer, _)) => answer,
        Either::Right(_) => {
            controller.abort();
            Err(format!("no answer within {} s", timeout_ms / 1000))
        }
    }
}

/// Applies one call to the ledger of the order named `ledger_key`.
pub async fn ledger(env: &Env, ledger_key: &str, call: &Call) -> Result<Reply, String> {
    let text = call_object(env, LEDGER_BINDING, ledger_key, call).await?;
    serde_json::from_str(&text).map_err(|e| format!("ledger reply: {e}"))
}

/// Applies one call to an account's pacer.
pub async fn pacer(env: &Env, account: &str, call: &PaceCall) -> Result<PaceReply, String> {
    let text = call_object(env, PACER_BINDING, account, call).await?;
    serde_json::from_str(&text).map_err(|e| format!("pacer reply: {e}"))
}

/// Sleeps `ms` milliseconds.
pub async fn sleep_ms(ms: u64) {
    if ms > 0 {
        Delay::from(Duration::from_millis(ms)).await;
    }
}

/// Applies one call to the dead-letter box; the letters it lists (none for other calls).
pub async fn dead_letter_box(env: &Env, call: &BoxCall) -> Result<Vec<Letter>, String> {
    let text = call_object(env, DEAD_LETTER_BOX_BINDING, "all", call).await?;
    serde_json::from_str(&text).map_err(|e| format!("dead-letter box reply: {e}"))
}

/// POSTs `call` as JSON to the object `name` of a Durable Object namespace; its answer's text.
async fn call_object(env: &Env, binding: &str, name: &str, call: &impl serde::Serialize) -> Result<String, String> {
    let namespace = env.durable_object(binding).map_err(|e| e.to_string())?;
    let stub = namespace.id_from_name(name).and_then(|id| id.get_stub()).map_err(|e| e.to_string())?;
    let body = serde_json::to_string(call).map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let request = Request::new_with_init("https://ledger.internal/call", &init).map_err(|e| e.to_string())?;
    let mut response = stub.fetch_with_request(request).await.map_err(|e| format!("{binding}: {e}"))?;
    let text = response.text().await.map_err(|e| format!("{binding}: {e}"))?;
    if response.status_code() != 200 {
        return Err(format!("{binding} answered {}: {text}", response.status_code()));
    }
    Ok(text)
}
