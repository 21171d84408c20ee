//! `woowup.*`: API v2 requests from a validated client, the readers of WoowUp's answers, the
//! points rules, the reward and cancel flows as step machines for pkg-template/woowup.js to
//! drive with `fetch`, the registration-validation webhook, and the connectors statistics.
//!
//! Two objects live in wasm memory, so that what they hold is checked once and never copied to
//! JavaScript: the client (`WoowupClientHandle`, the app id, API key and base URL validated by
//! `woowupV2`; the key never leaves wasm except in the `Apikey` header of the requests it
//! builds) and a running flow (`WoowupFlow`). The package wraps the client in a JavaScript
//! object that shows only `appId` and `baseUrl`. The connectors' `StatsCollector` is a class too.
//!
//! Field names: what WoowUp reads or writes keeps WoowUp's names (`service_uid`, `nrofactura`,
//! `transaction_id`); the options of this library are camelCase (`appId`, `findBy`), as in
//! `lootly`. Decimals (points, sale points, totals) come out as exact decimal text.

use super::error::JsResult;
use super::input::{bytes, integer, json_text, optional_string, status, string, typed, Fields};
use super::output::{object, request};
use crate::decimal::Decimal as Amount;
use crate::error::{LoyaltyError, Result};
use crate::php::{json_decode, Mode};
use crate::woowup::connectors::{
    self as conn, iso8601_utc, AccountStats, ConnectorsConfig, Entity, LogRecord, LogsQuery, RowError, StatsAuth,
    StatsCollector, StatsQuery, Tally, CONNECTORS_BASE_URL, API_BASE_URL,
};
use crate::woowup::{
    self, AddPointsByUid, AddSalePointsByUid, CancelOrder, Category, Client, CouponStatus, Decimal, FindBy, InitializeUser,
    IsUser, Order, OrderFlow, Outcome, PointsRule, RegisterUserClassic, RegistrationVerdict, RewardOptions, RewardOrder,
    SaveProduct, TransactionalEmail, UnknownCustomer,
};
use crate::engine::{Answer, Exchange, Policy, Response, Step};
use js_sys::{Array, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// ---------------------------------------------------------------------------------------------
// Inputs

/// The core names its configuration fields as WoowUp's JSON does; JavaScript callers gave them
/// in camelCase. Errors on `from` are renamed `to`.
pub(super) fn renamed(e: LoyaltyError, from: &str, to: &str) -> LoyaltyError {
    match e {
        LoyaltyError::MissingField { field } if field == from => LoyaltyError::MissingField { field: to.into() },
        LoyaltyError::InvalidField { field, reason } if field == from => LoyaltyError::InvalidField { field: to.into(), reason },
        other => other,
    }
}

/// Text, or a whole number taken as its digits (`nrofactura: 1034242`), as the core's typed
/// inputs accept them.
pub(super) fn text_or_integer(value: &JsValue, field: &str) -> Result<String> {
    if value.as_f64().is_some() {
        return integer(value, field).map(|n| n.to_string());
    }
    value.as_string().ok_or_else(|| {
        if value.is_undefined() || value.is_null() {
            LoyaltyError::missing(field)
        } else {
            LoyaltyError::invalid(field, "must be text or a whole number")
        }
    })
}

/// An exact decimal from decimal text (`"19.99"`, kept exactly) or a finite number (read
/// through its shortest text, so `19.99` is 19.99).
fn decimal(value: &JsValue, field: &str) -> Result<Decimal> {
    if let Some(text) = value.as_string() {
        return Decimal::parse(&text, field);
    }
    if let Some(number) = value.as_f64() {
        return Decimal::from_f64(number, field);
    }
    if value.is_undefined() || value.is_null() {
        return Err(LoyaltyError::missing(field));
    }
    Err(LoyaltyError::invalid(field, "must be decimal text (\"19.99\") or a number"))
}

/// A whole number from `min` to `u32::MAX`, or `None` when left out.
pub(super) fn optional_count(value: &JsValue, field: &str, min: i64) -> Result<Option<u32>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let n = integer(value, field)?;
    if n < min || n > i64::from(u32::MAX) {
        return Err(LoyaltyError::invalid(field, format!("must be a whole number from {min}")));
    }
    Ok(Some(n as u32))
}

