//! Every WoowUp API v2 request, byte for byte: method, URL, headers and body. The bodies and
//! query strings are compared with what real php-cli prints for the same values
//! (tests/php/woowup_forms.php builds them the way WoowUp's own PHP client does).

use loyalty_connector::woowup::{
    accept_registration, from_json, reject_registration, AddPointsByUid, AddSalePointsByUid, Category, Client,
    CouponStatus, InitializeUser, IsUser, RegisterUserClassic, SaveProduct, TransactionalEmail,
};
use loyalty_connector::Request;
use serde_json::{Map, Value};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// php-cli's answers, installed by `scripts/need php` when missing. Fails (never skips) when PHP
/// cannot be had: the comparison with PHP is the point of this file.
fn php() -> &'static Map<String, Value> {
    static ORACLE: OnceLock<Map<String, Value>> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let has_php = || Command::new("php").arg("--version").output().is_ok_and(|o| o.status.success());
        if !has_php() {
            eprintln!("php-cli is missing: running scripts/need php");
            let status = Command::new(root.join("scripts/need")).arg("php").status();
            assert!(
                status.is_ok_and(|s| s.success()) && has_php(),
                "\n\n*** php-cli is required to check the WoowUp bodies against real PHP and could not be installed \
                 (scripts/need php). Install php-cli and run again. ***\n"
            );
        }
        let out = Command::new("php").arg(root.join("tests/php/woowup_forms.php")).output().expect("run php");
        assert!(out.status.success(), "php failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("the PHP script prints JSON")
    })
}

fn client() -> Client {
    Client::new("13", "test-api-key").unwrap()
}

#[derive(PartialEq)]
enum Body {
    None,
    Form,
    Json,
}

/// Checks `req` against the PHP case `name`: method, URL and body byte for byte, and the headers.
fn check(name: &str, req: Request, body: Body) {
    let case = php().get(name).unwrap_or_else(|| panic!("no PHP case {name}"));
    let method = req.method.as_str();
    assert_eq!(method, case["method"], "{name}: method");
    assert_eq!(req.url, case["url"].as_str().unwrap(), "{name}: url");
    assert_eq!(req.body.as_deref(), case["body"].as_str(), "{name}: body");
    let mut headers = vec![
        ("Username".to_string(), "13".to_string()),
        ("Apikey".to_string(), "test-api-key".to_string()),
        ("Accept".to_string(), "application/json".to_string()),
    ];
    match body {
        Body::None => {}
        Body::Form => headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into())),
        Body::Json => headers.push(("Content-Type".into(), "application/json".into())),
    }
    assert_eq!(req.headers, headers, "{name}: headers");
    assert!(!format!("{req:?}").contains("test-api-key"), "{name}: Debug shows the key");
}

#[test]
fn user_lookups() {
    let c = client();
    check("user_by_email", c.user_by_email("john+tag@doe.com").unwrap(), Body::None);
    check("user_by_uid", c.user_by_uid("DNI 24.586.932/á?x=1&y").unwrap(), Body::None);
    let is_user: IsUser = from_json(r#"{"service": 2, "service_uid": "john+tag@doe.com"}"#).unwrap();
    check("is_user", c.is_user(&is_user).unwrap(), Body::None);
    check("top_users_by_points", c.top_users_by_points(Some(25)).unwrap(), Body::None);
    check("top_users_by_points_default", c.top_users_by_points(None).unwrap(), Body::None);
    // The raw concatenation of WoowUp's sample would have sent `email=john+tag@doe.com`, which
    // PHP reads back as "john tag@doe.com".
    assert_eq!(c.user_by_email("john+tag@doe.com").unwrap().url, "https://admin.woowup.com/apiv2/13/user_by_email?email=john%2Btag%40doe.com");
}

#[test]
fn registration() {
    let c = client();
    let user: RegisterUserClassic = from_json(
        r#"{"uid": "jose@example.com", "pass": "p@ss w0rd&=%~", "email": "jose@example.com",
            "first_name": "José María", "last_name": "O'Brien & Sons"}"#,
    )
    .unwrap();
    assert!(!format!("{user:?}").contains("w0rd"), "Debug shows the password");
    let request = c.register_user_classic(&user).unwrap();
    assert!(!format!("{request:?}").contains("w0rd"), "the request's Debug shows the password");
    check("register_user_classic", request, Body::Form);
    // Fields by name, in any order: the names cannot be swapped.
    let user: InitializeUser = from_json(
        r#"{"last_name": "O'Brien & Sons", "first_name": "José María", "email": "jose@example.com", "uid": 24586932}"#,
    )
    .unwrap();
    check("initialize_user", c.initialize_user(&user).unwrap(), Body::Form);
}

