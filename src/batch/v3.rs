//! Rows → WoowUp API v3 requests (`batch --api v3`), as sans-I/O jobs: the same rows, files,
//! statistics and journal as API v2's [`super::plan`], other requests.
//!
//! - **customer**: `PUT /multiusers` (update by the row's identities) → `user_not_found`:
//!   `POST /users` → *created*; found: *updated*.
//! - **purchase**: [`RecordOrder`] posting first (one request when WoowUp knows the customer):
//!   `POST /purchases` → *created*; `duplicated_purchase_number` → `PUT /purchases` with the same
//!   body → *updated* (or kept, with `OnDuplicate::Keep`); `user_not_found` → the customer is
//!   created or the row fails, as the options say.
//! - **product**: `PUT /products/{sku}` → `not_found`: `POST /products` → *created*; else *updated*.
//! - **branch**: `PUT /branches/{name}` → `not_found`: `POST /branches` → *created*; else *updated*.
//!
//! **In doubt.** A create whose answer was lost (a kill, a 5xx, a network error) may have landed.
//! WoowUp deduplicates every create the batch sends, so the job never needs a separate check:
//! it is marked in doubt ([`V3Job::may_have_landed`], or by the run from an intent the earlier
//! run journaled, [`V3Job::intent`]) and sent again; an answer then showing that the
//! row exists (a repeated invoice, an existing customer, a product or branch whose update
//! succeeds) is the earlier attempt's success and counts as **created**, once.
//!
//! The run's log is `POST /integration-stats` ([`integration_stats`]).

use super::ending::Ending;
use super::journal::{Intent, JournalEntry};
use super::plan::{FileJobs, JobNext, Plan, Work};
use super::reader::{Row, RowRef};
use super::rows::{CustomerRow, ProductRow, Purchase};
use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{Array, Object, Value};
use crate::woowup::connectors::{Entity, Outcome, StatsCollector};
use crate::woowup::v3::{read, Answer, Client, FailureKind, RecordOptions, RecordOrder, RecordOutcome, SkipReason, V3Flow, V3Next};

/// Turns rows into API v3 jobs. Cheap to clone.
#[derive(Clone, Debug)]
pub struct V3Planner {
    client: Client,
    options: RecordOptions,
}

/// What the caller does with one item of a file.
pub type V3Work = Work<V3Job>;
/// The jobs of one file fed in chunks.
pub type V3FileJobs = FileJobs<V3Planner>;

/// The entities sent as "update, else create".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Upserted {
    Customer,
    Product,
    Branch,
}

#[derive(Clone, Debug)]
enum State {
    /// Over: the outcome is the job's `Ending`'s.
    Done,
    /// `update` first; `create` when WoowUp does not know the row (`creating`: the create is
    /// the pending request).
    Upsert { what: Upserted, update: Request, create: Request, creating: bool },
    Purchase(Box<RecordOrder>),
}

/// One row's API v3 requests: a step machine (sans I/O).
#[derive(Clone, Debug)]
pub struct V3Job {
    pub row: RowRef,
    state: State,
    /// Why it failed, or what WoowUp said.
    ending: Ending,
    /// A create of this row may have landed unanswered.
    in_doubt: bool,
}

fn text(s: &str) -> Value {
    Value::str(s)
}

fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(Object::from_pairs(pairs))
}

/// A number as the API reads it (no floats on the way: the decimal's own digits).
fn number(d: Decimal, field: &str) -> Result<Value> {
    d.check_limits(field)?.to_php_number(field)
}

impl V3Planner {
    /// `options`: what a purchase of an unknown customer and a repeated invoice do.
    pub fn new(client: &Client, options: RecordOptions) -> V3Planner {
        V3Planner { client: client.clone(), options }
    }

    /// The job of a row; a row WoowUp would refuse fails here, before anything is sent.
    fn row_job(&self, r: RowRef, row: Row) -> V3Job {
        let state = match row {
            Row::Customer(c) => self.customer(&c),
            Row::Purchase(p) => self.purchase(p),
            Row::Product(p) => self.product(&p),
            Row::Branch(b) => {
                let body = object(vec![("name", text(&b.name))]);
                self.client.update_branch(&b.name, &body).and_then(|update| {
                    Ok(State::Upsert { what: Upserted::Branch, update, create: self.client.create_branch(&body)?, creating: false })
                })
            }
        };
        match state {
            Ok(state) => V3Job { row: r, state, ending: Ending::default(), in_doubt: false },
            Err(e) => V3Job::failed(r, e.code(), e.to_string()),
        }
    }

