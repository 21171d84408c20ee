//! Pacing per WoowUp account: one place holds the core's `woowup::v3::Pacer` for an account (the
//! `WoowUpPacer` Durable Object, one per account, runs [`PaceBook::apply`]), and every request a
//! delivery sends to that account first asks it for a send slot. The pacer spends the budget
//! evenly (140 requests a minute: one every 429 ms) and obeys what WoowUp answers (`Retry-After`,
//! `x-rate-limit-*`, reported with [`PaceCall::Observe`]), so a burst of orders becomes a steady
//! stream instead of a storm of 429s.
//!
//! Slots are granted in order, in the future when the budget is spent: the caller sleeps until
//! its slot. A delivery's first request asks with a ceiling ([`FIRST_SLOT_MAX_WAIT_MS`]): a slot
//! further away is not reserved ([`PaceReply::Defer`]) and the queue message comes back later
//! instead, so the slots held by sleeping deliveries stay a few seconds' worth however large the
//! backlog (the queue holds the rest, at no cost in attempts). Pure: the object and the consumer
//! are the Workers glue.

use loyalty_connector::woowup::v3::Pacer;
use serde::{Deserialize, Serialize};

/// The furthest a delivery's first slot may be: beyond it, the message waits in the queue.
pub const FIRST_SLOT_MAX_WAIT_MS: u64 = 20_000;

