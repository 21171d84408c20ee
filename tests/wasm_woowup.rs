//! The `woowup` binding seen from Rust: each export called with JS values, as the npm package's
//! JavaScript calls it, and compared with the core called directly with the same input (the
//! binding adds no byte of its own), under wasm-bindgen-test in Node (`make test-js`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Reflect, JSON};
use loyalty_connector::wasm::error::error_class;
use loyalty_connector::wasm::woowup as js_woowup;
use loyalty_connector::woowup::{self, from_json, Client, Next, Order, RewardOptions, RewardOrder};
use loyalty_connector::Request;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("readable property")
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

fn json(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

/// The thrown value must be a `LoyaltyError` (an `Error` subclass); returns its code and field.
fn thrown<T>(result: Result<T, JsValue>) -> (String, Option<String>, String) {
    let Err(e) = result else { panic!("expected a LoyaltyError to be thrown") };
    let instance_of = Function::new_with_args("e, C", "return e instanceof C && e instanceof Error");
    assert_eq!(instance_of.call2(&JsValue::NULL, &e, &error_class()).unwrap(), JsValue::TRUE);
    (text(&e, "code"), get(&e, "field").as_string(), text(&e, "message"))
}

/// The JS request is the core's request: method, URL, headers in order, body.
fn same(js_request: &JsValue, core: Request) {
    assert_eq!(text(js_request, "method"), core.method.as_str());
    assert_eq!(text(js_request, "url"), core.url);
    let headers = get(js_request, "headers");
    let names: Vec<String> = js_sys::Object::keys(&headers.clone().into()).iter().map(|k| k.as_string().unwrap()).collect();
    let core_names: Vec<&str> = core.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, core_names, "{}", core.url);
    for (name, value) in &core.headers {
        assert_eq!(&text(&headers, name), value);
    }
    assert_eq!(get(js_request, "body").as_string(), core.body, "{}", core.url);
}