/// A typed input whose `secret` field must never be quoted: serde's type errors show the value
/// they refused (`invalid type: integer 1234`), so they are replaced for that field.
fn typed_with_secret<T: serde::de::DeserializeOwned>(value: &JsValue, field: &str, secret: &str) -> Result<T> {
    typed(value, field).map_err(|e| match e {
        LoyaltyError::InvalidField { field, .. } if field == secret => LoyaltyError::invalid(field, "must be text"),
        other => other,
    })
}

/// The options object of a call, or `None` when it was left out (`undefined` or `null`).
pub(super) fn optional_fields(value: &JsValue, field: &str, known: &[&str]) -> Result<Option<Fields>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Fields::new(value, field, known).map(Some)
}


// ---------------------------------------------------------------------------------------------
// Outputs

/// A serialisable result as a plain JS value, through one JSON text: one boundary crossing
/// however many fields (users, transactions and outcomes have many). Decimals serialise as text.
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|_| LoyaltyError::InvalidResponse { service: "woowup", status: 0, reason: "unrepresentable".into() })?;
    JSON::parse(&text)
}

pub(super) fn optional_text(value: Option<String>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from)
}

// ---------------------------------------------------------------------------------------------
// The client

/// A validated API v2 client. Its methods build one request each, ready for `fetch`.
#[wasm_bindgen(js_name = WoowupClientHandle)]
pub struct ClientHandle {
    client: Client,
}

/// `woowup.v2({ appId, apiKey, baseUrl? })`: the app id (text or a whole number) and API key are
/// checked once here; `baseUrl` defaults to `https://admin.woowup.com/apiv2`.
#[wasm_bindgen(js_name = woowupV2)]
pub fn v2(config: JsValue) -> JsResult<ClientHandle> {
    Ok(ClientHandle { client: client(&config)? })
}

fn client(config: &JsValue) -> Result<Client> {
    let fields = Fields::new(config, "config", &["appId", "apiKey", "baseUrl"])?;
    let app_id = text_or_integer(&fields.get("appId"), "appId")?;
    let api_key = fields.required("apiKey")?;
    let client = Client::new(&app_id, api_key).map_err(|e| renamed(renamed(e, "app_id", "appId"), "api_key", "apiKey"))?;
    match fields.optional("baseUrl")? {
        Some(url) => client.with_base_url(&url).map_err(|e| renamed(e, "base_url", "baseUrl")),
        None => Ok(client),
    }
}

