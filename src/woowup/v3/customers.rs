//! Customers: the multi-ID family (`/multiusers`: exist, find, points, transactions, members,
//! abandoned cart), create (`POST /users`) and update (`PUT /multiusers`), the customer list and
//! tag removal.
//!
//! Identities travel in the query (GET) or the JSON body, never in the path. Only the identities
//! given are sent (as WoowUp's VTEX connector does); the PHP clients also send the missing ones
//! as `""`, which tells the server nothing more.

use super::check::{self, given, path, IDENTITIES};
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{Array, Object, Value};
use crate::woowup::fields::opt_text_or_integer;
use crate::woowup::validate;
use serde::Deserialize;

/// Which customer a call is about: any of the four identities (at least one). The docs favour
/// the hard ones (`document`, `service_uid`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The shop's id of the customer.
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub service_uid: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The national id (DNI, CPF, RUT…).
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub document: Option<String>,
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub telephone: Option<String>,
}

impl Identity {
    pub fn email(email: &str) -> Identity {
        Identity { email: Some(email.to_string()), ..Identity::default() }
    }

    pub fn service_uid(uid: &str) -> Identity {
        Identity { service_uid: Some(uid.to_string()), ..Identity::default() }
    }

    /// The identities of a customer or purchase body (`service_uid`, `email`, `document`,
    /// `telephone` members given as text or integers).
    pub fn of(body: &Value) -> Identity {
        let Value::Object(o) = body else { return Identity::default() };
        let get = |name: &str| match given(o, name) {
            Some(Value::Str(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Int(i)) => Some(i.to_string()),
            _ => None,
        };
        Identity { service_uid: get("service_uid"), email: get("email"), document: get("document"), telephone: get("telephone") }
    }

    fn values(&self) -> [(&'static str, Option<&str>); 4] {
        let [a, b, c, d] = IDENTITIES;
        [(a, self.service_uid.as_deref()), (b, self.email.as_deref()), (c, self.document.as_deref()), (d, self.telephone.as_deref())]
    }

    /// The given identities as `(name, value)` pairs, checked: at least one, non-blank, the email
    /// by the library's email rule.
    pub(crate) fn pairs(&self) -> Result<Vec<(&'static str, Value)>> {
        let mut pairs = Vec::with_capacity(4);
        for (name, value) in self.values() {
            let Some(value) = value.filter(|v| !v.is_empty()) else { continue };
            if name == "email" {
                validate::email(name, value)?;
            } else {
                validate::required(name, value)?;
            }
            pairs.push((name, Value::str(value)));
        }
        if pairs.is_empty() {
            return Err(LoyaltyError::missing("service_uid|email|document|telephone"));
        }
        Ok(pairs)
    }

    fn query(&self) -> Result<Array> {
        Ok(Array::from_pairs(self.pairs()?))
    }
}

/// `POST /multiusers/points`: points (may be negative) for something other than a purchase.
/// Points are **not deduplicated** by WoowUp: never resend one without checking the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Points {
    /// What the points are for (`gift`, `survey_response`, `register`, `referrer`…; the current
    /// set is unconfirmed).
    pub concept: String,
    pub points: i64,
    #[serde(default)]
    pub description: Option<String>,
}

/// The filters of `GET /multiusers/transactions` (all optional; dates `yyyy-mm-dd hh:mm:ss`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransactionFilter {
    #[serde(default)]
    pub concept: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

const MARITAL_STATUSES: [&str; 5] = ["single", "commited", "married", "divorced", "widowed"];
const CHANNEL_STATES: [&str; 2] = ["enabled", "disabled"];
/// `unsuscribe` is how WoowUp's own PHP client spells it; both are accepted.
const DISABLED_REASONS: [&str; 6] = ["bounce", "unsubscribe", "unsuscribe", "spamreport", "dropped", "other"];
const RELATIONSHIPS: [&str; 12] =
    ["son", "parent", "grandparent", "sibling", "friend", "espose", "grandson", "nephew", "pet_dog", "pet_cat", "pet", "other"];
const MAX_NAME: usize = 255;

/// The customer fields of the reference (§4.2), checked: at least one identity, the email rule,
/// `birthdate` a real `yyyy-mm-dd`, `gender` F/M, `country` ISO 3166-1 alpha-3, the enums,
/// integer `points`, text `tags`, object `custom_attributes`. Other members pass as they are.
pub fn check_customer(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    check::identity(o, "")?;
    customer_fields(o, "")
}

fn customer_fields(o: &Object, at: &str) -> Result<()> {
    for name in ["first_name", "last_name", "street", "postcode", "city", "department", "state", "document_type", "whatsapp_phone"] {
        check::optional_text(o, at, name, MAX_NAME)?;
    }
    if let Some(v) = given(o, "birthdate") {
        let field = path(at, "birthdate");
        v.as_str().ok_or_else(|| LoyaltyError::invalid(&field, "must be a date yyyy-mm-dd")).and_then(|s| check::date(&field, s))?;
    }
    check::one_of(o, at, "gender", &["F", "M"])?;
    if let Some(v) = given(o, "country") {
        let ok = v.as_str().is_some_and(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()));
        if !ok {
            return Err(LoyaltyError::invalid(path(at, "country"), "must be an ISO 3166-1 alpha-3 code (ARG, BRA…)"));
        }
    }
    check::one_of(o, at, "marital_status", &MARITAL_STATUSES)?;
    for channel in ["mailing", "sms", "whatsapp"] {
        check::one_of(o, at, &format!("{channel}_enabled"), &CHANNEL_STATES)?;
        check::one_of(o, at, &format!("{channel}_disabled_reason"), &DISABLED_REASONS)?;
    }
    check::optional_text(o, at, "tags", validate::MAX_TEXT)?;
    check::optional_integer(o, at, "points")?;
    check::optional_object(o, at, "custom_attributes")?;
    check::optional_text(o, at, "club_inscription_date", 32)?;
    if let Some(v) = given(o, "new_email") {
        let field = path(at, "new_email");
        validate::email(&field, v.as_str().ok_or_else(|| LoyaltyError::invalid(&field, "must be text"))?)?;
    }
    Ok(())
}

