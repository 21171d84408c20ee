//! The queue side: each message asks to deliver one event to one destination. The messages of a
//! batch run concurrently; each one claims its delivery in the order's ledger, runs the
//! destination's conversation, and settles the outcome:
//!
//! - delivered → ack;
//! - retryable (network error, timeout, 429, 5xx) → `retry` with exponential backoff, never
//!   sooner than `Retry-After`, until `MAX_ATTEMPTS`;
//! - refused (4xx, Lootly's 201) or out of attempts → recorded as failed, sent to the
//!   dead-letter queue with the reason, ack.
//!
//! A message whose delivery is already final is acked; one whose delivery another message is
//! sending, or a refund waiting for its order, is sent again with a delay as a new message (so
//! that waiting uses none of the queue's retries) and acked. The ledger, not the queue, decides
//! what is sent; should a message be lost, the ledger's alarm sends another.
//!
//! The dead-letter queue is consumed too: each letter is kept in the dead-letter box, for the
//! operator (`GET /v1/dead-letters`).

use crate::config::Config;
use crate::dead_letters::{BoxCall, Letter};
use crate::destination::{deliver, Context, Destination, Outcome};
use crate::pacing::{slot_missed, PaceCall, PaceReply, FIRST_SLOT_MAX_WAIT_MS};
use crate::retry::QUEUE_MAX_DELAY_SECONDS;
use crate::event::{ledger_key_of, Event};
use crate::inbound::Delivery;
use crate::ledger::{Call, Claim, Reply, Settlement, State, WAIT_MAX_SECONDS};
use crate::runtime::{self, DEAD_LETTER_BINDING, QUEUE_BINDING};
use futures_util::future::join_all;
use worker::{Env, MessageBuilder, MessageExt, QueueRetryOptionsBuilder, RawMessage};

/// Keeps each message of the dead-letter queue in the dead-letter box.
pub async fn keep_dead_letters(messages: Vec<RawMessage>, env: &Env) {
    let now = crate::time::iso_utc(runtime::now_ms());
    for m in &messages {
        let Some(letter) = m.body().as_string().and_then(|text| Letter::from_queue_body(&text, &now)) else {
            worker::console_error!("dead letter {}: not a letter nor a delivery; dropped", m.id());
            m.ack();
            continue;
        };
        match runtime::dead_letter_box(env, &BoxCall::Add { letter }).await {
            Ok(_) => m.ack(),
            Err(e) => {
                worker::console_error!("dead letter {}: not kept: {e}", m.id());
                retry_in(m, 10);
            }
        }
    }
}

pub async fn handle_batch(messages: Vec<RawMessage>, env: &Env) {
    let config = match runtime::config(env) {
        Ok(c) => c,
        Err(e) => {
            worker::console_error!("configuration: {e}; the batch will be retried");
            for m in &messages {
                m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(60).build());
            }
            return;
        }
    };
    join_all(messages.iter().map(|m| handle(m, env, &config))).await;
}

/// Looks again in `wait` seconds, as a new message so that waiting uses none of the queue's
/// retries (or, should the queue refuse it, as a retry of this one).
async fn later(m: &RawMessage, env: &Env, delivery: &Delivery, wait: u32) {
    let sent = match env.queue(QUEUE_BINDING) {
        Ok(q) => q.send(MessageBuilder::new(delivery.to_json()).delay_seconds(wait).build()).await.is_ok(),
        Err(_) => false,
    };
    if sent {
        m.ack()
    } else {
        retry_in(m, wait)
    }
}

fn retry_in(m: &RawMessage, seconds: u32) {
    m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build());
}

