//! `woowup.v3(…)`: API v3 requests from a validated client (one method per endpoint of
//! `woowup::v3::Client`), the readers of v3 answers, the pager and the record / points /
//! reversal flows as step objects that pkg-template/woowup.js drives with `fetch`.
//!
//! The client handle keeps the API key in wasm memory, and the account's [`Pacer`]: every flow
//! and pager made from one client spends one rate-limit budget (the core's `v3::Paced` decides
//! each wait; this file only carries the clock, the random jitter and the answers across).
//! Bodies are given as objects or JSON text and read as PHP's `json_decode` reads them, so key
//! order and numbers reach WoowUp as a PHP client would have sent them.

use super::error::JsResult;
use super::input::{integer, json_text, string, strings, typed, Fields};
use super::output::request;
use super::woowup::{answer, optional_count, optional_fields, optional_text, renamed, retry_policy, text_or_integer, to_js};
use crate::engine::{Answer as EngineAnswer, Response, Step};
use crate::error::{LoyaltyError, Result};
use crate::php::Value;
use crate::woowup::v3::{
    self as v3, input, AttributeOwner, AwardPoints, Client, CouponStatus, Engine, FailureKind, Identity, OnDuplicate, Pacer, Paced,
    PagedList, Pager, Points, RecordOptions, RecordOrder, Reversal, ReverseOrder, TransactionFilter, UnknownCustomer, MAX_LIMIT,
};
use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// ---------------------------------------------------------------------------------------------
// Inputs

/// A body (object or JSON text) as PHP's `json_decode` holds it.
fn body(value: &JsValue, field: &str) -> Result<Value> {
    input(&json_text(value, field)?).map_err(|e| e.within(field))
}

/// `{ service_uid?, email?, document?, telephone? }`: which customer.
fn identity(value: &JsValue) -> Result<Identity> {
    typed(value, "customer")
}

fn count(value: &JsValue, field: &str, min: i64, default: u32) -> Result<u32> {
    Ok(optional_count(value, field, min)?.unwrap_or(default))
}

/// `{ page?, limit?, …known }`: page from 0 (default 0), limit 1 to 100 (default 100).
fn paging(value: &JsValue, known: &[&str]) -> Result<(u32, u32, Option<Fields>)> {
    let mut names = vec!["page", "limit"];
    names.extend_from_slice(known);
    let Some(fields) = optional_fields(value, "options", &names)? else {
        return Ok((0, MAX_LIMIT, None));
    };
    let page = count(&fields.get("page"), "page", 0, 0)?;
    let limit = count(&fields.get("limit"), "limit", 1, MAX_LIMIT)?;
    Ok((page, limit, Some(fields)))
}

fn optional(fields: &Option<Fields>, name: &str) -> Result<Option<String>> {
    fields.as_ref().map_or(Ok(None), |f| f.optional(name))
}

fn owner(value: &JsValue) -> Result<AttributeOwner> {
    Ok(match string(value, "owner")?.as_str() {
        "customer" => AttributeOwner::Customer,
        "purchase" => AttributeOwner::Purchase,
        "purchase_item" => AttributeOwner::PurchaseItem,
        "product" => AttributeOwner::Product,
        _ => return Err(LoyaltyError::invalid("owner", "must be customer, purchase, purchase_item or product")),
    })
}

