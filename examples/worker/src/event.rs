//! The inbound events: one shop-neutral JSON schema per endpoint (documented in README.md),
//! parsed strictly so that whatever is accepted can be delivered to every destination.
//!
//! Amounts are decimal strings (`"1499.90"`), never JSON numbers, so no float ever rounds a price.
//! Each event has a deterministic id derived from what it is (the order and its status, the
//! refund, the cancellation), so posting the same event twice names the same event.
//!
//! An id has one spelling: order, refund and customer ids (and the customer's email) are put in
//! Unicode NFC as they are parsed, so `CAFÉ-1` posted precomposed or decomposed is one order, with
//! one ledger, one event id and one spelling at both programs; an id with leading or trailing
//! whitespace is refused (400) rather than trimmed, as it is most likely a shop's export bug.

use crate::problem::Problem;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The three endpoints, one kind of event each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Order,
    Refund,
    Cancellation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Order => "order",
            Kind::Refund => "refund",
            Kind::Cancellation => "cancellation",
        }
    }
}

/// An order reaching a status the loyalty programs may reward.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderEvent {
    pub order_id: String,
    pub status: OrderStatus,
    /// When the order was placed: RFC 3339 with an offset (`2026-11-20T14:03:00-03:00`).
    pub created_at: String,
    pub customer: Customer,
    pub amounts: Amounts,
    #[serde(default)]
    pub items: Vec<Item>,
    #[serde(default)]
    pub discount_codes: Vec<String>,
    /// The store or branch the sale belongs to (WoowUp requires it to exist there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// ISO 4217, informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// The order statuses, named as Lootly's webhooks are (`orders-{status}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Processing,
    Paid,
    Fulfilled,
    Completed,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Processing => "processing",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Completed => "completed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [OrderStatus::Processing, OrderStatus::Paid, OrderStatus::Fulfilled, OrderStatus::Completed]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The shop's customer id (Lootly's widget signs this id).
    pub id: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// National id number, when the shop has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The order's money, each a decimal string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amounts {
    /// Items before discounts, shipping and (unless `taxes_included`) taxes.
    pub subtotal: String,
    pub discount: String,
    pub tax: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<String>,
    /// What the customer paid.
    pub total: String,
    /// Whether `subtotal` already includes `tax`.
    pub taxes_included: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// The price of one unit.
    pub unit_price: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variations: Vec<Variation>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variation {
    pub name: String,
    pub value: String,
}

/// Money given back for (part of) an order. Each refund has its own id: two partial refunds of
/// the same order are two events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundEvent {
    pub refund_id: String,
    pub order_id: String,
    /// The amount of this refund only.
    pub amount: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An order cancelled: its points are taken back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancellationEvent {
    pub order_id: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Any accepted event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "event", rename_all = "snake_case")]
pub enum Event {
    Order(Box<OrderEvent>),
    Refund(RefundEvent),
    Cancellation(CancellationEvent),
}

impl Event {
    /// Parses and checks the body posted to the endpoint of `kind`.
    pub fn parse(kind: Kind, body: &[u8]) -> Result<Event, Problem> {
        let event = match kind {
            Kind::Order => Event::Order(Box::new(from_json(body)?)),
            Kind::Refund => Event::Refund(from_json(body)?),
            Kind::Cancellation => Event::Cancellation(from_json(body)?),
        };
        let event = event.canonical();
        event.check()?;
        Ok(event)
    }

    /// The event with its keys in their one spelling (NFC).
    fn canonical(mut self) -> Event {
        match &mut self {
            Event::Order(o) => {
                nfc(&mut o.order_id);
                nfc(&mut o.customer.id);
                nfc(&mut o.customer.email);
            }
            Event::Refund(r) => {
                nfc(&mut r.order_id);
                nfc(&mut r.refund_id);
            }
            Event::Cancellation(c) => nfc(&mut c.order_id),
        }
        self
    }

