//! The connector guides' flows as sans-I/O step machines: the machine says which request to
//! send next, the caller sends it however it likes and feeds the answer back.
//!
//! [`RewardOrder`]: find the customer (by email or uid) → if unknown, `initialize_user` or stop
//! → read `contest_sale_points` (0 or missing: stop, nothing sent) → `add_sale_points_by_uid`
//! with the order detail. [`CancelOrder`]: `cancel_invoice`.
//!
//! ```
//! use loyalty_connector::woowup::{Client, Next, Order, RewardOrder, RewardOptions, Outcome};
//! let client = Client::new("13", "key").unwrap();
//! let order: Order = loyalty_connector::woowup::from_json(
//!     r#"{"nrofactura": "1034242", "total": "300", "customer": {"email": "john@doe.com"}}"#).unwrap();
//! let mut flow = RewardOrder::new(&client, order, RewardOptions::default()).unwrap();
//! let answers = [
//!     r#"{"status":true,"data":{"user":{"service_uid":"john@doe.com","userapp_id":"17"}}}"#,
//!     r#"{"status":true,"data":{"contest_sale_points":5}}"#,
//!     r#"{"status":true,"data":{"transaction_id":"2424"}}"#,
//! ];
//! let mut answers = answers.iter();
//! let outcome = loop {
//!     match flow.next() {
//!         Next::Send(request) => { let _ = request; flow.feed(200, answers.next().unwrap()); }
//!         Next::Done(outcome) => break outcome,
//!     }
//! };
//! assert!(matches!(outcome, Outcome::Rewarded { ref transaction_id, .. } if transaction_id.as_deref() == Some("2424")));
//! ```

use crate::decimal::Decimal;
use super::fields::{opt_text_or_integer, text_or_integer};
use super::invoice::InvoiceItem;
use super::points::{points, PointsRule};
use super::response::{read_registered_user, read_sale_points, read_transaction_id, read_user_lookup, Lookup, Repeat, User};
use super::sales::{factura_field, AddSalePointsByUid};
use super::users::InitializeUser;
use super::validate;
use super::Client;
use crate::engine::{self, Effect};
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use serde::{Deserialize, Serialize, Serializer};

/// The customer of an order, with WoowUp's field names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The customer's id in the program (the email by default; a phone, DNI, … when the program
    /// is configured so). Needed to find by uid; used to initialise (the email otherwise).
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub uid: Option<String>,
    /// Needed to find by email and to initialise.
    #[serde(default)]
    pub email: Option<String>,
    /// Needed to initialise.
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// An order to reward.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The purchase order number.
    #[serde(deserialize_with = "text_or_integer")]
    pub nrofactura: String,
    /// The order total the points are computed from (decimal text keeps it exact).
    pub total: Decimal,
    pub customer: Customer,
    /// The order detail (`precio` is the unit price).
    #[serde(default)]
    pub factura: Vec<InvoiceItem>,
    #[serde(default)]
    pub branch: Option<String>,
    /// `yyyy-mm-dd hh:mm:ss`; WoowUp uses the time it receives the order without it.
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub datetime: Option<String>,
}

/// How to find the customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindBy {
    /// `user_by_email` with `customer.email` (the custom-connector guide).
    #[default]
    Email,
    /// `user_by_uid` with `customer.uid` (the connect-your-shop guide).
    Uid,
}

/// What to do with a customer the program does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownCustomer {
    /// Reward registered customers only (airline style): stop, send nothing.
    #[default]
    Skip,
    /// `initialize_user` (uid, email, first and last name), then reward: the customer completes
    /// the registration the first time they visit the rewards catalogue.
    Initialize,
}

/// How [`RewardOrder`] behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardOptions {
    #[serde(default)]
    pub find_by: FindBy,
    #[serde(default)]
    pub unknown_customer: UnknownCustomer,
    /// The points rule; `ceil_of_floored_total` by default.
    #[serde(default)]
    pub rule: PointsRule,
    /// The program's sale points when the caller already knows them (cached from an earlier
    /// [`Outcome`]): `contest_sale_points` is then not requested.
    #[serde(default)]
    pub sale_points: Option<Decimal>,
}

