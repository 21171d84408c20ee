//! The API v3 flows as sans-I/O step machines, the same shape as API v2's
//! ([`crate::woowup::RewardOrder`]): [`V3Flow::next`] says which request to send, the caller sends
//! it however it likes and feeds the answer back ([`V3Flow::feed`], or [`V3Flow::lost`] when no
//! answer arrived), until the flow is done. Waiting and retrying are the driver's: see
//! [`super::retry`] and [`super::Pacer`].
//!
//! - [`RecordOrder`]: find the customer by the purchase's identities → unknown: create them
//!   (`POST /users`) or stop, as the options say → `POST /purchases` → on
//!   `duplicated_purchase_number`, `PUT /purchases` with the same body (so a retried order is
//!   recorded once, its latest version kept) → on that PUT, `user_not_found` means the invoice
//!   belongs to another customer: skipped, as WoowUp's connectors do.
//! - [`AwardPoints`]: points for something other than a purchase. WoowUp does not deduplicate
//!   points, so when an answer is lost or says 502/503 the flow reads the customer's ledger for
//!   the award's reference before sending it again: never twice.
//! - [`ReverseOrder`]: API v3 documents **no cancellation** of a purchase. What a reversal does is
//!   the caller's explicit choice ([`Reversal`]): refuse (the default), update the purchase with
//!   `PUT /purchases`, or take the points back with a negative [`AwardPoints`].
//!
//! ```
//! use loyalty_connector::woowup::v3::{input, Client, RecordOrder, RecordOptions, RecordOutcome, V3Flow, V3Next};
//! let client = Client::new("key").unwrap();
//! let purchase = input(r#"{"invoice_number": "F-1", "email": "ana@example.com",
//!     "purchase_detail": [{"sku": "A-1", "quantity": 1, "unit_price": 10}], "prices": {"total": 10}}"#).unwrap();
//! let mut flow = RecordOrder::new(&client, purchase, None, RecordOptions::default()).unwrap();
//! let answers = [(200, r#"{"payload":{"userapp_id":7},"message":"ok","code":"ok","time":"1ms"}"#),
//!                (400, r#"{"payload":[],"message":"duplicated","code":"duplicated_purchase_number","time":"1ms"}"#),
//!                (200, r#"{"payload":[],"message":"ok","code":"ok","time":"1ms"}"#)];
//! let mut answers = answers.iter();
//! let outcome = loop {
//!     match flow.next() {
//!         V3Next::Send(_request) => { let (status, body) = answers.next().unwrap(); flow.feed(*status, body); }
//!         V3Next::Done(outcome) => break outcome,
//!     }
//! };
//! assert!(matches!(outcome, RecordOutcome::Recorded { updated: true, customer_created: false, .. }));
//! ```

use super::answer::{read, Answer, Failure, FailureKind};
use super::check::{self, given};
use super::customers::{check_customer, Identity, Points, TransactionFilter};
use super::purchases::check_purchase;
use super::retry::Resend;
use super::Client;
use crate::engine;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{Object, Value};
use serde::{Deserialize, Serialize, Serializer};

/// What the request being sent is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum V3Step {
    FindCustomer,
    CreateCustomer,
    CreatePurchase,
    UpdatePurchase,
    AddPoints,
    CheckPoints,
}

/// What to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum V3Next<O> {
    /// Send this request, then feed its answer.
    Send(Request),
    /// The flow is over.
    Done(O),
}

/// A v3 step machine.
pub trait V3Flow {
    type Outcome: Clone;
    /// The request to send now, or the outcome. Calling it again gives the same answer.
    fn next(&self) -> V3Next<Self::Outcome>;
    /// Advances with the answer (status, body) to the pending request.
    fn feed(&mut self, status: u16, body: &str) -> V3Next<Self::Outcome>;
    /// No answer arrived (transport error, timeout): the request may or may not have been applied.
    fn lost(&mut self) -> V3Next<Self::Outcome>;
    /// Ends the flow with an error its driver decided (credentials refused, retries spent).
    fn stop(&mut self, error: LoyaltyError) -> Self::Outcome;
}

/// A v3 flow under the engine (`engine::Exchange::new(Engine(flow), Policy::WOOWUP)`): each
/// request's effect comes from [`Resend::of`]; a purchase or a new customer whose answer was
/// lost is sent again (WoowUp answers the repeat as a duplicate, which the flow reads), points
/// are checked in the ledger first ([`V3Flow::lost`]).
#[derive(Clone, Debug)]
pub struct Engine<F>(pub F);

impl<F: V3Flow> engine::Machine for Engine<F> {
    type Outcome = F::Outcome;

    fn next(&mut self) -> engine::Next<F::Outcome> {
        match self.0.next() {
            V3Next::Send(request) => {
                let effect = Resend::of(&request).effect(&request);
                engine::Next::Send(request, effect)
            }
            V3Next::Done(outcome) => engine::Next::Done(outcome),
        }
    }

