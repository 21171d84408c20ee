//! A step machine run under its vendor's policy: retries, waits, doubt and the final error are
//! decided here, once, for every driver.

use super::classify::{Effect, Policy, Verdict};
use super::{Answer, Step, TransportKind};
use crate::error::LoyaltyError;
use crate::http::Request;

/// What a step machine wants next.
#[derive(Clone, Debug, PartialEq)]
pub enum Next<O> {
    /// Send this request; `Effect` says what it changes (and so what a lost answer means).
    Send(Request, Effect),
    Done(O),
}

/// A step machine: a flow, a batch job, a Worker delivery. It never sees a retryable answer,
/// a lost one or a permanent refusal: the [`Exchange`] handles those.
pub trait Machine {
    type Outcome: Clone;
    /// The request to send now, or the outcome. Asked again after each answer.
    fn next(&mut self) -> Next<Self::Outcome>;
    /// The vendor's answer to the request of `next`.
    fn feed(&mut self, status: u16, body: &str);
    /// The request of `next` is in doubt (sent, answer lost or unreadable). `true` when the
    /// machine can settle it: its next request (asked after a wait) is the same one again,
    /// because it now reads the vendor's refusal of a repeat (a repeated invoice number, an
    /// existing customer) as the earlier attempt's success, or a check of whether it landed.
    /// `false` ends the exchange with an `in_doubt` error.
    fn may_have_landed(&mut self) -> bool {
        false
    }
    /// The outcome of a machine the exchange stopped (credentials refused, retries spent, in
    /// doubt).
    fn fail(&mut self, error: LoyaltyError) -> Self::Outcome;
}

/// What to do after one answer to one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Hand the answer to the machine.
    Deliver,
    /// Send the request again after this many milliseconds.
    Retry(u64),
    /// The request may have landed: check (or, when the machine can tell, send it again).
    InDoubt,
    /// Stop with this error.
    Stop(LoyaltyError),
}

/// The retry state of one request: how often it was sent and how long it waited on 429s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Failed sends so far (429s not counted).
    pub failures: u32,
    /// Milliseconds waited on 429s so far.
    pub rate_limited_ms: u64,
}

impl Attempts {
    /// Judges one answer to a request with `effect`, and counts it.
    pub fn judge(&mut self, policy: &Policy, effect: Effect, answer: &Answer, now_unix: i64, jitter: f64) -> Decision {
        match policy.classify(effect, answer, now_unix) {
            Verdict::Answer => Decision::Deliver,
            Verdict::InDoubt => Decision::InDoubt,
            Verdict::Permanent => {
                let status = match answer {
                    Answer::Response(r) => r.status,
                    Answer::Lost(_) => 0,
                };
                Decision::Stop(LoyaltyError::Remote { service: policy.service, status, message: policy.permanent_reason(status) })
            }
            Verdict::Retry { retry_after, rate_limited: true } => {
                let wait = policy.backoff.delay_ms(self.failures + 1, retry_after, jitter);
                if self.rate_limited_ms.saturating_add(wait) > policy.backoff.max_rate_limited_ms {
                    return Decision::Deliver; // the last 429 is the answer
                }
                self.rate_limited_ms += wait;
                Decision::Retry(wait)
            }
            Verdict::Retry { retry_after, rate_limited: false } => self.retry(policy, retry_after, jitter).unwrap_or_else(|| match answer {
                Answer::Response(_) => Decision::Deliver,
                Answer::Lost(t) => Decision::Stop(LoyaltyError::Network {
                    service: policy.service,
                    reason: format!("{}: {} ({} attempt{})", lost_text(t.kind), t.message, self.failures, if self.failures == 1 { "" } else { "s" }),
                }),
            }),
        }
    }

    /// Counts one more failed send: the wait before the next, or `None` when the attempts are
    /// spent.
    pub fn retry(&mut self, policy: &Policy, retry_after: Option<u64>, jitter: f64) -> Option<Decision> {
        self.failures += 1;
        (self.failures < policy.backoff.max_attempts).then(|| Decision::Retry(policy.backoff.delay_ms(self.failures, retry_after, jitter)))
    }
}

fn lost_text(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Timeout => "no answer in time",
        TransportKind::Network => "no answer",
    }
}

/// The error of a request left in doubt.
pub fn in_doubt(policy: &Policy, why: &str) -> LoyaltyError {
    LoyaltyError::InDoubt {
        service: policy.service,
        reason: format!("{why}: the request may have reached {}; check before sending it again", policy.service_name()),
    }
}