/// A step of a flow: what the request being sent is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    FindCustomer,
    InitializeUser,
    ReadSalePoints,
    AddSalePoints,
    CancelInvoice,
}

/// Why nothing was rewarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The customer is not in the program and the options say to skip unknown customers.
    UnknownCustomer,
    /// The program gives 0 points per sale (or does not say): nothing was sent.
    ZeroSalePoints,
    /// The customer was found by email but WoowUp holds no uid (`service_uid: null`) to give
    /// points to; find by uid instead.
    CustomerWithoutUid,
}

impl SkipReason {
    /// The reason's name, as in JSON (`unknown_customer`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::UnknownCustomer => "unknown_customer",
            SkipReason::ZeroSalePoints => "zero_sale_points",
            SkipReason::CustomerWithoutUid => "customer_without_uid",
        }
    }
}

/// How a flow ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The purchase was registered and the customer given `points`.
    Rewarded {
        uid: String,
        points: Decimal,
        sale_points: Decimal,
        /// WoowUp's transaction id (`None` when a successful answer carried none).
        transaction_id: Option<String>,
        /// Whether this flow added the customer with `initialize_user`.
        customer_initialized: bool,
        /// WoowUp already had this invoice from an earlier attempt whose answer was lost: it
        /// refused the repeat, and the points were given once (`transaction_id` is then `None`).
        already_recorded: bool,
    },
    /// Nothing was rewarded, on purpose.
    Skipped {
        reason: SkipReason,
        /// WoowUp's message (for an unknown customer), if any.
        message: Option<String>,
        /// The sale points read, when the flow got that far (to cache).
        sale_points: Option<Decimal>,
        customer_initialized: bool,
    },
    /// The purchase was cancelled and its points reverted.
    Cancelled {
        nrofactura: String,
        transaction_id: Option<String>,
        /// An earlier attempt whose answer was lost had cancelled it already.
        already_cancelled: bool,
    },
    /// A step failed: WoowUp refused (`remote_error`), its answer could not be read
    /// (`invalid_response`), or the points could not be computed.
    Failed {
        step: Step,
        #[serde(serialize_with = "error_json")]
        error: LoyaltyError,
    },
}

impl Outcome {
    /// The outcome as JSON (`{"outcome": "rewarded", …}`; decimals as text, errors as
    /// `{code, field, message}`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"outcome":"failed"}"#.to_string())
    }
}

fn error_json<S: Serializer>(error: &LoyaltyError, s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct E<'a> {
        code: &'a str,
        field: Option<&'a str>,
        message: String,
    }
    E { code: error.code(), field: error.field(), message: error.to_string() }.serialize(s)
}

/// What to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Send this request, then [`Flow::feed`] its HTTP status and body.
    Send(Request),
    /// The flow is over.
    Done(Outcome),
}

/// A step machine: [`Flow::next`] until it is `Done`, feeding each answer.
pub trait Flow {
    /// The request to send now, or the outcome. Calling it again gives the same answer.
    fn next(&self) -> Next;
    /// Advances with the answer to the request of [`Flow::next`]; returns what comes next. Once
    /// done, further answers are ignored.
    fn feed(&mut self, status: u16, body: &str) -> Next;
    /// The step whose request is pending, `None` once done.
    fn step(&self) -> Option<Step>;
}

/// Rewards one order (see the module documentation).
#[derive(Clone, Debug)]
pub struct RewardOrder {
    client: Client,
    order: Order,
    options: RewardOptions,
    factura: Option<String>,
    step: Step,
    pending: Next,
    uid: Option<String>,
    customer_initialized: bool,
    sale_points: Option<Decimal>,
    points: Option<Decimal>,
    customer: Option<User>,
    /// The sale may have been recorded by an earlier attempt: a repeated-invoice refusal is then
    /// that attempt's success.
    may_have_landed: bool,
    /// The customer was looked up again after `initialize_user` said they exist.
    looked_up_again: bool,
}

