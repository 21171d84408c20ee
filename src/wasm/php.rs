//! `php.*`: PHP's own functions, exposed because callers need them too (to compare bodies, to
//! build a WoowUp form by hand, to see what a PHP server will hold).

use super::error::JsResult;
use super::input::{json_text, optional_string, string, stringify};
use crate::error::LoyaltyError;
use crate::php::{self, json_decode, json_encode, Mode, Value};
use wasm_bindgen::prelude::*;

/// `json_encode($value)` of a JS value, as `JSON.stringify` sees it (so `undefined` members are
/// left out and a JS string is encoded as a string, not read as JSON).
#[wasm_bindgen(js_name = phpJsonEncode)]
pub fn php_json_encode(value: JsValue) -> JsResult<String> {
    let text = stringify(&value, "value")?;
    Ok(json_encode(&json_decode(&text, Mode::Objects)?)?)
}

/// `json_encode(json_decode($json, $assoc))`: the canonical text of what a PHP server holds.
#[wasm_bindgen(js_name = phpView)]
pub fn php_view(json: JsValue, mode: JsValue) -> JsResult<String> {
    let text = string(&json, "json")?;
    Ok(json_encode(&json_decode(&text, decode_mode(&mode)?)?)?)
}

/// What `json_decode($json, $assoc)` holds, as a JS value.
#[wasm_bindgen(js_name = phpJsonDecode)]
pub fn php_json_decode(json: JsValue, mode: JsValue) -> JsResult<JsValue> {
    // The PHP encoder's output is JSON that JSON.parse reads as written.
    js_sys::JSON::parse(&php_view(json, mode)?)
}

/// `ksort` of the top level of a JSON object (as `json_decode($json, true)` holds it), encoded.
#[wasm_bindgen(js_name = phpKsort)]
pub fn php_ksort(array: JsValue) -> JsResult<String> {
    let Value::Array(mut array) = assoc(&array, "array")? else {
        return Err(LoyaltyError::invalid("array", "ksort takes a JSON object or array").into());
    };
    php::ksort(&mut array);
    Ok(json_encode(&Value::Array(array))?)
}

/// `http_build_query($data)` of a JSON object or array.
#[wasm_bindgen(js_name = phpHttpBuildQuery)]
pub fn php_http_build_query(data: JsValue) -> JsResult<String> {
    Ok(php::http_build_query(&assoc(&data, "data")?)?)
}

/// `urlencode($text)`: RFC 1738, space as `+`.
#[wasm_bindgen(js_name = phpUrlencode)]
pub fn php_urlencode(text: JsValue) -> JsResult<String> {
    Ok(php::urlencode(&string(&text, "text")?))
}

/// `rawurlencode($text)`: RFC 3986, space as `%20`.
#[wasm_bindgen(js_name = phpRawurlencode)]
pub fn php_rawurlencode(text: JsValue) -> JsResult<String> {
    Ok(php::rawurlencode(&string(&text, "text")?))
}

fn assoc(value: &JsValue, field: &str) -> Result<Value, LoyaltyError> {
    json_decode(&json_text(value, field)?, Mode::Assoc)
}

/// `"assoc"` (the default: `json_decode($json, true)`, what Lootly's server does) or `"objects"`.
fn decode_mode(mode: &JsValue) -> Result<Mode, LoyaltyError> {
    match optional_string(mode, "mode")?.as_deref() {
        None | Some("assoc") => Ok(Mode::Assoc),
        Some("objects") => Ok(Mode::Objects),
        Some(_) => Err(LoyaltyError::invalid("mode", "must be \"assoc\" or \"objects\"")),
    }
}
