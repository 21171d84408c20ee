//! Every WoowUp API v3 request, byte for byte: method, URL, headers and body compared with what
//! real php-cli builds the way WoowUp's official PHP clients do (tests/php/woowup_v3.php), for
//! hand-picked cases of every endpoint and for generated purchases, customers, products, skus
//! and branch names.

use loyalty_connector::woowup::v3::{
    encode_branch_name, input, AttributeOwner, Client, CouponStatus, Identity, Points, TransactionFilter,
};
use loyalty_connector::Request;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const KEY: &str = "test-v3-key";
/// Cases the library refuses; PHP's answer must show why.
const REFUSED: &str = "refused ";

fn client() -> Client {
    Client::new(KEY).unwrap()
}

/// What PHP is asked to build for one request.
struct Case {
    name: String,
    request: Request,
    spec: Value,
}

fn lit(s: &str) -> Value {
    json!(["lit", s])
}

fn case(name: impl Into<String>, request: Request, path: Vec<Value>, query: Option<Vec<(&str, &str)>>, body: Value) -> Case {
    let name = name.into();
    let query = query.map(|q| q.into_iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>());
    let spec = json!({"name": name, "method": request.method.as_str(), "path": path, "query": query, "body": body});
    Case { name, request, spec }
}

fn input_body(text: &str) -> Value {
    json!({"kind": "input", "text": text})
}

/// Runs php-cli over all the cases (installed by `scripts/need php` when missing; never skipped)
/// and checks each request against PHP's answer.
fn check_all(cases: Vec<Case>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let has_php = || Command::new("php").arg("--version").output().is_ok_and(|o| o.status.success());
    if !has_php() {
        let status = Command::new(root.join("scripts/need")).arg("php").status();
        assert!(status.is_ok_and(|s| s.success()) && has_php(), "php-cli is required (scripts/need php)");
    }
    let specs: Vec<&Value> = cases.iter().map(|c| &c.spec).collect();
    let mut child = Command::new("php")
        .arg(root.join("tests/php/woowup_v3.php"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run php");
    let text = serde_json::to_vec(&specs).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&text));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "php failed: {}", String::from_utf8_lossy(&out.stderr));
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).expect("the PHP script prints JSON");
    assert_eq!(answers.len(), cases.len());
    for (case, php) in cases.iter().zip(&answers) {
        let (name, req) = (&case.name, &case.request);
        assert_eq!(php["name"], json!(name));
        if name.starts_with(REFUSED) {
            let url = php["url"].as_str().unwrap();
            assert!(url.split("/branches/").nth(1).unwrap().contains('/'), "{name}: refused, yet PHP's path is {url}");
            continue;
        }
        assert_eq!(req.method.as_str(), php["method"], "{name}: method");
        assert_eq!(req.url, php["url"].as_str().unwrap(), "{name}: url");
        assert_eq!(req.body.as_deref(), php["body"].as_str(), "{name}: body");
        let mut headers = vec![("Authorization".to_string(), format!("Basic {KEY}")), ("Accept".to_string(), "application/json".to_string())];
        if req.body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        assert_eq!(req.headers, headers, "{name}: headers");
        assert!(!format!("{req:?}").contains(KEY), "{name}: Debug shows the key");
    }
}

const PURCHASE: &str = r#"{"invoice_number": "FAC-000123", "email": "ana@example.com", "channel": "in-store",
 "branch_name": "Palermo I", "createtime": "2026-11-30T18:05:00-03:00",
 "purchase_detail": [{"sku": "JCK-001", "product_name": "Jacket \"XL\" ñ", "quantity": 1,
   "unit_price": 999.99, "variations": [{"name": "Size", "value": "XL"}], "category": [{"id": "1", "name": "Ropa/Abrigos"}]}],
 "prices": {"gross": 999.99, "discount": 0, "total": 999.99, "tax": 0.1e1, "shipping": 1E2},
 "payment": [{"type": "credit", "brand": "VISA", "total": 999.99, "installments": 3}],
 "metadata": {}, "custom_attributes": {"0": "zero", "gift": true}}"#;

