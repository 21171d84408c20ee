//! The rest of what a shop connector uses: coupons (list, status), benefits, events and user
//! events, custom attributes, integration stats (the run's log) and `GET /stats`.

use super::check::{self, given};
use super::customers::page_query;
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{rawurlencode, Array, Object, Value};
use crate::woowup::validate;

/// A coupon's status (`GET /coupons?status=`, `PUT /coupons/{code}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouponStatus {
    Available,
    Assigned,
    Pending,
    Cancelled,
    Used,
}

impl CouponStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CouponStatus::Available => "available",
            CouponStatus::Assigned => "assigned",
            CouponStatus::Pending => "pending",
            CouponStatus::Cancelled => "cancelled",
            CouponStatus::Used => "used",
        }
    }

    /// From its name (`"used"`…), or an error naming `status`.
    pub fn parse(text: &str) -> Result<CouponStatus> {
        Ok(match text {
            "available" => CouponStatus::Available,
            "assigned" => CouponStatus::Assigned,
            "pending" => CouponStatus::Pending,
            "cancelled" => CouponStatus::Cancelled,
            "used" => CouponStatus::Used,
            _ => return Err(LoyaltyError::invalid("status", "must be available, assigned, pending, cancelled or used")),
        })
    }
}

/// Where custom attributes are defined (`/account/{kind}custom-attributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeOwner {
    Customer,
    Purchase,
    PurchaseItem,
    Product,
}

impl AttributeOwner {
    fn path(self) -> &'static str {
        match self {
            AttributeOwner::Customer => "/account/custom-attributes",
            AttributeOwner::Purchase => "/account/purchase-custom-attributes",
            AttributeOwner::PurchaseItem => "/account/purchase-item-custom-attributes",
            AttributeOwner::Product => "/account/product-custom-attributes",
        }
    }
}

const FIELD_TYPES: [&str; 4] = ["text", "select", "datetime", "checkbox"];
const DATA_TYPES: [&str; 4] = ["string", "integer", "timestamp", "float"];

/// A custom attribute definition: `name` (letters, digits, `_`), `label`, `field_type`,
/// `data_type` required; `options` `[{value, text}]`.
pub fn check_custom_attribute(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    check::text(o, "", "name", 64)?;
    if let Some(Value::Str(n)) = given(o, "name") {
        if !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(LoyaltyError::invalid("name", "must be letters, digits or '_'"));
        }
    }
    check::text(o, "", "label", 255)?;
    for (name, allowed) in [("field_type", &FIELD_TYPES[..]), ("data_type", &DATA_TYPES[..])] {
        if given(o, name).is_none() {
            return Err(LoyaltyError::missing(name));
        }
        check::one_of(o, "", name, allowed)?;
    }
    if let Some(options) = given(o, "options") {
        for (i, opt) in check::list("options", options)?.iter().enumerate() {
            let at = format!("options[{i}]");
            let opt = check::object(&at, opt)?;
            if given(opt, "value").is_none() {
                return Err(LoyaltyError::missing(format!("{at}.value")));
            }
            check::text(opt, &at, "text", 255)?;
        }
    }
    Ok(())
}

/// An event name: letters, digits and `-` (`view-product`).
fn event_name(field: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 128 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(LoyaltyError::invalid(field, "must be 1 to 128 letters, digits or '-'"));
    }
    Ok(())
}

/// A user event: `event` and `datetime` required, one identity (`service_uid`, `email` or
/// `document`), `metadata` an object.
pub fn check_user_event(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    match given(o, "event") {
        Some(Value::Str(e)) => event_name("event", e)?,
        Some(_) => return Err(LoyaltyError::invalid("event", "must be text")),
        None => return Err(LoyaltyError::missing("event")),
    }
    if given(o, "datetime").is_none() {
        return Err(LoyaltyError::missing("datetime"));
    }
    check::optional_datetime(o, "", "datetime")?;
    check::identity(o, "")?;
    check::optional_object(o, "", "metadata")
}

/// Integration stats (the run's log): each of `customers`, `products`, `branches`,
/// `purchases` an object of counts; `failed` lists `[{element (object), message}]`.
pub fn check_integration_stats(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    let mut any = false;
    for section in ["customers", "products", "branches", "purchases"] {
        let Some(s) = given(o, section) else { continue };
        any = true;
        let s = check::object(section, s)?;
        for count in ["created", "updated", "duplicated", "units"] {
            check::optional_integer(s, section, count)?;
        }
        check::optional_number(s, section, "revenue")?;
        if let Some(failed) = given(s, "failed") {
            let at = format!("{section}.failed");
            if !check::is_integer(failed) {
                for (i, f) in check::list(&at, failed)?.iter().enumerate() {
                    let at = format!("{at}[{i}]");
                    let f = check::object(&at, f)?;
                    match given(f, "element") {
                        Some(Value::Object(_)) => {}
                        Some(_) => return Err(LoyaltyError::invalid(format!("{at}.element"), "must be a JSON object")),
                        None => return Err(LoyaltyError::missing(format!("{at}.element"))),
                    }
                    check::optional_text(f, &at, "message", validate::MAX_TEXT)?;
                }
            }
        }
    }
    if given(o, "files_stats").is_some() {
        any = true;
    }
    if !any {
        return Err(LoyaltyError::missing("customers|products|branches|purchases|files_stats"));
    }
    Ok(())
}

