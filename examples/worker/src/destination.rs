//! A destination is a loyalty program the events go to. Each one turns an event into a
//! sans-I/O conversation: it says which request to send next (and what it changes), reads each
//! answer, and ends with an [`Outcome`]. [`deliver`] runs a conversation over any transport; what
//! each answer means (hand it over, retry later, stop, in doubt) is decided by the core's engine,
//! under the destination's vendor policy (`loyalty_connector::engine::Policy`): the same rules
//! the library's flows and the command line follow.

use crate::event::Event;
use crate::lootly_destination::LootlyDestination;
use crate::problem::Problem;
use crate::woowup_destination::WoowUpDestination;
use crate::woowup_v3_destination::WoowUpV3Destination;
use loyalty_connector::engine::{self, Effect, Policy, Response, Verdict};
use loyalty_connector::Request;
use std::future::Future;

/// How one delivery attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The destination took the event; the text says what it answered.
    Delivered(String),
    /// Refused for good: sending it again cannot help.
    Failed(String),
    /// Nothing to deliver, on purpose (e.g. WoowUp does not know the customer and is told not
    /// to add them).
    Skipped(String),
    /// Try again later, not sooner than `retry_after` seconds when the server said so.
    Retry { reason: String, retry_after: Option<u32> },
}

/// What a conversation wants next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this request; the effect says what a lost answer to it means.
    Send(Request, Effect),
    Done(Outcome),
}

/// One event's exchange with one destination.
pub trait Conversation {
    /// The vendor's rules for its answers.
    fn policy(&self) -> Policy;
    fn next(&mut self) -> Step;
    /// The answer to the request of the last `Send`, when the policy hands it over (never a 429,
    /// a retried 5xx or a lost answer).
    fn feed(&mut self, status: u16, body: &str);
    /// The request of the last `Send` is in doubt (sent, answer lost or unreadable): whether a
    /// later attempt may send it again, because the vendor refuses or skips a repeat.
    fn may_have_landed(&mut self) -> bool;
}

/// An HTTP answer as the transport reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    /// The answer's `Retry-After` and `x-rate-limit-*` headers (`pacing::RATE_LIMIT_HEADERS`),
    /// for the account's pacer.
    pub rate_limit: Vec<(String, String)>,
    pub body: String,
}

/// The most requests one conversation may make (a guard against a conversation that never ends).
const MAX_STEPS: usize = 16;

/// Runs a conversation: `send` performs one request (an `Err` is a network error or timeout);
/// `now_unix` reads `Retry-After` dates.
pub async fn deliver<F, Fut>(conversation: &mut dyn Conversation, mut send: F, now_unix: i64) -> Outcome
where
    F: FnMut(Request) -> Fut,
    Fut: Future<Output = Result<Answer, String>>,
{
    let policy = conversation.policy();
    for _ in 0..MAX_STEPS {
        let (request, effect) = match conversation.next() {
            Step::Done(outcome) => return outcome,
            Step::Send(request, effect) => (request, effect),
        };
        // The path only: a query may hold a customer's email.
        let url = request.url.split('?').next().unwrap_or_default();
        let path = url.split('/').skip(3).collect::<Vec<_>>().join("/");
        let answer = match send(request).await {
            Err(error) => engine::Answer::network(error),
            Ok(a) => {
                let response = Response::new(a.status, a.body);
                engine::Answer::Response(match a.retry_after {
                    Some(v) => response.with_header("retry-after", &v),
                    None => response,
                })
            }
        };
        let (what, status) = match &answer {
            engine::Answer::Lost(t) => (format!("network error on /{path}: {}", t.message), 0),
            engine::Answer::Response(r) => (format!("HTTP {} on /{path}", r.status), r.status),
        };
        match policy.classify(effect, &answer, now_unix) {
            Verdict::Answer => {
                if let engine::Answer::Response(r) = &answer {
                    conversation.feed(r.status, &r.body);
                }
            }
            Verdict::Retry { retry_after, .. } => {
                let retry_after = retry_after.map(|s| u32::try_from(s).unwrap_or(u32::MAX));
                return Outcome::Retry { reason: what, retry_after };
            }
            Verdict::Permanent => return Outcome::Failed(format!("{} on /{path}", policy.permanent_reason(status))),
            Verdict::InDoubt if conversation.may_have_landed() => {
                let reason = format!("{what}: it may have landed; the next attempt reads a repeat's refusal as its success");
                return Outcome::Retry { reason, retry_after: None };
            }
            Verdict::InDoubt => {
                let name = policy.service_name();
                return Outcome::Failed(format!("{what}: in doubt, it may have reached {name}, which cannot tell a repeat: check there before replaying it"));
            }
        }
    }
    Outcome::Failed(format!("the conversation did not end within {MAX_STEPS} requests"))
}

