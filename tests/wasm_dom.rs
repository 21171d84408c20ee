//! `lootly.mountWidget` in a real page (headless Chromium through chromedriver): the widget is
//! built with DOM calls, so attribute values stay text, and Lootly's script is added once.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use loyalty_connector::wasm::dom::mount_widget;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element};

wasm_bindgen_test_configure!(run_in_browser);

const ATTACK: &str = r#""><script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">"#;

fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a browser page")
}

fn props(api_key: &str, provider: &str) -> JsValue {
    let props = js_sys::Object::new();
    for (k, v) in [("apiKey", api_key), ("shopDomain", ATTACK), ("shopId", "0123abcd"), ("customerId", ATTACK),
        ("customerSignature", "x'y\"z"), ("provider", provider)]
    {
        Reflect::set(&props, &k.into(), &v.into()).unwrap();
    }
    props.into()
}

fn host(id: &str) -> Element {
    let document = document();
    let div = document.create_element("div").unwrap();
    div.set_id(id);
    document.body().unwrap().append_child(&div).unwrap();
    div
}

fn scripts_from(src: &str) -> usize {
    let scripts = document().get_elements_by_tag_name("script");
    (0..scripts.length()).filter(|&i| scripts.item(i).and_then(|s| s.get_attribute("src")).as_deref() == Some(src)).count()
}

#[wasm_bindgen_test]
fn attribute_values_stay_text_and_the_script_is_added_once() {
    let provider = "https://lootly.invalid";
    let script = "https://lootly.invalid/js/integrations/common/script.js";
    let scripts_before = document().get_elements_by_tag_name("script").length();
    let widget = mount_widget(host("one").into(), props(ATTACK, provider)).unwrap();

    assert_eq!(widget.id(), "lootly-widget");
    assert_eq!(widget.parent_element().unwrap().id(), "one");
    assert_eq!(widget.get_attribute("data-api-key").as_deref(), Some(ATTACK));
    assert_eq!(widget.get_attribute("data-shop-domain").as_deref(), Some(ATTACK));
    assert_eq!(widget.get_attribute("data-customer-signature").as_deref(), Some("x'y\"z"));
    assert_eq!(widget.get_attribute("style").as_deref(), Some("display: none"));
    assert_eq!(widget.child_element_count(), 0, "no markup was parsed");
    assert_eq!(document().get_elements_by_tag_name("img").length(), 0);
    assert_eq!(document().get_elements_by_tag_name("script").length(), scripts_before + 1);
    assert_eq!(scripts_from(script), 1);
    assert!(Reflect::get(&js_sys::global(), &"__xss".into()).unwrap().is_undefined());

    // Mounting again (say after a login) replaces the widget and keeps one script.
    let again = mount_widget("#one".into(), props("key-2", provider)).unwrap();
    assert_eq!(again.get_attribute("data-api-key").as_deref(), Some("key-2"));
    assert_eq!(document().get_elements_by_class_name("lootly-init").length(), 1);
    assert_eq!(scripts_from(script), 1);
}

#[wasm_bindgen_test]
fn bad_targets_and_providers_are_refused() {
    let code_and_field = |e: JsValue| {
        let get = |k: &str| Reflect::get(&e, &k.into()).unwrap().as_string();
        (get("code"), get("field"))
    };
    let error = mount_widget("#nowhere".into(), props("k", "https://lootly.invalid")).unwrap_err();
    assert_eq!(code_and_field(error), (Some("invalid_field".into()), Some("element".into())));
    let error = mount_widget("##".into(), props("k", "https://lootly.invalid")).unwrap_err();
    assert_eq!(code_and_field(error), (Some("invalid_field".into()), Some("element".into())));
    let error = mount_widget(JsValue::from(3), props("k", "https://lootly.invalid")).unwrap_err();
    assert_eq!(code_and_field(error), (Some("invalid_field".into()), Some("element".into())));
    let error = mount_widget(host("two").into(), props("k", "javascript:alert(1)//")).unwrap_err();
    assert_eq!(code_and_field(error), (Some("invalid_field".into()), Some("provider".into())));
    let missing = JSON::parse(r#"{"apiKey":"","shopDomain":"d","shopId":"i"}"#).unwrap();
    let error = mount_widget(host("three").into(), missing).unwrap_err();
    assert_eq!(code_and_field(error), (Some("missing_field".into()), Some("apiKey".into())));
}
