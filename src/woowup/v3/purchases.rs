//! Purchases: create (`POST /purchases`), update (`PUT /purchases`, the purchase named by the
//! body's `invoice_number`), find (`GET /purchases?invoice_number=`), bulk (`POST
//! /purchases/bulk`) and the card BIN lookup (`GET /purchases/iin/{6 digits}`).
//!
//! The invoice number is the only idempotency key: a repeated one answers
//! `duplicated_purchase_number`, so a purchase may be resent safely.

use super::check::{self, given, path};
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{json_encode, Array, Object, Value};
use crate::woowup::validate;

/// The largest purchase body WoowUp takes: 256 KB.
pub const MAX_PURCHASE_BODY: usize = 256 * 1024;
/// The most purchases the library puts in one `POST /purchases/bulk` (WoowUp's limit is not
/// documented; 100 bodies of at most 256 KB each).
pub const MAX_BULK: usize = 100;

/// `channel`'s values.
pub const CHANNELS: [&str; 6] = ["web", "telephone", "in-store", "corporate", "direct", "other"];
/// `payment.type`'s values.
pub const PAYMENT_TYPES: [&str; 6] = ["credit", "debit", "mercadopago", "todopago", "cash", "other"];
const PRICES: [&str; 6] = ["cost", "shipping", "gross", "tax", "discount", "total"];
const MAX_NAME: usize = 255;

/// The schema's sku pattern `^[^-][a-zA-Z0-9_%-]+$`: at least 2 characters, the first anything
/// but `-` (and not a line break, as `.` in the pattern), the rest ASCII letters, digits, `_`,
/// `%`, `-`.
pub fn is_sku(sku: &str) -> bool {
    let mut chars = sku.chars();
    let first_ok = chars.next().is_some_and(|c| c != '-' && c != '\n');
    let rest = chars.as_str();
    first_ok && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'%' || b == b'-')
}

/// A purchase, checked as the reference says to before sending: `invoice_number` (text or
/// integer), at least one identity, a non-empty `purchase_detail` whose items have a `sku`
/// matching the schema's pattern, an integer `quantity` ≥ 0 and a number `unit_price`, `prices`
/// an object of numbers, `channel` and payment `type` from their lists, `createtime` and
/// `approvedtime` in one of the two date forms, an integer `points`. The body size (≤ 256 KB) is
/// checked on the encoded bytes by the builders.
pub fn check_purchase(body: &Value) -> Result<()> {
    purchase_at(body, "")
}

fn purchase_at(body: &Value, at: &str) -> Result<()> {
    let o = check::object(at, body)?;
    match given(o, "invoice_number") {
        None => return Err(LoyaltyError::missing(path(at, "invoice_number"))),
        Some(Value::Int(_)) => {}
        Some(Value::Str(s)) => validate::required(&path(at, "invoice_number"), s)?,
        Some(_) => return Err(LoyaltyError::invalid(path(at, "invoice_number"), "must be text or an integer")),
    }
    check::identity(o, at)?;
    let detail = given(o, "purchase_detail").ok_or_else(|| LoyaltyError::missing(path(at, "purchase_detail")))?;
    let items = check::list(&path(at, "purchase_detail"), detail)?;
    if items.is_empty() {
        return Err(LoyaltyError::invalid(path(at, "purchase_detail"), "must hold at least one item"));
    }
    for (i, item) in items.iter().enumerate() {
        item_at(item, &path(at, &format!("purchase_detail[{i}]")))?;
    }
    let prices = given(o, "prices").ok_or_else(|| LoyaltyError::missing(path(at, "prices")))?;
    let prices = check::object(&path(at, "prices"), prices)?;
    for name in PRICES {
        check::optional_number(prices, &path(at, "prices"), name)?;
    }
    check::optional_text(o, at, "branch_name", MAX_NAME)?;
    check::one_of(o, at, "channel", &CHANNELS)?;
    check::optional_datetime(o, at, "createtime")?;
    check::optional_datetime(o, at, "approvedtime")?;
    check::optional_integer(o, at, "points")?;
    if let Some(payment) = given(o, "payment") {
        let at = path(at, "payment");
        match payment {
            Value::Object(p) => payment_at(p, &at, false)?,
            Value::Array(_) => {
                for (i, p) in check::list(&at, payment)?.iter().enumerate() {
                    let at = format!("{at}[{i}]");
                    payment_at(check::object(&at, p)?, &at, true)?;
                }
            }
            _ => return Err(LoyaltyError::invalid(at, "must be an object or an array of objects")),
        }
    }
    if let Some(seller) = given(o, "seller") {
        let at = path(at, "seller");
        let s = check::object(&at, seller)?;
        check::optional_text(s, &at, "name", MAX_NAME)?;
        if let Some(Value::Str(e)) = given(s, "email") {
            validate::email(&path(&at, "email"), e)?;
        }
    }
    check::optional_object(o, at, "metadata")?;
    check::optional_object(o, at, "custom_attributes")
}