#[test]
fn every_endpoint_as_the_official_clients_send_it() {
    let c = client();
    let who = Identity { email: Some("john+tag@doe.com".into()), document: Some("24.586.932/á".into()), ..Identity::default() };
    let ids = vec![("email", "john+tag@doe.com"), ("document", "24.586.932/á")];
    let customer = r#"{"service_uid": "ID/1+2", "email": "ana@example.com", "first_name": "Ana", "last_name": "O'Brien",
        "birthdate": "1990-02-28", "gender": "F", "country": "ARG", "tags": "vip,club", "points": 10,
        "mailing_enabled": "disabled", "mailing_disabled_reason": "unsuscribe", "custom_attributes": {"size": "M"}}"#;
    let member = r#"{"relationship": "pet_dog", "first_name": "Firulais", "birthdate": "2020-01-01"}"#;
    let cart = r#"{"email": "ana@example.com", "external_id": "C-1", "createtime": "2026-01-02T03:04:05Z", "total_price": 10.5,
        "products": [{"sku": "A-1", "quantity": 2, "unit_price": 5.25}], "recover_url": "https://x.test/c?id=1&t=ñ"}"#;
    let product = r#"{"sku": "SKU/1?", "name": "Jabón & Co", "price": 15.8, "offer_price": 12, "available": true,
        "category": {"id": "23", "name": "Higiene"}, "specifications": [{"name": "Peso", "value": "1 kg"}], "description": "línea1\nlínea2"}"#;
    let branch = r#"{"name": "Palermo I", "display_name": "Palermo", "description": null, "status": "active", "format": "outlet"}"#;
    let attribute = r#"{"name": "talle", "label": "Talle", "field_type": "select", "data_type": "string", "options": [{"value": "m", "text": "M"}]}"#;
    let event = r#"{"event": "view-product", "email": "ana@example.com", "datetime": "2026-01-02 03:04:05", "metadata": {"sku": "A1"}}"#;
    let stats = r#"{"customers": {"created": 3, "updated": 1, "failed": [{"element": {"email": "x"}, "message": "bad email"}]},
        "purchases": {"created": 10, "updated": 0, "duplicated": 2, "failed": [], "revenue": 1234.5, "units": 12}}"#;
    let page = |p: &'static str, l: &'static str| vec![("page", p), ("limit", l)];
    let cases = vec![
        case("exist", c.customer_exists(&who).unwrap(), vec![lit("/multiusers/exist")], Some(ids.clone()), Value::Null),
        case("find", c.find_customer(&who).unwrap(), vec![lit("/multiusers/find")], Some(ids.clone()), Value::Null),
        case("find_uid", c.find_customer(&Identity::service_uid("日本-001")).unwrap(), vec![lit("/multiusers/find")], Some(vec![("service_uid", "日本-001")]), Value::Null),
        case("create_customer", c.create_customer(&input(customer).unwrap()).unwrap(), vec![lit("/users")], None, input_body(customer)),
        case("update_customer", c.update_customer(&input(customer).unwrap()).unwrap(), vec![lit("/multiusers")], None, input_body(customer)),
        case(
            "points",
            c.add_points(&who, &Points { concept: "gift".into(), points: -50, description: Some("¡Gracias! 😀 100%".into()) }).unwrap(),
            vec![lit("/multiusers/points")],
            None,
            json!({"kind": "pairs", "pairs": [["email", "john+tag@doe.com"], ["document", "24.586.932/á"], ["concept", "gift"], ["points", -50], ["description", "¡Gracias! 😀 100%"]]}),
        ),
        case(
            "transactions",
            c.transactions(&who, &TransactionFilter { concept: Some("purchase".into()), from: Some("2026-01-01 00:00:00".into()), to: None }).unwrap(),
            vec![lit("/multiusers/transactions")],
            Some([ids.clone(), vec![("concept", "purchase"), ("from", "2026-01-01 00:00:00")]].concat()),
            Value::Null,
        ),
        case("add_member", c.add_member(&who, &input(member).unwrap()).unwrap(), vec![lit("/multiusers/members")], Some(ids.clone()), input_body(member)),
        case("update_member", c.update_member(&who, &input(member).unwrap()).unwrap(), vec![lit("/multiusers/members")], Some(ids.clone()), input_body(member)),
        case("abandoned_cart", c.abandoned_cart(&input(cart).unwrap()).unwrap(), vec![lit("/multiusers/abandoned-cart")], None, input_body(cart)),
        case("list_customers", c.list_customers(3, 100).unwrap(), vec![lit("/users")], Some(page("3", "100")), Value::Null),
        case("remove_tags", c.remove_tags("1234", &["vip", "club"]).unwrap(), vec![lit("/users/1234")], None, json!({"kind": "pairs", "pairs": [["remove_tags", "vip,club"]]})),
        case("create_purchase", c.create_purchase(&input(PURCHASE).unwrap()).unwrap(), vec![lit("/purchases")], None, input_body(PURCHASE)),
        case("update_purchase", c.update_purchase(&input(PURCHASE).unwrap()).unwrap(), vec![lit("/purchases")], None, input_body(PURCHASE)),
        case("find_purchase", c.find_purchase("A-0001/2023 ñ").unwrap(), vec![lit("/purchases")], Some(vec![("invoice_number", "A-0001/2023 ñ")]), Value::Null),
        case(
            "bulk",
            c.bulk_purchases(&[input(PURCHASE).unwrap(), input(PURCHASE).unwrap()]).unwrap(),
            vec![lit("/purchases/bulk")],
            None,
            json!({"kind": "list", "texts": [PURCHASE, PURCHASE]}),
        ),
        case("iin", c.card_iin("450799").unwrap(), vec![lit("/purchases/iin/450799")], None, Value::Null),
        case("create_product", c.create_product(&input(product).unwrap()).unwrap(), vec![lit("/products")], None, input_body(product)),
        case("update_product", c.update_product("SKU/1?", &input(product).unwrap()).unwrap(), vec![lit("/products/"), json!(["id", "SKU/1?"])], None, input_body(product)),
        case("find_product", c.find_product("JCK 001+ñ").unwrap(), vec![lit("/products/"), json!(["id", "JCK 001+ñ"])], None, Value::Null),
        case("product_exists", c.product_exists("SKU/1?").unwrap(), vec![lit("/products/"), json!(["id", "SKU/1?"]), lit("/exist")], None, Value::Null),
        case(
            "search_products",
            c.search_products(0, 25, &[("available", "true"), ("with_stock", "true")]).unwrap(),
            vec![lit("/products")],
            Some(vec![("page", "0"), ("limit", "25"), ("available", "true"), ("with_stock", "true")]),
            Value::Null,
        ),
        case("list_branches", c.list_branches(0, 10).unwrap(), vec![lit("/branches")], Some(page("0", "10")), Value::Null),
        case("find_branch", c.find_branch(77).unwrap(), vec![lit("/branches/77")], None, Value::Null),
        case("create_branch", c.create_branch(&input(branch).unwrap()).unwrap(), vec![lit("/branches")], None, input_body(branch)),
        case("update_branch", c.update_branch("Palermo I", &input(branch).unwrap()).unwrap(), vec![lit("/branches/"), json!(["branch", "Palermo I"])], None, input_body(branch)),
        case(
            "delete_category",
            c.delete_category("ROPA-1", "ops@shop.test").unwrap(),
            vec![lit("/categories")],
            None,
            json!({"kind": "pairs", "pairs": [["code", "ROPA-1"], ["notify_to", "ops@shop.test"]]}),
        ),
        case("delete_categories", c.delete_all_categories("ops@shop.test").unwrap(), vec![lit("/categories/bulk")], None, json!({"kind": "pairs", "pairs": [["notify_to", "ops@shop.test"]]})),
        case(
            "list_coupons",
            c.list_coupons(Some(CouponStatus::Assigned), Some("2026-01-01 00:00:00"), Some("2026-02-01 00:00:00"), 1, 50).unwrap(),
            vec![lit("/coupons")],
            Some(vec![("status", "assigned"), ("from", "2026-01-01 00:00:00"), ("to", "2026-02-01 00:00:00"), ("page", "1"), ("limit", "50")]),
            Value::Null,
        ),
        case("coupon_used", c.set_coupon_status("CUP-1", CouponStatus::Used).unwrap(), vec![lit("/coupons/CUP-1")], None, json!({"kind": "pairs", "pairs": [["status", "used"]]})),
        case(
            "benefits",
            c.benefits(5, 0, 2).unwrap(),
            vec![lit("/benefits")],
            Some(vec![("currentbenefits", "5"), ("outofstockbenefits", "0"), ("comingbenefits", "2")]),
            Value::Null,
        ),
        case("list_events", c.list_events(0, 25).unwrap(), vec![lit("/events")], Some(page("0", "25")), Value::Null),
        case("create_event", c.create_event("view-product").unwrap(), vec![lit("/events")], None, json!({"kind": "pairs", "pairs": [["name", "view-product"]]})),
        case("user_event", c.user_event(&input(event).unwrap()).unwrap(), vec![lit("/user-events")], None, input_body(event)),
        case(
            "list_attributes",
            c.list_custom_attributes(AttributeOwner::PurchaseItem, Some("talle ñ"), 0, 25).unwrap(),
            vec![lit("/account/purchase-item-custom-attributes")],
            Some(vec![("text", "talle ñ"), ("page", "0"), ("limit", "25")]),
            Value::Null,
        ),
        case(
            "create_attribute",
            c.create_custom_attribute(AttributeOwner::Customer, &input(attribute).unwrap()).unwrap(),
            vec![lit("/account/custom-attributes")],
            None,
            input_body(attribute),
        ),
        case(
            "update_attribute",
            c.update_custom_attribute(AttributeOwner::Product, "talle", &input(attribute).unwrap()).unwrap(),
            vec![lit("/account/product-custom-attributes/talle")],
            None,
            input_body(attribute),
        ),
        case("create_stats", c.create_integration_stats(&input(stats).unwrap()).unwrap(), vec![lit("/integration-stats")], None, input_body(stats)),
        case(
            "search_stats",
            c.search_integration_stats(0, 25, Some("2026-01-01"), None).unwrap(),
            vec![lit("/integration-stats")],
            Some(vec![("page", "0"), ("limit", "25"), ("from", "2026-01-01")]),
            Value::Null,
        ),
        case(
            "stats",
            c.stats(Some("2026-01-01"), Some("2026-01-31 23:59:59"), Some("Shopping Unicenter")).unwrap(),
            vec![lit("/stats")],
            Some(vec![("from", "2026-01-01"), ("to", "2026-01-31 23:59:59"), ("branch", "Shopping Unicenter")]),
            Value::Null,
        ),
    ];
    check_all(cases);
}

