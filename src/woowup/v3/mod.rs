//! WoowUp API v3, the API WoowUp documents today (`https://api.woowup.com/apiv3`): one request
//! builder per endpoint a shop connector uses, the checks the reference documents before
//! sending, the `{payload, message, code, time}` answers as typed outcomes, the rate limit as a
//! sans-I/O [`Pacer`], the retry rule as data ([`retry`]), a sans-I/O [`Pager`], and [`Paced`]:
//! the engine's exchange with its sends paced, what a driver runs.
//!
//! Every request carries `Authorization: Basic {api_key}` (the raw key) and
//! `Accept: application/json`; `GET` parameters travel as PHP's `http_build_query` writes them,
//! bodies as PHP's `json_encode` writes them (what WoowUp's official PHP clients send). Bodies
//! are given as JSON text ([`input`] decodes it the way PHP's `json_decode` does, objects kept as
//! objects), so key order and numbers reach WoowUp as a PHP client would have sent them.
//! A customer's `service_uid` or a sku in a path is `urlencode(base64_encode(…))`; a branch
//! name is `base64_encode(…)` only ([`encode_id`], [`encode_branch_name`]).
//!
//! Decisions where the reference leaves a choice:
//! - Only the identities given are sent (WoowUp's VTEX connector), not the other ones as `""`.
//! - A branch name whose base64 holds `/` is refused rather than sent to a split path.
//! - Points (`POST /multiusers/points`) are never resent blindly ([`retry::Resend::CheckFirst`]);
//!   the flows run under the engine with [`Engine`] (`engine::Policy::WOOWUP`).
//!
//! ```
//! use loyalty_connector::woowup::v3::{input, Client};
//! let client = Client::new("my-api-key").unwrap();
//! let purchase = input(r#"{"invoice_number": "FAC-000123", "email": "ana@example.com", "channel": "in-store",
//!     "purchase_detail": [{"sku": "JCK-001", "product_name": "Jacket", "quantity": 1, "unit_price": 999.99}],
//!     "prices": {"gross": 999.99, "discount": 0, "total": 999.99}}"#).unwrap();
//! let request = client.create_purchase(&purchase).unwrap();
//! assert_eq!(request.url, "https://api.woowup.com/apiv3/purchases");
//! assert_eq!(request.header_value("Authorization"), Some("Basic my-api-key"));
//! assert!(request.body.unwrap().starts_with(r#"{"invoice_number":"FAC-000123","email":"ana@example.com""#));
//! ```

/// docs/woowup-v3.md's examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/woowup-v3.md")]
pub struct GuideDoctests;

mod answer;
mod catalog;
mod check;
mod client;
mod customers;
mod flow;
mod paced;
mod pacing;
mod pages;
mod program;
mod purchases;
mod readers;
pub mod retry;

pub use answer::{read, read_exist, read_items, retry_after_seconds, Answer, Failure, FailureKind};
pub use catalog::{check_branch, check_product};
pub use check::{input, IDENTITIES, MAX_LIMIT};
pub use client::{encode_branch_name, encode_id, Client, ClientConfig, DEFAULT_BASE_URL};
pub use customers::{check_abandoned_cart, check_customer, check_member, Identity, Points, TransactionFilter};
pub use flow::{
    AwardPoints, Engine, OnDuplicate, PointsOutcome, RecordOptions, RecordOrder, ReversalUpdate, RecordOutcome, Reversal, ReverseOrder,
    ReverseOutcome, SkipReason, UnknownCustomer, V3Flow, V3Next, V3Step,
};
pub use paced::{PageFetch, Paced, PagedList};
pub use pacing::{Pacer, REQUESTS_PER_MINUTE};
pub use pages::{Pager, Pages};
pub use program::{check_custom_attribute, check_integration_stats, check_user_event, AttributeOwner, CouponStatus};
pub use readers::{read_customer, read_purchases, read_request_id, read_transaction_id, Customer, Purchase, PurchaseLine};
pub use purchases::{check_purchase, is_sku, CHANNELS, MAX_BULK, MAX_PURCHASE_BODY, PAYMENT_TYPES};