    fn feed(&mut self, status: u16, body: &str) {
        self.0.feed(status, body);
    }

    fn may_have_landed(&mut self) -> bool {
        match self.0.next() {
            V3Next::Send(request) if Resend::of(&request) == Resend::CheckFirst => {
                self.0.lost();
                true
            }
            V3Next::Send(_) => true,
            V3Next::Done(_) => false,
        }
    }

    fn fail(&mut self, error: LoyaltyError) -> F::Outcome {
        self.0.stop(error)
    }
}

/// What [`RecordOrder`] does with a customer WoowUp does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownCustomer {
    /// Stop without sending the purchase.
    #[default]
    Skip,
    /// `POST /users` with the customer given (or the purchase's identities), then the purchase.
    Create,
}

/// What [`RecordOrder`] does when the invoice number is already stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// `PUT /purchases` with the same body: the stored purchase becomes this version.
    #[default]
    Update,
    /// Leave the stored purchase as it is.
    Keep,
}

/// How [`RecordOrder`] behaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordOptions {
    #[serde(default)]
    pub unknown_customer: UnknownCustomer,
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
}

/// Why nothing (more) was done, on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The customer is unknown and the options say to skip.
    UnknownCustomer,
    /// The invoice number is stored for another customer (`user_not_found` on the `PUT`).
    InvoiceOfAnotherCustomer,
    /// The reversal policy is [`Reversal::Refuse`].
    ReversalRefused,
}

/// How [`RecordOrder`] ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RecordOutcome {
    /// The purchase is stored: created now, or already there (`duplicate`) and `updated` or kept.
    Recorded { invoice_number: String, duplicate: bool, updated: bool, customer_created: bool },
    Skipped { reason: SkipReason, message: Option<String> },
    Failed {
        step: V3Step,
        /// Whether the same step may succeed later (429, 502, 503, or no answer).
        retryable: bool,
        #[serde(serialize_with = "error_json")]
        error: LoyaltyError,
    },
}

fn error_json<S: Serializer>(error: &LoyaltyError, s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct E<'a> {
        code: &'a str,
        field: Option<&'a str>,
        status: Option<u16>,
        message: String,
    }
    E { code: error.code(), field: error.field(), status: error.status(), message: error.to_string() }.serialize(s)
}

/// What an answer is, or why it is a failure outcome.
enum Read {
    Ok(serde_json::Value),
    Failed(Failure),
    Unreadable(LoyaltyError),
}

fn read_answer(status: u16, body: &str) -> Read {
    match read(status, &[], body) {
        Ok(Answer::Ok { payload, .. }) => Read::Ok(payload),
        Ok(Answer::Failed(f)) => Read::Failed(f),
        Err(e) => Read::Unreadable(e),
    }
}

/// Records one order (see the module documentation).
#[derive(Clone, Debug)]
pub struct RecordOrder {
    client: Client,
    purchase: Value,
    customer: Value,
    options: RecordOptions,
    invoice_number: String,
    step: V3Step,
    pending: V3Next<RecordOutcome>,
    customer_created: bool,
    /// Sent the purchase before looking the customer up ([`RecordOrder::posting_first`]), and
    /// `user_not_found` has not yet led to the customer.
    posted_first: bool,
}

impl RecordOrder {
    /// Checks the purchase (and the customer to create, when given; otherwise the purchase's
    /// identities make it) and prepares the first request: every input error is reported here,
    /// before anything is sent.
    pub fn new(client: &Client, purchase: Value, customer: Option<Value>, options: RecordOptions) -> Result<RecordOrder> {
        check_purchase(&purchase)?;
        let o = check::object("", &purchase)?;
        let invoice_number = match given(o, "invoice_number") {
            Some(Value::Str(s)) => s.clone(),
            Some(Value::Int(i)) => i.to_string(),
            _ => return Err(LoyaltyError::missing("invoice_number")),
        };
        let identity = Identity::of(&purchase);
        let customer = match customer {
            Some(c) => {
                check_customer(&c).map_err(|e| e.within("customer"))?;
                c
            }
            None => Value::Object(Object::from_pairs(identity.pairs()?)),
        };
        let find = client.find_customer(&identity)?;
        Ok(RecordOrder {
            client: client.clone(),
            purchase,
            customer,
            options,
            invoice_number,
            step: V3Step::FindCustomer,
            pending: V3Next::Send(find),
            customer_created: false,
            posted_first: false,
        })
    }

    /// The same flow with the purchase sent first, as the reference's §5.2 does: one request
    /// when WoowUp knows the customer (what a day's batch wants at 140 requests a minute);
    /// `user_not_found` on that `POST` then leads to the customer (created or skipped as the
    /// options say) and the purchase once more.
    pub fn posting_first(mut self) -> Result<RecordOrder> {
        let post = self.client.create_purchase(&self.purchase)?;
        self.step = V3Step::CreatePurchase;
        self.pending = V3Next::Send(post);
        self.posted_first = true;
        Ok(self)
    }

