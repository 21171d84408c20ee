//! Failures as JavaScript sees them: an instance of `LoyaltyError` (src/wasm/glue.js),
//! a real `Error` subclass carrying the core's stable `code`, the offending `field`, and for a
//! vendor's answer its HTTP `status` and `service`.

use crate::error::LoyaltyError;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = LoyaltyError)]
    type JsLoyaltyError;

    #[wasm_bindgen(constructor, js_class = "LoyaltyError")]
    fn new(code: &str, message: &str, field: Option<&str>, status: Option<u16>, service: Option<&str>) -> JsLoyaltyError;

    #[wasm_bindgen(js_name = loyaltyErrorClass)]
    fn loyalty_error_class() -> JsValue;
}

/// The `LoyaltyError` class itself, for the package's entry points to export.
#[wasm_bindgen(js_name = loyaltyErrorClass)]
pub fn error_class() -> JsValue {
    loyalty_error_class()
}

/// Lets `?` turn a core error into the JS exception wasm-bindgen throws.
impl From<LoyaltyError> for JsValue {
    fn from(e: LoyaltyError) -> JsValue {
        JsLoyaltyError::new(e.code(), &e.to_string(), e.field(), e.status(), e.service()).into()
    }
}

/// What every export returns: the value, or the `LoyaltyError` to throw.
pub type JsResult<T> = Result<T, JsValue>;
