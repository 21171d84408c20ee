//! WoowUp API v3 as a destination (`WOOWUP_API=v3`), through the core's v3 step machines run
//! under the engine (`woowup::v3::Engine`, `engine::Policy::WOOWUP`), as the v2 destination runs
//! `OrderFlow`.
//!
//! | event | what is sent |
//! |---|---|
//! | order with the rewarded status (`WOOWUP_REWARD_STATUS`) | the core's `RecordOrder`: find the customer by the chosen identity → unknown: create them (`WOOWUP_UNKNOWN_CUSTOMER=create`) or skip → `POST /purchases` → `duplicated_purchase_number`: `PUT /purchases` (or keep, `WOOWUP_V3_ON_DUPLICATE`) |
//! | order with another status | nothing (skipped) |
//! | refund, cancellation, `WOOWUP_V3_REVERSAL=refuse` (default) | the core's `ReverseOrder` under `Reversal::Refuse`: API v3 documents no cancellation (docs/woowup-v3.md), so nothing is sent and the delivery says so (skipped) |
//! | refund, cancellation, `WOOWUP_V3_REVERSAL=negative_points` | the core's `ReverseOrder::take_back_points`: ⌊amount × `WOOWUP_V3_POINTS_PER_UNIT`⌋ negative points (a cancellation: the order's total) for the order's customer, referenced by the event id; after an earlier attempt, the customer's ledger is read before anything is sent again |
//!
//! A purchase is recorded once however often it is sent: WoowUp refuses a repeated invoice
//! number, which the flow reads as "already there". Every request is paced per WoowUp account
//! ([`crate::pacing`]).

use crate::destination::{Context, Conversation, Outcome, Pacing, Step};
use crate::event::{Event, OrderEvent, OrderStatus};
use loyalty_connector::engine::{self, Machine, Policy};
use loyalty_connector::php::{Array, Object, Value};
use loyalty_connector::woowup::v3::{
    self, Client, Engine, Identity, RecordOptions, RecordOutcome, Reversal, ReverseOrder, ReverseOutcome, SkipReason, UnknownCustomer,
};
use loyalty_connector::woowup::{Decimal, FindBy};
use loyalty_connector::{LoyaltyError, Request};

#[derive(Clone, Debug)]
pub struct WoowUpV3Destination {
    pub client: Client,
    /// The order status whose event records the purchase.
    pub reward_status: OrderStatus,
    /// Which identity finds (and names) the customer: the email, or the shop's customer id as
    /// WoowUp's `service_uid`.
    pub find_by: FindBy,
    pub options: RecordOptions,
    /// The requests a minute this Worker sends to the account (`WOOWUP_REQUESTS_PER_MINUTE`).
    pub requests_per_minute: u32,
    /// The account's pacer name ([`account_name`]).
    pub account: String,
    pub reversal: Reversal3,
}

/// What a refund or cancellation does on v3 (`WOOWUP_V3_REVERSAL`).
#[derive(Clone, Debug, PartialEq)]
pub enum Reversal3 {
    /// Nothing is sent (the core's default: v3 documents no cancellation).
    Refuse,
    /// Negative points: ⌊amount × `per_unit`⌋, under the concept `reversal`.
    NegativePoints { per_unit: Decimal },
}

/// The points concept of the points a reversal takes back.
pub const REVERSAL_CONCEPT: &str = "reversal";

