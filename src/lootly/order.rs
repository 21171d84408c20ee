//! Typed webhook payloads, written in a fixed field order, and the server's own validation rules.
//!
//! Field order of what is sent (the top level is sorted by `ksort` anyway; nested order is kept):
//! - order: `id, total_price, total_tax, total_discounts, subtotal_price, taxes_included,
//!   discount_codes [{code}], customer` ([`Order`], the guide's fields), then, for a
//!   [`FullOrder`], what Lootly's official WooCommerce and Magento modules add when given:
//!   `products [{product_id, product_name, product_price, quantity, categories [{category_id,
//!   category_name}], applied_rule_ids, variantID, item_spent_amount, erp_sku}]` (absent fields
//!   left out), `ip_address`, `guest`, `coupon_code`.
//!
//! Unknown fields policy: the typed inputs know every field Lootly's server or its official
//! modules use and refuse any other (`invalid_field` naming it), because the server silently
//! ignores what it does not name: a misspelt `taxes_include` would be signed, accepted with a 200
//! and never counted. A payload with fields of your own goes through the untyped `request` (any
//! JSON object, signed as given) and `validate_order`.
//! - customer: `id, email, first_name, last_name, birthday, default_address {zip, country}`,
//!   absent optional fields left out (a `null` birthday fails the whole order on the server).
//! - refund: `id, transactions [{amount}]`; points: `customer_id, point_value`.

use super::Params;
use crate::error::{LoyaltyError, Result};
use crate::php::{filter_validate_email, numeric, numeric_php7, Array, Value};
use serde::{Deserialize, Deserializer, Serialize};

/// An order, as `orders-completed` (or -paid, -fulfilled, -processing) takes it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Your order id (at most 191 characters).
    pub id: String,
    /// Amounts as decimal text (`"39.99"`); a number is accepted and kept as written.
    #[serde(deserialize_with = "amount")]
    pub total_price: String,
    #[serde(deserialize_with = "amount")]
    pub total_tax: String,
    #[serde(deserialize_with = "amount")]
    pub total_discounts: String,
    #[serde(deserialize_with = "amount")]
    pub subtotal_price: String,
    /// Sent as `"1"` or `"0"`.
    pub taxes_included: bool,
    #[serde(default)]
    pub discount_codes: Vec<String>,
    pub customer: Customer,
}

/// An [`Order`] with what Lootly's official modules add to it. Read from JSON it takes the
/// order's fields and these at the same level, and refuses any other.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(from = "FullOrderFields")]
pub struct FullOrder {
    #[serde(flatten)]
    pub order: Order,
    /// The order's lines, for "buy a product / from a category" earning rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Whether the buyer checked out as a guest (the official modules send it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest: Option<bool>,
    /// The coupon code applied to the order, as the official modules send it besides `discount_codes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
}

/// Every field of a [`FullOrder`] at one level: serde cannot refuse unknown fields next to a
/// flattened struct, so the whole order is read here and split.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullOrderFields {
    id: String,
    #[serde(deserialize_with = "amount")]
    total_price: String,
    #[serde(deserialize_with = "amount")]
    total_tax: String,
    #[serde(deserialize_with = "amount")]
    total_discounts: String,
    #[serde(deserialize_with = "amount")]
    subtotal_price: String,
    taxes_included: bool,
    #[serde(default)]
    discount_codes: Vec<String>,
    customer: Customer,
    #[serde(default)]
    products: Vec<Product>,
    #[serde(default)]
    ip_address: Option<String>,
    #[serde(default)]
    guest: Option<bool>,
    #[serde(default)]
    coupon_code: Option<String>,
}

