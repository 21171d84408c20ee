//! Lootly: signed webhooks (orders, refunds, customers, points), their verification, the read
//! API, the server's order validation rules, its responses, and the widget.
//!
//! The facts behind every rule here are in the project's notes on the Lootly server: it decodes
//! the body into PHP arrays, drops `hmac` and `_url`, `ksort`s the top level, re-encodes with
//! `json_encode` and compares an HMAC-SHA256 of that text.

mod coupons;
mod incoming;
mod order;
mod read_api;
mod response;
mod rewards;
mod signature;
mod webhook;
mod widget;

pub use coupons::coupon_csv;
pub use incoming::{verify_incoming, verify_redeem_reward, Freshness, Incoming, Rejected, Verified};
pub use order::{validate_order, Address, Category, Customer, FullOrder, Id, Order, PointsChange, Problem, Product, Refund};
pub use read_api::{point_balance, point_balances, read_point_balance, read_point_balances};
pub use response::{read_response, Meaning, Response};
pub use rewards::{read_customer_info, read_redeemed_reward, read_rewards_list, CustomerInfo, Reward};
pub use signature::{customer_signature, hmac_base64, hmac_sha256, shop_id, sign, verify, Signed};
pub use webhook::{
    app_installed, customer_info, key_verify, order_cancelled, order_closed, redeem_reward, request, rewards_list, Endpoint, WebhookType,
};
pub use widget::{escape_html, script_tag, script_url, widget_html, widget_props, WidgetProps, DEFAULT_PROVIDER};

use crate::error::Result;
use crate::php::{json_decode, Mode, Value};
use crate::secret::Secret;

/// A merchant's API key and secret (Lootly → Integrations → Custom API), and the HMAC-SHA256
/// that signs with them.
#[derive(Clone)]
pub struct Credentials {
    pub api_key: String,
    pub api_secret: Secret,
    hmac: HmacSha256,
    server_php: ServerPhp,
}

/// Which PHP the Lootly server runs, for the key order of what is signed. PHP 7 and PHP 8 sort
/// some top-level keys differently (an integer-like key such as `"10"` against a name such as
/// `"id"`), and which one the live service runs is not known: by default ([`ServerPhp::Either`])
/// a payload whose order differs is refused (`php_version_dependent`); naming the version signs
/// it for that version only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ServerPhp {
    /// Unknown: sign only what PHP 7 and PHP 8 servers both verify.
    #[default]
    Either,
    Php7,
    Php8,
}

/// HMAC-SHA256 of `data` under `key`, the 32 raw bytes.
pub type HmacSha256 = fn(key: &[u8], data: &[u8]) -> [u8; 32];

impl Credentials {
    /// Credentials that sign with the core's own HMAC-SHA256.
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<Secret>) -> Self {
        Credentials {
            api_key: api_key.into(),
            api_secret: api_secret.into(),
            hmac: signature::hmac_sha256,
            server_php: ServerPhp::Either,
        }
    }

    /// The same credentials for a server known to run this PHP version (see [`ServerPhp`]).
    pub fn for_server_php(self, server_php: ServerPhp) -> Self {
        Credentials { server_php, ..self }
    }

    /// The PHP version the signatures are made for.
    pub fn server_php(&self) -> ServerPhp {
        self.server_php
    }

    /// The same credentials signing with another implementation of the very same HMAC-SHA256,
    /// such as a platform's native one (the npm package's Node entry uses `node:crypto`, which
    /// hashes with the CPU's SHA instructions; wasm has none).
    pub fn with_hmac(self, hmac: HmacSha256) -> Self {
        Credentials { hmac, ..self }
    }

    /// The HMAC-SHA256 function these credentials sign with.
    pub fn hmac(&self) -> HmacSha256 {
        self.hmac
    }

    /// Base64 of HMAC-SHA256(api_secret, text), as PHP's
    /// `base64_encode(hash_hmac('sha256', $text, $secret, true))`.
    pub fn hmac_base64(&self, text: &str) -> String {
        signature::base64((self.hmac)(self.api_secret.expose().as_bytes(), text.as_bytes()))
    }
}

/// The key and the redacted secret; which implementation computes the HMAC is no one's concern.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("api_key", &self.api_key).field("api_secret", &self.api_secret).finish_non_exhaustive()
    }
}

/// Equal when key, secret and server PHP are: which implementation computes the HMAC does not matter.
impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        self.api_key == other.api_key && self.api_secret == other.api_secret && self.server_php == other.server_php
    }
}

impl Eq for Credentials {}

/// A webhook payload: JSON text (key order and exact numbers kept), a PHP value, or one of the
/// typed inputs ([`Order`], [`FullOrder`], [`Refund`], [`Customer`], [`PointsChange`]).
pub trait Params {
    /// The payload as a PHP value.
    fn into_php(self) -> Result<Value>;

    /// The payload's JSON text, when it is text: [`sign`] then tries its fast path first.
    fn json_text(&self) -> Option<&str> {
        None
    }
}

impl Params for &str {
    fn into_php(self) -> Result<Value> {
        json_decode(self, Mode::Assoc)
    }

    fn json_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl Params for &String {
    fn into_php(self) -> Result<Value> {
        json_decode(self, Mode::Assoc)
    }

    fn json_text(&self) -> Option<&str> {
        Some(self.as_str())
    }
}

impl Params for Value {
    fn into_php(self) -> Result<Value> {
        Ok(self)
    }
}

impl Params for &Value {
    fn into_php(self) -> Result<Value> {
        Ok(self.clone())
    }
}