    fn customer(&self, c: &CustomerRow) -> Result<State> {
        let mut pairs = vec![("service_uid", text(c.key())), ("email", text(&c.email))];
        if let Some(first) = &c.first_name {
            pairs.push(("first_name", text(first)));
        }
        if let Some(last) = &c.last_name {
            pairs.push(("last_name", text(last)));
        }
        let body = object(pairs);
        let update = self.client.update_customer(&body)?;
        let create = self.client.create_customer(&body)?;
        Ok(State::Upsert { what: Upserted::Customer, update, create, creating: false })
    }

    /// The row as API v3's purchase: identities, `purchase_detail` (integer quantities, the unit
    /// price), `prices.total`, `branch_name`, `createtime`.
    fn purchase(&self, p: Purchase) -> Result<State> {
        let mut pairs = vec![("invoice_number", text(&p.invoice_number))];
        if let Some(uid) = &p.customer_uid {
            pairs.push(("service_uid", text(uid)));
        }
        if let Some(email) = &p.customer_email {
            pairs.push(("email", text(email)));
        }
        let mut items = Vec::with_capacity(p.items.len());
        for (i, item) in p.items.iter().enumerate() {
            let at = format!("purchase_detail[{i}]");
            let quantity = item
                .quantity
                .to_i64()
                .filter(|_| item.quantity.is_integer())
                .ok_or_else(|| LoyaltyError::invalid(format!("{at}.quantity"), "API v3 takes whole quantities"))?;
            let mut it = vec![
                ("sku", text(&item.sku)),
                ("product_name", text(&item.product_name)),
                ("quantity", Value::Int(quantity)),
                ("unit_price", number(item.unit_price, &format!("{at}.unit_price"))?),
            ];
            if let Some(code) = &item.category_code {
                it.push(("category", text(code)));
            }
            if !item.variations.is_empty() {
                let list = item.variations.iter().map(|(n, v)| object(vec![("name", text(n)), ("value", text(v))]));
                it.push(("variations", Value::Array(Array::list(list))));
            }
            items.push(object(it));
        }
        pairs.push(("purchase_detail", Value::Array(Array::list(items))));
        pairs.push(("prices", object(vec![("total", number(p.total, "prices.total")?)])));
        if let Some(branch) = &p.branch {
            pairs.push(("branch_name", text(branch)));
        }
        if let Some(datetime) = &p.datetime {
            pairs.push(("createtime", text(datetime)));
        }
        let purchase = object(pairs);
        let customer = match (&p.customer_first_name, &p.customer_last_name) {
            (None, None) => None,
            (first, last) => {
                let mut c = Vec::new();
                if let Some(uid) = &p.customer_uid {
                    c.push(("service_uid", text(uid)));
                }
                if let Some(email) = &p.customer_email {
                    c.push(("email", text(email)));
                }
                first.iter().for_each(|f| c.push(("first_name", text(f))));
                last.iter().for_each(|l| c.push(("last_name", text(l))));
                Some(object(c))
            }
        };
        let flow = RecordOrder::new(&self.client, purchase, customer, self.options)?.posting_first()?;
        Ok(State::Purchase(Box::new(flow)))
    }

    fn product(&self, p: &ProductRow) -> Result<State> {
        let mut pairs = vec![("sku", text(&p.code)), ("name", text(&p.name))];
        if let Some(category) = &p.category_id {
            pairs.push(("category", text(category)));
        }
        for (name, value) in [("url", &p.url), ("image_url", &p.image_url), ("thumbnail_url", &p.thumbnail_url)] {
            if let Some(v) = value {
                pairs.push((name, text(v)));
            }
        }
        if let Some(cost) = p.cost {
            // API v3's product has no cost: it travels in `metadata`.
            pairs.push(("metadata", object(vec![("cost", number(cost, "cost")?)])));
        }
        let body = object(pairs);
        let update = self.client.update_product(&p.code, &body)?;
        let create = self.client.create_product(&body)?;
        Ok(State::Upsert { what: Upserted::Product, update, create, creating: false })
    }
}