/// A family member (`/multiusers/members`): `relationship` required, from the reference's list.
pub fn check_member(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    if given(o, "relationship").is_none() {
        return Err(LoyaltyError::missing("relationship"));
    }
    check::one_of(o, "", "relationship", &RELATIONSHIPS)?;
    for name in ["uid", "first_name", "last_name", "telephone", "address"] {
        check::optional_text(o, "", name, MAX_NAME)?;
    }
    if let Some(Value::Str(e)) = given(o, "email") {
        validate::email("email", e)?;
    }
    if let Some(Value::Str(d)) = given(o, "birthdate") {
        check::date("birthdate", d)?;
    }
    check::one_of(o, "", "gender", &["F", "M"])
}

/// An abandoned cart: `products` (each with a `sku`), `external_id`, `createtime` and an
/// identity required (the reference plus WoowUp's newer PHP client).
pub fn check_abandoned_cart(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    check::identity(o, "")?;
    let products = given(o, "products").ok_or_else(|| LoyaltyError::missing("products"))?;
    let products = check::list("products", products)?;
    if products.is_empty() {
        return Err(LoyaltyError::invalid("products", "must not be empty"));
    }
    for (i, p) in products.iter().enumerate() {
        let at = format!("products[{i}]");
        let item = check::object(&at, p)?;
        check::text(item, &at, "sku", MAX_NAME)?;
        check::optional_integer(item, &at, "quantity")?;
        check::optional_number(item, &at, "unit_price")?;
        check::optional_number(item, &at, "offer_price")?;
    }
    check::text(o, "", "external_id", MAX_NAME)?;
    match given(o, "createtime") {
        None => return Err(LoyaltyError::missing("createtime")),
        Some(_) => check::optional_datetime(o, "", "createtime")?,
    }
    check::optional_number(o, "", "total_price")?;
    check::optional_bool(o, "", "recovered")
}

impl Client {
    /// `GET /multiusers/exist?{ids}` → `payload.exist`.
    pub fn customer_exists(&self, who: &Identity) -> Result<Request> {
        self.get("/multiusers/exist", &who.query()?)
    }

