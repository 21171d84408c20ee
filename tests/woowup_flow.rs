//! The order flows as step machines, driven with scripted WoowUp answers.

use loyalty_connector::engine::{self, Answer, Exchange, Policy, Response};
use loyalty_connector::woowup::{
    from_json, CancelOrder, Client, Decimal, Flow, Next, Order, OrderFlow, Outcome, RewardOptions, RewardOrder, SkipReason, Step,
};
use loyalty_connector::{LoyaltyError, Method, Request};

fn client() -> Client {
    Client::new("13", "k").unwrap()
}

fn order() -> Order {
    from_json(
        r#"{"nrofactura": "1034242", "total": "300.99",
            "customer": {"email": "john+tag@doe.com", "first_name": "John", "last_name": "Doe"},
            "factura": [{"codigo": "SKU1", "producto": "T-shirt", "cantidad": 3, "precio": 100.33}],
            "datetime": "2024-02-29 10:00:00"}"#,
    )
    .unwrap()
}

fn options(json: &str) -> RewardOptions {
    from_json(json).unwrap()
}

/// Runs a flow with scripted answers; returns the requests it asked for and its outcome.
fn run(flow: &mut impl Flow, answers: &[(u16, &str)]) -> (Vec<Request>, Outcome) {
    let mut sent = Vec::new();
    let mut answers = answers.iter();
    loop {
        match flow.next() {
            Next::Send(request) => {
                assert_eq!(flow.next(), Next::Send(request.clone()), "next() is repeatable");
                sent.push(request);
                let (status, body) = answers.next().expect("the flow asked for more requests than scripted");
                flow.feed(*status, body);
            }
            Next::Done(outcome) => {
                assert!(answers.next().is_none(), "the flow stopped before using every scripted answer");
                assert_eq!(flow.step(), None);
                return (sent, outcome);
            }
        }
    }
}

const FOUND: &str = r#"{"status":true,"data":{"user":{"points":"4256","service_uid":"john+tag@doe.com","userapp_id":"17","app_id":"13"}}}"#;
const NOT_FOUND: &str = r#"{"status":false,"message":"User not found"}"#;
const SALE_POINTS_5: &str = r#"{"status":true,"data":{"contest_sale_points":5}}"#;
const REWARDED: &str = r#"{"status":true,"data":{"transaction_id":"2424"}}"#;
const INITIALIZED: &str = r#"{"status":true,"data":{"user":{"service":2,"status":1,"service_uid":"john+tag@doe.com","email":"john+tag@doe.com","first_name":"John","last_name":"Doe","id":"9"},"user_app":{"app_id":"13","id":"34"},"points":0}}"#;

fn urls(sent: &[Request]) -> Vec<&str> {
    sent.iter().map(|r| r.url.rsplit('/').next().unwrap()).collect()
}

#[test]
fn found_customer_is_rewarded() {
    let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
    assert_eq!(flow.step(), Some(Step::FindCustomer));
    let (sent, outcome) = run(&mut flow, &[(200, FOUND), (200, SALE_POINTS_5), (200, REWARDED)]);
    assert_eq!(urls(&sent), ["user_by_email?email=john%2Btag%40doe.com", "contest_sale_points", "add_sale_points_by_uid"]);
    assert_eq!(sent[2].method, Method::Post);
    assert_eq!(
        sent[2].body.as_deref(),
        Some(
            "app_id=13&uid=john%2Btag%40doe.com&points=1500&nrofactura=1034242\
             &factura=%5B%7B%22codigo%22%3A%22SKU1%22%2C%22producto%22%3A%22T-shirt%22%2C%22cantidad%22%3A3%2C%22precio%22%3A100.33%7D%5D\
             &datetime=2024-02-29+10%3A00%3A00"
        )
    );
    assert_eq!(
        outcome,
        Outcome::Rewarded {
            uid: "john+tag@doe.com".into(),
            points: Decimal::from_i64(1500),
            sale_points: Decimal::from_i64(5),
            transaction_id: Some("2424".into()),
            customer_initialized: false,
            already_recorded: false,
        }
    );
    assert_eq!(flow.sale_points(), Some(Decimal::from_i64(5)));
    assert_eq!(flow.customer().and_then(|u| u.userapp_id.as_deref()), Some("17"));
    assert_eq!(
        outcome.to_json(),
        r#"{"outcome":"rewarded","uid":"john+tag@doe.com","points":"1500","sale_points":"5","transaction_id":"2424","customer_initialized":false,"already_recorded":false}"#
    );
    // Done is final: further answers change nothing.
    assert_eq!(flow.feed(500, "boom"), Next::Done(outcome));
}