/// `{ name: "true", … }` filters of `GET /products`: text, numbers or booleans, in order.
fn filters(value: &JsValue) -> Result<Vec<(String, String)>> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let Value::Object(o) = body(value, "filters")? else {
        return Err(LoyaltyError::invalid("filters", "must be an object of names and values"));
    };
    o.iter()
        .map(|(name, v)| {
            let text = match v {
                Value::Str(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Int(i) => i.to_string(),
                _ => return Err(LoyaltyError::invalid(format!("filters.{name}"), "must be text, a whole number or a boolean")),
            };
            Ok((name.to_string(), text))
        })
        .collect()
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// The headers of an answer as `[[name, value], …]` (glue: `[...response.headers]`), or none.
fn headers(value: &JsValue) -> Result<Vec<(String, String)>> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !Array::is_array(value) {
        return Err(LoyaltyError::invalid("headers", "must be an array of [name, value] pairs"));
    }
    let pairs: &Array = value.unchecked_ref();
    pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| match strings(&pair, &format!("headers[{i}]"))?.as_slice() {
            [name, value] => Ok((name.clone(), value.clone())),
            _ => Err(LoyaltyError::invalid(format!("headers[{i}]"), "must be a [name, value] pair")),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The client

/// A validated API v3 client and its account's pacer.
#[wasm_bindgen(js_name = WoowupV3ClientHandle)]
pub struct ClientHandle {
    client: Client,
    pacer: Rc<Cell<Pacer>>,
}

/// `woowup.v3({ apiKey, baseUrl? })`: checked once here; `baseUrl` defaults to
/// `https://api.woowup.com/apiv3`.
#[wasm_bindgen(js_name = woowupV3)]
pub fn v3(config: JsValue) -> JsResult<ClientHandle> {
    let fields = Fields::new(&config, "config", &["apiKey", "baseUrl"])?;
    let client = Client::new(fields.required("apiKey")?).map_err(|e| renamed(e, "api_key", "apiKey"))?;
    let client = match fields.optional("baseUrl")? {
        Some(url) => client.with_base_url(&url).map_err(|e| renamed(e, "base_url", "baseUrl"))?,
        None => client,
    };
    Ok(ClientHandle { client, pacer: Rc::new(Cell::new(Pacer::default())) })
}

#[wasm_bindgen(js_class = WoowupV3ClientHandle)]
impl ClientHandle {
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_string()
    }

    // Customers -------------------------------------------------------------------------------

    #[wasm_bindgen(js_name = customerExists)]
    pub fn customer_exists(&self, who: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.customer_exists(&identity(&who)?)?))
    }

    #[wasm_bindgen(js_name = findCustomer)]
    pub fn find_customer(&self, who: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.find_customer(&identity(&who)?)?))
    }

    #[wasm_bindgen(js_name = createCustomer)]
    pub fn create_customer(&self, customer: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_customer(&body(&customer, "customer")?)?))
    }

    #[wasm_bindgen(js_name = updateCustomer)]
    pub fn update_customer(&self, customer: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.update_customer(&body(&customer, "customer")?)?))
    }

    #[wasm_bindgen(js_name = addPoints)]
    pub fn add_points(&self, who: JsValue, points: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.add_points(&identity(&who)?, &typed::<Points>(&points, "points")?)?))
    }

    pub fn transactions(&self, who: JsValue, filter: JsValue) -> JsResult<JsValue> {
        let filter = if filter.is_undefined() || filter.is_null() { TransactionFilter::default() } else { typed(&filter, "filter")? };
        Ok(request(self.client.transactions(&identity(&who)?, &filter)?))
    }

    #[wasm_bindgen(js_name = addMember)]
    pub fn add_member(&self, who: JsValue, member: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.add_member(&identity(&who)?, &body(&member, "member")?)?))
    }

    #[wasm_bindgen(js_name = updateMember)]
    pub fn update_member(&self, who: JsValue, member: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.update_member(&identity(&who)?, &body(&member, "member")?)?))
    }

    #[wasm_bindgen(js_name = abandonedCart)]
    pub fn abandoned_cart(&self, cart: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.abandoned_cart(&body(&cart, "cart")?)?))
    }

    #[wasm_bindgen(js_name = listCustomers)]
    pub fn list_customers(&self, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, _) = paging(&options, &[])?;
        Ok(request(self.client.list_customers(page, limit)?))
    }

    #[wasm_bindgen(js_name = removeTags)]
    pub fn remove_tags(&self, userapp_id: JsValue, tags: JsValue) -> JsResult<JsValue> {
        let id = text_or_integer(&userapp_id, "userapp_id")?;
        let tags = strings(&tags, "remove_tags")?;
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        Ok(request(self.client.remove_tags(&id, &tags)?))
    }

    // Purchases -------------------------------------------------------------------------------

    #[wasm_bindgen(js_name = createPurchase)]
    pub fn create_purchase(&self, purchase: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_purchase(&body(&purchase, "purchase")?)?))
    }

    #[wasm_bindgen(js_name = updatePurchase)]
    pub fn update_purchase(&self, purchase: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.update_purchase(&body(&purchase, "purchase")?)?))
    }

    #[wasm_bindgen(js_name = findPurchase)]
    pub fn find_purchase(&self, invoice_number: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.find_purchase(&text_or_integer(&invoice_number, "invoice_number")?)?))
    }

    #[wasm_bindgen(js_name = bulkPurchases)]
    pub fn bulk_purchases(&self, purchases: JsValue) -> JsResult<JsValue> {
        let list = match body(&purchases, "purchases")? {
            Value::Array(a) if a.is_list() => a.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
            _ => return Err(LoyaltyError::invalid("purchases", "must be an array of purchases").into()),
        };
        Ok(request(self.client.bulk_purchases(&list)?))
    }

    #[wasm_bindgen(js_name = cardIin)]
    pub fn card_iin(&self, iin: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.card_iin(&text_or_integer(&iin, "iin")?)?))
    }

    // Products, branches, categories --------------------------------------------------------------

    #[wasm_bindgen(js_name = createProduct)]
    pub fn create_product(&self, product: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_product(&body(&product, "product")?)?))
    }

    #[wasm_bindgen(js_name = updateProduct)]
    pub fn update_product(&self, sku: JsValue, product: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.update_product(&string(&sku, "sku")?, &body(&product, "product")?)?))
    }

    #[wasm_bindgen(js_name = findProduct)]
    pub fn find_product(&self, sku: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.find_product(&string(&sku, "sku")?)?))
    }

    #[wasm_bindgen(js_name = productExists)]
    pub fn product_exists(&self, sku: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.product_exists(&string(&sku, "sku")?)?))
    }

    #[wasm_bindgen(js_name = searchProducts)]
    pub fn search_products(&self, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, fields) = paging(&options, &["filters"])?;
        let filters = filters(&fields.as_ref().map_or(JsValue::UNDEFINED, |f| f.get("filters")))?;
        let filters: Vec<(&str, &str)> = filters.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        Ok(request(self.client.search_products(page, limit, &filters)?))
    }

    #[wasm_bindgen(js_name = listBranches)]
    pub fn list_branches(&self, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, _) = paging(&options, &[])?;
        Ok(request(self.client.list_branches(page, limit)?))
    }

    #[wasm_bindgen(js_name = findBranch)]
    pub fn find_branch(&self, id: JsValue) -> JsResult<JsValue> {
        let id = integer(&id, "id")?;
        let id = u64::try_from(id).map_err(|_| LoyaltyError::invalid("id", "must be WoowUp's numeric branch id"))?;
        Ok(request(self.client.find_branch(id)?))
    }

    #[wasm_bindgen(js_name = createBranch)]
    pub fn create_branch(&self, branch: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_branch(&body(&branch, "branch")?)?))
    }

    #[wasm_bindgen(js_name = updateBranch)]
    pub fn update_branch(&self, name: JsValue, branch: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.update_branch(&string(&name, "name")?, &body(&branch, "branch")?)?))
    }

    #[wasm_bindgen(js_name = deleteCategory)]
    pub fn delete_category(&self, code: JsValue, notify_to: JsValue) -> JsResult<JsValue> {
        let notify_to = string(&notify_to, "notifyTo")?;
        Ok(request(self.client.delete_category(&string(&code, "code")?, &notify_to).map_err(|e| renamed(e, "notify_to", "notifyTo"))?))
    }

    #[wasm_bindgen(js_name = deleteAllCategories)]
    pub fn delete_all_categories(&self, notify_to: JsValue) -> JsResult<JsValue> {
        let notify_to = string(&notify_to, "notifyTo")?;
        Ok(request(self.client.delete_all_categories(&notify_to).map_err(|e| renamed(e, "notify_to", "notifyTo"))?))
    }

    // Coupons, benefits, events, custom attributes, statistics ---------------------------------

    #[wasm_bindgen(js_name = listCoupons)]
    pub fn list_coupons(&self, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, fields) = paging(&options, &["status", "from", "to"])?;
        let status = optional(&fields, "status")?.map(|s| CouponStatus::parse(&s)).transpose()?;
        let (from, to) = (optional(&fields, "from")?, optional(&fields, "to")?);
        Ok(request(self.client.list_coupons(status, from.as_deref(), to.as_deref(), page, limit)?))
    }

    #[wasm_bindgen(js_name = setCouponStatus)]
    pub fn set_coupon_status(&self, code: JsValue, status: JsValue) -> JsResult<JsValue> {
        let status = CouponStatus::parse(&string(&status, "status")?)?;
        Ok(request(self.client.set_coupon_status(&string(&code, "code")?, status)?))
    }

    /// `{ current, outOfStock, coming }`: how many benefits of each kind to list.
    pub fn benefits(&self, counts: JsValue) -> JsResult<JsValue> {
        let fields = Fields::new(&counts, "counts", &["current", "outOfStock", "coming"])?;
        let n = |name: &str| count(&fields.get(name), name, 0, 0);
        Ok(request(self.client.benefits(n("current")?, n("outOfStock")?, n("coming")?)?))
    }

    #[wasm_bindgen(js_name = listEvents)]
    pub fn list_events(&self, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, _) = paging(&options, &[])?;
        Ok(request(self.client.list_events(page, limit)?))
    }

    #[wasm_bindgen(js_name = createEvent)]
    pub fn create_event(&self, name: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_event(&string(&name, "name")?)?))
    }

    #[wasm_bindgen(js_name = userEvent)]
    pub fn user_event(&self, event: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.user_event(&body(&event, "event")?)?))
    }

    #[wasm_bindgen(js_name = listCustomAttributes)]
    pub fn list_custom_attributes(&self, owner: JsValue, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, fields) = paging(&options, &["text"])?;
        let text = optional(&fields, "text")?;
        Ok(request(self.client.list_custom_attributes(self::owner(&owner)?, text.as_deref(), page, limit)?))
    }

    #[wasm_bindgen(js_name = createCustomAttribute)]
    pub fn create_custom_attribute(&self, owner: JsValue, attribute: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_custom_attribute(self::owner(&owner)?, &body(&attribute, "attribute")?)?))
    }

    #[wasm_bindgen(js_name = updateCustomAttribute)]
    pub fn update_custom_attribute(&self, owner: JsValue, name: JsValue, attribute: JsValue) -> JsResult<JsValue> {
        let owner = self::owner(&owner)?;
        Ok(request(self.client.update_custom_attribute(owner, &string(&name, "name")?, &body(&attribute, "attribute")?)?))
    }

    #[wasm_bindgen(js_name = createIntegrationStats)]
    pub fn create_integration_stats(&self, stats: JsValue) -> JsResult<JsValue> {
        Ok(request(self.client.create_integration_stats(&body(&stats, "stats")?)?))
    }

    #[wasm_bindgen(js_name = searchIntegrationStats)]
    pub fn search_integration_stats(&self, options: JsValue) -> JsResult<JsValue> {
        let (page, limit, fields) = paging(&options, &["from", "to"])?;
        let (from, to) = (optional(&fields, "from")?, optional(&fields, "to")?);
        Ok(request(self.client.search_integration_stats(page, limit, from.as_deref(), to.as_deref())?))
    }

    /// `GET /stats?from&to&branch`.
    pub fn stats(&self, options: JsValue) -> JsResult<JsValue> {
        let fields = optional_fields(&options, "options", &["from", "to", "branch"])?;
        let (from, to, branch) = (optional(&fields, "from")?, optional(&fields, "to")?, optional(&fields, "branch")?);
        Ok(request(self.client.stats(from.as_deref(), to.as_deref(), branch.as_deref())?))
    }

    // Flows and the pager -------------------------------------------------------------------------

    /// The record flow of one purchase, checked before anything is sent.
    #[wasm_bindgen(js_name = recordOrder)]
    pub fn record_order(&self, purchase: JsValue, customer: JsValue, options: JsValue, retry: JsValue) -> JsResult<FlowHandle> {
        let purchase = body(&purchase, "purchase")?;
        let customer = if customer.is_undefined() || customer.is_null() { None } else { Some(body(&customer, "customer")?) };
        let flow = RecordOrder::new(&self.client, purchase, customer, record_options(&options)?)?;
        Ok(self.flow(Running::Record(Paced::new(Engine(flow), retry_policy(&retry)?))))
    }

    /// Points for something other than a purchase, never sent twice.
    #[wasm_bindgen(js_name = awardPoints)]
    pub fn award_points(&self, who: JsValue, points: JsValue, reference: JsValue, retry: JsValue) -> JsResult<FlowHandle> {
        let points: Points = typed(&points, "points")?;
        let flow = AwardPoints::new(&self.client, identity(&who)?, points, &string(&reference, "reference")?)?;
        Ok(self.flow(Running::Points(Paced::new(Engine(flow), retry_policy(&retry)?))))
    }

    /// The reversal of one order, as `reversal` says (refused unless chosen).
    #[wasm_bindgen(js_name = reverseOrder)]
    pub fn reverse_order(&self, invoice_number: JsValue, reversal: JsValue, retry: JsValue) -> JsResult<FlowHandle> {
        let invoice_number = text_or_integer(&invoice_number, "invoiceNumber")?;
        let flow = ReverseOrder::new(&self.client, &invoice_number, self::reversal(&reversal)?)?;
        Ok(self.flow(Running::Reverse(Paced::new(Engine(flow), retry_policy(&retry)?))))
    }

    /// The pages of a list: `customers`, `products` (`filters`), `branches`, `coupons`
    /// (`status`, `from`, `to`), `events`, `customAttributes` (`owner`, `text`).
    pub fn pages(&self, list: JsValue, options: JsValue, retry: JsValue) -> JsResult<PagerHandle> {
        let (_, limit, fields) = paging(&options, &["filters", "status", "from", "to", "owner", "text"])?;
        let pick = |name: &str| fields.as_ref().map_or(JsValue::UNDEFINED, |f| f.get(name));
        let pager = match string(&list, "list")?.as_str() {
            "customers" => Pager::customers(&self.client, limit),
            "products" => Pager::products(&self.client, limit, filters(&pick("filters"))?),
            "branches" => Pager::branches(&self.client, limit),
            "coupons" => {
                let status = optional(&fields, "status")?.map(|s| CouponStatus::parse(&s)).transpose()?;
                Pager::coupons(&self.client, limit, status, optional(&fields, "from")?, optional(&fields, "to")?)
            }
            "events" => Pager::events(&self.client, limit),
            "customAttributes" => Pager::custom_attributes(&self.client, limit, owner(&pick("owner"))?, optional(&fields, "text")?),
            _ => return Err(LoyaltyError::invalid("list", "must be customers, products, branches, coupons, events or customAttributes").into()),
        }?;
        Ok(PagerHandle { list: PagedList::new(pager, retry_policy(&retry)?), pacer: self.pacer.clone() })
    }
}

