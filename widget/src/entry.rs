//! The exports of `loyalty-connector/widget`'s own wasm (feature `entry`): `mountWidget`,
//! `widgetHtml` and the `LoyaltyError` class they throw (error.js). (`scriptTag` is for servers:
//! the root entry has it; mountWidget adds the script itself.)
//!
//! Props are read from a plain object as the core's binding reads them through `JSON.stringify`
//! and serde (tests/js/widget-suite.mjs compares the two entries on generated props): members
//! JSON leaves out (`undefined`, functions, symbols) are absent, `null` is absent for the
//! optional ones, any other non-string value or unknown member is refused, in the object's own
//! key order; then the absent required ones, in the order of [`Props`].
//!
//! no_std: a bump allocator (memory is handed back whenever nothing is live, which is the case
//! after every call: each export's strings are dropped or copied out by the glue before it
//! returns) and a panic handler that traps, so the module carries no formatting code.

use crate::{dom, join, widget_html as html, Problem, Props};
use alloc::borrow::Cow;
use alloc::string::String;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Element;

#[wasm_bindgen(module = "/src/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = LoyaltyError)]
    type JsLoyaltyError;

    #[wasm_bindgen(constructor, js_class = "LoyaltyError")]
    fn new(code: &str, message: &str, field: Option<&str>) -> JsLoyaltyError;

    #[wasm_bindgen(js_name = loyaltyErrorClass)]
    fn loyalty_error_class() -> JsValue;
}

/// The `LoyaltyError` class this entry throws.
#[wasm_bindgen(js_name = loyaltyErrorClass)]
pub fn error_class() -> JsValue {
    loyalty_error_class()
}

/// Appends `div#lootly-widget` to the element or the first match of a selector (see [`dom::mount`]).
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(element_or_selector: JsValue, props: JsValue) -> Result<Element, JsValue> {
    let props = OwnedProps::read(&props)?;
    dom::mount(element_or_selector, &props.lend()).map_err(thrown)
}

/// The widget div as HTML, every attribute value escaped (a JS string made here: no boxed copy
/// handed back to the glue).
#[wasm_bindgen(js_name = widgetHtml)]
pub fn widget_html(props: JsValue) -> Result<JsValue, JsValue> {
    Ok(JsValue::from_str(&html(&OwnedProps::read(&props)?.lend()).map_err(thrown)?))
}

/// The six props, in [`Props`]'s order.
const FIELDS: [&str; 6] = ["apiKey", "shopDomain", "shopId", "customerId", "customerSignature", "provider"];
/// The first three are required.
const REQUIRED: usize = 3;

struct OwnedProps([Option<String>; 6]);

impl OwnedProps {
    fn read(props: &JsValue) -> Result<Self, JsValue> {
        if props.is_undefined() {
            return Err(thrown(Problem::Missing("props")));
        }
        if !props.is_object() || js_sys::Array::is_array(props) {
            return Err(thrown(Problem::Invalid("props", Cow::Borrowed("must be an object"))));
        }
        let mut values: [Option<String>; 6] = Default::default();
        for key in Object::keys(props.unchecked_ref::<Object>()).iter() {
            let value = Reflect::get(props, &key).map_err(|_| thrown(Problem::Invalid("props", Cow::Borrowed("cannot be read"))))?;
            if value.is_undefined() || value.is_function() || value.is_symbol() {
                continue; // JSON leaves them out
            }
            let key = key.as_string().unwrap_or_default();
            let Some(index) = FIELDS.iter().position(|field| *field == key) else {
                return Err(error("invalid_field", Some(&key), &join(&[&key, ": unknown field"])));
            };
            let field = FIELDS.get(index).copied().unwrap_or("props");
            let optional = index >= REQUIRED;
            match (value.as_string(), values.get_mut(index)) {
                // A lone surrogate has no UTF-8 (nor JSON the core would read): refused as the
                // core refuses it, rather than turned into U+FFFD.
                (Some(text), _) if holds_replacement_character(&text) && JsValue::from_str(&text) != value => {
                    return Err(error("invalid_json", None, "invalid JSON: a string holds a lone surrogate"));
                }
                (Some(text), Some(slot)) => *slot = Some(text),
                (None, _) if value.is_null() && optional => {}
                _ => return Err(thrown(Problem::Invalid(field, Cow::Borrowed("must be a string")))),
            }
        }
        if let Some(absent) = FIELDS.iter().zip(&values).take(REQUIRED).find(|(_, value)| value.is_none()) {
            return Err(thrown(Problem::Missing(absent.0)));
        }
        Ok(Self(values))
    }

    fn lend(&self) -> Props<'_> {
        let [api_key, shop_domain, shop_id, customer_id, customer_signature, provider] = &self.0;
        Props {
            api_key: api_key.as_deref().unwrap_or(""),
            shop_domain: shop_domain.as_deref().unwrap_or(""),
            shop_id: shop_id.as_deref().unwrap_or(""),
            customer_id: customer_id.as_deref(),
            customer_signature: customer_signature.as_deref(),
            provider: provider.as_deref(),
        }
    }
}

/// A problem as the `LoyaltyError` to throw, with the core's code and message for it.
fn thrown(problem: Problem) -> JsValue {
    match problem {
        Problem::Missing(field) => error("missing_field", Some(field), &join(&[field, " is required"])),
        Problem::Invalid(field, reason) => error("invalid_field", Some(field), &join(&[field, ": ", &reason])),
    }
}

/// U+FFFD in UTF-8, where a lone surrogate would have turned into one.
fn holds_replacement_character(text: &str) -> bool {
    text.as_bytes().windows(3).any(|bytes| bytes == [0xEF, 0xBF, 0xBD])
}

fn error(code: &str, field: Option<&str>, message: &str) -> JsValue {
    JsLoyaltyError::new(code, message, field).into()
}

/// A trap: the module has no unwinding and no message to print.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Hands out memory upwards from where the module's memory ended at the first allocation,
/// growing it as needed; starts again from there whenever every allocation has been freed.
struct Bump {
    base: Cell<usize>,
    next: Cell<usize>,
    live: Cell<usize>,
}

// SAFETY: wasm32 without threads (no atomics feature): one thread ever touches the allocator.
unsafe impl Sync for Bump {}

#[global_allocator]
static ALLOCATOR: Bump = Bump { base: Cell::new(0), next: Cell::new(0), live: Cell::new(0) };

const PAGE: usize = 65_536;

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.base.get() == 0 {
            let end = core::arch::wasm32::memory_size(0) * PAGE;
            self.base.set(end);
            self.next.set(end);
        }
        let Some(start) = self.next.get().checked_add(layout.align() - 1).map(|n| n & !(layout.align() - 1)) else {
            return core::ptr::null_mut();
        };
        let Some(end) = start.checked_add(layout.size()) else {
            return core::ptr::null_mut();
        };
        let have = core::arch::wasm32::memory_size(0) * PAGE;
        if end > have && core::arch::wasm32::memory_grow(0, (end - have).div_ceil(PAGE)) == usize::MAX {
            return core::ptr::null_mut();
        }
        self.next.set(end);
        self.live.set(self.live.get() + 1);
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {
        let live = self.live.get().saturating_sub(1);
        self.live.set(live);
        if live == 0 {
            self.next.set(self.base.get());
        }
    }
}
