//! Typed readers of the answers a shop connector acts on, lenient the way WoowUp's own PHP client
//! reads them: numbers as numbers or text, the answers' renamed fields (`birthday`, `address`,
//! `postal_code`) and the purchase's variants (`purchase_detail` as an array or `{items}`,
//! `branch: {name}`, `downloadtime`, items with `product_id` and `price`).
//! Every other answer is read by [`super::read`] into its JSON payload, or by
//! [`super::read_items`] / [`super::read_exist`].

use super::answer::{read, Answer, FailureKind};
use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use serde::Serialize;
use serde_json::{Map, Value};

const SERVICE: &str = "woowup";

fn invalid(status: u16, reason: &str) -> LoyaltyError {
    LoyaltyError::InvalidResponse { service: SERVICE, status, reason: reason.into() }
}

/// A member as text: strings as they are, numbers written out; empty and null are absent.
fn text(o: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match o.get(*n)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A member as an exact decimal (a number or numeric text).
fn decimal(o: &Map<String, Value>, names: &[&str]) -> Option<Decimal> {
    text(o, names).and_then(|t| Decimal::parse(&t, "").ok())
}

/// `enabled`/`disabled`, a boolean, or 1/0 as `true`/`false`.
fn flag(o: &Map<String, Value>, name: &str) -> Option<bool> {
    match o.get(name)? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.as_str() {
            "enabled" | "true" | "1" => Some(true),
            "disabled" | "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn object_payload(status: u16, body: &str) -> Result<Option<Map<String, Value>>> {
    match read(status, &[], body)? {
        Answer::Ok { payload: Value::Object(o), .. } => Ok(Some(o)),
        Answer::Ok { .. } => Err(invalid(status, "expected an object payload")),
        Answer::Failed(f) if matches!(f.kind, FailureKind::UserNotFound | FailureKind::NotFound) => Ok(None),
        Answer::Failed(f) => Err(f.into_error()),
    }
}

/// A customer as WoowUp answers it (`GET /multiusers/find`, `POST /users`, `PUT /multiusers`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// WoowUp's id of the customer in this account.
    pub userapp_id: Option<String>,
    pub service_uid: Option<String>,
    pub email: Option<String>,
    pub document: Option<String>,
    pub telephone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `birthday` in answers, `birthdate` in requests.
    pub birthdate: Option<String>,
    pub gender: Option<String>,
    /// `address` in answers, `street` in requests.
    pub street: Option<String>,
    /// `postal_code` in answers, `postcode` in requests.
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub points: Option<Decimal>,
    pub points_pending: Option<Decimal>,
    pub mailing_enabled: Option<bool>,
    /// An array in answers, a comma-separated text in requests: both read.
    pub tags: Vec<String>,
    pub createtime: Option<String>,
    pub updatetime: Option<String>,
}

fn customer_of(o: &Map<String, Value>) -> Customer {
    let tags = match o.get("tags") {
        Some(Value::Array(a)) => a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        Some(Value::String(s)) => s.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect(),
        _ => Vec::new(),
    };
    Customer {
        userapp_id: text(o, &["userapp_id", "id"]),
        service_uid: text(o, &["service_uid"]),
        email: text(o, &["email"]),
        document: text(o, &["document"]),
        telephone: text(o, &["telephone"]),
        first_name: text(o, &["first_name"]),
        last_name: text(o, &["last_name"]),
        birthdate: text(o, &["birthday", "birthdate"]),
        gender: text(o, &["gender"]),
        street: text(o, &["address", "street"]),
        postcode: text(o, &["postal_code", "postcode"]),
        city: text(o, &["city"]),
        state: text(o, &["state"]),
        country: text(o, &["country"]),
        points: decimal(o, &["points"]),
        points_pending: decimal(o, &["points_pending"]),
        mailing_enabled: flag(o, "mailing_enabled"),
        tags,
        createtime: text(o, &["createtime"]),
        updatetime: text(o, &["updatetime"]),
    }
}

/// The customer of a find, create or update; `None` when WoowUp answers that nobody matches
/// (`user_not_found`, a 404).
pub fn read_customer(status: u16, body: &str) -> Result<Option<Customer>> {
    Ok(object_payload(status, body)?.map(|o| customer_of(&o)))
}

/// One line of a purchase.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PurchaseLine {
    /// `sku`, or `product_id` in older answers.
    pub sku: Option<String>,
    pub product_name: Option<String>,
    pub quantity: Option<Decimal>,
    /// `unit_price`, or `price`.
    pub unit_price: Option<Decimal>,
}

/// A stored purchase (`GET /purchases?invoice_number=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Purchase {
    pub invoice_number: Option<String>,
    /// `branch_name`, or `branch.name`.
    pub branch_name: Option<String>,
    pub channel: Option<String>,
    pub createtime: Option<String>,
    /// `approvedtime`, or `downloadtime`.
    pub approvedtime: Option<String>,
    pub points: Option<Decimal>,
    pub total: Option<Decimal>,
    pub lines: Vec<PurchaseLine>,
}

