//! What sending each API v3 request again would do. The decisions themselves (429, 502, 503
//! retried as the official clients do, `min(2^n, 60)` s, a lost answer to a write in doubt) are
//! the engine's, under `engine::Policy::WOOWUP`; this module tells it what a request changes.
//! Unlike the official clients, which resend every verb, a write WoowUp does not deduplicate
//! (points) is never sent twice without a check: a 502/503 after the server applied it would
//! credit the points twice.

use crate::engine::Effect;
use crate::http::{Method, Request};

/// How safe it is to send a request again when its answer did not arrive or said "try later".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resend {
    /// Reads, `PUT`s and `DELETE`s: sending twice does what sending once does.
    Safe,
    /// Creates WoowUp deduplicates: a purchase (invoice number), a customer (`POST /users` of an
    /// existing one fails), an event name. A resend is answered as a duplicate, never applied twice.
    Deduplicated,
    /// Writes WoowUp applies every time (points, user events, abandoned carts, members,
    /// integration stats): resend only after checking that the first was not applied.
    CheckFirst,
}

impl Resend {
    /// What the request changes, as the engine classifies its answers.
    pub fn effect(self, request: &Request) -> Effect {
        match (self, request.method) {
            (Resend::Safe, Method::Get) => Effect::Read,
            (Resend::Safe, _) => Effect::Idempotent,
            (Resend::Deduplicated | Resend::CheckFirst, _) => Effect::Once,
        }
    }

    /// The class of a request of this module's client, by method and path.
    pub fn of(request: &Request) -> Resend {
        let path = request.url.split(['?', '#']).next().unwrap_or_default();
        match request.method {
            Method::Get | Method::Put | Method::Delete => Resend::Safe,
            Method::Post => {
                let deduplicated = ["/purchases", "/purchases/bulk", "/users", "/events"];
                if deduplicated.iter().any(|p| path.ends_with(p)) {
                    Resend::Deduplicated
                } else {
                    Resend::CheckFirst
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::woowup::v3::{input, Client, Identity, Points};

    #[test]
    fn points_are_never_resent_blindly() {
        let c = Client::new("k").unwrap();
        let points = c.add_points(&Identity::email("a@b.c"), &Points { concept: "gift".into(), points: 10, description: None }).unwrap();
        let purchase = c
            .create_purchase(&input(r#"{"invoice_number": 1, "email": "a@b.c", "purchase_detail": [{"sku": "A1", "quantity": 1, "unit_price": 1}], "prices": {}}"#).unwrap())
            .unwrap();
        let find = c.find_customer(&Identity::email("a@b.c")).unwrap();
        assert_eq!((Resend::of(&points), Resend::of(&purchase), Resend::of(&find)), (Resend::CheckFirst, Resend::Deduplicated, Resend::Safe));
        assert_eq!([&points, &purchase, &find].map(|r| Resend::of(r).effect(r)), [Effect::Once, Effect::Once, Effect::Read]);
    }
}
