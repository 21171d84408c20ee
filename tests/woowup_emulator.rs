//! The reward and cancel flows driven over real HTTP against the local emulator
//! (examples/emulator), which checks headers, form fields and `factura` as WoowUp does and keeps
//! a ledger of what it received.

use loyalty_connector::woowup::{from_json, CancelOrder, Client, Flow, Next, Order, Outcome, RewardOptions, RewardOrder, SkipReason};
use loyalty_connector::Request;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};

/// The emulator on an ephemeral port, stopped when dropped.
struct Emulator {
    child: Child,
    url: String,
}

impl Emulator {
    fn start() -> Emulator {
        let status = Command::new("scripts/need").arg("node").status().expect("scripts/need runs");
        assert!(status.success(), "node is needed for the emulator");
        let mut child = Command::new("node")
            .args(["examples/emulator/server.mjs", "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("ready line");
        let url = line.trim().strip_prefix("emulator listening on ").expect("the ready line").to_string();
        Emulator { child, url }
    }

    fn client(&self) -> Client {
        Client::new("14", "demo-woowup-key").unwrap().with_base_url(&format!("{}/apiv2", self.url)).unwrap()
    }

    fn control(&self, path: &str, body: &str) -> String {
        let (status, body) = send_raw(&format!("{}/_emulator/{path}", self.url), "POST", &[("Content-Type", "application/json")], body);
        assert_eq!(status, 200, "control {path}: {body}");
        body
    }

    fn state(&self) -> serde_json::Value {
        let (_, body) = send_raw(&format!("{}/_emulator/state", self.url), "GET", &[], "");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 exchange over a fresh connection (`Connection: close`).
fn send_raw(url: &str, method: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    stream.write_all(format!("{head}\r\n{body}").as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    (status, if chunked { dechunk(body) } else { body.to_string() })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

fn send(request: &Request) -> (u16, String) {
    let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    send_raw(&request.url, request.method.as_str(), &headers, request.body.as_deref().unwrap_or(""))
}

fn drive(flow: &mut impl Flow) -> Outcome {
    let mut next = flow.next();
    loop {
        match next {
            Next::Send(request) => {
                let (status, body) = send(&request);
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
    let client = emu.client();
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
