//! Rows → WoowUp API v2 requests, as jobs the caller sends and feeds back: the core does no I/O.
//!
//! ```text
//! for work in batch.jobs(reader, "purchases-2019_03_11.csv")? {     // or FileJobs::feed(chunk)
//!     let Work::Job(mut job) = work else { keep the file error; continue };
//!     let mut next = job.next();
//!     while let JobNext::Send(request) = next {
//!         let (status, body) = http(request);   // with rate limit and retries (retryable())
//!         next = job.feed(status, &body);
//!     }
//!     job.record(&mut stats)?;                  // created / updated / failed, with the reason
//! }
//! ```
//!
//! What each row becomes:
//! - **customer**: `user_by_uid` (when the row has a uid) or `user_by_email`. Found: *updated*
//!   (API v2 has no endpoint to change a customer: nothing more is sent; the row is counted as
//!   an existing customer seen again). Not found: `initialize_user` (uid or email, email, first
//!   and last name): *created*; without both names, *failed* before anything is sent.
//! - **purchase**: WoowUp's reward flow ([`RewardOrder`]): find the customer (by uid when the
//!   purchase gives one, else by email), optionally `initialize_user` an unknown one, then
//!   `add_sale_points_by_uid` with the `factura` detail and the points of the configured rule at
//!   the configured sale points. Rewarded: *created*. An unknown customer (when not configured
//!   to add them), a customer without uid, zero sale points or a refusal: *failed*, with the
//!   reason. (API v2 cannot update a purchase: a purchase is never *updated*.)
//!   With [`PlanOptions::direct_uid`], a purchase that gives `customer_uid` skips the lookup:
//!   one `add_sale_points_by_uid` with that uid.
//! - **product**: `save_product`. WoowUp's message says which: *created* when it mentions
//!   creation, otherwise *updated* (`{"status": true, "message": "product updated"}`).
//! - **branch**: nothing is sent (API v2 has no branch endpoint). With the account's known
//!   branches (from `GET apiv3/stats`'s `per_branches`, see [`PlanOptions::known_branches`]),
//!   a branch WoowUp already lists is *updated*, another one *created*; without that list every
//!   branch row is *updated* (branches must exist in WoowUp before purchases name them).

use super::ending::Ending;
use super::reader::{FileParser, FileReader, Parsed, Row, RowRef};
use super::rows::{entity_of_file, CustomerRow, Mapping, ProductRow, Purchase};
use super::csv::CsvOptions;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::woowup::connectors::{Entity, Outcome, RowError, StatsCollector};
use crate::woowup::{
    read_registered_user, read_status, read_transaction_id, read_user_lookup, AddSalePointsByUid, Client, Customer, Decimal, FindBy, InitializeUser,
    InvoiceItem, Lookup, Next, Order, PointsRule, Repeat, RewardOptions, RewardOrder, SaveProduct, SkipReason,
    UnknownCustomer, Variation,
};
use std::collections::HashSet;
use std::io::BufRead;

/// How rows become requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanOptions {
    /// The program's points per currency unit (`contest_sale_points`): configured, or read once
    /// before the run (`Client::contest_sale_points`). Zero: purchases are not sent (failed).
    pub sale_points: Decimal,
    /// The points rule ([`PointsRule::CeilOfFlooredTotal`] by default).
    pub rule: PointsRule,
    /// What to do with a purchase whose customer WoowUp does not know.
    pub unknown_customer: UnknownCustomer,
    /// Force how purchases find their customer; by default by uid when the purchase gives one,
    /// else by email.
    pub find_by: Option<FindBy>,
    /// Send a purchase that gives `customer_uid` straight to `add_sale_points_by_uid` with that
    /// uid, without looking the customer up first: one request instead of two, which matters at
    /// WoowUp's 140 requests a minute. Only right when the file's `customer_uid` is the
    /// program's uid (its `service_uid`); an unknown uid then fails at WoowUp. Off by default
    /// (the connector guides look the customer up).
    pub direct_uid: bool,
    /// The branch names WoowUp already has (from `GET apiv3/stats`), to tell created branches
    /// from updated ones.
    pub known_branches: Option<HashSet<String>>,
}

