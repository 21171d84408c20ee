//! Fuzzing the API v3 entry points that take outside text with proptest: builders over arbitrary
//! and purchase-shaped JSON, the answer reader over arbitrary statuses, headers and bodies, the
//! pacer over arbitrary headers and clocks, the flows fed arbitrary answers. They must return
//! (never panic: a panic poisons a wasm instance) and keep a few properties.

use loyalty_connector::woowup::v3::{
    input, read, AwardPoints, Client, Identity, Pacer, Pager, Points, RecordOptions, RecordOrder, UnknownCustomer, V3Flow, V3Next,
};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(cases);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text mixing JSON syntax, dates, emails and odd characters.
fn texty() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"{}\\[\\]:,.@+/=%_\\-\\\\Tñ日😀\u{2028}\u{0}\n]{0,60}"
}

/// A JSON value in a purchase's place: the fields the checks read, with values of every type.
fn purchase_json() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        "-?[0-9]{1,25}(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,3})?".prop_map(|s| s),
        texty().prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("\"2026-11-30T18:05:00-03:00\"".to_string()),
        Just("\"a@b.c\"".to_string()),
        Just("{}".to_string()),
        Just("[]".to_string()),
    ];
    let item = (scalar.clone(), scalar.clone(), scalar.clone(), scalar.clone())
        .prop_map(|(sku, q, p, v)| format!(r#"{{"sku": {sku}, "quantity": {q}, "unit_price": {p}, "variations": [{{"name": {v}, "value": {v}}}]}}"#));
    (
        scalar.clone(),
        scalar.clone(),
        prop::collection::vec(item, 0..3),
        scalar.clone(),
        scalar.clone(),
        scalar.clone(),
        scalar,
    )
        .prop_map(|(inv, email, items, prices, channel, createtime, payment)| {
            format!(
                r#"{{"invoice_number": {inv}, "email": {email}, "purchase_detail": [{}], "prices": {{"total": {prices}}},
                    "channel": {channel}, "createtime": {createtime}, "payment": [{{"type": {payment}, "total": {prices}}}],
                    "birthdate": {createtime}, "gender": {channel}, "country": {channel}, "points": {prices}}}"#,
                items.join(",")
            )
        })
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["Retry-After", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset", "X-Other"]),
            prop_oneof!["[0-9]{0,20}", texty(), Just("18446744073709551615".to_string())],
        )
            .prop_map(|(n, v)| (n.to_string(), v)),
        0..5,
    )
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn builders_never_panic_and_send_what_they_checked(text in purchase_json()) {
        let c = Client::new("k").unwrap();
        if let Ok(body) = input(&text) {
            if let Ok(r) = c.create_purchase(&body) {
                // Accepted bodies are JSON that PHP can read back, at most 256 KB.
                prop_assert!(r.body.as_ref().is_some_and(|b| b.len() <= 256 * 1024 && serde_json::from_str::<serde_json::Value>(b).is_ok()));
            }
            let _ = c.create_customer(&body);
            let _ = c.update_customer(&body);
            let _ = c.create_product(&body);
            let _ = c.create_branch(&body);
            let _ = c.abandoned_cart(&body);
            let _ = c.user_event(&body);
            let _ = c.create_integration_stats(&body);
            let _ = c.bulk_purchases(&[body.clone(), body.clone()]);
            let _ = RecordOrder::new(&c, body.clone(), Some(body), RecordOptions::default());
        }
    }

    #[test]
    fn path_and_query_builders_never_panic(s in texty()) {
        let c = Client::new("k").unwrap();
        let _ = c.find_product(&s);
        let _ = c.update_branch(&s, &input(r#"{"name": "x"}"#).unwrap());
        let _ = c.find_customer(&Identity { service_uid: Some(s.clone()), email: Some(s.clone()), document: None, telephone: Some(s.clone()) });
        let _ = c.find_purchase(&s);
        let _ = c.card_iin(&s);
        let _ = c.stats(Some(&s), Some(&s), Some(&s));
        let _ = c.set_coupon_status(&s, loyalty_connector::woowup::v3::CouponStatus::Used);
        let _ = c.remove_tags(&s, &[&s]);
        let _ = Client::new(s.as_str()).and_then(|c| c.with_base_url(&s));
        let _ = AwardPoints::new(&c, Identity::email("a@b.c"), Points { concept: s.clone(), points: 1, description: Some(s.clone()) }, &s);
    }

    #[test]
    fn answers_never_panic(status in 0u16..1000, headers in headers(), body in prop_oneof![texty(), purchase_json(),
        Just(r#"{"payload":{"errors":["a",1,null]},"message":"m","code":"bad_request","time":"1ms"}"#.to_string())]) {
        let _ = read(status, &headers, &body);
        let _ = loyalty_connector::woowup::v3::read_exist(status, &body);
        let _ = loyalty_connector::woowup::v3::read_items(status, &body);
        let _ = loyalty_connector::woowup::v3::read_customer(status, &body);
        let _ = loyalty_connector::woowup::v3::read_purchases(status, &body);
        let _ = loyalty_connector::woowup::v3::read_transaction_id(status, &body);
        let _ = loyalty_connector::woowup::v3::read_request_id(status, &body);
        let mut pacer = Pacer::default();
        let now = u64::from(status) * 1_000_000_007;
        pacer.observe(now, &headers);
        pacer.sent(now);
        prop_assert!(pacer.wait_ms(now) <= 5 * 60_000);
    }

    #[test]
    fn flows_end_whatever_they_are_fed(answers in prop::collection::vec((0u16..600, prop_oneof![texty(),
        prop::sample::select(vec!["ok", "user_not_found", "duplicated_purchase_number", "internal_error", "bad_request"])
            .prop_map(|c| format!(r#"{{"payload":[],"message":"usuario existente","code":"{c}","time":"1ms"}}"#))], any::<bool>()), 0..12)) {
        let c = Client::new("k").unwrap();
        let purchase = input(r#"{"invoice_number": 1, "email": "a@b.c", "purchase_detail": [{"sku": "AB", "quantity": 1, "unit_price": 1}], "prices": {}}"#).unwrap();
        let options = RecordOptions { unknown_customer: UnknownCustomer::Create, ..RecordOptions::default() };
        let mut flows: (RecordOrder, AwardPoints) = (
            RecordOrder::new(&c, purchase, None, options).unwrap(),
            AwardPoints::new(&c, Identity::email("a@b.c"), Points { concept: "gift".into(), points: 5, description: None }, "r-1").unwrap(),
        );
        let mut sent = (0, 0);
        for (status, body, lost) in &answers {
            if let V3Next::Send(_) = flows.0.next() {
                sent.0 += 1;
                if *lost { flows.0.lost(); } else { flows.0.feed(*status, body); }
            }
            if let V3Next::Send(r) = flows.1.next() {
                sent.1 += usize::from(r.method == loyalty_connector::Method::Post);
                if *lost { flows.1.lost(); } else { flows.1.feed(*status, body); }
            }
        }
        prop_assert!(sent.0 <= 4, "record order sends at most find, create, POST, PUT");
        prop_assert!(sent.1 <= 2, "points are sent at most twice, the second only after a check");
        let mut pager = Pager::customers(&c, 2).unwrap();
        for (status, body, _) in &answers {
            if pager.next_request().is_none() { break; }
            let _ = pager.feed(*status, body);
        }
    }
}