    fn send(&mut self, step: V3Step, request: Result<Request>) -> V3Next<RecordOutcome> {
        self.step = step;
        match request {
            Ok(r) => self.finish_with(V3Next::Send(r)),
            Err(error) => self.fail(false, error),
        }
    }

    fn finish_with(&mut self, next: V3Next<RecordOutcome>) -> V3Next<RecordOutcome> {
        self.pending = next;
        self.pending.clone()
    }

    fn done(&mut self, outcome: RecordOutcome) -> V3Next<RecordOutcome> {
        self.finish_with(V3Next::Done(outcome))
    }

    fn fail(&mut self, retryable: bool, error: LoyaltyError) -> V3Next<RecordOutcome> {
        self.done(RecordOutcome::Failed { step: self.step, retryable, error })
    }

    fn failed(&mut self, failure: Failure) -> V3Next<RecordOutcome> {
        let retryable = failure.is_retryable();
        self.fail(retryable, failure.into_error())
    }

    fn recorded(&mut self, duplicate: bool, updated: bool) -> V3Next<RecordOutcome> {
        let outcome = RecordOutcome::Recorded {
            invoice_number: self.invoice_number.clone(),
            duplicate,
            updated,
            customer_created: self.customer_created,
        };
        self.done(outcome)
    }
}

impl V3Flow for RecordOrder {
    type Outcome = RecordOutcome;

    fn next(&self) -> V3Next<RecordOutcome> {
        self.pending.clone()
    }

    fn feed(&mut self, status: u16, body: &str) -> V3Next<RecordOutcome> {
        if matches!(self.pending, V3Next::Done(_)) {
            return self.pending.clone();
        }
        let answer = read_answer(status, body);
        match (self.step, answer) {
            (_, Read::Unreadable(e)) => self.fail(false, e),
            (V3Step::FindCustomer, Read::Ok(_)) => {
                let r = self.client.create_purchase(&self.purchase);
                self.send(V3Step::CreatePurchase, r)
            }
            (V3Step::FindCustomer, Read::Failed(f)) if matches!(f.kind, FailureKind::UserNotFound | FailureKind::NotFound) => {
                match self.options.unknown_customer {
                    UnknownCustomer::Skip => self.done(RecordOutcome::Skipped { reason: SkipReason::UnknownCustomer, message: Some(f.message) }),
                    UnknownCustomer::Create => {
                        let r = self.client.create_customer(&self.customer);
                        self.send(V3Step::CreateCustomer, r)
                    }
                }
            }
            (V3Step::CreateCustomer, Read::Ok(_)) => {
                self.customer_created = true;
                let r = self.client.create_purchase(&self.purchase);
                self.send(V3Step::CreatePurchase, r)
            }
            // Created meanwhile (by another order, or by this request whose answer was lost).
            (V3Step::CreateCustomer, Read::Failed(f)) if f.kind == FailureKind::CustomerExists => {
                let r = self.client.create_purchase(&self.purchase);
                self.send(V3Step::CreatePurchase, r)
            }
            (V3Step::CreatePurchase, Read::Ok(_)) => self.recorded(false, false),
            (V3Step::CreatePurchase, Read::Failed(f)) if f.kind == FailureKind::UserNotFound && self.posted_first => {
                self.posted_first = false;
                match self.options.unknown_customer {
                    UnknownCustomer::Skip => self.done(RecordOutcome::Skipped { reason: SkipReason::UnknownCustomer, message: Some(f.message) }),
                    UnknownCustomer::Create => {
                        let r = self.client.create_customer(&self.customer);
                        self.send(V3Step::CreateCustomer, r)
                    }
                }
            }
            (V3Step::CreatePurchase, Read::Failed(f)) if f.kind == FailureKind::DuplicatedPurchaseNumber => match self.options.on_duplicate {
                OnDuplicate::Keep => self.recorded(true, false),
                OnDuplicate::Update => {
                    let r = self.client.update_purchase(&self.purchase);
                    self.send(V3Step::UpdatePurchase, r)
                }
            },
            (V3Step::UpdatePurchase, Read::Ok(_)) => self.recorded(true, true),
            (V3Step::UpdatePurchase, Read::Failed(f)) if f.kind == FailureKind::UserNotFound => {
                self.done(RecordOutcome::Skipped { reason: SkipReason::InvoiceOfAnotherCustomer, message: Some(f.message) })
            }
            (_, Read::Failed(f)) => self.failed(f),
            (_, Read::Ok(_)) => self.fail(false, LoyaltyError::invalid("step", "not a step of this flow")),
        }
    }

    /// No answer: every request of this flow is safe to send again (reads, a deduplicated
    /// purchase, a customer create that fails as "existing"), so the outcome says retryable.
    fn lost(&mut self) -> V3Next<RecordOutcome> {
        if matches!(self.pending, V3Next::Done(_)) {
            return self.pending.clone();
        }
        let error = LoyaltyError::Remote { service: "woowup", status: 0, message: "no answer".into() };
        self.fail(true, error)
    }