    pub fn kind(&self) -> Kind {
        match self {
            Event::Order(_) => Kind::Order,
            Event::Refund(_) => Kind::Refund,
            Event::Cancellation(_) => Kind::Cancellation,
        }
    }

    pub fn order_id(&self) -> &str {
        match self {
            Event::Order(o) => &o.order_id,
            Event::Refund(r) => &r.order_id,
            Event::Cancellation(c) => &c.order_id,
        }
    }

    /// `evt_`, 24 hex digits naming the order's ledger ([`ledger_key`]), then 16 naming the
    /// event within the order: its status, its refund id, or "cancellation".
    pub fn id(&self) -> String {
        let identity = match self {
            Event::Order(o) => format!("order\n{}", o.status.as_str()),
            Event::Refund(r) => format!("refund\n{}", r.refund_id),
            Event::Cancellation(_) => "cancellation".to_string(),
        };
        let within = Sha256::new().chain_update(self.order_id()).chain_update("\n").chain_update(identity).finalize();
        format!("evt_{}{}", ledger_key(self.order_id()), hex(&within[..8]))
    }

    /// SHA-256 of the event's normalised JSON: tells a repeated post from a different event
    /// reusing an id.
    pub fn content_hash(&self) -> String {
        hex(&Sha256::digest(self.to_json().as_bytes()))
    }

    /// The normalised JSON (fields in schema order, absent options left out).
    pub fn to_json(&self) -> String {
        // no-panic: strings, integers and booleans always serialise.
        serde_json::to_string(self).expect("an Event serialises")
    }

    fn check(&self) -> Result<(), Problem> {
        match self {
            Event::Order(o) => check_order(o),
            Event::Refund(r) => {
                key_id("refund_id", &r.refund_id)?;
                key_id("order_id", &r.order_id)?;
                positive_amount("amount", &r.amount)?;
                timestamp("created_at", &r.created_at)?;
                optional_text("reason", r.reason.as_deref(), 1000)
            }
            Event::Cancellation(c) => {
                key_id("order_id", &c.order_id)?;
                timestamp("created_at", &c.created_at)?;
                optional_text("reason", c.reason.as_deref(), 1000)
            }
        }
    }
}

/// The name of the ledger (Durable Object) of an order: 24 hex digits of SHA-256.
pub fn ledger_key(order_id: &str) -> String {
    hex(&Sha256::new().chain_update("ledger\n").chain_update(order_id).finalize()[..12])
}

/// The ledger named in an event id, if `id` is one this Worker made.
pub fn ledger_key_of(id: &str) -> Option<&str> {
    let hexits = id.strip_prefix("evt_")?;
    (hexits.len() == 40 && hexits.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then(|| &hexits[..24])
}

/// Puts `text` in Unicode Normalization Form C.
fn nfc(text: &mut String) {
    if !is_nfc(text) {
        *text = text.nfc().collect();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Deserialises with the path of the offending field in the error.
fn from_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        json_problem(if path == "." { String::new() } else { path }, e.inner())
    })?;
    de.end().map_err(|e| json_problem(String::new(), &e))?;
    Ok(value)
}

fn json_problem(path: String, e: &serde_json::Error) -> Problem {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    if !e.is_data() {
        return Problem::new("invalid_json", "", format!("the body is not JSON: {message}"));
    }
    let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    let quoted = |prefix: &str| {
        message.strip_prefix(prefix).and_then(|rest| rest.split('`').next()).map(str::to_string)
    };
    if let Some(name) = quoted("missing field `") {
        return Problem::new("missing_field", join(&name), format!("{} is required", join(&name)));
    }
    if quoted("unknown field `").is_some() {
        // The path already ends with the unknown field's name.
        return Problem::new("unknown_field", path.clone(), format!("{path} is not a field of this event"));
    }
    let field = if path.is_empty() { String::new() } else { path };
    Problem::invalid(field, message)
}