impl PlanOptions {
    pub fn new(sale_points: Decimal) -> Self {
        PlanOptions {
            sale_points,
            rule: PointsRule::default(),
            unknown_customer: UnknownCustomer::default(),
            find_by: None,
            direct_uid: false,
            known_branches: None,
        }
    }
}

/// How the day's files are processed in order: customers first (purchases find them), then
/// products and branches, purchases last.
pub const PROCESSING_ORDER: [Entity; 4] = [Entity::Customers, Entity::Products, Entity::Branches, Entity::Purchases];

/// Sorts file names into [`PROCESSING_ORDER`] (stable within an entity); a name that is not a
/// day file (`customers-…`, `purchases-…`, `products-…`, `branches-…`) is an error.
pub fn order_files<S: AsRef<str>>(names: &[S]) -> Result<Vec<(Entity, String)>> {
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_ref();
        let entity = entity_of_file(name).ok_or_else(|| {
            LoyaltyError::invalid("files", format!("{name:?}: expected customers-, purchases-, products- or branches-YYYY_MM_DD.csv"))
        })?;
        files.push((entity, name.to_string()));
    }
    files.sort_by_key(|(e, _)| PROCESSING_ORDER.iter().position(|o| o == e));
    Ok(files)
}

/// Turns rows into jobs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Planner {
    client: Client,
    options: PlanOptions,
}

/// What the caller does with one item of a file (`J`: API v2's [`Job`] or v3's `V3Job`).
#[derive(Debug)]
pub enum Work<J = Job> {
    /// A row to send (or one that already failed: its job is done at once).
    Job(Box<J>),
    /// A problem with the file itself: keep it (`StatsCollector::keep_error`), count nothing.
    FileError(RowError),
}