    fn stop(&mut self, error: LoyaltyError) -> RecordOutcome {
        let retryable = error.code() == "network_error";
        let outcome = RecordOutcome::Failed { step: self.step, retryable, error };
        self.pending = V3Next::Done(outcome.clone());
        outcome
    }
}

/// How [`AwardPoints`] ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PointsOutcome {
    /// The points are in the ledger: `checked` when a lost answer was resolved by reading it.
    Awarded { points: i64, checked: bool },
    Skipped { reason: SkipReason },
    Failed {
        step: V3Step,
        retryable: bool,
        #[serde(serialize_with = "error_json")]
        error: LoyaltyError,
    },
}

/// Points for a non-purchase action (or negative points), sent at most once: the description
/// carries the caller's `reference` (`"{description} [{reference}]"`), and an answer that is lost
/// or says 502/503 leads to reading the ledger (`GET /multiusers/transactions` of the concept)
/// for that reference. Found: awarded. Not found: sent once more, then the same check.
#[derive(Clone, Debug)]
pub struct AwardPoints {
    client: Client,
    who: Identity,
    points: Points,
    reference: String,
    step: V3Step,
    pending: V3Next<PointsOutcome>,
    checked: bool,
    resent: bool,
}

impl AwardPoints {
    /// `reference` names this award uniquely (an order id, an event id): letters, digits, `-`,
    /// `_`, `.`, `:`, `/`, 1 to 64 characters.
    pub fn new(client: &Client, who: Identity, points: Points, reference: &str) -> Result<AwardPoints> {
        if reference.is_empty()
            || reference.len() > 64
            || !reference.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b))
        {
            return Err(LoyaltyError::invalid("reference", "must be 1 to 64 letters, digits, '-', '_', '.', ':' or '/'"));
        }
        let mut points = points;
        points.description = Some(match points.description.take() {
            Some(d) => format!("{d} [{reference}]"),
            None => format!("[{reference}]"),
        });
        let request = client.add_points(&who, &points)?;
        Ok(AwardPoints {
            client: client.clone(),
            who,
            points,
            reference: reference.to_string(),
            step: V3Step::AddPoints,
            pending: V3Next::Send(request),
            checked: false,
            resent: false,
        })
    }

    /// The same award after an earlier attempt whose outcome is unknown (its answer was lost, or
    /// its driver stopped mid-way, as a queue consumer that starts over does): the ledger is read
    /// first, and the points are sent only when no earlier attempt left them there.
    pub fn after_earlier_attempt(mut self) -> AwardPoints {
        if self.step == V3Step::AddPoints && !self.checked && matches!(self.pending, V3Next::Send(_)) {
            self.check();
        }
        self
    }

    fn set(&mut self, next: V3Next<PointsOutcome>) -> V3Next<PointsOutcome> {
        self.pending = next;
        self.pending.clone()
    }

    fn fail(&mut self, retryable: bool, error: LoyaltyError) -> V3Next<PointsOutcome> {
        let step = self.step;
        self.set(V3Next::Done(PointsOutcome::Failed { step, retryable, error }))
    }

    fn check(&mut self) -> V3Next<PointsOutcome> {
        self.step = V3Step::CheckPoints;
        self.checked = true;
        let filter = TransactionFilter { concept: Some(self.points.concept.clone()), ..TransactionFilter::default() };
        match self.client.transactions(&self.who, &filter) {
            Ok(r) => self.set(V3Next::Send(r)),
            Err(e) => self.fail(false, e),
        }
    }

    fn in_ledger(&self, ledger: &serde_json::Value) -> bool {
        let marker = format!("[{}]", self.reference);
        let entries = ledger.as_array().or_else(|| ledger.get("transactions").and_then(|t| t.as_array()));
        entries.is_some_and(|list| list.iter().any(|t| t.get("description").and_then(|d| d.as_str()).is_some_and(|d| d.ends_with(&marker))))
    }
}

impl V3Flow for AwardPoints {
    type Outcome = PointsOutcome;

    fn next(&self) -> V3Next<PointsOutcome> {
        self.pending.clone()
    }