impl From<FullOrderFields> for FullOrder {
    fn from(f: FullOrderFields) -> Self {
        let order = Order {
            id: f.id,
            total_price: f.total_price,
            total_tax: f.total_tax,
            total_discounts: f.total_discounts,
            subtotal_price: f.subtotal_price,
            taxes_included: f.taxes_included,
            discount_codes: f.discount_codes,
            customer: f.customer,
        };
        FullOrder { order, products: f.products, ip_address: f.ip_address, guest: f.guest, coupon_code: f.coupon_code }
    }
}

/// An order line, as Lootly's official modules send it; absent fields are left out.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Decimal text (`"19.99"`); a number is accepted and kept as written.
    #[serde(default, deserialize_with = "optional_amount", skip_serializing_if = "Option::is_none")]
    pub product_price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// The shop's price rules applied to the line (Magento: `"1,3"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_rule_ids: Option<Id>,
    #[serde(default, rename = "variantID", skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<Id>,
    #[serde(default, deserialize_with = "optional_amount", skip_serializing_if = "Option::is_none")]
    pub item_spent_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp_sku: Option<String>,
}

/// A product's category.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub category_id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_name: Option<String>,
}

/// An id as the shop has it: text, or an integer (sent as a JSON integer).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Id {
    Int(i64),
    Text(String),
}

impl Id {
    fn to_php(&self) -> Value {
        match self {
            Id::Int(i) => Value::Int(*i),
            Id::Text(s) => Value::str(s),
        }
    }
}