/// A date filter: `yyyy-mm-dd`, `yyyy-mm-dd hh:mm:ss` (UTC) or ISO 8601 with an offset.
fn date_filter(query: &mut Array, name: &str, value: Option<&str>) -> Result<()> {
    if let Some(v) = value {
        if v.len() == 10 {
            check::date(name, v)?;
        } else {
            check::datetime(name, v)?;
        }
        query.set(name, Value::str(v));
    }
    Ok(())
}

impl Client {
    /// `GET /coupons?status&from&to&page&limit` (newest `assign_date` first).
    pub fn list_coupons(&self, status: Option<CouponStatus>, from: Option<&str>, to: Option<&str>, page: u32, limit: u32) -> Result<Request> {
        check::limit(limit)?;
        let mut query = Array::new();
        if let Some(s) = status {
            query.set("status", Value::str(s.as_str()));
        }
        date_filter(&mut query, "from", from)?;
        date_filter(&mut query, "to", to)?;
        for (k, v) in page_query(page, limit).into_entries() {
            query.set(k, v);
        }
        self.get("/coupons", &query)
    }

    /// `PUT /coupons/{code}` `{"status": …}` (v2's `coupon_status` 4 is `used`). The code goes
    /// into the path as it is (the official clients do not encode it), so a code that would need
    /// encoding (spaces, `/`, `?`, non-ASCII…) is refused rather than sent somewhere else.
    pub fn set_coupon_status(&self, code: &str, status: CouponStatus) -> Result<Request> {
        validate::required("code", code)?;
        if rawurlencode(code) != code {
            return Err(LoyaltyError::invalid("code", "must be letters, digits, '-', '_', '.' or '~' to travel in the path as it is"));
        }
        let body = Object::from_pairs([("status", Value::str(status.as_str()))]);
        self.json(Method::Put, &format!("/coupons/{code}"), &Value::Object(body))
    }

    /// `GET /benefits?currentbenefits=N&outofstockbenefits=N&comingbenefits=N`: how many of each
    /// to list.
    pub fn benefits(&self, current: u32, out_of_stock: u32, coming: u32) -> Result<Request> {
        let n = |v: u32| Value::Int(i64::from(v));
        let query = Array::from_pairs([("currentbenefits", n(current)), ("outofstockbenefits", n(out_of_stock)), ("comingbenefits", n(coming))]);
        self.get("/benefits", &query)
    }

    /// `GET /events?page&limit` (a bare array in the docs' example).
    pub fn list_events(&self, page: u32, limit: u32) -> Result<Request> {
        check::limit(limit)?;
        self.get("/events", &page_query(page, limit))
    }

    /// `POST /events` `{"name": …}`: letters, digits, `-`; a repeated name is a `bad_request`.
    pub fn create_event(&self, name: &str) -> Result<Request> {
        event_name("name", name)?;
        self.json(Method::Post, "/events", &Value::Object(Object::from_pairs([("name", Value::str(name))])))
    }

    /// `POST /user-events` ([`check_user_event`]).
    pub fn user_event(&self, event: &Value) -> Result<Request> {
        check_user_event(event)?;
        self.json(Method::Post, "/user-events", event)
    }

    /// `GET /account/{kind}custom-attributes?text&page&limit`.
    pub fn list_custom_attributes(&self, owner: AttributeOwner, text: Option<&str>, page: u32, limit: u32) -> Result<Request> {
        check::limit(limit)?;
        let mut query = Array::new();
        if let Some(t) = text {
            validate::required("text", t)?;
            query.set("text", Value::str(t));
        }
        for (k, v) in page_query(page, limit).into_entries() {
            query.set(k, v);
        }
        self.get(owner.path(), &query)
    }

    /// `POST /account/{kind}custom-attributes` ([`check_custom_attribute`]).
    pub fn create_custom_attribute(&self, owner: AttributeOwner, attribute: &Value) -> Result<Request> {
        check_custom_attribute(attribute)?;
        self.json(Method::Post, owner.path(), attribute)
    }

    /// `PUT /account/{kind}custom-attributes/{name}`.
    pub fn update_custom_attribute(&self, owner: AttributeOwner, name: &str, attribute: &Value) -> Result<Request> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(LoyaltyError::invalid("name", "must be letters, digits or '_'"));
        }
        check_custom_attribute(attribute)?;
        self.json(Method::Put, &format!("{}/{name}", owner.path()), attribute)
    }

    /// `POST /integration-stats` ([`check_integration_stats`]); answers 201.
    pub fn create_integration_stats(&self, stats: &Value) -> Result<Request> {
        check_integration_stats(stats)?;
        self.json(Method::Post, "/integration-stats", stats)
    }

    /// `GET /integration-stats?page&limit&from&to` (the answer's shape is undocumented).
    pub fn search_integration_stats(&self, page: u32, limit: u32, from: Option<&str>, to: Option<&str>) -> Result<Request> {
        check::limit(limit)?;
        let mut query = page_query(page, limit);
        date_filter(&mut query, "from", from)?;
        date_filter(&mut query, "to", to)?;
        self.get("/integration-stats", &query)
    }

    /// `GET /stats?from&to&branch`: the account's totals (a bare object in the docs, with a
    /// trailing comma in its example).
    pub fn stats(&self, from: Option<&str>, to: Option<&str>, branch: Option<&str>) -> Result<Request> {
        let mut query = Array::new();
        date_filter(&mut query, "from", from)?;
        date_filter(&mut query, "to", to)?;
        if let Some(b) = branch {
            validate::required("branch", b)?;
            query.set("branch", Value::str(b));
        }
        self.get("/stats", &query)
    }
}
