//! The delivery ledger of one order: every event of that order (its statuses, refunds and
//! cancellation) and, per destination, whether it is pending, being sent, delivered or failed.
//!
//! It lives in a Durable Object named after the order (see `ledger_object.rs`), which runs one
//! call at a time with strongly consistent storage: a claim is a real compare-and-set, so two
//! copies of a queue message can never both send. This module is the pure state machine; the
//! object loads the records, applies one [`Call`], stores what changed and answers the [`Reply`].
//!
//! Nothing stays pending forever: every delivery that is not final carries a `due_ms`, the time
//! by which something should have happened to it (a queued message claimed it, a lease ended, a
//! retry came back) plus a grace period. The object's alarm re-queues whatever is past due
//! ([`Ledger::stalled`]): a queue message lost with a killed runtime, or dead-lettered, is sent
//! again; the claims make an extra message harmless.

use crate::event::Kind;
use crate::time::iso_utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where one (event, destination) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for its (next) attempt.
    Pending,
    /// An attempt holds the lease and is talking to the destination.
    Sending,
    Delivered,
    /// Refused for good (4xx, Lootly's 201) or given up after the last attempt.
    Failed,
    /// This destination does not take this event (e.g. WoowUp rewards only one status).
    Skipped,
}

impl State {
    pub fn is_final(self) -> bool {
        matches!(self, State::Delivered | State::Failed | State::Skipped)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DestinationRecord {
    pub state: State,
    /// Sends started so far (a claim is counted before the request goes out).
    pub attempts: u32,
    /// Why it failed or was skipped, the last retryable error, or what the destination answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// While `Sending`: the queue message that holds the lease, and until when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<Lease>,
    pub updated_at_ms: u64,
    /// While not final: when the ledger re-queues it if nothing happened by then (0, as in
    /// records written before this field existed: at once).
    #[serde(default)]
    pub due_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub message_id: String,
    pub until_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: String,
    pub kind: Kind,
    pub order_id: String,
    pub content_hash: String,
    /// The normalised event JSON, as delivered.
    pub event: String,
    pub received_at_ms: u64,
    /// How many times the shop posted it.
    pub posts: u32,
    pub destinations: BTreeMap<String, DestinationRecord>,
}

impl EventRecord {
    pub fn is_settled(&self) -> bool {
        self.destinations.values().all(|d| d.state.is_final())
    }

    fn pending_destinations(&self) -> Vec<String> {
        self.destinations.iter().filter(|(_, d)| !d.state.is_final()).map(|(n, _)| n.clone()).collect()
    }

    /// The destinations not final and past due at `now_ms`.
    fn stalled_destinations(&self, now_ms: u64) -> Vec<String> {
        self.destinations.iter().filter(|(_, d)| !d.state.is_final() && d.due_ms <= now_ms).map(|(n, _)| n.clone()).collect()
    }
}

/// One destination the event will go to, or why not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    pub destination: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<String>,
}

/// How an attempt ended, as the consumer reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Settlement {
    Delivered { detail: String },
    Failed { reason: String },
    /// Nothing was to be sent after all (the destination decided so on its answers).
    Skipped { reason: String },
    /// Try again in `delay_ms` (the queue message is retried with that delay).
    Retry {
        reason: String,
        #[serde(default)]
        delay_ms: u64,
    },
}

impl Settlement {
    /// The same settlement with every email in its text replaced (see [`crate::redact`]).
    pub fn redacted(self) -> Settlement {
        use crate::redact::without_emails as clean;
        match self {
            Settlement::Delivered { detail } => Settlement::Delivered { detail: clean(&detail) },
            Settlement::Failed { reason } => Settlement::Failed { reason: clean(&reason) },
            Settlement::Skipped { reason } => Settlement::Skipped { reason: clean(&reason) },
            Settlement::Retry { reason, delay_ms } => Settlement::Retry { reason: clean(&reason), delay_ms },
        }
    }
}

