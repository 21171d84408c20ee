//! `lootly.mountWidget`: the widget built with DOM calls in a browser page. Attribute values go
//! through `setAttribute`, never through HTML parsing, so no value can become markup.

use super::error::JsResult;
use super::input::typed;
use super::lootly::checked_provider;
use crate::error::LoyaltyError;
use crate::lootly::{script_url, WidgetProps};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlScriptElement};

/// Lootly's script finds the widget by this id.
const WIDGET_ID: &str = "lootly-widget";

/// Appends `div#lootly-widget` with the props' data attributes to the element (or the first
/// element matching the selector), replacing a widget mounted before, and adds Lootly's script
/// to the page unless it is already there. Returns the div.
#[wasm_bindgen(js_name = lootlyMountWidget)]
pub fn mount_widget(element_or_selector: JsValue, props: JsValue) -> JsResult<Element> {
    let props: WidgetProps = typed(&props, "props")?;
    let attributes = props.data_attributes()?;
    let script = script_url(checked_provider(&props)?);
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| element_error("mountWidget needs a browser page: there is no document here"))?;
    let host = host(&document, element_or_selector)?;

    if let Some(previous) = document.get_element_by_id(WIDGET_ID) {
        previous.remove();
    }
    let div = document.create_element("div").map_err(dom_error)?;
    div.set_id(WIDGET_ID);
    div.set_class_name("lootly-init");
    div.set_attribute("style", "display: none").map_err(dom_error)?;
    for (name, value) in attributes {
        div.set_attribute(name, value).map_err(dom_error)?;
    }
    host.append_child(&div).map_err(dom_error)?;
    add_script_once(&document, &script)?;
    Ok(div)
}

fn host(document: &Document, element_or_selector: JsValue) -> Result<Element, LoyaltyError> {
    match element_or_selector.as_string() {
        Some(selector) => document
            .query_selector(&selector)
            .map_err(|_| element_error(format!("{selector:?} is not a valid CSS selector")))?
            .ok_or_else(|| element_error(format!("no element matches {selector:?}"))),
        None => element_or_selector.dyn_into::<Element>().map_err(|_| element_error("must be an Element or a CSS selector")),
    }
}

fn add_script_once(document: &Document, src: &str) -> Result<(), LoyaltyError> {
    let scripts = document.scripts();
    let present = (0..scripts.length())
        .filter_map(|i| scripts.item(i)?.dyn_into::<HtmlScriptElement>().ok())
        .any(|s| s.get_attribute("src").as_deref() == Some(src) || s.src() == src);
    if present {
        return Ok(());
    }
    let script: HtmlScriptElement = document.create_element("script").map_err(dom_error)?.unchecked_into();
    script.set_type("text/javascript");
    script.set_src(src);
    let parent: Element = match document.head() {
        Some(head) => head.into(),
        None => document.document_element().ok_or_else(|| element_error("the page has no root element"))?,
    };
    parent.append_child(&script).map_err(dom_error)?;
    Ok(())
}

fn element_error(reason: impl Into<String>) -> LoyaltyError {
    LoyaltyError::invalid("element", reason)
}

/// A DOM exception (an element that cannot take children, say) as a LoyaltyError on `element`.
fn dom_error(e: JsValue) -> LoyaltyError {
    let message = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()));
    element_error(message.unwrap_or_else(|| "the DOM refused the widget".into()))
}