impl ClientHandle {
    fn flow(&self, running: Running) -> FlowHandle {
        FlowHandle { running, pacer: self.pacer.clone() }
    }
}

/// `{ unknownCustomer?: "skip" | "create", onDuplicate?: "update" | "keep" }`.
fn record_options(value: &JsValue) -> Result<RecordOptions> {
    let mut options = RecordOptions::default();
    let Some(fields) = optional_fields(value, "options", &["unknownCustomer", "onDuplicate"])? else {
        return Ok(options);
    };
    options.unknown_customer = match fields.optional("unknownCustomer")?.as_deref() {
        None | Some("skip") => UnknownCustomer::Skip,
        Some("create") => UnknownCustomer::Create,
        Some(_) => return Err(LoyaltyError::invalid("unknownCustomer", "must be \"skip\" or \"create\"")),
    };
    options.on_duplicate = match fields.optional("onDuplicate")?.as_deref() {
        None | Some("update") => OnDuplicate::Update,
        Some("keep") => OnDuplicate::Keep,
        Some(_) => return Err(LoyaltyError::invalid("onDuplicate", "must be \"update\" or \"keep\"")),
    };
    Ok(options)
}

/// `{ kind: "refuse" }` (also when left out), `{ kind: "updatePurchase", corrected }` or
/// `{ kind: "negativePoints", customer, points, concept }`.
fn reversal(value: &JsValue) -> Result<Reversal> {
    let Some(fields) = optional_fields(value, "reversal", &["kind", "corrected", "customer", "points", "concept"])? else {
        return Ok(Reversal::Refuse);
    };
    let only = |allowed: &[&str]| -> Result<()> {
        for name in ["corrected", "customer", "points", "concept"] {
            if !allowed.contains(&name) && !fields.get(name).is_undefined() {
                return Err(LoyaltyError::invalid(name, "does not belong to this kind of reversal"));
            }
        }
        Ok(())
    };
    match fields.required("kind")?.as_str() {
        "refuse" => {
            only(&[])?;
            Ok(Reversal::Refuse)
        }
        "updatePurchase" => {
            only(&["corrected"])?;
            Ok(Reversal::UpdatePurchase { corrected: body(&fields.get("corrected"), "corrected")? })
        }
        "negativePoints" => {
            only(&["customer", "points", "concept"])?;
            Ok(Reversal::NegativePoints { who: identity(&fields.get("customer"))?, points: integer(&fields.get("points"), "points")?, concept: fields.required("concept")? })
        }
        _ => Err(LoyaltyError::invalid("kind", "must be refuse, updatePurchase or negativePoints")),
    }
}