#[wasm_bindgen(js_class = WoowupClientHandle)]
impl ClientHandle {
    #[wasm_bindgen(getter, js_name = appId)]
    pub fn app_id(&self) -> String {
        self.client.app_id().to_string()
    }

    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_string()
    }

    #[wasm_bindgen(js_name = userByEmail)]
    pub fn user_by_email(&self, email: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.user_by_email(&string(&email, "email")?)?))
    }

    #[wasm_bindgen(js_name = userByUid)]
    pub fn user_by_uid(&self, uid: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.user_by_uid(&text_or_integer(&uid, "uid")?)?))
    }

    #[wasm_bindgen(js_name = isUser)]
    pub fn is_user(&self, params: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.is_user(&typed::<IsUser>(&params, "params")?)?))
    }

    #[wasm_bindgen(js_name = topUsersByPoints)]
    pub fn top_users_by_points(&self, limit: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.top_users_by_points(optional_count(&limit, "limit", 1)?)?))
    }

    #[wasm_bindgen(js_name = registerUserClassic)]
    pub fn register_user_classic(&self, user: JsValue) -> JsResult<JsValue> {
        let user: RegisterUserClassic = typed_with_secret(&user, "user", "pass")?;
        Ok(request(self.client.register_user_classic(&user)?))
    }

    #[wasm_bindgen(js_name = initializeUser)]
    pub fn initialize_user(&self, user: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.initialize_user(&typed::<InitializeUser>(&user, "user")?)?))
    }

    #[wasm_bindgen(js_name = addPointsByUid)]
    pub fn add_points_by_uid(&self, params: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.add_points_by_uid(&typed::<AddPointsByUid>(&params, "params")?)?))
    }

    #[wasm_bindgen(js_name = addSalePointsByUid)]
    pub fn add_sale_points_by_uid(&self, sale: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.add_sale_points_by_uid(&typed::<AddSalePointsByUid>(&sale, "sale")?)?))
    }

    #[wasm_bindgen(js_name = cancelInvoice)]
    pub fn cancel_invoice(&self, nrofactura: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.cancel_invoice(&text_or_integer(&nrofactura, "nrofactura")?)?))
    }

    pub fn transactions(&self, userapp_id: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.transactions(&text_or_integer(&userapp_id, "userapp_id")?)?))
    }

    #[wasm_bindgen(js_name = contestSalePoints)]
    pub fn contest_sale_points(&self) -> JsResult<JsValue> {
        Ok(request(self.client.contest_sale_points()?))
    }

    pub fn connectedservices(&self) -> JsResult<JsValue> {
        Ok(request(self.client.connectedservices()?))
    }

    #[wasm_bindgen(js_name = couponStatus)]
    pub fn coupon_status(&self, params: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.coupon_status(&typed::<CouponStatus>(&params, "params")?)?))
    }

    #[wasm_bindgen(js_name = saveProduct)]
    pub fn save_product(&self, product: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.save_product(&typed::<SaveProduct>(&product, "product")?)?))
    }

    #[wasm_bindgen(js_name = saveCategoryTree)]
    pub fn save_category_tree(&self, categories: JsValue) -> JsResult<JsValue> {
        let categories: Vec<Category> = typed(&categories, "categories")?;
        Ok(request(self.client.save_category_tree(&categories)?))
    }

    #[wasm_bindgen(js_name = sendTransactionalEmail)]
    pub fn send_transactional_email(&self, message: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.send_transactional_email(&typed::<TransactionalEmail>(&message, "message")?)?))
    }

    /// The reward flow of one order, checked before anything is sent.
    #[wasm_bindgen(js_name = rewardOrder)]
    pub fn reward_order(&self, order: JsValue, options: JsValue, retry: JsValue) -> JsResult<FlowHandle> {
        let order: Order = typed(&order, "order")?;
        let options = reward_options(&options)?;
        let policy = retry_policy(&retry)?;
        let flow = RewardOrder::new(&self.client, order, options)?;
        Ok(FlowHandle::new(OrderFlow::Reward(Box::new(flow)), policy))
    }

    /// The cancel flow of one purchase.
    #[wasm_bindgen(js_name = cancelOrder)]
    pub fn cancel_order(&self, nrofactura: JsValue, retry: JsValue) -> JsResult<FlowHandle> {
        let policy = retry_policy(&retry)?;
        let flow = CancelOrder::new(&self.client, &text_or_integer(&nrofactura, "nrofactura")?)?;
        Ok(FlowHandle::new(OrderFlow::Cancel(flow), policy))
    }
}

/// WoowUp's policy with the caller's budget: `{ maxAttempts?, baseDelayMs?, maxDelayMs?,
/// maxRateLimitedMs? }` (`maxAttempts: 1` never sends a request twice).
pub(super) fn retry_policy(value: &JsValue) -> Result<Policy> {
    let names = ["maxAttempts", "baseDelayMs", "maxDelayMs", "maxRateLimitedMs"];
    let mut backoff = Policy::WOOWUP.backoff;
    let Some(fields) = optional_fields(value, "retry", &names)? else {
        return Ok(Policy::WOOWUP);
    };
    let number = |name: &str, min: f64, max: f64| -> Result<Option<u64>> {
        let v = fields.get(name);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (min..=max).contains(&n) => Ok(Some(n as u64)),
            _ => Err(LoyaltyError::invalid(format!("retry.{name}"), format!("must be an integer from {min} to {max}"))),
        }
    };
    if let Some(n) = number("maxAttempts", 1.0, 100.0)? {
        backoff.max_attempts = n as u32;
    }
    if let Some(n) = number("baseDelayMs", 0.0, 3_600_000.0)? {
        backoff.base_ms = n;
    }
    if let Some(n) = number("maxDelayMs", 0.0, 3_600_000.0)? {
        backoff.max_ms = n;
    }
    if let Some(n) = number("maxRateLimitedMs", 0.0, 86_400_000.0)? {
        backoff.max_rate_limited_ms = n;
    }
    Ok(Policy::WOOWUP.with_backoff(backoff))
}