/// What the ledger is asked to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Call {
    /// The shop posted an event.
    Accept { id: String, kind: Kind, order_id: String, content_hash: String, event: String, plan: Vec<Planned>, now_ms: u64 },
    /// An operator asks to deliver again what failed (or stalled): failed destinations become
    /// pending with a fresh count of attempts.
    Replay { id: String, now_ms: u64 },
    /// A queue message wants to send the event to a destination.
    Claim { id: String, destination: String, message_id: String, now_ms: u64, lease_ms: u64 },
    /// The attempt that claimed `attempt` reports how it ended.
    Settle { id: String, destination: String, attempt: u32, settlement: Settlement, now_ms: u64 },
    /// What happened to an event.
    Status { id: String },
    /// A message of a paced destination waits in the queue for its send slot until `until_ms`:
    /// a pending delivery is due then (plus the grace), so that the alarm does not queue more
    /// copies of it meanwhile.
    Defer { id: String, destination: String, until_ms: u64 },
}

impl Call {
    pub fn event_id(&self) -> &str {
        match self {
            Call::Accept { id, .. }
            | Call::Replay { id, .. }
            | Call::Claim { id, .. }
            | Call::Settle { id, .. }
            | Call::Defer { id, .. }
            | Call::Status { id } => id,
        }
    }
}

/// The answer to an `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Acceptance {
    /// First time seen: enqueue it.
    New,
    /// Seen before, but some deliveries are past due (the earlier post failed half-way, or their
    /// queue messages were lost): enqueue those again.
    Resume,
    /// Seen, and every delivery is final or on its way: nothing to do.
    Duplicate,
    /// The same id with different content: refused.
    Conflict,
}

/// The answer to a `Claim`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "claim", rename_all = "snake_case")]
pub enum Claim {
    /// Send now: this is attempt number `attempt`. For a refund or cancellation, `order` is the
    /// order event of this ledger that reached the destination (the latest), if any.
    Go {
        attempt: u32,
        event: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order: Option<String>,
    },
    /// Nothing to send: already delivered, failed or skipped.
    Final { state: State },
    /// Another message holds the lease for `lease_left_ms` more: look again later (it settles,
    /// or its lease runs out and the next look takes over).
    Busy { lease_left_ms: u64 },
    /// A refund or cancellation waits until the order itself reached this destination.
    Wait { reason: String },
    /// No such event or destination in this ledger.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    Accepted { acceptance: Acceptance, pending: Vec<String>, status: StatusView },
    Claimed { claim: Claim },
    Settled { state: State },
    Status { status: Option<StatusView> },
    /// The destinations to enqueue again after a `Replay`.
    Replayed { pending: Vec<String> },
    /// Where a deferred delivery stands (final: the waiting message has nothing left to do).
    Deferred { state: State },
    Done,
    NotFound,
}

/// What `GET /v1/events/{id}` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusView {
    pub id: String,
    pub kind: Kind,
    pub order_id: String,
    pub received_at: String,
    pub posts: u32,
    pub destinations: BTreeMap<String, DestinationView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DestinationView {
    /// `pending`, `delivered`, `failed` or `skipped`.
    pub state: String,
    /// Whether an attempt is under way right now.
    pub in_flight: bool,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub updated_at: String,
}

impl StatusView {
    fn of(r: &EventRecord) -> StatusView {
        let destinations = r
            .destinations
            .iter()
            .map(|(name, d)| {
                let state = match d.state {
                    State::Pending | State::Sending => "pending",
                    State::Delivered => "delivered",
                    State::Failed => "failed",
                    State::Skipped => "skipped",
                };
                let view = DestinationView {
                    state: state.into(),
                    in_flight: d.state == State::Sending,
                    attempts: d.attempts,
                    reason: d.reason.clone(),
                    updated_at: iso_utc(d.updated_at_ms),
                };
                (name.clone(), view)
            })
            .collect();
        StatusView {
            id: r.id.clone(),
            kind: r.kind,
            order_id: r.order_id.clone(),
            received_at: iso_utc(r.received_at_ms),
            posts: r.posts,
            destinations,
        }
    }
}

/// How long past its expected time a delivery may show no progress before it is re-queued, by
/// default (`REQUEUE_AFTER_SECONDS`).
pub const DEFAULT_GRACE_MS: u64 = 60_000;

/// The longest a refund or cancellation waits for its order before it looks again.
pub const WAIT_MAX_SECONDS: u32 = 60;

/// All the events of one order, by id.
#[derive(Clone, Debug, PartialEq)]
pub struct Ledger {
    pub events: BTreeMap<String, EventRecord>,
    /// The grace period added to every due time.
    pub grace_ms: u64,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger { events: BTreeMap::new(), grace_ms: DEFAULT_GRACE_MS }
    }
}

