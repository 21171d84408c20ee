//! `lootly.*`: signed webhooks and their verification, the read API, validation, the widget.

use super::error::JsResult;
use super::input::{bytes, integer, json_text, optional_string, status, string, strings, typed, Fields};
use super::output::{object, optional, request, signed};
use crate::error::{LoyaltyError, Result};
use crate::lootly::{
    self, Credentials, Customer, Endpoint, FullOrder, PointsChange, Refund, ServerPhp, WebhookType, WidgetProps, DEFAULT_PROVIDER,
};
use crate::php::{json_decode, Mode};
use wasm_bindgen::prelude::*;

/// `{ apiKey, apiSecret, baseUrl?, slug?, serverPhp? }`: the credentials and where the requests go.
fn options(value: &JsValue, default_slug: &str) -> Result<(Credentials, Endpoint)> {
    let fields = Fields::new(value, "options", &["apiKey", "apiSecret", "baseUrl", "slug", "serverPhp"])?;
    let creds = super::platform::credentials(fields.required("apiKey")?, fields.required("apiSecret")?)
        .for_server_php(server_php(&fields.get("serverPhp"))?);
    let base_url = fields.optional("baseUrl")?;
    let slug = fields.optional("slug")?;
    let endpoint = Endpoint::new(base_url.as_deref().unwrap_or(DEFAULT_PROVIDER), slug.as_deref().unwrap_or(default_slug))?;
    Ok((creds, endpoint))
}

/// `serverPhp`: 7 or 8, the PHP major version the Lootly server runs; unknown when left out.
fn server_php(value: &JsValue) -> Result<ServerPhp> {
    if value.is_undefined() || value.is_null() {
        return Ok(ServerPhp::Either);
    }
    match integer(value, "serverPhp") {
        Ok(7) => Ok(ServerPhp::Php7),
        Ok(8) => Ok(ServerPhp::Php8),
        _ => Err(LoyaltyError::invalid("serverPhp", "must be 7 or 8 (leave it out when unknown)")),
    }
}

/// The slug of every webhook but `app-installed`.
const COMMON: &str = "common";

#[wasm_bindgen(js_name = lootlyShopId)]
pub fn shop_id(shop_domain: JsValue, api_secret: JsValue) -> JsResult<String> {
    Ok(lootly::shop_id(&string(&shop_domain, "shopDomain")?, &string(&api_secret, "apiSecret")?))
}

#[wasm_bindgen(js_name = lootlyCustomerSignature)]
pub fn customer_signature(customer_id: JsValue, api_secret: JsValue) -> JsResult<String> {
    Ok(lootly::customer_signature(&string(&customer_id, "customerId")?, &string(&api_secret, "apiSecret")?))
}

/// `{ canonical, hmac, body }` of a payload given as JSON text or a plain object.
#[wasm_bindgen(js_name = lootlySign)]
pub fn sign(params: JsValue, options: JsValue) -> JsResult<JsValue> {
    let (creds, _) = self::options(&options, COMMON)?;
    Ok(signed(lootly::sign(&json_text(&params, "params")?, &creds)?))
}

/// Whether a received body (string, Uint8Array or ArrayBuffer) carries a valid `hmac`.
#[wasm_bindgen(js_name = lootlyVerify)]
pub fn verify(body: JsValue, api_secret: JsValue) -> JsResult<bool> {
    Ok(lootly::verify(&bytes(&body, "body")?, &string(&api_secret, "apiSecret")?))
}

/// A signed webhook request of any type (`"orders-completed"`, `"refunds-create"`, …).
#[wasm_bindgen(js_name = lootlyRequest)]
pub fn webhook(kind: JsValue, params: JsValue, options: JsValue) -> JsResult<JsValue> {
    let kind: WebhookType = string(&kind, "type")?.parse()?;
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::request(kind, &json_text(&params, "params")?, &creds, &endpoint)?))
}