/// `{ findBy?, unknownCustomer?, rule?, salePoints? }`, every one optional.
fn reward_options(value: &JsValue) -> Result<RewardOptions> {
    let mut options = RewardOptions::default();
    let Some(fields) = optional_fields(value, "options", &["findBy", "unknownCustomer", "rule", "salePoints"])? else {
        return Ok(options);
    };
    options.find_by = match fields.optional("findBy")?.as_deref() {
        None | Some("email") => FindBy::Email,
        Some("uid") => FindBy::Uid,
        Some(_) => return Err(LoyaltyError::invalid("findBy", "must be \"email\" or \"uid\"")),
    };
    options.unknown_customer = match fields.optional("unknownCustomer")?.as_deref() {
        None | Some("skip") => UnknownCustomer::Skip,
        Some("initialize") => UnknownCustomer::Initialize,
        Some(_) => return Err(LoyaltyError::invalid("unknownCustomer", "must be \"skip\" or \"initialize\"")),
    };
    if let Some(rule) = fields.optional("rule")? {
        options.rule = rule.parse()?;
    }
    let sale_points = fields.get("salePoints");
    if !sale_points.is_undefined() && !sale_points.is_null() {
        let sale_points = decimal(&sale_points, "salePoints")?;
        if sale_points.is_negative() {
            return Err(LoyaltyError::invalid("salePoints", "must not be negative"));
        }
        options.sale_points = Some(sale_points);
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------------
// Flows

/// A running flow under WoowUp's policy (the engine's `Exchange`): `next()` says what to do,
/// `feed(...)`/`lost(...)` hand it each answer, `outcome()` is how it ended. pkg-template's
/// woowup.js only sends, sleeps and reads bodies.
#[wasm_bindgen(js_name = WoowupFlow)]
pub struct FlowHandle {
    exchange: Exchange<OrderFlow>,
    /// The HTTP status of the last answer, reported with a failed outcome (`null` after a lost one).
    status: Option<u16>,
}

impl FlowHandle {
    fn new(flow: OrderFlow, policy: Policy) -> FlowHandle {
        FlowHandle { exchange: Exchange::new(flow, policy), status: None }
    }
}

fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[wasm_bindgen(js_class = WoowupFlow)]
impl FlowHandle {
    /// `{ send: request }`, `{ wait: ms }` or `{ done: true }`.
    pub fn next(&mut self) -> JsResult<JsValue> {
        let o = js_sys::Object::new();
        let (key, value) = match self.exchange.next() {
            Step::Send(req) => ("send", request(req)),
            Step::Wait(ms) => ("wait", JsValue::from(ms as f64)),
            Step::Done(_) => ("done", JsValue::TRUE),
        };
        Reflect::set(&o, &key.into(), &value)?;
        Ok(o.into())
    }

    /// The answer to the last `send`: its status, its `Retry-After` header (or null) and body.
    pub fn feed(&mut self, status: JsValue, retry_after: Option<String>, body: JsValue) -> JsResult<()> {
        let status = self::status(&status)?;
        let mut response = Response::new(status, string(&body, "body")?);
        if let Some(v) = retry_after {
            response = response.with_header("retry-after", &v);
        }
        self.status = Some(status);
        self.exchange.feed(Answer::Response(response), now_unix(), js_sys::Math::random());
        Ok(())
    }

    /// No answer to the last `send`: `kind` is "timeout" or "network"; `message` describes it
    /// (no URL query, no body).
    pub fn lost(&mut self, kind: &str, message: String) {
        self.status = None;
        let answer = if kind == "timeout" { Answer::timeout(message) } else { Answer::network(message) };
        self.exchange.feed(answer, now_unix(), js_sys::Math::random());
    }

    /// The step whose request is pending (`"find_customer"`, …), `undefined` once done.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> JsResult<JsValue> {
        self.exchange.machine().step().map_or(Ok(JsValue::UNDEFINED), |s| to_js(&s))
    }

    /// How the flow ended (`Outcome::to_json`, plus `status` on a failure), `undefined` before.
    pub fn outcome(&mut self) -> JsResult<JsValue> {
        let Step::Done(outcome) = self.exchange.next() else {
            return Ok(JsValue::UNDEFINED);
        };
        let value = JSON::parse(&outcome.to_json())?;
        if let Outcome::Failed { .. } = outcome {
            let status = self.status.map_or(JsValue::NULL, JsValue::from);
            Reflect::set(&value, &"status".into(), &status)?;
        }
        Ok(value)
    }
}

// ---------------------------------------------------------------------------------------------
// Points

/// `woowup.points(total, salePoints, rule?)`: the points `total` earns, as exact decimal text.
#[wasm_bindgen(js_name = woowupPoints)]
pub fn points(total: JsValue, sale_points: JsValue, rule: JsValue) -> JsResult<String> {
    let total = decimal(&total, "total")?;
    let sale_points = decimal(&sale_points, "salePoints")?;
    let rule = match optional_string(&rule, "rule")? {
        Some(rule) => rule.parse()?,
        None => PointsRule::default(),
    };
    let points = woowup::points(total, sale_points, rule).map_err(|e| renamed(e, "sale_points", "salePoints"))?;
    Ok(points.to_string())
}

// ---------------------------------------------------------------------------------------------
// Readers

pub(super) fn answer(status: &JsValue, body: &JsValue) -> Result<(u16, String)> {
    Ok((self::status(status)?, string(body, "body")?))
}

/// Any answer: the envelope's `data` (its message when there is none), or a bare list.
#[wasm_bindgen(js_name = woowupReadResponse)]
pub fn read_response(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&woowup::read_response(status, &body)?)
}