#[test]
fn unknown_customer_is_initialised_by_name() {
    let opts = options(r#"{"unknown_customer": "initialize", "rule": "ceil_of_total"}"#);
    let mut flow = RewardOrder::new(&client(), order(), opts).unwrap();
    let (sent, outcome) = run(&mut flow, &[(200, NOT_FOUND), (200, INITIALIZED), (200, SALE_POINTS_5), (200, REWARDED)]);
    assert_eq!(urls(&sent), ["user_by_email?email=john%2Btag%40doe.com", "initialize_user", "contest_sale_points", "add_sale_points_by_uid"]);
    // first_name is John, last_name is Doe: never swapped.
    assert_eq!(
        sent[1].body.as_deref(),
        Some("uid=john%2Btag%40doe.com&email=john%2Btag%40doe.com&first_name=John&last_name=Doe")
    );
    assert!(sent[3].body.as_deref().unwrap().contains("&points=1505&"), "ceil(5 × 300.99) = 1505");
    assert_eq!(flow.customer().and_then(|u| u.userapp_id.as_deref()), Some("34"));
    let Outcome::Rewarded { customer_initialized, points, .. } = outcome else { panic!("{outcome:?}") };
    assert!(customer_initialized);
    assert_eq!(points.to_string(), "1505");
}

#[test]
fn unknown_customer_is_initialised_with_its_uid() {
    let mut order = order();
    order.customer.uid = Some("24586932".into());
    let opts = options(r#"{"find_by": "uid", "unknown_customer": "initialize"}"#);
    let mut flow = RewardOrder::new(&client(), order, opts).unwrap();
    let registered = r#"{"status":true,"data":{"user":{"service_uid":null}}}"#;
    let (sent, outcome) = run(&mut flow, &[(404, NOT_FOUND), (200, registered), (200, SALE_POINTS_5), (200, REWARDED)]);
    assert_eq!(urls(&sent)[0], "user_by_uid?uid=24586932");
    assert!(sent[1].body.as_deref().unwrap().starts_with("uid=24586932&email="));
    assert!(sent[3].body.as_deref().unwrap().contains("&uid=24586932&"));
    assert!(matches!(outcome, Outcome::Rewarded { ref uid, .. } if uid == "24586932"));
}

#[test]
fn unknown_customer_is_skipped() {
    let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
    let (sent, outcome) = run(&mut flow, &[(200, NOT_FOUND)]);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        outcome,
        Outcome::Skipped {
            reason: SkipReason::UnknownCustomer,
            message: Some("User not found".into()),
            sale_points: None,
            customer_initialized: false
        }
    );
    assert_eq!(
        outcome.to_json(),
        r#"{"outcome":"skipped","reason":"unknown_customer","message":"User not found","sale_points":null,"customer_initialized":false}"#
    );
}

#[test]
fn zero_or_missing_sale_points_send_nothing() {
    for answer in [
        r#"{"status":true,"data":{"contest_sale_points":0}}"#,
        r#"{"status":true,"data":{"contest_sale_points":"0.00"}}"#,
        r#"{"status":true,"data":{"contest_sale_points":null}}"#,
        r#"{"status":true,"data":{}}"#,
        r#"{"status":true}"#,
    ] {
        let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
        let (sent, outcome) = run(&mut flow, &[(200, FOUND), (200, answer)]);
        assert_eq!(urls(&sent).len(), 2, "{answer}");
        assert!(matches!(outcome, Outcome::Skipped { reason: SkipReason::ZeroSalePoints, .. }), "{answer}: {outcome:?}");
    }
}

#[test]
fn cached_sale_points_skip_that_request() {
    let mut flow = RewardOrder::new(&client(), order(), options(r#"{"sale_points": "0.5"}"#)).unwrap();
    let (sent, outcome) = run(&mut flow, &[(200, FOUND), (200, REWARDED)]);
    assert_eq!(urls(&sent), ["user_by_email?email=john%2Btag%40doe.com", "add_sale_points_by_uid"]);
    assert!(matches!(outcome, Outcome::Rewarded { ref points, .. } if points.to_string() == "150"));
    // A cached zero: found, then nothing more.
    let mut flow = RewardOrder::new(&client(), order(), options(r#"{"sale_points": 0}"#)).unwrap();
    let (sent, outcome) = run(&mut flow, &[(200, FOUND)]);
    assert_eq!(sent.len(), 1);
    assert!(matches!(outcome, Outcome::Skipped { reason: SkipReason::ZeroSalePoints, sale_points: Some(_), .. }));
}

#[test]
fn server_errors_end_in_a_failed_outcome() {
    // An HTML error page while adding the points.
    let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
    let (_, outcome) = run(&mut flow, &[(200, FOUND), (200, SALE_POINTS_5), (502, "<html>Bad gateway</html>")]);
    assert_eq!(
        outcome,
        Outcome::Failed {
            step: Step::AddSalePoints,
            error: LoyaltyError::Remote { service: "woowup", status: 502, message: "HTTP 502 without a WoowUp answer".into() }
        }
    );
    // A refusal with HTTP 500/403 while looking the customer up is not "unknown customer".
    for status in [500, 503, 403, 401, 429] {
        let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, &[(status, r#"{"status":false,"message":"Internal error"}"#)]);
        let Outcome::Failed { step: Step::FindCustomer, error } = outcome else { panic!("{status}: {outcome:?}") };
        assert_eq!(error.code(), "remote_error");
    }
}

#[test]
fn malformed_answers_end_in_a_failed_outcome() {
    let cases: [(&[(u16, &str)], Step); 6] = [
        (&[(200, "<html>")], Step::FindCustomer),
        (&[(200, r#"{"status":true,"data":{"user":"#)], Step::FindCustomer),
        (&[(200, r#"{"status":true,"data":[]}"#)], Step::FindCustomer),
        (&[(200, FOUND), (200, "")], Step::ReadSalePoints),
        (&[(200, FOUND), (200, r#"{"status":true,"data":{"contest_sale_points":"five"}}"#)], Step::ReadSalePoints),
        (&[(200, FOUND), (200, SALE_POINTS_5), (200, r#"["#)], Step::AddSalePoints),
    ];
    for (answers, step) in cases {
        let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
        let (_, outcome) = run(&mut flow, answers);
        let Outcome::Failed { step: failed_at, error } = &outcome else { panic!("{answers:?}: {outcome:?}") };
        assert_eq!((*failed_at, error.code()), (step, "invalid_response"), "{answers:?}");
        assert!(outcome.to_json().contains(r#""error":{"code":"invalid_response","field":null,"message":"unreadable woowup response"#));
    }
}

#[test]
fn status_false_carries_woowups_message() {
    let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
    let refused = r#"{"status":false,"message":"La sucursal no existe"}"#;
    let (_, outcome) = run(&mut flow, &[(200, FOUND), (200, SALE_POINTS_5), (200, refused)]);
    assert_eq!(
        outcome,
        Outcome::Failed {
            step: Step::AddSalePoints,
            error: LoyaltyError::Remote { service: "woowup", status: 200, message: "La sucursal no existe".into() }
        }
    );
    // The same while initialising.
    let mut flow = RewardOrder::new(&client(), order(), options(r#"{"unknown_customer": "initialize"}"#)).unwrap();
    let (_, outcome) = run(&mut flow, &[(200, NOT_FOUND), (200, r#"{"status":false,"message":"Email inválido"}"#)]);
    let Outcome::Failed { step: Step::InitializeUser, error } = outcome else { panic!() };
    assert_eq!(error.to_string(), "woowup answered 200: Email inválido");
}

#[test]
fn a_customer_without_uid() {
    let no_uid = r#"{"status":true,"data":{"user":{"service_uid":null,"userapp_id":"17"}}}"#;
    let mut flow = RewardOrder::new(&client(), order(), RewardOptions::default()).unwrap();
    let (_, outcome) = run(&mut flow, &[(200, no_uid)]);
    assert!(matches!(outcome, Outcome::Skipped { reason: SkipReason::CustomerWithoutUid, .. }));
    // Found by uid: that uid is the one to reward.
    let mut order = order();
    order.customer.uid = Some("24586932".into());
    let mut flow = RewardOrder::new(&client(), order, options(r#"{"find_by": "uid"}"#)).unwrap();
    let (sent, outcome) = run(&mut flow, &[(200, no_uid), (200, SALE_POINTS_5), (200, r#"{"status":true,"data":{}}"#)]);
    assert!(sent[2].body.as_deref().unwrap().contains("&uid=24586932&"));
    assert!(matches!(outcome, Outcome::Rewarded { transaction_id: None, .. }));
}

#[test]
fn bad_orders_are_refused_before_anything_is_sent() {
    let check = |order_json: &str, opts: &str, code: &str, field: &str| {
        let order: Order = from_json(order_json).unwrap();
        let e = RewardOrder::new(&client(), order, options(opts)).unwrap_err();
        assert_eq!((e.code(), e.field()), (code, Some(field)), "{order_json} {opts}");
    };
    check(r#"{"nrofactura": "1", "total": 1, "customer": {}}"#, "{}", "missing_field", "customer.email");
    check(r#"{"nrofactura": "1", "total": 1, "customer": {"email": ""}}"#, "{}", "missing_field", "customer.email");
    check(r#"{"nrofactura": "1", "total": 1, "customer": {"email": "a@b"}}"#, r#"{"find_by": "uid"}"#, "missing_field", "customer.uid");
    check(r#"{"nrofactura": "1", "total": 1, "customer": {"email": "a@b", "first_name": "A"}}"#,
        r#"{"unknown_customer": "initialize"}"#, "missing_field", "customer.last_name");
    check(r#"{"nrofactura": "1", "total": "-1", "customer": {"email": "a@b"}}"#, "{}", "invalid_field", "total");
    check(r#"{"nrofactura": " ", "total": 1, "customer": {"email": "a@b"}}"#, "{}", "missing_field", "nrofactura");
    check(r#"{"nrofactura": "1", "total": 1, "customer": {"email": "a@b"}, "datetime": "2023-02-30 10:00:00"}"#, "{}", "invalid_field", "datetime");
    check(r#"{"nrofactura": "1", "total": 1, "customer": {"email": "a@b"}, "factura": [{"codigo": "1", "producto": "p", "cantidad": -2, "precio": 1}]}"#,
        "{}", "invalid_field", "factura[0].cantidad");
    check(r#"{"nrofactura": "1", "total": 1, "customer": {"email": "a@b"}}"#, r#"{"sale_points": -1}"#, "invalid_field", "sale_points");
    assert_eq!(from_json::<RewardOptions>(r#"{"rule": "round"}"#).unwrap_err().code(), "invalid_field");
}

#[test]
fn points_out_of_range_fail_the_flow_instead_of_panicking() {
    let order: Order = from_json(r#"{"nrofactura": "1", "total": "999999999999999999", "customer": {"email": "a@b"}}"#).unwrap();
    let mut flow = RewardOrder::new(&client(), order, RewardOptions::default()).unwrap();
    let (sent, outcome) = run(&mut flow, &[(200, FOUND), (200, SALE_POINTS_5)]);
    assert_eq!(sent.len(), 2);
    let Outcome::Failed { step: Step::AddSalePoints, error } = outcome else { panic!("{outcome:?}") };
    assert_eq!((error.code(), error.field()), ("invalid_field", Some("points")));
}

#[test]
fn cancel_order() {
    let mut flow = CancelOrder::new(&client(), "A-0001/2023").unwrap();
    assert_eq!(flow.step(), Some(Step::CancelInvoice));
    let (sent, outcome) = run(&mut flow, &[(200, REWARDED)]);
    assert_eq!(sent[0].body.as_deref(), Some("app_id=13&nrofactura=A-0001%2F2023"));
    assert_eq!(outcome, Outcome::Cancelled { nrofactura: "A-0001/2023".into(), transaction_id: Some("2424".into()), already_cancelled: false });
    let mut flow = CancelOrder::new(&client(), "1").unwrap();
    let (_, outcome) = run(&mut flow, &[(200, r#"{"status":false,"message":"Factura inexistente"}"#)]);
    assert!(matches!(outcome, Outcome::Failed { step: Step::CancelInvoice, ref error } if error.to_string().ends_with("Factura inexistente")));
    assert_eq!(CancelOrder::new(&client(), "").unwrap_err().code(), "missing_field");
}

/// Runs a flow under the engine's WoowUp policy with scripted answers; returns the steps taken
/// (`send <endpoint>` or `wait <ms>`) and the outcome.
fn exchange(flow: OrderFlow, answers: Vec<Answer>) -> (Vec<String>, Outcome) {
    let mut exchange = Exchange::new(flow, Policy::WOOWUP);
    let mut answers = answers.into_iter();
    let mut steps = Vec::new();
    loop {
        match exchange.next() {
            engine::Step::Send(r) => {
                steps.push(format!("send {}", r.url.rsplit('/').next().unwrap().split('?').next().unwrap()));
                exchange.feed(answers.next().expect("scripted answer"), 0, 1.0);
            }
            engine::Step::Wait(ms) => steps.push(format!("wait {ms}")),
            engine::Step::Done(outcome) => {
                assert!(answers.next().is_none(), "unused answers");
                return (steps, outcome);
            }
        }
    }
}

fn ok(body: &str) -> Answer {
    Answer::response(200, body)
}

fn reward(options_json: &str) -> OrderFlow {
    OrderFlow::Reward(Box::new(RewardOrder::new(&client(), order(), options(options_json)).unwrap()))
}

#[test]
fn under_the_engine_reads_are_retried_and_a_lost_sale_is_sent_again_once() {
    let repeated = r#"{"status":false,"message":"Invoice number 1034242 already exists"}"#;
    let answers = vec![
        Answer::response(503, ""),
        ok(FOUND),
        Answer::Response(Response::new(429, "").with_header("Retry-After", "7")),
        ok(SALE_POINTS_5),
        Answer::timeout("no answer in 30 s"),
        ok(repeated),
    ];
    let (steps, outcome) = exchange(reward("{}"), answers);
    assert_eq!(
        steps,
        ["send user_by_email", "wait 2000", "send user_by_email", "send contest_sale_points", "wait 7000", "send contest_sale_points",
         "send add_sale_points_by_uid", "wait 2000", "send add_sale_points_by_uid"]
    );
    assert!(matches!(outcome, Outcome::Rewarded { already_recorded: true, transaction_id: None, ref points, .. } if *points == Decimal::from_i64(1500)), "{outcome:?}");
}

#[test]
fn a_repeated_invoice_without_doubt_is_a_refusal() {
    let repeated = r#"{"status":false,"message":"Invoice number 1034242 already exists"}"#;
    let (_, outcome) = exchange(reward("{}"), vec![ok(FOUND), ok(SALE_POINTS_5), ok(repeated)]);
    assert!(matches!(outcome, Outcome::Failed { step: Step::AddSalePoints, ref error } if error.code() == "remote_error"), "{outcome:?}");
    // Unless the caller says an earlier attempt may have recorded it (a queue's redelivery).
    let flow = reward("{}").after_earlier_attempt();
    let (_, outcome) = exchange(flow, vec![ok(FOUND), ok(SALE_POINTS_5), ok(repeated)]);
    assert!(matches!(outcome, Outcome::Rewarded { already_recorded: true, .. }), "{outcome:?}");
}

#[test]
fn an_unreadable_answer_to_the_sale_is_in_doubt_not_a_failure() {
    let (steps, outcome) = exchange(reward("{}"), vec![ok(FOUND), ok(SALE_POINTS_5), ok("<html>OK</html>"), ok(REWARDED)]);
    assert_eq!(steps.iter().filter(|s| *s == "send add_sale_points_by_uid").count(), 2);
    assert!(matches!(outcome, Outcome::Rewarded { already_recorded: false, .. }), "{outcome:?}");
}

#[test]
fn a_customer_added_meanwhile_is_looked_up_again() {
    let exists = r#"{"status":false,"message":"User already exists"}"#;
    let answers = vec![ok(NOT_FOUND), ok(exists), ok(FOUND), ok(SALE_POINTS_5), ok(REWARDED)];
    let (steps, outcome) = exchange(reward(r#"{"unknown_customer": "initialize"}"#), answers);
    assert_eq!(steps, ["send user_by_email", "send initialize_user", "send user_by_email", "send contest_sale_points", "send add_sale_points_by_uid"]);
    assert!(matches!(outcome, Outcome::Rewarded { customer_initialized: false, .. }), "{outcome:?}");
    // Only once: "exists" but never found is a failure, not a loop.
    let answers = vec![ok(NOT_FOUND), ok(exists), ok(NOT_FOUND)];
    let (_, outcome) = exchange(reward(r#"{"unknown_customer": "initialize"}"#), answers);
    assert!(matches!(outcome, Outcome::Failed { step: Step::FindCustomer, .. }), "{outcome:?}");
}

#[test]
fn refused_credentials_stop_the_flow_at_once() {
    let (steps, outcome) = exchange(reward("{}"), vec![Answer::response(401, r#"{"status":false,"message":"Invalid apikey"}"#)]);
    assert_eq!(steps, ["send user_by_email"]);
    let Outcome::Failed { step: Step::FindCustomer, error } = outcome else { panic!("{outcome:?}") };
    assert_eq!((error.code(), error.status()), ("remote_error", Some(401)));
}

#[test]
fn a_lost_cancellation_is_sent_again_and_already_cancelled_is_its_success() {
    let flow = OrderFlow::Cancel(CancelOrder::new(&client(), "A-1").unwrap());
    let (steps, outcome) = exchange(flow, vec![Answer::network("ECONNRESET"), ok(r#"{"status":false,"message":"Invoice already cancelled"}"#)]);
    assert_eq!(steps, ["send cancel_invoice", "wait 2000", "send cancel_invoice"]);
    assert_eq!(outcome, Outcome::Cancelled { nrofactura: "A-1".into(), transaction_id: None, already_cancelled: true });
}

#[test]
fn a_lookup_that_never_answers_ends_in_a_network_error() {
    let (steps, outcome) = exchange(reward("{}"), (0..6).map(|_| Answer::network("ECONNREFUSED")).collect());
    assert_eq!(steps.iter().filter(|s| s.starts_with("send")).count(), 6);
    let Outcome::Failed { step: Step::FindCustomer, error } = outcome else { panic!("{outcome:?}") };
    assert_eq!((error.code(), error.service()), ("network_error", Some("woowup")));
}

/// API v3's flows under the same engine: a purchase whose answer was lost is sent again and its
/// duplicate updated; points whose answer was lost are checked in the ledger, never resent.
#[test]
fn v3_flows_under_the_engine() {
    use loyalty_connector::woowup::v3::{self, AwardPoints, Identity, Points, RecordOptions, RecordOrder, RecordOutcome};
    let client = v3::Client::new("key").unwrap();
    let purchase = v3::input(
        r#"{"invoice_number": "F-1", "email": "ana@example.com",
            "purchase_detail": [{"sku": "A-1", "quantity": 1, "unit_price": 10}], "prices": {"total": 10}}"#,
    )
    .unwrap();
    let flow = RecordOrder::new(&client, purchase, None, RecordOptions::default()).unwrap();
    let mut exchange = Exchange::new(v3::Engine(flow), Policy::WOOWUP);
    let answers = [
        Answer::response(200, r#"{"payload":{"userapp_id":7},"message":"ok","code":"ok","time":"1ms"}"#),
        Answer::timeout("no answer in 30 s"),
        Answer::response(400, r#"{"payload":[],"message":"duplicated","code":"duplicated_purchase_number","time":"1ms"}"#),
        Answer::response(200, r#"{"payload":[],"message":"ok","code":"ok","time":"1ms"}"#),
    ];
    let mut answers = answers.into_iter();
    let mut sent = vec![];
    let outcome = loop {
        match exchange.next() {
            engine::Step::Send(r) => {
                sent.push(format!("{} {}", r.method.as_str(), r.url.rsplit("/apiv3").next().unwrap().split('?').next().unwrap()));
                exchange.feed(answers.next().expect("scripted"), 0, 1.0);
            }
            engine::Step::Wait(_) => {}
            engine::Step::Done(outcome) => break outcome,
        }
    };
    assert_eq!(sent[1..], ["POST /purchases", "POST /purchases", "PUT /purchases"]);
    assert!(matches!(outcome, RecordOutcome::Recorded { duplicate: true, updated: true, .. }), "{outcome:?}");

    let points = Points { concept: "gift".into(), points: 50, description: None };
    let flow = AwardPoints::new(&client, Identity::email("ana@example.com"), points, "order-7").unwrap();
    let mut exchange = Exchange::new(v3::Engine(flow), Policy::WOOWUP);
    let engine::Step::Send(first) = exchange.next() else { panic!() };
    assert_eq!(first.method, Method::Post);
    exchange.feed(Answer::response(503, ""), 0, 1.0);
    assert!(matches!(exchange.next(), engine::Step::Wait(_)));
    let engine::Step::Send(check) = exchange.next() else { panic!() };
    assert_eq!(check.method, Method::Get, "the ledger is read before the points are sent again: {check:?}");
}