impl RewardOrder {
    /// Checks the order against the options and prepares the first request. Every input error is
    /// reported here, before anything is sent.
    pub fn new(client: &Client, order: Order, options: RewardOptions) -> Result<RewardOrder> {
        if order.total.is_negative() {
            return Err(LoyaltyError::invalid("total", "must not be negative"));
        }
        if options.sale_points.is_some_and(Decimal::is_negative) {
            return Err(LoyaltyError::invalid("sale_points", "must not be negative"));
        }
        let customer = &order.customer;
        match options.find_by {
            FindBy::Email => validate::email("customer.email", customer.email.as_deref().unwrap_or_default())?,
            FindBy::Uid => validate::required("customer.uid", customer.uid.as_deref().unwrap_or_default())?,
        }
        validate::optional("customer.uid", customer.uid.as_deref())?;
        let factura = factura_field(&order.factura)?;
        let mut flow = RewardOrder {
            client: client.clone(),
            order,
            options,
            factura,
            step: Step::FindCustomer,
            pending: Next::Done(Outcome::Skipped {
                reason: SkipReason::UnknownCustomer,
                message: None,
                sale_points: None,
                customer_initialized: false,
            }),
            uid: None,
            customer_initialized: false,
            sale_points: None,
            points: None,
            customer: None,
            may_have_landed: false,
            looked_up_again: false,
        };
        if flow.options.unknown_customer == UnknownCustomer::Initialize {
            flow.initialize_request()?;
        }
        // The final request with stand-in uid and points checks nrofactura, branch and datetime now.
        flow.sale_request("uid", Decimal::ZERO)?;
        flow.pending = Next::Send(flow.lookup_request()?);
        Ok(flow)
    }

    /// The same flow for an order an earlier attempt may have rewarded already (its answer was
    /// lost, the process stopped, a queue delivers it again): WoowUp's refusal of the repeated
    /// invoice number is then that attempt's success (`already_recorded`), not a failure.
    pub fn after_earlier_attempt(mut self) -> RewardOrder {
        self.may_have_landed = true;
        self
    }

    fn lookup_request(&self) -> Result<Request> {
        let customer = &self.order.customer;
        match self.options.find_by {
            FindBy::Email => self.client.user_by_email(customer.email.as_deref().unwrap_or_default()),
            FindBy::Uid => self.client.user_by_uid(customer.uid.as_deref().unwrap_or_default()),
        }
    }

    /// The sale points, once read (or given): cache them for the next orders.
    pub fn sale_points(&self) -> Option<Decimal> {
        self.sale_points
    }

    /// The customer as WoowUp described them (found or initialised), once known.
    pub fn customer(&self) -> Option<&User> {
        self.customer.as_ref()
    }

    fn initialize_user(&self) -> Result<InitializeUser> {
        let c = &self.order.customer;
        let email = c.email.clone().unwrap_or_default();
        validate::email("customer.email", &email)?;
        let first_name = c.first_name.clone().unwrap_or_default();
        validate::required("customer.first_name", &first_name)?;
        let last_name = c.last_name.clone().unwrap_or_default();
        validate::required("customer.last_name", &last_name)?;
        Ok(InitializeUser { uid: c.uid.clone().unwrap_or_else(|| email.clone()), email, first_name, last_name })
    }

    fn initialize_request(&self) -> Result<Request> {
        let user = self.initialize_user()?;
        self.client.initialize_user(&user).map_err(|e| e.within("customer"))
    }

    fn sale_request(&self, uid: &str, points: Decimal) -> Result<Request> {
        let params = AddSalePointsByUid {
            uid: uid.to_string(),
            points,
            nrofactura: self.order.nrofactura.clone(),
            factura: Vec::new(),
            branch: self.order.branch.clone(),
            datetime: self.order.datetime.clone(),
        };
        let form = params.form_with(self.client.app_id(), self.factura.as_deref())?;
        self.client.post_form("add_sale_points_by_uid", &form)
    }