/// WoowUp's text of an answer that only says it worked (`coupon_status`, `save_product`, …).
#[wasm_bindgen(js_name = woowupReadStatus)]
pub fn read_status(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    Ok(optional_text(woowup::read_status(status, &body)?))
}

/// `{ kind: "found", user }` or `{ kind: "not_found", message }`.
#[wasm_bindgen(js_name = woowupReadUserLookup)]
pub fn read_user_lookup(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&woowup::read_user_lookup(status, &body)?)
}

#[wasm_bindgen(js_name = woowupReadUser)]
pub fn read_user(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&woowup::read_user(status, &body)?)
}

#[wasm_bindgen(js_name = woowupReadRegisteredUser)]
pub fn read_registered_user(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&woowup::read_registered_user(status, &body)?)
}

#[wasm_bindgen(js_name = woowupReadIsUser)]
pub fn read_is_user(status: JsValue, body: JsValue) -> JsResult<bool> {
    let (status, body) = answer(&status, &body)?;
    Ok(woowup::read_is_user(status, &body)?)
}

#[wasm_bindgen(js_name = woowupReadTopUsers)]
pub fn read_top_users(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&woowup::read_top_users(status, &body)?)
}

#[wasm_bindgen(js_name = woowupReadTransactions)]
pub fn read_transactions(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&woowup::read_transactions(status, &body)?)
}

/// `data.transaction_id` as text, `null` when a successful answer carries none.
#[wasm_bindgen(js_name = woowupReadTransactionId)]
pub fn read_transaction_id(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    Ok(optional_text(woowup::read_transaction_id(status, &body)?))
}

/// `data.contest_sale_points` as decimal text, `null` when absent.
#[wasm_bindgen(js_name = woowupReadSalePoints)]
pub fn read_sale_points(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    Ok(optional_text(woowup::read_sale_points(status, &body)?.map(|d| d.to_string())))
}

// ---------------------------------------------------------------------------------------------
// The registration-validation webhook

/// WoowUp's request body (text or bytes) as `{ answers, texts }`: the answers as PHP decoded
/// them, and the text of each answer that has one (`30` → `"30"`, `true` → `"1"`).
#[wasm_bindgen(js_name = woowupReadRegistrationRequest)]
pub fn read_registration_request(body: JsValue) -> JsResult<JsValue> {
    let body = String::from_utf8(bytes(&body, "body")?).map_err(|_| LoyaltyError::invalid("body", "is not UTF-8"))?;
    let form = woowup::read_registration_request(&body)?;
    let answers = JSON::parse(&form.to_json()?)?;
    let texts = js_sys::Object::new();
    for (name, _) in form.answers() {
        if let Some(text) = form.text(name) {
            Reflect::set(&texts, &name.into(), &text.into())?;
        }
    }
    Ok(object(&[("answers", answers), ("texts", texts.into())]))
}