/// The name of an account's pacer object: hex SHA-256 of the base URL and the API key, so that
/// the key itself is never a name, and two Workers of one account share one pacer.
pub fn account_name(base_url: &str, api_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("woowup-v3\n{base_url}\n{api_key}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A decimal of the event as the number a PHP client sends (the core's `Decimal::to_php_number`:
/// `"1499.90"` is `1499.9`, `"100.00"` is `100`), written by the core's `json_encode`.
fn number(text: &str, field: &str) -> Result<Value, LoyaltyError> {
    Decimal::parse(text, field)?.to_php_number(field)
}

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

/// The order as API v3's purchase (`POST /purchases`), with only the identity chosen by
/// `WOOWUP_FIND_BY`, so that the customer is found by exactly that one.
pub fn purchase(o: &OrderEvent, find_by: FindBy) -> Result<Value, LoyaltyError> {
    let mut p: Vec<(&str, Value)> = Vec::new();
    p.push(("invoice_number", text(&o.order_id)));
    match find_by {
        FindBy::Uid => p.push(("service_uid", text(&o.customer.id))),
        FindBy::Email => p.push(("email", text(&o.customer.email))),
    }
    p.push(("channel", text("web")));
    if let Some(branch) = &o.branch {
        p.push(("branch_name", text(branch)));
    }
    p.push(("createtime", text(&o.created_at)));
    let mut detail = Vec::with_capacity(o.items.len());
    for (i, item) in o.items.iter().enumerate() {
        let mut line: Vec<(&str, Value)> = Vec::new();
        line.push(("sku", text(&item.sku)));
        line.push(("product_name", text(&item.name)));
        line.push(("quantity", Value::Int(i64::from(item.quantity))));
        line.push(("unit_price", number(&item.unit_price, &format!("items[{i}].unit_price"))?));
        detail.push(Value::Object(Object::from_pairs(line)));
    }
    p.push(("purchase_detail", Value::Array(Array::list(detail))));
    let a = &o.amounts;
    let mut prices: Vec<(&str, Value)> = Vec::new();
    prices.push(("gross", number(&a.subtotal, "amounts.subtotal")?));
    prices.push(("discount", number(&a.discount, "amounts.discount")?));
    prices.push(("tax", number(&a.tax, "amounts.tax")?));
    if let Some(shipping) = &a.shipping {
        prices.push(("shipping", number(shipping, "amounts.shipping")?));
    }
    prices.push(("total", number(&a.total, "amounts.total")?));
    p.push(("prices", Value::Object(Object::from_pairs(prices))));
    Ok(Value::Object(Object::from_pairs(p)))
}

/// The customer `POST /users` creates when WoowUp does not know them: the identity the purchase
/// carries and the names the shop gave.
fn customer(o: &OrderEvent, find_by: FindBy) -> Value {
    let c = &o.customer;
    let mut v: Vec<(&str, Value)> = Vec::new();
    if find_by == FindBy::Uid {
        v.push(("service_uid", text(&c.id)));
    }
    v.push(("email", text(&c.email)));
    if let Some(first) = &c.first_name {
        v.push(("first_name", text(first)));
    }
    if let Some(last) = &c.last_name {
        v.push(("last_name", text(last)));
    }
    Value::Object(Object::from_pairs(v))
}

/// One of the core's v3 flows, under the engine.
enum Flow {
    Record(Engine<v3::RecordOrder>),
    Reverse(Engine<ReverseOrder>),
}

impl WoowUpV3Destination {
    pub fn pacing(&self) -> Pacing {
        Pacing { account: self.account.clone(), per_minute: self.requests_per_minute }
    }

    /// Why WoowUp does not take this event, if it does not: orders of another status, and every
    /// reversal, which the core's `ReverseOrder` refuses (its default) and which is therefore
    /// not queued.
    pub fn skip_reason(&self, event: &Event) -> Option<String> {
        match event {
            Event::Order(o) if o.status != self.reward_status => {
                Some(format!("WoowUp records orders when they are {}", self.reward_status.as_str()))
            }
            Event::Order(_) => None,
            Event::Refund(_) | Event::Cancellation(_) if self.reversal != Reversal3::Refuse => None,
            Event::Refund(_) | Event::Cancellation(_) => match ReverseOrder::new(&self.client, event.order_id(), Reversal::Refuse) {
                Ok(flow) => match Engine(flow).next() {
                    engine::Next::Done(done) => Some(reverse_outcome(done).reason()),
                    engine::Next::Send(..) => None,
                },
                Err(e) => Some(format!("cannot reverse in WoowUp: {e}")),
            },
        }
    }

    /// The flow of `event`, or the outcome when nothing is to be sent.
    fn flow(&self, event: &Event, context: &Context) -> Result<Result<Flow, Outcome>, LoyaltyError> {
        Ok(Ok(match (event, &self.reversal) {
            (Event::Order(o), _) => {
                let flow = v3::RecordOrder::new(&self.client, purchase(o, self.find_by)?, Some(customer(o, self.find_by)), self.options)?;
                Flow::Record(Engine(flow))
            }
            (_, Reversal3::Refuse) => Flow::Reverse(Engine(ReverseOrder::new(&self.client, event.order_id(), Reversal::Refuse)?)),
            (_, Reversal3::NegativePoints { per_unit }) => {
                let Some(Event::Order(order)) = &context.order else {
                    return Ok(Err(Outcome::Skipped("the order was not recorded in WoowUp: no points to take back".into())));
                };
                let amount = match event {
                    Event::Refund(r) => Decimal::parse(&r.amount, "amount")?,
                    _ => Decimal::parse(&order.amounts.total, "amounts.total")?,
                };
                let points = amount.checked_mul(*per_unit).map(Decimal::floor).and_then(Decimal::to_i64).unwrap_or(0);
                if points <= 0 {
                    return Ok(Err(Outcome::Skipped(format!("{amount} × {per_unit} is no whole point to take back"))));
                }
                let who = match self.find_by {
                    FindBy::Uid => Identity::service_uid(&order.customer.id),
                    FindBy::Email => Identity::email(&order.customer.email),
                };
                let flow = ReverseOrder::take_back_points(&self.client, &order.order_id, who, points, REVERSAL_CONCEPT.into(), &event.id())?;
                // An earlier attempt may have applied them: read the customer's ledger first.
                Flow::Reverse(Engine(if context.attempt > 1 { flow.after_earlier_attempt() } else { flow }))
            }
        }))
    }

    /// The first request, built without sending it (the ingest check). A reversal by points
    /// needs the order's customer, which the ledger gives at delivery: nothing to build here.
    pub fn first_request(&self, event: &Event) -> Result<Option<Request>, LoyaltyError> {
        let next = match self.flow(event, &Context::default())? {
            Ok(Flow::Record(mut f)) => f.next().map(|_| ()),
            Ok(Flow::Reverse(mut f)) => f.next().map(|_| ()),
            Err(_) => return Ok(None),
        };
        Ok(match next {
            engine::Next::Send(request, _) => Some(request),
            engine::Next::Done(()) => None,
        })
    }

    pub fn conversation(&self, event: &Event, context: &Context) -> WoowUpV3Conversation {
        match self.flow(event, context) {
            Ok(Ok(flow)) => WoowUpV3Conversation { flow: Some(flow), done: None },
            Ok(Err(outcome)) => WoowUpV3Conversation { flow: None, done: Some(outcome) },
            Err(e) => WoowUpV3Conversation { flow: None, done: Some(Outcome::Failed(format!("cannot build the WoowUp requests: {e}"))) },
        }
    }
}

/// Maps what a `Next` carries when it is done.
trait MapDone<O> {
    fn map<P>(self, f: impl FnOnce(O) -> P) -> engine::Next<P>;
}

impl<O> MapDone<O> for engine::Next<O> {
    fn map<P>(self, f: impl FnOnce(O) -> P) -> engine::Next<P> {
        match self {
            engine::Next::Send(r, e) => engine::Next::Send(r, e),
            engine::Next::Done(o) => engine::Next::Done(f(o)),
        }
    }
}

impl Outcome {
    /// The text of a final outcome.
    fn reason(&self) -> String {
        match self {
            Outcome::Delivered(t) | Outcome::Failed(t) | Outcome::Skipped(t) | Outcome::Retry { reason: t, .. } => t.clone(),
        }
    }
}

fn record_outcome(done: RecordOutcome) -> Outcome {
    match done {
        RecordOutcome::Recorded { invoice_number, duplicate, updated, customer_created } => Outcome::Delivered(format!(
            "{}purchase {invoice_number} recorded{}{}",
            if duplicate { "already there (an earlier attempt or an earlier post): " } else { "" },
            if updated { ", updated to this version" } else { "" },
            if customer_created { "; the customer was added to WoowUp" } else { "" },
        )),
        RecordOutcome::Skipped { reason, .. } => Outcome::Skipped(skip_text(reason)),
        RecordOutcome::Failed { step, retryable: true, error } => {
            Outcome::Retry { reason: format!("WoowUp at {step:?}: {error}"), retry_after: None }
        }
        RecordOutcome::Failed { step, retryable: false, error } => Outcome::Failed(format!("WoowUp refused at {step:?}: {error}")),
    }
}

fn skip_text(reason: SkipReason) -> String {
    match reason {
        SkipReason::UnknownCustomer => "the customer is not in WoowUp (WOOWUP_UNKNOWN_CUSTOMER=create adds them)".into(),
        SkipReason::InvoiceOfAnotherCustomer => "WoowUp holds this invoice number for another customer".into(),
        SkipReason::ReversalRefused => {
            "WoowUp's API v3 documents no cancellation or refund of a purchase: the purchase stays as recorded (docs/woowup-v3.md)".into()
        }
    }
}

fn reverse_outcome(done: ReverseOutcome) -> Outcome {
    match done {
        ReverseOutcome::Purchase(r) => record_outcome(r),
        ReverseOutcome::Points(v3::PointsOutcome::Awarded { points, checked }) => Outcome::Delivered(format!(
            "{} points taken back{}",
            points.unsigned_abs(),
            if checked { " (checked in the customer's ledger after an earlier attempt)" } else { "" }
        )),
        ReverseOutcome::Points(v3::PointsOutcome::Skipped { reason }) => Outcome::Skipped(skip_text(reason)),
        ReverseOutcome::Points(v3::PointsOutcome::Failed { step, retryable: true, error }) => {
            Outcome::Retry { reason: format!("WoowUp at {step:?}: {error}"), retry_after: None }
        }
        ReverseOutcome::Points(v3::PointsOutcome::Failed { step, error, .. }) => Outcome::Failed(format!("WoowUp refused at {step:?}: {error}")),
    }
}

/// A v3 flow, its outcome read as a delivery outcome.
pub struct WoowUpV3Conversation {
    flow: Option<Flow>,
    /// The outcome when there is no flow.
    done: Option<Outcome>,
}

impl Conversation for WoowUpV3Conversation {
    fn policy(&self) -> Policy {
        Policy::WOOWUP
    }

    fn next(&mut self) -> Step {
        let next = match &mut self.flow {
            None => return Step::Done(self.done.clone().unwrap_or_else(|| Outcome::Failed("no flow".into()))),
            Some(Flow::Record(f)) => f.next().map(record_outcome),
            Some(Flow::Reverse(f)) => f.next().map(reverse_outcome),
        };
        match next {
            engine::Next::Send(request, effect) => Step::Send(request, effect),
            engine::Next::Done(outcome) => Step::Done(outcome),
        }
    }

    fn feed(&mut self, status: u16, body: &str) {
        match &mut self.flow {
            Some(Flow::Record(f)) => f.feed(status, body),
            Some(Flow::Reverse(f)) => f.feed(status, body),
            None => {}
        }
    }

    fn may_have_landed(&mut self) -> bool {
        match &mut self.flow {
            Some(Flow::Record(f)) => f.may_have_landed(),
            Some(Flow::Reverse(f)) => f.may_have_landed(),
            None => false,
        }
    }
}

/// What `WOOWUP_UNKNOWN_CUSTOMER` means on v3: `skip`, or `create` (`initialize`, v2's word, too).
pub fn unknown_customer(setting: Option<&str>) -> Result<UnknownCustomer, String> {
    match setting {
        None | Some("skip") => Ok(UnknownCustomer::Skip),
        Some("create" | "initialize") => Ok(UnknownCustomer::Create),
        Some(other) => Err(format!("WOOWUP_UNKNOWN_CUSTOMER: {other:?} is not skip or create")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::destination::tests::run_ready;
    use crate::destination::{deliver, Answer};
    use crate::event::Kind;
    use loyalty_connector::woowup::v3::OnDuplicate;
    use std::collections::VecDeque;
    use std::future::ready;

    fn destination(unknown_customer: UnknownCustomer) -> WoowUpV3Destination {
        let client = Client::new("key").unwrap().with_base_url("http://127.0.0.1:9/apiv3").unwrap();
        let options = RecordOptions { unknown_customer, on_duplicate: OnDuplicate::Update };
        WoowUpV3Destination { client, reward_status: OrderStatus::Completed, find_by: FindBy::Email, options, requests_per_minute: 140, account: account_name("b", "key"), reversal: Reversal3::Refuse }
    }

    fn order_json(status: &str, items: &str) -> String {
        format!(
            r#"{{"order_id":"A-1/2026","status":"{status}","created_at":"2026-11-20T14:03:09-03:00",
            "customer":{{"id":"C-17","email":"jose@example.com","first_name":"José","last_name":"Pérez","document":"123"}},
            "amounts":{{"subtotal":"100.00","discount":"0.00","tax":"0.00","total":"100.50","taxes_included":true}},
            "items":{items},"branch":"Web"}}"#
        )
    }

    const ITEMS: &str = r#"[{"sku":"M-1","name":"Mate 1/2","quantity":2,"unit_price":"50.25"}]"#;

    fn order(status: &str) -> Event {
        Event::parse(Kind::Order, order_json(status, ITEMS).as_bytes()).unwrap()
    }

    fn env(status: u16, code: &str) -> (u16, String) {
        (status, format!(r#"{{"payload":[],"message":"{code}","code":"{code}","time":"1ms"}}"#))
    }

    /// Runs a conversation against scripted answers (`None`: lost); the outcome and "METHOD path" sent.
    fn run(d: &WoowUpV3Destination, event: &Event, answers: Vec<Option<(u16, String)>>) -> (Outcome, Vec<String>) {
        run_in(d, event, &Context { attempt: 1, order: None }, answers)
    }

    fn run_in(d: &WoowUpV3Destination, event: &Event, context: &Context, answers: Vec<Option<(u16, String)>>) -> (Outcome, Vec<String>) {
        let mut answers: VecDeque<_> = answers.into_iter().collect();
        let mut sent = Vec::new();
        let mut conversation = d.conversation(event, context);
        let outcome = run_ready(deliver(
            &mut conversation,
            |request| {
                let path = request.url.trim_start_matches("http://127.0.0.1:9/apiv3").to_string();
                sent.push(format!("{} {path}", request.method.as_str()));
                if path == "/purchases" {
                    assert_eq!(
                        request.body.as_deref().unwrap(),
                        r#"{"invoice_number":"A-1\/2026","email":"jose@example.com","channel":"web","branch_name":"Web","createtime":"2026-11-20T14:03:09-03:00","purchase_detail":[{"sku":"M-1","product_name":"Mate 1\/2","quantity":2,"unit_price":50.25}],"prices":{"gross":100,"discount":0,"tax":0,"total":100.5}}"#
                    );
                }
                let answer = answers.pop_front().flatten().map(|(status, body)| Answer { status, retry_after: None, rate_limit: vec![], body });
                ready(answer.ok_or_else(|| "connection reset".to_string()))
            },
            0,
        ));
        (outcome, sent)
    }

    #[test]
    fn an_order_is_recorded_and_an_unknown_customer_created() {
        let d = destination(UnknownCustomer::Create);
        let (outcome, sent) = run(&d, &order("completed"), vec![Some(env(404, "user_not_found")), Some(env(201, "ok")), Some(env(201, "ok"))]);
        assert_eq!(outcome, Outcome::Delivered("purchase A-1/2026 recorded; the customer was added to WoowUp".into()));
        assert_eq!(sent, ["GET /multiusers/find?email=jose%40example.com", "POST /users", "POST /purchases"]);
        let d = destination(UnknownCustomer::Skip);
        let (outcome, _) = run(&d, &order("completed"), vec![Some(env(404, "user_not_found"))]);
        assert!(matches!(outcome, Outcome::Skipped(r) if r.contains("WOOWUP_UNKNOWN_CUSTOMER=create")));
    }

    #[test]
    fn a_purchase_whose_answer_was_lost_is_sent_again_and_recorded_once() {
        let d = destination(UnknownCustomer::Skip);
        // The purchase's answer is lost: the engine says it may have landed; the delivery retries.
        let (outcome, _) = run(&d, &order("completed"), vec![Some(env(200, "ok")), None]);
        assert!(matches!(&outcome, Outcome::Retry { reason, .. } if reason.contains("may have landed")), "{outcome:?}");
        // A 503 after the write is in doubt too (the engine's rule), never a failure.
        let (outcome, _) = run(&d, &order("completed"), vec![Some(env(200, "ok")), Some(env(503, "service_unavailable"))]);
        assert!(matches!(outcome, Outcome::Retry { .. }), "{outcome:?}");
        // The next attempt meets the duplicate and updates: recorded once.
        let (outcome, sent) = run(&d, &order("completed"), vec![Some(env(200, "ok")), Some(env(400, "duplicated_purchase_number")), Some(env(200, "ok"))]);
        assert!(matches!(&outcome, Outcome::Delivered(t) if t.starts_with("already there")), "{outcome:?}");
        assert_eq!(sent.last().unwrap(), "PUT /purchases");
    }

    #[test]
    fn rate_limits_and_refusals_follow_the_engine() {
        let d = destination(UnknownCustomer::Skip);
        let (outcome, sent) = run(&d, &order("completed"), vec![Some(env(429, "too_many_request"))]);
        assert!(matches!(outcome, Outcome::Retry { .. }), "{outcome:?}");
        assert_eq!(sent.len(), 1);
        let (outcome, _) = run(&d, &order("completed"), vec![Some(env(200, "ok")), Some(env(400, "bad_request"))]);
        assert!(matches!(outcome, Outcome::Failed(r) if r.contains("CreatePurchase")));
        let (outcome, _) = run(&d, &order("completed"), vec![Some(env(403, "forbidden"))]);
        assert!(matches!(outcome, Outcome::Failed(_)), "credentials refused: final");
    }

    #[test]
    fn reversals_are_refused_as_the_core_documents_and_other_statuses_skipped() {
        let d = destination(UnknownCustomer::Skip);
        let cancel = Event::parse(Kind::Cancellation, br#"{"order_id":"A-1/2026","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        let refund = Event::parse(Kind::Refund, br#"{"refund_id":"R","order_id":"A-1/2026","amount":"1","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        for e in [&cancel, &refund] {
            assert!(d.skip_reason(e).unwrap().contains("documents no cancellation"));
            let (outcome, sent) = run(&d, e, vec![]);
            assert!(matches!(outcome, Outcome::Skipped(_)) && sent.is_empty());
        }
        assert!(d.skip_reason(&order("paid")).unwrap().contains("completed"));
        assert_eq!(d.skip_reason(&order("completed")), None);
    }

    #[test]
    fn negative_points_take_back_once_checking_first_after_an_earlier_attempt() {
        let per_unit = Decimal::parse("0.5", "x").unwrap();
        let d = WoowUpV3Destination { reversal: Reversal3::NegativePoints { per_unit }, ..destination(UnknownCustomer::Skip) };
        let refund = Event::parse(Kind::Refund, br#"{"refund_id":"R-1","order_id":"A-1/2026","amount":"25.90","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        let cancel = Event::parse(Kind::Cancellation, br#"{"order_id":"A-1/2026","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        assert_eq!((d.skip_reason(&refund), d.first_request(&refund).unwrap()), (None, None));
        let context = |attempt| Context { attempt, order: Some(order("completed")) };
        let marker = format!("[{}]", refund.id());
        // First attempt: ⌊25.90 × 0.5⌋ = 12 points taken back, the event id as the reference.
        let (outcome, sent) = run_in(&d, &refund, &context(1), vec![Some(env(201, "ok"))]);
        assert_eq!((outcome, sent), (Outcome::Delivered("12 points taken back".into()), vec!["POST /multiusers/points".to_string()]));
        // Its answer lost: in doubt, retried later; the next attempt reads the ledger first.
        let (outcome, _) = run_in(&d, &refund, &context(1), vec![None]);
        assert!(matches!(&outcome, Outcome::Retry { reason, .. } if reason.contains("may have landed")), "{outcome:?}");
        let found = format!(r#"{{"payload":[{{"points":-12,"concept":"reversal","description":"reversal of A-1/2026 {marker}"}}],"message":"","code":"ok","time":"1ms"}}"#);
        let (outcome, sent) = run_in(&d, &refund, &context(2), vec![Some((200, found))]);
        assert!(matches!(&outcome, Outcome::Delivered(t) if t.contains("checked")), "{outcome:?}");
        assert_eq!(sent, ["GET /multiusers/transactions?email=jose%40example.com&concept=reversal"]);
        let (_, sent) = run_in(&d, &refund, &context(2), vec![Some(env(200, "ok")), Some(env(201, "ok"))]);
        assert_eq!(sent.len(), 2, "not in the ledger: sent once: {sent:?}");
        // A cancellation takes back the order's total; no recorded order, nothing to take back.
        let (outcome, _) = run_in(&d, &cancel, &context(1), vec![Some(env(201, "ok"))]);
        assert_eq!(outcome, Outcome::Delivered("50 points taken back".into()));
        let (outcome, sent) = run_in(&d, &cancel, &Context { attempt: 1, order: None }, vec![]);
        assert!(matches!(outcome, Outcome::Skipped(r) if r.contains("not recorded")) && sent.is_empty());
    }

    #[test]
    fn orders_the_schema_refuses_are_named_before_anything_is_sent() {
        let d = destination(UnknownCustomer::Skip);
        assert!(d.first_request(&order("completed")).unwrap().is_some());
        let bad_sku = order_json("completed", &ITEMS.replace("M-1", "M 1"));
        let e = d.first_request(&Event::parse(Kind::Order, bad_sku.as_bytes()).unwrap()).unwrap_err();
        assert_eq!(e.field(), Some("purchase_detail[0].sku"));
        let no_items = Event::parse(Kind::Order, order_json("completed", "[]").as_bytes()).unwrap();
        assert_eq!(d.first_request(&no_items).unwrap_err().field(), Some("purchase_detail"));
        let by_uid = WoowUpV3Destination { find_by: FindBy::Uid, ..d };
        let Some(r) = by_uid.first_request(&order("completed")).unwrap() else { panic!() };
        assert!(r.url.ends_with("/multiusers/find?service_uid=C-17"), "{}", r.url);
        assert_eq!(unknown_customer(Some("initialize")), Ok(UnknownCustomer::Create));
        assert!(unknown_customer(Some("add")).is_err());
    }
}
