//! Requests that change WoowUp and whose answer may be lost: a sale (`add_sale_points_by_uid`)
//! or a new customer (`initialize_user`) in flight when the process was killed, or answered
//! 502, 503 or not at all (a network error after the request left). Sending one again blindly
//! could deliver it twice, so the sender:
//!
//! 1. writes an **intent** line to the journal ([`intent_line`]) before sending such a request
//!    (the request's [`Effect`]); a resumed run reads the intents that no outcome line follows
//!    ([`Doubts::from_journal`]): those rows are *in doubt*;
//! 2. before sending an in-doubt request again (after an interruption, or before retrying it
//!    after a 502, a 503 or a network error), asks WoowUp whether it landed
//!    ([`Effect::check_request`], [`Effect::read_check`]): a sale is looked for in the
//!    customer's `transactions` (a sale is concept 6 with the invoice number as description,
//!    as on WoowUp's API page and in the emulator), a new customer with `user_by_uid`;
//! 3. if it landed, feeds the job the answer the lost request would have had
//!    ([`Landed::answer`]) instead of sending anything; otherwise sends it.
//!
//! If the check is inconclusive and the sale is sent again, WoowUp refuses the repeated invoice
//! ("Invoice number N already exists"); for a row in doubt that refusal means the earlier
//! attempt landed ([`is_repeated_invoice`]), and the row is counted once, as created.
//!
//! 429 answers are not in doubt: the request was refused before being processed.

use super::journal::{Intent, JournalEntry};
use super::plan::{Job, JobNext};
use super::reader::RowRef;
use crate::engine;
use crate::error::Result;
use crate::http::{Method, Request};
use crate::php::{json_encode, Array, Value};
use crate::woowup::connectors::Outcome;
use crate::woowup::{read_registered_user, read_transactions, read_user_lookup, Client, Lookup, Repeat};

/// What a request changes in WoowUp, when it changes something that must happen once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `add_sale_points_by_uid`: the invoice `nrofactura` for the customer `uid`.
    Sale { uid: String, nrofactura: String },
    /// `initialize_user`: a new customer `uid`.
    NewCustomer { uid: String, email: String },
}

/// The answer a lost request would have had, to feed the job in place of sending it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landed {
    pub status: u16,
    pub body: String,
    /// What was found (for the journal's detail).
    pub evidence: String,
}

impl Landed {
    /// `(status, body)` for `job.feed`.
    pub fn answer(&self) -> (u16, &str) {
        (self.status, &self.body)
    }
}

/// The last path segment of a URL (`…/14/add_sale_points_by_uid?x` → `add_sale_points_by_uid`).
fn endpoint(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `urldecode` of a form value (`+` is a space); `None` when the bytes are not UTF-8.
fn form_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// A form or query value decoded (`+` is a space, `%XX` a byte); `None` when not UTF-8.
pub fn form_value(s: &str) -> Option<String> {
    form_decode(s)
}

/// The value of a top-level field of an `application/x-www-form-urlencoded` body.
fn form_field(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(k).as_deref() == Some(name)).then(|| form_decode(v)).flatten()
    })
}

/// The effect of a request, `None` for reads and for writes that are safe to repeat
/// (`save_product` saves the same product again).
pub fn effect_of(request: &Request) -> Option<Effect> {
    if request.method != Method::Post {
        return None;
    }
    let body = request.body.as_deref().unwrap_or("");
    match endpoint(&request.url) {
        "add_sale_points_by_uid" => Some(Effect::Sale { uid: form_field(body, "uid")?, nrofactura: form_field(body, "nrofactura")? }),
        "initialize_user" => Some(Effect::NewCustomer { uid: form_field(body, "uid")?, email: form_field(body, "email").unwrap_or_default() }),
        _ => None,
    }
}