/// `{ accept: true }` or `{ accept: false, message }` as the answer to send back:
/// `{ status: 200, headers, body }`, ready for `new Response(answer.body, answer)`.
#[wasm_bindgen(js_name = woowupRegistrationAnswer)]
pub fn registration_answer(verdict: JsValue) -> JsResult<JsValue> {
    let fields = Fields::new(&verdict, "verdict", &["accept", "message"])?;
    let verdict = match fields.get("accept").as_bool() {
        Some(true) => {
            if fields.optional("message")?.is_some() {
                return Err(LoyaltyError::invalid("message", "is shown only when the registration is refused").into());
            }
            RegistrationVerdict::Accept
        }
        Some(false) => RegistrationVerdict::Reject { message: fields.required("message")? },
        None if fields.get("accept").is_undefined() => return Err(LoyaltyError::missing("accept").into()),
        None => return Err(LoyaltyError::invalid("accept", "must be true or false").into()),
    };
    let body = woowup::registration_answer(&verdict)?;
    let headers = object(&[("Content-Type", "application/json".into())]);
    Ok(object(&[("status", 200.into()), ("headers", headers), ("body", body.into())]))
}

// ---------------------------------------------------------------------------------------------
// Connectors

/// `{ apiKey, connectorsBaseUrl?, apiBaseUrl?, statsAuth? }`.
fn connectors_config(value: &JsValue) -> Result<ConnectorsConfig> {
    let fields = Fields::new(value, "config", &["apiKey", "connectorsBaseUrl", "apiBaseUrl", "statsAuth"])?;
    let mut config = ConnectorsConfig::new(fields.required("apiKey")?);
    let url = |name: &str, default: &str| -> Result<String> {
        crate::http::base_url(&fields.optional(name)?.unwrap_or_else(|| default.to_string()), name)
    };
    config.connectors_base_url = url("connectorsBaseUrl", CONNECTORS_BASE_URL)?;
    config.api_base_url = url("apiBaseUrl", API_BASE_URL)?;
    config.stats_auth = match fields.optional("statsAuth")?.as_deref() {
        None | Some("basic") => StatsAuth::Basic,
        Some("bearer") => StatsAuth::Bearer,
        Some(_) => return Err(LoyaltyError::invalid("statsAuth", "must be \"basic\" or \"bearer\"")),
    };
    Ok(config)
}

fn connectors_error(e: LoyaltyError) -> LoyaltyError {
    renamed(e, "api_key", "apiKey")
}

fn entity(value: &JsValue, field: &str) -> Result<Entity> {
    let name = string(value, field)?;
    Entity::parse(&name).ok_or_else(|| LoyaltyError::invalid(field, "must be customers, purchases, products or branches"))
}

/// `POST {connectors}/v1/log` with a payload from `StatsCollector.payload()` (object or JSON
/// text), written by PHP's `json_encode`.
#[wasm_bindgen(js_name = woowupConnectorsLogRequest)]
pub fn log_request(config: JsValue, payload: JsValue) -> JsResult<JsValue> {
    let config = connectors_config(&config)?;
    let payload = json_decode(&json_text(&payload, "payload")?, Mode::Objects)?;
    Ok(request(conn::log_request(&config, &payload).map_err(connectors_error)?))
}

/// `GET {connectors}/v1/logs?entity&page&limit&from&to`.
#[wasm_bindgen(js_name = woowupConnectorsLogsRequest)]
pub fn logs_request(config: JsValue, query: JsValue) -> JsResult<JsValue> {
    let config = connectors_config(&config)?;
    let mut q = LogsQuery::default();
    if let Some(fields) = optional_fields(&query, "query", &["entity", "page", "limit", "from", "to"])? {
        let raw = fields.get("entity");
        if !raw.is_undefined() && !raw.is_null() {
            q.entity = Some(entity(&raw, "entity")?);
        }
        q.page = optional_count(&fields.get("page"), "page", 0)?;
        q.limit = optional_count(&fields.get("limit"), "limit", 1)?;
        q.from = fields.optional("from")?;
        q.to = fields.optional("to")?;
    }
    Ok(request(conn::logs_request(&config, &q).map_err(connectors_error)?))
}

