//! Lootly as a destination: one signed webhook per event, built by the core.
//!
//! | event | webhook |
//! |---|---|
//! | order with status `processing`/`paid`/`fulfilled`/`completed` | `orders-{status}` |
//! | refund | `refunds-create` with this refund's amount |
//! | cancellation | `orders-cancelled` |
//!
//! Only a 200 is a delivery. 201 (no such webhook type), 401 and other 4xx are final failures.
//! An order webhook whose answer was lost is sent again (Lootly skips an order it already has,
//! by customer email and order id); a refund or a cancellation cannot be told from a repeat, so
//! a lost answer leaves it failed *in doubt* for the operator to check, never applied twice.

use crate::destination::{Conversation, Outcome, Step};
use crate::event::{Event, OrderStatus};
use loyalty_connector::engine::{Effect, Policy};
use loyalty_connector::lootly::{self, Credentials, Endpoint, Meaning, WebhookType};
use loyalty_connector::{LoyaltyError, Request};

#[derive(Clone, Debug)]
pub struct LootlyDestination {
    pub credentials: Credentials,
    pub endpoint: Endpoint,
}

fn webhook_type(status: OrderStatus) -> WebhookType {
    match status {
        OrderStatus::Processing => WebhookType::OrdersProcessing,
        OrderStatus::Paid => WebhookType::OrdersPaid,
        OrderStatus::Fulfilled => WebhookType::OrdersFulfilled,
        OrderStatus::Completed => WebhookType::OrdersCompleted,
    }
}

impl LootlyDestination {
    /// The signed webhook that carries `event`.
    pub fn request(&self, event: &Event) -> Result<Request, LoyaltyError> {
        let (creds, endpoint) = (&self.credentials, &self.endpoint);
        match event {
            Event::Order(o) => {
                let c = &o.customer;
                let order = lootly::Order {
                    id: o.order_id.clone(),
                    total_price: o.amounts.total.clone(),
                    total_tax: o.amounts.tax.clone(),
                    total_discounts: o.amounts.discount.clone(),
                    subtotal_price: o.amounts.subtotal.clone(),
                    taxes_included: o.amounts.taxes_included,
                    discount_codes: o.discount_codes.clone(),
                    customer: lootly::Customer {
                        id: c.id.clone(),
                        email: c.email.clone(),
                        first_name: c.first_name.clone(),
                        last_name: c.last_name.clone(),
                        birthday: c.birthday.clone(),
                        default_address: c
                            .address
                            .as_ref()
                            .map(|a| lootly::Address { zip: a.zip.clone(), country: a.country.clone() }),
                    },
                };
                order.request(webhook_type(o.status), creds, endpoint)
            }
            Event::Refund(r) => lootly::Refund { id: r.order_id.clone(), amounts: vec![r.amount.clone()] }.request(creds, endpoint),
            Event::Cancellation(c) => lootly::order_cancelled(&c.order_id, creds, endpoint),
        }
    }

    pub fn conversation(&self, event: &Event) -> LootlyConversation {
        let repeat_safe = matches!(event, Event::Order(_));
        match self.request(event) {
            Ok(request) => LootlyConversation { request: Some(request), outcome: None, repeat_safe },
            Err(e) => LootlyConversation {
                request: None,
                outcome: Some(Outcome::Failed(format!("cannot build the webhook: {e}"))),
                repeat_safe,
            },
        }
    }

    #[cfg(test)]
    pub fn example() -> Self {
        LootlyDestination {
            credentials: Credentials::new("key-1", "secret-1"),
            endpoint: Endpoint::new("http://127.0.0.1:9/", "common").unwrap(),
        }
    }
}

/// One webhook, one answer.
pub struct LootlyConversation {
    request: Option<Request>,
    outcome: Option<Outcome>,
    /// Whether Lootly skips a repeat of this webhook (orders, by customer email and id).
    repeat_safe: bool,
}

impl Conversation for LootlyConversation {
    fn policy(&self) -> Policy {
        Policy::LOOTLY
    }

    fn may_have_landed(&mut self) -> bool {
        self.repeat_safe
    }

    fn next(&mut self) -> Step {
        if let Some(outcome) = &self.outcome {
            return Step::Done(outcome.clone());
        }
        match self.request.take() {
            Some(request) => Step::Send(request, Effect::Once),
            None => Step::Done(Outcome::Failed("no answer was read".into())),
        }
    }