#[path = "support/xorshift.rs"]
mod xorshift;

/// The generated inputs: draws from a xorshift64*.
struct Gen(xorshift::Xorshift);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
    fn pick<'a, T: ?Sized>(&mut self, from: &[&'a T]) -> &'a T {
        from[self.below(from.len())]
    }
    /// Text mixing what encoders treat differently: `/`, `+`, `=`, quotes, backslashes, controls,
    /// non-ASCII, emoji, U+2028.
    fn text(&mut self, max: usize) -> String {
        const PARTS: [&str; 24] = [
            "a", "Z", "0", "9", " ", "/", "+", "=", "?", "&", "%", "\"", "\\", "'", "<", "ñ", "日本", "😀", "\u{2028}", "\n", "\t",
            "\u{1}", "\u{7f}", "é",
        ];
        let text: String = (0..1 + self.below(max)).map(|_| PARTS[self.below(PARTS.len())]).collect();
        if text.trim().is_empty() {
            text + "x" // blank text is refused (a separate check); keep these valid
        } else {
            text
        }
    }
    fn sku(&mut self) -> String {
        const FIRST: [&str; 6] = ["A", "z", "9", "%", "ñ", " "];
        const REST: [&str; 6] = ["A", "b", "7", "_", "%", "-"];
        let rest: String = (0..1 + self.below(12)).map(|_| REST[self.below(REST.len())]).collect();
        format!("{}{rest}", FIRST[self.below(FIRST.len())])
    }
    /// A JSON number literal, in the forms PHP reads differently (exponents, `-0`, big integers).
    fn number(&mut self) -> String {
        const LITERALS: [&str; 14] = [
            "0", "-0", "-0.0", "999.99", "0.1", "1e2", "1E-7", "12.50", "100.0", "9007199254740993", "12345678901234567890",
            "0.30000000000000004", "-42", "1.7976931348623157e308",
        ];
        if self.below(3) == 0 {
            format!("{}.{:02}", self.below(100_000), self.below(100))
        } else {
            LITERALS[self.below(LITERALS.len())].to_string()
        }
    }
    fn string_json(&mut self, max: usize) -> String {
        serde_json::to_string(&self.text(max)).unwrap()
    }
}