#[test]
fn points_and_sales() {
    let c = client();
    let add: AddPointsByUid = from_json(
        r#"{"userapp_id": "john+tag@doe.com", "points": -50, "concept": 3,
            "description": "¡Gracias por 1 año! 😀 100% ~*", "branch": "Sucursal Centro"}"#,
    )
    .unwrap();
    check("add_points_by_uid", c.add_points_by_uid(&add).unwrap(), Body::Form);

    // The points come from the library's rule, the PHP side computes them with PHP floats.
    let points = loyalty_connector::woowup::points_from_text("300.99", "5", Default::default()).unwrap();
    let sale: AddSalePointsByUid = from_json(&format!(
        r#"{{"uid": "john+tag@doe.com", "points": "{points}", "nrofactura": "A-0001/2023",
            "factura": [
              {{"codigo": "SKU1034-212", "producto": "LA \"LAKERS\" BLUE T-SHIRT", "cantidad": 3, "precio": 19.99,
                "branch": "Sucursal Centro", "categoryCode": "ROPA/REMERAS",
                "variations": [{{"name": "Color", "value": "Azul"}}, {{"name": "Talle", "value": "XS"}}]}},
              {{"codigo": 13, "producto": "Café ñandú 0,5 kg", "cantidad": "0.5", "precio": "10.30"}},
              {{"codigo": "14", "producto": "Regalo", "cantidad": 1, "precio": 0}}
            ],
            "branch": "Sucursal Centro", "datetime": "2024-02-29 23:59:59"}}"#
    ))
    .unwrap();
    check("add_sale_points_by_uid", c.add_sale_points_by_uid(&sale).unwrap(), Body::Form);

    let points = loyalty_connector::woowup::points_from_text("19.99", "1.5", loyalty_connector::woowup::PointsRule::Unrounded).unwrap();
    assert_eq!(points.to_string(), "29.985");
    let sale: AddSalePointsByUid =
        from_json(&format!(r#"{{"uid": "john@doe.com", "points": "{points}", "nrofactura": 1034242}}"#)).unwrap();
    check("add_sale_points_unrounded", c.add_sale_points_by_uid(&sale).unwrap(), Body::Form);

    check("cancel_invoice", c.cancel_invoice("A-0001/2023").unwrap(), Body::Form);
    check("transactions", c.transactions("17").unwrap(), Body::None);
    check("contest_sale_points", c.contest_sale_points().unwrap(), Body::None);
    check("connectedservices", c.connectedservices().unwrap(), Body::None);
    check("coupon_status", c.coupon_status(&CouponStatus::used("CUP-1 2")).unwrap(), Body::Form);
}

#[test]
fn exact_points_where_php_floats_drift() {
    // PHP: ceil(1.1 * 100) is 111; the library computes with decimals.
    assert_eq!(php()["float_drift_ceil"]["body"], "111");
    let p = loyalty_connector::woowup::points_from_text("1.1", "100", loyalty_connector::woowup::PointsRule::CeilOfTotal);
    assert_eq!(p.unwrap().to_string(), "110");
}

#[test]
fn catalog_and_email() {
    let c = client();
    let product: SaveProduct = from_json(
        r#"{"code": "SKU 1/2", "name": "Jabón & Co", "category_id": 23, "thumbnail_url": "http://img.com/thumbnail.jpg",
            "image_url": "http://img.com/image.jpg", "url": "http://my-ecommerce.com/123/soap?x=1&y=ñ", "cost": 15.8}"#,
    )
    .unwrap();
    let req = c.save_product(&product).unwrap();
    assert_eq!(req.body, None);
    check("save_product", req, Body::None);

    let tree: Vec<Category> = from_json(
        r#"[{"id": 1, "name": "Ropa Mujer", "children": [
              {"id": 2, "name": "Polleras", "children": [{"id": 5, "name": "Niños/Niñas", "children": null}]},
              {"id": 3, "name": "Minifaldas"}]},
            {"id": 4, "name": "Ropa \"Hombre\"", "children": []},
            {"id": "ACC-9", "name": "Accesorios", "children": null}]"#,
    )
    .unwrap();
    check("save_category_tree", c.save_category_tree(&tree).unwrap(), Body::Json);

    let email: TransactionalEmail = from_json(
        r#"{"to": ["user1@email.com", "josé+1@email.com"], "subject": "Tu pedido ✓ 100%",
            "body": "<p>Hola \"José\"</p>\n<a href=\"https://x.com/a?b=1\">ver</a>"}"#,
    )
    .unwrap();
    check("send_transactional_email", c.send_transactional_email(&email).unwrap(), Body::Json);
}

#[test]
fn registration_webhook_answers() {
    assert_eq!(accept_registration(), php()["registration_accept"]["body"].as_str().unwrap());
    assert_eq!(
        reject_registration("Tu DNI no se encuentra registrado / ñ").unwrap(),
        php()["registration_reject"]["body"].as_str().unwrap()
    );
}

#[test]
fn base_url_is_configurable() {
    let c = Client::from_json(r#"{"app_id": "13", "api_key": "k", "base_url": "http://127.0.0.1:8787/apiv2/"}"#).unwrap();
    assert_eq!(c.contest_sale_points().unwrap().url, "http://127.0.0.1:8787/apiv2/13/contest_sale_points");
}