/// `GET {api}/apiv3/stats?from&to&branch`.
#[wasm_bindgen(js_name = woowupConnectorsStatsRequest)]
pub fn stats_request(config: JsValue, query: JsValue) -> JsResult<JsValue> {
    let config = connectors_config(&config)?;
    let mut q = StatsQuery::default();
    if let Some(fields) = optional_fields(&query, "query", &["from", "to", "branch"])? {
        q.from = fields.optional("from")?;
        q.to = fields.optional("to")?;
        q.branch = fields.optional("branch")?;
    }
    Ok(request(conn::stats_request(&config, &q).map_err(connectors_error)?))
}

fn record_json(record: &LogRecord) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut stats = Map::new();
    for (entity, counts) in &record.stats {
        let rows: Vec<Value> = counts
            .per_branches
            .iter()
            .map(|b| {
                json!({"branch": b.branch, "created": b.created, "updated": b.updated, "failed": b.failed,
                       "revenue": b.revenue, "invoice_items": b.invoice_items})
            })
            .collect();
        stats.insert(
            entity.as_str().to_string(),
            json!({"created": counts.created, "updated": counts.updated, "failed": counts.failed,
                   "revenue": counts.revenue, "invoice_items": counts.invoice_items, "per_branches": rows}),
        );
    }
    json!({"files": record.files, "processingtime": record.processingtime, "createtime": record.createtime, "stats": stats})
}

fn account_json(stats: &AccountStats) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = stats.per_branches.iter().map(account_json).collect();
    serde_json::json!({"branch": stats.branch, "total_customers": stats.total_customers,
        "total_purchases": stats.total_purchases, "total_revenue": stats.total_revenue,
        "total_invoice_items": stats.total_invoice_items, "per_branches": rows})
}

/// The record `POST /v1/log` echoes, or `null` when its 2xx answer holds none.
#[wasm_bindgen(js_name = woowupConnectorsReadLogResponse)]
pub fn read_log_response(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    match conn::read_log_response(status, &body)? {
        Some(record) => to_js(&record_json(&record)),
        None => Ok(JsValue::NULL),
    }
}

#[wasm_bindgen(js_name = woowupConnectorsReadLogsResponse)]
pub fn read_logs_response(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    let records: Vec<serde_json::Value> = conn::read_logs_response(status, &body)?.iter().map(record_json).collect();
    to_js(&records)
}

#[wasm_bindgen(js_name = woowupConnectorsReadStatsResponse)]
pub fn read_stats_response(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&account_json(&conn::read_stats_response(status, &body)?))
}

/// The statistics of a batch run, written as the connectors log payload.
#[wasm_bindgen(js_name = WoowupStatsCollector)]
pub struct Collector {
    inner: StatsCollector,
}

/// `{ entity, branch?, revenue?, items? }`: what one row adds besides its outcome.
fn tally(value: &JsValue) -> Result<Tally> {
    let fields = Fields::new(value, "tally", &["entity", "branch", "revenue", "items"])?;
    let mut tally = Tally::new(entity(&fields.get("entity"), "entity")?, fields.optional("branch")?);
    let revenue = fields.get("revenue");
    if !revenue.is_undefined() && !revenue.is_null() {
        let text = match revenue.as_f64() {
            Some(n) if n.is_finite() => n.to_string(),
            Some(_) => return Err(LoyaltyError::NonFiniteNumber { field: "revenue".into() }),
            None => string(&revenue, "revenue")?,
        };
        tally.revenue = Amount::parse_with_separator(&text, '.')
            .ok_or_else(|| LoyaltyError::invalid("revenue", "must be decimal text (\"19.99\", at most 9 decimals) or a number"))?;
    }
    if let Some(items) = optional_count(&fields.get("items"), "items", 0)? {
        tally.items = u64::from(items);
    }
    Ok(tally)
}

fn row_outcome(value: &JsValue) -> Result<conn::Outcome> {
    conn::Outcome::parse(&string(value, "outcome")?)
        .ok_or_else(|| LoyaltyError::invalid("outcome", "must be created, updated or failed"))
}

fn row_error_json(e: &RowError) -> serde_json::Value {
    serde_json::json!({"entity": e.entity.as_str(), "file": e.file, "line": e.line, "key": e.key, "reason": e.reason})
}

