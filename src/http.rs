//! What every request builder returns: the exact method, URL, headers and body to send.
//! The core performs no I/O; the caller hands this to `fetch`, curl or any HTTP client.

use crate::error::{LoyaltyError, Result};

/// The longest base URL a client takes.
const MAX_BASE_URL: usize = 2048;

/// A base URL another server is reached at (an emulator, a proxy): `http://` or `https://`, no
/// query, fragment, spaces or control characters, at most 2048 bytes; a trailing `/` is dropped.
/// `field` names it in the error. The one check every client and the binding use.
pub fn base_url(url: &str, field: &str) -> Result<String> {
    let trimmed = url.trim_end_matches('/');
    let host = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
    let ok = host.is_some_and(|h| !h.is_empty() && !h.starts_with('/'))
        && trimmed.len() <= MAX_BASE_URL
        && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#');
    if !ok {
        return Err(LoyaltyError::invalid(field, "must be an http(s) URL without query or fragment"));
    }
    Ok(trimmed.to_string())
}

/// An HTTP method used by the vendors' APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    /// WoowUp API v3's updates.
    Put,
    /// WoowUp API v3's deletions (categories), with a JSON body.
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A request ready to send, byte for byte. `Debug` hides the values of credential headers
/// (`Apikey`, `Authorization`) and of password fields in the body (`pass`, `password`).
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
            .field("body", &self.shown_body())
            .finish()
    }
}

/// Body fields whose values are passwords, never printed (names compared case-insensitively).
const SECRET_FIELDS: [&str; 2] = ["pass", "password"];

fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// A form body (`name=value&…`) with the values of secret fields redacted.
fn redact_form(body: &str) -> String {
    let pairs = body.split('&').map(|pair| match pair.split_once('=') {
        Some((name, _)) if is_secret_field(name) => format!("{name}=[redacted]"),
        _ => pair.to_string(),
    });
    pairs.collect::<Vec<_>>().join("&")
}

/// JSON text with the string values of secret members redacted. It steps from string to string,
/// so a `"pass"` inside a string value is never taken for a member name.
fn redact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, string)) = rest.split_once('"') {
        let Some((name, after)) = json_string(string) else { break };
        out.push_str(before);
        out.push('"');
        out.push_str(name);
        out.push('"');
        rest = after;
        if !is_secret_field(name) {
            continue;
        }
        let Some(value) = after.trim_start().strip_prefix(':').map(str::trim_start) else { continue };
        let Some((_, after_value)) = value.strip_prefix('"').and_then(json_string) else { continue };
        out.push_str(after.get(..after.len() - value.len()).unwrap_or_default()); // the colon and spaces
        out.push_str("\"[redacted]\"");
        rest = after_value;
    }
    out.push_str(rest);
    out
}

/// The text after a JSON string's opening quote, split into the string's content and what follows
/// its closing quote; `None` when it is not closed.
fn json_string(s: &str) -> Option<(&str, &str)> {
    let mut escaped = false;
    let end = s.bytes().position(|b| {
        let end = b == b'"' && !escaped;
        escaped = b == b'\\' && !escaped;
        end
    })?;
    Some((s.get(..end)?, s.get(end + 1..)?))
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

    /// The body as `Debug` shows it: the values of [`SECRET_FIELDS`] redacted, as JSON members
    /// when the `Content-Type` says JSON, as form fields otherwise.
    fn shown_body(&self) -> Option<String> {
        let body = self.body.as_deref()?;
        let json = self.header_value("content-type").is_some_and(|t| t.contains("json"));
        Some(if json { redact_json(body) } else { redact_form(body) })
    }

    /// The value of a header, compared case-insensitively as HTTP does.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_base_url_rule() {
        assert_eq!(base_url("http://127.0.0.1:8790/apiv2/", "base_url").unwrap(), "http://127.0.0.1:8790/apiv2");
        assert_eq!(base_url("https://api.woowup.com", "apiUrl").unwrap(), "https://api.woowup.com");
        for bad in ["ftp://x", "https://", "https:///x", "https://a b", "https://x?q=1", "https://x#f", "x.com", "https://x\n"] {
            let e = base_url(bad, "apiUrl").unwrap_err();
            assert_eq!((e.code(), e.field()), ("invalid_field", Some("apiUrl")), "{bad:?}");
        }
        assert!(base_url(&format!("https://x/{}", "a".repeat(2048)), "u").is_err());
    }

    use super::*;

    #[test]
    fn debug_hides_credential_headers() {
        let r = Request::new(Method::Get, "https://x".into()).header("Apikey", "k3y").header("authorization", "Bearer t0k").header("Accept", "a");
        let shown = format!("{r:?}");
        assert!(!shown.contains("k3y") && !shown.contains("t0k") && shown.contains("\"Accept\", \"a\""), "{shown}");
    }

    #[test]
    fn debug_hides_passwords_in_the_body() {
        let shown = |r: Request| format!("{r:?}");
        let form = Request::new(Method::Post, "https://x".into())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("uid=ana&pass=hunter2&email=a%40b.c&PASSWORD=s3cr3t&passes=1".into());
        let s = shown(form);
        assert!(s.contains(r#"body: Some("uid=ana&pass=[redacted]&email=a%40b.c&PASSWORD=[redacted]&passes=1")"#), "{s}");
        let json = Request::new(Method::Post, "https://x".into())
            .header("Content-Type", "application/json")
            .body(r#"{"user":{"pass":"hun\"ter2","name":"pass"},"password" : "s3cr3t","note":"a&pass=x \"pass\":\"y\""}"#.into());
        let s = shown(json);
        assert!(!s.contains("ter2") && !s.contains("s3cr3t"), "{s}");
        assert!(s.contains(r#"{\"user\":{\"pass\":\"[redacted]\",\"name\":\"pass\"},\"password\" : \"[redacted]\",\"note\":\"a&pass=x \\\"pass\\\":\\\"y\\\"\"}"#), "{s}");
        let plain = Request::new(Method::Post, "https://x".into()).body("a=1&b=2".into());
        assert!(shown(plain).contains(r#"body: Some("a=1&b=2")"#));
    }
}
