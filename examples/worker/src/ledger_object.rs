//! The Durable Object that holds one order's [`Ledger`]: one storage key per event
//! (`event:{id}`, the record as JSON). The runtime runs its calls one at a time and holds other
//! calls while storage is read or written, so load → apply → store is atomic.
//!
//! Settled ledgers are deleted after `RETENTION_DAYS` (default 30) by an alarm: that is how long
//! a repeated post is recognised as a duplicate.

use crate::ledger::{Call, EventRecord, Ledger};
use crate::runtime::now_ms;
use worker::{durable_object, wasm_bindgen::JsValue, DurableObject, Env, ListOptions, Request, Response, Result, State};

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

    async fn load(&self) -> Result<Ledger> {
        let stored = self.state.storage().list_with_options(ListOptions::new().prefix("event:")).await?;
        let mut ledger = Ledger::default();
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
            if let Some(record) = ledger.events.get(&id) {
                let json = serde_json::to_string(record).map_err(|e| worker::Error::RustError(e.to_string()))?;
                self.state.storage().put(&format!("event:{id}"), json).await?;
            }
            if ledger.events.values().all(EventRecord::is_settled) {
                self.state.storage().set_alarm((now_ms() + self.retention_ms()) as i64).await?;
            }
        }
        Response::from_json(&reply)
    }

    async fn alarm(&self) -> Result<Response> {
        let ledger = self.load().await?;
        let newest = ledger.events.values().flat_map(|r| r.destinations.values().map(|d| d.updated_at_ms)).max().unwrap_or(0);
        let expires = newest.saturating_add(self.retention_ms());
        if ledger.events.values().all(EventRecord::is_settled) && now_ms() >= expires {
            self.state.storage().delete_all().await?;
        } else if ledger.events.values().all(EventRecord::is_settled) {
            self.state.storage().set_alarm(expires as i64).await?;
        }
        Response::ok("")
    }
}
