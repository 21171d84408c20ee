//! The API v3 client configuration and its request shapes: `GET` with a query string written by
//! `http_build_query`, and `POST`/`PUT`/`DELETE` with a JSON body written by `json_encode`.
//! Every call carries `Authorization: Basic {api_key}` (the raw key, not base64 of
//! `user:password`) and `Accept: application/json`.

use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{http_build_query, json_encode, urlencode, Array, Value};
use crate::secret::Secret;
use crate::woowup::fields;
use base64::Engine as _;
use serde::Deserialize;

/// Where WoowUp's official clients send API v3 calls (host `https://api.woowup.com`, version
/// `apiv3`).
pub const DEFAULT_BASE_URL: &str = "https://api.woowup.com/apiv3";

const MAX_API_KEY: usize = 1024;

/// An account's API v3 key and where to send the calls. `Debug` never shows the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    api_key: Secret,
    base_url: String,
}

/// The client configuration as JSON gives it: `{"api_key": "…", "base_url": …}` (`apiKey`,
/// `baseUrl` accepted too).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    #[serde(alias = "apiKey", deserialize_with = "fields::secret")]
    pub api_key: Secret,
    #[serde(default, alias = "baseUrl")]
    pub base_url: Option<String>,
}

impl Client {
    /// A client with the account's API key (visible ASCII, no spaces), on [`DEFAULT_BASE_URL`].
    pub fn new(api_key: impl Into<Secret>) -> Result<Client> {
        let api_key = api_key.into();
        let key = api_key.expose();
        if key.is_empty() {
            return Err(LoyaltyError::missing("api_key"));
        }
        // The message never quotes the key.
        if key.len() > MAX_API_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(LoyaltyError::invalid("api_key", "must be 1 to 1024 visible ASCII characters without spaces"));
        }
        Ok(Client { api_key, base_url: DEFAULT_BASE_URL.to_string() })
    }

    /// The same client sending to another base URL (an emulator, a proxy): `http://` or
    /// `https://`, no query, fragment, spaces or control characters; a trailing `/` is dropped.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Client> {
        self.base_url = crate::http::base_url(base_url, "base_url")?;
        Ok(self)
    }

    /// A client from its configuration, validated.
    pub fn from_config(config: ClientConfig) -> Result<Client> {
        let client = Client::new(config.api_key)?;
        match config.base_url {
            Some(url) => client.with_base_url(&url),
            None => Ok(client),
        }
    }

    /// A client from its configuration as JSON text.
    pub fn from_json(text: &str) -> Result<Client> {
        Client::from_config(fields::from_json(text)?)
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base}{path}`; `path` starts with `/` and holds only encoded parts.
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + path.len());
        url.push_str(&self.base_url);
        url.push_str(path);
        url
    }

    fn request(&self, method: Method, url: String) -> Request {
        Request::new(method, url)
            .header("Authorization", format!("Basic {}", self.api_key.expose()))
            .header("Accept", "application/json")
    }

    /// `GET {path}?{http_build_query(query)}` (no `?` when there is nothing to send).
    pub(crate) fn get(&self, path: &str, query: &Array) -> Result<Request> {
        let query = http_build_query(&Value::Array(query.clone()))?;
        let mut url = self.url(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(self.request(Method::Get, url))
    }

    /// `{method} {path}` with `json_encode(body)` as an `application/json` body.
    pub(crate) fn json(&self, method: Method, path: &str, body: &Value) -> Result<Request> {
        let body = json_encode(body)?;
        Ok(self.request(method, self.url(path)).header("Content-Type", "application/json").body(body))
    }

    /// `{method} {path}?{query}` with a JSON body (`/multiusers/members`).
    pub(crate) fn json_with_query(&self, method: Method, path: &str, query: &Array, body: &Value) -> Result<Request> {
        let mut request = self.json(method, path, body)?;
        let query = http_build_query(&Value::Array(query.clone()))?;
        if !query.is_empty() {
            request.url.push('?');
            request.url.push_str(&query);
        }
        Ok(request)
    }
}

/// `base64_encode($text)`: standard alphabet, padded.
fn base64_encode(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// A customer's `service_uid` or a sku in a path: `urlencode(base64_encode($id))`, as the
/// official clients write it (`+` → `%2B`, `/` → `%2F`, `=` → `%3D`).
pub fn encode_id(id: &str) -> String {
    urlencode(&base64_encode(id))
}

/// A branch name in `PUT /branches/{name}`: `base64_encode($name)`, not URL-encoded, as the
/// official clients send it. A name whose base64 holds `/` would split the path (how the server
/// reads `%2F` there is unconfirmed), so it is refused rather than sent somewhere else.
pub fn encode_branch_name(name: &str) -> Result<String> {
    let encoded = base64_encode(name);
    if encoded.contains('/') {
        return Err(LoyaltyError::invalid(
            "name",
            "its base64 form holds '/', which WoowUp's path cannot carry; update this branch by another name",
        ));
    }
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_is_validated_and_the_key_never_shown() {
        let c = Client::new("s3cr3t-KEY").unwrap();
        assert_eq!(c.url("/purchases"), "https://api.woowup.com/apiv3/purchases");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert_eq!(Client::new("").unwrap_err().code(), "missing_field");
        let e = Client::new("bad key\r\nX: 1").unwrap_err();
        assert!(!e.to_string().contains("bad key") && e.field() == Some("api_key"));
        let c = c.with_base_url("http://127.0.0.1:8787/apiv3/").unwrap();
        assert_eq!(c.url("/stats"), "http://127.0.0.1:8787/apiv3/stats");
        for bad in ["ftp://x", "https://", "https:///x", "https://x?y", "https://x y", "api.woowup.com"] {
            assert_eq!(c.clone().with_base_url(bad).unwrap_err().field(), Some("base_url"), "{bad}");
        }
        let c = Client::from_json(r#"{"apiKey": "k", "baseUrl": "https://x.test/apiv3"}"#).unwrap();
        assert_eq!(c.base_url(), "https://x.test/apiv3");
        assert_eq!(Client::from_json(r#"{"api_key": "k", "app_id": 1}"#).unwrap_err().code(), "invalid_field");
    }

    #[test]
    fn ids_in_paths_as_the_reference_shows() {
        assert_eq!(encode_id("example@email.com"), "ZXhhbXBsZUBlbWFpbC5jb20%3D");
        assert_eq!(encode_id("SKU/1?"), "U0tVLzE%2F");
        assert_eq!(encode_branch_name("Palermo I").unwrap(), "UGFsZXJtbyBJ");
        assert_eq!(encode_branch_name("a??").unwrap_err().field(), Some("name"));
    }
}
