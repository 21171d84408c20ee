//! The Durable Object that keeps the dead letters (one object, named `all`): one storage key per
//! (event, destination), `letter:{event}:{destination}`, the [`Letter`] as JSON.

use crate::dead_letters::{BoxCall, Letter};
use worker::{durable_object, wasm_bindgen::JsValue, DurableObject, Env, ListOptions, Request, Response, Result, State};

#[durable_object]
pub struct DeadLetterBox {
    state: State,
}

impl DeadLetterBox {
    async fn list(&self, prefix: &str) -> Result<Vec<(String, Letter)>> {
        let stored = self.state.storage().list_with_options(ListOptions::new().prefix(prefix)).await?;
        let mut letters = Vec::new();
        for entry in stored.entries() {
            let pair: JsValue = entry?;
            let pair = worker::js_sys::Array::from(&pair);
            let (Some(key), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string()) else { continue };
            match serde_json::from_str::<Letter>(&text) {
                Ok(letter) => letters.push((key, letter)),
                Err(e) => worker::console_error!("dead-letter box: unreadable letter {key} skipped: {e}"),
            }
        }
        Ok(letters)
    }
}

impl DurableObject for DeadLetterBox {
    fn new(state: State, _env: Env) -> Self {
        DeadLetterBox { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let call: BoxCall = match req.json().await {
            Ok(call) => call,
            Err(e) => return Response::error(format!("not a dead-letter box call: {e}"), 400),
        };
        let storage = self.state.storage();
        let listed: Vec<Letter> = match call {
            BoxCall::Add { letter } => {
                storage.put(&letter.key(), letter.to_json()).await?;
                vec![]
            }
            BoxCall::List => self.list("letter:").await?.into_iter().map(|(_, l)| l).collect(),
            BoxCall::Remove { event } => {
                let keys: Vec<String> = self.list(&Letter::event_prefix(&event)).await?.into_iter().map(|(k, _)| k).collect();
                if !keys.is_empty() {
                    storage.delete_multiple(keys).await?;
                }
                vec![]
            }
        };
        Response::from_json(&listed)
    }
}