// ---------------------------------------------------------------------------------------------
// Flows and the pager: the JS loop sends, sleeps and hands back bytes

enum Running {
    Record(Paced<Engine<RecordOrder>>),
    Points(Paced<Engine<AwardPoints>>),
    Reverse(Paced<Engine<ReverseOrder>>),
}

/// `{ send: request }`, `{ wait: ms }` or `{ done: outcome }`.
fn step_js<O: Serialize>(step: Step<O>) -> JsResult<JsValue> {
    let o = Object::new();
    let (key, value) = match step {
        Step::Send(req) => ("send", request(req)),
        Step::Wait(ms) => ("wait", JsValue::from(ms as f64)),
        Step::Done(outcome) => ("done", to_js(&outcome)?),
    };
    Reflect::set(&o, &key.into(), &value)?;
    Ok(o.into())
}

/// What the JS loop got back for the last `send`.
fn engine_answer(status: &JsValue, headers: &JsValue, body: &JsValue) -> Result<EngineAnswer> {
    let (status, body) = answer(status, body)?;
    Ok(EngineAnswer::Response(Response { status, headers: self::headers(headers)?, body }))
}

fn lost_answer(kind: &str, message: String) -> EngineAnswer {
    if kind == "timeout" {
        EngineAnswer::timeout(message)
    } else {
        EngineAnswer::network(message)
    }
}