/// The destinations this Worker knows.
#[derive(Clone, Debug)]
pub enum Destination {
    Lootly(LootlyDestination),
    WoowUp(WoowUpDestination),
    /// WoowUp's API v3 (`WOOWUP_API=v3`), under the same name: the API is a setting.
    WoowUpV3(WoowUpV3Destination),
}

/// What the ledger knows around one delivery attempt.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// This attempt's number (1 for the first send): above 1, an earlier attempt may have
    /// reached the destination.
    pub attempt: u32,
    /// For a refund or cancellation: the order event that reached this destination, if any.
    pub order: Option<Event>,
}

/// The account a destination's requests are paced for, and its budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacing {
    /// The name of the account's pacer object: a digest of the base URL and API key (never the key).
    pub account: String,
    pub per_minute: u32,
}

impl Destination {
    /// The name used in the ledger, the queue messages and `GET /v1/events/{id}`.
    pub fn name(&self) -> &'static str {
        match self {
            Destination::Lootly(_) => "lootly",
            Destination::WoowUp(_) | Destination::WoowUpV3(_) => "woowup",
        }
    }

    /// Whether this destination's requests are paced per account, and how.
    pub fn pacing(&self) -> Option<Pacing> {
        match self {
            Destination::WoowUpV3(w) => Some(w.pacing()),
            Destination::Lootly(_) | Destination::WoowUp(_) => None,
        }
    }

    /// Why this destination does not take this event, if it does not.
    pub fn skip_reason(&self, event: &Event) -> Option<String> {
        match (self, event) {
            // Lootly takes every status (the merchant picks which one it rewards), refunds and
            // cancellations.
            (Destination::Lootly(_), _) => None,
            (Destination::WoowUp(w), event) => w.skip_reason(event),
            (Destination::WoowUpV3(w), event) => w.skip_reason(event),
        }
    }

    /// Builds the first request without sending it, so that an event the destination's rules
    /// refuse is answered 400 at once instead of failing later in the queue.
    pub fn check(&self, event: &Event) -> Result<(), Problem> {
        match self {
            Destination::Lootly(l) => l.request(event).map(|_| ()),
            Destination::WoowUp(w) => w.first_request(event).map(|_| ()),
            Destination::WoowUpV3(w) => w.first_request(event).map(|_| ()),
        }
        .map_err(|e| Problem::new("rejected_by_destination", e.field().unwrap_or(""), format!("{}: {e}", self.name())))
    }

    /// The conversation that delivers `event`.
    pub fn start(&self, event: &Event, context: &Context) -> Box<dyn Conversation> {
        match self {
            Destination::Lootly(l) => Box::new(l.conversation(event)),
            Destination::WoowUp(w) => Box::new(w.conversation(event)),
            Destination::WoowUpV3(w) => Box::new(w.conversation(event, context)),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::future::{ready, Future};
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Runs a future whose I/O is always ready (the tests' transports answer at once).
    pub fn run_ready<T>(f: impl Future<Output = T>) -> T {
        let mut f = pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("the test transport is always ready"),
        }
    }

    /// A conversation of two requests that delivers when both answers are 200.
    struct Two {
        sent: usize,
        statuses: Vec<u16>,
    }

    impl Conversation for Two {
        fn policy(&self) -> Policy {
            Policy::WOOWUP
        }

        fn may_have_landed(&mut self) -> bool {
            false
        }

        fn next(&mut self) -> Step {
            if self.statuses.iter().any(|s| *s != 200) {
                return Step::Done(Outcome::Failed(format!("{:?}", self.statuses)));
            }
            if self.sent == 2 {
                return Step::Done(Outcome::Delivered("both".into()));
            }
            self.sent += 1;
            let mut r = LootlyDestination::example().request(&crate::lootly_destination::tests::order()).unwrap();
            r.url = format!("http://127.0.0.1:1/step/{}", self.sent);
            Step::Send(r, Effect::Read)
        }

        fn feed(&mut self, status: u16, _body: &str) {
            self.statuses.push(status);
        }
    }

    fn answer(status: u16, retry_after: Option<&str>) -> Result<Answer, String> {
        Ok(Answer { status, retry_after: retry_after.map(str::to_string), rate_limit: vec![], body: String::new() })
    }

    #[test]
    fn runs_every_step_until_done() {
        let mut c = Two { sent: 0, statuses: vec![] };
        let outcome = run_ready(deliver(&mut c, |_| ready(answer(200, None)), 0));
        assert_eq!(outcome, Outcome::Delivered("both".into()));
        assert_eq!(c.statuses, [200, 200]);
    }

    #[test]
    fn retries_network_errors_429_and_502_503_without_feeding_them() {
        let mut c = Two { sent: 0, statuses: vec![] };
        let outcome = run_ready(deliver(&mut c, |_| ready(Err("connection reset".into())), 0));
        assert_eq!(outcome, Outcome::Retry { reason: "network error on /step/1: connection reset".into(), retry_after: None });
        let mut c = Two { sent: 0, statuses: vec![] };
        let outcome = run_ready(deliver(&mut c, |_| ready(answer(429, Some("7"))), 0));
        assert_eq!(outcome, Outcome::Retry { reason: "HTTP 429 on /step/1".into(), retry_after: Some(7) });
        let mut calls = 0;
        let mut c = Two { sent: 0, statuses: vec![] };
        let outcome = run_ready(deliver(
            &mut c,
            |_| {
                calls += 1;
                ready(answer(if calls == 2 { 503 } else { 200 }, Some("soon")))
            },
            0,
        ));
        assert_eq!(outcome, Outcome::Retry { reason: "HTTP 503 on /step/2".into(), retry_after: None });
        assert_eq!(c.statuses, [200]);
    }

    #[test]
    fn hands_other_statuses_to_the_destination() {
        let mut c = Two { sent: 0, statuses: vec![] };
        let outcome = run_ready(deliver(&mut c, |_| ready(answer(404, None)), 0));
        assert_eq!(outcome, Outcome::Failed("[404]".into()));
        // Refused credentials stop the delivery without being handed over: no retry helps.
        let mut c = Two { sent: 0, statuses: vec![] };
        let outcome = run_ready(deliver(&mut c, |_| ready(answer(401, None)), 0));
        assert_eq!(outcome, Outcome::Failed("WoowUp refused the credentials: check the API key (and the app id) (HTTP 401) on /step/1".into()));
        assert!(c.statuses.is_empty());
    }

    #[test]
    fn a_conversation_that_never_ends_fails() {
        struct Forever;
        impl Conversation for Forever {
            fn policy(&self) -> Policy {
                Policy::LOOTLY
            }
            fn may_have_landed(&mut self) -> bool {
                false
            }
            fn next(&mut self) -> Step {
                Step::Send(LootlyDestination::example().request(&crate::lootly_destination::tests::order()).unwrap(), Effect::Read)
            }
            fn feed(&mut self, _: u16, _: &str) {}
        }
        let outcome = run_ready(deliver(&mut Forever, |_| ready(answer(200, None)), 0));
        assert!(matches!(outcome, Outcome::Failed(r) if r.contains("16 requests")));
    }
}