impl Plan for V3Planner {
    type Job = V3Job;

    fn job(&self, r: RowRef, row: Row) -> V3Job {
        self.row_job(r, row)
    }

    fn failed(row: RowRef, code: &'static str, reason: String) -> V3Job {
        V3Job::failed(row, code, reason)
    }
}

/// What an answer says, for the upserts.
enum Said {
    Ok,
    NotFound,
    Exists,
    Failed(LoyaltyError),
}

fn said(status: u16, body: &str) -> Said {
    match read(status, &[], body) {
        Ok(Answer::Ok { .. }) => Said::Ok,
        Ok(Answer::Failed(f)) => match f.kind {
            FailureKind::NotFound | FailureKind::UserNotFound => Said::NotFound,
            FailureKind::CustomerExists => Said::Exists,
            // (A product or branch created meanwhile is refused as a bad request: see `feed`.)
            _ => Said::Failed(f.into_error()),
        },
        Err(e) => Said::Failed(e),
    }
}

const SENT_BEFORE: &str = "sent before, not again";

impl V3Job {
    fn failed(row: RowRef, code: &'static str, reason: String) -> V3Job {
        V3Job { row, state: State::Done, ending: Ending::failed(code, reason), in_doubt: false }
    }

    /// The request to send now, or the outcome.
    pub fn next(&self) -> JobNext {
        match &self.state {
            State::Done => self.ending.done(),
            State::Upsert { update, create, creating, .. } => JobNext::Send(if *creating { create.clone() } else { update.clone() }),
            State::Purchase(flow) => match flow.next() {
                V3Next::Send(r) => JobNext::Send(r),
                V3Next::Done(_) => JobNext::Done(Outcome::Failed), // turned into State::Done by feed
            },
        }
    }

    /// Why it failed, or what WoowUp said.
    pub fn ending(&self) -> &Ending {
        &self.ending
    }