async fn handle(m: &RawMessage, env: &Env, config: &Config) {
    let Some(delivery) = m.body().as_string().and_then(|text| serde_json::from_str::<Delivery>(&text).ok()) else {
        worker::console_error!("message {}: not a delivery; dropped", m.id());
        return m.ack();
    };
    let (id, name) = (delivery.event.as_str(), delivery.destination.as_str());
    let Some(key) = ledger_key_of(id) else {
        worker::console_error!("message {}: {id:?} is not an event id; dropped", m.id());
        return m.ack();
    };
    let backoff = config.retry.delay_seconds(1, None, runtime::random()).max(1);
    // A paced destination (WoowUp v3): the first request's send slot is reserved before the
    // claim; a slot further than FIRST_SLOT_MAX_WAIT_MS away leaves the message in the queue.
    let pacing = config.destination(name).and_then(Destination::pacing);
    let mut first_slot_ms = None;
    if let Some(p) = &pacing {
        let reserve = PaceCall::Reserve { now_ms: runtime::now_ms(), per_minute: p.per_minute, max_wait_ms: Some(FIRST_SLOT_MAX_WAIT_MS) };
        match runtime::pacer(env, &p.account, &reserve).await {
            Ok(PaceReply::Granted { wait_ms }) => {
                first_slot_ms = Some(runtime::now_ms().saturating_add(wait_ms));
                runtime::sleep_ms(wait_ms).await;
            }
            Ok(PaceReply::Defer { wait_ms }) => {
                // The ledger is told, so that its alarm does not queue copies of a delivery that
                // merely waits for its slot.
                let defer = Call::Defer { id: id.into(), destination: name.into(), until_ms: runtime::now_ms().saturating_add(wait_ms) };
                if let Ok(Reply::Deferred { state }) = runtime::ledger(env, key, &defer).await {
                    if state.is_final() {
                        return m.ack();
                    }
                }
                let wait = u32::try_from(wait_ms.div_ceil(1000)).unwrap_or(u32::MAX).clamp(1, QUEUE_MAX_DELAY_SECONDS);
                return later(m, env, &delivery, wait).await;
            }
            other => {
                worker::console_error!("{id}/{name}: the account's pacer: {other:?}");
                return retry_in(m, backoff);
            }
        }
    }
    let claim = Call::Claim {
        id: id.into(),
        destination: name.into(),
        message_id: m.id(),
        now_ms: runtime::now_ms(),
        lease_ms: config.lease_ms(),
    };
    let (attempt, event_json, order_json) = match runtime::ledger(env, key, &claim).await {
        Ok(Reply::Claimed { claim: Claim::Go { attempt, event, order } }) => (attempt, event, order),
        Ok(Reply::Claimed { claim: Claim::Final { .. } | Claim::Unknown }) => return m.ack(),
        Ok(Reply::Claimed { claim: claim @ (Claim::Wait { .. } | Claim::Busy { .. }) }) => {
            // Look again later, as a new message so that waiting does not use up the queue's
            // retries. A busy delivery is looked at again until it settles or its lease runs
            // out (its holder crashed): then this message takes over.
            let wait = match claim {
                Claim::Busy { lease_left_ms } => (lease_left_ms.div_ceil(1000) as u32).clamp(1, 10),
                _ => (config.retry.base_seconds.saturating_mul(2)).clamp(1, WAIT_MAX_SECONDS),
            };
            return later(m, env, &delivery, wait).await;
        }
        Ok(other) => {
            worker::console_error!("{id}/{name}: unexpected claim reply {other:?}");
            return retry_in(m, backoff);
        }
        Err(e) => {
            worker::console_error!("{id}/{name}: claim failed: {e}");
            return retry_in(m, backoff);
        }
    };

    let outcome = match (serde_json::from_str::<Event>(&event_json), config.destination(name)) {
        (Err(e), _) => Outcome::Failed(format!("the stored event cannot be read: {e}")),
        (_, None) => Outcome::Failed(format!("destination {name} is no longer enabled (DESTINATIONS)")),
        (Ok(event), Some(destination)) => {
            // The order a refund or cancellation reverses, as the ledger stored it.
            let order = order_json.and_then(|text| serde_json::from_str::<Event>(&text).ok());
            let mut conversation = destination.start(&event, &Context { attempt, order });
            let timeout = config.fetch_timeout_ms;
            let now_unix = (runtime::now_ms() / 1000) as i64;
            // The first request uses the slot reserved above, unless the claim made it miss it;
            // each later one reserves its own.
            let mut reserved = first_slot_ms;
            let send = |request| {
                let slot = reserved.take();
                let pacing = pacing.clone();
                async move {
                    if let Some(p) = &pacing {
                        // A slot missed (left more than one interval late: a slow call, a busy
                        // runtime, a late timer) is given up for a new one, a few times at most.
                        let mut slot = slot;
                        for _ in 0..3 {
                            if slot.is_some_and(|at| !slot_missed(at, runtime::now_ms(), p.per_minute)) {
                                break;
                            }
                            let reserve = PaceCall::Reserve { now_ms: runtime::now_ms(), per_minute: p.per_minute, max_wait_ms: None };
                            match runtime::pacer(env, &p.account, &reserve).await {
                                Ok(PaceReply::Granted { wait_ms }) => {
                                    slot = Some(runtime::now_ms().saturating_add(wait_ms));
                                    runtime::sleep_ms(wait_ms).await;
                                }
                                other => {
                                    worker::console_error!("the account's pacer: {other:?}; sending unpaced");
                                    break;
                                }
                            }
                        }
                    }
                    let answer = runtime::send(request, timeout).await;
                    if let (Some(p), Ok(a)) = (&pacing, &answer) {
                        if !a.rate_limit.is_empty() {
                            let observe = PaceCall::Observe { now_ms: runtime::now_ms(), per_minute: p.per_minute, headers: a.rate_limit.clone() };
                            if let Err(e) = runtime::pacer(env, &p.account, &observe).await {
                                worker::console_error!("the account's pacer: {e}");
                            }
                        }
                    }
                    answer
                }
            };
            deliver(conversation.as_mut(), send, now_unix).await
        }
    };
    let settlement = match outcome {
        Outcome::Delivered(detail) => Settlement::Delivered { detail },
        Outcome::Failed(reason) => Settlement::Failed { reason },
        Outcome::Skipped(reason) => Settlement::Skipped { reason },
        Outcome::Retry { reason, .. } if config.retry.exhausted(attempt) => {
            Settlement::Failed { reason: format!("gave up after {attempt} attempts; last: {reason}") }
        }
        Outcome::Retry { reason, retry_after } => {
            let delay = config.retry.delay_seconds(attempt, retry_after, runtime::random());
            Settlement::Retry { reason, delay_ms: u64::from(delay) * 1000 }
        }
    }
    .redacted();
    let call = Call::Settle {
        id: id.into(),
        destination: name.into(),
        attempt,
        settlement: settlement.clone(),
        now_ms: runtime::now_ms(),
    };
    // Settling matters most after a delivery: try a few times before leaving it to a redelivery.
    let mut settled = Err(String::new());
    for _ in 0..3 {
        settled = runtime::ledger(env, key, &call).await;
        if settled.is_ok() {
            break;
        }
    }
    let state = match settled {
        Ok(Reply::Settled { state }) => state,
        other => {
            worker::console_error!("{id}/{name}: attempt {attempt} ended {settlement:?} but could not be recorded: {other:?}");
            return retry_in(m, backoff);
        }
    };
    match (settlement, state) {
        (Settlement::Retry { reason, delay_ms }, State::Pending) => {
            let delay = (delay_ms / 1000) as u32;
            worker::console_log!("{id}/{name}: attempt {attempt}: {reason}; retry in {delay} s");
            retry_in(m, delay);
        }
        (Settlement::Failed { reason }, State::Failed) => {
            worker::console_warn!("{id}/{name}: failed after {attempt} attempt(s): {reason}");
            let letter = Letter {
                event: id.into(),
                destination: name.into(),
                attempts: Some(attempt),
                reason,
                failed_at: crate::time::iso_utc(runtime::now_ms()),
            };
            let body = letter.to_json();
            let sent = match env.queue(DEAD_LETTER_BINDING) {
                Ok(q) => q.send(body).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(e) = sent {
                worker::console_error!("{id}/{name}: dead-letter queue: {e} (the ledger records the failure)");
            }
            m.ack();
        }
        _ => m.ack(),
    }
}