/// A running v3 flow under the engine and its client's pacer.
#[wasm_bindgen(js_name = WoowupV3Flow)]
pub struct FlowHandle {
    running: Running,
    pacer: Rc<Cell<Pacer>>,
}

impl FlowHandle {
    fn with_pacer<T>(&mut self, f: impl FnOnce(&mut Running, &mut Pacer) -> T) -> T {
        let mut pacer = self.pacer.take();
        let result = f(&mut self.running, &mut pacer);
        self.pacer.set(pacer);
        result
    }

    fn answer(&mut self, answer: EngineAnswer) {
        let (now, jitter) = (now_ms(), js_sys::Math::random());
        self.with_pacer(|running, pacer| match running {
            Running::Record(p) => p.feed(pacer, now, answer, jitter),
            Running::Points(p) => p.feed(pacer, now, answer, jitter),
            Running::Reverse(p) => p.feed(pacer, now, answer, jitter),
        });
    }
}

#[wasm_bindgen(js_class = WoowupV3Flow)]
impl FlowHandle {
    /// `{ send: request }`, `{ wait: ms }` or `{ done: outcome }`.
    #[allow(clippy::should_implement_trait)] // JavaScript's name for it, not an Iterator
    pub fn next(&mut self) -> JsResult<JsValue> {
        let now = now_ms();
        self.with_pacer(|running, pacer| match running {
            Running::Record(p) => step_js(p.next(pacer, now)),
            Running::Points(p) => step_js(p.next(pacer, now)),
            Running::Reverse(p) => step_js(p.next(pacer, now)),
        })
    }