/// What turns rows into jobs: API v2's [`Planner`], v3's `V3Planner`.
pub trait Plan: Clone {
    type Job;
    /// The job of a row.
    fn job(&self, r: RowRef, row: Row) -> Self::Job;
    /// A job already failed (a row that does not read).
    fn failed(row: RowRef, code: &'static str, reason: String) -> Self::Job;

    /// The job of a parsed item (an invalid row is a job already failed).
    fn work(&self, parsed: Parsed) -> Work<Self::Job> {
        match parsed {
            Parsed::Row(r, row) => Work::Job(Box::new(self.job(r, row))),
            Parsed::Invalid(tally, error) => Work::Job(Box::new(Self::failed(RowRef::of_invalid(tally, &error), "invalid_row", error.reason))),
            Parsed::FileError(e) => Work::FileError(e),
        }
    }

    /// The jobs of one file read from `reader`; `name` is the file name (it says the entity).
    fn jobs<'a, R: BufRead + 'a>(&'a self, reader: R, name: &str, mapping: &Mapping, limits: CsvOptions) -> Result<impl Iterator<Item = Work<Self::Job>> + 'a> {
        let parser = file_parser(name, mapping, limits)?;
        Ok(FileReader::new(reader, parser).map(move |p| self.work(p)))
    }

    /// The push form of [`Plan::jobs`], for callers that receive the file in chunks.
    fn file_jobs(&self, name: &str, mapping: &Mapping, limits: CsvOptions) -> Result<FileJobs<Self>> {
        Ok(FileJobs { parser: file_parser(name, mapping, limits)?, planner: self.clone() })
    }
}

fn file_parser(name: &str, mapping: &Mapping, limits: CsvOptions) -> Result<FileParser> {
    let entity = entity_of_file(name).ok_or_else(|| {
        LoyaltyError::invalid("file", format!("{name:?}: expected customers-, purchases-, products- or branches-YYYY_MM_DD.csv"))
    })?;
    FileParser::new(entity, name, mapping, limits)
}

/// What to do next with a job.
#[derive(Clone, Debug, PartialEq)]
pub enum JobNext {
    /// Send this request, then [`Job::feed`] the status and body.
    Send(Request),
    /// The job is over.
    Done(Outcome),
}

#[derive(Clone, Debug)]
enum State {
    /// Over: the outcome is the job's `Ending`'s.
    Done,
    /// Customer: looking up, with the `initialize_user` request to send if WoowUp does not know
    /// the customer (or why it cannot be sent).
    FindCustomer(Request, std::result::Result<Request, String>),
    InitializeUser(Request),
    Purchase(Box<RewardOrder>),
    /// A purchase sent with its uid, without lookup: the request and the points it gives.
    DirectSale(Request, Decimal),
    Product(Request),
}

/// One row's requests: a small step machine (sans I/O).
#[derive(Clone, Debug)]
pub struct Job {
    pub row: RowRef,
    state: State,
    /// How it ended (outcome, reason and code, or WoowUp's detail), once it has.
    ending: Ending,
}

fn text(e: &LoyaltyError) -> String {
    e.to_string()
}

impl Planner {
    pub fn new(client: &Client, options: PlanOptions) -> Result<Planner> {
        if options.sale_points.is_negative() {
            return Err(LoyaltyError::invalid("sale_points", "must not be negative"));
        }
        Ok(Planner { client: client.clone(), options })
    }

    pub fn options(&self) -> &PlanOptions {
        &self.options
    }

    /// The job of a row.
    fn row_job(&self, r: RowRef, row: Row) -> Job {
        let state = match row {
            Row::Customer(c) => self.customer(&c),
            Row::Purchase(p) => self.purchase(p),
            Row::Product(p) => self.product(&p),
            Row::Branch(b) => {
                let mut job = Job { row: r, state: State::Done, ending: Ending::default() };
                job.ending.end(if self.options.known_branches.as_ref().is_some_and(|k| !k.contains(&b.name)) { Outcome::Created } else { Outcome::Updated }, None);
                return job;
            }
        };
        match state {
            Ok(state) => Job { row: r, state, ending: Ending::default() },
            Err(e) => Job::failed(r, e.code(), text(&e)),
        }
    }

    fn customer(&self, c: &CustomerRow) -> Result<State> {
        let lookup = match &c.uid {
            Some(uid) => self.client.user_by_uid(uid)?,
            None => self.client.user_by_email(&c.email)?,
        };
        let init = match (&c.first_name, &c.last_name) {
            (Some(first), Some(last)) => {
                let user = InitializeUser {
                    uid: c.key().to_string(),
                    email: c.email.clone(),
                    first_name: first.clone(),
                    last_name: last.clone(),
                };
                // Built now, so a row WoowUp would refuse fails before anything is sent.
                Ok(self.client.initialize_user(&user)?)
            }
            _ => Err("unknown to WoowUp, and first_name and last_name are both needed to add a customer".to_string()),
        };
        Ok(State::FindCustomer(lookup, init))
    }

    fn purchase(&self, p: Purchase) -> Result<State> {
        let mut factura = Vec::with_capacity(p.items.len());
        for (i, item) in p.items.into_iter().enumerate() {
            let at = |e: LoyaltyError| e.within(&format!("items[{i}]"));
            let mut it = InvoiceItem::new(
                item.sku,
                item.product_name,
                item.quantity.check_limits("cantidad").map_err(at)?,
                item.unit_price.check_limits("precio").map_err(at)?,
            );
            it.category_code = item.category_code;
            it.variations = item.variations.into_iter().map(|(name, value)| Variation { name, value }).collect();
            factura.push(it);
        }
        if let (true, Some(uid)) = (self.options.direct_uid, &p.customer_uid) {
            if self.options.sale_points.is_zero() {
                return Err(LoyaltyError::invalid("sale_points", "the program gives 0 points per sale: nothing was sent"));
            }
            let total = p.total.check_limits("total")?;
            let points = crate::woowup::points(total, self.options.sale_points, self.options.rule)?;
            let sale = AddSalePointsByUid {
                uid: uid.clone(),
                points,
                nrofactura: p.invoice_number,
                factura,
                branch: p.branch,
                datetime: p.datetime,
            };
            return Ok(State::DirectSale(self.client.add_sale_points_by_uid(&sale)?, points));
        }
        let find_by = self.options.find_by.unwrap_or(if p.customer_uid.is_some() { FindBy::Uid } else { FindBy::Email });
        let order = Order {
            nrofactura: p.invoice_number,
            total: p.total.check_limits("total")?,
            customer: Customer {
                uid: p.customer_uid,
                email: p.customer_email,
                first_name: p.customer_first_name,
                last_name: p.customer_last_name,
            },
            factura,
            branch: p.branch,
            datetime: p.datetime,
        };
        let options = RewardOptions {
            find_by,
            unknown_customer: self.options.unknown_customer,
            rule: self.options.rule,
            sale_points: Some(self.options.sale_points),
        };
        Ok(State::Purchase(Box::new(RewardOrder::new(&self.client, order, options)?)))
    }

    fn product(&self, p: &ProductRow) -> Result<State> {
        let product = SaveProduct {
            code: p.code.clone(),
            name: p.name.clone(),
            category_id: p.category_id.clone(),
            thumbnail_url: p.thumbnail_url.clone(),
            image_url: p.image_url.clone(),
            url: p.url.clone(),
            cost: p.cost.map(|c| c.check_limits("cost")).transpose()?,
        };
        Ok(State::Product(self.client.save_product(&product)?))
    }
}

impl Plan for Planner {
    type Job = Job;

    fn job(&self, r: RowRef, row: Row) -> Job {
        self.row_job(r, row)
    }

    fn failed(row: RowRef, code: &'static str, reason: String) -> Job {
        Job::failed(row, code, reason)
    }
}

/// Jobs of one file fed in chunks: [`FileJobs::feed`], [`FileJobs::next_work`] until `None`,
/// and [`FileJobs::finish`] at the end of the file (then `next_work` again).
#[derive(Debug)]
pub struct FileJobs<P = Planner> {
    parser: FileParser,
    planner: P,
}

impl<P: Plan> FileJobs<P> {
    pub fn entity(&self) -> Entity {
        self.parser.entity()
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        self.parser.feed(chunk);
    }

    pub fn finish(&mut self) {
        self.parser.finish();
    }

    pub fn next_work(&mut self) -> Option<Work<P::Job>> {
        self.parser.next_item().map(|p| self.planner.work(p))
    }
}

fn is_created_message(message: Option<&str>) -> bool {
    message.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("creat") || m.contains("insert") || m.contains("added")
    })
}