    fn feed(&mut self, status: u16, body: &str) {
        let response = lootly::read_response(status, body);
        let message = response.message.map(|m| format!(": {m}")).unwrap_or_default();
        self.outcome = Some(match response.meaning {
            Meaning::Accepted => Outcome::Delivered("lootly accepted the webhook (HTTP 200)".into()),
            Meaning::UnknownEndpoint => Outcome::Failed("HTTP 201: Lootly has no such webhook type".into()),
            Meaning::Unauthorized => Outcome::Failed(format!("HTTP 401: unknown api key or wrong signature{message}")),
            _ => Outcome::Failed(format!("HTTP {status}: not an answer Lootly gives to an accepted webhook{message}")),
        });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::destination::tests::run_ready;
    use crate::destination::{deliver, Answer};
    use crate::event::Kind;
    use std::future::ready;

    pub fn order() -> Event {
        let body = r#"{"order_id":"A-1/2026","status":"paid","created_at":"2026-11-20T14:03:00-03:00",
            "customer":{"id":"C-17","email":"jose@example.com","first_name":"José","address":{"country":"AR"}},
            "amounts":{"subtotal":"100.00","discount":"10.00","tax":"21.00","total":"111.00","taxes_included":false},
            "items":[{"sku":"M-1","name":"Mate","quantity":1,"unit_price":"100.00"}],"discount_codes":["VERANO"]}"#;
        Event::parse(Kind::Order, body.as_bytes()).unwrap()
    }

    #[test]
    fn an_order_becomes_the_webhook_of_its_status() {
        let r = LootlyDestination::example().request(&order()).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:9/integrations/webhooks/common/orders-paid");
        let body = r.body.unwrap();
        // PHP's json_encode bytes: slashes and accents escaped, ksorted top level, hmac last.
        assert!(body.starts_with(r#"{"customer":{"id":"C-17","email":"jose@example.com","first_name":"Jos\u00e9","default_address":{"country":"AR"}},"discount_codes":[{"code":"VERANO"}],"id":"A-1\/2026","key":"key-1","subtotal_price":"100.00","taxes_included":"0","total_discounts":"10.00","total_price":"111.00","total_tax":"21.00","hmac":""#), "{body}");
        assert!(lootly::verify(body.as_bytes(), "secret-1"));
    }

    #[test]
    fn refunds_and_cancellations_have_their_webhooks() {
        let l = LootlyDestination::example();
        let refund = Event::parse(Kind::Refund, br#"{"refund_id":"R-1","order_id":"A-1/2026","amount":"11.10","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        let r = l.request(&refund).unwrap();
        assert!(r.url.ends_with("/refunds-create"));
        assert!(r.body.unwrap().starts_with(r#"{"id":"A-1\/2026","key":"key-1","transactions":[{"amount":"11.10"}],"hmac":"#));
        let cancel = Event::parse(Kind::Cancellation, br#"{"order_id":"A-1/2026","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        let r = l.request(&cancel).unwrap();
        assert!(r.url.ends_with("/orders-cancelled"));
        assert!(r.body.unwrap().starts_with(r#"{"id":"A-1\/2026","key":"key-1","hmac":"#));
    }

    fn outcome_of(event: &Event, status: u16, body: &str) -> Outcome {
        let mut c = LootlyDestination::example().conversation(event);
        let answer = Answer { status, retry_after: None, rate_limit: vec![], body: body.into() };
        run_ready(deliver(&mut c, |_| ready(Ok(answer.clone())), 0))
    }

    fn outcome(status: u16, body: &str) -> Outcome {
        outcome_of(&order(), status, body)
    }

    #[test]
    fn only_a_200_is_a_delivery() {
        assert!(matches!(outcome(200, ""), Outcome::Delivered(_)));
        assert_eq!(outcome(201, ""), Outcome::Failed("HTTP 201: Lootly has no such webhook type".into()));
        assert!(matches!(outcome(401, r#"{"message":"Unauthenticated."}"#), Outcome::Failed(m) if m.starts_with("Lootly refused the credentials")));
        assert!(matches!(outcome(404, ""), Outcome::Failed(m) if m.starts_with("HTTP 404")));
        assert!(matches!(outcome(500, ""), Outcome::Failed(m) if m.contains("integration")));
        assert!(matches!(outcome(503, ""), Outcome::Retry { .. }), "not processed: Lootly queues a job only when it answers 200");
    }

    #[test]
    fn a_lost_answer_resends_an_order_but_leaves_a_refund_in_doubt() {
        let lost = |event: &Event| {
            let mut c = LootlyDestination::example().conversation(event);
            run_ready(deliver(&mut c, |_| ready(Err("timed out".to_string())), 0))
        };
        assert!(matches!(lost(&order()), Outcome::Retry { .. }));
        let refund = Event::parse(Kind::Refund, br#"{"refund_id":"R-1","order_id":"A-1/2026","amount":"11.10","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        assert!(matches!(lost(&refund), Outcome::Failed(m) if m.contains("in doubt")));
        assert!(matches!(outcome_of(&refund, 504, ""), Outcome::Failed(m) if m.contains("in doubt")));
        assert!(matches!(outcome_of(&refund, 503, ""), Outcome::Retry { .. }));
    }
}
