//! The signed webhook requests: `POST {base}/integrations/webhooks/{slug}/{type}`.

use super::order::{Customer, FullOrder, Id, Order, PointsChange, Refund};
use super::{sign, Credentials, Params};
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{Array, Value};
use std::str::FromStr;

/// Every webhook type Lootly's server has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookType {
    OrdersCompleted,
    OrdersPaid,
    OrdersFulfilled,
    OrdersProcessing,
    OrdersCancelled,
    RefundsCreate,
    CustomersCreate,
    PointsAdd,
    PointsSubtract,
    KeyVerify,
    AppInstalled,
    /// Newer than the 2019 server (Lootly's Magento module, 2025): an order closed.
    OrdersClosed,
    /// The rewards a customer can spend points on.
    RewardsList,
    /// One customer's points (`customer`; not `customers-create`).
    CustomerInfo,
    /// Spends a customer's points on a reward and answers the coupon code.
    RedeemReward,
}

impl WebhookType {
    pub const ALL: [WebhookType; 15] = [
        WebhookType::OrdersCompleted,
        WebhookType::OrdersPaid,
        WebhookType::OrdersFulfilled,
        WebhookType::OrdersProcessing,
        WebhookType::OrdersCancelled,
        WebhookType::RefundsCreate,
        WebhookType::CustomersCreate,
        WebhookType::PointsAdd,
        WebhookType::PointsSubtract,
        WebhookType::KeyVerify,
        WebhookType::AppInstalled,
        WebhookType::OrdersClosed,
        WebhookType::RewardsList,
        WebhookType::CustomerInfo,
        WebhookType::RedeemReward,
    ];

    /// The last segment of the webhook's URL.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookType::OrdersCompleted => "orders-completed",
            WebhookType::OrdersPaid => "orders-paid",
            WebhookType::OrdersFulfilled => "orders-fulfilled",
            WebhookType::OrdersProcessing => "orders-processing",
            WebhookType::OrdersCancelled => "orders-cancelled",
            WebhookType::RefundsCreate => "refunds-create",
            WebhookType::CustomersCreate => "customers-create",
            WebhookType::PointsAdd => "points-add",
            WebhookType::PointsSubtract => "points-subtract",
            WebhookType::KeyVerify => "key-verify",
            WebhookType::AppInstalled => "app-installed",
            WebhookType::OrdersClosed => "orders-closed",
            WebhookType::RewardsList => "rewards-list",
            WebhookType::CustomerInfo => "customer",
            WebhookType::RedeemReward => "redeem-reward",
        }
    }
}

impl FromStr for WebhookType {
    type Err = LoyaltyError;

    fn from_str(s: &str) -> Result<Self> {
        WebhookType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| LoyaltyError::invalid("type", format!("{s:?} is not a Lootly webhook type")))
    }
}

/// Where the webhooks go: `https://lootly.io` and the `common` slug unless told otherwise
/// (`custom-api` is the slug `app-installed` needs; a local emulator's URL for tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    base_url: String,
    slug: String,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint { base_url: "https://lootly.io".into(), slug: "common".into() }
    }
}

impl Endpoint {
    /// A base URL (`http://` or `https://`, no query) and a slug (`a-z`, `0-9`, `-`, `_`).
    pub fn new(base_url: &str, slug: &str) -> Result<Self> {
        let base_url = base_url.trim_end_matches('/');
        let scheme_ok = base_url.starts_with("https://") || base_url.starts_with("http://");
        if !scheme_ok || base_url.contains(['?', '#', ' ']) || base_url.len() <= "https://".len() {
            return Err(LoyaltyError::invalid("baseUrl", "must be an http(s) URL without query or fragment"));
        }
        let slug_ok = !slug.is_empty()
            && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !slug_ok {
            return Err(LoyaltyError::invalid("slug", "must be made of a-z, 0-9, '-' and '_'"));
        }
        Ok(Endpoint { base_url: base_url.to_string(), slug: slug.to_string() })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The URL of one webhook type.
    pub fn url(&self, kind: WebhookType) -> String {
        format!("{}/integrations/webhooks/{}/{}", self.base_url, self.slug, kind.as_str())
    }
}

/// A signed webhook request of any type. Parameters travel only in the body (the server signs
/// query parameters too), and `Accept: application/json` makes a 401 answer in JSON.
pub fn request(kind: WebhookType, params: impl Params, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    let signed = sign(params, creds)?;
    Ok(Request::new(Method::Post, endpoint.url(kind))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(signed.body))
}

/// `kind` itself when it takes an order.
fn order_type(kind: WebhookType) -> Result<WebhookType> {
    match kind {
        WebhookType::OrdersCompleted | WebhookType::OrdersPaid | WebhookType::OrdersFulfilled | WebhookType::OrdersProcessing => Ok(kind),
        _ => Err(LoyaltyError::invalid("type", format!("{} does not take an order", kind.as_str()))),
    }
}

/// Typed shortcuts, one per webhook.
impl Order {
    /// `orders-completed` (or `OrdersPaid`/`OrdersFulfilled`/`OrdersProcessing` via `kind`).
    pub fn request(&self, kind: WebhookType, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
        request(order_type(kind)?, self, creds, endpoint)
    }
}

impl FullOrder {
    /// `orders-completed` (or `OrdersPaid`/`OrdersFulfilled`/`OrdersProcessing` via `kind`).
    pub fn request(&self, kind: WebhookType, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
        request(order_type(kind)?, self, creds, endpoint)
    }
}

impl Refund {
    /// `refunds-create`.
    pub fn request(&self, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
        request(WebhookType::RefundsCreate, self, creds, endpoint)
    }
}

impl Customer {
    /// `customers-create`.
    pub fn request(&self, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
        request(WebhookType::CustomersCreate, self, creds, endpoint)
    }
}

impl PointsChange {
    /// `points-add` when `add`, else `points-subtract`.
    pub fn request(&self, add: bool, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
        let kind = if add { WebhookType::PointsAdd } else { WebhookType::PointsSubtract };
        request(kind, self, creds, endpoint)
    }
}

/// `orders-cancelled`: rolls back the order's points.
pub fn order_cancelled(order_id: &str, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    if order_id.is_empty() {
        return Err(LoyaltyError::missing("id"));
    }
    let params = Value::Array(Array::from_pairs([("id", Value::str(order_id))]));
    request(WebhookType::OrdersCancelled, params, creds, endpoint)
}

/// `key-verify`: checks the credentials; `now` is the current unix time (the core reads no clock).
pub fn key_verify(now: i64, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    request(WebhookType::KeyVerify, Value::Array(Array::from_pairs([("t", Value::Int(now))])), creds, endpoint)
}

/// `app-installed`: registers the shop's domain for the widget. The server also resets the
/// merchant's settings and deactivates other integrations: send it once, on purpose. Lootly
/// expects it on the `custom-api` slug.
pub fn app_installed(shop_url: &str, api_endpoint: Option<&str>, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    if shop_url.is_empty() {
        return Err(LoyaltyError::missing("shop_url"));
    }
    let mut params = Array::from_pairs([("shop_url", Value::str(shop_url))]);
    if let Some(api) = api_endpoint {
        params.set("api_endpoint", Value::str(api));
    }
    request(WebhookType::AppInstalled, Value::Array(params), creds, endpoint)
}

/// `{…params, "t": now}` as a PHP array, for the endpoints that carry the time.
fn with_time<const N: usize>(params: [(&str, Value); N], now: i64) -> Value {
    let mut array = Array::from_pairs(params);
    array.set("t", Value::Int(now));
    Value::Array(array)
}

fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(LoyaltyError::missing(field));
    }
    Ok(())
}