#[wasm_bindgen(js_class = WoowupStatsCollector)]
impl Collector {
    /// A collector keeping at most `maxErrors` failed rows (10 000 unless given; all are counted).
    #[wasm_bindgen(constructor)]
    pub fn new(max_errors: JsValue) -> JsResult<Collector> {
        let inner = match optional_count(&max_errors, "maxErrors", 0)? {
            Some(max) => StatsCollector::with_max_errors(max as usize),
            None => StatsCollector::new(),
        };
        Ok(Collector { inner })
    }

    /// Declares a processed file: its name goes to `files`, its entity to `stats`.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, entity: JsValue, name: JsValue) -> JsResult<()> {
        let entity = self::entity(&entity, "entity")?;
        let name = string(&name, "name")?;
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(LoyaltyError::invalid("name", "must be a file name without control characters").into());
        }
        self.inner.add_file(entity, &name);
        Ok(())
    }

    /// Counts one row: `"created"`, `"updated"` or `"failed"`.
    pub fn record(&mut self, tally: JsValue, outcome: JsValue) -> JsResult<()> {
        let (tally, outcome) = (self::tally(&tally)?, row_outcome(&outcome)?);
        Ok(self.inner.record(&tally, outcome)?)
    }

    /// Counts a failed row and keeps `{ file, line, key?, reason }`.
    #[wasm_bindgen(js_name = recordFailure)]
    pub fn record_failure(&mut self, tally: JsValue, error: JsValue) -> JsResult<()> {
        let tally = self::tally(&tally)?;
        let fields = Fields::new(&error, "error", &["file", "line", "key", "reason"])?;
        let line = integer(&fields.get("line"), "line")?;
        if line < 1 {
            return Err(LoyaltyError::invalid("line", "must be a line number from 1").into());
        }
        let error = RowError {
            entity: tally.entity,
            file: fields.required("file")?,
            line: line as u64,
            key: fields.optional("key")?,
            reason: fields.required("reason")?,
        };
        Ok(self.inner.record_failure(&tally, error)?)
    }

    /// The log payload for `logRequest`; `processingtime` is ISO-8601 text or a `Date`, the
    /// current time when left out (the binding reads the clock, the core never does).
    pub fn payload(&self, processingtime: JsValue) -> JsResult<JsValue> {
        let time = if processingtime.is_undefined() {
            iso8601_utc((js_sys::Date::now() / 1000.0).floor() as i64)
        } else if let Some(date) = processingtime.dyn_ref::<js_sys::Date>() {
            let ms = date.get_time();
            if !ms.is_finite() {
                return Err(LoyaltyError::invalid("processingtime", "is an invalid Date").into());
            }
            iso8601_utc((ms / 1000.0).floor() as i64)
        } else {
            string(&processingtime, "processingtime")?
        };
        JSON::parse(&self.inner.payload_json(&time)?)
    }

    /// `{ created, updated, failed }` of an entity, all branches.
    pub fn totals(&self, entity: JsValue) -> JsResult<JsValue> {
        let (created, updated, failed) = self.inner.totals(self::entity(&entity, "entity")?);
        Ok(object(&[("created", (created as f64).into()), ("updated", (updated as f64).into()), ("failed", (failed as f64).into())]))
    }

    /// The failed rows kept, in the order recorded: `[{ entity, file, line, key, reason }]`.
    pub fn errors(&self) -> JsResult<JsValue> {
        let errors: Vec<serde_json::Value> = self.inner.errors().iter().map(row_error_json).collect();
        to_js(&errors)
    }

    /// Failed rows counted but not kept (beyond `maxErrors`).
    #[wasm_bindgen(getter, js_name = errorsDropped)]
    pub fn errors_dropped(&self) -> f64 {
        self.inner.errors_dropped() as f64
    }

    /// The files declared, in order.
    #[wasm_bindgen(getter)]
    pub fn files(&self) -> Array {
        self.inner.files().iter().map(|f| JsValue::from(f.as_str())).collect()
    }

    /// The exact revenue of the purchases that reached WoowUp, before rounding, as decimal text.
    #[wasm_bindgen(getter, js_name = exactRevenue)]
    pub fn exact_revenue(&self) -> String {
        self.inner.exact_revenue().to_string()
    }
}