fn order(kind: WebhookType, order: JsValue, options: JsValue) -> JsResult<JsValue> {
    let order: FullOrder = typed(&order, "order")?;
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(order.request(kind, &creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyOrderCompleted)]
pub fn order_completed(order: JsValue, options: JsValue) -> JsResult<JsValue> {
    self::order(WebhookType::OrdersCompleted, order, options)
}

#[wasm_bindgen(js_name = lootlyOrderPaid)]
pub fn order_paid(order: JsValue, options: JsValue) -> JsResult<JsValue> {
    self::order(WebhookType::OrdersPaid, order, options)
}

#[wasm_bindgen(js_name = lootlyOrderFulfilled)]
pub fn order_fulfilled(order: JsValue, options: JsValue) -> JsResult<JsValue> {
    self::order(WebhookType::OrdersFulfilled, order, options)
}

#[wasm_bindgen(js_name = lootlyOrderProcessing)]
pub fn order_processing(order: JsValue, options: JsValue) -> JsResult<JsValue> {
    self::order(WebhookType::OrdersProcessing, order, options)
}

#[wasm_bindgen(js_name = lootlyOrderCancelled)]
pub fn order_cancelled(order_id: JsValue, options: JsValue) -> JsResult<JsValue> {
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::order_cancelled(&string(&order_id, "orderId")?, &creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyRefund)]
pub fn refund(refund: JsValue, options: JsValue) -> JsResult<JsValue> {
    let refund: Refund = typed(&refund, "refund")?;
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(refund.request(&creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyCustomer)]
pub fn customer(customer: JsValue, options: JsValue) -> JsResult<JsValue> {
    let customer: Customer = typed(&customer, "customer")?;
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(customer.request(&creds, &endpoint)?))
}

fn points(add: bool, change: JsValue, options: JsValue) -> JsResult<JsValue> {
    let change: PointsChange = typed(&change, "change")?;
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(change.request(add, &creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyPointsAdd)]
pub fn points_add(change: JsValue, options: JsValue) -> JsResult<JsValue> {
    points(true, change, options)
}

#[wasm_bindgen(js_name = lootlyPointsSubtract)]
pub fn points_subtract(change: JsValue, options: JsValue) -> JsResult<JsValue> {
    points(false, change, options)
}

/// `key-verify`, stamped with `now` (unix seconds), or with the current time when left out:
/// the binding reads the clock so that the core never does.
#[wasm_bindgen(js_name = lootlyKeyVerify)]
pub fn key_verify(options: JsValue, now: JsValue) -> JsResult<JsValue> {
    let (creds, endpoint) = self::options(&options, COMMON)?;
    let now = if now.is_undefined() { (js_sys::Date::now() / 1000.0).floor() as i64 } else { integer(&now, "now")? };
    Ok(request(lootly::key_verify(now, &creds, &endpoint)?))
}

/// `now` (unix seconds) as given, or the current time when left out: the binding reads the
/// clock so that the core never does.
fn now_or_clock(now: &JsValue) -> Result<i64> {
    if now.is_undefined() {
        Ok((js_sys::Date::now() / 1000.0).floor() as i64)
    } else {
        integer(now, "now")
    }
}

#[wasm_bindgen(js_name = lootlyOrderClosed)]
pub fn order_closed(order_id: JsValue, options: JsValue, now: JsValue) -> JsResult<JsValue> {
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::order_closed(&string(&order_id, "orderId")?, now_or_clock(&now)?, &creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyRewardsList)]
pub fn rewards_list(options: JsValue, now: JsValue) -> JsResult<JsValue> {
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::rewards_list(now_or_clock(&now)?, &creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyCustomerInfo)]
pub fn customer_info(customer_id: JsValue, options: JsValue, now: JsValue) -> JsResult<JsValue> {
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::customer_info(&string(&customer_id, "customerId")?, now_or_clock(&now)?, &creds, &endpoint)?))
}

/// `redeem-reward` from `{ customerEmail, rewardId }` (`rewardId` text or an integer).
#[wasm_bindgen(js_name = lootlyRedeemReward)]
pub fn redeem_reward(redeem: JsValue, options: JsValue, now: JsValue) -> JsResult<JsValue> {
    let fields = Fields::new(&redeem, "redeem", &["customerEmail", "rewardId"])?;
    let email = fields.required("customerEmail")?;
    let reward = fields.get("rewardId");
    let reward_id = if reward.is_string() { lootly::Id::Text(string(&reward, "rewardId")?) } else { lootly::Id::Int(integer(&reward, "rewardId")?) };
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::redeem_reward(&email, &reward_id, now_or_clock(&now)?, &creds, &endpoint)?))
}

fn id_to_js(id: lootly::Id) -> JsValue {
    match id {
        lootly::Id::Int(i) => (i as f64).into(),
        lootly::Id::Text(t) => t.into(),
    }
}

/// `[{ rewardId, rewardName, pointsRequired, minimumOrderAmount? }]`; a refusal is thrown as `remote_error`.
#[wasm_bindgen(js_name = lootlyReadRewardsList)]
pub fn read_rewards_list(status: JsValue, body: JsValue) -> JsResult<js_sys::Array> {
    let rewards = lootly::read_rewards_list(self::status(&status)?, &string(&body, "body")?)?;
    Ok(rewards
        .into_iter()
        .map(|r| {
            object(&[
                ("rewardId", id_to_js(r.reward_id)),
                ("rewardName", r.reward_name.into()),
                ("pointsRequired", (r.points_required as f64).into()),
                ("minimumOrderAmount", optional(r.minimum_order_amount)),
            ])
        })
        .collect())
}