/// A machine under a policy. See the module documentation for the driver's loop.
#[derive(Clone, Debug)]
pub struct Exchange<M: Machine> {
    machine: M,
    policy: Policy,
    pending: Option<(Request, Effect)>,
    attempts: Attempts,
    /// Requests left in doubt over the whole exchange. Not reset by an answer the machine reads:
    /// a check that finds nothing is followed by the same write again, so a count reset by the
    /// check's answer would let a write that is never answered loop for ever.
    doubts: u32,
    wait: Option<u64>,
    done: Option<M::Outcome>,
}

impl<M: Machine> Exchange<M> {
    pub fn new(machine: M, policy: Policy) -> Exchange<M> {
        Exchange { machine, policy, pending: None, attempts: Attempts::default(), doubts: 0, wait: None, done: None }
    }

    pub fn machine(&self) -> &M {
        &self.machine
    }

    /// The outcome, once the exchange is over.
    pub fn done(&self) -> Option<&M::Outcome> {
        self.done.as_ref()
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// What the driver does now. After `Wait`, ask again: the same request is then resent.
    pub fn next(&mut self) -> Step<M::Outcome> {
        if let Some(ms) = self.wait.take() {
            return Step::Wait(ms);
        }
        if let Some(outcome) = &self.done {
            return Step::Done(outcome.clone());
        }
        if let Some((request, _)) = &self.pending {
            return Step::Send(request.clone());
        }
        match self.machine.next() {
            Next::Send(request, effect) => {
                self.pending = Some((request.clone(), effect));
                self.attempts = Attempts::default();
                Step::Send(request)
            }
            Next::Done(outcome) => {
                self.done = Some(outcome.clone());
                Step::Done(outcome)
            }
        }
    }

    /// The answer to the request of the last `Send`: `now_unix` reads `Retry-After` dates,
    /// `jitter` in [0, 1] spreads the backoff. An answer nobody asked for is ignored.
    pub fn feed(&mut self, answer: Answer, now_unix: i64, jitter: f64) {
        let Some((_, effect)) = &self.pending else { return };
        let effect = *effect;
        let decision = match self.attempts.judge(&self.policy, effect, &answer, now_unix, jitter) {
            Decision::InDoubt if self.machine.may_have_landed() => {
                self.doubts += 1;
                if self.doubts >= self.policy.backoff.max_attempts {
                    Decision::Stop(in_doubt(&self.policy, "no readable answer after the last attempt"))
                } else {
                    // Asked again after the wait: the same request, or the machine's check.
                    self.pending = None;
                    Decision::Retry(self.policy.backoff.delay_ms(self.doubts, None, jitter))
                }
            }
            Decision::InDoubt => Decision::Stop(in_doubt(&self.policy, &doubt_reason(&answer))),
            other => other,
        };
        match decision {
            Decision::Deliver => {
                self.pending = None;
                if let Answer::Response(r) = answer {
                    self.machine.feed(r.status, &r.body);
                }
            }
            Decision::Retry(ms) => self.wait = Some(ms),
            Decision::Stop(_) | Decision::InDoubt => {
                let error = match decision {
                    Decision::Stop(error) => error,
                    _ => in_doubt(&self.policy, &doubt_reason(&answer)),
                };
                self.pending = None;
                self.done = Some(self.machine.fail(error));
            }
        }
    }
}

fn doubt_reason(answer: &Answer) -> String {
    match answer {
        Answer::Lost(t) => format!("{} ({})", lost_text(t.kind), t.message),
        Answer::Response(r) if (200..=299).contains(&r.status) => format!("an unreadable answer (HTTP {})", r.status),
        Answer::Response(r) => format!("HTTP {}", r.status),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Backoff, Response};
    use super::*;
    use crate::http::Method;

    /// Sends `n` requests with `effect`; done with the statuses it was fed, or the error.
    #[derive(Clone, Debug)]
    struct Script {
        effect: Effect,
        left: usize,
        fed: Vec<u16>,
        repeat_safe: bool,
        failed: Option<LoyaltyError>,
    }

    impl Machine for Script {
        type Outcome = Result<Vec<u16>, LoyaltyError>;
        fn next(&mut self) -> Next<Self::Outcome> {
            if self.left == 0 {
                return Next::Done(Ok(self.fed.clone()));
            }
            let url = format!("http://127.0.0.1:1/{}", self.left);
            Next::Send(Request { method: Method::Post, url, headers: vec![], body: None }, self.effect)
        }
        fn feed(&mut self, status: u16, _: &str) {
            self.fed.push(status);
            self.left -= 1;
        }
        fn may_have_landed(&mut self) -> bool {
            self.repeat_safe
        }
        fn fail(&mut self, error: LoyaltyError) -> Self::Outcome {
            self.failed = Some(error.clone());
            Err(error)
        }
    }

    fn script(effect: Effect, left: usize) -> Script {
        Script { effect, left, fed: vec![], repeat_safe: false, failed: None }
    }

    const FAST: Policy = Policy::WOOWUP.with_backoff(Backoff { base_ms: 100, max_ms: 1000, max_attempts: 3, max_rate_limited_ms: 500, max_retry_after_ms: 60_000 });

    /// Drives an exchange over scripted answers; returns the outcome and the steps taken.
    fn drive(machine: Script, answers: Vec<Answer>) -> (Result<Vec<u16>, LoyaltyError>, Vec<String>) {
        let mut exchange = Exchange::new(machine, FAST);
        let mut answers = answers.into_iter();
        let mut steps = vec![];
        loop {
            match exchange.next() {
                Step::Send(r) => {
                    steps.push(format!("send {}", r.url.rsplit('/').next().unwrap()));
                    exchange.feed(answers.next().expect("an answer for every send"), 0, 1.0);
                }
                Step::Wait(ms) => steps.push(format!("wait {ms}")),
                Step::Done(outcome) => return (outcome, steps),
            }
        }
    }

    #[test]
    fn answers_go_to_the_machine_in_order() {
        let (outcome, steps) = drive(script(Effect::Read, 2), vec![Answer::response(200, "{}"), Answer::response(404, "{}")]);
        assert_eq!(outcome.unwrap(), [200, 404]);
        assert_eq!(steps, ["send 2", "send 1"]);
    }

    #[test]
    fn retries_with_backoff_then_hands_over_the_last_answer() {
        let answers = vec![Answer::response(503, ""), Answer::response(502, ""), Answer::response(503, "")];
        let (outcome, steps) = drive(script(Effect::Read, 1), answers);
        assert_eq!(outcome.unwrap(), [503]);
        assert_eq!(steps, ["send 1", "wait 100", "send 1", "wait 200", "send 1"]);
    }

    #[test]
    fn honours_retry_after_and_a_rate_limit_budget() {
        let limited = || Answer::Response(Response::new(429, "").with_header("Retry-After", "0"));
        let (outcome, steps) = drive(script(Effect::Once, 1), vec![limited(), limited(), Answer::response(200, r#"{"status":true}"#)]);
        assert_eq!(outcome.unwrap(), [200]);
        assert_eq!(steps, ["send 1", "wait 100", "send 1", "wait 100", "send 1"]);
        // 429s do not spend attempts but a budget of time: past it the last 429 is the answer.
        let (outcome, steps) = drive(script(Effect::Once, 1), (0..6).map(|_| limited()).collect());
        assert_eq!(outcome.unwrap(), [429]);
        assert_eq!(steps.iter().filter(|s| s.starts_with("send")).count(), 6);
        let slow = Answer::Response(Response::new(503, "").with_header("Retry-After", "9"));
        let (_, steps) = drive(script(Effect::Read, 1), vec![slow, Answer::response(200, "{}")]);
        assert_eq!(steps[1], "wait 9000");
    }

    #[test]
    fn a_lost_read_is_retried_then_a_network_error() {
        let lost = || Answer::network("ECONNREFUSED");
        let (outcome, steps) = drive(script(Effect::Read, 1), vec![lost(), lost(), lost()]);
        let error = outcome.unwrap_err();
        assert_eq!(error.code(), "network_error");
        assert_eq!(error.to_string(), "woowup: no answer: ECONNREFUSED (3 attempts)");
        assert_eq!(steps.len(), 5);
    }

    #[test]
    fn a_lost_write_is_in_doubt_unless_the_machine_can_tell_a_repeat() {
        let (outcome, steps) = drive(script(Effect::Once, 1), vec![Answer::timeout("30 s")]);
        let error = outcome.unwrap_err();
        assert_eq!(error.code(), "in_doubt");
        assert!(error.to_string().contains("may have reached WoowUp"), "{error}");
        assert_eq!(steps, ["send 1"]);
        let safe = Script { repeat_safe: true, ..script(Effect::Once, 1) };
        let (outcome, steps) = drive(safe, vec![Answer::timeout("30 s"), Answer::response(200, "<html>"), Answer::response(200, r#"{"status":true}"#)]);
        assert_eq!(outcome.unwrap(), [200]);
        assert_eq!(steps, ["send 1", "wait 100", "send 1", "wait 200", "send 1"]);
    }

    /// A machine that checks instead of resending: after a doubt its next request is a lookup.
    #[derive(Clone, Debug)]
    struct Checker {
        checking: bool,
        fed: Vec<(String, u16)>,
    }

    impl Machine for Checker {
        type Outcome = Vec<(String, u16)>;
        fn next(&mut self) -> Next<Self::Outcome> {
            match (self.checking, self.fed.len()) {
                (_, 1..) => Next::Done(self.fed.clone()),
                (false, 0) => Next::Send(Request { method: Method::Post, url: "http://h/points".into(), headers: vec![], body: None }, Effect::Once),
                (true, 0) => Next::Send(Request { method: Method::Get, url: "http://h/check".into(), headers: vec![], body: None }, Effect::Read),
            }
        }
        fn feed(&mut self, status: u16, _: &str) {
            let what = if self.checking { "check" } else { "points" };
            self.fed.push((what.into(), status));
        }
        fn may_have_landed(&mut self) -> bool {
            self.checking = true;
            true
        }
        fn fail(&mut self, _: LoyaltyError) -> Self::Outcome {
            vec![]
        }
    }

    #[test]
    fn after_a_doubt_the_machine_may_check_instead_of_resending() {
        let mut exchange = Exchange::new(Checker { checking: false, fed: vec![] }, FAST);
        let Step::Send(first) = exchange.next() else { panic!() };
        assert!(first.url.ends_with("/points"));
        exchange.feed(Answer::timeout("t"), 0, 1.0);
        assert_eq!(exchange.next(), Step::Wait(100));
        let Step::Send(second) = exchange.next() else { panic!() };
        assert!(second.url.ends_with("/check"), "{second:?}");
        exchange.feed(Answer::response(200, "[]"), 0, 1.0);
        assert_eq!(exchange.next(), Step::Done(vec![("check".into(), 200)]));
    }

    /// Checks, finds nothing, sends again: every write answered 503.
    #[derive(Clone, Debug, Default)]
    struct Resender {
        checking: bool,
        sent: u32,
    }

    impl Machine for Resender {
        type Outcome = Result<u32, LoyaltyError>;
        fn next(&mut self) -> Next<Self::Outcome> {
            let (method, path, effect) = if self.checking { (Method::Get, "check", Effect::Read) } else { (Method::Post, "points", Effect::Once) };
            Next::Send(Request { method, url: format!("http://h/{path}"), headers: vec![], body: None }, effect)
        }
        fn feed(&mut self, _: u16, _: &str) {
            self.checking = false; // the check found nothing: send the write again
        }
        fn may_have_landed(&mut self) -> bool {
            self.sent += 1;
            self.checking = true;
            true
        }
        fn fail(&mut self, error: LoyaltyError) -> Self::Outcome {
            Err(error)
        }
    }

    #[test]
    fn checks_that_find_nothing_do_not_reset_the_doubts() {
        let mut exchange = Exchange::new(Resender::default(), FAST);
        for _ in 0..100 {
            match exchange.next() {
                Step::Send(r) if r.url.ends_with("/check") => exchange.feed(Answer::response(200, "[]"), 0, 1.0),
                Step::Send(_) => exchange.feed(Answer::response(503, ""), 0, 1.0),
                Step::Wait(_) => {}
                Step::Done(outcome) => {
                    assert_eq!(outcome.unwrap_err().code(), "in_doubt");
                    assert_eq!(exchange.machine().sent, FAST.backoff.max_attempts);
                    return;
                }
            }
        }
        panic!("still going after 100 steps");
    }

    #[test]
    fn permanent_refusals_stop_at_once() {
        let (outcome, steps) = drive(script(Effect::Read, 3), vec![Answer::response(401, "{}")]);
        let error = outcome.unwrap_err();
        assert_eq!((error.code(), error.status()), ("remote_error", Some(401)));
        assert_eq!(steps, ["send 3"]);
    }

    #[test]
    fn unasked_answers_are_ignored() {
        let mut exchange = Exchange::new(script(Effect::Read, 1), FAST);
        exchange.feed(Answer::response(200, "{}"), 0, 0.0);
        assert!(matches!(exchange.next(), Step::Send(_)));
        exchange.feed(Answer::response(200, "{}"), 0, 0.0);
        exchange.feed(Answer::response(500, "{}"), 0, 0.0);
        assert_eq!(exchange.next(), Step::Done(Ok(vec![200])));
    }
}
