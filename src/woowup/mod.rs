//! WoowUp API v2: one request builder per endpoint, the readers of its answers, the points
//! rules, the connector guides' order flows as step machines, and the registration-validation
//! webhook. API v3, what WoowUp documents today, is [`v3`].
//!
//! Every request is `{base}/{app_id}/{endpoint}` with `Username: {app_id}`,
//! `Apikey: {api_key}` and `Accept: application/json`; parameters travel as PHP's
//! `http_build_query` writes them (form bodies, query strings) or as PHP's `json_encode` writes
//! them (`factura`, `save_category_tree`, `send_transactional_email`). The facts behind each rule,
//! and where WoowUp's pages contradict each other, are in the project's notes on WoowUp.
//!
//! Decisions where the sources disagree:
//! - `precio` in the order detail is the **unit price** (the API reference); one guide calls it
//!   the line total.
//! - POST forms start with `app_id` where the reference's tables list it (`add_points_by_uid`,
//!   `add_sale_points_by_uid`, `cancel_invoice`), as WoowUp's PHP client sends it.
//! - GET parameters are percent-encoded (WoowUp's sample concatenates them raw, which breaks an
//!   email holding `+`).
//! - A lookup answering `status: false` means "no such user", as WoowUp's client reads it, unless
//!   the HTTP code is 401, 403, 429 or 5xx.
//!
//! ```
//! use loyalty_connector::woowup::{Client, AddSalePointsByUid, from_json};
//! let client = Client::new("13", "my-api-key").unwrap();
//! let sale: AddSalePointsByUid = from_json(r#"{"uid": "john+x@doe.com", "points": 100, "nrofactura": "1234",
//!     "factura": [{"codigo": "12", "producto": "prod1", "cantidad": 2, "precio": 10.3}]}"#).unwrap();
//! let request = client.add_sale_points_by_uid(&sale).unwrap();
//! assert_eq!(request.url, "https://admin.woowup.com/apiv2/13/add_sale_points_by_uid");
//! assert_eq!(request.body.as_deref(), Some("app_id=13&uid=john%2Bx%40doe.com&points=100&nrofactura=1234&factura=%5B%7B%22codigo%22%3A%2212%22%2C%22producto%22%3A%22prod1%22%2C%22cantidad%22%3A2%2C%22precio%22%3A10.3%7D%5D"));
//! ```

mod catalog;
pub mod connectors;
mod client;
mod email;
mod fields;
mod flow;
mod invoice;
mod points;
mod program;
mod registration;
mod response;
mod sales;
mod users;
mod validate;
pub mod v3;

pub use catalog::{category_tree, Category, CategoryId, SaveProduct, MAX_CATEGORIES, MAX_CATEGORY_DEPTH};
pub use client::{Client, ClientConfig, DEFAULT_BASE_URL};
pub use crate::decimal::Decimal;
pub use email::{TransactionalEmail, MAX_RECIPIENTS};
pub use fields::from_json;
pub use flow::{CancelOrder, Customer, FindBy, Flow, Next, Order, OrderFlow, Outcome, RewardOptions, RewardOrder, SkipReason, Step, UnknownCustomer};
pub use invoice::{factura_json, InvoiceItem, Variation, MAX_FACTURA};
pub use points::{points, points_from_text, PointsRule, MAX_POINTS};
pub use program::CouponStatus;
pub use registration::{
    accept_registration, read_registration_request, registration_answer, reject_registration, RegistrationForm,
    RegistrationVerdict, MAX_REGISTRATION_BODY,
};
pub use response::{
    read_is_user, read_registered_user, read_response, read_sale_points, read_status, read_top_users,
    read_transaction_id, read_transactions, read_user, read_user_lookup, Lookup, Repeat, Transaction, User,
};
pub use sales::{AddPointsByUid, AddSalePointsByUid};
pub use users::{InitializeUser, IsUser, RegisterUserClassic, UserService, MAX_TOP_USERS};
pub use validate::{MAX_EMAIL_BODY, MAX_ITEMS, MAX_TEXT};
