//! WoowUp as a destination, through the core's step machines.
//!
//! | event | what is sent |
//! |---|---|
//! | order with the rewarded status (`WOOWUP_REWARD_STATUS`, `completed` by default) | the reward flow: find the customer → (initialise them) → sale points → `add_sale_points_by_uid` with the order detail |
//! | order with another status | nothing (skipped) |
//! | refund | nothing (skipped): API v2 has no partial refund of an invoice |
//! | cancellation | `cancel_invoice`, reverting the invoice's points |
//!
//! WoowUp refuses a repeated invoice number and a repeated cancellation. Only this Worker sends
//! the shop's order ids as invoice numbers, and a queue may deliver an event again after an
//! attempt whose answer was lost: the flows are run as [`OrderFlow::after_earlier_attempt`], so
//! those refusals mean the earlier attempt did the work, and count as delivered once.

use crate::destination::{Conversation, Outcome, Step};
use crate::event::{Event, OrderEvent, OrderStatus};
use crate::time::Timestamp;
use loyalty_connector::engine::{self, Machine, Policy};
use loyalty_connector::woowup::{
    self, CancelOrder, Client, Decimal, FindBy, InvoiceItem, OrderFlow, RewardOptions, RewardOrder, SkipReason, Variation,
};
use loyalty_connector::{LoyaltyError, Request};

#[derive(Clone, Debug)]
pub struct WoowUpDestination {
    pub client: Client,
    /// The order status that earns points.
    pub reward_status: OrderStatus,
    pub options: RewardOptions,
}

/// The order as the reward flow takes it (WoowUp's field names).
fn woowup_order(o: &OrderEvent, find_by: FindBy) -> Result<woowup::Order, LoyaltyError> {
    let decimal = |text: &str, field: &str| Decimal::parse(text, field);
    let mut factura = Vec::with_capacity(o.items.len());
    for (i, item) in o.items.iter().enumerate() {
        let within = |e: LoyaltyError| e.within(&format!("items[{i}]"));
        let mut line = InvoiceItem::new(
            item.sku.clone(),
            item.name.clone(),
            Decimal::from_i64(i64::from(item.quantity)),
            decimal(&item.unit_price, "unit_price").map_err(within)?,
        );
        line.category_code = item.category.clone();
        line.variations = item.variations.iter().map(|v| Variation { name: v.name.clone(), value: v.value.clone() }).collect();
        factura.push(line);
    }
    let c = &o.customer;
    Ok(woowup::Order {
        nrofactura: o.order_id.clone(),
        total: decimal(&o.amounts.total, "amounts.total")?,
        customer: woowup::Customer {
            // By uid: the shop's customer id is the customer's uid in the program.
            uid: (find_by == FindBy::Uid).then(|| c.id.clone()),
            email: Some(c.email.clone()),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
        },
        factura,
        branch: o.branch.clone(),
        datetime: Timestamp::parse_rfc3339(&o.created_at).map(|t| t.wall_clock()),
    })
}

impl WoowUpDestination {
    /// Why WoowUp does not take this event, if it does not.
    pub fn skip_reason(&self, event: &Event) -> Option<String> {
        match event {
            Event::Order(o) if o.status != self.reward_status => {
                Some(format!("WoowUp rewards orders when they are {}", self.reward_status.as_str()))
            }
            Event::Order(_) | Event::Cancellation(_) => None,
            Event::Refund(_) => Some("WoowUp's API v2 has no partial refunds; a cancellation reverts the whole invoice".into()),
        }
    }

    fn flow(&self, event: &Event) -> Result<OrderFlow, LoyaltyError> {
        let flow = match event {
            Event::Order(o) => {
                let order = woowup_order(o, self.options.find_by)?;
                OrderFlow::Reward(Box::new(RewardOrder::new(&self.client, order, self.options.clone())?))
            }
            Event::Cancellation(c) => OrderFlow::Cancel(CancelOrder::new(&self.client, &c.order_id)?),
            Event::Refund(_) => return Err(LoyaltyError::InvalidField { field: "kind".into(), reason: "WoowUp takes no refunds".into() }),
        };
        Ok(flow.after_earlier_attempt())
    }

    /// The first request, built without sending it (the ingest check).
    pub fn first_request(&self, event: &Event) -> Result<Option<Request>, LoyaltyError> {
        Ok(match self.flow(event)?.next() {
            engine::Next::Send(request, _) => Some(request),
            engine::Next::Done(_) => None,
        })
    }

    pub fn conversation(&self, event: &Event) -> WoowUpConversation {
        match self.flow(event) {
            Ok(flow) => WoowUpConversation { flow: Some(flow), error: None },
            Err(e) => WoowUpConversation { flow: None, error: Some(format!("cannot build the WoowUp requests: {e}")) },
        }
    }
}

/// The reward or cancel flow, its outcome read as a delivery outcome.
pub struct WoowUpConversation {
    flow: Option<OrderFlow>,
    error: Option<String>,
}

