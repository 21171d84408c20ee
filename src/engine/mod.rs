//! The engine: one sans-I/O protocol for everything that takes more than one request.
//!
//! A [`Machine`] (a WoowUp flow, a batch job, a Worker delivery) says which request to send next
//! and reads the answers it is handed. An [`Exchange`] wraps it with its vendor's [`Policy`]: it
//! decides, in one place, whether an answer goes to the machine, is retried (after how long), is
//! final, or leaves the request *in doubt*. A driver only moves bytes:
//!
//! ```text
//! let mut exchange = Exchange::new(machine, Policy::WOOWUP_V2);
//! loop {
//!     match exchange.next() {
//!         Step::Send(request) => exchange.feed(transport(request), now_unix, random()),
//!         Step::Wait(ms)      => sleep(ms),
//!         Step::Done(outcome) => break outcome,
//!     }
//! }
//! ```
//!
//! The shape is quinn-proto's and h11's: the machine never touches a socket, a clock or a random
//! source; the driver (JS `fetch`, workers-rs, the command line's Node loop, a Rust test) does.

mod classify;
mod exchange;
mod retry;

pub use classify::{Effect, Policy, Verdict};
pub use exchange::{in_doubt, Attempts, Decision, Exchange, Machine, Next};
pub use retry::{days_from_civil, parse_retry_after, unix_from_http_date, Backoff};

use crate::http::Request;

/// What a driver does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<O> {
    /// Send this request, then feed its [`Answer`].
    Send(Request),
    /// Sleep this many milliseconds, then ask again (a Worker re-queues with this delay instead).
    Wait(u64),
    /// The exchange is over.
    Done(O),
}

/// What came back for a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP answer (any status), its headers and its body as text.
    Response(Response),
    /// No answer: the request may or may not have reached the server.
    Lost(Transport),
}

/// An HTTP answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Header names and values as received (names compared case-insensitively).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn new(status: u16, body: impl Into<String>) -> Response {
        Response { status, headers: Vec::new(), body: body.into() }
    }

    /// With one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why there was no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    pub kind: TransportKind,
    /// The driver's description (an error name and code: never a URL's query or a body).
    pub message: String,
}

/// The kinds of transport failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportKind {
    /// The driver gave up waiting for the answer.
    Timeout,
    /// The connection failed or broke (DNS, refused, reset), or the body could not be read.
    Network,
}

impl Answer {
    pub fn response(status: u16, body: impl Into<String>) -> Answer {
        Answer::Response(Response::new(status, body))
    }

    pub fn network(message: impl Into<String>) -> Answer {
        Answer::Lost(Transport { kind: TransportKind::Network, message: message.into() })
    }

    pub fn timeout(message: impl Into<String>) -> Answer {
        Answer::Lost(Transport { kind: TransportKind::Timeout, message: message.into() })
    }
}
