//! API v3 over real HTTP against the local emulator (examples/emulator): the library's requests,
//! read with its answer reader, paced by its pacer and retried by its retry rule, while the
//! emulator checks what WoowUp checks, keeps a ledger and enforces the rate limit. Also: the
//! library and the emulator apply one email rule.

use loyalty_connector::engine::{self, Attempts, Decision, Policy};
use loyalty_connector::woowup::v3::retry::Resend;
use loyalty_connector::woowup::v3::{
    input, read, read_customer, read_purchases, Answer, AwardPoints, Client, FailureKind, Identity, Pacer, Pager, Points, PointsOutcome, RecordOptions, RecordOrder,
    RecordOutcome, Reversal, ReverseOrder, ReverseOutcome, SkipReason, TransactionFilter, UnknownCustomer, V3Flow, V3Next,
};
use loyalty_connector::Request;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

const KEY: &str = "demo-woowup-key";
const T0: u64 = 1_800_000_000_000;

#[path = "support/emulator.rs"]
mod emulator;
use emulator::{send, Emulator};

fn client(emu: &Emulator) -> Client {
    Client::new(KEY).unwrap().with_base_url(&format!("{}/apiv3", emu.url)).unwrap()
}

/// The emulator's requests to API v3 so far.
fn v3_requests(emu: &Emulator) -> Vec<Value> {
    emu.state()["woowup_v3"]["requests"].as_array().unwrap().clone()
}

/// Sends and reads one request.
fn call(request: &Request) -> Answer {
    let (status, headers, body) = send(request);
    read(status, &headers, &body).unwrap_or_else(|e| panic!("{e}: {status} {body}"))
}

fn payload(answer: Answer) -> Value {
    match answer {
        Answer::Ok { payload, .. } => payload,
        Answer::Failed(f) => panic!("{f:?}"),
    }
}

/// A driver as the engine will be: the pacer says when, the retry rule says whether; the
/// emulator's clock is frozen and moved by the time the driver "sleeps".
struct Driver<'a> {
    emu: &'a Emulator,
    /// `None`: send as soon as the retry rule allows (a burst).
    pacer: Option<Pacer>,
    now: u64,
}

impl Driver<'_> {
    fn sleep(&mut self, ms: u64) {
        if ms > 0 {
            self.now += ms;
            self.emu.control("woowup-v3", &format!(r#"{{"advance_ms": {ms}}}"#));
        }
    }

    /// Sends with pacing and the engine's WoowUp policy; `None` when the request is in doubt
    /// (to be checked before it is sent again).
    fn send(&mut self, request: &Request) -> Option<Answer> {
        let effect = Resend::of(request).effect(request);
        let mut attempts = Attempts::default();
        loop {
            if let Some(pacer) = &self.pacer {
                let wait = pacer.wait_ms(self.now);
                self.sleep(wait);
            }
            let now = self.now;
            if let Some(p) = self.pacer.as_mut() {
                p.sent(now);
            }
            let (status, headers, body) = send(request);
            if let Some(p) = self.pacer.as_mut() {
                p.observe(now, &headers);
            }
            let response = headers.iter().fold(engine::Response::new(status, body.clone()), |r, (n, v)| r.with_header(n, v));
            match attempts.judge(&Policy::WOOWUP, effect, &engine::Answer::Response(response), (now / 1000) as i64, 1.0) {
                Decision::Retry(ms) => self.sleep(ms),
                // WoowUp answers a repeat as a duplicate: sending it again is the check.
                Decision::InDoubt if Resend::of(request) == Resend::Deduplicated => match attempts.retry(&Policy::WOOWUP, None, 1.0) {
                    Some(Decision::Retry(ms)) => self.sleep(ms),
                    _ => return None,
                },
                Decision::InDoubt => return None,
                Decision::Deliver | Decision::Stop(_) => return Some(read(status, &headers, &body).unwrap()),
            }
        }
    }
}

const ORDER: &str = r#"{"invoice_number": "FAC-%N%", "email": "zoe@example.com", "channel": "web", "branch_name": "Web",
  "createtime": "2026-11-30T18:05:00-03:00", "points": 20,
  "purchase_detail": [{"sku": "JCK-001", "product_name": "Café «bio» 1/2", "quantity": 2, "unit_price": 9.995,
                       "variations": [{"name": "Talle", "value": "XS"}]}],
  "prices": {"gross": 19.99, "discount": 0, "total": 19.99},
  "payment": [{"type": "credit", "brand": "VISA", "total": 19.99, "installments": 3}]}"#;

