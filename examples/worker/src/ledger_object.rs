//! The Durable Object that holds one order's [`Ledger`]: one storage key per event
//! (`event:{id}`, the record as JSON). The runtime runs its calls one at a time and holds other
//! calls while storage is read or written, so load → apply → store is atomic.
//!
//! Its alarm is always set while a delivery is not final, at the earliest due time
//! ([`Ledger::next_check`]): when it rings, every stalled delivery is queued again (a message lost
//! with a killed runtime, dead-lettered by the queue, or never sent because the post failed
//! half-way). Alarms are stored with the object, so they survive a restart; when the queue cannot
//! be reached, the alarm looks again after the grace period.
//!
//! Settled ledgers are deleted after `RETENTION_DAYS` (default 30) by the same alarm: that is how
//! long a repeated post is recognised as a duplicate.

use crate::inbound::Delivery;
use crate::ledger::{Call, EventRecord, Ledger, DEFAULT_GRACE_MS};
use crate::runtime::{now_ms, QUEUE_BINDING};
use worker::{durable_object, wasm_bindgen::JsValue, DurableObject, Env, ListOptions, Request, Response, Result, ScheduledTime, State};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

#[durable_object]
pub struct OrderLedger {
    state: State,
    env: Env,
}

impl OrderLedger {
    fn retention_ms(&self) -> u64 {
        let days = self.env.var("RETENTION_DAYS").ok().and_then(|v| v.to_string().trim().parse::<u64>().ok());
        days.unwrap_or(30).clamp(1, 3650) * DAY_MS
    }

    /// `REQUEUE_AFTER_SECONDS`: how long past its expected time a delivery may show no progress.
    fn grace_ms(&self) -> u64 {
        let seconds = self.env.var("REQUEUE_AFTER_SECONDS").ok().and_then(|v| v.to_string().trim().parse::<u64>().ok());
        seconds.map_or(DEFAULT_GRACE_MS, |s| s.clamp(1, 86_400) * 1000)
    }

    async fn load(&self) -> Result<Ledger> {
        let stored = self.state.storage().list_with_options(ListOptions::new().prefix("event:")).await?;
        let mut ledger = Ledger { grace_ms: self.grace_ms(), ..Ledger::default() };
        for value in stored.values() {
            let value: JsValue = value?;
            let Some(text) = value.as_string() else { continue };
            match serde_json::from_str::<EventRecord>(&text) {
                Ok(record) => {
                    ledger.events.insert(record.id.clone(), record);
                }
                Err(e) => worker::console_error!("ledger: unreadable record skipped: {e}"),
            }
        }
        Ok(ledger)
    }

    async fn store(&self, ledger: &Ledger, id: &str) -> Result<()> {
        if let Some(record) = ledger.events.get(id) {
            let json = serde_json::to_string(record).map_err(|e| worker::Error::RustError(e.to_string()))?;
            self.state.storage().put(&format!("event:{id}"), json).await?;
        }
        Ok(())
    }

    /// The alarm: at the next due time while something is not final, else when the ledger expires.
    async fn schedule(&self, ledger: &Ledger) -> Result<()> {
        let at = match ledger.next_check() {
            Some(due) => due,
            None => {
                let newest = ledger.events.values().flat_map(|r| r.destinations.values().map(|d| d.updated_at_ms)).max().unwrap_or(0);
                newest.saturating_add(self.retention_ms())
            }
        };
        self.schedule_at(at).await
    }

    async fn schedule_at(&self, at_ms: u64) -> Result<()> {
        // A time, not an integer: `set_alarm` reads an integer as an offset from now.
        let at = worker::js_sys::Date::new(&JsValue::from_f64(at_ms.max(now_ms()) as f64));
        self.state.storage().set_alarm(ScheduledTime::new(at)).await
    }
}

impl DurableObject for OrderLedger {
    fn new(state: State, env: Env) -> Self {
        OrderLedger { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let call: Call = match req.json().await {
            Ok(call) => call,
            Err(e) => return Response::error(format!("not a ledger call: {e}"), 400),
        };
        let id = call.event_id().to_string();
        let mut ledger = self.load().await?;
        let (reply, changed) = ledger.apply(call);
        if changed {
            self.store(&ledger, &id).await?;
            self.schedule(&ledger).await?;
        }
        Response::from_json(&reply)
    }

    async fn alarm(&self) -> Result<Response> {
        let mut ledger = self.load().await?;
        let now = now_ms();
        let stalled = ledger.stalled(now);
        if !stalled.is_empty() {
            let messages: Vec<String> = stalled
                .iter()
                .map(|(event, destination)| Delivery { event: event.clone(), destination: destination.clone() }.to_json())
                .collect();
            let sent = match self.env.queue(QUEUE_BINDING) {
                Ok(queue) => queue.send_batch(messages).await,
                Err(e) => Err(e),
            };
            if let Err(e) = sent {
                // Look again after the grace period (the runtime gives up on an alarm that keeps
                // failing; this one never fails for that reason).
                worker::console_error!("ledger alarm: the delivery queue: {e}; trying again later");
                self.schedule_at(now.saturating_add(ledger.grace_ms)).await?;
                return Response::ok("");
            }
            for (event, destination) in &stalled {
                worker::console_warn!("{event}/{destination}: no progress past its due time; queued again");
            }
            for id in ledger.requeued(&stalled, now) {
                self.store(&ledger, &id).await?;
            }
        }
        let settled = ledger.next_check().is_none();
        let newest = ledger.events.values().flat_map(|r| r.destinations.values().map(|d| d.updated_at_ms)).max().unwrap_or(0);
        if settled && now >= newest.saturating_add(self.retention_ms()) {
            self.state.storage().delete_all().await?;
        } else {
            self.schedule(&ledger).await?;
        }
        Response::ok("")
    }
}