    fn feed(&mut self, status: u16, body: &str) -> V3Next<PointsOutcome> {
        if matches!(self.pending, V3Next::Done(_)) {
            return self.pending.clone();
        }
        match (self.step, read_answer(status, body)) {
            (V3Step::AddPoints, Read::Ok(_)) => {
                let outcome = PointsOutcome::Awarded { points: self.points.points, checked: self.checked };
                self.set(V3Next::Done(outcome))
            }
            // Refused before it was applied (rate limit): safe to send again; the driver waits.
            (V3Step::AddPoints, Read::Failed(f)) if status == 429 => self.fail(true, f.into_error()),
            // Maybe applied before the gateway failed: read the ledger first.
            (V3Step::AddPoints, Read::Failed(_)) if matches!(status, 502 | 503) => self.check(),
            (V3Step::CheckPoints, Read::Ok(ledger)) => {
                if self.in_ledger(&ledger) {
                    let outcome = PointsOutcome::Awarded { points: self.points.points, checked: true };
                    self.set(V3Next::Done(outcome))
                } else if self.resent {
                    self.fail(true, LoyaltyError::Remote { service: "woowup", status: 0, message: "points not applied after a resend".into() })
                } else {
                    self.resent = true;
                    self.step = V3Step::AddPoints;
                    match self.client.add_points(&self.who, &self.points) {
                        Ok(r) => self.set(V3Next::Send(r)),
                        Err(e) => self.fail(false, e),
                    }
                }
            }
            (_, Read::Failed(f)) => {
                let retryable = f.is_retryable();
                self.fail(retryable, f.into_error())
            }
            (_, Read::Unreadable(e)) => self.fail(false, e),
            (_, Read::Ok(_)) => self.fail(false, LoyaltyError::invalid("step", "not a step of this flow")),
        }
    }

    /// No answer to the points: read the ledger before anything else. No answer to the check:
    /// fail, retryable (the check is a read).
    fn lost(&mut self) -> V3Next<PointsOutcome> {
        match (&self.pending, self.step) {
            (V3Next::Done(_), _) => self.pending.clone(),
            (_, V3Step::AddPoints) => self.check(),
            _ => self.fail(true, LoyaltyError::Remote { service: "woowup", status: 0, message: "no answer".into() }),
        }
    }

    fn stop(&mut self, error: LoyaltyError) -> PointsOutcome {
        let retryable = error.code() == "network_error";
        let outcome = PointsOutcome::Failed { step: self.step, retryable, error };
        self.pending = V3Next::Done(outcome.clone());
        outcome
    }
}

/// What reversing an order does. API v3 documents no cancellation or return of a purchase (no
/// `DELETE /purchases`, no cancel status), so there is no faithful default: the library refuses
/// unless the caller picks one of the two workarounds, each with its cost.
#[derive(Clone, Debug, PartialEq)]
pub enum Reversal {
    /// Do nothing and say so (the default): the purchase stays in WoowUp as it was.
    Refuse,
    /// `PUT /purchases` with the corrected purchase (same `invoice_number`: zeroed prices,
    /// returned items removed). WoowUp's reports follow it; whether it takes back points the
    /// program rules gave is unconfirmed.
    UpdatePurchase { corrected: Value },
    /// Negative points with [`AwardPoints`] (never applied twice): the points are taken back,
    /// but the purchase stays in WoowUp's reports.
    NegativePoints { who: Identity, points: i64, concept: String },
}

/// Reverses an order by the chosen [`Reversal`].
#[derive(Clone, Debug)]
pub enum ReverseOrder {
    Refused,
    Update(Box<ReversalUpdate>),
    Points(Box<AwardPoints>),
}

/// The `PUT /purchases` of [`Reversal::UpdatePurchase`].
#[derive(Clone, Debug)]
pub struct ReversalUpdate {
    invoice_number: String,
    pending: V3Next<RecordOutcome>,
}

impl ReverseOrder {
    pub fn new(client: &Client, invoice_number: &str, reversal: Reversal) -> Result<ReverseOrder> {
        crate::woowup::validate::required("invoice_number", invoice_number)?;
        Ok(match reversal {
            Reversal::Refuse => ReverseOrder::Refused,
            Reversal::UpdatePurchase { corrected } => {
                let stated = match &corrected {
                    Value::Object(o) => match given(o, "invoice_number") {
                        Some(Value::Str(s)) => Some(s.clone()),
                        Some(Value::Int(i)) => Some(i.to_string()),
                        _ => None,
                    },
                    _ => None,
                };
                if stated.as_deref() != Some(invoice_number) {
                    return Err(LoyaltyError::invalid("corrected.invoice_number", "must be the invoice number being reversed"));
                }
                let request = client.update_purchase(&corrected).map_err(|e| e.within("corrected"))?;
                ReverseOrder::Update(Box::new(ReversalUpdate { invoice_number: invoice_number.to_string(), pending: V3Next::Send(request) }))
            }
            Reversal::NegativePoints { who, points, concept } => {
                let reference = format!("reverse:{}", invoice_number.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).take(48).collect::<String>());
                ReverseOrder::take_back_points(client, invoice_number, who, points, concept, &reference)?
            }
        })
    }

    /// [`Reversal::NegativePoints`] under the caller's `reference` ([`AwardPoints::new`]'s rule)
    /// instead of one derived from the invoice number: one per refund when an order is refunded
    /// in several parts, so that checking one refund never finds another's points.
    pub fn take_back_points(client: &Client, invoice_number: &str, who: Identity, points: i64, concept: String, reference: &str) -> Result<ReverseOrder> {
        crate::woowup::validate::required("invoice_number", invoice_number)?;
        if points <= 0 {
            return Err(LoyaltyError::invalid("points", "the points to take back, more than 0"));
        }
        let description = Some(format!("reversal of {invoice_number}"));
        Ok(ReverseOrder::Points(Box::new(AwardPoints::new(client, who, Points { concept, points: -points, description }, reference)?)))
    }

    /// The same reversal after an earlier attempt whose outcome is unknown: points are checked
    /// in the customer's ledger before being sent ([`AwardPoints::after_earlier_attempt`]); a
    /// `PUT` is safe to send again as it is.
    pub fn after_earlier_attempt(self) -> ReverseOrder {
        match self {
            ReverseOrder::Points(p) => ReverseOrder::Points(Box::new(p.after_earlier_attempt())),
            other => other,
        }
    }
}

