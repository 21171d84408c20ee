//! The Durable Object that paces one WoowUp account (`WOOWUP_PACER`, one object per account,
//! named by `woowup_v3_destination::account_name`): it holds the account's [`PaceBook`] and
//! answers each [`PaceCall`] in turn (a Durable Object runs one call at a time, so two deliveries
//! never get the same slot). The state lives in memory: the runtime keeps an object in memory
//! while it is called, and one evicted after a quiet spell starts with the whole budget, which a
//! quiet spell has given back anyway.

use crate::pacing::{PaceBook, PaceCall};
use std::cell::RefCell;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

#[durable_object]
pub struct WoowUpPacer {
    book: RefCell<PaceBook>,
}

impl DurableObject for WoowUpPacer {
    fn new(_state: State, _env: Env) -> Self {
        WoowUpPacer { book: RefCell::new(PaceBook::default()) }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let call: PaceCall = match req.json().await {
            Ok(call) => call,
            Err(e) => return Response::error(format!("not a pacer call: {e}"), 400),
        };
        let reply = self.book.borrow_mut().apply(call);
        Response::from_json(&reply)
    }
}
