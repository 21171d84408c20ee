//! Rust results into plain JS values: objects built property by property (no JSON round trip),
//! and the hot ones (requests shaped for `fetch(req.url, req)`, signatures) in one call to
//! glue.js each.

use crate::http::Request;
use crate::lootly::Signed;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// A plain object with these properties, in this order; `undefined` ones are left out.
pub fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in properties.iter().filter(|(_, value)| !value.is_undefined()) {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = request)]
    fn js_request(head: &str, body: Option<String>) -> JsValue;

    #[wasm_bindgen(js_name = signed)]
    fn js_signed(text: &str) -> JsValue;
}

/// `{ method, url, headers, body }`: `headers` a plain object in sending order, `body` the exact
/// text to send, or `null` for a request without one. Built by glue.js from one line-separated
/// text (see there why); a header holding a line break, which no HTTP client sends, is built
/// property by property instead so that fetch sees it and refuses it.
pub fn request(req: Request) -> JsValue {
    let breaks = |s: &str| s.contains(['\n', '\r']);
    if breaks(&req.url) || req.headers.iter().any(|(name, value)| breaks(name) || breaks(value)) {
        return request_slowly(req);
    }
    let mut head = format!("{}\n{}", req.method.as_str(), req.url);
    for (name, value) in &req.headers {
        for part in [name, value] {
            head.push('\n');
            head.push_str(part);
        }
    }
    js_request(&head, req.body)
}

fn request_slowly(req: Request) -> JsValue {
    let headers = Object::new();
    for (name, value) in &req.headers {
        let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    object(&[
        ("method", JsValue::from_str(req.method.as_str())),
        ("url", JsValue::from(req.url)),
        ("headers", headers.into()),
        ("body", req.body.map_or(JsValue::NULL, JsValue::from)),
    ])
}

/// `{ canonical, hmac, body }` of a signed payload: PHP's JSON escapes every line break, and
/// base64 has none, so the three travel as one text.
pub fn signed(signed: Signed) -> JsValue {
    js_signed(&format!("{}\n{}\n{}", signed.canonical, signed.hmac, signed.body))
}

/// An optional string: the string, or `undefined` so that [`object`] leaves it out.
pub fn optional(value: Option<String>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from)
}