fn order(n: u32) -> loyalty_connector::php::Value {
    input(&ORDER.replace("%N%", &n.to_string())).unwrap()
}

#[test]
fn customers_purchases_and_pages_over_http() {
    let emu = Emulator::start();
    let c = client(&emu);
    let zoe = Identity::email("zoe@example.com");

    assert_eq!(payload(call(&c.customer_exists(&zoe).unwrap()))["exist"], false);
    let customer = input(r#"{"email": "zoe@example.com", "service_uid": "日本-001", "first_name": "Zoë", "last_name": "O'Brien/Núñez"}"#).unwrap();
    assert_eq!(payload(call(&c.create_customer(&customer).unwrap()))["first_name"], "Zoë");
    match call(&c.create_customer(&customer).unwrap()) {
        Answer::Failed(f) => assert_eq!((f.status, f.kind), (500, FailureKind::CustomerExists)),
        ok => panic!("{ok:?}"),
    }
    // A lookup with non-ASCII in the query string, read into a typed customer.
    let (status, _, body) = send(&c.find_customer(&Identity::service_uid("日本-001")).unwrap());
    let found = read_customer(status, &body).unwrap().expect("found");
    assert_eq!((found.email.as_deref(), found.last_name.as_deref(), found.tags.len()), (Some("zoe@example.com"), Some("O'Brien/Núñez"), 0));
    let (status, _, body) = send(&c.find_customer(&Identity::email("nobody@example.com")).unwrap());
    assert_eq!(read_customer(status, &body), Ok(None));

    // A purchase, its duplicate answered as such, then updated with PUT.
    assert!(matches!(call(&c.create_purchase(&order(1)).unwrap()), Answer::Ok { status: 201, .. }));
    match call(&c.create_purchase(&order(1)).unwrap()) {
        Answer::Failed(f) => assert_eq!(f.kind, FailureKind::DuplicatedPurchaseNumber),
        ok => panic!("{ok:?}"),
    }
    assert!(matches!(call(&c.update_purchase(&order(1)).unwrap()), Answer::Ok { status: 200, .. }));
    let (status, _, body) = send(&c.find_purchase("FAC-1").unwrap());
    let found = read_purchases(status, &body).unwrap();
    assert_eq!(found[0].lines[0].product_name.as_deref(), Some("Café «bio» 1/2"));
    assert_eq!(found[0].total.map(|t| t.to_string()).as_deref(), Some("19.99"));
    // The emulator received exactly the bytes the library wrote.
    let sent = v3_requests(&emu).into_iter().find(|r| r["method"] == "POST" && r["path"] == "/apiv3/purchases").unwrap();
    assert_eq!(sent["body"].as_str(), c.create_purchase(&order(1)).unwrap().body.as_deref());

    // Someone unknown: user_not_found, not an unreadable answer.
    let stranger = input(&ORDER.replace("zoe@", "nobody@").replace("%N%", "2")).unwrap();
    match call(&c.create_purchase(&stranger).unwrap()) {
        Answer::Failed(f) => assert_eq!((f.status, f.kind), (404, FailureKind::UserNotFound)),
        ok => panic!("{ok:?}"),
    }

    // Products by sku in the path, branches by base64 name, pages from 0 until a short one.
    let product = input(r#"{"sku": "SKU/1?", "name": "Jabón"}"#).unwrap();
    assert!(matches!(call(&c.create_product(&product).unwrap()), Answer::Ok { .. }));
    assert_eq!(payload(call(&c.product_exists("SKU/1?").unwrap()))["exist"], true);
    assert!(matches!(call(&c.update_product("SKU/1?", &product).unwrap()), Answer::Ok { .. }));
    for name in ["Palermo I", "Belgrano", "Núñez"] {
        let branch = input(&format!(r#"{{"name": "{name}"}}"#)).unwrap();
        assert!(matches!(call(&c.create_branch(&branch).unwrap()), Answer::Ok { .. }), "{name}");
        assert!(matches!(call(&c.update_branch(name, &branch).unwrap()), Answer::Ok { .. }), "{name}");
    }
    let mut pager = Pager::branches(&c, 2).unwrap();
    let pages: Vec<Vec<Value>> = pager
        .pages(|r| {
            let (status, _, body) = send(r);
            Ok((status, body))
        })
        .collect::<Result<_, _>>()
        .unwrap();
    let names: Vec<&str> = pages.iter().flatten().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Web", "Shopping Unicenter", "Palermo I", "Belgrano", "Núñez"]);
    assert_eq!(pages.len(), 3);
    // The bare-array endpoints read leniently.
    assert!(matches!(call(&c.create_event("view-product").unwrap()), Answer::Ok { status: 201, .. }));
    let mut events = Pager::events(&c, 25).unwrap();
    let all: Vec<Vec<Value>> = events
        .pages(|r| {
            let (status, _, body) = send(r);
            Ok((status, body))
        })
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.concat()[0]["name"], "view-product");
}

#[test]
fn paced_requests_meet_no_429_and_a_burst_recovers() {
    let emu = Emulator::start();
    let c = client(&emu);
    emu.control("woowup-v3", &format!(r#"{{"clock_ms": {T0}}}"#));
    let find = c.list_branches(0, 10).unwrap();

    // 300 requests paced: none refused, and they took the time 140 a minute implies.
    let mut d = Driver { emu: &emu, pacer: Some(Pacer::default()), now: T0 };
    for _ in 0..300 {
        assert!(matches!(d.send(&find), Some(Answer::Ok { .. })));
    }
    let refused = v3_requests(&emu).iter().filter(|r| r["status"] == 429).count();
    assert_eq!(refused, 0);
    let elapsed = d.now - T0;
    assert!((299 * 60_000 / 140..=299 * 429).contains(&elapsed), "{elapsed} ms");

    // The same 300 without pacing: the emulator refuses some with 429 and Retry-After; the
    // retry rule waits as told and every request is served in the end.
    emu.control("reset", "{}");
    emu.control("woowup-v3", &format!(r#"{{"clock_ms": {T0}}}"#));
    let mut d = Driver { emu: &emu, pacer: None, now: T0 };
    for _ in 0..300 {
        assert!(matches!(d.send(&find), Some(Answer::Ok { .. })));
    }
    let requests = v3_requests(&emu);
    let refused = requests.iter().filter(|r| r["status"] == 429).count();
    assert_eq!(requests.len() - refused, 300);
    // Each 429 was followed by its Retry-After: never more refusals than requests past the first
    // budget, and the burst had to wait for the window (the reference's weighting lets a burst
    // through faster than even pacing, but not at once).
    assert!((1..=160).contains(&refused), "{refused} 429s");
    assert!(d.now - T0 >= 30_000, "{} ms", d.now - T0);
}

#[test]
fn a_lost_answer_never_credits_points_twice() {
    let emu = Emulator::start();
    let c = client(&emu);
    emu.control("woowup-v3", &format!(r#"{{"clock_ms": {T0}}}"#));
    let mut d = Driver { emu: &emu, pacer: Some(Pacer::default()), now: T0 };
    let zoe = Identity::email("zoe@example.com");
    d.send(&c.create_customer(&input(r#"{"email": "zoe@example.com"}"#).unwrap()).unwrap());

    // A purchase whose answer is lost (503 after processing): resent, answered as a duplicate.
    emu.control("faults", r#"{"programs": ["woowup"], "pathPrefix": "/apiv3/purchases", "sequence": [503], "when": "after"}"#);
    match d.send(&c.create_purchase(&order(7)).unwrap()) {
        Some(Answer::Failed(f)) => assert_eq!(f.kind, FailureKind::DuplicatedPurchaseNumber),
        other => panic!("{other:?}"),
    }
    let purchases = emu.state()["woowup_v3"]["accounts"]["14"]["purchases"].as_array().unwrap().len();
    assert_eq!(purchases, 1);

    // Points whose answer is lost: the rule says check first; the ledger shows it applied.
    emu.control("faults", r#"{"programs": ["woowup"], "pathPrefix": "/apiv3/multiusers/points", "sequence": [503], "when": "after"}"#);
    let points = c.add_points(&zoe, &Points { concept: "gift".into(), points: 50, description: Some("bienvenida".into()) }).unwrap();
    assert!(d.send(&points).is_none(), "points are not resent blindly");
    let ledger = payload(d.send(&c.transactions(&zoe, &TransactionFilter { concept: Some("gift".into()), ..Default::default() }).unwrap()).unwrap());
    assert_eq!(ledger.as_array().unwrap().len(), 1);
    let credited: i64 = emu.state()["woowup_v3"]["accounts"]["14"]["transactions"].as_array().unwrap().iter().map(|t| t["points"].as_i64().unwrap()).sum();
    assert_eq!(credited, 50 + 20, "the gift once, and the purchase's own 20 points once");
}

/// The library's email rule and the emulator's `isWoowUpEmail` agree on generated addresses.
#[test]
fn one_email_rule_in_the_library_and_the_emulator() {
    const PARTS: [&str; 19] = ["a", "Z", "0", ".", "@", "+", "\"", " ", "\t", "ñ", "用户", "\u{85}", "\u{a0}", "\u{2028}", "\u{feff}", "-", "..", "x.y", "b"];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut text = |max: usize| -> String { (0..1 + next(max)).map(|_| PARTS[next(PARTS.len())]).collect() };
    let mut emails: Vec<String> = (0..2000).map(|i| if i % 4 == 0 { text(8) } else { format!("{}@{}", text(3), text(3)) }).collect();
    emails.extend(["a@b", "\"john..doe\"@example.com", "\"a@b\"@x.com", "a@b..c", &format!("{}@b.cd", "a".repeat(250))].map(String::from));
    let script = "import('./examples/emulator/woowup.mjs').then((m) => { let s = ''; process.stdin.on('data', (c) => (s += c)); \
                  process.stdin.on('end', () => console.log(JSON.stringify(JSON.parse(s).map(m.isWoowUpEmail)))); });";
    let mut child = Command::new("node").args(["--input-type=module", "-e", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(serde_json::to_string(&emails).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let emulator: Vec<bool> = serde_json::from_slice(&out.stdout).expect("node prints the verdicts");
    let v2 = loyalty_connector::woowup::Client::new("14", KEY).unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for (email, emulator_says) in emails.iter().zip(emulator) {
        let user = loyalty_connector::woowup::from_json(
            &serde_json::json!({"uid": "u-1", "email": email, "first_name": "A", "last_name": "B"}).to_string(),
        )
        .unwrap();
        let library_says = v2.initialize_user(&user).is_ok();
        assert_eq!(library_says, emulator_says, "{email:?}");
        if library_says { accepted += 1 } else { refused += 1 }
    }
    assert!(accepted > 50 && refused > 50, "{accepted} accepted, {refused} refused");
}

/// Runs a flow against the emulator; `lose` turns the answers of these request numbers (from 0)
/// into lost ones (the request was served, the answer dropped).
fn drive<F: V3Flow>(flow: &mut F, lose: &[usize]) -> F::Outcome {
    let mut n = 0;
    loop {
        match flow.next() {
            V3Next::Send(request) => {
                let (status, _, body) = send(&request);
                if lose.contains(&n) {
                    flow.lost();
                } else {
                    flow.feed(status, &body);
                }
                n += 1;
            }
            V3Next::Done(outcome) => return outcome,
        }
    }
}

#[test]
fn flows_record_award_and_reverse_over_http() {
    let emu = Emulator::start();
    let c = client(&emu);
    let create = RecordOptions { unknown_customer: UnknownCustomer::Create, ..RecordOptions::default() };
    let customer = input(r#"{"email": "zoe@example.com", "first_name": "Zoë", "last_name": "Núñez"}"#).unwrap();

    // Unknown customer: skipped by default, nothing stored.
    let outcome = drive(&mut RecordOrder::new(&c, order(1), None, RecordOptions::default()).unwrap(), &[]);
    assert!(matches!(outcome, RecordOutcome::Skipped { reason: SkipReason::UnknownCustomer, .. }), "{outcome:?}");
    // Created when asked, then recorded; the same order again is updated, never stored twice.
    let outcome = drive(&mut RecordOrder::new(&c, order(1), Some(customer.clone()), create).unwrap(), &[]);
    assert!(matches!(outcome, RecordOutcome::Recorded { duplicate: false, customer_created: true, .. }), "{outcome:?}");
    let outcome = drive(&mut RecordOrder::new(&c, order(1), Some(customer), create).unwrap(), &[]);
    assert!(matches!(outcome, RecordOutcome::Recorded { duplicate: true, updated: true, customer_created: false, .. }), "{outcome:?}");
    let account = &emu.state()["woowup_v3"]["accounts"]["14"];
    assert_eq!((account["purchases"].as_array().unwrap().len(), account["purchases"][0]["updates"].as_i64()), (1, Some(1)));
    assert_eq!(account["customers"][0]["first_name"], "Zoë");

    // The invoice of another customer: skipped, as WoowUp's connectors do.
    call(&c.create_customer(&input(r#"{"email": "bob@example.com"}"#).unwrap()).unwrap());
    let bobs = input(&ORDER.replace("zoe@", "bob@").replace("%N%", "1")).unwrap();
    let outcome = drive(&mut RecordOrder::new(&c, bobs, None, RecordOptions::default()).unwrap(), &[]);
    assert!(matches!(outcome, RecordOutcome::Skipped { reason: SkipReason::InvoiceOfAnotherCustomer, .. }), "{outcome:?}");

    // Points whose answer is lost: the ledger is read, the points are not sent again.
    let zoe = Identity::email("zoe@example.com");
    let gift = Points { concept: "gift".into(), points: 50, description: Some("bienvenida".into()) };
    let outcome = drive(&mut AwardPoints::new(&c, zoe.clone(), gift, "welcome-zoe").unwrap(), &[0]);
    assert_eq!(outcome, PointsOutcome::Awarded { points: 50, checked: true });
    // Reversal by negative points; a refused reversal sends nothing.
    let back = Reversal::NegativePoints { who: zoe, points: 20, concept: "purchase".into() };
    let outcome = drive(&mut ReverseOrder::new(&c, "FAC-1", back).unwrap(), &[]);
    assert_eq!(outcome, ReverseOutcome::Points(PointsOutcome::Awarded { points: -20, checked: false }));
    let before = v3_requests(&emu).len();
    drive(&mut ReverseOrder::new(&c, "FAC-1", Reversal::Refuse).unwrap(), &[]);
    assert_eq!(v3_requests(&emu).len(), before);
    let ledger: Vec<i64> = emu.state()["woowup_v3"]["accounts"]["14"]["transactions"].as_array().unwrap().iter().map(|t| t["points"].as_i64().unwrap()).collect();
    assert_eq!(ledger, [20, 50, -20], "the purchase's points, the gift once, the reversal");
}