fn item_at(item: &Value, at: &str) -> Result<()> {
    let o = check::object(at, item)?;
    match given(o, "sku") {
        None => return Err(LoyaltyError::missing(path(at, "sku"))),
        Some(Value::Str(s)) if is_sku(s) => {}
        Some(_) => {
            return Err(LoyaltyError::invalid(
                path(at, "sku"),
                "must be 2 or more characters: the first any but '-', the rest letters, digits, '_', '%' or '-'",
            ))
        }
    }
    match given(o, "quantity") {
        None => return Err(LoyaltyError::missing(path(at, "quantity"))),
        Some(q) if check::is_integer(q) && !matches!(q, Value::Int(i) if *i < 0) && !matches!(q, Value::Float(f) if *f < 0.0) => {}
        Some(_) => return Err(LoyaltyError::invalid(path(at, "quantity"), "must be an integer, 0 or more")),
    }
    match given(o, "unit_price") {
        None => return Err(LoyaltyError::missing(path(at, "unit_price"))),
        Some(p) if check::is_number(p) => {}
        Some(_) => return Err(LoyaltyError::invalid(path(at, "unit_price"), "must be a number (the price of one unit)")),
    }
    check::optional_text(o, at, "product_name", MAX_NAME)?;
    check::optional_text(o, at, "base_name", MAX_NAME)?;
    if let Some(variations) = given(o, "variations") {
        let at = path(at, "variations");
        for (i, v) in check::list(&at, variations)?.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let v = check::object(&at, v)?;
            check::text(v, &at, "name", MAX_NAME)?;
            check::text(v, &at, "value", MAX_NAME)?;
        }
    }
    Ok(())
}

fn payment_at(p: &Object, at: &str, in_list: bool) -> Result<()> {
    if given(p, "type").is_none() {
        return Err(LoyaltyError::missing(path(at, "type")));
    }
    check::one_of(p, at, "type", &PAYMENT_TYPES)?;
    if in_list && given(p, "total").is_none() {
        return Err(LoyaltyError::missing(path(at, "total")));
    }
    check::optional_number(p, at, "total")?;
    check::optional_integer(p, at, "installments")
}

impl Client {
    /// `POST /purchases` ([`check_purchase`], body ≤ 256 KB).
    pub fn create_purchase(&self, purchase: &Value) -> Result<Request> {
        check_purchase(purchase)?;
        sized(self.json(Method::Post, "/purchases", purchase)?)
    }

    /// `PUT /purchases`: the same body, updating the purchase of its `invoice_number` (what to
    /// send after `duplicated_purchase_number`).
    pub fn update_purchase(&self, purchase: &Value) -> Result<Request> {
        check_purchase(purchase)?;
        sized(self.json(Method::Put, "/purchases", purchase)?)
    }

    /// `GET /purchases?invoice_number=…` → `payload` is an array.
    pub fn find_purchase(&self, invoice_number: &str) -> Result<Request> {
        validate::required("invoice_number", invoice_number)?;
        self.get("/purchases", &Array::from_pairs([("invoice_number", Value::str(invoice_number))]))
    }

    /// `POST /purchases/bulk`: a JSON array of 1 to [`MAX_BULK`] purchases, each checked and each
    /// at most 256 KB encoded (the endpoint is not in the docs; its own limits are unknown).
    pub fn bulk_purchases(&self, purchases: &[Value]) -> Result<Request> {
        if purchases.is_empty() {
            return Err(LoyaltyError::missing("purchases"));
        }
        if purchases.len() > MAX_BULK {
            return Err(LoyaltyError::TooLarge { field: "purchases".into(), limit: MAX_BULK });
        }
        for (i, p) in purchases.iter().enumerate() {
            purchase_at(p, &format!("[{i}]"))?;
            if json_encode(p)?.len() > MAX_PURCHASE_BODY {
                return Err(LoyaltyError::TooLarge { field: format!("[{i}]"), limit: MAX_PURCHASE_BODY });
            }
        }
        self.json(Method::Post, "/purchases/bulk", &Value::Array(Array::list(purchases.iter().cloned())))
    }

    /// `GET /purchases/iin/{6 digits}`: a card's BIN → `{type, brand, bank: {name}}`.
    pub fn card_iin(&self, iin: &str) -> Result<Request> {
        if iin.len() != 6 || !iin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LoyaltyError::invalid("iin", "must be the card's first 6 digits"));
        }
        self.get(&format!("/purchases/iin/{iin}"), &Array::new())
    }
}

/// Refuses a body over [`MAX_PURCHASE_BODY`] bytes.
fn sized(request: Request) -> Result<Request> {
    if request.body.as_ref().is_some_and(|b| b.len() > MAX_PURCHASE_BODY) {
        return Err(LoyaltyError::TooLarge { field: "body".into(), limit: MAX_PURCHASE_BODY });
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus_by_the_schema_pattern() {
        for ok in ["JCK-001", "a%", "_x", "ñA1", "x-", " 1", "Ab_%-9"] {
            assert!(is_sku(ok), "{ok}");
        }
        for bad in ["", "a", "-ab", "ab c", "SKU/1", "añ", "\nab", "ab\n"] {
            assert!(!is_sku(bad), "{bad:?}");
        }
    }
}