impl Effect {
    /// The endpoint name.
    pub fn name(&self) -> &'static str {
        match self {
            Effect::Sale { .. } => "add_sale_points_by_uid",
            Effect::NewCustomer { .. } => "initialize_user",
        }
    }

    /// The request that tells whether it landed: the customer's `transactions` for a sale
    /// (`userapp_id` when a lookup gave it, else the uid), `user_by_uid` for a new customer.
    pub fn check_request(&self, client: &Client, userapp_id: Option<&str>) -> Result<Request> {
        match self {
            Effect::Sale { uid, .. } => client.transactions(userapp_id.unwrap_or(uid)),
            Effect::NewCustomer { uid, .. } => client.user_by_uid(uid),
        }
    }

    /// Reads the answer to [`Effect::check_request`]: `Some` when the effect is in WoowUp.
    pub fn read_check(&self, status: u16, body: &str) -> Result<Option<Landed>> {
        match self {
            Effect::Sale { nrofactura, .. } => {
                let found = read_transactions(status, body)?.into_iter().find(|t| {
                    t.concept_id.as_deref() == Some("6") && t.description.as_deref() == Some(nrofactura.as_str()) && !t.points.is_negative()
                });
                Ok(found.map(|t| {
                    let mut data = Array::new();
                    data.set("transaction_id", Value::str(t.id.as_str()));
                    let body = answer_body(data);
                    Landed { status: 200, body, evidence: format!("transaction {} of invoice {nrofactura} found in WoowUp", t.id) }
                }))
            }
            Effect::NewCustomer { uid, .. } => match read_user_lookup(status, body)? {
                // The lookup's answer has the shape of initialize_user's (`data.user`).
                Lookup::Found { .. } => Ok(Some(Landed { status, body: body.to_string(), evidence: format!("customer {uid} found in WoowUp") })),
                Lookup::NotFound { .. } => Ok(None),
            },
        }
    }
}

