//! Bad input gives coded errors naming the field, never a panic.

use loyalty_connector::woowup::{
    from_json, read_registration_request, AddPointsByUid, AddSalePointsByUid, Category, Client, CouponStatus, Decimal,
    InitializeUser, InvoiceItem, IsUser, RegisterUserClassic, SaveProduct, TransactionalEmail,
};
use loyalty_connector::LoyaltyError;

fn client() -> Client {
    Client::new("13", "k").unwrap()
}

fn code_field(e: LoyaltyError) -> (&'static str, String) {
    (e.code(), e.field().unwrap_or_default().to_string())
}

fn sale(json: &str) -> Result<loyalty_connector::Request, LoyaltyError> {
    client().add_sale_points_by_uid(&from_json::<AddSalePointsByUid>(json)?)
}

fn item(fields: &str) -> String {
    format!(r#"{{"uid": "u", "points": 1, "nrofactura": "1", "factura": [{{"codigo": "1", "producto": "p", {fields}}}]}}"#)
}

#[test]
fn empty_emails() {
    let c = client();
    assert_eq!(code_field(c.user_by_email("").unwrap_err()), ("missing_field", "email".into()));
    assert_eq!(code_field(c.user_by_email("not-an-email").unwrap_err()), ("invalid_field", "email".into()));
    let user = InitializeUser { uid: "u".into(), email: "".into(), first_name: "A".into(), last_name: "B".into() };
    assert_eq!(code_field(c.initialize_user(&user).unwrap_err()), ("missing_field", "email".into()));
    let user: RegisterUserClassic =
        from_json(r#"{"uid": "u", "pass": "", "email": "a@b.c", "first_name": "A", "last_name": "B"}"#).unwrap();
    assert_eq!(code_field(c.register_user_classic(&user).unwrap_err()), ("missing_field", "pass".into()));
    assert_eq!(code_field(c.user_by_uid("  ").unwrap_err()), ("missing_field", "uid".into()));
    let e = from_json::<IsUser>(r#"{"service": 3, "service_uid": "x"}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_field");
}

#[test]
fn quantities_and_prices() {
    let check = |fields: &str, code: &str, field: &str| {
        let e = sale(&item(fields)).unwrap_err();
        assert_eq!(code_field(e), (code, field.to_string()), "{fields}");
    };
    check(r#""cantidad": -1, "precio": 1"#, "invalid_field", "factura[0].cantidad");
    check(r#""cantidad": 0, "precio": 1"#, "invalid_field", "factura[0].cantidad");
    check(r#""cantidad": 1, "precio": -0.5"#, "invalid_field", "factura[0].precio");
    // What JavaScript's JSON.stringify makes of NaN and Infinity (null), their names as text, and
    // numbers beyond a double: all refused by the decoder, with a code.
    for precio in ["null", r#""NaN""#, r#""Infinity""#, r#""-Infinity""#, "1e999", r#""1e999""#, r#""""#, "true", r#""0x10""#] {
        let e = sale(&item(&format!(r#""cantidad": 1, "precio": {precio}"#))).unwrap_err();
        assert!(matches!(e.code(), "invalid_field" | "invalid_json"), "{precio}: {e:?}");
    }
    // From Rust, a float goes through Decimal::from_f64.
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(code_field(Decimal::from_f64(bad, "precio").unwrap_err()), ("non_finite_number", "precio".into()));
    }
    // More digits than a PHP float keeps would change the number on the wire.
    check(r#""cantidad": 1, "precio": "0.123456789012345678""#, "invalid_field", "factura[0].precio");
    let e = from_json::<AddSalePointsByUid>(&item(r#""cantidad": 1, "precio": 1, "descuento": 5"#)).unwrap_err();
    assert_eq!(code_field(e), ("invalid_field", "factura[0].descuento".into()));
    let e = from_json::<AddSalePointsByUid>(r#"{"uid": "u", "points": 1, "nrofactura": "1", "factura": [{"codigo": "1"}]}"#).unwrap_err();
    assert_eq!(code_field(e), ("missing_field", "factura[0].producto".into()));
}

#[test]
fn huge_texts() {
    let ten_mb = "x".repeat(10 * 1024 * 1024);
    let c = client();
    let add = AddPointsByUid { userapp_id: "u".into(), points: Decimal::from_i64(5), concept: Some(3), description: Some(ten_mb.clone()), branch: None };
    assert_eq!(code_field(c.add_points_by_uid(&add).unwrap_err()), ("too_large", "description".into()));
    // The same through JSON, as the JavaScript binding passes it.
    let json = format!(r#"{{"userapp_id": "u", "points": 5, "description": "{ten_mb}"}}"#);
    let add: AddPointsByUid = from_json(&json).unwrap();
    assert_eq!(c.add_points_by_uid(&add).unwrap_err().code(), "too_large");
    let mut big = InvoiceItem::new("1", ten_mb.clone(), Decimal::from_i64(1), Decimal::from_i64(1));
    big.branch = Some("b".into());
    let params = AddSalePointsByUid { uid: "u".into(), points: Decimal::from_i64(1), nrofactura: "1".into(), factura: vec![big], branch: None, datetime: None };
    assert_eq!(code_field(c.add_sale_points_by_uid(&params).unwrap_err()), ("too_large", "factura[0].producto".into()));
    let email = TransactionalEmail { to: vec!["a@b.c".into()], subject: "s".into(), body: ten_mb.clone() };
    assert_eq!(code_field(c.send_transactional_email(&email).unwrap_err()), ("too_large", "body".into()));
    assert_eq!(read_registration_request(&format!(r#"{{"a": "{ten_mb}"}}"#)).unwrap_err().code(), "too_large");
    // Many small items add up to a too-large factura.
    let items: Vec<InvoiceItem> = (0..2000).map(|i| InvoiceItem::new(i.to_string(), "y".repeat(4000), Decimal::from_i64(1), Decimal::from_i64(1))).collect();
    let params = AddSalePointsByUid { factura: items, ..params };
    assert_eq!(code_field(c.add_sale_points_by_uid(&params).unwrap_err()), ("too_large", "factura".into()));
}

#[test]
fn datetimes() {
    for bad in ["2023-02-30 10:00:00", "2023-1-5", "2023-01-05", "2023-01-05T10:00:00Z", "2023-02-29 10:00:00", "2023-06-31 00:00:00", "2023-01-01 25:00:00", "yesterday"] {
        let e = sale(&format!(r#"{{"uid": "u", "points": 1, "nrofactura": "1", "datetime": "{bad}"}}"#)).unwrap_err();
        assert_eq!(code_field(e), ("invalid_field", "datetime".into()), "{bad}");
    }
    assert!(sale(r#"{"uid": "u", "points": 1, "nrofactura": "1", "datetime": "2024-02-29 10:00:00"}"#).is_ok());
}

#[test]
fn category_trees() {
    let tree = |json: &str| client().save_category_tree(&from_json::<Vec<Category>>(json).unwrap()).unwrap_err();
    let e = tree(r#"[{"id": 1, "name": "A", "children": [{"id": 2, "name": "B", "children": [{"id": 1, "name": "A again"}]}]}]"#);
    assert_eq!(code_field(e), ("invalid_field", "categories[0].children[0].children[0].id".into()));
    let e = tree(r#"[{"id": 1, "name": "A"}, {"id": 2, "name": "B", "children": [{"id": "1", "name": "C"}]}]"#);
    assert_eq!(code_field(e), ("duplicate", "categories[1].children[0].id".into()));
    let e = tree(r#"[{"id": 1, "name": ""}]"#);
    assert_eq!(code_field(e), ("missing_field", "categories[0].name".into()));
    assert_eq!(code_field(tree("[]")), ("missing_field", "categories".into()));
    // Deeper than serde's recursion limit: a coded error too.
    let deep = format!("{}{}", r#"[{"id": 0, "name": "n", "children": "#.repeat(300), "]}".repeat(300));
    assert!(from_json::<Vec<Category>>(&deep).is_err());
}

#[test]
fn other_fields() {
    let c = client();
    assert_eq!(code_field(c.top_users_by_points(Some(0)).unwrap_err()), ("invalid_field", "limit".into()));
    assert_eq!(code_field(c.top_users_by_points(Some(101)).unwrap_err()), ("invalid_field", "limit".into()));
    assert!(c.top_users_by_points(Some(100)).is_ok());
    assert_eq!(code_field(c.coupon_status(&CouponStatus { coupon_id: "1".into(), status: 0 }).unwrap_err()), ("invalid_field", "status".into()));
    assert_eq!(code_field(c.cancel_invoice("").unwrap_err()), ("missing_field", "nrofactura".into()));
    assert_eq!(code_field(c.transactions("").unwrap_err()), ("missing_field", "userapp_id".into()));
    let product: SaveProduct = from_json(r#"{"code": "1", "name": "n", "cost": -1}"#).unwrap();
    assert_eq!(code_field(c.save_product(&product).unwrap_err()), ("invalid_field", "cost".into()));
    let product: SaveProduct = from_json(r#"{"code": "1", "name": "n", "url": ""}"#).unwrap();
    assert_eq!(code_field(c.save_product(&product).unwrap_err()), ("invalid_field", "url".into()));
    let add: AddPointsByUid = from_json(r#"{"userapp_id": "u", "points": "9007199254740992"}"#).unwrap();
    assert_eq!(code_field(c.add_points_by_uid(&add).unwrap_err()), ("invalid_field", "points".into()));
    assert_eq!(code_field(sale(r#"{"uid": "u", "points": 1, "nrofactura": "1", "branch": ""}"#).unwrap_err()), ("invalid_field", "branch".into()));
}

#[test]
fn email_recipients() {
    let send = |json: &str| client().send_transactional_email(&from_json(json).unwrap()).map_err(code_field);
    assert_eq!(send(r#"{"to": [], "subject": "s", "body": "b"}"#).unwrap_err(), ("missing_field", "to".into()));
    assert_eq!(send(r#"{"to": ["a@b.c", ""], "subject": "s", "body": "b"}"#).unwrap_err(), ("missing_field", "to[1]".into()));
    assert_eq!(send(r#"{"to": ["a@b.c", "nope"], "subject": "s", "body": "b"}"#).unwrap_err(), ("invalid_field", "to[1]".into()));
    assert_eq!(send(r#"{"to": ["a@b.c", "A@B.C"], "subject": "s", "body": "b"}"#).unwrap_err(), ("duplicate", "to[1]".into()));
    assert_eq!(send(r#"{"to": ["a@b.c"], "subject": "s\r\nBcc: x@y.z", "body": "b"}"#).unwrap_err(), ("invalid_field", "subject".into()));
    assert_eq!(send(r#"{"to": ["a@b.c"], "subject": "s", "body": ""}"#).unwrap_err(), ("missing_field", "body".into()));
    let many: Vec<String> = (0..1001).map(|i| format!("u{i}@x.com")).collect();
    let json = serde_json::json!({"to": many, "subject": "s", "body": "b"}).to_string();
    assert_eq!(send(&json).unwrap_err(), ("invalid_field", "to".into()));
    assert!(from_json::<TransactionalEmail>(r#"{"to": "a@b.c", "subject": "s", "body": "b"}"#).is_err());
}

#[test]
fn client_configuration() {
    for (json, field) in [
        (r#"{"app_id": "", "api_key": "k"}"#, "app_id"),
        (r#"{"app_id": "13/../x", "api_key": "k"}"#, "app_id"),
        (r#"{"app_id": "13", "api_key": ""}"#, "api_key"),
        (r#"{"app_id": "13", "api_key": "with space"}"#, "api_key"),
        (r#"{"app_id": "13", "api_key": "k", "base_url": "javascript:alert(1)"}"#, "base_url"),
    ] {
        let e = Client::from_json(json).unwrap_err();
        assert_eq!(e.field(), Some(field), "{json}");
        assert!(!e.to_string().contains("with space"));
    }
    assert_eq!(Client::from_json(r#"{"app_id": "13"}"#).unwrap_err().code(), "missing_field");
}