/// How [`ReverseOrder`] ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ReverseOutcome {
    Purchase(RecordOutcome),
    Points(PointsOutcome),
}

impl V3Flow for ReverseOrder {
    type Outcome = ReverseOutcome;

    fn next(&self) -> V3Next<ReverseOutcome> {
        match self {
            ReverseOrder::Refused => V3Next::Done(ReverseOutcome::Purchase(RecordOutcome::Skipped { reason: SkipReason::ReversalRefused, message: None })),
            ReverseOrder::Update(u) => map(u.pending.clone(), ReverseOutcome::Purchase),
            ReverseOrder::Points(p) => map(p.next(), ReverseOutcome::Points),
        }
    }

    fn feed(&mut self, status: u16, body: &str) -> V3Next<ReverseOutcome> {
        match self {
            ReverseOrder::Refused => self.next(),
            ReverseOrder::Update(u) => {
                if matches!(u.pending, V3Next::Send(_)) {
                    let outcome = match read_answer(status, body) {
                        Read::Ok(_) => RecordOutcome::Recorded { invoice_number: u.invoice_number.clone(), duplicate: true, updated: true, customer_created: false },
                        Read::Failed(f) if f.kind == FailureKind::UserNotFound => RecordOutcome::Skipped { reason: SkipReason::InvoiceOfAnotherCustomer, message: Some(f.message) },
                        Read::Failed(f) => RecordOutcome::Failed { step: V3Step::UpdatePurchase, retryable: f.is_retryable(), error: f.into_error() },
                        Read::Unreadable(error) => RecordOutcome::Failed { step: V3Step::UpdatePurchase, retryable: false, error },
                    };
                    u.pending = V3Next::Done(outcome);
                }
                self.next()
            }
            ReverseOrder::Points(p) => map(p.feed(status, body), ReverseOutcome::Points),
        }
    }

    fn lost(&mut self) -> V3Next<ReverseOutcome> {
        match self {
            ReverseOrder::Refused => self.next(),
            ReverseOrder::Update(u) => {
                if matches!(u.pending, V3Next::Send(_)) {
                    let error = LoyaltyError::Remote { service: "woowup", status: 0, message: "no answer".into() };
                    u.pending = V3Next::Done(RecordOutcome::Failed { step: V3Step::UpdatePurchase, retryable: true, error });
                }
                self.next()
            }
            ReverseOrder::Points(p) => map(p.lost(), ReverseOutcome::Points),
        }
    }

    fn stop(&mut self, error: LoyaltyError) -> ReverseOutcome {
        match self {
            ReverseOrder::Points(p) => ReverseOutcome::Points(p.stop(error)),
            ReverseOrder::Update(u) => {
                let retryable = error.code() == "network_error";
                let outcome = RecordOutcome::Failed { step: V3Step::UpdatePurchase, retryable, error };
                u.pending = V3Next::Done(outcome.clone());
                ReverseOutcome::Purchase(outcome)
            }
            ReverseOrder::Refused => ReverseOutcome::Purchase(RecordOutcome::Skipped { reason: SkipReason::ReversalRefused, message: None }),
        }
    }
}

