//! What a driver runs: an engine exchange (retries, waits and doubt under
//! `engine::Policy::WOOWUP`) whose sends are spaced by an account's [`Pacer`], which also reads
//! every answer's `Retry-After` and `x-rate-limit-*`. The pacer is lent at each call, so that
//! every exchange of one account (several flows, a pager) spends one budget. [`PagedList`]
//! walks a [`Pager`] the same way, each page's request retried as any read.
//!
//! ```
//! use loyalty_connector::engine::{Answer, Policy, Response, Step};
//! use loyalty_connector::woowup::v3::{Client, Pacer, PagedList, Pager};
//! let client = Client::new("key").unwrap();
//! let mut list = PagedList::new(Pager::branches(&client, 2).unwrap(), Policy::WOOWUP);
//! let mut pacer = Pacer::default();
//! let Step::Send(_) = list.next(&mut pacer, 0) else { panic!() };
//! let busy = Response::new(429, r#"{"payload":[],"message":"","code":"too_many_request","time":"1ms"}"#).with_header("Retry-After", "2");
//! list.feed(&mut pacer, 10, Answer::Response(busy), 0.5);
//! assert_eq!(list.next(&mut pacer, 10), Step::Wait(2_000));
//! let Step::Send(_) = list.next(&mut pacer, 2_010) else { panic!() };
//! list.feed(&mut pacer, 2_020, Answer::response(200, r#"{"payload":[{"id":1}],"message":"","code":"ok","time":"1ms"}"#), 0.5);
//! assert!(matches!(list.next(&mut pacer, 2_020), Step::Done(Some(Ok(page))) if page.len() == 1));
//! assert_eq!(list.next(&mut pacer, 2_020), Step::Done(None)); // a short page ends the list
//! ```

use super::{Pacer, Pager};
use crate::engine::{Answer, Effect, Exchange, Machine, Next, Policy, Step};
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use serde_json::Value;

/// A machine under the engine, its sends paced.
#[derive(Clone)]
pub struct Paced<M: Machine> {
    exchange: Exchange<M>,
}

impl<M: Machine> std::fmt::Debug for Paced<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paced").finish_non_exhaustive()
    }
}

impl<M: Machine> Paced<M> {
    pub fn new(machine: M, policy: Policy) -> Paced<M> {
        Paced { exchange: Exchange::new(machine, policy) }
    }

    pub fn machine(&self) -> &M {
        self.exchange.machine()
    }

    /// What to do at `now_ms` (Unix milliseconds): a `Send` is to be sent now (the pacer counts
    /// it); a `Wait` is the engine's backoff or the pacer's spacing; after it, ask again.
    pub fn next(&mut self, pacer: &mut Pacer, now_ms: u64) -> Step<M::Outcome> {
        match self.exchange.next() {
            Step::Send(request) => {
                // The exchange keeps the request pending: asked again, it gives the same one.
                let wait = pacer.wait_ms(now_ms);
                if wait > 0 {
                    return Step::Wait(wait);
                }
                pacer.sent(now_ms);
                Step::Send(request)
            }
            other => other,
        }
    }

    /// The answer to the last `Send` (its headers read by the pacer), or its loss.
    pub fn feed(&mut self, pacer: &mut Pacer, now_ms: u64, answer: Answer, jitter: f64) {
        if let Answer::Response(response) = &answer {
            pacer.observe(now_ms, &response.headers);
        }
        let now_unix = i64::try_from(now_ms / 1000).unwrap_or(i64::MAX);
        self.exchange.feed(answer, now_unix, jitter);
    }
}

/// One page's request as a machine: sent (and retried) as a read, its answer handed back.
#[derive(Clone, Debug)]
pub struct PageFetch {
    request: Request,
    answer: Option<std::result::Result<(u16, String), LoyaltyError>>,
}

impl PageFetch {
    pub fn new(request: Request) -> PageFetch {
        PageFetch { request, answer: None }
    }
}

impl Machine for PageFetch {
    type Outcome = std::result::Result<(u16, String), LoyaltyError>;

    fn next(&mut self) -> Next<Self::Outcome> {
        match &self.answer {
            None => Next::Send(self.request.clone(), Effect::Read),
            Some(answer) => Next::Done(answer.clone()),
        }
    }

    fn feed(&mut self, status: u16, body: &str) {
        self.answer = Some(Ok((status, body.to_string())));
    }

    fn fail(&mut self, error: LoyaltyError) -> Self::Outcome {
        self.answer = Some(Err(error.clone()));
        Err(error)
    }
}

/// A [`Pager`] driven page by page under the engine and the pacer: `next` gives `Send`,
/// `Wait`, or `Done(Some(page))` for each page read (then ask again), `Done(Some(Err(…)))` once
/// for a failure that ends the walk, and `Done(None)` after the last page. Empty pages are not
/// given.
#[derive(Debug)]
pub struct PagedList {
    pager: Pager,
    policy: Policy,
    current: Option<Paced<PageFetch>>,
    failed: bool,
}

impl PagedList {
    pub fn new(pager: Pager, policy: Policy) -> PagedList {
        PagedList { pager, policy, current: None, failed: false }
    }

    /// The page the next request asks for.
    pub fn page(&self) -> u32 {
        self.pager.page()
    }