    fn fail_now(&mut self, error: LoyaltyError) -> Next {
        self.finish(Outcome::Failed { step: self.step, error })
    }

    fn finish(&mut self, outcome: Outcome) -> Next {
        self.pending = Next::Done(outcome);
        self.pending.clone()
    }

    fn skip(&mut self, reason: SkipReason, message: Option<String>) -> Next {
        let outcome = Outcome::Skipped {
            reason,
            message,
            sale_points: self.sale_points,
            customer_initialized: self.customer_initialized,
        };
        self.finish(outcome)
    }

    fn send(&mut self, step: Step, request: Result<Request>) -> Next {
        self.step = step;
        match request {
            Ok(request) => {
                self.pending = Next::Send(request);
                self.pending.clone()
            }
            Err(e) => self.fail_now(e),
        }
    }

    /// With the customer's uid known: the sale points, from the options or from WoowUp.
    fn after_customer(&mut self, uid: String) -> Next {
        self.uid = Some(uid);
        match self.options.sale_points {
            Some(cached) => self.reward(cached),
            None => {
                let request = self.client.contest_sale_points();
                self.send(Step::ReadSalePoints, request)
            }
        }
    }

    fn reward(&mut self, sale_points: Decimal) -> Next {
        self.sale_points = Some(sale_points);
        self.step = Step::AddSalePoints;
        if sale_points.is_zero() {
            return self.skip(SkipReason::ZeroSalePoints, None);
        }
        let uid = self.uid.clone().unwrap_or_default();
        let request = points(self.order.total, sale_points, self.options.rule).and_then(|p| {
            self.points = Some(p);
            self.sale_request(&uid, p)
        });
        self.send(Step::AddSalePoints, request)
    }

    fn rewarded(&mut self, transaction_id: Option<String>, already_recorded: bool) -> Next {
        self.finish(Outcome::Rewarded {
            uid: self.uid.clone().unwrap_or_default(),
            points: self.points.unwrap_or(Decimal::ZERO),
            sale_points: self.sale_points.unwrap_or(Decimal::ZERO),
            transaction_id,
            customer_initialized: self.customer_initialized,
            already_recorded,
        })
    }
}

/// A uid WoowUp gave, when it gave a usable one.
fn usable(uid: Option<String>) -> Option<String> {
    uid.filter(|u| !u.trim().is_empty())
}

impl Flow for RewardOrder {
    fn next(&self) -> Next {
        self.pending.clone()
    }

    fn step(&self) -> Option<Step> {
        match self.pending {
            Next::Send(_) => Some(self.step),
            Next::Done(_) => None,
        }
    }