/// Lootly's string columns hold 191 characters.
const MAX_ID_CHARS: usize = 191;

fn text_id(field: &str, value: &str) -> Result<(), Problem> {
    if value.trim().is_empty() {
        return Err(Problem::new("missing_field", field, format!("{field} must not be empty")));
    }
    text(field, value, MAX_ID_CHARS)
}

/// An id that is a key (of the ledger, the event id, the programs' records): [`text_id`], and no
/// whitespace around it.
fn key_id(field: &str, value: &str) -> Result<(), Problem> {
    text_id(field, value)?;
    if value.trim() != value {
        return Err(Problem::invalid(field, format!("{field} must not begin or end with whitespace")));
    }
    Ok(())
}

fn text(field: &str, value: &str, max_chars: usize) -> Result<(), Problem> {
    if value.chars().count() > max_chars {
        return Err(Problem::invalid(field, format!("at most {max_chars} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(Problem::invalid(field, "control characters are not allowed"));
    }
    Ok(())
}

fn optional_text(field: &str, value: Option<&str>, max_chars: usize) -> Result<(), Problem> {
    value.map_or(Ok(()), |v| text(field, v, max_chars))
}

/// A non-negative decimal string: up to 15 integer digits and 6 decimals (`"0"`, `"1499.90"`).
fn amount(field: &str, value: &str) -> Result<(), Problem> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str, max: usize| s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    let ok = !int.is_empty()
        && digits(int, 15)
        && digits(frac, 6)
        && (frac.is_empty() != value.contains('.'));
    if ok {
        Ok(())
    } else {
        Err(Problem::invalid(field, format!("{value:?} is not a decimal amount like \"1499.90\"")))
    }
}

fn positive_amount(field: &str, value: &str) -> Result<(), Problem> {
    amount(field, value)?;
    if value.bytes().all(|b| b == b'0' || b == b'.') {
        return Err(Problem::invalid(field, "must be more than zero"));
    }
    Ok(())
}

fn timestamp(field: &str, value: &str) -> Result<(), Problem> {
    Timestamp::parse_rfc3339(value)
        .map(|_| ())
        .ok_or_else(|| Problem::invalid(field, format!("{value:?} is not an RFC 3339 time like \"2026-11-20T14:03:00-03:00\"")))
}

/// One `@`, a non-empty local part, a dotted domain, no spaces.
fn email(field: &str, value: &str) -> Result<(), Problem> {
    let valid = value.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !local.contains(['@', ' ', '"', '(', ')', ',', ':', ';', '<', '>', '[', ']', '\\'])
            && domain.split('.').count() >= 2
            && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
    });
    if !valid {
        return Err(Problem::invalid(field, format!("{value:?} is not an email address")));
    }
    text(field, value, MAX_ID_CHARS)
}

