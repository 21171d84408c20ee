//! A Cloudflare Worker that receives a shop's order events and forwards them to Lootly and
//! WoowUp durably: signed inbound requests, a Queue between receiving
//! and sending, retries with backoff, and a per-order Durable Object ledger so that each
//! (event, destination) is delivered once. See README.md for the event schema and the design.
//!
//! Pure modules (host-tested with `cargo test`): [`standard_webhooks`], [`event`], [`ledger`],
//! [`destination`], [`lootly_destination`], [`woowup_destination`], [`woowup_v3_destination`], [`pacing`], [`retry`], [`config`], [`time`], [`problem`],
//! [`redact`], [`dead_letters`].
//! The Workers glue exists only on wasm32: `inbound` (HTTP), `consumer` (Queues), `ledger_object`,
//! `dead_letter_box` and `pacer_object` (Durable Objects), `runtime` (env, fetch, clock).

pub mod config;
pub mod dead_letters;
pub mod destination;
pub mod event;
pub mod ledger;
pub mod lootly_destination;
pub mod pacing;
pub mod problem;
pub mod redact;
pub mod retry;
pub mod standard_webhooks;
pub mod time;
pub mod woowup_destination;
pub mod woowup_v3_destination;

#[cfg(target_arch = "wasm32")]
mod consumer;
#[cfg(target_arch = "wasm32")]
mod dead_letter_box;
#[cfg(target_arch = "wasm32")]
mod inbound;
#[cfg(target_arch = "wasm32")]
mod ledger_object;
#[cfg(target_arch = "wasm32")]
mod pacer_object;
#[cfg(target_arch = "wasm32")]
mod runtime;

#[cfg(target_arch = "wasm32")]
mod entry {
    use worker::{event, Context, Env, MessageBatch, Request, Response, Result};

    #[event(fetch)]
    async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
        crate::inbound::handle(req, env).await
    }

    #[event(queue)]
    async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
        let messages: Vec<_> = batch.raw_iter().collect();
        if batch.queue() == crate::runtime::DEAD_LETTER_QUEUE {
            crate::consumer::keep_dead_letters(messages, &env).await;
        } else {
            crate::consumer::handle_batch(messages, &env).await;
        }
        Ok(())
    }
}