impl Ledger {
    /// Every (event, destination) not final and past due at `now_ms`: their queue messages are
    /// lost, or late. Re-queue them, then call [`Ledger::requeued`].
    pub fn stalled(&self, now_ms: u64) -> Vec<(String, String)> {
        self.events
            .values()
            .flat_map(|r| r.stalled_destinations(now_ms).into_iter().map(|d| (r.id.clone(), d)))
            .collect()
    }

    /// Records that `deliveries` were queued again at `now_ms`; returns the event ids changed.
    pub fn requeued(&mut self, deliveries: &[(String, String)], now_ms: u64) -> Vec<String> {
        let mut changed = Vec::new();
        for (id, destination) in deliveries {
            if let Some(d) = self.events.get_mut(id).and_then(|r| r.destinations.get_mut(destination)) {
                d.due_ms = now_ms.saturating_add(self.grace_ms);
                if !changed.contains(id) {
                    changed.push(id.clone());
                }
            }
        }
        changed
    }

    /// When the alarm should look for stalled deliveries next: the earliest due time, or `None`
    /// when every delivery is final.
    pub fn next_check(&self) -> Option<u64> {
        self.events.values().flat_map(|r| r.destinations.values()).filter(|d| !d.state.is_final()).map(|d| d.due_ms).min()
    }

    /// Failed (and stalled) deliveries of event `id` become pending again.
    fn replay(&mut self, id: &str, now_ms: u64) -> (Reply, bool) {
        let grace = self.grace_ms;
        let Some(record) = self.events.get_mut(id) else { return (Reply::NotFound, false) };
        let mut pending = Vec::new();
        for (name, d) in record.destinations.iter_mut() {
            if d.state == State::Failed {
                d.state = State::Pending;
                d.attempts = 0;
                d.reason = Some(format!("replayed by the operator; before: {}", d.reason.as_deref().unwrap_or("failed")));
                d.updated_at_ms = now_ms;
            } else if d.state.is_final() || d.due_ms > now_ms {
                continue;
            }
            d.due_ms = now_ms.saturating_add(grace);
            pending.push(name.clone());
        }
        let changed = !pending.is_empty();
        (Reply::Replayed { pending }, changed)
    }

    /// Applies one call. Returns the reply and whether the call's event record changed (the
    /// object then stores it).
    pub fn apply(&mut self, call: Call) -> (Reply, bool) {
        match call {
            Call::Accept { id, kind, order_id, content_hash, event, plan, now_ms } => {
                self.accept(id, kind, order_id, content_hash, event, plan, now_ms)
            }
            Call::Replay { id, now_ms } => self.replay(&id, now_ms),
            Call::Claim { id, destination, message_id, now_ms, lease_ms } => {
                self.claim(&id, &destination, message_id, now_ms, lease_ms)
            }
            Call::Settle { id, destination, attempt, settlement, now_ms } => {
                self.settle(&id, &destination, attempt, settlement, now_ms)
            }
            Call::Status { id } => (Reply::Status { status: self.events.get(&id).map(StatusView::of) }, false),
            Call::Defer { id, destination, until_ms } => self.defer(&id, &destination, until_ms),
        }
    }