fn outcome(done: woowup::Outcome) -> Outcome {
    match done {
        // Not the uid: it is often the customer's email.
        woowup::Outcome::Rewarded { points, transaction_id, customer_initialized, already_recorded, .. } => Outcome::Delivered(format!(
            "{}rewarded with {points} points{}{}",
            if already_recorded { "already recorded by an earlier attempt: " } else { "" },
            transaction_id.map(|t| format!(" (transaction {t})")).unwrap_or_default(),
            if customer_initialized { "; the customer was added to the program" } else { "" },
        )),
        woowup::Outcome::Skipped { reason, message, .. } => Outcome::Skipped(match reason {
            SkipReason::UnknownCustomer => format!(
                "the customer is not in the program{} (WOOWUP_UNKNOWN_CUSTOMER=initialize adds them)",
                message.map(|m| format!(": {m}")).unwrap_or_default()
            ),
            SkipReason::ZeroSalePoints => "the program gives 0 points per sale".into(),
            SkipReason::CustomerWithoutUid => "WoowUp holds no uid for this customer (find them by uid instead)".into(),
        }),
        woowup::Outcome::Cancelled { nrofactura, already_cancelled, .. } => Outcome::Delivered(format!(
            "{}invoice {nrofactura} cancelled, points reverted",
            if already_cancelled { "already cancelled by an earlier attempt: " } else { "" }
        )),
        woowup::Outcome::Failed { step, error } => Outcome::Failed(format!("WoowUp refused at {step:?}: {error}")),
    }
}

impl Conversation for WoowUpConversation {
    fn policy(&self) -> Policy {
        Policy::WOOWUP
    }

    fn next(&mut self) -> Step {
        let Some(flow) = &mut self.flow else {
            return Step::Done(Outcome::Failed(self.error.clone().unwrap_or_default()));
        };
        match flow.next() {
            engine::Next::Send(request, effect) => Step::Send(request, effect),
            engine::Next::Done(done) => Step::Done(outcome(done)),
        }
    }

    fn feed(&mut self, status: u16, body: &str) {
        if let Some(flow) = &mut self.flow {
            flow.feed(status, body);
        }
    }

    fn may_have_landed(&mut self) -> bool {
        self.flow.as_mut().is_some_and(Machine::may_have_landed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::destination::tests::run_ready;
    use crate::destination::{deliver, Answer};
    use crate::event::Kind;
    use loyalty_connector::woowup::UnknownCustomer;
    use std::collections::VecDeque;
    use std::future::ready;

    fn destination() -> WoowUpDestination {
        let client = Client::new("14", "key").unwrap().with_base_url("http://127.0.0.1:9/apiv2").unwrap();
        let options = RewardOptions { unknown_customer: UnknownCustomer::Initialize, ..RewardOptions::default() };
        WoowUpDestination { client, reward_status: OrderStatus::Completed, options }
    }

    fn order(status: &str) -> Event {
        let body = format!(
            r#"{{"order_id":"A-1/2026","status":"{status}","created_at":"2026-11-20T14:03:09-03:00",
            "customer":{{"id":"C-17","email":"jose@example.com","first_name":"José","last_name":"Pérez"}},
            "amounts":{{"subtotal":"100.00","discount":"0.00","tax":"0.00","total":"100.50","taxes_included":true}},
            "items":[{{"sku":"M-1","name":"Mate 1/2","quantity":2,"unit_price":"50.25","category":"Mates",
                       "variations":[{{"name":"Color","value":"Marrón"}}]}}],"branch":"Web"}}"#
        );
        Event::parse(Kind::Order, body.as_bytes()).unwrap()
    }

    /// Runs a conversation against scripted answers; returns the outcome and the requests' paths.
    fn run(event: &Event, answers: &[(u16, &str)]) -> (Outcome, Vec<String>) {
        let mut answers: VecDeque<_> = answers.iter().map(|(s, b)| Answer { status: *s, retry_after: None, rate_limit: vec![], body: b.to_string() }).collect();
        let mut paths = Vec::new();
        let mut conversation = destination().conversation(event);
        let outcome = run_ready(deliver(
            &mut conversation,
            |request| {
                paths.push(format!("{} {}", request.method.as_str(), request.url.rsplit('/').next().unwrap_or_default()));
                if request.url.ends_with("add_sale_points_by_uid") {
                    let body = request.body.clone().unwrap_or_default();
                    assert!(body.contains("nrofactura=A-1%2F2026"), "{body}");
                    assert!(body.contains("datetime=2026-11-20+14%3A03%3A09"), "{body}");
                    assert!(body.contains("branch=Web"), "{body}");
                    assert!(body.contains("points=500"), "ceil(5 × floor(100.50)): {body}");
                }
                ready(answers.pop_front().ok_or_else(|| "no more answers".to_string()))
            },
            0,
        ));
        (outcome, paths)
    }

    const FOUND: &str = r#"{"status":true,"data":{"user":{"service_uid":"jose@example.com","userapp_id":"7"}}}"#;
    const SALE_POINTS: &str = r#"{"status":true,"data":{"contest_sale_points":5}}"#;