    /// The answer to the last `send`: its status, its headers as `[[name, value], …]`, its body.
    pub fn feed(&mut self, status: JsValue, headers: JsValue, body: JsValue) -> JsResult<()> {
        let answer = engine_answer(&status, &headers, &body)?;
        self.answer(answer);
        Ok(())
    }

    /// No answer to the last `send`: `kind` is "timeout" or "network"; `message` describes it
    /// (no URL query, no body).
    pub fn lost(&mut self, kind: &str, message: String) {
        self.answer(lost_answer(kind, message));
    }
}

/// A list walked page by page under the engine and its client's pacer.
#[wasm_bindgen(js_name = WoowupV3Pager)]
pub struct PagerHandle {
    list: PagedList,
    pacer: Rc<Cell<Pacer>>,
}

#[wasm_bindgen(js_class = WoowupV3Pager)]
impl PagerHandle {
    /// `{ send: request }`, `{ wait: ms }`, `{ page: items }` or `{ done: true }`; a failure
    /// that ends the walk is thrown.
    #[allow(clippy::should_implement_trait)] // JavaScript's name for it, not an Iterator
    pub fn next(&mut self) -> JsResult<JsValue> {
        let mut pacer = self.pacer.take();
        let step = self.list.next(&mut pacer, now_ms());
        self.pacer.set(pacer);
        let o = Object::new();
        let (key, value) = match step {
            Step::Send(req) => ("send", request(req)),
            Step::Wait(ms) => ("wait", JsValue::from(ms as f64)),
            Step::Done(Some(Ok(items))) => ("page", to_js(&items)?),
            Step::Done(Some(Err(e))) => return Err(e.into()),
            Step::Done(None) => ("done", JsValue::TRUE),
        };
        Reflect::set(&o, &key.into(), &value)?;
        Ok(o.into())
    }