/// A customer, inside an order or alone (`customers-create`).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Your customer id: the same id the widget's customer signature is made from.
    pub id: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`; leave it out when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_address: Option<Address>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A refund (`refunds-create`): the amounts refunded by this refund only.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Refund {
    /// The order id.
    pub id: String,
    #[serde(deserialize_with = "amounts")]
    pub amounts: Vec<String>,
}

/// Points added to or taken from a known customer (`points-add`, `points-subtract`).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PointsChange {
    pub customer_id: String,
    pub point_value: i64,
}

fn amount<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Amount {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(match Amount::deserialize(d)? {
        Amount::Text(s) => s,
        Amount::Number(n) => n.to_string(),
    })
}

fn optional_amount<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct One(#[serde(deserialize_with = "amount")] String);
    Ok(Option::<One>::deserialize(d)?.map(|One(s)| s))
}

fn amounts<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    struct One(#[serde(deserialize_with = "amount")] String);
    Ok(Vec::<One>::deserialize(d)?.into_iter().map(|One(s)| s).collect())
}

/// Checks an amount as the typed inputs require it: plain decimal text (`12`, `-3.50`).
fn check_amount(field: &str, value: &str) -> Result<()> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if all_digits(int) && all_digits(frac) {
        Ok(())
    } else {
        Err(LoyaltyError::invalid(field, format!("{value:?} is not a decimal amount like \"39.99\"")))
    }
}

fn pairs(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Array(Array::from_pairs(fields.into_iter().filter_map(|(k, v)| Some((k, v?)))))
}

impl Customer {
    fn to_php(&self) -> Value {
        let address = self.default_address.as_ref().map(|a| {
            pairs(vec![("zip", a.zip.clone().map(Value::Str)), ("country", a.country.clone().map(Value::Str))])
        });
        pairs(vec![
            ("id", Some(Value::str(&self.id))),
            ("email", Some(Value::str(&self.email))),
            ("first_name", self.first_name.clone().map(Value::Str)),
            ("last_name", self.last_name.clone().map(Value::Str)),
            ("birthday", self.birthday.clone().map(Value::Str)),
            ("default_address", address),
        ])
    }
}

impl Params for &Order {
    fn into_php(self) -> Result<Value> {
        self.to_php(Vec::new())
    }
}

impl Params for &FullOrder {
    fn into_php(self) -> Result<Value> {
        let mut products = Vec::with_capacity(self.products.len());
        for (i, product) in self.products.iter().enumerate() {
            products.push(product.to_php().map_err(|e| e.within(&format!("products[{i}]")))?);
        }
        let text = |v: &Option<String>| v.as_deref().map(Value::str);
        self.order.to_php(vec![
            ("products", (!products.is_empty()).then(|| Value::Array(Array::list(products)))),
            ("ip_address", text(&self.ip_address)),
            ("guest", self.guest.map(Value::Bool)),
            ("coupon_code", text(&self.coupon_code)),
        ])
    }
}

impl Order {
    /// The order's fields, then `extra`, checked with the server's rules.
    fn to_php(&self, extra: Vec<(&str, Option<Value>)>) -> Result<Value> {
        for (field, value) in [
            ("total_price", &self.total_price),
            ("total_tax", &self.total_tax),
            ("total_discounts", &self.total_discounts),
            ("subtotal_price", &self.subtotal_price),
        ] {
            check_amount(field, value)?;
        }
        let codes = self.discount_codes.iter().map(|c| pairs(vec![("code", Some(Value::str(c)))]));
        let mut fields = vec![
            ("id", Some(Value::str(&self.id))),
            ("total_price", Some(Value::str(&self.total_price))),
            ("total_tax", Some(Value::str(&self.total_tax))),
            ("total_discounts", Some(Value::str(&self.total_discounts))),
            ("subtotal_price", Some(Value::str(&self.subtotal_price))),
            ("taxes_included", Some(Value::str(if self.taxes_included { "1" } else { "0" }))),
            ("discount_codes", Some(Value::Array(Array::list(codes)))),
            ("customer", Some(self.customer.to_php())),
        ];
        fields.extend(extra);
        let order = pairs(fields);
        let problems = validate_order(&order);
        match problems.into_iter().next() {
            Some(p) => Err(LoyaltyError::invalid(p.field, p.message)),
            None => Ok(order),
        }
    }
}

impl Product {
    fn to_php(&self) -> Result<Value> {
        for (field, value) in [("product_price", &self.product_price), ("item_spent_amount", &self.item_spent_amount)] {
            if let Some(v) = value {
                check_amount(field, v)?;
            }
        }
        let categories = self.categories.iter().map(|c| {
            pairs(vec![("category_id", Some(c.category_id.to_php())), ("category_name", c.category_name.as_deref().map(Value::str))])
        });
        let text = |v: &Option<String>| v.as_deref().map(Value::str);
        Ok(pairs(vec![
            ("product_id", self.product_id.as_ref().map(Id::to_php)),
            ("product_name", text(&self.product_name)),
            ("product_price", text(&self.product_price)),
            ("quantity", self.quantity.map(Value::Int)),
            ("categories", (!self.categories.is_empty()).then(|| Value::Array(Array::list(categories)))),
            ("applied_rule_ids", self.applied_rule_ids.as_ref().map(Id::to_php)),
            ("variantID", self.variant_id.as_ref().map(Id::to_php)),
            ("item_spent_amount", text(&self.item_spent_amount)),
            ("erp_sku", text(&self.erp_sku)),
        ]))
    }
}

impl Params for &Customer {
    fn into_php(self) -> Result<Value> {
        check_customer(&self.to_php(), "").map_or(Ok(()), |p| Err(LoyaltyError::invalid(p.field, p.message)))?;
        Ok(self.to_php())
    }
}

impl Params for &Refund {
    fn into_php(self) -> Result<Value> {
        if self.amounts.is_empty() {
            return Err(LoyaltyError::missing("amounts"));
        }
        let mut transactions = Vec::new();
        for (i, amount) in self.amounts.iter().enumerate() {
            check_amount(&format!("amounts[{i}]"), amount)?;
            transactions.push(pairs(vec![("amount", Some(Value::str(amount)))]));
        }
        required_text("id", &self.id)?;
        Ok(pairs(vec![("id", Some(Value::str(&self.id))), ("transactions", Some(Value::Array(Array::list(transactions))))]))
    }
}

impl Params for &PointsChange {
    fn into_php(self) -> Result<Value> {
        required_text("customer_id", &self.customer_id)?;
        if self.point_value <= 0 {
            return Err(LoyaltyError::invalid("point_value", "must be a positive number of points"));
        }
        Ok(pairs(vec![("customer_id", Some(Value::str(&self.customer_id))), ("point_value", Some(Value::Int(self.point_value)))]))
    }
}

fn required_text(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(LoyaltyError::missing(field));
    }
    Ok(())
}

/// One reason the server would drop an order (or ignore part of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field, as a path (`customer.email`, `discount_codes[1]`).
    pub field: String,
    /// A stable code: `missing`, `not_numeric`, `not_allowed`, `too_long`, `not_an_email`,
    /// `not_a_date`, `null_birthday`, `empty_birthday`, `ignored`.
    pub code: &'static str,
    pub message: String,
}

fn problem(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Problem {
    Problem { field: field.into(), code, message: message.into() }
}

/// The limit of Lootly's string columns.
const MAX_CHARS: usize = 191;

/// Every reason Lootly's server would drop this order (it still answers 200), each with its
/// field. An empty list means the server accepts the order.
pub fn validate_order(order: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(order) = order.as_array() else {
        return vec![problem("", "not_an_object", "an order is a JSON object")];
    };
    match order.get_str("id") {
        Some(v) if present(v) => check_length(&mut problems, "id", v),
        _ => problems.push(problem("id", "missing", "the order id is required")),
    }
    for field in ["total_price", "total_tax", "total_discounts", "subtotal_price"] {
        match order.get_str(field) {
            Some(v) if !present(v) => problems.push(problem(field, "missing", format!("{field} is required"))),
            None => problems.push(problem(field, "missing", format!("{field} is required"))),
            Some(v) if !is_numeric(v, numeric) => problems.push(problem(field, "not_numeric", format!("{field} must be a number"))),
            Some(v) if !is_numeric(v, numeric_php7) => problems.push(problem(
                field,
                "not_numeric",
                format!("{field} is numeric on PHP 8 but not on PHP 7 (trailing whitespace): send it without"),
            )),
            Some(_) => {}
        }
    }
    match order.get_str("taxes_included") {
        None | Some(Value::Null) => problems.push(problem("taxes_included", "missing", "taxes_included is required")),
        Some(Value::Bool(_) | Value::Int(0 | 1)) => {}
        Some(Value::Str(s)) if s == "0" || s == "1" => {}
        Some(_) => problems.push(problem(
            "taxes_included",
            "not_allowed",
            "taxes_included must be true, false, 0, 1, \"0\" or \"1\"",
        )),
    }
    if let Some(codes) = order.get_str("discount_codes") {
        match codes {
            Value::Array(list) => {
                for (i, (_, code)) in list.iter().enumerate() {
                    let is_code_object = code.as_array().is_some_and(|c| c.get_str("code").is_some());
                    if !is_code_object {
                        problems.push(problem(
                            format!("discount_codes[{i}]"),
                            "ignored",
                            "the server ignores discount codes that are not {\"code\": …} objects",
                        ));
                    }
                }
            }
            Value::Null => {}
            _ => problems.push(problem("discount_codes", "ignored", "discount_codes must be a list of {\"code\": …} objects")),
        }
    }
    match order.get_str("customer") {
        Some(customer @ Value::Array(_)) => problems.extend(customer_problems(customer, "customer.")),
        _ => problems.push(problem("customer", "missing", "orders without a customer (guest orders) are dropped")),
    }
    problems
}

/// The customer rules, with fields under `prefix`; the first problem only for typed input.
fn check_customer(customer: &Value, prefix: &str) -> Option<Problem> {
    customer_problems(customer, prefix).into_iter().next()
}

fn customer_problems(customer: &Value, prefix: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(c) = customer.as_array() else { return problems };
    let field = |name: &str| format!("{prefix}{name}");
    if !c.get_str("id").is_some_and(present) {
        problems.push(problem(field("id"), "missing", "the customer id is required"));
    }
    match c.get_str("email") {
        Some(v) if !present(v) => problems.push(problem(field("email"), "missing", "the customer email is required")),
        None => problems.push(problem(field("email"), "missing", "the customer email is required")),
        Some(v @ Value::Str(s)) if filter_validate_email(s.as_bytes()) => check_length(&mut problems, &field("email"), v),
        Some(Value::Int(_)) | Some(Value::Str(_)) => problems.push(problem(
            field("email"),
            "not_an_email",
            "the customer email is not an address PHP's filter_var accepts (ASCII only)",
        )),
        Some(_) => problems.push(problem(field("email"), "not_an_email", "the customer email must be text")),
    }
    for name in ["first_name", "last_name"] {
        if let Some(v) = c.get_str(name) {
            check_length(&mut problems, &field(name), v);
        }
    }
    match c.get_str("birthday") {
        None => {}
        Some(Value::Null) => problems.push(problem(
            field("birthday"),
            "null_birthday",
            "a null birthday makes the server drop the whole order: leave the field out",
        )),
        Some(Value::Str(s)) if s.is_empty() => problems.push(problem(
            field("birthday"),
            "empty_birthday",
            "an empty birthday is stored as 1970-01-01: leave the field out",
        )),
        Some(Value::Str(s)) if is_date(s) => {}
        Some(_) => problems.push(problem(field("birthday"), "not_a_date", "the birthday must be a date (YYYY-MM-DD)")),
    }
    problems
}

fn check_length(problems: &mut Vec<Problem>, field: &str, value: &Value) {
    if let Value::Str(s) = value {
        if s.chars().count() > MAX_CHARS {
            problems.push(problem(field, "too_long", format!("at most {MAX_CHARS} characters")));
        }
    }
}

/// Laravel 5.6's `required` rule: not null, not text that PHP's `trim` leaves empty, not an
/// empty array.
fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Str(s) => !s.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B']).is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// Laravel's `numeric` rule, PHP's `is_numeric`, with the string rule of one PHP version.
fn is_numeric(v: &Value, string_rule: fn(&[u8]) -> Option<crate::php::Numeric>) -> bool {
    match v {
        Value::Int(_) | Value::Float(_) => true,
        Value::Str(s) => string_rule(s.as_bytes()).is_some(),
        _ => false,
    }
}

/// `YYYY-MM-DD` with a real month and day (time after it allowed: `YYYY-MM-DD hh:mm:ss`).
fn is_date(s: &str) -> bool {
    let date = s.get(..10).unwrap_or("");
    let rest = s.get(10..).unwrap_or("");
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    let num = |t: &str, len: usize| (t.len() == len && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok()).flatten();
    let (Some(y), Some(m), Some(d)) = (num(y, 4), num(m, 2), num(d, 2)) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && (rest.is_empty() || rest.starts_with([' ', 'T']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::php::{json_decode, Mode};

    fn problems(text: &str) -> Vec<(String, &'static str)> {
        validate_order(&json_decode(text, Mode::Assoc).unwrap()).into_iter().map(|p| (p.field, p.code)).collect()
    }

    #[test]
    fn a_valid_order_has_no_problems() {
        let ok = r#"{"id":"1","total_price":"10.00","total_tax":0,"total_discounts":" 1","subtotal_price":9.5,
            "taxes_included":true,"discount_codes":[{"code":"A"}],"customer":{"id":"7","email":"a@b.co","birthday":"2000-02-29"}}"#;
        assert_eq!(problems(ok), vec![]);
    }

    #[test]
    fn the_servers_own_rules_on_php_7_and_8() {
        let order = |total: &str, email: &str| {
            format!(r#"{{"id":" ","total_price":{total},"total_tax":1,"total_discounts":1,"subtotal_price":1,
                "taxes_included":1,"customer":{{"id":"1","email":{email}}}}}"#)
        };
        // Laravel's `required` trims; PHP 7's is_numeric refuses trailing whitespace; filter_var
        // refuses non-ASCII addresses.
        assert_eq!(
            problems(&order(r#""10 ""#, r#""tarō@example.jp""#)),
            vec![("id".into(), "missing"), ("total_price".into(), "not_numeric"), ("customer.email".into(), "not_an_email")]
        );
        assert_eq!(problems(&order(r#"" 10""#, r#""\"a.b\"@[192.0.2.1]""#)), vec![("id".into(), "missing")]);
    }

    #[test]
    fn orders_take_what_the_official_modules_send() {
        use crate::lootly::{sign, Credentials};
        let text = r#"{"id":"7","total_price":"39.99","total_tax":"0.00","total_discounts":"0.00","subtotal_price":"39.99",
            "taxes_included":false,"customer":{"id":"1","email":"a@b.co"},"ip_address":"192.0.2.7","guest":false,
            "coupon_code":"SAVE5","products":[{"product_id":12,"product_name":"Mate","product_price":19.995,"quantity":2,
            "categories":[{"category_id":"3","category_name":"Té"}],"applied_rule_ids":"1,3","variantID":"12-b",
            "item_spent_amount":"39.99","erp_sku":"MT-1"}]}"#;
        let order: FullOrder = serde_json::from_str(text).unwrap();
        let signed = sign(&order, &Credentials::new("k", "s")).unwrap();
        // The guide's Order alone keeps to the guide's fields.
        assert!(serde_json::from_str::<Order>(text).unwrap_err().to_string().starts_with("unknown field"));
        assert!(signed.canonical.contains(r#""coupon_code":"SAVE5","customer":"#), "{}", signed.canonical);
        assert!(signed.canonical.contains(r#""guest":false,"id":"7","ip_address":"192.0.2.7","key":"k","products":[{"product_id":12,"product_name":"Mate","product_price":"19.995","quantity":2,"categories":[{"category_id":"3","category_name":"T\u00e9"}],"applied_rule_ids":"1,3","variantID":"12-b","item_spent_amount":"39.99","erp_sku":"MT-1"}]"#), "{}", signed.canonical);
        // Anything else is refused, by name: the server would ignore a misspelt field silently.
        let typo = text.replace("taxes_included", "taxes_include");
        assert!(serde_json::from_str::<FullOrder>(&typo).unwrap_err().to_string().contains("taxes_include"));
        let bad_price = text.replace("19.995", "\"19,99\"");
        let e = sign(&serde_json::from_str::<FullOrder>(&bad_price).unwrap(), &Credentials::new("k", "s")).unwrap_err();
        assert_eq!(e.field(), Some("products[0].product_price"));
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = r#"{"total_price":"abc","total_tax":"","subtotal_price":null,"taxes_included":"true",
            "discount_codes":["A",{"code":"B"}],"customer":{"email":"nope","birthday":null}}"#;
        assert_eq!(
            problems(bad),
            vec![
                ("id".into(), "missing"),
                ("total_price".into(), "not_numeric"),
                ("total_tax".into(), "missing"),
                ("total_discounts".into(), "missing"),
                ("subtotal_price".into(), "missing"),
                ("taxes_included".into(), "not_allowed"),
                ("discount_codes[0]".into(), "ignored"),
                ("customer.id".into(), "missing"),
                ("customer.email".into(), "not_an_email"),
                ("customer.birthday".into(), "null_birthday"),
            ]
        );
        assert_eq!(problems(r#"{"id":"1","total_price":1,"total_tax":1,"total_discounts":1,"subtotal_price":1,
            "taxes_included":1,"customer":{"id":"1","email":"a@b.co","birthday":"2001-02-29"}}"#),
            vec![("customer.birthday".into(), "not_a_date")]);
    }
}
