//! Lootly's newer endpoints and a merchant's real settings, from Rust over real HTTP against the
//! local emulator (examples/emulator): a paid order is rewarded, the customer's points read, the
//! rewards listed, one redeemed for a code of the uploaded CSV, an order closed.

use loyalty_connector::lootly::{self, coupon_csv, Credentials, Endpoint, FullOrder, Id, WebhookType};
use loyalty_connector::Request;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
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
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange over a fresh connection (`Connection: close`).
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
        if size == 0 || rest.len() < size + 2 {
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

#[test]
fn newer_endpoints_and_the_merchants_defaults_against_the_emulator() {
    let emu = Emulator::start();
    // A merchant with Lootly's defaults (rewards orders-paid) and one reward whose codes were
    // uploaded as the CSV couponCsv writes.
    let csv = coupon_csv(&["LOOT-1", "LOOT,2"]).unwrap();
    let config = serde_json::json!({ "lootly": { "merchants": [{ "api_key": "rust-key", "api_secret": "rust-secret",
        "rewards": [{ "reward_id": 3, "reward_name": "$5 off", "points_required": 15, "codes_csv": csv }] }] } });
    let (status, body) = send_raw(&format!("{}/_emulator/config", emu.url), "POST", &[("Content-Type", "application/json")], &config.to_string());
    assert_eq!(status, 200, "{body}");

    let creds = Credentials::new("rust-key", "rust-secret");
    let endpoint = Endpoint::new(&emu.url, "common").unwrap();
    let order: FullOrder = serde_json::from_str(r#"{"id":"R-1","total_price":"39.99","total_tax":"0.00","total_discounts":"0.00",
        "subtotal_price":"39.99","taxes_included":false,"customer":{"id":"C-1","email":"ana@example.com"},
        "products":[{"product_id":1,"product_name":"Mate","product_price":"39.99","quantity":1}]}"#).unwrap();
    // orders-completed is accepted and ignored by a merchant with the defaults; orders-paid counts.
    assert_eq!(send(&order.request(WebhookType::OrdersCompleted, &creds, &endpoint).unwrap()).0, 200);
    assert_eq!(send(&order.request(WebhookType::OrdersPaid, &creds, &endpoint).unwrap()).0, 200);

    let now = 1_767_225_600;
    let (status, body) = send(&lootly::customer_info("C-1", now, &creds, &endpoint).unwrap());
    assert_eq!(lootly::read_customer_info(status, &body).unwrap().points, 39);
    let (status, body) = send(&lootly::rewards_list(now, &creds, &endpoint).unwrap());
    let rewards = lootly::read_rewards_list(status, &body).unwrap();
    assert_eq!((rewards.len(), &rewards[0].reward_id, rewards[0].points_required), (1, &Id::Int(3), 15));
    let redeem = || lootly::redeem_reward("ana@example.com", &rewards[0].reward_id, now, &creds, &endpoint).unwrap();
    let (status, body) = send(&redeem());
    assert_eq!(lootly::read_redeemed_reward(status, &body).unwrap(), "LOOT-1");
    let (status, body) = send(&redeem());
    assert_eq!(lootly::read_redeemed_reward(status, &body).unwrap(), "LOOT,2");
    let (status, body) = send(&redeem());
    let refused = lootly::read_redeemed_reward(status, &body).unwrap_err();
    assert_eq!((refused.code(), refused.status()), ("remote_error", Some(422)), "39 - 2 × 15 points: not enough for a third");
    let (status, body) = send(&lootly::customer_info("C-1", now, &creds, &endpoint).unwrap());
    assert_eq!(lootly::read_customer_info(status, &body).unwrap().points, 39 - 30);
    assert_eq!(send(&lootly::order_closed("R-1", now, &creds, &endpoint).unwrap()).0, 200);

    let (_, state) = send_raw(&format!("{}/_emulator/state", emu.url), "GET", &[], "");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    let outcomes: Vec<&str> = state["lootly"]["requests"].as_array().unwrap().iter().filter_map(|r| r["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["ignored", "rewarded", "read", "listed", "redeemed", "redeemed", "not enough points", "read", "ignored"]);
}