/// `{ points }` of a `customer` answer.
#[wasm_bindgen(js_name = lootlyReadCustomerInfo)]
pub fn read_customer_info(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let info = lootly::read_customer_info(self::status(&status)?, &string(&body, "body")?)?;
    Ok(object(&[("points", (info.points as f64).into())]))
}

/// `{ couponCode }` of a `redeem-reward` answer.
#[wasm_bindgen(js_name = lootlyReadRedeemedReward)]
pub fn read_redeemed_reward(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let code = lootly::read_redeemed_reward(self::status(&status)?, &string(&body, "body")?)?;
    Ok(object(&[("couponCode", code.into())]))
}

/// `app-installed` from `{ shopUrl, apiEndpoint? }`, on the `custom-api` slug unless told otherwise.
#[wasm_bindgen(js_name = lootlyAppInstalled)]
pub fn app_installed(install: JsValue, options: JsValue) -> JsResult<JsValue> {
    let fields = Fields::new(&install, "install", &["shopUrl", "apiEndpoint"])?;
    let (shop_url, api_endpoint) = (fields.required("shopUrl")?, fields.optional("apiEndpoint")?);
    let (creds, endpoint) = self::options(&options, "custom-api")?;
    Ok(request(lootly::app_installed(&shop_url, api_endpoint.as_deref(), &creds, &endpoint)?))
}

/// Every reason Lootly's server would drop this order: `[{ field, code, message }]`.
#[wasm_bindgen(js_name = lootlyValidateOrder)]
pub fn validate_order(order: JsValue) -> JsResult<js_sys::Array> {
    let order = json_decode(&json_text(&order, "order")?, Mode::Assoc)?;
    let problems = lootly::validate_order(&order).into_iter().map(|p| {
        object(&[("field", p.field.into()), ("code", p.code.into()), ("message", p.message.into())])
    });
    Ok(problems.collect())
}

/// `{ ok, meaning, message?, retryable }` of a webhook answer.
#[wasm_bindgen(js_name = lootlyReadResponse)]
pub fn read_response(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let reply = lootly::read_response(self::status(&status)?, &string(&body, "body")?);
    Ok(object(&[
        ("ok", reply.ok.into()),
        ("meaning", reply.meaning.as_str().into()),
        ("message", optional(reply.message)),
        ("retryable", reply.meaning.retryable().into()),
    ]))
}

/// The widget's props, computed where the secret lives: `{ apiKey, apiSecret, shopDomain, customerId? }`.
#[wasm_bindgen(js_name = lootlyWidgetProps)]
pub fn widget_props(input: JsValue) -> JsResult<JsValue> {
    let fields = Fields::new(&input, "input", &["apiKey", "apiSecret", "shopDomain", "customerId"])?;
    let (api_key, api_secret) = (fields.required("apiKey")?, fields.required("apiSecret")?);
    let (shop_domain, customer_id) = (fields.required("shopDomain")?, fields.optional("customerId")?);
    let props = lootly::widget_props(&api_key, &api_secret, &shop_domain, customer_id.as_deref());
    Ok(props_to_js(props))
}

fn props_to_js(props: WidgetProps) -> JsValue {
    object(&[
        ("apiKey", props.api_key.into()),
        ("shopDomain", props.shop_domain.into()),
        ("shopId", props.shop_id.into()),
        ("customerId", optional(props.customer_id)),
        ("customerSignature", optional(props.customer_signature)),
        ("provider", optional(props.provider)),
    ])
}

#[wasm_bindgen(js_name = lootlyWidgetHtml)]
pub fn widget_html(props: JsValue) -> JsResult<String> {
    Ok(lootly::widget_html(&typed::<WidgetProps>(&props, "props")?)?)
}

#[wasm_bindgen(js_name = lootlyScriptTag)]
pub fn script_tag(provider: JsValue) -> JsResult<String> {
    Ok(lootly::script_tag(optional_string(&provider, "provider")?.as_deref()))
}

#[wasm_bindgen(js_name = lootlyCouponCsv)]
pub fn coupon_csv(codes: JsValue) -> JsResult<String> {
    Ok(lootly::coupon_csv(&strings(&codes, "codes")?)?)
}

