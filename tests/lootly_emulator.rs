//! Lootly's newer endpoints and a merchant's real settings, from Rust over real HTTP against the
//! local emulator (examples/emulator): a paid order is rewarded, the customer's points read, the
//! rewards listed, one redeemed for a code of the uploaded CSV, an order closed.

use loyalty_connector::lootly::{self, coupon_csv, Credentials, Endpoint, FullOrder, Id, WebhookType};

#[path = "support/emulator.rs"]
mod emulator;
use emulator::{send, Emulator};

#[test]
fn newer_endpoints_and_the_merchants_defaults_against_the_emulator() {
    let emu = Emulator::start();
    // A merchant with Lootly's defaults (rewards orders-paid) and one reward whose codes were
    // uploaded as the CSV couponCsv writes.
    let csv = coupon_csv(&["LOOT-1", "LOOT,2"]).unwrap();
    let config = serde_json::json!({ "lootly": { "merchants": [{ "api_key": "rust-key", "api_secret": "rust-secret",
        "rewards": [{ "reward_id": 3, "reward_name": "$5 off", "points_required": 15, "codes_csv": csv }] }] } });
    emu.control("config", &config.to_string());

    let creds = Credentials::new("rust-key", "rust-secret");
    let endpoint = Endpoint::new(&emu.url, "common").unwrap();
    let order: FullOrder = serde_json::from_str(r#"{"id":"R-1","total_price":"39.99","total_tax":"0.00","total_discounts":"0.00",
        "subtotal_price":"39.99","taxes_included":false,"customer":{"id":"C-1","email":"ana@example.com"},
        "products":[{"product_id":1,"product_name":"Mate","product_price":"39.99","quantity":1}]}"#).unwrap();
    // orders-completed is accepted and ignored by a merchant with the defaults; orders-paid counts.
    assert_eq!(send(&order.request(WebhookType::OrdersCompleted, &creds, &endpoint).unwrap()).0, 200);
    assert_eq!(send(&order.request(WebhookType::OrdersPaid, &creds, &endpoint).unwrap()).0, 200);

    let now = 1_767_225_600;
    let (status, _, body) = send(&lootly::customer_info("C-1", now, &creds, &endpoint).unwrap());
    assert_eq!(lootly::read_customer_info(status, &body).unwrap().points, 39);
    let (status, _, body) = send(&lootly::rewards_list(now, &creds, &endpoint).unwrap());
    let rewards = lootly::read_rewards_list(status, &body).unwrap();
    assert_eq!((rewards.len(), &rewards[0].reward_id, rewards[0].points_required), (1, &Id::Int(3), 15));
    let redeem = || lootly::redeem_reward("ana@example.com", &rewards[0].reward_id, now, &creds, &endpoint).unwrap();
    let (status, _, body) = send(&redeem());
    assert_eq!(lootly::read_redeemed_reward(status, &body).unwrap(), "LOOT-1");
    let (status, _, body) = send(&redeem());
    assert_eq!(lootly::read_redeemed_reward(status, &body).unwrap(), "LOOT,2");
    let (status, _, body) = send(&redeem());
    let refused = lootly::read_redeemed_reward(status, &body).unwrap_err();
    assert_eq!((refused.code(), refused.status()), ("remote_error", Some(422)), "39 - 2 × 15 points: not enough for a third");
    let (status, _, body) = send(&lootly::customer_info("C-1", now, &creds, &endpoint).unwrap());
    assert_eq!(lootly::read_customer_info(status, &body).unwrap().points, 39 - 30);
    assert_eq!(send(&lootly::order_closed("R-1", now, &creds, &endpoint).unwrap()).0, 200);

    let state = emu.state();
    let outcomes: Vec<&str> = state["lootly"]["requests"].as_array().unwrap().iter().filter_map(|r| r["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["ignored", "rewarded", "read", "listed", "redeemed", "redeemed", "not enough points", "read", "ignored"]);
}
