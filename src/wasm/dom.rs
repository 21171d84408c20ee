//! `lootly.mountWidget`: the widget built with DOM calls in a browser page, by the widget crate's
//! `dom::mount` (the same code as `loyalty-connector/widget`'s). Attribute values go through
//! `setAttribute`, never through HTML parsing, so no value can become markup.

use super::error::JsResult;
use super::input::typed;
use crate::error::LoyaltyError;
use crate::lootly::WidgetProps;
use loyalty_connector_widget::dom;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Appends `div#lootly-widget` with the props' data attributes to the element (or the first
/// element matching the selector), replacing a widget mounted before, and adds Lootly's script
/// to the page unless it is already there. Returns the div.
#[wasm_bindgen(js_name = lootlyMountWidget)]
pub fn mount_widget(element_or_selector: JsValue, props: JsValue) -> JsResult<Element> {
    let props: WidgetProps = typed(&props, "props")?;
    Ok(dom::mount(element_or_selector, &props.lend()).map_err(LoyaltyError::from)?)
}
