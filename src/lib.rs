//! # loyalty-connector
//!
//! Builds every request of the WoowUp and Lootly loyalty programs exactly as their PHP servers
//! expect them, and reads their answers. The core performs no I/O: builders return a
//! [`Request`] to hand to any HTTP client, and time, ids and secrets are parameters.
//!
//! - [`php`]: PHP's `json_encode`/`json_decode`/`ksort`/`http_build_query`, byte for byte.
//! - [`lootly`]: signed webhooks, their verification, the read API, validation and the widget.
//! - [`woowup`]: API v2 requests and answers, points rules, the order flows, the registration webhook.
//! - [`woowup::connectors`]: the connectors log (a batch run's statistics) and account stats.
//! - [`batch`]: the end-of-day batch connector: streaming CSV, rows → requests, statistics.
//! - [`engine`]: the one protocol every multi-request exchange runs on: step machines, the
//!   vendors' retry policies and answer classifiers, requests in doubt.
//!
//! ```
//! use loyalty_connector::lootly::{sign, Credentials};
//! let creds = Credentials::new("xxx", "xxx");
//! let signed = sign(r#"{"id":"100001","total_price":"39.99"}"#, &creds).unwrap();
//! assert!(signed.body.ends_with(&format!(r#","hmac":"{}"}}"#, signed.hmac.replace('/', "\\/"))));
//! ```

pub mod batch;
pub mod decimal;
pub mod engine;
pub mod error;
pub mod http;
mod input;
pub mod lootly;
pub mod php;
mod secret;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;
pub mod woowup;

pub use error::{LoyaltyError, Result};
pub use http::{Method, Request};
pub use secret::Secret;

/// The README's examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