    pub fn next(&mut self, pacer: &mut Pacer, now_ms: u64) -> Step<Option<Result<Vec<Value>>>> {
        if self.failed {
            return Step::Done(None);
        }
        let fetch = match &mut self.current {
            Some(fetch) => fetch,
            None => match self.pager.next_request() {
                None => return Step::Done(None),
                Some(Err(e)) => return self.fail(e),
                Some(Ok(request)) => self.current.insert(Paced::new(PageFetch::new(request), self.policy)),
            },
        };
        match fetch.next(pacer, now_ms) {
            Step::Send(request) => Step::Send(request),
            Step::Wait(ms) => Step::Wait(ms),
            Step::Done(outcome) => {
                self.current = None;
                match outcome.and_then(|(status, body)| self.pager.feed(status, &body)) {
                    Ok(items) if items.is_empty() => Step::Done(None),
                    Ok(items) => Step::Done(Some(Ok(items))),
                    Err(e) => self.fail(e),
                }
            }
        }
    }

    /// The answer to the last `Send`, or its loss.
    pub fn feed(&mut self, pacer: &mut Pacer, now_ms: u64, answer: Answer, jitter: f64) {
        if let Some(fetch) = &mut self.current {
            fetch.feed(pacer, now_ms, answer, jitter);
        }
    }

    fn fail<T>(&mut self, error: LoyaltyError) -> Step<Option<std::result::Result<T, LoyaltyError>>> {
        self.failed = true;
        self.current = None;
        Step::Done(Some(Err(error)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Response;
    use crate::woowup::v3::{input, Client, Engine, RecordOptions, RecordOrder, RecordOutcome};

    const OK: &str = r#"{"payload":[],"message":"ok","code":"ok","time":"1ms"}"#;

    #[test]
    fn a_flows_sends_are_spaced_and_a_429_waits_its_retry_after() {
        let client = Client::new("k").unwrap();
        let purchase = input(r#"{"invoice_number": "F-1", "email": "a@b.c", "purchase_detail": [{"sku": "A-1", "quantity": 1, "unit_price": 10}], "prices": {}}"#).unwrap();
        let flow = RecordOrder::new(&client, purchase, None, RecordOptions::default()).unwrap();
        let mut paced = Paced::new(Engine(flow), Policy::WOOWUP);
        let mut pacer = Pacer::default();
        let t0 = 1_700_000_000_000u64;
        let Step::Send(find) = paced.next(&mut pacer, t0) else { panic!() };
        assert!(find.url.contains("/multiusers/find"));
        paced.feed(&mut pacer, t0 + 5, Answer::response(200, OK), 0.5);
        // The purchase waits for the pacer's spacing, then is the one request sent.
        assert_eq!(paced.next(&mut pacer, t0 + 5), Step::Wait(pacer.interval_ms() - 5));
        let Step::Send(create) = paced.next(&mut pacer, t0 + 429) else { panic!() };
        assert!(create.url.ends_with("/purchases"));
        let busy = Response::new(429, r#"{"payload":[],"message":"","code":"too_many_request","time":"1ms"}"#).with_header("retry-after", "7");
        paced.feed(&mut pacer, t0 + 500, Answer::Response(busy), 0.5);
        assert_eq!(paced.next(&mut pacer, t0 + 500), Step::Wait(7_000));
        assert_eq!(paced.next(&mut pacer, t0 + 7_500), Step::Send(create));
        paced.feed(&mut pacer, t0 + 7_600, Answer::response(201, OK), 0.5);
        assert!(matches!(paced.next(&mut pacer, t0 + 7_600), Step::Done(RecordOutcome::Recorded { duplicate: false, .. })));
    }

    #[test]
    fn a_list_retries_a_page_and_ends_on_a_failure_or_a_short_page() {
        let client = Client::new("k").unwrap();
        let page = |n: usize| format!(r#"{{"payload":[{}],"message":"","code":"ok","time":"1ms"}}"#, vec!["{}"; n].join(","));
        let mut list = PagedList::new(Pager::customers(&client, 2).unwrap(), Policy::WOOWUP);
        let mut pacer = Pacer::default();
        let mut now = 0u64;
        let mut answers = vec![Answer::response(503, "busy"), Answer::response(200, page(2)), Answer::network("reset"), Answer::response(200, page(1))].into_iter();
        let (mut pages, mut sent) = (Vec::new(), Vec::new());
        loop {
            match list.next(&mut pacer, now) {
                Step::Send(r) => {
                    sent.push(r.url);
                    list.feed(&mut pacer, now, answers.next().unwrap(), 0.0);
                }
                Step::Wait(ms) => now += ms,
                Step::Done(Some(page)) => pages.push(page.unwrap().len()),
                Step::Done(None) => break,
            }
        }
        assert_eq!(pages, [2, 1]);
        assert_eq!(sent.iter().filter(|u| u.ends_with("page=0&limit=2")).count(), 2);
        assert_eq!(sent.iter().filter(|u| u.ends_with("page=1&limit=2")).count(), 2);

        let mut list = PagedList::new(Pager::customers(&client, 2).unwrap(), Policy::WOOWUP);
        now += pacer.interval_ms();
        let Step::Send(_) = list.next(&mut pacer, now) else { panic!() };
        list.feed(&mut pacer, now, Answer::response(403, r#"{"payload":[],"message":"bad key","code":"forbidden","time":"1ms"}"#), 0.0);
        let Step::Done(Some(Err(e))) = list.next(&mut pacer, now) else { panic!() };
        assert_eq!(e.status(), Some(403));
        assert_eq!(list.next(&mut pacer, now), Step::Done(None));
    }
}
