//! The reward and cancel flows driven over real HTTP against the local emulator
//! (examples/emulator), which checks headers, form fields and `factura` as WoowUp does and keeps
//! a ledger of what it received.

use loyalty_connector::woowup::{from_json, CancelOrder, Client, Flow, Next, Order, Outcome, RewardOptions, RewardOrder, SkipReason};
use std::io::{Read, Write};
use std::net::TcpListener;

#[path = "support/emulator.rs"]
mod emulator;
use emulator::{send, Emulator};

fn client(emu: &Emulator) -> Client {
    Client::new("14", "demo-woowup-key").unwrap().with_base_url(&format!("{}/apiv2", emu.url)).unwrap()
}

fn drive(flow: &mut impl Flow) -> Outcome {
    let mut next = flow.next();
    loop {
        match next {
            Next::Send(request) => {
                let (status, _, body) = send(&request);
                next = flow.feed(status, &body);
            }
            Next::Done(outcome) => return outcome,
        }
    }
}

fn order(email: &str, invoice: &str) -> Order {
    from_json(&format!(
        r#"{{"nrofactura": "{invoice}", "total": "19.99",
            "customer": {{"email": "{email}", "first_name": "Zoë", "last_name": "O'Brien/Núñez"}},
            "factura": [{{"codigo": "SKU/1", "producto": "Café «bio»", "cantidad": 2, "precio": "9.995",
                          "variations": [{{"name": "Talle", "value": "XS"}}]}}],
            "branch": "Web", "datetime": "2024-02-29 10:00:00"}}"#
    ))
    .unwrap()
}

fn invoice<'a>(state: &'a serde_json::Value, number: &str) -> Option<&'a serde_json::Value> {
    state["woowup"]["invoices"].as_array()?.iter().find(|i| i["nrofactura"] == number)
}

#[test]
fn flows_against_the_emulator() {
    let emu = Emulator::start();
    let client = client(&emu);
    let initialize: RewardOptions = from_json(r#"{"unknown_customer": "initialize"}"#).unwrap();

    // Found customer: 5 sale points × floor(19.99) = 95 points, the detail recorded.
    let outcome = drive(&mut RewardOrder::new(&client, order("ana@example.com", "A-1"), RewardOptions::default()).unwrap());
    assert!(matches!(&outcome, Outcome::Rewarded { uid, customer_initialized: false, .. } if uid == "ana@example.com"), "{outcome:?}");
    let state = emu.state();
    let a1 = invoice(&state, "A-1").expect("invoice A-1 recorded");
    assert_eq!((a1["deliveries"].as_i64(), a1["points"].as_f64()), (Some(1), Some(95.0)), "{a1}");

    // Unknown customer, skipped: nothing sent after the lookup.
    let outcome = drive(&mut RewardOrder::new(&client, order("new@example.com", "A-2"), RewardOptions::default()).unwrap());
    assert!(matches!(outcome, Outcome::Skipped { reason: SkipReason::UnknownCustomer, .. }), "{outcome:?}");
    assert!(invoice(&emu.state(), "A-2").is_none());

    // Unknown customer, initialised (names by name), then rewarded.
    let outcome = drive(&mut RewardOrder::new(&client, order("new@example.com", "A-3"), initialize.clone()).unwrap());
    assert!(matches!(outcome, Outcome::Rewarded { customer_initialized: true, .. }), "{outcome:?}");
    let state = emu.state();
    let user = state["woowup"]["users"].as_array().unwrap().iter().find(|u| u["email"] == "new@example.com").unwrap();
    assert_eq!((user["first_name"].as_str(), user["last_name"].as_str()), (Some("Zoë"), Some("O'Brien/Núñez")));

    // Cancelling reverts the invoice.
    let outcome = drive(&mut CancelOrder::new(&client, "A-1").unwrap());
    assert!(matches!(&outcome, Outcome::Cancelled { nrofactura, .. } if nrofactura == "A-1"), "{outcome:?}");

    // A server error ends in a failed outcome, and nothing is recorded.
    emu.control("faults", r#"{"sequence": [null, 503], "programs": ["woowup"]}"#);
    let outcome = drive(&mut RewardOrder::new(&client, order("ana@example.com", "A-4"), RewardOptions::default()).unwrap());
    assert!(matches!(&outcome, Outcome::Failed { error, .. } if error.code() == "remote_error"), "{outcome:?}");
    assert!(invoice(&emu.state(), "A-4").is_none());
    emu.control("faults", "{}");

    // Zero sale points: the order is not sent, and the outcome says so.
    emu.control("config", r#"{"woowup": {"apps": [{"app_id": "14", "api_key": "demo-woowup-key", "contest_sale_points": 0}]}}"#);
    let outcome = drive(&mut RewardOrder::new(&client, order("ana@example.com", "A-5"), RewardOptions::default()).unwrap());
    assert!(matches!(outcome, Outcome::Skipped { reason: SkipReason::ZeroSalePoints, .. }), "{outcome:?}");
    assert!(invoice(&emu.state(), "A-5").is_none());
}

#[test]
fn a_malformed_answer_ends_in_a_failed_outcome() {
    // A server that answers 200 with something that is not WoowUp's JSON.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/apiv2", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 15\r\n\r\n<html>oops</ht");
        }
    });
    let client = Client::new("14", "k").unwrap().with_base_url(&url).unwrap();
    let outcome = drive(&mut RewardOrder::new(&client, order("ana@example.com", "B-1"), RewardOptions::default()).unwrap());
    assert!(matches!(&outcome, Outcome::Failed { error, .. } if error.code() == "invalid_response"), "{outcome:?}");
}