    /// Whether the pending request creates something (journal its intent first).
    pub fn pending_create(&self) -> Option<&'static str> {
        match &self.state {
            State::Upsert { what, creating: true, .. } => Some(match what {
                Upserted::Customer => "POST /users",
                Upserted::Product => "POST /products",
                Upserted::Branch => "POST /branches",
            }),
            State::Purchase(flow) => match flow.next() {
                V3Next::Send(r) if r.method == Method::Post => {
                    Some(if r.url.ends_with("/users") { "POST /users" } else { "POST /purchases" })
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The pending create may have landed unanswered (a 5xx, a lost answer): it is sent again
    /// and an answer showing the row exists counts as this create's success.
    pub fn may_have_landed(&mut self) {
        if self.pending_create().is_some() {
            self.in_doubt = true;
        }
    }

    /// An interrupted run wrote the intent of a create of this row and no outcome.
    pub fn set_in_doubt(&mut self) {
        self.in_doubt = true;
    }

    pub fn is_in_doubt(&self) -> bool {
        self.in_doubt
    }

    /// The intent journaled before the pending create is sent.
    pub fn intent(&self) -> Option<Intent> {
        let sending = self.pending_create()?;
        Some(Intent { sending: sending.into(), file: self.row.file.to_string(), line: self.row.line, key: self.row.key.clone(), uid: None, nrofactura: None, email: None })
    }

    fn done(&mut self, outcome: Outcome, note: String) -> JobNext {
        self.state = State::Done;
        self.ending.end(outcome, Some(note))
    }

    fn fail(&mut self, code: &'static str, reason: String) -> JobNext {
        self.state = State::Done;
        self.ending.fail(code, reason)
    }

    /// Advances with the status and body answering [`V3Job::next`]'s request.
    pub fn feed(&mut self, status: u16, body: &str) -> JobNext {
        let state = std::mem::replace(&mut self.state, State::Done);
        match state {
            State::Done => self.ending.done(),
            State::Upsert { what, update, create, creating } => {
                let name = match what {
                    Upserted::Customer => "customer",
                    Upserted::Product => "product",
                    Upserted::Branch => "branch",
                };
                match (creating, said(status, body)) {
                    (false, Said::Ok) if self.in_doubt => self.done(Outcome::Created, format!("{name} created ({SENT_BEFORE})")),
                    (false, Said::Ok) => self.done(Outcome::Updated, format!("{name} updated")),
                    // Not there: an earlier create in doubt did not land, so a refusal of the
                    // create is now final (asking the update again would loop).
                    (false, Said::NotFound) => {
                        self.in_doubt = false;
                        self.state = State::Upsert { what, update, create: create.clone(), creating: true };
                        JobNext::Send(create)
                    }
                    (true, Said::Ok) => self.done(Outcome::Created, format!("{name} created")),
                    // Created meanwhile: by this row's earlier attempt, or by another run.
                    (true, Said::Exists) => {
                        let (outcome, note) = if self.in_doubt {
                            (Outcome::Created, format!("{name} created ({SENT_BEFORE})"))
                        } else {
                            (Outcome::Updated, format!("{name} already in WoowUp"))
                        };
                        self.done(outcome, note)
                    }
                    // A create in doubt refused: ask again by updating (it succeeds if it landed).
                    (true, Said::Failed(_)) if self.in_doubt && what != Upserted::Customer => {
                        self.state = State::Upsert { what, update: update.clone(), create, creating: false };
                        JobNext::Send(update)
                    }
                    (_, Said::Exists) => self.fail("remote_error", format!("{name}: WoowUp says it exists but cannot update it")),
                    (_, Said::NotFound) => self.fail("remote_error", format!("{name}: not found after its creation")),
                    (_, Said::Failed(e)) => self.fail(e.code(), format!("{name}: {e}")),
                }
            }
            State::Purchase(mut flow) => match flow.feed(status, body) {
                V3Next::Send(r) => {
                    self.state = State::Purchase(flow);
                    JobNext::Send(r)
                }
                V3Next::Done(outcome) => self.purchase_done(outcome),
            },
        }
    }

    fn purchase_done(&mut self, outcome: RecordOutcome) -> JobNext {
        match outcome {
            RecordOutcome::Recorded { duplicate: false, customer_created, .. } => {
                let note = if customer_created { "recorded, customer created" } else { "recorded" };
                self.done(Outcome::Created, note.into())
            }
            // The invoice was there: this row's own earlier attempt (in doubt), or a repeat.
            RecordOutcome::Recorded { duplicate: true, updated, .. } if self.in_doubt => {
                let how = if updated { "PUT with the same body" } else { "kept" };
                self.done(Outcome::Created, format!("duplicated_purchase_number: already recorded, {SENT_BEFORE} ({how})"))
            }
            RecordOutcome::Recorded { duplicate: true, updated: true, .. } => {
                self.done(Outcome::Updated, "duplicated_purchase_number: updated with PUT".into())
            }
            RecordOutcome::Recorded { duplicate: true, updated: false, .. } => {
                self.done(Outcome::Updated, "duplicated_purchase_number: already recorded, kept".into())
            }
            RecordOutcome::Skipped { reason, message } => {
                let (code, why) = match reason {
                    SkipReason::UnknownCustomer => ("unknown_customer", "the customer is not in WoowUp"),
                    SkipReason::InvoiceOfAnotherCustomer => ("invoice_of_another_customer", "the invoice number is stored for another customer"),
                    SkipReason::ReversalRefused => ("reversal_refused", "reversal refused"),
                };
                let why = match message {
                    Some(m) => format!("{why} ({m})"),
                    None => why.to_string(),
                };
                self.fail(code, why)
            }
            RecordOutcome::Failed { step, error, .. } => {
                let step = serde_json::to_string(&step).unwrap_or_default();
                self.fail(error.code(), format!("{}: {error}", step.trim_matches('"')))
            }
        }
    }

    /// The journal line of the finished row (the same line as API v2's).
    pub fn journal_entry(&self) -> Result<JournalEntry> {
        self.ending.entry(&self.row)
    }
}

/// The most failed rows listed in the run's integration stats (all are counted in the failures
/// file; the list is for a reader of WoowUp's panel).
pub const MAX_LISTED_FAILURES: usize = 1000;

/// The run's statistics as `POST /integration-stats` takes them: per entity processed
/// `{created, updated, failed: [{element: {file, line, key}, message}]}`; purchases also
/// `duplicated` (their updates: a purchase is updated only after `duplicated_purchase_number`),
/// `revenue` (rounded as the connectors log rounds it) and `units` (invoice item lines).
pub fn integration_stats(stats: &StatsCollector, processed: &[Entity]) -> Result<Value> {
    let mut root = Vec::new();
    for entity in Entity::ALL {
        if !processed.contains(&entity) {
            continue;
        }
        let (created, updated, _) = stats.totals(entity);
        let failed = stats.errors().iter().filter(|e| e.entity == entity).map(|e| {
            let mut element = vec![("file", text(&e.file)), ("line", Value::Int(i64::try_from(e.line).unwrap_or(i64::MAX)))];
            if let Some(k) = &e.key {
                element.push(("key", text(k)));
            }
            object(vec![("element", object(element)), ("message", text(&e.reason))])
        });
        let count = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        let mut section = vec![("created", count(created)), ("updated", count(updated))];
        if entity == Entity::Purchases {
            section.push(("duplicated", count(updated)));
        }
        section.push(("failed", Value::Array(Array::list(failed))));
        if entity == Entity::Purchases {
            let payload = stats.payload("1970-01-01T00:00:00+00:00")?;
            let purchases = payload.as_array().and_then(|r| r.get_str("stats")).and_then(Value::as_array).and_then(|s| s.get_str("purchases"));
            let field = |k: &str| purchases.and_then(Value::as_array).and_then(|p| p.get_str(k)).cloned().unwrap_or(Value::Int(0));
            section.push(("revenue", field("total_revenue")));
            section.push(("units", field("total_invoice_items")));
        }
        root.push((entity.as_str(), object(section)));
    }
    let body = object(root);
    crate::woowup::v3::check_integration_stats(&body)?;
    Ok(body)
}

impl V3Job {
    /// Counts the finished job into `stats` (its error kept when it failed).
    pub fn record(&self, stats: &mut StatsCollector) -> Result<JournalEntry> {
        self.ending.record(&self.row, stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::csv::CsvOptions;
    use crate::batch::Mapping;
    use crate::php::json_encode;

    fn jobs(name: &str, csv: &str) -> Vec<V3Job> {
        let planner = V3Planner::new(&Client::new("k").unwrap(), RecordOptions::default());
        planner
            .jobs(csv.as_bytes(), name, &Mapping::default(), CsvOptions::default())
            .unwrap()
            .filter_map(|w| match w {
                V3Work::Job(j) => Some(*j),
                V3Work::FileError(_) => None,
            })
            .collect()
    }

    fn env(status: u16, code: &str) -> (u16, String) {
        (status, format!(r#"{{"payload":[],"message":"m","code":"{code}","time":"1ms"}}"#))
    }

    const PURCHASE: &str = "invoice_number,customer_email,total,sku,product_name,quantity,unit_price\nF-1,ana@example.com,20.50,A-1,Tea,2,10.25\n";

    #[test]
    fn a_purchase_is_one_post_and_a_repeat_an_update() {
        let mut job = jobs("purchases-2019_03_11.csv", PURCHASE).remove(0);
        let JobNext::Send(post) = job.next() else { panic!() };
        assert_eq!((post.method, post.url.as_str()), (Method::Post, "https://api.woowup.com/apiv3/purchases"));
        assert_eq!(
            post.body.as_deref(),
            Some(r#"{"invoice_number":"F-1","email":"ana@example.com","purchase_detail":[{"sku":"A-1","product_name":"Tea","quantity":2,"unit_price":10.25}],"prices":{"total":20.5}}"#)
        );
        assert_eq!(job.pending_create(), Some("POST /purchases"));
        let (s, b) = env(400, "duplicated_purchase_number");
        let JobNext::Send(put) = job.feed(s, &b) else { panic!() };
        assert_eq!(put.method, Method::Put);
        let (s, b) = env(200, "ok");
        assert_eq!(job.feed(s, &b), JobNext::Done(Outcome::Updated));
    }

    #[test]
    fn a_purchase_in_doubt_found_as_duplicate_counts_as_created_once() {
        let mut job = jobs("purchases-2019_03_11.csv", PURCHASE).remove(0);
        job.may_have_landed();
        assert!(job.is_in_doubt());
        let (s, b) = env(400, "duplicated_purchase_number");
        job.feed(s, &b);
        let (s, b) = env(200, "ok");
        assert_eq!(job.feed(s, &b), JobNext::Done(Outcome::Created));
        assert!(job.ending().detail().unwrap_or_default().contains("sent before"));
        assert_eq!(job.intent(), None, "done: nothing pending");
        let fresh = jobs("purchases-2019_03_11.csv", PURCHASE).remove(0);
        assert_eq!(fresh.intent().map(|i| i.sending), Some("POST /purchases".to_string()));
    }

    #[test]
    fn unknown_customer_skipped_and_a_whole_quantity_required() {
        let mut job = jobs("purchases-2019_03_11.csv", PURCHASE).remove(0);
        let (s, b) = env(404, "user_not_found");
        assert_eq!(job.feed(s, &b), JobNext::Done(Outcome::Failed));
        assert_eq!(job.ending().code(), Some("unknown_customer"));
        let half = "invoice_number,customer_email,sku,product_name,quantity,unit_price\nF-2,a@b.co,A-1,Tea,1.5,2\n";
        let job = jobs("purchases-2019_03_11.csv", half).remove(0);
        assert_eq!((job.ending().outcome(), job.ending().code()), (Some(Outcome::Failed), Some("invalid_field")));
    }

    #[test]
    fn customers_products_branches_update_else_create_and_doubt_resolves_by_updating() {
        let csv = "email,first_name,last_name\nana@example.com,Ana,Paz\n";
        let mut c = jobs("customers-2019_03_11.csv", csv).remove(0);
        let JobNext::Send(put) = c.next() else { panic!() };
        assert_eq!((put.method, put.url.ends_with("/multiusers")), (Method::Put, true));
        let (s, b) = env(404, "user_not_found");
        let JobNext::Send(post) = c.feed(s, &b) else { panic!() };
        assert!(post.url.ends_with("/users") && c.pending_create() == Some("POST /users"));
        let (s, b) = env(201, "ok");
        assert_eq!(c.feed(s, &b), JobNext::Done(Outcome::Created));

        let mut p = jobs("products-2019_03_11.csv", "code,name\nA-1,Tea\n").remove(0);
        let (s, b) = env(404, "not_found");
        p.feed(s, &b);
        p.may_have_landed();
        let (s, b) = env(400, "bad_request");
        let JobNext::Send(again) = p.feed(s, &b) else { panic!() };
        assert_eq!(again.method, Method::Put);
        let (s, b) = env(200, "ok");
        assert_eq!(p.feed(s, &b), JobNext::Done(Outcome::Created));

        // In doubt, but the update finds nothing: the create did not land, and its refusal is final.
        let mut p = jobs("products-2019_03_11.csv", "code,name\nA-1,Tea\n").remove(0);
        p.set_in_doubt();
        let (s, b) = env(404, "not_found");
        let JobNext::Send(create) = p.feed(s, &b) else { panic!() };
        assert_eq!(create.method, Method::Post);
        let (s, b) = env(400, "bad_request");
        assert_eq!(p.feed(s, &b), JobNext::Done(Outcome::Failed));

        let mut b = jobs("branches-2019_03_11.csv", "name\nPalermo\n").remove(0);
        let (s, body) = env(200, "ok");
        assert_eq!(b.feed(s, &body), JobNext::Done(Outcome::Updated));
    }

    #[test]
    fn the_integration_stats_pass_the_cores_check() {
        let mut stats = StatsCollector::new();
        let mut job = jobs("purchases-2019_03_11.csv", PURCHASE).remove(0);
        let (s, b) = env(201, "ok");
        job.feed(s, &b);
        job.record(&mut stats).unwrap();
        let mut bad = jobs("purchases-2019_03_11.csv", PURCHASE).remove(0);
        let (s, b) = env(404, "user_not_found");
        bad.feed(s, &b);
        bad.record(&mut stats).unwrap();
        let body = json_encode(&integration_stats(&stats, &[Entity::Purchases]).unwrap()).unwrap();
        assert_eq!(
            body,
            r#"{"purchases":{"created":1,"updated":0,"duplicated":0,"failed":[{"element":{"file":"purchases-2019_03_11.csv","line":2,"key":"F-1"},"message":"the customer is not in WoowUp (m)"}],"revenue":21,"units":1}}"#
        );
    }
}