fn purchase_of(o: &Map<String, Value>) -> Purchase {
    let items = match o.get("purchase_detail") {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Object(d)) => d.get("items").and_then(Value::as_array).cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    let lines = items
        .iter()
        .filter_map(Value::as_object)
        .map(|i| PurchaseLine {
            sku: text(i, &["sku", "product_id"]),
            product_name: text(i, &["product_name"]),
            quantity: decimal(i, &["quantity"]),
            unit_price: decimal(i, &["unit_price", "price"]),
        })
        .collect();
    let branch = o.get("branch").and_then(Value::as_object).and_then(|b| text(b, &["name"]));
    Purchase {
        invoice_number: text(o, &["invoice_number"]),
        branch_name: text(o, &["branch_name"]).or(branch),
        channel: text(o, &["channel"]),
        createtime: text(o, &["createtime"]),
        approvedtime: text(o, &["approvedtime", "downloadtime"]),
        points: decimal(o, &["points"]),
        total: o.get("prices").and_then(Value::as_object).and_then(|p| decimal(p, &["total"])),
        lines,
    }
}

/// The purchases of `GET /purchases?invoice_number=` (an array; none when empty).
pub fn read_purchases(status: u16, body: &str) -> Result<Vec<Purchase>> {
    let items = super::read_items(status, body)?;
    Ok(items.iter().filter_map(Value::as_object).map(purchase_of).collect())
}

/// `payload.transaction_id` of `POST /multiusers/points` (`None` when the answer has none: its
/// shape is unconfirmed).
pub fn read_transaction_id(status: u16, body: &str) -> Result<Option<String>> {
    Ok(object_payload(status, body)?.and_then(|o| text(&o, &["transaction_id", "id"])))
}

/// `payload.request_id` of the asynchronous deletes (`DELETE /categories`, `/categories/bulk`).
pub fn read_request_id(status: u16, body: &str) -> Result<String> {
    object_payload(status, body)?.and_then(|o| text(&o, &["request_id"])).ok_or_else(|| invalid(status, "no payload.request_id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_and_purchases_in_their_answer_shapes() {
        let c = read_customer(200, r#"{"payload":{"userapp_id":7,"email":"ana@example.com","birthday":"1990-02-28","address":"Av. 1",
            "postal_code":"1414","points":"4256","mailing_enabled":true,"tags":["vip","club"]},"message":"ok","code":"ok","time":"1ms"}"#)
            .unwrap()
            .unwrap();
        assert_eq!((c.userapp_id.as_deref(), c.birthdate.as_deref(), c.street.as_deref(), c.postcode.as_deref()), (Some("7"), Some("1990-02-28"), Some("Av. 1"), Some("1414")));
        assert_eq!((c.points.map(|p| p.to_string()), c.mailing_enabled, c.tags.len()), (Some("4256".into()), Some(true), 2));
        let c = read_customer(200, r#"{"payload":{"email":"a@b.c","mailing_enabled":"disabled","tags":"a, b"},"code":"ok","message":"","time":"1ms"}"#).unwrap().unwrap();
        assert_eq!((c.mailing_enabled, c.tags), (Some(false), vec!["a".to_string(), "b".to_string()]));
        assert_eq!(read_customer(404, r#"{"payload":[],"message":"","code":"user_not_found","time":"1ms"}"#), Ok(None));
        assert_eq!(read_customer(403, "").unwrap_err().status(), Some(403));

        let p = read_purchases(200, r#"{"payload":[{"invoice_number":12,"branch":{"name":"Web"},"downloadtime":"2026-01-01 00:00:00",
            "purchase_detail":{"items":[{"product_id":"A1","price":"9.99","quantity":2}]},"prices":{"total":19.98}}],"code":"ok","message":"","time":"1ms"}"#)
            .unwrap();
        assert_eq!((p[0].invoice_number.as_deref(), p[0].branch_name.as_deref(), p[0].approvedtime.as_deref()), (Some("12"), Some("Web"), Some("2026-01-01 00:00:00")));
        assert_eq!((p[0].lines[0].sku.as_deref(), p[0].lines[0].unit_price.map(|d| d.to_string())), (Some("A1"), Some("9.99".into())));
        assert_eq!(p[0].total.map(|d| d.to_string()), Some("19.98".into()));
        assert_eq!(read_transaction_id(201, r#"{"payload":{"transaction_id":99},"code":"ok","message":"","time":"1ms"}"#), Ok(Some("99".into())));
        assert_eq!(read_request_id(200, r#"{"payload":{"request_id":"r-1"},"code":"ok","message":"","time":"1ms"}"#), Ok("r-1".into()));
    }
}