fn map<A, B>(next: V3Next<A>, f: impl FnOnce(A) -> B) -> V3Next<B> {
    match next {
        V3Next::Send(r) => V3Next::Send(r),
        V3Next::Done(o) => V3Next::Done(f(o)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::woowup::v3::input;

    const OK: &str = r#"{"payload":[],"message":"ok","code":"ok","time":"1ms"}"#;

    fn env(code: &str) -> String {
        format!(r#"{{"payload":[],"message":"{code} message","code":"{code}","time":"1ms"}}"#)
    }

    fn purchase() -> Value {
        input(r#"{"invoice_number": 77, "document": "24586932", "purchase_detail": [{"sku": "A-1", "quantity": 1, "unit_price": 10}], "prices": {}}"#).unwrap()
    }

    /// Runs a flow over scripted answers (`None`: the answer is lost); returns the paths sent and
    /// the outcome.
    fn run<F: V3Flow>(flow: &mut F, answers: &[(u16, Option<String>)]) -> (Vec<String>, F::Outcome) {
        let mut sent = Vec::new();
        let mut answers = answers.iter();
        loop {
            match flow.next() {
                V3Next::Send(r) => {
                    sent.push(format!("{} {}", r.method.as_str(), r.url.trim_start_matches("https://api.woowup.com/apiv3")));
                    match answers.next().expect("an answer for every request") {
                        (status, Some(body)) => flow.feed(*status, body),
                        (_, None) => flow.lost(),
                    };
                }
                V3Next::Done(o) => return (sent, o),
            }
        }
    }

    #[test]
    fn record_order_creates_the_customer_and_updates_a_duplicate() {
        let c = Client::new("k").unwrap();
        let options = RecordOptions { unknown_customer: UnknownCustomer::Create, on_duplicate: OnDuplicate::Update };
        let mut flow = RecordOrder::new(&c, purchase(), None, options).unwrap();
        let (sent, outcome) = run(&mut flow, &[(404, Some(env("user_not_found"))), (201, Some(OK.into())), (400, Some(env("duplicated_purchase_number"))), (200, Some(OK.into()))]);
        assert_eq!(sent, ["GET /multiusers/find?document=24586932", "POST /users", "POST /purchases", "PUT /purchases"]);
        assert_eq!(outcome, RecordOutcome::Recorded { invoice_number: "77".into(), duplicate: true, updated: true, customer_created: true });

        // Skip by default; keep a duplicate when asked; another customer's invoice is skipped.
        let mut flow = RecordOrder::new(&c, purchase(), None, RecordOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, &[(404, Some(env("user_not_found")))]);
        assert!(matches!(outcome, RecordOutcome::Skipped { reason: SkipReason::UnknownCustomer, .. }));
        let keep = RecordOptions { on_duplicate: OnDuplicate::Keep, ..RecordOptions::default() };
        let mut flow = RecordOrder::new(&c, purchase(), None, keep).unwrap();
        let (sent, outcome) = run(&mut flow, &[(200, Some(OK.into())), (400, Some(env("duplicated_purchase_number")))]);
        assert_eq!((sent.len(), outcome), (2, RecordOutcome::Recorded { invoice_number: "77".into(), duplicate: true, updated: false, customer_created: false }));
        let mut flow = RecordOrder::new(&c, purchase(), None, RecordOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, &[(200, Some(OK.into())), (400, Some(env("duplicated_purchase_number"))), (404, Some(env("user_not_found")))]);
        assert!(matches!(outcome, RecordOutcome::Skipped { reason: SkipReason::InvoiceOfAnotherCustomer, .. }));

        // Failures: retryable or not, the step named; input errors before anything is sent.
        let mut flow = RecordOrder::new(&c, purchase(), None, RecordOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, &[(200, Some(OK.into())), (503, Some("<html>".into()))]);
        assert!(matches!(outcome, RecordOutcome::Failed { step: V3Step::CreatePurchase, retryable: true, .. }), "{outcome:?}");
        let mut flow = RecordOrder::new(&c, purchase(), None, RecordOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, &[(200, Some(OK.into())), (400, Some(env("bad_request")))]);
        assert!(matches!(outcome, RecordOutcome::Failed { retryable: false, .. }));
        let mut flow = RecordOrder::new(&c, purchase(), None, RecordOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, &[(200, None)]);
        assert!(matches!(outcome, RecordOutcome::Failed { step: V3Step::FindCustomer, retryable: true, .. }));
        let bad_customer = input(r#"{"document": "1", "gender": "X"}"#).unwrap();
        let e = RecordOrder::new(&c, purchase(), Some(bad_customer), RecordOptions::default()).unwrap_err();
        assert_eq!(e.field(), Some("customer.gender"));
    }

    #[test]
    fn points_are_checked_before_a_resend() {
        let c = Client::new("k").unwrap();
        let who = Identity::email("a@b.c");
        let gift = Points { concept: "gift".into(), points: 50, description: Some("bienvenida".into()) };
        let applied = r#"{"payload":[{"points":50,"concept":"gift","description":"bienvenida [w-1]"}],"message":"","code":"ok","time":"1ms"}"#;
        let empty = r#"{"payload":[],"message":"","code":"ok","time":"1ms"}"#;
        // Lost, found in the ledger: not resent.
        let mut flow = AwardPoints::new(&c, who.clone(), gift.clone(), "w-1").unwrap();
        let (sent, outcome) = run(&mut flow, &[(0, None), (200, Some(applied.into()))]);
        assert_eq!(sent, ["POST /multiusers/points", "GET /multiusers/transactions?email=a%40b.c&concept=gift"]);
        assert_eq!(outcome, PointsOutcome::Awarded { points: 50, checked: true });
        // 503, not in the ledger: sent once more.
        let mut flow = AwardPoints::new(&c, who.clone(), gift.clone(), "w-1").unwrap();
        let (sent, outcome) = run(&mut flow, &[(503, Some("".into())), (200, Some(empty.into())), (201, Some(OK.into()))]);
        assert_eq!(sent.len(), 3);
        assert_eq!(outcome, PointsOutcome::Awarded { points: 50, checked: true });
        // Lost twice: never a third send.
        let mut flow = AwardPoints::new(&c, who.clone(), gift.clone(), "w-1").unwrap();
        let (sent, outcome) = run(&mut flow, &[(0, None), (200, Some(empty.into())), (0, None), (200, Some(empty.into()))]);
        assert_eq!(sent.iter().filter(|s| s.starts_with("POST")).count(), 2);
        assert!(matches!(outcome, PointsOutcome::Failed { retryable: true, .. }));
        // A 429 was refused before it was applied: the driver may resend.
        let mut flow = AwardPoints::new(&c, who, gift, "w-1").unwrap();
        let (_, outcome) = run(&mut flow, &[(429, Some(env("too_many_request")))]);
        assert!(matches!(outcome, PointsOutcome::Failed { step: V3Step::AddPoints, retryable: true, .. }));
        assert_eq!(AwardPoints::new(&c, Identity::email("a@b.c"), Points { concept: "x".into(), points: 1, description: None }, "a b").unwrap_err().field(), Some("reference"));
    }

    #[test]
    fn reversal_is_the_callers_explicit_choice() {
        let c = Client::new("k").unwrap();
        let (sent, outcome) = run(&mut ReverseOrder::new(&c, "77", Reversal::Refuse).unwrap(), &[]);
        assert!(sent.is_empty());
        assert_eq!(outcome, ReverseOutcome::Purchase(RecordOutcome::Skipped { reason: SkipReason::ReversalRefused, message: None }));
        let corrected = input(r#"{"invoice_number": 77, "document": "24586932", "purchase_detail": [{"sku": "A-1", "quantity": 0, "unit_price": 10}], "prices": {"total": 0}}"#).unwrap();
        let mut flow = ReverseOrder::new(&c, "77", Reversal::UpdatePurchase { corrected: corrected.clone() }).unwrap();
        let (sent, outcome) = run(&mut flow, &[(200, Some(OK.into()))]);
        assert_eq!(sent, ["PUT /purchases"]);
        assert!(matches!(outcome, ReverseOutcome::Purchase(RecordOutcome::Recorded { updated: true, .. })));
        assert_eq!(ReverseOrder::new(&c, "78", Reversal::UpdatePurchase { corrected }).unwrap_err().field(), Some("corrected.invoice_number"));
        let back = Reversal::NegativePoints { who: Identity::email("a@b.c"), points: 20, concept: "purchase".into() };
        let mut flow = ReverseOrder::new(&c, "77", back).unwrap();
        let V3Next::Send(r) = flow.next() else { panic!() };
        assert!(r.body.as_deref().unwrap().contains(r#""points":-20,"description":"reversal of 77 [reverse:77]""#), "{:?}", r.body);
        let (_, outcome) = run(&mut flow, &[(201, Some(OK.into()))]);
        assert_eq!(outcome, ReverseOutcome::Points(PointsOutcome::Awarded { points: -20, checked: false }));

        // One reference per partial refund; after an earlier attempt, the ledger is read first.
        let who = Identity::email("a@b.c");
        let flow = ReverseOrder::take_back_points(&c, "77", who.clone(), 5, "purchase".into(), "evt_1").unwrap().after_earlier_attempt();
        let taken = r#"{"payload":[{"points":-5,"concept":"purchase","description":"reversal of 77 [evt_1]"}],"message":"","code":"ok","time":"1ms"}"#;
        let (sent, outcome) = run(&mut flow.clone(), &[(200, Some(taken.into()))]);
        assert_eq!(sent, ["GET /multiusers/transactions?email=a%40b.c&concept=purchase"]);
        assert_eq!(outcome, ReverseOutcome::Points(PointsOutcome::Awarded { points: -5, checked: true }));
        let other = r#"{"payload":[{"points":-5,"concept":"purchase","description":"reversal of 77 [evt_2]"}],"message":"","code":"ok","time":"1ms"}"#;
        let (sent, outcome) = run(&mut flow.clone(), &[(200, Some(other.into())), (201, Some(OK.into()))]);
        assert_eq!(sent, ["GET /multiusers/transactions?email=a%40b.c&concept=purchase", "POST /multiusers/points"]);
        assert_eq!(outcome, ReverseOutcome::Points(PointsOutcome::Awarded { points: -5, checked: true }));
        assert_eq!(ReverseOrder::take_back_points(&c, "77", who.clone(), 0, "p".into(), "evt_1").unwrap_err().field(), Some("points"));
        assert_eq!(ReverseOrder::take_back_points(&c, "77", who, 1, "p".into(), "evt 1").unwrap_err().field(), Some("reference"));
    }
}