    fn feed(&mut self, status: u16, body: &str) -> Next {
        if let Next::Done(_) = self.pending {
            return self.pending.clone();
        }
        match self.step {
            Step::FindCustomer => match read_user_lookup(status, body) {
                Err(e) => self.fail_now(e),
                Ok(Lookup::Found { user }) => {
                    let fallback = match self.options.find_by {
                        FindBy::Uid => self.order.customer.uid.clone(),
                        FindBy::Email => None,
                    };
                    let uid = usable(user.service_uid.clone()).or(fallback);
                    self.customer = Some(*user);
                    match uid {
                        Some(uid) => self.after_customer(uid),
                        None => self.skip(SkipReason::CustomerWithoutUid, None),
                    }
                }
                Ok(Lookup::NotFound { message }) => match self.options.unknown_customer {
                    UnknownCustomer::Skip => self.skip(SkipReason::UnknownCustomer, message),
                    UnknownCustomer::Initialize if self.looked_up_again => self.fail_now(LoyaltyError::Remote {
                        service: "woowup",
                        status,
                        message: "initialize_user said the customer exists, and the lookup does not find them".into(),
                    }),
                    UnknownCustomer::Initialize => {
                        let request = self.initialize_request();
                        self.send(Step::InitializeUser, request)
                    }
                },
            },
            // Another order of the same new customer (or an earlier attempt of this one) added
            // them meanwhile: look them up again, once.
            Step::InitializeUser if !self.looked_up_again && Repeat::User.is_refusal(status, body) => {
                self.looked_up_again = true;
                let request = self.lookup_request();
                self.send(Step::FindCustomer, request)
            }
            Step::InitializeUser => match read_registered_user(status, body) {
                Err(e) => self.fail_now(e),
                Ok(user) => {
                    self.customer_initialized = true;
                    let sent = self.initialize_user().map(|u| u.uid).unwrap_or_default();
                    let uid = usable(user.service_uid.clone()).unwrap_or(sent);
                    self.customer = Some(user);
                    self.after_customer(uid)
                }
            },
            Step::ReadSalePoints => match read_sale_points(status, body) {
                Err(e) => self.fail_now(e),
                Ok(sale_points) => self.reward(sale_points.unwrap_or(Decimal::ZERO)),
            },
            Step::AddSalePoints => match read_transaction_id(status, body) {
                Err(_) if self.may_have_landed && Repeat::Invoice(&self.order.nrofactura).is_refusal(status, body) => {
                    self.rewarded(None, true)
                }
                Err(e) => self.fail_now(e),
                Ok(id) => self.rewarded(id, false),
            },
            Step::CancelInvoice => self.fail_now(LoyaltyError::invalid("step", "not a step of this flow")),
        }
    }
}

impl RewardOrder {
    /// See [`Flow::next`].
    pub fn next(&self) -> Next {
        Flow::next(self)
    }

    /// See [`Flow::feed`].
    pub fn feed(&mut self, status: u16, body: &str) -> Next {
        Flow::feed(self, status, body)
    }

    /// See [`Flow::step`].
    pub fn step(&self) -> Option<Step> {
        Flow::step(self)
    }
}

/// Cancels one purchase (`cancel_invoice`) and reverts its points.
#[derive(Clone, Debug)]
pub struct CancelOrder {
    nrofactura: String,
    pending: Next,
    /// An earlier attempt may have cancelled it: "already cancelled" is then its success.
    may_have_landed: bool,
}

impl CancelOrder {
    pub fn new(client: &Client, nrofactura: &str) -> Result<CancelOrder> {
        let request = client.cancel_invoice(nrofactura)?;
        Ok(CancelOrder { nrofactura: nrofactura.to_string(), pending: Next::Send(request), may_have_landed: false })
    }

    /// The same flow for a cancellation an earlier attempt may have made already: WoowUp's
    /// "already cancelled" is then that attempt's success (`already_cancelled`).
    pub fn after_earlier_attempt(mut self) -> CancelOrder {
        self.may_have_landed = true;
        self
    }

    /// See [`Flow::next`].
    pub fn next(&self) -> Next {
        Flow::next(self)
    }

    /// See [`Flow::feed`].
    pub fn feed(&mut self, status: u16, body: &str) -> Next {
        Flow::feed(self, status, body)
    }

    /// See [`Flow::step`].
    pub fn step(&self) -> Option<Step> {
        Flow::step(self)
    }
}

impl Flow for CancelOrder {
    fn next(&self) -> Next {
        self.pending.clone()
    }

    fn step(&self) -> Option<Step> {
        match self.pending {
            Next::Send(_) => Some(Step::CancelInvoice),
            Next::Done(_) => None,
        }
    }

    fn feed(&mut self, status: u16, body: &str) -> Next {
        if let Next::Send(_) = self.pending {
            let nrofactura = self.nrofactura.clone();
            let outcome = match read_transaction_id(status, body) {
                Ok(transaction_id) => Outcome::Cancelled { nrofactura, transaction_id, already_cancelled: false },
                Err(_) if self.may_have_landed && Repeat::Cancellation.is_refusal(status, body) => {
                    Outcome::Cancelled { nrofactura, transaction_id: None, already_cancelled: true }
                }
                Err(error) => Outcome::Failed { step: Step::CancelInvoice, error },
            };
            self.pending = Next::Done(outcome);
        }
        self.pending.clone()
    }
}