/// A call to an account's pacer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum PaceCall {
    /// Reserve the next send slot, unless it is more than `max_wait_ms` away.
    Reserve { now_ms: u64, per_minute: u32, max_wait_ms: Option<u64> },
    /// An answer from the account arrived with these rate-limit headers.
    Observe { now_ms: u64, per_minute: u32, headers: Vec<(String, String)> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum PaceReply {
    /// The slot is reserved: send after `wait_ms`.
    Granted { wait_ms: u64 },
    /// Nothing reserved: the next slot is `wait_ms` away, more than the caller would wait.
    Defer { wait_ms: u64 },
    Observed,
}

/// The pacing state of one account.
#[derive(Clone, Debug, Default)]
pub struct PaceBook {
    pacer: Option<(u32, Pacer)>,
}

impl PaceBook {
    fn pacer(&mut self, per_minute: u32) -> &mut Pacer {
        // A changed budget (a new WOOWUP_REQUESTS_PER_MINUTE) starts a fresh pacer.
        if self.pacer.as_ref().is_some_and(|(p, _)| *p != per_minute) {
            self.pacer = None;
        }
        &mut self.pacer.get_or_insert_with(|| (per_minute, Pacer::new(per_minute))).1
    }

    pub fn apply(&mut self, call: PaceCall) -> PaceReply {
        match call {
            PaceCall::Reserve { now_ms, per_minute, max_wait_ms } => {
                let pacer = self.pacer(per_minute);
                let wait_ms = pacer.wait_ms(now_ms);
                if max_wait_ms.is_some_and(|max| wait_ms > max) {
                    return PaceReply::Defer { wait_ms };
                }
                pacer.sent(now_ms.saturating_add(wait_ms));
                PaceReply::Granted { wait_ms }
            }
            PaceCall::Observe { now_ms, per_minute, headers } => {
                self.pacer(per_minute).observe(now_ms, &headers);
                PaceReply::Observed
            }
        }
    }
}

/// Whether a slot granted for `slot_ms` was missed: the request could not leave until `now_ms`,
/// more than one interval late (a slow claim, a busy runtime). Sending then would bunch it with
/// the requests of the next slots, so the caller gives the slot up and reserves a new one.
pub fn slot_missed(slot_ms: u64, now_ms: u64, per_minute: u32) -> bool {
    now_ms > slot_ms.saturating_add(Pacer::new(per_minute).interval_ms())
}

/// The headers an answer's pacing depends on, as the transport keeps them.
pub const RATE_LIMIT_HEADERS: [&str; 4] = ["retry-after", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"];

#[cfg(test)]
mod tests {
    use super::*;

    fn reserve(book: &mut PaceBook, now_ms: u64, max: Option<u64>) -> PaceReply {
        book.apply(PaceCall::Reserve { now_ms, per_minute: 140, max_wait_ms: max })
    }

    #[test]
    fn a_burst_gets_evenly_spaced_slots_and_the_far_ones_wait_in_the_queue() {
        let mut book = PaceBook::default();
        let t = 1_700_000_000_000;
        // 100 deliveries arrive at once: slots every 429 ms, until the ceiling.
        let replies: Vec<_> = (0..100).map(|_| reserve(&mut book, t, Some(FIRST_SLOT_MAX_WAIT_MS))).collect();
        let granted: Vec<u64> = replies.iter().filter_map(|r| match r { PaceReply::Granted { wait_ms } => Some(*wait_ms), _ => None }).collect();
        assert_eq!(granted.len(), 47, "0, 429, …, 19 734 ms");
        assert!(granted.windows(2).all(|w| w[1] - w[0] == 429));
        assert_eq!(replies[47], PaceReply::Defer { wait_ms: 47 * 429 });
        // A delivery already under way always gets its next slot, however far.
        assert_eq!(reserve(&mut book, t, None), PaceReply::Granted { wait_ms: 47 * 429 });
        // In any minute, at most 140 slots.
        let mut book = PaceBook::default();
        let slots: Vec<u64> = (0..400).map(|_| match reserve(&mut book, t, None) { PaceReply::Granted { wait_ms } => t + wait_ms, r => panic!("{r:?}") }).collect();
        for (i, s) in slots.iter().enumerate() {
            assert!(slots[i..].iter().take_while(|u| **u < s + 60_000).count() <= 140);
        }
    }

    #[test]
    fn retry_after_holds_every_delivery_of_the_account() {
        let mut book = PaceBook::default();
        let t = 1_700_000_000_000;
        assert_eq!(reserve(&mut book, t, None), PaceReply::Granted { wait_ms: 0 });
        let observed = book.apply(PaceCall::Observe { now_ms: t + 100, per_minute: 140, headers: vec![("retry-after".into(), "7".into())] });
        assert_eq!(observed, PaceReply::Observed);
        assert_eq!(reserve(&mut book, t + 100, Some(FIRST_SLOT_MAX_WAIT_MS)), PaceReply::Granted { wait_ms: 7_000 });
        assert_eq!(reserve(&mut book, t + 100, None), PaceReply::Granted { wait_ms: 7_429 });
        // x-rate-limit-remaining 0 until the reset holds too.
        let mut book = PaceBook::default();
        let reset = ((t + 10_000) / 1000).to_string();
        book.apply(PaceCall::Observe { now_ms: t, per_minute: 140, headers: vec![("x-rate-limit-remaining".into(), "0".into()), ("x-rate-limit-reset".into(), reset)] });
        assert_eq!(reserve(&mut book, t, Some(5_000)), PaceReply::Defer { wait_ms: 10_000 });
    }

    #[test]
    fn a_slot_left_more_than_one_interval_late_is_missed() {
        assert!(!slot_missed(10_000, 10_000, 140));
        assert!(!slot_missed(10_000, 10_429, 140));
        assert!(slot_missed(10_000, 10_430, 140));
        assert!(slot_missed(10_000, 10_101, 600));
    }

    #[test]
    fn a_scaled_budget_spaces_accordingly() {
        let mut book = PaceBook::default();
        book.apply(PaceCall::Reserve { now_ms: 0, per_minute: 600, max_wait_ms: None });
        assert_eq!(book.apply(PaceCall::Reserve { now_ms: 0, per_minute: 600, max_wait_ms: None }), PaceReply::Granted { wait_ms: 100 });
        let json = serde_json::to_string(&PaceCall::Reserve { now_ms: 1, per_minute: 140, max_wait_ms: None }).unwrap();
        assert_eq!(serde_json::from_str::<PaceCall>(&json).unwrap(), PaceCall::Reserve { now_ms: 1, per_minute: 140, max_wait_ms: None });
    }
}
