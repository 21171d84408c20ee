//! What every request builder returns: the exact method, URL, headers and body to send.
//! The core performs no I/O; the caller hands this to `fetch`, curl or any HTTP client.

/// An HTTP method used by the vendors' APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request ready to send, byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// Header names and values in the order they are to be sent.
    pub headers: Vec<(String, String)>,
    /// The body, when the request has one.
    pub body: Option<String>,
}

impl Request {
    pub(crate) fn new(method: Method, url: String) -> Self {
        Request { method, url, headers: Vec::new(), body: None }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub(crate) fn body(mut self, body: String) -> Self {
        self.body = Some(body);
        self
    }

    /// The value of a header, compared case-insensitively as HTTP does.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}