#[wasm_bindgen(js_name = lootlyPointBalance)]
pub fn point_balance(customer_id: JsValue, options: JsValue) -> JsResult<JsValue> {
    let (creds, endpoint) = self::options(&options, COMMON)?;
    Ok(request(lootly::point_balance(&string(&customer_id, "customerId")?, &creds, &endpoint)?))
}

#[wasm_bindgen(js_name = lootlyPointBalances)]
pub fn point_balances(customer_ids: JsValue, options: JsValue) -> JsResult<JsValue> {
    let ids = strings(&customer_ids, "customerIds")?;
    let (creds, endpoint) = self::options(&options, COMMON)?;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    Ok(request(lootly::point_balances(&ids, &creds, &endpoint)?))
}

/// The points of `{"point_value": N}`; a refusal is thrown as `remote_error`.
#[wasm_bindgen(js_name = lootlyReadPointBalance)]
pub fn read_point_balance(status: JsValue, body: JsValue) -> JsResult<f64> {
    Ok(lootly::read_point_balance(self::status(&status)?, &string(&body, "body")?)? as f64)
}

/// `[{ customerId, points }]` in the server's order.
#[wasm_bindgen(js_name = lootlyReadPointBalances)]
pub fn read_point_balances(status: JsValue, body: JsValue) -> JsResult<js_sys::Array> {
    let balances = lootly::read_point_balances(self::status(&status)?, &string(&body, "body")?)?;
    Ok(balances.into_iter().map(|(id, points)| object(&[("customerId", id.into()), ("points", (points as f64).into())])).collect())
}

/// `{ valid, reason?, hmac?, t? }` of a request Lootly sent the shop: `kind` `"query"` (a GET's
/// query string) or `"body"` (a POST's bytes); lootly.js's `verifyRequest` reads the request.
/// `secrets` is one secret or several (a rotation); `options` `{ maxAgeSeconds?, now?, seen? }`
/// (`seen` is lootly.js's; `now` the current time when left out: the binding reads the clock so
/// that the core never does).
#[wasm_bindgen(js_name = lootlyVerifyIncoming)]
pub fn verify_incoming(kind: JsValue, data: JsValue, secrets: JsValue, options: JsValue) -> JsResult<JsValue> {
    let secrets = if secrets.is_string() { vec![string(&secrets, "secrets")?] } else { strings(&secrets, "secrets")? };
    if secrets.is_empty() || secrets.iter().any(String::is_empty) {
        return Err(LoyaltyError::invalid("secrets", "give the api secret (or several, during a rotation), none empty").into());
    }
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let freshness = if options.is_undefined() {
        None
    } else {
        let fields = Fields::new(&options, "options", &["maxAgeSeconds", "now", "seen"])?;
        let seen = fields.get("seen");
        if !seen.is_undefined() && !seen.is_function() {
            return Err(LoyaltyError::invalid("seen", "must be a function (hmac) => boolean or a promise of one").into());
        }
        let max_age = fields.get("maxAgeSeconds");
        let now = fields.get("now");
        if max_age.is_undefined() {
            if !now.is_undefined() {
                return Err(LoyaltyError::invalid("now", "only applies with maxAgeSeconds").into());
            }
            None
        } else {
            let max_age_seconds = u64::try_from(integer(&max_age, "maxAgeSeconds")?)
                .map_err(|_| LoyaltyError::invalid("maxAgeSeconds", "must be a whole number of seconds, 0 or more"))?;
            let now = if now.is_undefined() { (js_sys::Date::now() / 1000.0).floor() as i64 } else { integer(&now, "now")? };
            Some(lootly::Freshness { now, max_age_seconds })
        }
    };
    // The HMAC the package signs with (node:crypto's in Node, the core's elsewhere).
    let hmac = super::platform::credentials(String::new(), String::new()).hmac();
    let verdict = match string(&kind, "kind")?.as_str() {
        "query" => lootly::verify_incoming(lootly::Incoming::Query(&string(&data, "query")?), &secrets, freshness, hmac),
        "body" => lootly::verify_incoming(lootly::Incoming::Body(&bytes(&data, "body")?), &secrets, freshness, hmac),
        _ => return Err(LoyaltyError::invalid("kind", "must be \"query\" or \"body\"").into()),
    };
    Ok(match verdict {
        Ok(v) => object(&[("valid", true.into()), ("hmac", v.hmac.into()), ("t", v.t.map_or(JsValue::UNDEFINED, |t| (t as f64).into()))]),
        Err(reason) => object(&[("valid", false.into()), ("reason", reason.as_str().into())]),
    })
}