impl Job {
    fn failed(row: RowRef, code: &'static str, reason: String) -> Job {
        Job { row, state: State::Done, ending: Ending::failed(code, reason) }
    }

    /// The request to send now, or the outcome. Calling it again gives the same answer.
    pub fn next(&self) -> JobNext {
        match &self.state {
            State::Done => self.ending.done(),
            State::FindCustomer(r, _) | State::InitializeUser(r) | State::Product(r) | State::DirectSale(r, _) => {
                JobNext::Send(r.clone())
            }
            State::Purchase(flow) => match flow.next() {
                Next::Send(r) => JobNext::Send(r),
                // Not reachable: a finished flow is turned into State::Done by feed().
                Next::Done(_) => JobNext::Done(Outcome::Failed),
            },
        }
    }

    /// Why it failed, or what WoowUp said.
    pub fn ending(&self) -> &Ending {
        &self.ending
    }

    fn fail(&mut self, code: &'static str, reason: String) -> JobNext {
        self.state = State::Done;
        self.ending.fail(code, reason)
    }

    fn done(&mut self, outcome: Outcome, note: Option<String>) -> JobNext {
        self.state = State::Done;
        self.ending.end(outcome, note)
    }

    /// Advances with the HTTP status and body answering the request of [`Job::next`].
    pub fn feed(&mut self, status: u16, body: &str) -> JobNext {
        let state = std::mem::replace(&mut self.state, State::Done);
        match state {
            State::Done => self.ending.done(),
            State::FindCustomer(_, init) => match read_user_lookup(status, body) {
                Err(e) => self.fail(e.code(), format!("user lookup: {e}")),
                Ok(Lookup::Found { .. }) => self.done(Outcome::Updated, Some("already in the program".into())),
                Ok(Lookup::NotFound { .. }) => match init {
                    Err(why) => self.fail("missing_field", why),
                    Ok(request) => {
                        self.state = State::InitializeUser(request.clone());
                        JobNext::Send(request)
                    }
                },
            },
            // Another row (a purchase of the same new customer, run concurrently) added them.
            State::InitializeUser(_) if Repeat::User.is_refusal(status, body) => {
                self.done(Outcome::Updated, Some("already in the program (added meanwhile)".into()))
            }
            State::InitializeUser(_) => match read_registered_user(status, body) {
                Ok(_) => self.done(Outcome::Created, Some("initialize_user".into())),
                Err(e) => self.fail(e.code(), format!("initialize_user: {e}")),
            },
            State::DirectSale(_, points) => match read_transaction_id(status, body) {
                Ok(Some(id)) => self.done(Outcome::Created, Some(format!("{points} points, transaction {id}"))),
                Ok(None) => self.done(Outcome::Created, Some(format!("{points} points"))),
                Err(e) => self.fail(e.code(), format!("add_sale_points: {e}")),
            },
            State::Product(_) => match read_status(status, body) {
                Ok(message) => {
                    let outcome = if is_created_message(message.as_deref()) { Outcome::Created } else { Outcome::Updated };
                    self.done(outcome, message)
                }
                Err(e) => self.fail(e.code(), format!("save_product: {e}")),
            },
            State::Purchase(mut flow) => match flow.feed(status, body) {
                Next::Send(r) => {
                    self.state = State::Purchase(flow);
                    JobNext::Send(r)
                }
                Next::Done(outcome) => {
                    use crate::woowup::Outcome as Reward;
                    match outcome {
                        Reward::Rewarded { points, transaction_id, .. } => {
                            let detail = match transaction_id {
                                Some(id) => format!("{points} points, transaction {id}"),
                                None => format!("{points} points"),
                            };
                            self.done(Outcome::Created, Some(detail))
                        }
                        Reward::Skipped { reason, message, .. } => {
                            let why = match reason {
                                SkipReason::UnknownCustomer => "the customer is not in the program",
                                SkipReason::ZeroSalePoints => "the program gives 0 points per sale: nothing was sent",
                                SkipReason::CustomerWithoutUid => "WoowUp holds no uid for this customer (find by uid instead)",
                            };
                            let why = match message {
                                Some(m) => format!("{why} ({m})"),
                                None => why.to_string(),
                            };
                            self.fail(reason.as_str(), why)
                        }
                        Reward::Failed { step, error } => {
                            self.fail(error.code(), format!("{}: {error}", serde_json::to_string(&step).unwrap_or_default().trim_matches('"')))
                        }
                        Reward::Cancelled { .. } => self.fail("invalid_response", "unexpected cancellation".into()),
                    }
                }
            },
        }
    }

    /// The journal line of the finished row.
    pub fn journal_entry(&self) -> Result<super::JournalEntry> {
        self.ending.entry(&self.row)
    }

    /// Counts the finished job (and keeps its error when it failed). Call once, when done.
    pub fn record(&self, stats: &mut StatsCollector) -> Result<super::JournalEntry> {
        self.ending.record(&self.row, stats)
    }
}