/// `orders-closed` (sent by Lootly's Magento module), stamped with `now` (unix seconds).
pub fn order_closed(order_id: &str, now: i64, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    required("id", order_id)?;
    request(WebhookType::OrdersClosed, with_time([("id", Value::str(order_id))], now), creds, endpoint)
}

/// `rewards-list`: the rewards customers can spend points on (read the answer with
/// [`read_rewards_list`](super::read_rewards_list)).
pub fn rewards_list(now: i64, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    request(WebhookType::RewardsList, with_time([], now), creds, endpoint)
}

/// `customer`: one customer's points (read the answer with [`read_customer_info`](super::read_customer_info)).
pub fn customer_info(customer_id: &str, now: i64, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    required("customer_id", customer_id)?;
    request(WebhookType::CustomerInfo, with_time([("customer_id", Value::str(customer_id))], now), creds, endpoint)
}

/// `redeem-reward`: spends the customer's points on the reward; the answer holds the coupon code
/// to apply at checkout ([`read_redeemed_reward`](super::read_redeemed_reward)). Not idempotent:
/// sending it twice spends twice.
pub fn redeem_reward(customer_email: &str, reward_id: &Id, now: i64, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    required("customer_email", customer_email)?;
    if matches!(reward_id, Id::Text(t) if t.trim().is_empty()) {
        return Err(LoyaltyError::missing("reward_id"));
    }
    let reward = match reward_id {
        Id::Int(i) => Value::Int(*i),
        Id::Text(t) => Value::str(t),
    };
    let params = with_time([("customer_email", Value::str(customer_email)), ("reward_id", reward)], now);
    request(WebhookType::RedeemReward, params, creds, endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip_through_their_names() {
        for t in WebhookType::ALL {
            assert_eq!(t.as_str().parse::<WebhookType>().unwrap(), t);
        }
        assert_eq!("orders".parse::<WebhookType>().unwrap_err().field(), Some("type"));
    }

    #[test]
    fn the_newer_endpoints_carry_the_time_they_are_given() {
        let creds = Credentials::new("k", "s");
        let endpoint = Endpoint::default();
        let body = |r: Request| r.body.unwrap_or_default();
        let redeem = redeem_reward("a@b.co", &Id::Int(7), 1767225600, &creds, &endpoint).unwrap();
        assert_eq!(redeem.url, "https://lootly.io/integrations/webhooks/common/redeem-reward");
        assert!(body(redeem).starts_with(r#"{"customer_email":"a@b.co","key":"k","reward_id":7,"t":1767225600,"hmac":"#));
        assert!(body(rewards_list(5, &creds, &endpoint).unwrap()).starts_with(r#"{"key":"k","t":5,"hmac":"#));
        assert!(body(customer_info("42", 5, &creds, &endpoint).unwrap()).starts_with(r#"{"customer_id":"42","key":"k","t":5,"#));
        assert!(order_closed("100001", 5, &creds, &endpoint).unwrap().url.ends_with("/orders-closed"));
        assert_eq!(customer_info(" ", 5, &creds, &endpoint).unwrap_err().code(), "missing_field");
        assert_eq!(redeem_reward("a@b.co", &Id::Text("".into()), 5, &creds, &endpoint).unwrap_err().field(), Some("reward_id"));
    }

    #[test]
    fn endpoints_are_checked() {
        assert_eq!(Endpoint::new("http://127.0.0.1:8787/", "custom-api").unwrap().url(WebhookType::KeyVerify),
            "http://127.0.0.1:8787/integrations/webhooks/custom-api/key-verify");
        assert!(Endpoint::new("ftp://x", "common").is_err());
        assert!(Endpoint::new("https://lootly.io", "../x").is_err());
    }
}