fn purchase(g: &mut Gen) -> String {
    let items: Vec<String> = (0..1 + g.below(4))
        .map(|_| {
            let quantity = g.pick(&["1", "2", "0", "3.0", "250"]).to_string();
            let variations = if g.below(2) == 0 { format!(r#", "variations": [{{"name": "Talle", "value": {}}}]"#, g.string_json(5)) } else { String::new() };
            format!(
                r#"{{"sku": {}, "product_name": {}, "quantity": {quantity}, "unit_price": {}{variations}}}"#,
                serde_json::to_string(&g.sku()).unwrap(),
                g.string_json(12),
                g.number()
            )
        })
        .collect();
    let id = match g.below(4) {
        0 => format!(r#""email": "{}@example.com""#, g.pick(&["ana", "john+tag", "ñandú", "o'brien"])),
        1 => format!(r#""document": {}"#, g.pick(&["24586932", "\"24.586.932\""])),
        2 => format!(r#""service_uid": {}"#, g.string_json(8)),
        _ => format!(r#""telephone": "+54 11 {}""#, g.below(10_000_000)),
    };
    let invoice = if g.below(2) == 0 { g.below(1_000_000_000).to_string() } else { g.string_json(10) };
    let createtime = g.pick(&["2026-11-30 18:05:00", "2026-11-30T18:05:00-03:00", "2024-02-29T23:59:59.5Z"]);
    let channel = g.pick(&["web", "telephone", "in-store", "corporate", "direct", "other"]);
    format!(
        r#"{{"invoice_number": {invoice}, {id}, "channel": "{channel}", "createtime": "{createtime}", "branch_name": {},
            "purchase_detail": [{}], "prices": {{"gross": {}, "discount": {}, "total": {}}}, "points": {}, "metadata": {{"k": {}, "e": {{}}, "l": []}}}}"#,
        g.string_json(10),
        items.join(", "),
        g.number(),
        g.number(),
        g.number(),
        g.pick(&["0", "10", "-5", "2.0"]),
        g.string_json(6)
    )
}

fn customer(g: &mut Gen) -> String {
    format!(
        r#"{{"email": "{}@example.com", "service_uid": {}, "first_name": {}, "last_name": {}, "gender": "{}", "birthdate": "19{:02}-0{}-1{}",
            "tags": {}, "points": {}, "custom_attributes": {{"a": {}, "n": {}}}}}"#,
        g.pick(&["ana", "b.c", "x+y"]),
        g.string_json(8),
        g.string_json(10),
        g.string_json(10),
        g.pick(&["F", "M"]),
        g.below(100),
        1 + g.below(9),
        g.below(10),
        g.string_json(6),
        g.pick(&["0", "5", "-3"]),
        g.string_json(4),
        g.number()
    )
}

#[test]
fn generated_bodies_skus_and_branch_names_match_php() {
    let c = client();
    let mut g = Gen(xorshift::Xorshift(0x9E37_79B9_7F4A_7C15));
    let mut cases = Vec::new();
    for i in 0..150 {
        let text = purchase(&mut g);
        let body = input(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let req = c.create_purchase(&body).unwrap_or_else(|e| panic!("{e:?}: {text}"));
        cases.push(case(format!("purchase {i}"), req, vec![lit("/purchases")], None, input_body(&text)));

        let text = customer(&mut g);
        let req = c.update_customer(&input(&text).unwrap()).unwrap_or_else(|e| panic!("{e:?}: {text}"));
        cases.push(case(format!("customer {i}"), req, vec![lit("/multiusers")], None, input_body(&text)));

        let sku = g.text(10);
        let req = c.find_product(&sku).unwrap();
        cases.push(case(format!("sku {i}"), req, vec![lit("/products/"), json!(["id", sku])], None, Value::Null));

        let uid = g.text(10);
        let req = c.find_customer(&Identity::service_uid(&uid)).unwrap();
        cases.push(case(format!("uid {i}"), req, vec![lit("/multiusers/find")], Some(vec![("service_uid", uid.as_str())]), Value::Null));

        let name = g.text(8);
        let path = vec![lit("/branches/"), json!(["branch", name])];
        match encode_branch_name(&name) {
            Ok(encoded) => {
                let req = c.update_branch(&name, &input(r#"{"name": "x"}"#).unwrap()).unwrap();
                assert!(req.url.ends_with(&encoded));
                cases.push(case(format!("branch {i}"), req, path, None, input_body(r#"{"name": "x"}"#)));
            }
            // Refused: PHP's base64 of the name must hold a '/'.
            Err(e) => {
                assert_eq!(e.field(), Some("name"));
                cases.push(case(format!("{REFUSED}branch {i}"), c.find_branch(1).unwrap(), path, None, Value::Null));
            }
        }
    }
    let refused = cases.iter().filter(|c| c.name.starts_with(REFUSED)).count();
    let branches = cases.iter().filter(|c| c.name.starts_with("branch ")).count();
    assert!(refused > 0 && branches > 0, "both kinds of branch names are generated: {refused} refused, {branches} sent");
    let refused = cases.iter().filter(|c| c.name.starts_with(REFUSED)).count();
    let branches = cases.iter().filter(|c| c.name.starts_with("branch ")).count();
    assert!(refused > 0 && branches > 0, "both kinds of branch names are generated: {refused} refused, {branches} sent");
    check_all(cases);
}

/// Bad inputs: each refused before sending, naming the field.
#[test]
fn bad_inputs_name_their_field() {
    let c = client();
    let purchase = |patch: &str| {
        let mut v: Value = serde_json::from_str(PURCHASE).unwrap();
        let patch: Value = serde_json::from_str(patch).unwrap();
        for (k, val) in patch.as_object().unwrap() {
            if val.is_null() {
                v.as_object_mut().unwrap().remove(k);
            } else {
                v[k] = val.clone();
            }
        }
        c.create_purchase(&input(&v.to_string()).unwrap())
    };
    let item = |item: &str| purchase(&format!(r#"{{"purchase_detail": [{{"sku": "OK-1", "quantity": 1, "unit_price": 1}}, {item}]}}"#));
    let cases: Vec<(loyalty_connector::Result<Request>, &str, &str)> = vec![
        (purchase(r#"{"invoice_number": null}"#), "missing_field", "invoice_number"),
        (purchase(r#"{"invoice_number": 1.5}"#), "invalid_field", "invoice_number"),
        (purchase(r#"{"email": null}"#), "missing_field", "service_uid|email|document|telephone"),
        (purchase(r#"{"email": "not-an-email"}"#), "invalid_field", "email"),
        (purchase(r#"{"purchase_detail": []}"#), "invalid_field", "purchase_detail"),
        (purchase(r#"{"purchase_detail": {"sku": "A1"}}"#), "invalid_field", "purchase_detail"),
        (item(r#"{"sku": "-AB", "quantity": 1, "unit_price": 1}"#), "invalid_field", "purchase_detail[1].sku"),
        (item(r#"{"sku": "A", "quantity": 1, "unit_price": 1}"#), "invalid_field", "purchase_detail[1].sku"),
        (item(r#"{"sku": "SKU/1", "quantity": 1, "unit_price": 1}"#), "invalid_field", "purchase_detail[1].sku"),
        (item(r#"{"sku": "AB", "quantity": 1.5, "unit_price": 1}"#), "invalid_field", "purchase_detail[1].quantity"),
        (item(r#"{"sku": "AB", "quantity": "1", "unit_price": 1}"#), "invalid_field", "purchase_detail[1].quantity"),
        (item(r#"{"sku": "AB", "quantity": -1, "unit_price": 1}"#), "invalid_field", "purchase_detail[1].quantity"),
        (item(r#"{"sku": "AB", "quantity": 1}"#), "missing_field", "purchase_detail[1].unit_price"),
        (item(r#"{"sku": "AB", "quantity": 1, "unit_price": "9.99"}"#), "invalid_field", "purchase_detail[1].unit_price"),
        (item(r#"{"sku": "AB", "quantity": 1, "unit_price": 1, "variations": [{"name": "x"}]}"#), "missing_field", "purchase_detail[1].variations[0].value"),
        (purchase(r#"{"prices": null}"#), "missing_field", "prices"),
        (purchase(r#"{"prices": {"total": "10"}}"#), "invalid_field", "prices.total"),
        (purchase(r#"{"channel": "instore"}"#), "invalid_field", "channel"),
        (purchase(r#"{"createtime": "30/11/2026 18:05"}"#), "invalid_field", "createtime"),
        (purchase(r#"{"createtime": "2026-11-30T18:05:00"}"#), "invalid_field", "createtime"),
        (purchase(r#"{"approvedtime": "2026-02-30 10:00:00"}"#), "invalid_field", "approvedtime"),
        (purchase(r#"{"points": 10.5}"#), "invalid_field", "points"),
        (purchase(r#"{"payment": {"type": "bitcoin"}}"#), "invalid_field", "payment.type"),
        (purchase(r#"{"payment": [{"type": "cash"}]}"#), "missing_field", "payment[0].total"),
        (purchase(r#"{"payment": [{"total": 1}]}"#), "missing_field", "payment[0].type"),
        (purchase(r#"{"seller": {"name": "x", "email": "x"}}"#), "invalid_field", "seller.email"),
        (purchase(&format!(r#"{{"metadata": {{"blob": "{}"}}}}"#, "x".repeat(300 * 1024))), "too_large", "body"),
        (c.create_customer(&input(r#"{"first_name": "Ana"}"#).unwrap()), "missing_field", "service_uid|email|document|telephone"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "gender": "X"}"#).unwrap()), "invalid_field", "gender"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "country": "AR"}"#).unwrap()), "invalid_field", "country"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "birthdate": "1990-02-30"}"#).unwrap()), "invalid_field", "birthdate"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "marital_status": "complicated"}"#).unwrap()), "invalid_field", "marital_status"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "sms_enabled": true}"#).unwrap()), "invalid_field", "sms_enabled"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "mailing_disabled_reason": "spam"}"#).unwrap()), "invalid_field", "mailing_disabled_reason"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "points": "10"}"#).unwrap()), "invalid_field", "points"),
        (c.create_customer(&input(r#"{"email": "a@b.c", "tags": ["a"]}"#).unwrap()), "invalid_field", "tags"),
        (c.create_customer(&input(r#"["a@b.c"]"#).unwrap()), "invalid_field", "body"),
        (c.add_member(&Identity::email("a@b.c"), &input(r#"{"relationship": "cousin"}"#).unwrap()), "invalid_field", "relationship"),
        (c.find_customer(&Identity::default()), "missing_field", "service_uid|email|document|telephone"),
        (c.find_customer(&Identity::email("a b@c.d")), "invalid_field", "email"),
        (c.create_event("view product"), "invalid_field", "name"),
        (c.card_iin("45079"), "invalid_field", "iin"),
        (c.list_branches(0, 0), "invalid_field", "limit"),
        (c.list_customers(0, 101), "invalid_field", "limit"),
        (c.create_product(&input(r#"{"sku": "A1", "name": "x", "category": ""}"#).unwrap()), "invalid_field", "category"),
        (c.create_custom_attribute(AttributeOwner::Customer, &input(r#"{"name": "a", "label": "A", "field_type": "radio", "data_type": "string"}"#).unwrap()), "invalid_field", "field_type"),
        (c.user_event(&input(r#"{"event": "buy", "email": "a@b.c"}"#).unwrap()), "missing_field", "datetime"),
        (c.create_integration_stats(&input(r#"{"customers": {"failed": [{"message": "x"}]}}"#).unwrap()), "missing_field", "customers.failed[0].element"),
        (c.delete_category("C1", "nobody"), "invalid_field", "notify_to"),
        (c.set_coupon_status("CUP 1/2", CouponStatus::Used), "invalid_field", "code"),
    ];
    for (i, (result, code, field)) in cases.into_iter().enumerate() {
        let e = result.expect_err(&format!("case {i} ({field}) was accepted"));
        assert_eq!((e.code(), e.field()), (code, Some(field)), "case {i}: {e}");
    }
}
