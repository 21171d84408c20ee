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

/// A request ready to send, byte for byte. `Debug` hides the values of credential headers
/// (`Apikey`, `Authorization`).
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// Header names and values in the order they are to be sent.
    pub headers: Vec<(String, String)>,
    /// The body, when the request has one.
    pub body: Option<String>,
}

/// Header names whose values are credentials, never printed.
const SECRET_HEADERS: [&str; 2] = ["apikey", "authorization"];

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                let secret = SECRET_HEADERS.iter().any(|s| n.eq_ignore_ascii_case(s));
                (n.as_str(), if secret { "[redacted]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credential_headers() {
        let r = Request::new(Method::Get, "https://x".into()).header("Apikey", "k3y").header("authorization", "Bearer t0k").header("Accept", "a");
        let shown = format!("{r:?}");
        assert!(!shown.contains("k3y") && !shown.contains("t0k") && shown.contains("\"Accept\", \"a\""), "{shown}");
    }
}
