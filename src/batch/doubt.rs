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

use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{json_decode, json_encode, Array, Mode, Value};
use crate::woowup::{read_transactions, read_user_lookup, Client, Lookup, Repeat};
use std::collections::HashMap;

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

fn identity(file: &str, line: u64, key: &str) -> String {
    format!("{file}\u{0}{line}\u{0}{key}")
}

/// The intent line written before sending a request with an effect: one JSON object,
/// `{"sending": endpoint, "file", "line", "key", "uid", "nrofactura"|"email"}`.
pub fn intent_line(file: &str, line: u64, key: &str, effect: &Effect) -> Result<String> {
    let mut a = Array::new();
    a.set("sending", Value::str(effect.name()));
    a.set("file", Value::str(file));
    a.set("line", Value::Int(i64::try_from(line).unwrap_or(i64::MAX)));
    a.set("key", Value::str(key));
    match effect {
        Effect::Sale { uid, nrofactura } => {
            a.set("uid", Value::str(uid.as_str()));
            a.set("nrofactura", Value::str(nrofactura.as_str()));
        }
        Effect::NewCustomer { uid, email } => {
            a.set("uid", Value::str(uid.as_str()));
            a.set("email", Value::str(email.as_str()));
        }
    }
    json_encode(&Value::Array(a))
}

/// Whether a journal line is an intent line (cheap: its first key).
pub fn is_intent_line(line: &str) -> bool {
    line.trim_start().starts_with("{\"sending\":")
}

/// The rows of a journal whose last line is an intent: their request may have landed.
#[derive(Clone, Debug, Default)]
pub struct Doubts {
    rows: HashMap<String, Effect>,
}

impl Doubts {
    /// Reads a journal's lines in order: an intent puts its row in doubt, any later line of the
    /// same row (`file`, `line`, `key`) takes it out. Unreadable lines are skipped here (the
    /// journal reader reports them).
    pub fn from_journal(journal: &str) -> Doubts {
        let mut rows = HashMap::new();
        for line in journal.lines().filter(|l| !l.trim().is_empty()) {
            let Ok(v) = json_decode(line, Mode::Assoc) else { continue };
            let Some(a) = v.as_array() else { continue };
            let text = |k: &str| a.get_str(k).and_then(Value::as_str).map(str::to_string);
            let (Some(file), Some(Value::Int(n))) = (text("file"), a.get_str("line")) else { continue };
            let id = identity(&file, u64::try_from(*n).unwrap_or(0), &text("key").unwrap_or_default());
            let effect = match text("sending").as_deref() {
                Some("add_sale_points_by_uid") => {
                    text("uid").zip(text("nrofactura")).map(|(uid, nrofactura)| Effect::Sale { uid, nrofactura })
                }
                Some("initialize_user") => text("uid").map(|uid| Effect::NewCustomer { uid, email: text("email").unwrap_or_default() }),
                _ => None,
            };
            match effect {
                Some(e) => {
                    rows.insert(id, e);
                }
                None => {
                    rows.remove(&id);
                }
            }
        }
        Doubts { rows }
    }

    /// The effect in doubt for this row, if any.
    pub fn get(&self, file: &str, line: u64, key: &str) -> Option<&Effect> {
        self.rows.get(&identity(file, line, key))
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A journal line that is not a row's outcome (the header, an intent, the end) must not reach
/// [`super::Resume::from_journal`]: the outcome lines of a journal text.
pub fn outcome_lines(journal: &str) -> String {
    let mut out = String::with_capacity(journal.len());
    for line in journal.lines() {
        let t = line.trim_start();
        if t.is_empty() || is_intent_line(t) || !t.starts_with("{\"file\":") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Refuses an intent for a request without effect (a programming error in the caller).
pub fn require(effect: Option<&Effect>) -> Result<&Effect> {
    effect.ok_or_else(|| LoyaltyError::invalid("job", "the pending request changes nothing in WoowUp"))
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
    fn doubts_of_a_journal() {
        let e = Effect::Sale { uid: "u".into(), nrofactura: "A-1".into() };
        let f = Effect::Sale { uid: "u".into(), nrofactura: "A-2".into() };
        let journal = format!(
            "{{\"journal\":1}}\n{}\n{}\n{{\"file\":\"p.csv\",\"line\":2,\"key\":\"A-1\",\"outcome\":\"created\"}}\n{{\"file\":\"p.csv\",\"li",
            intent_line("p.csv", 2, "A-1", &e).unwrap(),
            intent_line("p.csv", 5, "A-2", &f).unwrap(),
        );
        let d = Doubts::from_journal(&journal);
        assert_eq!(d.len(), 1);
        assert_eq!(d.get("p.csv", 5, "A-2"), Some(&f));
        assert_eq!(d.get("p.csv", 2, "A-1"), None);
        let outcomes = outcome_lines(&journal);
        assert_eq!(outcomes.lines().count(), 2, "{outcomes}");
        assert!(outcomes.starts_with("{\"file\":\"p.csv\",\"line\":2"));
    }
}