    fn defer(&mut self, id: &str, destination: &str, until_ms: u64) -> (Reply, bool) {
        let due = until_ms.saturating_add(self.grace_ms);
        let Some(d) = self.events.get_mut(id).and_then(|r| r.destinations.get_mut(destination)) else {
            return (Reply::NotFound, false);
        };
        if d.state != State::Pending || d.due_ms >= due {
            return (Reply::Deferred { state: d.state }, false);
        }
        d.due_ms = due;
        (Reply::Deferred { state: d.state }, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn accept(
        &mut self,
        id: String,
        kind: Kind,
        order_id: String,
        content_hash: String,
        event: String,
        plan: Vec<Planned>,
        now_ms: u64,
    ) -> (Reply, bool) {
        if let Some(r) = self.events.get_mut(&id) {
            if r.content_hash != content_hash {
                return (Reply::Accepted { acceptance: Acceptance::Conflict, pending: vec![], status: StatusView::of(r) }, false);
            }
            r.posts = r.posts.saturating_add(1);
            // Only deliveries past due are queued again, so that posts arriving together (or a
            // post while its first messages wait in the queue) are duplicates.
            let pending = r.stalled_destinations(now_ms);
            let due = now_ms.saturating_add(self.grace_ms);
            for name in &pending {
                if let Some(d) = r.destinations.get_mut(name) {
                    d.due_ms = due;
                }
            }
            let acceptance = if pending.is_empty() { Acceptance::Duplicate } else { Acceptance::Resume };
            return (Reply::Accepted { acceptance, pending, status: StatusView::of(r) }, true);
        }
        let due = now_ms.saturating_add(self.grace_ms);
        let destinations = plan
            .into_iter()
            .map(|p| {
                let state = if p.skip.is_some() { State::Skipped } else { State::Pending };
                let record = DestinationRecord { state, attempts: 0, reason: p.skip, lease: None, updated_at_ms: now_ms, due_ms: due };
                (p.destination, record)
            })
            .collect();
        let record = EventRecord {
            id: id.clone(),
            kind,
            order_id,
            content_hash,
            event,
            received_at_ms: now_ms,
            posts: 1,
            destinations,
        };
        let pending = record.pending_destinations();
        let status = StatusView::of(&record);
        self.events.insert(id, record);
        (Reply::Accepted { acceptance: Acceptance::New, pending, status }, true)
    }

    /// Whether an order event of this ledger still waits to reach `destination`.
    fn order_in_progress(&self, destination: &str) -> bool {
        self.events.values().any(|r| {
            r.kind == Kind::Order && r.destinations.get(destination).is_some_and(|d| !d.state.is_final())
        })
    }

    /// For a refund or cancellation `id`: the latest order event delivered to `destination`.
    fn delivered_order(&self, id: &str, destination: &str) -> Option<String> {
        self.events.get(id).filter(|r| r.kind != Kind::Order)?;
        self.events
            .values()
            .filter(|r| r.kind == Kind::Order && r.destinations.get(destination).is_some_and(|d| d.state == State::Delivered))
            .max_by_key(|r| r.received_at_ms)
            .map(|r| r.event.clone())
    }

    fn claim(&mut self, id: &str, destination: &str, message_id: String, now_ms: u64, lease_ms: u64) -> (Reply, bool) {
        let grace = self.grace_ms;
        let waits_for_order = self.events.get(id).is_some_and(|r| r.kind != Kind::Order) && self.order_in_progress(destination);
        let order = self.delivered_order(id, destination);
        let Some(record) = self.events.get_mut(id) else {
            return (Reply::Claimed { claim: Claim::Unknown }, false);
        };
        let event = record.event.clone();
        let Some(d) = record.destinations.get_mut(destination) else {
            return (Reply::Claimed { claim: Claim::Unknown }, false);
        };
        if d.state.is_final() {
            return (Reply::Claimed { claim: Claim::Final { state: d.state } }, false);
        }
        let held_by_other = |lease: &Lease| lease.message_id != message_id && lease.until_ms > now_ms;
        if let Some(lease) = d.lease.as_ref().filter(|l| d.state == State::Sending && held_by_other(l)) {
            return (Reply::Claimed { claim: Claim::Busy { lease_left_ms: lease.until_ms - now_ms } }, false);
        }
        if waits_for_order {
            // The message comes back within WAIT_MAX_SECONDS.
            d.due_ms = now_ms.saturating_add(u64::from(WAIT_MAX_SECONDS) * 1000).saturating_add(grace);
            return (Reply::Claimed { claim: Claim::Wait { reason: "the order has not reached this destination yet".into() } }, true);
        }
        if d.state == State::Sending {
            // The lease holder crashed (this message is its redelivery) or its lease ran out:
            // the earlier request may or may not have reached the destination.
            d.reason = Some(format!("attempt {} did not report back; sending again", d.attempts));
        }
        d.attempts = d.attempts.saturating_add(1);
        d.state = State::Sending;
        d.lease = Some(Lease { message_id, until_ms: now_ms.saturating_add(lease_ms) });
        d.updated_at_ms = now_ms;
        d.due_ms = now_ms.saturating_add(lease_ms);
        (Reply::Claimed { claim: Claim::Go { attempt: d.attempts, event, order } }, true)
    }

    fn settle(&mut self, id: &str, destination: &str, attempt: u32, settlement: Settlement, now_ms: u64) -> (Reply, bool) {
        let grace = self.grace_ms;
        let Some(d) = self.events.get_mut(id).and_then(|r| r.destinations.get_mut(destination)) else {
            return (Reply::NotFound, false);
        };
        if d.state.is_final() {
            return (Reply::Settled { state: d.state }, false);
        }
        let current = d.state == State::Sending && d.attempts == attempt;
        match settlement.redacted() {
            // A delivery is a fact whichever attempt reports it.
            Settlement::Delivered { detail } => {
                d.state = State::Delivered;
                d.reason = Some(detail);
            }
            Settlement::Failed { reason } if current => {
                d.state = State::Failed;
                d.reason = Some(reason);
            }
            Settlement::Skipped { reason } if current => {
                d.state = State::Skipped;
                d.reason = Some(reason);
            }
            Settlement::Retry { reason, delay_ms } if current => {
                d.state = State::Pending;
                d.reason = Some(reason);
                d.due_ms = now_ms.saturating_add(delay_ms).saturating_add(grace);
            }
            // A stale attempt's failure: a newer attempt is under way and will report.
            Settlement::Failed { .. } | Settlement::Skipped { .. } | Settlement::Retry { .. } => return (Reply::Settled { state: d.state }, false),
        }
        d.lease = None;
        d.updated_at_ms = now_ms;
        (Reply::Settled { state: d.state }, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: u64 = 60_000;

    fn accept_at(l: &mut Ledger, id: &str, now_ms: u64) -> Reply {
        let plan = vec![Planned { destination: "lootly".into(), skip: None }, Planned { destination: "woowup".into(), skip: None }];
        let call = Call::Accept { id: id.into(), kind: Kind::Order, order_id: "A-1".into(), content_hash: "h".into(), event: "{}".into(), plan, now_ms };
        l.apply(call).0
    }

    fn accept(l: &mut Ledger, id: &str, kind: Kind, hash: &str, skip_woowup: bool) -> Reply {
        let plan = vec![
            Planned { destination: "lootly".into(), skip: None },
            Planned { destination: "woowup".into(), skip: skip_woowup.then(|| "not rewarded".into()) },
        ];
        let call = Call::Accept {
            id: id.into(),
            kind,
            order_id: "A-1".into(),
            content_hash: hash.into(),
            event: format!("{{\"id\":\"{id}\"}}"),
            plan,
            now_ms: 1_000,
        };
        l.apply(call).0
    }

    fn claim(l: &mut Ledger, id: &str, dest: &str, msg: &str, now_ms: u64) -> Claim {
        let call = Call::Claim { id: id.into(), destination: dest.into(), message_id: msg.into(), now_ms, lease_ms: LEASE };
        match l.apply(call).0 {
            Reply::Claimed { claim } => claim,
            other => panic!("{other:?}"),
        }
    }

    fn settle(l: &mut Ledger, id: &str, dest: &str, attempt: u32, s: Settlement) -> State {
        let call = Call::Settle { id: id.into(), destination: dest.into(), attempt, settlement: s, now_ms: 2_000 };
        match l.apply(call).0 {
            Reply::Settled { state } => state,
            other => panic!("{other:?}"),
        }
    }

    fn acceptance(r: Reply) -> (Acceptance, Vec<String>) {
        match r {
            Reply::Accepted { acceptance, pending, .. } => (acceptance, pending),
            other => panic!("{other:?}"),
        }
    }

    fn delivered() -> Settlement {
        Settlement::Delivered { detail: "200".into() }
    }

    fn retry() -> Settlement {
        Settlement::Retry { reason: "503".into(), delay_ms: 0 }
    }

    #[test]
    fn a_repeated_post_is_a_duplicate_and_a_changed_one_a_conflict() {
        let mut l = Ledger::default();
        assert_eq!(acceptance(accept(&mut l, "e1", Kind::Order, "h", true)), (Acceptance::New, vec!["lootly".into()]));
        // Posts arriving together, or while the first post's message waits in the queue: one
        // event, nothing queued again.
        for _ in 0..49 {
            assert_eq!(acceptance(accept(&mut l, "e1", Kind::Order, "h", true)), (Acceptance::Duplicate, vec![]));
        }
        assert_eq!(acceptance(accept(&mut l, "e1", Kind::Order, "other", true)).0, Acceptance::Conflict);
        assert_eq!(l.events["e1"].posts, 50);
        assert_eq!(l.events["e1"].destinations["woowup"].state, State::Skipped);
    }

    #[test]
    fn a_post_after_the_messages_were_lost_queues_them_again() {
        let mut l = Ledger::default();
        accept(&mut l, "e1", Kind::Order, "h", false);
        // Nobody claimed it within the grace period (the post's queue send failed, or the queue
        // lost the message): the next post resumes it, once.
        let late = 1_000 + DEFAULT_GRACE_MS;
        assert_eq!(acceptance(accept_at(&mut l, "e1", late)), (Acceptance::Resume, vec!["lootly".into(), "woowup".into()]));
        assert_eq!(acceptance(accept_at(&mut l, "e1", late)), (Acceptance::Duplicate, vec![]));
        // A delivery in flight is not resumed while its lease holds, but is once it ran out.
        assert!(matches!(claim(&mut l, "e1", "lootly", "m1", late + 1), Claim::Go { attempt: 1, .. }));
        assert_eq!(acceptance(accept_at(&mut l, "e1", late + DEFAULT_GRACE_MS)), (Acceptance::Resume, vec!["woowup".into()]));
        assert_eq!(acceptance(accept_at(&mut l, "e1", late + 1 + LEASE)), (Acceptance::Resume, vec!["lootly".into()]));
    }

    #[test]
    fn the_alarm_finds_every_stalled_delivery_and_nothing_else() {
        let mut l = Ledger::default();
        accept(&mut l, "order", Kind::Order, "h", false);
        accept(&mut l, "refund", Kind::Refund, "h", true);
        let grace = DEFAULT_GRACE_MS;
        assert_eq!(l.next_check(), Some(1_000 + grace));
        assert_eq!(l.stalled(1_000 + grace - 1), vec![]);
        // Killed before any message was consumed: all three are found.
        let all = l.stalled(1_000 + grace);
        assert_eq!(all.len(), 3);
        assert_eq!(l.requeued(&all, 1_000 + grace), vec!["order".to_string(), "refund".to_string()]);
        assert_eq!(l.stalled(1_000 + grace), vec![]);
        assert_eq!(l.next_check(), Some(1_000 + 2 * grace));
        // In flight: due when the lease ends; a retry: when its delay ended, plus the grace.
        let t = 100_000;
        assert!(matches!(claim(&mut l, "order", "lootly", "m1", t), Claim::Go { .. }));
        assert!(matches!(claim(&mut l, "order", "woowup", "m2", t), Claim::Go { .. }));
        let retry_in = Settlement::Retry { reason: "503".into(), delay_ms: 30_000 };
        l.apply(Call::Settle { id: "order".into(), destination: "woowup".into(), attempt: 1, settlement: retry_in, now_ms: t });
        assert_eq!(l.events["order"].destinations["lootly"].due_ms, t + LEASE);
        assert_eq!(l.events["order"].destinations["woowup"].due_ms, t + 30_000 + grace);
        // A refund waiting for its order comes back within WAIT_MAX_SECONDS.
        assert!(matches!(claim(&mut l, "refund", "lootly", "m3", t), Claim::Wait { .. }));
        assert_eq!(l.events["refund"].destinations["lootly"].due_ms, t + u64::from(WAIT_MAX_SECONDS) * 1000 + grace);
        assert_eq!(l.stalled(t + LEASE), vec![("order".to_string(), "lootly".to_string())]);
        // Once everything is final there is nothing to look at.
        settle(&mut l, "order", "lootly", 1, delivered());
        l.apply(Call::Settle { id: "order".into(), destination: "woowup".into(), attempt: 1, settlement: delivered(), now_ms: t });
        // Once the order reached the destination, the refund's claim carries it.
        match claim(&mut l, "refund", "lootly", "m3", t) {
            Claim::Go { order, .. } => assert_eq!(order, Some(l.events["order"].event.clone())),
            other => panic!("{other:?}"),
        }
        settle(&mut l, "refund", "lootly", 1, delivered());
        assert_eq!((l.next_check(), l.stalled(u64::MAX)), (None, vec![]));
    }

    #[test]
    fn an_operator_replays_what_failed() {
        let mut l = Ledger::default();
        accept(&mut l, "e1", Kind::Order, "h", false);
        claim(&mut l, "e1", "lootly", "m1", 10_000);
        assert_eq!(settle(&mut l, "e1", "lootly", 1, Settlement::Failed { reason: "gave up after 1 attempts".into() }), State::Failed);
        claim(&mut l, "e1", "woowup", "m2", 10_000);
        // Only the failed destination is replayed while the other is in flight.
        assert_eq!(l.apply(Call::Replay { id: "e1".into(), now_ms: 20_000 }), (Reply::Replayed { pending: vec!["lootly".into()] }, true));
        let d = &l.events["e1"].destinations["lootly"];
        assert_eq!((d.state, d.attempts), (State::Pending, 0));
        assert!(d.reason.as_deref().unwrap().contains("gave up"));
        assert!(matches!(claim(&mut l, "e1", "lootly", "m3", 20_001), Claim::Go { attempt: 1, .. }));
        assert_eq!(l.apply(Call::Replay { id: "e1".into(), now_ms: 20_002 }), (Reply::Replayed { pending: vec![] }, false));
        assert_eq!(l.apply(Call::Replay { id: "e9".into(), now_ms: 20_002 }), (Reply::NotFound, false));
    }

    #[test]
    fn reasons_are_recorded_without_emails() {
        let mut l = Ledger::default();
        accept(&mut l, "e1", Kind::Order, "h", true);
        claim(&mut l, "e1", "lootly", "m1", 10_000);
        settle(&mut l, "e1", "lootly", 1, Settlement::Failed { reason: "customer ana.perez@example.com is banned".into() });
        let Reply::Status { status: Some(s) } = l.apply(Call::Status { id: "e1".into() }).0 else { panic!() };
        assert_eq!(s.destinations["lootly"].reason.as_deref(), Some("customer [email] is banned"));
    }

    #[test]
    fn only_one_message_sends_at_a_time() {
        let mut l = Ledger::default();
        accept(&mut l, "e1", Kind::Order, "h", false);
        assert!(matches!(claim(&mut l, "e1", "lootly", "m1", 10_000), Claim::Go { attempt: 1, .. }));
        // A copy of the message (the shop posted twice, or the queue redelivered) is turned away.
        assert_eq!(claim(&mut l, "e1", "lootly", "m2", 10_001), Claim::Busy { lease_left_ms: LEASE - 1 });
        assert_eq!(settle(&mut l, "e1", "lootly", 1, delivered()), State::Delivered);
        assert_eq!(claim(&mut l, "e1", "lootly", "m2", 10_002), Claim::Final { state: State::Delivered });
        // Destinations are independent.
        assert!(matches!(claim(&mut l, "e1", "woowup", "m3", 10_003), Claim::Go { attempt: 1, .. }));
        assert_eq!(claim(&mut l, "e1", "nowhere", "m3", 10_003), Claim::Unknown);
        assert_eq!(claim(&mut l, "e9", "lootly", "m3", 10_003), Claim::Unknown);
    }

    #[test]
    fn retries_count_attempts_and_a_crashed_holder_can_resume() {
        let mut l = Ledger::default();
        accept(&mut l, "e1", Kind::Order, "h", true);
        assert!(matches!(claim(&mut l, "e1", "lootly", "m1", 10_000), Claim::Go { attempt: 1, .. }));
        assert_eq!(settle(&mut l, "e1", "lootly", 1, retry()), State::Pending);
        assert!(matches!(claim(&mut l, "e1", "lootly", "m1", 20_000), Claim::Go { attempt: 2, .. }));
        // The holder's invocation died; the queue redelivers the same message within the lease.
        assert!(matches!(claim(&mut l, "e1", "lootly", "m1", 21_000), Claim::Go { attempt: 3, .. }));
        assert!(l.events["e1"].destinations["lootly"].reason.as_deref().unwrap().contains("attempt 2 did not report"));
        // Another message takes over only once the lease ran out.
        assert_eq!(claim(&mut l, "e1", "lootly", "m2", 21_000 + LEASE - 1), Claim::Busy { lease_left_ms: 1 });
        assert!(matches!(claim(&mut l, "e1", "lootly", "m2", 21_000 + LEASE), Claim::Go { attempt: 4, .. }));
        // The stale attempt 3 reporting a retry changes nothing; its delivery would count.
        assert_eq!(settle(&mut l, "e1", "lootly", 3, retry()), State::Sending);
        assert_eq!(settle(&mut l, "e1", "lootly", 4, Settlement::Failed { reason: "401".into() }), State::Failed);
        assert_eq!(settle(&mut l, "e1", "lootly", 4, delivered()), State::Failed);
        assert_eq!(l.events["e1"].destinations["lootly"].attempts, 4);
    }

    #[test]
    fn refunds_and_cancellations_wait_for_their_order() {
        let mut l = Ledger::default();
        accept(&mut l, "order", Kind::Order, "h", true);
        accept(&mut l, "refund", Kind::Refund, "h", false);
        assert!(matches!(claim(&mut l, "refund", "lootly", "m1", 10_000), Claim::Wait { .. }));
        // WoowUp skipped the order, so it does not hold the refund back there.
        assert!(matches!(claim(&mut l, "refund", "woowup", "m2", 10_000), Claim::Go { .. }));
        assert!(matches!(claim(&mut l, "order", "lootly", "m3", 10_000), Claim::Go { attempt: 1, .. }));
        assert!(matches!(claim(&mut l, "refund", "lootly", "m1", 10_001), Claim::Wait { .. }));
        settle(&mut l, "order", "lootly", 1, delivered());
        assert!(matches!(claim(&mut l, "refund", "lootly", "m1", 10_002), Claim::Go { attempt: 1, .. }));
        assert_eq!(l.events["refund"].destinations["lootly"].attempts, 1);
    }

    #[test]
    fn status_shows_each_destination() {
        let mut l = Ledger::default();
        accept(&mut l, "e1", Kind::Order, "h", true);
        claim(&mut l, "e1", "lootly", "m1", 10_000);
        let Reply::Status { status: Some(s) } = l.apply(Call::Status { id: "e1".into() }).0 else { panic!() };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["destinations"]["lootly"]["state"], "pending");
        assert_eq!(json["destinations"]["lootly"]["in_flight"], true);
        assert_eq!(json["destinations"]["woowup"]["state"], "skipped");
        assert_eq!(json["destinations"]["woowup"]["reason"], "not rewarded");
        assert_eq!(json["received_at"], "1970-01-01T00:00:01.000Z");
        assert_eq!(l.apply(Call::Status { id: "nope".into() }).0, Reply::Status { status: None });
    }

    #[test]
    fn a_delivery_waiting_for_its_send_slot_is_not_queued_again_meanwhile() {
        let mut l = Ledger::default();
        accept_at(&mut l, "e1", 1_000);
        let due = l.events["e1"].destinations["woowup"].due_ms;
        let until = 1_000 + 10 * l.grace_ms;
        let call = |until_ms| Call::Defer { id: "e1".into(), destination: "woowup".into(), until_ms };
        assert_eq!(l.apply(call(until)), (Reply::Deferred { state: State::Pending }, true));
        assert_eq!(l.stalled(due), vec![("e1".to_string(), "lootly".to_string())], "only the delivery not waiting for a slot");
        assert_eq!(l.stalled(until + l.grace_ms), vec![("e1".to_string(), "lootly".to_string()), ("e1".to_string(), "woowup".to_string())]);
        assert_eq!(l.apply(call(until - 1)), (Reply::Deferred { state: State::Pending }, false), "never sooner");
        // A delivery already final: the waiting message has nothing left to do.
        assert!(matches!(claim(&mut l, "e1", "woowup", "m1", 2_000), Claim::Go { .. }));
        settle(&mut l, "e1", "woowup", 1, delivered());
        assert_eq!(l.apply(call(until * 2)), (Reply::Deferred { state: State::Delivered }, false));
        assert_eq!(l.apply(Call::Defer { id: "nope".into(), destination: "woowup".into(), until_ms: 1 }).0, Reply::NotFound);
    }

    #[test]
    fn calls_and_replies_survive_json() {
        let call = Call::Settle { id: "e".into(), destination: "lootly".into(), attempt: 2, settlement: retry(), now_ms: 5 };
        assert_eq!(serde_json::from_str::<Call>(&serde_json::to_string(&call).unwrap()).unwrap(), call);
        let reply = Reply::Claimed { claim: Claim::Go { attempt: 1, event: "{}".into(), order: None } };
        assert_eq!(serde_json::from_str::<Reply>(&serde_json::to_string(&reply).unwrap()).unwrap(), reply);
        let reply = Reply::Claimed { claim: Claim::Go { attempt: 1, event: "{}".into(), order: Some("{}".into()) } };
        assert_eq!(serde_json::from_str::<Reply>(&serde_json::to_string(&reply).unwrap()).unwrap(), reply);
    }
}
