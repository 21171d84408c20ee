//! Rust results into plain JS values: objects built property by property (small, and no JSON
//! round trip), and requests shaped for `fetch(req.url, req)`.

use crate::http::Request;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A plain object with these properties, in this order; `undefined` ones are left out.
pub fn object(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in properties.iter().filter(|(_, value)| !value.is_undefined()) {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

/// `{ method, url, headers, body }`: `headers` a plain object in sending order, `body` the exact
/// text to send, or `null` for a request without one.
pub fn request(req: Request) -> JsValue {
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

/// An optional string: the string, or `undefined` so that [`object`] leaves it out.
pub fn optional(value: Option<String>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from)
}