    #[test]
    fn a_completed_order_is_rewarded() {
        let (outcome, paths) = run(&order("completed"), &[(200, FOUND), (200, SALE_POINTS), (200, r#"{"status":true,"data":{"transaction_id":"99"}}"#)]);
        assert_eq!(outcome, Outcome::Delivered("rewarded with 500 points (transaction 99)".into()));
        assert_eq!(paths, ["GET user_by_email?email=jose%40example.com", "GET contest_sale_points", "POST add_sale_points_by_uid"]);
    }

    #[test]
    fn an_unknown_customer_is_added_first() {
        let answers = [
            (200, r#"{"status":false,"message":"User not found"}"#),
            (200, r#"{"status":true,"data":{"user":{"service_uid":"jose@example.com","userapp_id":"8"}}}"#),
            (200, SALE_POINTS),
            (200, r#"{"status":true,"data":{"transaction_id":"100"}}"#),
        ];
        let (outcome, paths) = run(&order("completed"), &answers);
        assert!(matches!(&outcome, Outcome::Delivered(d) if d.ends_with("added to the program")), "{outcome:?}");
        assert_eq!(paths[1], "POST initialize_user");
    }

    #[test]
    fn a_repeated_invoice_after_a_lost_answer_is_a_delivery() {
        let answers = [(200, FOUND), (200, SALE_POINTS), (200, r#"{"status":false,"message":"Invoice number A-1/2026 already exists"}"#)];
        assert!(matches!(run(&order("completed"), &answers).0, Outcome::Delivered(d) if d.starts_with("already recorded by an earlier attempt")));
        let refused = [(200, FOUND), (200, SALE_POINTS), (400, r#"{"status":false,"message":"branch Web does not exist"}"#)];
        assert!(matches!(run(&order("completed"), &refused).0, Outcome::Failed(r) if r.contains("does not exist")));
    }

    #[test]
    fn a_customer_added_meanwhile_is_looked_up_again() {
        let answers = [
            (200, r#"{"status":false,"message":"User not found"}"#),
            (200, r#"{"status":false,"message":"User already exists"}"#),
            (200, FOUND),
            (200, SALE_POINTS),
            (200, r#"{"status":true,"data":{"transaction_id":"99"}}"#),
        ];
        let (outcome, paths) = run(&order("completed"), &answers);
        assert_eq!(outcome, Outcome::Delivered("rewarded with 500 points (transaction 99)".into()));
        assert_eq!(paths[2], "GET user_by_email?email=jose%40example.com");
    }

    #[test]
    fn a_sale_whose_answer_is_lost_is_retried_later_and_its_repeat_counts_once() {
        let d = destination();
        let mut c = d.conversation(&order("completed"));
        let mut answers: VecDeque<Result<Answer, String>> =
            [Ok((200, FOUND)), Ok((200, SALE_POINTS)), Err("timed out".to_string())]
                .into_iter()
                .map(|a| a.map(|(s, b): (u16, &str)| Answer { status: s, retry_after: None, rate_limit: vec![], body: b.to_string() }))
                .collect();
        let outcome = run_ready(deliver(&mut c, |_| ready(answers.pop_front().unwrap()), 0));
        assert!(matches!(outcome, Outcome::Retry { ref reason, .. } if reason.contains("may have landed")), "{outcome:?}");
    }

    #[test]
    fn zero_sale_points_are_a_skip() {
        let (outcome, paths) = run(&order("completed"), &[(200, FOUND), (200, r#"{"status":true,"data":{"contest_sale_points":0}}"#)]);
        assert_eq!(outcome, Outcome::Skipped("the program gives 0 points per sale".into()));
        assert_eq!(paths.len(), 2);
    }

    #[test]
    fn cancellations_cancel_the_invoice_once() {
        let cancel = Event::parse(Kind::Cancellation, br#"{"order_id":"A-1/2026","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        let (outcome, paths) = run(&cancel, &[(200, r#"{"status":true,"data":{"transaction_id":"5"}}"#)]);
        assert_eq!(outcome, Outcome::Delivered("invoice A-1/2026 cancelled, points reverted".into()));
        assert_eq!(paths, ["POST cancel_invoice"]);
        let (again, _) = run(&cancel, &[(200, r#"{"status":false,"message":"Invoice already cancelled"}"#)]);
        assert!(matches!(again, Outcome::Delivered(d) if d.starts_with("already cancelled by an earlier attempt")));
    }

    #[test]
    fn only_the_rewarded_status_and_cancellations_go_to_woowup() {
        let d = destination();
        assert_eq!(d.skip_reason(&order("completed")), None);
        assert!(d.skip_reason(&order("paid")).unwrap().contains("completed"));
        let refund = Event::parse(Kind::Refund, br#"{"refund_id":"R","order_id":"A","amount":"1","created_at":"2026-11-21T10:00:00Z"}"#).unwrap();
        assert!(d.skip_reason(&refund).is_some());
        assert!(d.first_request(&order("completed")).unwrap().is_some());
    }
}
