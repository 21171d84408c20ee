//! The widget mounted with DOM calls in a browser page (web-sys). Attribute values go through
//! `setAttribute`, never through HTML parsing, so no value can become markup.

use crate::{join, Problem, Props, WIDGET_ID};
use alloc::borrow::Cow;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlScriptElement};

#[wasm_bindgen(module = "/src/page.js")]
extern "C" {
    /// The page's `document`, `None` outside a browser.
    #[wasm_bindgen(js_name = pageDocument)]
    fn page_document() -> Option<Document>;
}

/// Appends `div#lootly-widget` with the props' data attributes to the element (or the first
/// element matching the selector), replacing a widget mounted before, and adds Lootly's script
/// to the page unless it is already there. Returns the div.
pub fn mount(element_or_selector: JsValue, props: &Props) -> Result<Element, Problem> {
    let attributes = props.attributes()?;
    let script = props.checked_script_url()?;
    let document = page_document().ok_or_else(|| element_error("mountWidget needs a browser page: there is no document here"))?;
    let host = host(&document, element_or_selector)?;

    if let Some(previous) = document.get_element_by_id(WIDGET_ID) {
        previous.remove();
    }
    let div = document.create_element("div").map_err(dom_error)?;
    div.set_id(WIDGET_ID);
    div.set_class_name("lootly-init");
    // setAttribute throws only for a name that is not one: these are constants.
    for (name, value) in [("style", "display: none")].into_iter().chain(attributes) {
        let _ = div.set_attribute(name, value);
    }
    host.append_child(&div).map_err(dom_error)?;
    add_script_once(&document, &script)?;
    Ok(div)
}

fn host(document: &Document, element_or_selector: JsValue) -> Result<Element, Problem> {
    match element_or_selector.as_string() {
        Some(selector) => document
            .query_selector(&selector)
            .map_err(|_| element_error(join(&["\"", &selector, "\" is not a valid CSS selector"])))?
            .ok_or_else(|| element_error(join(&["no element matches \"", &selector, "\""]))),
        None => element_or_selector.dyn_into::<Element>().map_err(|_| element_error("must be an Element or a CSS selector")),
    }
}

fn add_script_once(document: &Document, src: &str) -> Result<(), Problem> {
    let scripts = document.scripts();
    let present = (0..scripts.length())
        // document.scripts holds only script elements.
        .filter_map(|i| scripts.item(i).map(JsCast::unchecked_into::<HtmlScriptElement>))
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

fn element_error(reason: impl Into<Cow<'static, str>>) -> Problem {
    Problem::Invalid("element", reason.into())
}

/// A DOM exception (an element that cannot take children, say) as a problem of `element`.
fn dom_error(_: JsValue) -> Problem {
    element_error("the DOM refused the widget (an element that cannot take children?)")
}