fn check_order(o: &OrderEvent) -> Result<(), Problem> {
    key_id("order_id", &o.order_id)?;
    timestamp("created_at", &o.created_at)?;
    let c = &o.customer;
    key_id("customer.id", &c.id)?;
    email("customer.email", &c.email)?;
    optional_text("customer.first_name", c.first_name.as_deref(), MAX_ID_CHARS)?;
    optional_text("customer.last_name", c.last_name.as_deref(), MAX_ID_CHARS)?;
    optional_text("customer.document", c.document.as_deref(), 64)?;
    optional_text("customer.phone", c.phone.as_deref(), 64)?;
    if let Some(b) = &c.birthday {
        if Timestamp::parse_date(b).is_none() {
            return Err(Problem::invalid("customer.birthday", format!("{b:?} is not a date like \"1990-05-17\"")));
        }
    }
    if let Some(a) = &c.address {
        optional_text("customer.address.zip", a.zip.as_deref(), 32)?;
        if let Some(country) = &a.country {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(Problem::invalid("customer.address.country", "an ISO 3166-1 alpha-2 code like \"AR\""));
            }
        }
    }
    let a = &o.amounts;
    amount("amounts.subtotal", &a.subtotal)?;
    amount("amounts.discount", &a.discount)?;
    amount("amounts.tax", &a.tax)?;
    amount("amounts.total", &a.total)?;
    if let Some(s) = &a.shipping {
        amount("amounts.shipping", s)?;
    }
    for (i, item) in o.items.iter().enumerate() {
        let f = |name: &str| format!("items[{i}].{name}");
        text_id(&f("sku"), &item.sku)?;
        text_id(&f("name"), &item.name)?;
        if item.quantity == 0 {
            return Err(Problem::invalid(f("quantity"), "must be at least 1"));
        }
        amount(&f("unit_price"), &item.unit_price)?;
        optional_text(&f("category"), item.category.as_deref(), MAX_ID_CHARS)?;
        for (j, v) in item.variations.iter().enumerate() {
            text_id(&f(&format!("variations[{j}].name")), &v.name)?;
            text(&f(&format!("variations[{j}].value")), &v.value, MAX_ID_CHARS)?;
        }
    }
    for (i, code) in o.discount_codes.iter().enumerate() {
        text_id(&format!("discount_codes[{i}]"), code)?;
    }
    optional_text("branch", o.branch.as_deref(), MAX_ID_CHARS)?;
    if let Some(cur) = &o.currency {
        if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Problem::invalid("currency", "an ISO 4217 code like \"ARS\""));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const ORDER: &str = r#"{
        "order_id": "A-1001/2026", "status": "completed", "created_at": "2026-11-20T14:03:00-03:00",
        "customer": {"id": "C-17", "email": "josé.pérez@example.com.ar", "first_name": "José",
                     "last_name": "Pérez", "birthday": "1990-05-17", "address": {"zip": "C1425", "country": "AR"}},
        "amounts": {"subtotal": "2000.00", "discount": "200.00", "tax": "0.00", "shipping": "150.00",
                    "total": "1950.00", "taxes_included": true},
        "items": [{"sku": "MATE-01", "name": "Mate de calabaza", "quantity": 2, "unit_price": "1000.00",
                   "variations": [{"name": "Color", "value": "Marrón"}]}],
        "discount_codes": ["VERANO10"], "branch": "Palermo", "currency": "ARS"
    }"#;

    fn problem(kind: Kind, body: &str) -> (String, &'static str) {
        let p = Event::parse(kind, body.as_bytes()).unwrap_err();
        (p.field, p.code)
    }

    fn with(path: &[&str], value: serde_json::Value) -> String {
        let mut v: serde_json::Value = serde_json::from_str(ORDER).unwrap();
        let mut target = &mut v;
        for p in &path[..path.len() - 1] {
            target = match p.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*p],
            };
        }
        let last = path[path.len() - 1];
        if value.is_null() {
            target.as_object_mut().unwrap().remove(last);
        } else {
            target[last] = value;
        }
        v.to_string()
    }

    #[test]
    fn the_sample_events_follow_the_schema() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/events");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(files.len() >= 6);
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let kind = [Kind::Order, Kind::Refund, Kind::Cancellation]
                .into_iter()
                .find(|k| name.contains(&format!("-{}-", k.as_str())))
                .unwrap_or_else(|| panic!("{name}: NN-order|refund|cancellation-….json"));
            let body = std::fs::read(&path).unwrap();
            let event = Event::parse(kind, &body).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(event.kind(), kind);
        }
    }

    #[test]
    fn a_complete_order_parses() {
        let Event::Order(o) = Event::parse(Kind::Order, ORDER.as_bytes()).unwrap() else { panic!() };
        assert_eq!(o.customer.first_name.as_deref(), Some("José"));
        assert_eq!(o.items[0].variations[0].value, "Marrón");
        assert_eq!(o.status, OrderStatus::Completed);
    }

    #[test]
    fn normalised_json_round_trips() {
        let e = Event::parse(Kind::Order, ORDER.as_bytes()).unwrap();
        let again: Event = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(again, e);
        assert_eq!(again.content_hash(), e.content_hash());
    }

    #[test]
    fn an_id_has_one_spelling() {
        let nfc = Event::parse(Kind::Order, with(&["order_id"], "CAF\u{c9}-1".into()).as_bytes()).unwrap();
        let nfd = Event::parse(Kind::Order, with(&["order_id"], "CAFE\u{301}-1".into()).as_bytes()).unwrap();
        assert_eq!(nfd.order_id(), "CAF\u{c9}-1");
        assert_eq!((nfd.id(), nfd.content_hash()), (nfc.id(), nfc.content_hash()));
        assert_eq!(ledger_key(nfd.order_id()), ledger_key("CAF\u{c9}-1"));
        let refund = |order: &str, refund: &str| {
            let body = serde_json::json!({"refund_id": refund, "order_id": order, "amount": "1.00", "created_at": "2026-11-21T10:00:00Z"});
            Event::parse(Kind::Refund, body.to_string().as_bytes())
        };
        assert_eq!(refund("CAFE\u{301}-1", "R\u{303}").unwrap().id(), refund("CAF\u{c9}-1", "R\u{303}").unwrap().id());
        let Event::Order(o) = Event::parse(Kind::Order, with(&["customer", "email"], "jose\u{301}@example.com".into()).as_bytes()).unwrap() else { panic!() };
        assert_eq!(o.customer.email, "jos\u{e9}@example.com");
        // Whitespace around a key is refused, not trimmed; inside it is part of the id.
        for (path, value) in [(&["order_id"][..], "CAFÉ-1 "), (&["order_id"][..], "\tCAFÉ-1"), (&["customer", "id"][..], "C-17\u{a0}")] {
            let (field, code) = problem(Kind::Order, &with(path, value.into()));
            assert_eq!((field.as_str(), code), (path.join(".").as_str(), "invalid_field"), "{value:?}");
        }
        assert!(Event::parse(Kind::Order, with(&["order_id"], "CAFÉ 1".into()).as_bytes()).is_ok());
        assert_eq!(refund("A-1", "R-1 ").unwrap_err().field, "refund_id");
        assert_eq!(refund(" A-1", "R-1").unwrap_err().field, "order_id");
        let c = Event::parse(Kind::Cancellation, br#"{"order_id":"A-1\n","created_at":"2026-11-21T10:00:00Z"}"#).unwrap_err();
        assert_eq!((c.field.as_str(), c.code), ("order_id", "invalid_field"));
    }

    #[test]
    fn ids_name_what_the_event_is() {
        let order = Event::parse(Kind::Order, ORDER.as_bytes()).unwrap();
        let id = order.id();
        assert!(id.starts_with("evt_") && id.len() == 44 && id[4..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(ledger_key_of(&id), Some(ledger_key("A-1001/2026").as_str()));
        assert_eq!(ledger_key_of("evt_xyz"), None);
        assert_eq!(ledger_key_of(&id.to_uppercase().replace("EVT_", "evt_")), None);
        // Another total, same order and status: same id, different content.
        let changed = Event::parse(Kind::Order, with(&["amounts", "total"], "1.00".into()).as_bytes()).unwrap();
        assert_eq!(changed.id(), id);
        assert_ne!(changed.content_hash(), order.content_hash());
        // Another status: another event.
        let paid = Event::parse(Kind::Order, with(&["status"], "paid".into()).as_bytes()).unwrap();
        assert_ne!(paid.id(), id);
        let r = |refund: &str| {
            let body = format!(r#"{{"refund_id":"{refund}","order_id":"A-1001/2026","amount":"10.00","created_at":"2026-11-21T10:00:00Z"}}"#);
            Event::parse(Kind::Refund, body.as_bytes()).unwrap().id()
        };
        assert_eq!(r("R1"), r("R1"));
        assert_ne!(r("R1"), r("R2"));
        let c = Event::parse(Kind::Cancellation, br#"{"order_id":"A-1001/2026","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        assert_ne!(c.id(), id);
        // Every event of an order shares its ledger.
        assert_eq!(ledger_key_of(&c.id()), ledger_key_of(&id));
        assert_eq!(ledger_key_of(&r("R1")), ledger_key_of(&id));
    }

    #[test]
    fn syntax_errors_are_invalid_json() {
        assert_eq!(problem(Kind::Order, "{"), ("".into(), "invalid_json"));
        assert_eq!(problem(Kind::Order, ""), ("".into(), "invalid_json"));
        assert_eq!(problem(Kind::Order, &format!("{ORDER} x")), ("".into(), "invalid_json"));
        assert_eq!(problem(Kind::Order, "[]"), ("".into(), "invalid_field"));
    }

    #[test]
    fn missing_and_unknown_fields_are_named_by_path() {
        assert_eq!(problem(Kind::Order, &with(&["order_id"], serde_json::Value::Null)), ("order_id".into(), "missing_field"));
        assert_eq!(problem(Kind::Order, &with(&["customer", "email"], serde_json::Value::Null)), ("customer.email".into(), "missing_field"));
        assert_eq!(problem(Kind::Order, &with(&["amounts", "extra"], "1".into())), ("amounts.extra".into(), "unknown_field"));
        assert_eq!(problem(Kind::Order, &with(&["items", "0", "quantity"], "2".into())), ("items[0].quantity".into(), "invalid_field"));
        assert_eq!(problem(Kind::Order, &with(&["status"], "shipped".into())), ("status".into(), "invalid_field"));
        assert_eq!(problem(Kind::Refund, r#"{"order_id":"1","amount":"1","created_at":"2026-01-01T00:00:00Z"}"#), ("refund_id".into(), "missing_field"));
    }

    #[test]
    fn values_are_checked() {
        let cases: &[(&[&str], serde_json::Value, &str)] = &[
            (&["order_id"], " ".into(), "order_id"),
            (&["order_id"], "x".repeat(192).into(), "order_id"),
            (&["created_at"], "2026-11-20 14:03".into(), "created_at"),
            (&["customer", "email"], "nobody".into(), "customer.email"),
            (&["customer", "birthday"], "1990-02-30".into(), "customer.birthday"),
            (&["customer", "address", "country"], "Argentina".into(), "customer.address.country"),
            (&["amounts", "total"], 1950.into(), "amounts.total"),
            (&["amounts", "total"], "1,950.00".into(), "amounts.total"),
            (&["amounts", "tax"], "-1.00".into(), "amounts.tax"),
            (&["amounts", "discount"], "1.".into(), "amounts.discount"),
            (&["amounts", "subtotal"], ".5".into(), "amounts.subtotal"),
            (&["items", "0", "quantity"], 0.into(), "items[0].quantity"),
            (&["items", "0", "unit_price"], "NaN".into(), "items[0].unit_price"),
            (&["items", "0", "sku"], "".into(), "items[0].sku"),
            (&["discount_codes"], serde_json::json!(["A", ""]), "discount_codes[1]"),
            (&["currency"], "pesos".into(), "currency"),
            (&["branch"], "a\u{0}b".into(), "branch"),
        ];
        for (path, value, field) in cases {
            let body = with(path, value.clone());
            assert_eq!(Event::parse(Kind::Order, body.as_bytes()).unwrap_err().field, *field, "{path:?} = {value}");
        }
        let refund = |amount: &str| format!(r#"{{"refund_id":"R","order_id":"1","amount":"{amount}","created_at":"2026-01-01T00:00:00Z"}}"#);
        assert_eq!(problem(Kind::Refund, &refund("0.00")), ("amount".into(), "invalid_field"));
        assert!(Event::parse(Kind::Refund, refund("0.01").as_bytes()).is_ok());
    }
}
