//! Property tests over the WoowUp entry points that take outside text: response readers, request
//! builders, decimals and points, the flows and the registration webhook never panic, and what
//! they build decodes back to what they were given.

use loyalty_connector::woowup::{
    points, read_is_user, read_registration_request, read_response, read_sale_points, read_status, read_top_users,
    read_transaction_id, read_transactions, read_user, read_user_lookup, AddSalePointsByUid, Client, Decimal,
    InvoiceItem, Next, Order, PointsRule, RewardOptions, RewardOrder,
};
use loyalty_connector::woowup::{from_json, read_registered_user};
use proptest::prelude::*;

fn client() -> Client {
    Client::new("13", "k").unwrap()
}

/// Decodes an `application/x-www-form-urlencoded` text as PHP does (`+` is a space).
fn form_decode(text: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 2;
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    };
    text.split('&').map(|pair| {
        let (k, v) = pair.split_once('=').unwrap();
        (decode(k), decode(v))
    }).collect()
}

/// JSON-ish bodies: envelopes with random values, bare arrays, and noise.
fn body() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() { f.to_string() } else { "1e999".into() }),
        "[a-z0-9 .\\-]{0,12}".prop_map(|s| format!("{s:?}")),
    ];
    let value = scalar.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (prop::sample::select(vec!["user", "points", "service_uid", "id", "transaction_id", "contest_sale_points", "user_app", "data", "status", "message"]), inner),
                0..5
            )
            .prop_map(|kv| format!("{{{}}}", kv.iter().map(|(k, v)| format!("{k:?}:{v}")).collect::<Vec<_>>().join(","))),
        ]
    });
    prop_oneof![
        (value.clone(), value.clone(), value.clone()).prop_map(|(s, d, m)| format!(r#"{{"status":{s},"data":{d},"message":{m}}}"#)),
        value.clone().prop_map(|d| format!(r#"{{"status":true,"data":{d}}}"#)),
        value.clone().prop_map(|d| format!(r#"{{"status":true,"data":{{"user":{d},"contest_sale_points":{d},"transaction_id":{d}}}}}"#)),
        value.prop_map(|d| format!("[{d}]")),
        any::<String>(),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(404), Just(500), any::<u16>()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic(status in status(), body in body()) {
        let _ = read_response(status, &body);
        let _ = read_status(status, &body);
        let _ = read_user(status, &body);
        let _ = read_user_lookup(status, &body);
        let _ = read_registered_user(status, &body);
        let _ = read_is_user(status, &body);
        let _ = read_top_users(status, &body);
        let _ = read_transactions(status, &body);
        let _ = read_transaction_id(status, &body);
        if let Ok(Some(p)) = read_sale_points(status, &body) {
            prop_assert!(!p.is_negative());
        }
        let _ = read_registration_request(&body);
    }

    #[test]
    fn failures_are_remote_or_invalid_response(status in status(), body in body()) {
        for e in [read_status(status, &body).err(), read_transactions(status, &body).err()].into_iter().flatten() {
            prop_assert!(matches!(e.code(), "remote_error" | "invalid_response"), "{e:?}");
        }
    }

    #[test]
    fn lookups_and_simple_builders_never_panic(s in any::<String>(), n in any::<u32>()) {
        let c = client();
        let _ = c.user_by_email(&s);
        let _ = c.transactions(&s);
        let _ = c.cancel_invoice(&s);
        let _ = c.top_users_by_points(Some(n));
        let _ = Client::new(&s, s.as_str()).map(|c| c.with_base_url(&s));
        if let Ok(req) = c.user_by_uid(&s) {
            let query = req.url.split_once('?').unwrap().1;
            prop_assert_eq!(form_decode(query), vec![("uid".to_string(), s.clone())]);
            prop_assert!(req.url.bytes().all(|b| b.is_ascii_graphic()));
        }
    }

    #[test]
    fn sale_forms_decode_back_to_their_inputs(
        uid in any::<String>(), nrofactura in any::<String>(), producto in any::<String>(), branch in any::<Option<String>>(),
        cantidad in 1u32..1000, cents in 0u64..10_000_000,
    ) {
        let precio = Decimal::parse(&format!("{}.{:02}", cents / 100, cents % 100), "precio").unwrap();
        let item = InvoiceItem::new("SKU", producto.clone(), Decimal::from_i64(i64::from(cantidad)), precio);
        let params = AddSalePointsByUid { uid: uid.clone(), points: Decimal::from_i64(7), nrofactura: nrofactura.clone(), factura: vec![item], branch: branch.clone(), datetime: None };
        if let Ok(req) = client().add_sale_points_by_uid(&params) {
            let form = form_decode(req.body.as_deref().unwrap());
            let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            prop_assert_eq!(field("uid"), Some(uid));
            prop_assert_eq!(field("nrofactura"), Some(nrofactura));
            prop_assert_eq!(field("branch"), branch);
            let factura: serde_json::Value = serde_json::from_str(&field("factura").unwrap()).unwrap();
            prop_assert_eq!(factura[0]["producto"].as_str(), Some(producto.as_str()));
            prop_assert_eq!(factura[0]["cantidad"].as_u64(), Some(u64::from(cantidad)));
            prop_assert_eq!(Decimal::from_f64(factura[0]["precio"].as_f64().unwrap(), "p").unwrap(), precio);
        }
    }

    #[test]
    fn json_inputs_never_panic(s in any::<String>(), body in body()) {
        for text in [&s, &body] {
            let _ = from_json::<AddSalePointsByUid>(text).map(|p| client().add_sale_points_by_uid(&p));
            let _ = from_json::<Vec<loyalty_connector::woowup::Category>>(text).map(|t| client().save_category_tree(&t));
            let _ = from_json::<Order>(text).map(|o| RewardOrder::new(&client(), o, RewardOptions::default()));
            let _ = Client::from_json(text);
        }
    }

    #[test]
    fn decimals_print_and_read_back(int in 0u64..1_000_000_000, frac in "[0-9]{0,8}", negative in any::<bool>()) {
        let text = format!("{}{int}{}{frac}", if negative { "-" } else { "" }, if frac.is_empty() { "" } else { "." });
        let d = Decimal::parse(&text, "x").unwrap();
        prop_assert_eq!(Decimal::parse(&d.to_string(), "x").unwrap(), d);
        prop_assert_eq!(d.to_string().parse::<f64>().unwrap(), text.parse::<f64>().unwrap());
        let _ = Decimal::parse(&frac, "x");
    }

    #[test]
    fn points_rules_agree(total_cents in 0u64..100_000_000_000, sp_milli in 0u64..100_000) {
        let total = Decimal::parse(&format!("{}.{:02}", total_cents / 100, total_cents % 100), "t").unwrap();
        let sp = Decimal::parse(&format!("{}.{:03}", sp_milli / 1000, sp_milli % 1000), "s").unwrap();
        let a = points(total, sp, PointsRule::CeilOfFlooredTotal).unwrap();
        let b = points(total, sp, PointsRule::CeilOfTotal).unwrap();
        let c = points(total, sp, PointsRule::Unrounded).unwrap();
        prop_assert!(a.is_integer() && b.is_integer());
        // a ≤ b, c ≤ b < c + 1, all exact.
        prop_assert!(a.to_f64() <= b.to_f64());
        prop_assert!(c.to_f64() <= b.to_f64() && b.to_f64() < c.to_f64() + 1.0);
        prop_assert_eq!(c.to_string(), total.checked_mul_normalized(sp).unwrap().to_string());
    }

    #[test]
    fn flows_end_without_panicking(answers in prop::collection::vec((status(), body()), 0..6), init in any::<bool>(), cached in any::<bool>()) {
        let order: Order = from_json(r#"{"nrofactura": "1", "total": "10.5", "customer": {"email": "a@b.c", "first_name": "A", "last_name": "B"}}"#).unwrap();
        let options = RewardOptions {
            unknown_customer: if init { loyalty_connector::woowup::UnknownCustomer::Initialize } else { Default::default() },
            sale_points: cached.then(|| Decimal::from_i64(2)),
            ..RewardOptions::default()
        };
        let mut flow = RewardOrder::new(&client(), order, options).unwrap();
        let mut fed = 0;
        for (status, body) in &answers {
            if let Next::Done(_) = flow.next() { break; }
            flow.feed(*status, body);
            fed += 1;
        }
        prop_assert!(fed <= 4, "at most four requests");
        if let Next::Done(outcome) = flow.next() {
            prop_assert!(!outcome.to_json().is_empty());
        }
    }
}