    /// `GET /multiusers/find?{ids}` → the customer; 404 when none matches.
    pub fn find_customer(&self, who: &Identity) -> Result<Request> {
        self.get("/multiusers/find", &who.query()?)
    }

    /// `POST /users`: creates a customer ([`check_customer`]). An existing one answers
    /// `internal_error` "usuario existente": use [`Client::update_customer`] then.
    pub fn create_customer(&self, customer: &Value) -> Result<Request> {
        check_customer(customer)?;
        self.json(Method::Post, "/users", customer)
    }

    /// `PUT /multiusers`: updates the customer named by the body's identities.
    pub fn update_customer(&self, customer: &Value) -> Result<Request> {
        check_customer(customer)?;
        self.json(Method::Put, "/multiusers", customer)
    }

    /// `POST /multiusers/points` with the identities, `concept`, `points`, `description`.
    pub fn add_points(&self, who: &Identity, points: &Points) -> Result<Request> {
        validate::required("concept", &points.concept)?;
        let mut body: Vec<(&str, Value)> = who.pairs()?;
        body.push(("concept", Value::str(&points.concept)));
        body.push(("points", Value::Int(points.points)));
        if let Some(d) = &points.description {
            validate::required("description", d)?;
            body.push(("description", Value::str(d)));
        }
        self.json(Method::Post, "/multiusers/points", &Value::Object(Object::from_pairs(body)))
    }

    /// `GET /multiusers/transactions?{ids}&concept&from&to`.
    pub fn transactions(&self, who: &Identity, filter: &TransactionFilter) -> Result<Request> {
        let mut query = who.query()?;
        for (name, value) in [("concept", &filter.concept), ("from", &filter.from), ("to", &filter.to)] {
            if let Some(v) = value {
                if name != "concept" {
                    check::datetime(name, v)?;
                }
                query.set(name, Value::str(v));
            }
        }
        self.get("/multiusers/transactions", &query)
    }

    /// `POST /multiusers/members?{ids}` with one member ([`check_member`]).
    pub fn add_member(&self, who: &Identity, member: &Value) -> Result<Request> {
        check_member(member)?;
        self.json_with_query(Method::Post, "/multiusers/members", &who.query()?, member)
    }

    /// `PUT /multiusers/members?{ids}` with one member.
    pub fn update_member(&self, who: &Identity, member: &Value) -> Result<Request> {
        check_member(member)?;
        self.json_with_query(Method::Put, "/multiusers/members", &who.query()?, member)
    }

    /// `POST /multiusers/abandoned-cart` ([`check_abandoned_cart`]); answers 201.
    pub fn abandoned_cart(&self, cart: &Value) -> Result<Request> {
        check_abandoned_cart(cart)?;
        self.json(Method::Post, "/multiusers/abandoned-cart", cart)
    }

    /// `GET /users?page&limit`: one page of the account's customers (pages from 0).
    pub fn list_customers(&self, page: u32, limit: u32) -> Result<Request> {
        check::limit(limit)?;
        self.get("/users", &page_query(page, limit))
    }

    /// `PUT /users/{userapp_id}` `{"remove_tags": "a,b"}`.
    pub fn remove_tags(&self, userapp_id: &str, tags: &[&str]) -> Result<Request> {
        if userapp_id.is_empty() || !userapp_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LoyaltyError::invalid("userapp_id", "must be WoowUp's numeric customer id"));
        }
        if tags.is_empty() {
            return Err(LoyaltyError::missing("remove_tags"));
        }
        for (i, t) in tags.iter().enumerate() {
            if t.trim().is_empty() || t.contains(',') {
                return Err(LoyaltyError::invalid(format!("remove_tags[{i}]"), "must be a tag without commas"));
            }
        }
        let body = Object::from_pairs([("remove_tags", Value::str(tags.join(",")))]);
        self.json(Method::Put, &format!("/users/{userapp_id}"), &Value::Object(body))
    }
}

/// `page=N&limit=M`.
pub(crate) fn page_query(page: u32, limit: u32) -> Array {
    Array::from_pairs([("page", Value::Int(i64::from(page))), ("limit", Value::Int(i64::from(limit)))])
}