    /// The page the next request asks for (from 0).
    #[wasm_bindgen(getter)]
    pub fn page(&self) -> u32 {
        self.list.page()
    }

    pub fn feed(&mut self, status: JsValue, headers: JsValue, body: JsValue) -> JsResult<()> {
        let answer = engine_answer(&status, &headers, &body)?;
        let mut pacer = self.pacer.take();
        self.list.feed(&mut pacer, now_ms(), answer, js_sys::Math::random());
        self.pacer.set(pacer);
        Ok(())
    }

    pub fn lost(&mut self, kind: &str, message: String) {
        let mut pacer = self.pacer.take();
        self.list.feed(&mut pacer, now_ms(), lost_answer(kind, message), js_sys::Math::random());
        self.pacer.set(pacer);
    }
}

// ---------------------------------------------------------------------------------------------
// Readers


/// Any v3 answer: `{ ok: true, status, payload }` or `{ ok: false, status, kind, code, message,
/// errors, retryAfter, retryable, permanent }`. Throws only for a 2xx answer that cannot be read.
#[wasm_bindgen(js_name = woowupV3Read)]
pub fn read(status: JsValue, body: JsValue, headers: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    let headers = self::headers(&headers)?;
    let value = match v3::read(status, &headers, &body)? {
        v3::Answer::Ok { status, payload } => serde_json::json!({"ok": true, "status": status, "payload": payload}),
        v3::Answer::Failed(f) => {
            let errors = match &f.kind {
                FailureKind::BadRequest { errors } => errors.clone(),
                _ => Vec::new(),
            };
            let retry_after = match f.kind {
                FailureKind::TooManyRequests { retry_after_s } => retry_after_s,
                _ => None,
            };
            serde_json::json!({"ok": false, "status": f.status, "kind": f.kind.name(), "code": f.kind.code(),
                "message": f.message, "errors": errors, "retryAfter": retry_after,
                "retryable": f.is_retryable(), "permanent": f.is_permanent()})
        }
    };
    to_js(&value)
}

/// The customer of a find, create or update; `null` when nobody matches.
#[wasm_bindgen(js_name = woowupV3ReadCustomer)]
pub fn read_customer(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&v3::read_customer(status, &body)?)
}

#[wasm_bindgen(js_name = woowupV3ReadPurchases)]
pub fn read_purchases(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&v3::read_purchases(status, &body)?)
}

#[wasm_bindgen(js_name = woowupV3ReadTransactionId)]
pub fn read_transaction_id(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    Ok(optional_text(v3::read_transaction_id(status, &body)?))
}

#[wasm_bindgen(js_name = woowupV3ReadRequestId)]
pub fn read_request_id(status: JsValue, body: JsValue) -> JsResult<String> {
    let (status, body) = answer(&status, &body)?;
    Ok(v3::read_request_id(status, &body)?)
}

#[wasm_bindgen(js_name = woowupV3ReadExist)]
pub fn read_exist(status: JsValue, body: JsValue) -> JsResult<bool> {
    let (status, body) = answer(&status, &body)?;
    Ok(v3::read_exist(status, &body)?)
}

#[wasm_bindgen(js_name = woowupV3ReadItems)]
pub fn read_items(status: JsValue, body: JsValue) -> JsResult<JsValue> {
    let (status, body) = answer(&status, &body)?;
    to_js(&v3::read_items(status, &body)?)
}