/// What each step's request does: what a lost answer to it means.
fn effect(step: Step) -> Effect {
    match step {
        Step::FindCustomer | Step::ReadSalePoints => Effect::Read,
        Step::InitializeUser | Step::AddSalePoints | Step::CancelInvoice => Effect::Once,
    }
}

fn engine_next(next: Next, step: Option<Step>) -> engine::Next<Outcome> {
    match (next, step) {
        (Next::Send(request), Some(step)) => engine::Next::Send(request, effect(step)),
        (Next::Send(request), None) => engine::Next::Send(request, Effect::Once),
        (Next::Done(outcome), _) => engine::Next::Done(outcome),
    }
}

/// Under the engine, a sale or a new customer left in doubt is sent again: WoowUp refuses a
/// repeated invoice number and an existing customer, and the flow reads those refusals as the
/// earlier attempt's success.
impl engine::Machine for RewardOrder {
    type Outcome = Outcome;

    fn next(&mut self) -> engine::Next<Outcome> {
        engine_next(Flow::next(self), Flow::step(self))
    }

    fn feed(&mut self, status: u16, body: &str) {
        Flow::feed(self, status, body);
    }

    fn may_have_landed(&mut self) -> bool {
        if self.step == Step::AddSalePoints {
            self.may_have_landed = true;
        }
        matches!(self.step, Step::AddSalePoints | Step::InitializeUser)
    }

    fn fail(&mut self, error: LoyaltyError) -> Outcome {
        match self.fail_now(error) {
            Next::Done(outcome) => outcome,
            Next::Send(_) => Outcome::Failed { step: self.step, error: LoyaltyError::invalid("step", "not done") },
        }
    }
}

impl engine::Machine for CancelOrder {
    type Outcome = Outcome;

    fn next(&mut self) -> engine::Next<Outcome> {
        engine_next(Flow::next(self), Flow::step(self))
    }

    fn feed(&mut self, status: u16, body: &str) {
        Flow::feed(self, status, body);
    }

    fn may_have_landed(&mut self) -> bool {
        self.may_have_landed = true;
        true
    }

    fn fail(&mut self, error: LoyaltyError) -> Outcome {
        let outcome = Outcome::Failed { step: Step::CancelInvoice, error };
        self.pending = Next::Done(outcome.clone());
        outcome
    }
}

/// One of the order flows, for drivers that run either (the JS binding, the Worker).
#[derive(Clone, Debug)]
pub enum OrderFlow {
    Reward(Box<RewardOrder>),
    Cancel(CancelOrder),
}

impl OrderFlow {
    /// The step whose request is pending, `None` once done.
    pub fn step(&self) -> Option<Step> {
        match self {
            OrderFlow::Reward(f) => Flow::step(f.as_ref()),
            OrderFlow::Cancel(f) => Flow::step(f),
        }
    }

    /// See [`RewardOrder::after_earlier_attempt`].
    pub fn after_earlier_attempt(self) -> OrderFlow {
        match self {
            OrderFlow::Reward(f) => OrderFlow::Reward(Box::new(f.after_earlier_attempt())),
            OrderFlow::Cancel(f) => OrderFlow::Cancel(f.after_earlier_attempt()),
        }
    }

    /// The flow inside, as the engine drives it.
    fn machine(&mut self) -> &mut dyn engine::Machine<Outcome = Outcome> {
        match self {
            OrderFlow::Reward(f) => f.as_mut(),
            OrderFlow::Cancel(f) => f,
        }
    }
}

impl engine::Machine for OrderFlow {
    type Outcome = Outcome;

    fn next(&mut self) -> engine::Next<Outcome> {
        self.machine().next()
    }

    fn feed(&mut self, status: u16, body: &str) {
        self.machine().feed(status, body)
    }

    fn may_have_landed(&mut self) -> bool {
        self.machine().may_have_landed()
    }

    fn fail(&mut self, error: LoyaltyError) -> Outcome {
        self.machine().fail(error)
    }
}
