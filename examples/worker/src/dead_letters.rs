//! Dead letters: deliveries that will not happen without an operator. They reach the
//! `loyalty-dead-letters` queue two ways: the consumer sends a [`Letter`] when a delivery failed
//! for good (a refusal, or `MAX_ATTEMPTS` spent), and the queue itself routes there a delivery
//! message whose invocations kept crashing (`max_retries`). This Worker consumes that queue into
//! one `DeadLetterBox` Durable Object, which an operator lists (`GET /v1/dead-letters`) and
//! replays from (`POST /v1/events/{id}/replay`).

use serde::{Deserialize, Serialize};

/// One dead letter, as listed. Stored under [`Letter::key`]: a later letter for the same
/// (event, destination) replaces the earlier one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub event: String,
    pub destination: String,
    /// Sends made (absent when the queue dead-lettered the message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    pub reason: String,
    pub failed_at: String,
}

/// What the `DeadLetterBox` object is asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum BoxCall {
    /// Keep this letter (replacing an earlier one for the same event and destination).
    Add { letter: Letter },
    /// Every letter, by event id.
    List,
    /// Forget the letters of an event (it was replayed).
    Remove { event: String },
}

/// A delivery message, as the queue dead-letters it.
#[derive(Deserialize)]
struct Delivery {
    event: String,
    destination: String,
}

impl Letter {
    /// Reads a dead-letter queue message: a [`Letter`], or a delivery message the queue gave up
    /// on at `now_iso`. `None` for anything else.
    pub fn from_queue_body(body: &str, now_iso: &str) -> Option<Letter> {
        if let Ok(letter) = serde_json::from_str::<Letter>(body) {
            return Some(letter);
        }
        let d = serde_json::from_str::<Delivery>(body).ok()?;
        Some(Letter {
            event: d.event,
            destination: d.destination,
            attempts: None,
            reason: "the queue gave up on this delivery's message (its consumer kept failing)".into(),
            failed_at: now_iso.into(),
        })
    }

    /// The storage key: `letter:{event}:{destination}`, so an event's letters list together.
    pub fn key(&self) -> String {
        format!("{}{}", Self::event_prefix(&self.event), self.destination)
    }

    /// The key prefix of every letter of `event`.
    pub fn event_prefix(event: &str) -> String {
        format!("letter:{event}:")
    }

    pub fn to_json(&self) -> String {
        // no-panic: strings and an integer always serialise.
        serde_json::to_string(self).expect("a Letter serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_kinds_of_dead_letter() {
        let letter = Letter {
            event: "evt_1".into(),
            destination: "lootly".into(),
            attempts: Some(3),
            reason: "HTTP 401".into(),
            failed_at: "2026-12-02T10:00:00.000Z".into(),
        };
        assert_eq!(Letter::from_queue_body(&letter.to_json(), "now"), Some(letter.clone()));
        let routed = Letter::from_queue_body(r#"{"event":"evt_1","destination":"woowup"}"#, "now").unwrap();
        assert_eq!((routed.destination.as_str(), routed.attempts, routed.failed_at.as_str()), ("woowup", None, "now"));
        assert!(routed.reason.contains("gave up"));
        assert_eq!(Letter::from_queue_body("not json", "now"), None);
        assert_eq!(letter.key(), "letter:evt_1:lootly");
        assert!(letter.key().starts_with(&Letter::event_prefix("evt_1")));
        let call = BoxCall::Add { letter };
        assert_eq!(serde_json::from_str::<BoxCall>(&serde_json::to_string(&call).unwrap()).unwrap(), call);
        assert_eq!(serde_json::to_string(&BoxCall::List).unwrap(), r#"{"call":"list"}"#);
    }
}