fn handle() -> js_woowup::ClientHandle {
    js_woowup::v2(js(r#"{"appId":"13","apiKey":"test-api-key"}"#)).unwrap_or_else(|_| panic!("a valid client"))
}

fn core() -> Client {
    Client::new("13", "test-api-key").unwrap()
}

#[wasm_bindgen_test]
fn every_endpoint_builds_the_cores_bytes() {
    let (h, c) = (handle(), core());
    same(&h.user_by_email("john+tag@doe.com".into()).unwrap(), c.user_by_email("john+tag@doe.com").unwrap());
    same(&h.user_by_uid(JsValue::from(24586932)).unwrap(), c.user_by_uid("24586932").unwrap());
    let is_user = r#"{"service":2,"service_uid":"john+tag@doe.com"}"#;
    same(&h.is_user(js(is_user)).unwrap(), c.is_user(&from_json(is_user).unwrap()).unwrap());
    same(&h.top_users_by_points(JsValue::UNDEFINED).unwrap(), c.top_users_by_points(None).unwrap());
    same(&h.top_users_by_points(JsValue::from(25)).unwrap(), c.top_users_by_points(Some(25)).unwrap());
    let user = r#"{"uid":"jose@example.com","pass":"p@ss w0rd&=%~","email":"jose@example.com","first_name":"José María","last_name":"O'Brien & Sons"}"#;
    same(&h.register_user_classic(js(user)).unwrap(), c.register_user_classic(&from_json(user).unwrap()).unwrap());
    let init = r#"{"uid":24586932,"email":"jose@example.com","first_name":"José","last_name":"O'Brien"}"#;
    same(&h.initialize_user(init.into()).unwrap(), c.initialize_user(&from_json(init).unwrap()).unwrap());
    let add = r#"{"userapp_id":"john+tag@doe.com","points":-50,"concept":3,"description":"¡Gracias! 😀 100%","branch":"Centro"}"#;
    same(&h.add_points_by_uid(js(add)).unwrap(), c.add_points_by_uid(&from_json(add).unwrap()).unwrap());
    let sale = r#"{"uid":"john+tag@doe.com","points":"1500","nrofactura":"A-0001/2023","factura":[{"codigo":"SKU/1","producto":"Café «bio»","cantidad":"0.5","precio":19.99,"categoryCode":"A/B","variations":[{"name":"Talle","value":"XS"}]}],"branch":"Centro","datetime":"2024-02-29 23:59:59"}"#;
    same(&h.add_sale_points_by_uid(js(sale)).unwrap(), c.add_sale_points_by_uid(&from_json(sale).unwrap()).unwrap());
    same(&h.cancel_invoice("A-0001/2023".into()).unwrap(), c.cancel_invoice("A-0001/2023").unwrap());
    same(&h.transactions(JsValue::from(17)).unwrap(), c.transactions("17").unwrap());
    same(&h.contest_sale_points().unwrap(), c.contest_sale_points().unwrap());
    same(&h.connectedservices().unwrap(), c.connectedservices().unwrap());
    let coupon = r#"{"coupon_id":"CUP-1 2","status":4}"#;
    same(&h.coupon_status(js(coupon)).unwrap(), c.coupon_status(&from_json(coupon).unwrap()).unwrap());
    let product = r#"{"code":"SKU 1/2","name":"Jabón & Co","category_id":23,"url":"http://x.com/?a=1&b=ñ","cost":15.8}"#;
    same(&h.save_product(js(product)).unwrap(), c.save_product(&from_json(product).unwrap()).unwrap());
    let tree = r#"[{"id":1,"name":"Ropa","children":[{"id":2,"name":"Niños/Niñas","children":null}]},{"id":"ACC-9","name":"Acc","children":[]}]"#;
    same(&h.save_category_tree(tree.into()).unwrap(), c.save_category_tree(&from_json::<Vec<_>>(tree).unwrap()).unwrap());
    let email = r#"{"to":["a@b.co","josé+1@email.com"],"subject":"Tu pedido ✓","body":"<p>Hola \"José\"</p>\n"}"#;
    same(&h.send_transactional_email(js(email)).unwrap(), c.send_transactional_email(&from_json(email).unwrap()).unwrap());
}

#[wasm_bindgen_test]
fn the_client_is_checked_once_and_names_its_options() {
    let h = js_woowup::v2(js(r#"{"appId":14,"apiKey":"k","baseUrl":"http://127.0.0.1:8790/apiv2/"}"#)).unwrap_or_else(|_| panic!("valid"));
    assert_eq!((h.app_id(), h.base_url()), ("14".to_string(), "http://127.0.0.1:8790/apiv2".to_string()));
    let check = |config: &str, want: (&str, &str)| {
        let (code, field, message) = thrown(js_woowup::v2(js(config)));
        assert_eq!((code.as_str(), field.as_deref()), (want.0, Some(want.1)), "{config}");
        assert!(!message.contains("SECRET"), "{message}");
    };
    check(r#"{"appId":"13"}"#, ("missing_field", "apiKey"));
    check(r#"{"appId":"1/3","apiKey":"k"}"#, ("invalid_field", "appId"));
    check(r#"{"appId":"13","apiKey":"SECRET KEY"}"#, ("invalid_field", "apiKey"));
    check(r#"{"appId":"13","apiKey":"k","baseURL":"x"}"#, ("invalid_field", "baseURL"));
    check(r#"{"appId":"13","apiKey":"k","baseUrl":"ftp://x"}"#, ("invalid_field", "baseUrl"));
    let (code, field, message) = thrown(handle().register_user_classic(js(
        r#"{"uid":"a","pass":987654321,"email":"a@b.co","first_name":"A","last_name":"B"}"#,
    )));
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_field", Some("pass")));
    assert!(!message.contains("987654321"), "{message}");
}

#[wasm_bindgen_test]
fn points_take_text_or_numbers_and_give_exact_text() {
    let p = |t: JsValue, s: JsValue, r: JsValue| js_woowup::points(t, s, r).unwrap_or_else(|_| panic!("points"));
    assert_eq!(p("19.99".into(), "1".into(), JsValue::UNDEFINED), "19");
    assert_eq!(p(JsValue::from(19.99), "1".into(), "ceil_of_total".into()), "20");
    assert_eq!(p("19.99".into(), JsValue::from(1.5), "unrounded".into()), "29.985");
    let (code, field, _) = thrown(js_woowup::points("1".into(), JsValue::from(-1), JsValue::UNDEFINED));
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_field", Some("salePoints")));
    let (code, field, _) = thrown(js_woowup::points(JsValue::from(f64::NAN), "1".into(), JsValue::UNDEFINED));
    assert_eq!((code.as_str(), field.as_deref()), ("non_finite_number", Some("total")));
}

/// Drives the binding's flow and the core's with the same answers: same requests, same outcome.
#[wasm_bindgen_test]
fn the_flow_handle_is_the_cores_step_machine() {
    let order = r#"{"nrofactura":"A-1","total":"19.99","customer":{"email":"ana@example.com","first_name":"Ana","last_name":"García"},"factura":[{"codigo":"1","producto":"Mate","cantidad":2,"precio":"9.995"}]}"#;
    let answers = [
        r#"{"status":false,"message":"User not found"}"#,
        r#"{"status":true,"data":{"user":{"service_uid":"ana@example.com"}}}"#,
        r#"{"status":true,"data":{"contest_sale_points":"1.5"}}"#,
        r#"{"status":true,"data":{"transaction_id":2424}}"#,
    ];
    let mut flow = handle()
        .reward_order(js(order), js(r#"{"unknownCustomer":"initialize","rule":"ceil_of_total"}"#), JsValue::UNDEFINED)
        .unwrap_or_else(|_| panic!("flow"));
    let options: RewardOptions = from_json(r#"{"unknown_customer":"initialize","rule":"ceil_of_total"}"#).unwrap();
    let mut core_flow = RewardOrder::new(&core(), from_json::<Order>(order).unwrap(), options).unwrap();
    for answer in answers {
        let Next::Send(core_req) = core_flow.next() else { panic!("the core flow ended early") };
        same(&get(&flow.next().unwrap(), "send"), core_req);
        assert!(flow.outcome().unwrap().is_undefined());
        flow.feed(JsValue::from(200), None, answer.into()).unwrap();
        core_flow.feed(200, answer);
    }
    assert_eq!(get(&flow.next().unwrap(), "done"), JsValue::TRUE);
    assert!(flow.step().unwrap().is_undefined());
    let Next::Done(core_outcome) = core_flow.next() else { panic!("the core flow is not done") };
    assert_eq!(json(&flow.outcome().unwrap()), core_outcome.to_json());
    assert_eq!(
        core_outcome.to_json(),
        r#"{"outcome":"rewarded","uid":"ana@example.com","points":"30","sale_points":"1.5","transaction_id":"2424","customer_initialized":true,"already_recorded":false}"#
    );

    // The engine's policy: a 503 to a cancellation is in doubt and sent again after a wait; the
    // retry budget comes from JavaScript; a failure carries the HTTP status that ended it.
    let mut cancel = handle().cancel_order(JsValue::from(7), js(r#"{"maxAttempts":2,"baseDelayMs":10}"#)).unwrap_or_else(|_| panic!("flow"));
    assert_eq!(flow_step(&cancel), "cancel_invoice");
    assert!(!get(&cancel.next().unwrap(), "send").is_undefined());
    cancel.feed(JsValue::from(503), Some("1".into()), "<html>".into()).unwrap();
    let wait = get(&cancel.next().unwrap(), "wait").as_f64().unwrap();
    assert!((5.0..=10.0).contains(&wait), "10 ms, half of it jittered: {wait}");
    assert!(!get(&cancel.next().unwrap(), "send").is_undefined());
    cancel.feed(JsValue::from(400), None, r#"{"status":false,"message":"Factura inexistente"}"#.into()).unwrap();
    let outcome = cancel.outcome().unwrap();
    assert_eq!((text(&outcome, "outcome"), text(&outcome, "step")), ("failed".into(), "cancel_invoice".into()));
    assert_eq!(get(&outcome, "status"), JsValue::from(400));
    assert_eq!(text(&get(&outcome, "error"), "code"), "remote_error");
    let (code, field, _) = thrown(cancel.feed(JsValue::from(99), None, "".into()).map(|_| JsValue::UNDEFINED));
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_field", Some("status")));
    let (code, field, _) = thrown(handle().cancel_order(JsValue::from(7), js(r#"{"maxAttempts":0}"#)).map(|_| JsValue::UNDEFINED));
    assert_eq!((code.as_str(), field.as_deref()), ("invalid_field", Some("retry.maxAttempts")));
}

fn flow_step(flow: &js_woowup::FlowHandle) -> String {
    flow.step().unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn readers_match_the_core() {
    let body = r#"{"status":true,"data":{"user":{"id":9,"service_uid":null,"points":"4256.50"}}}"#;
    let lookup = js_woowup::read_user_lookup(JsValue::from(200), body.into()).unwrap();
    assert_eq!(json(&lookup), serde_json::to_string(&woowup::read_user_lookup(200, body).unwrap()).unwrap());
    assert_eq!(text(&get(&lookup, "user"), "points"), "4256.5");
    let (code, field, message) = thrown(js_woowup::read_response(JsValue::from(200), r#"{"status":false,"message":"Invalid apikey"}"#.into()));
    assert_eq!((code.as_str(), field, message.as_str()), ("remote_error", None, "woowup answered 200: Invalid apikey"));
    let list = r#"[{"id":"2191","points":"20000","action_id":null},{"id":2206,"points":-100}]"#;
    let read = js_woowup::read_transactions(JsValue::from(200), list.into()).unwrap();
    assert_eq!(json(&read), serde_json::to_string(&woowup::read_transactions(200, list).unwrap()).unwrap());
}
