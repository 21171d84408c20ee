//! JS arguments into Rust values. Every conversion names the argument it reads, so a wrong
//! argument is a `LoyaltyError` with that `field`, never a JS `TypeError` from the glue.
//!
//! Payloads come as JSON text (kept byte for byte: key order, exact numbers) or as plain values,
//! which are `JSON.stringify`'d here and parsed once by the core: cheaper than walking the JS
//! object from Rust.

use crate::error::{LoyaltyError, Result};
use js_sys::{Array, ArrayBuffer, Uint8Array, JSON};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    /// `[keys joined by "\n", ...values]` of an object's own properties, in one call.
    #[wasm_bindgen(catch)]
    fn entries(object: &JsValue) -> std::result::Result<Array, JsValue>;
}

/// A payload as JSON text: a JS string is taken as the text itself, anything else is stringified.
pub fn json_text(value: &JsValue, field: &str) -> Result<String> {
    match value.as_string() {
        Some(text) => Ok(text),
        None => stringify(value, field),
    }
}

/// `JSON.stringify(value)`, refusing what has no JSON form (`undefined`, functions, BigInt, cycles).
pub fn stringify(value: &JsValue, field: &str) -> Result<String> {
    if value.is_undefined() {
        return Err(LoyaltyError::missing(field));
    }
    match JSON::stringify(value) {
        Ok(text) => text.as_string().ok_or_else(|| LoyaltyError::invalid(field, "has no JSON form")),
        Err(e) => {
            let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
            Err(LoyaltyError::invalid(field, format!("cannot be written as JSON: {why}")))
        }
    }
}

/// A required string argument.
pub fn string(value: &JsValue, field: &str) -> Result<String> {
    optional_string(value, field)?.ok_or_else(|| LoyaltyError::missing(field))
}

/// A string argument that may be left out (`undefined` or `null`).
pub fn optional_string(value: &JsValue, field: &str) -> Result<Option<String>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| LoyaltyError::invalid(field, "must be a string"))
}

/// An array of strings (`codes`, `customerIds`); a wrong element is named `field[i]`.
pub fn strings(value: &JsValue, field: &str) -> Result<Vec<String>> {
    if value.is_undefined() || value.is_null() {
        return Err(LoyaltyError::missing(field));
    }
    if !Array::is_array(value) {
        return Err(LoyaltyError::invalid(field, "must be an array of strings"));
    }
    let array: &Array = value.unchecked_ref();
    array.iter().enumerate().map(|(i, item)| string(&item, &format!("{field}[{i}]"))).collect()
}

/// Raw bytes: a string (as UTF-8), a `Uint8Array` (a Node `Buffer` too) or an `ArrayBuffer`.
pub fn bytes(value: &JsValue, field: &str) -> Result<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return Ok(array.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if value.is_undefined() || value.is_null() {
        return Err(LoyaltyError::missing(field));
    }
    Err(LoyaltyError::invalid(field, "must be a string, a Uint8Array or an ArrayBuffer"))
}

/// A whole number that a JS number represents exactly (within ±2^53).
pub fn integer(value: &JsValue, field: &str) -> Result<i64> {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && n.abs() <= SAFE => Ok(n as i64),
        Some(_) => Err(LoyaltyError::invalid(field, "must be a whole number")),
        None if value.is_undefined() || value.is_null() => Err(LoyaltyError::missing(field)),
        None => Err(LoyaltyError::invalid(field, "must be a number")),
    }
}

/// An HTTP status code (100 to 599).
pub fn status(value: &JsValue) -> Result<u16> {
    match integer(value, "status")? {
        n @ 100..=599 => Ok(n as u16),
        _ => Err(LoyaltyError::invalid("status", "must be an HTTP status code (100 to 599)")),
    }
}

/// The properties of an options object, read in one call to glue.js (never through serde,
/// whose messages would quote a wrong-typed secret). Unknown names are refused, so that a typo
/// such as `baseURL` cannot silently send a request to production.
pub struct Fields {
    keys: Vec<String>,
    /// `[keys, ...values]`, as glue.js's `entries` returns them.
    entries: Array,
}

impl Fields {
    /// Checks that `value` is a plain object whose own keys are all in `known`.
    pub fn new(value: &JsValue, field: &str, known: &[&str]) -> Result<Self> {
        if value.is_undefined() || value.is_null() {
            return Err(LoyaltyError::missing(field));
        }
        if !value.is_object() || Array::is_array(value) {
            return Err(LoyaltyError::invalid(field, format!("must be an object with {}", known.join(", "))));
        }
        let entries = entries(value).map_err(|_| LoyaltyError::invalid(field, "cannot be read (a getter or proxy threw)"))?;
        let keys = entries.get(0).as_string().unwrap_or_default();
        let keys: Vec<String> = if keys.is_empty() { Vec::new() } else { keys.split('\n').map(str::to_string).collect() };
        if let Some(key) = keys.iter().find(|key| !known.contains(&key.as_str())) {
            return Err(LoyaltyError::invalid(key.as_str(), format!("is not one of {}", known.join(", "))));
        }
        Ok(Fields { keys, entries })
    }

    /// A property as given (`undefined` when absent), for values that need not be text.
    pub fn get(&self, name: &str) -> JsValue {
        match self.keys.iter().position(|key| key == name) {
            Some(i) => self.entries.get(i as u32 + 1),
            None => JsValue::UNDEFINED,
        }
    }

    pub fn required(&self, name: &str) -> Result<String> {
        string(&self.get(name), name)
    }

    pub fn optional(&self, name: &str) -> Result<Option<String>> {
        optional_string(&self.get(name), name)
    }
}

/// A typed input (an order, a refund, widget props) from JSON text or a plain object. A value
/// that does not fit names its path relative to the input: `customer.email`, `amounts[1]`
/// (the core's `input::from_json`, the same as natively).
pub fn typed<T: DeserializeOwned>(value: &JsValue, field: &str) -> Result<T> {
    crate::input::from_json(&json_text(value, field)?, field)
}