fn answer_body(data: Array) -> String {
    let mut a = Array::new();
    a.set("status", Value::Bool(true));
    a.set("data", Value::Array(data));
    json_encode(&Value::Array(a)).unwrap_or_else(|_| r#"{"status":true}"#.into())
}

/// Whether WoowUp refused a sale because its invoice number is already recorded
/// (`{"status":false,"message":"Invoice number N already exists"}`). For a sale in doubt this
/// means the earlier attempt landed; the returned answer is the success to feed instead.
pub fn is_repeated_invoice(effect: &Effect, status: u16, body: &str) -> Option<Landed> {
    let Effect::Sale { nrofactura, .. } = effect else { return None };
    (status == 200 && Repeat::Invoice(nrofactura).is_refusal(status, body)).then(|| Landed {
        status: 200,
        body: answer_body(Array::new()),
        evidence: format!("WoowUp already had invoice {nrofactura}"),
    })
}

impl Effect {
    /// The intent line written (durably) before the request is sent.
    pub fn intent(&self, row: &RowRef) -> Intent {
        let (nrofactura, email) = match self {
            Effect::Sale { nrofactura, .. } => (Some(nrofactura.clone()), None),
            Effect::NewCustomer { email, .. } => (None, Some(email.clone())),
        };
        let uid = match self {
            Effect::Sale { uid, .. } | Effect::NewCustomer { uid, .. } => Some(uid.clone()),
        };
        Intent { sending: self.name().into(), file: row.file.to_string(), line: row.line, key: row.key.clone(), uid, nrofactura, email }
    }

    /// The effect an interrupted run announced and left without outcome.
    pub fn of_intent(intent: &Intent) -> Option<Effect> {
        match intent.sending.as_str() {
            "add_sale_points_by_uid" => Some(Effect::Sale { uid: intent.uid.clone()?, nrofactura: intent.nrofactura.clone()? }),
            "initialize_user" => Some(Effect::NewCustomer { uid: intent.uid.clone()?, email: intent.email.clone().unwrap_or_default() }),
            _ => None,
        }
    }
}

/// An API v2 row as the run sends it: its [`Job`], and what the run knows of the requests of
/// it that must happen once. A request in doubt is checked before it is sent again (the
/// engine asks for the next request after its wait: the check comes first), and a repeat's
/// refusal (the invoice exists) is read as the earlier attempt's success.
#[derive(Clone, Debug)]
pub struct V2Row {
    pub job: Job,
    client: Client,
    /// What the pending request changes, when it must happen once.
    effect: Option<Effect>,
    /// The pending request is a customer lookup (its answer gives the `userapp_id`).
    lookup: bool,
    /// An effect that may have landed unanswered (from the journal, or after a lost answer).
    doubt: Option<Effect>,
    /// Put in doubt by the interrupted run's journal.
    resumed_doubt: bool,
    /// The request in flight is the check of the pending effect.
    checking: bool,
    /// The pending effect was checked and not found: send it.
    checked: bool,
    userapp_id: Option<String>,
    /// How WoowUp showed that a request sent before had landed.
    pub landed: Option<String>,
    /// Checks sent.
    pub checks: u64,
}

/// Whether a request looks a customer up.
pub fn is_lookup(r: &Request) -> bool {
    r.method == Method::Get && {
        let path = r.url.split('?').next().unwrap_or("");
        path.ends_with("/user_by_uid") || path.ends_with("/user_by_email")
    }
}

impl V2Row {
    /// `doubt`: the intent the interrupted run left for this row, if any.
    pub fn new(job: Job, client: &Client, doubt: Option<&Intent>) -> V2Row {
        let doubt = doubt.and_then(Effect::of_intent);
        V2Row {
            job,
            client: client.clone(),
            effect: None,
            lookup: false,
            resumed_doubt: doubt.is_some(),
            doubt,
            checking: false,
            checked: false,
            userapp_id: None,
            landed: None,
            checks: 0,
        }
    }

    fn in_doubt(&self) -> bool {
        match (&self.doubt, &self.effect) {
            (Some(d), Some(e)) => std::mem::discriminant(d) == std::mem::discriminant(e),
            _ => false,
        }
    }

    /// The request to send now and what it changes, or `None` when the row is done.
    pub fn next(&mut self) -> Option<(Request, engine::Effect)> {
        let JobNext::Send(request) = self.job.next() else {
            self.effect = None;
            return None;
        };
        self.effect = effect_of(&request);
        self.lookup = is_lookup(&request);
        self.checking = false;
        if self.in_doubt() && !self.checked {
            if let Some(check) = self.effect.as_ref().and_then(|e| e.check_request(&self.client, self.userapp_id.as_deref()).ok()) {
                self.checking = true;
                self.checks += 1;
                return Some((check, engine::Effect::Read));
            }
        }
        let effect = match (&self.effect, request.method) {
            (Some(_), _) => engine::Effect::Once,
            (None, Method::Get) => engine::Effect::Read,
            (None, _) => engine::Effect::Idempotent,
        };
        Some((request, effect))
    }

    /// The intent to journal before the pending request is sent (not for a check).
    pub fn intent(&self) -> Option<Intent> {
        (!self.checking).then(|| self.effect.as_ref().map(|e| e.intent(&self.job.row))).flatten()
    }

    /// The answer to the request of [`V2Row::next`].
    pub fn feed(&mut self, status: u16, body: &str) {
        if self.checking {
            self.checking = false;
            let found = self.effect.as_ref().map(|e| e.read_check(status, body));
            match found {
                Some(Ok(Some(landed))) => {
                    self.job.feed(landed.status, &landed.body);
                    self.landed = Some(landed.evidence);
                }
                // Not found, or the answer says nothing readable: send it (a repeat is refused
                // and that refusal settles it).
                _ => self.checked = true,
            }
            return;
        }
        // A lookup's answer, and initialize_user's, name the customer's `userapp_id`, which a
        // later check of the sale asks for.
        if self.lookup {
            if let Ok(Lookup::Found { user }) = read_user_lookup(status, body) {
                self.userapp_id = user.userapp_id.or(user.service_uid);
            }
        } else if matches!(self.effect, Some(Effect::NewCustomer { .. })) {
            if let Ok(user) = read_registered_user(status, body) {
                self.userapp_id = user.userapp_id.or(user.service_uid).or(self.userapp_id.take());
            }
        }
        let repeated = match (&self.doubt, &self.effect) {
            (Some(_), Some(effect)) => is_repeated_invoice(effect, status, body),
            _ => None,
        };
        match repeated {
            Some(landed) => {
                self.job.feed(landed.status, &landed.body);
                self.landed = Some(landed.evidence);
            }
            None => {
                self.job.feed(status, body);
            }
        }
        self.checked = false;
    }

    /// The pending request may have landed unanswered: `true` when it can be settled (checked,
    /// or its repeat read), which is every request that must happen once.
    pub fn may_have_landed(&mut self) -> bool {
        if self.checking || self.effect.is_none() {
            return false;
        }
        self.doubt = self.effect.clone();
        self.checked = false;
        true
    }

    /// The journal entry of the finished row.
    pub fn entry(&self) -> Result<JournalEntry> {
        let mut entry = self.job.journal_entry()?;
        if let Some(evidence) = &self.landed {
            entry.detail = Some(match entry.detail.take() {
                Some(d) => format!("{d} ({evidence}: sent before, not again)"),
                None => format!("{evidence}: sent before, not again"),
            });
        }
        // A customer whose initialize_user was in flight when the run stopped is found now: the
        // interrupted run added them.
        if self.resumed_doubt && entry.outcome == Outcome::Updated && matches!(self.doubt, Some(Effect::NewCustomer { .. })) {
            entry.outcome = Outcome::Created;
            entry.detail = Some("initialize_user: added by the interrupted run (found in WoowUp)".into());
        }
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::woowup::AddSalePointsByUid;
    use crate::woowup::Decimal;

    fn client() -> Client {
        Client::new("14", "key").unwrap()
    }

    fn sale(nro: &str) -> Request {
        let s = AddSalePointsByUid {
            uid: "ana+1@example.com".into(),
            points: Decimal::parse("80", "points").unwrap(),
            nrofactura: nro.into(),
            factura: vec![],
            branch: None,
            datetime: None,
        };
        client().add_sale_points_by_uid(&s).unwrap()
    }

    #[test]
    fn effects_of_requests() {
        assert_eq!(
            effect_of(&sale("A 1/ñ&x=1")),
            Some(Effect::Sale { uid: "ana+1@example.com".into(), nrofactura: "A 1/ñ&x=1".into() })
        );
        assert_eq!(effect_of(&client().user_by_uid("x").unwrap()), None);
        let init = crate::woowup::InitializeUser { uid: "7".into(), email: "a@b.co".into(), first_name: "A".into(), last_name: "B".into() };
        assert_eq!(effect_of(&client().initialize_user(&init).unwrap()), Some(Effect::NewCustomer { uid: "7".into(), email: "a@b.co".into() }));
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a%2Bb+c%").as_deref(), Some("a+b c%"));
        assert_eq!(form_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(form_decode("%C3%B1").as_deref(), Some("ñ"));
        assert_eq!(form_decode("%FF"), None);
        assert_eq!(form_field("x=1&uid=a%40b&nrofactura=", "nrofactura").as_deref(), Some(""));
    }

    #[test]
    fn a_sale_found_in_transactions() {
        let e = Effect::Sale { uid: "u".into(), nrofactura: "A-1".into() };
        let r = e.check_request(&client(), Some("17")).unwrap();
        assert!(r.url.ends_with("/14/transactions?userapp_id=17"), "{}", r.url);
        let body = r#"[{"id":"5","points":"80","action_id":null,"concept_id":"6","description":"A-1","created":"x"},
                      {"id":"6","points":"-80","action_id":null,"concept_id":"6","description":"cancel A-1","created":"x"}]"#;
        let landed = e.read_check(200, body).unwrap().unwrap();
        assert_eq!(landed.answer(), (200, r#"{"status":true,"data":{"transaction_id":"5"}}"#));
        assert_eq!(e.read_check(200, r#"[{"id":"5","points":"80","concept_id":"3","description":"A-1"}]"#).unwrap(), None);
        assert!(e.read_check(401, r#"{"status":false,"message":"Invalid credentials"}"#).is_err());
        assert!(crate::woowup::read_transaction_id(200, &landed.body).unwrap().as_deref() == Some("5"));
    }

    #[test]
    fn a_customer_found() {
        let e = Effect::NewCustomer { uid: "7".into(), email: "a@b.co".into() };
        let found = r#"{"status":true,"data":{"user":{"userapp_id":"3","service_uid":"7"}}}"#;
        let landed = e.read_check(200, found).unwrap().unwrap();
        assert!(crate::woowup::read_registered_user(landed.status, &landed.body).is_ok());
        assert_eq!(e.read_check(200, r#"{"status":false,"message":"User not found"}"#).unwrap(), None);
    }

    #[test]
    fn repeated_invoice() {
        let e = Effect::Sale { uid: "u".into(), nrofactura: "A-1".into() };
        assert!(is_repeated_invoice(&e, 200, r#"{"status":false,"message":"Invoice number A-1 already exists"}"#).is_some());
        assert!(is_repeated_invoice(&e, 200, r#"{"status":false,"message":"Invoice number A-12 already exist"}"#).is_none());
        assert!(is_repeated_invoice(&e, 200, r#"{"status":false,"message":"User not found"}"#).is_none());
        assert!(is_repeated_invoice(&e, 400, r#"{"status":false,"message":"Invoice number A-1 already exists"}"#).is_none());
    }

    #[test]
    fn intents_read_back_as_their_effect() {
        let row = RowRef::of_invalid(crate::woowup::connectors::Tally::new(crate::woowup::connectors::Entity::Purchases, None), &crate::woowup::connectors::RowError {
            entity: crate::woowup::connectors::Entity::Purchases,
            file: "p.csv".into(),
            line: 5,
            key: Some("A-2".into()),
            reason: String::new(),
        });
        for e in [Effect::Sale { uid: "u".into(), nrofactura: "A-2".into() }, Effect::NewCustomer { uid: "7".into(), email: "a@b.co".into() }] {
            let intent = e.intent(&row);
            assert_eq!((intent.file.as_str(), intent.line, intent.key.as_str()), ("p.csv", 5, "A-2"));
            assert_eq!(Effect::of_intent(&intent), Some(e));
        }
    }
}
