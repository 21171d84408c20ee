//! The API v2 client configuration and the four request shapes WoowUp uses: GET with a query
//! string, POST with a form body, POST with a query string and no body, POST with a JSON body.
//! Every call carries `Username: {app_id}`, `Apikey: {api_key}` and `Accept: application/json`.

use super::fields;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{http_build_query, json_encode, rawurlencode, Array, Value};
use crate::secret::Secret;
use serde::Deserialize;

/// Where WoowUp's own code sends API v2 calls.
pub const DEFAULT_BASE_URL: &str = "https://admin.woowup.com/apiv2";

const MAX_APP_ID: usize = 64;
const MAX_API_KEY: usize = 1024;

/// A program's API v2 credentials and where to send the calls. `Debug` never shows the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    app_id: String,
    api_key: Secret,
    base_url: String,
}

/// The client configuration as JSON gives it: `{"app_id": "13", "api_key": "…", "base_url": …}`
/// (`appId`, `apiKey`, `baseUrl` accepted too; `app_id` may be a number).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    #[serde(alias = "appId", deserialize_with = "fields::text_or_integer")]
    pub app_id: String,
    #[serde(alias = "apiKey", deserialize_with = "fields::secret")]
    pub api_key: Secret,
    #[serde(default, alias = "baseUrl")]
    pub base_url: Option<String>,
}

impl Client {
    /// A client for program `app_id` (the Program/Contest id of the Connect tab: letters, digits,
    /// `-`, `_`) with its API key (visible ASCII, no spaces), on [`DEFAULT_BASE_URL`].
    pub fn new(app_id: &str, api_key: impl Into<Secret>) -> Result<Client> {
        let api_key = api_key.into();
        if app_id.is_empty() {
            return Err(LoyaltyError::missing("app_id"));
        }
        if app_id.len() > MAX_APP_ID || !app_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(LoyaltyError::invalid("app_id", "must be 1 to 64 letters, digits, '-' or '_'"));
        }
        let key = api_key.expose();
        if key.is_empty() {
            return Err(LoyaltyError::missing("api_key"));
        }
        // The message never quotes the key.
        if key.len() > MAX_API_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(LoyaltyError::invalid("api_key", "must be 1 to 1024 visible ASCII characters without spaces"));
        }
        Ok(Client { app_id: app_id.to_string(), api_key, base_url: DEFAULT_BASE_URL.to_string() })
    }

    /// The same client sending to another base URL (`https://www.woowup.com/apiv2`, an emulator):
    /// `http://` or `https://`, no query, fragment, spaces or control characters; a trailing `/`
    /// is dropped.
    pub fn with_base_url(mut self, base_url: &str) -> Result<Client> {
        self.base_url = crate::http::base_url(base_url, "base_url")?;
        Ok(self)
    }

    /// A client from its configuration, validated.
    pub fn from_config(config: ClientConfig) -> Result<Client> {
        let client = Client::new(&config.app_id, config.api_key)?;
        match config.base_url {
            Some(url) => client.with_base_url(&url),
            None => Ok(client),
        }
    }

    /// A client from its configuration as JSON text.
    pub fn from_json(text: &str) -> Result<Client> {
        Client::from_config(fields::from_json(text)?)
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base}/{app_id}/{endpoint}`.
    pub fn url(&self, endpoint: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + self.app_id.len() + endpoint.len() + 2);
        url.push_str(&self.base_url);
        url.push('/');
        url.push_str(&rawurlencode(&self.app_id));
        url.push('/');
        url.push_str(endpoint);
        url
    }

    fn request(&self, method: Method, url: String) -> Request {
        Request::new(method, url)
            .header("Username", self.app_id.as_str())
            .header("Apikey", self.api_key.expose())
            .header("Accept", "application/json")
    }

    fn url_with_query(&self, endpoint: &str, query: &Array) -> Result<String> {
        let query = http_build_query(&Value::Array(query.clone()))?;
        let mut url = self.url(endpoint);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        Ok(url)
    }

    /// `GET {url}?{http_build_query(query)}` (no `?` when there is nothing to send).
    pub(crate) fn get(&self, endpoint: &str, query: &Array) -> Result<Request> {
        Ok(self.request(Method::Get, self.url_with_query(endpoint, query)?))
    }

    /// `POST {url}` with `http_build_query(form)` as an `application/x-www-form-urlencoded` body.
    pub(crate) fn post_form(&self, endpoint: &str, form: &Array) -> Result<Request> {
        let body = http_build_query(&Value::Array(form.clone()))?;
        Ok(self
            .request(Method::Post, self.url(endpoint))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body))
    }

    /// `POST {url}?{http_build_query(query)}` without a body (`save_product`).
    pub(crate) fn post_query(&self, endpoint: &str, query: &Array) -> Result<Request> {
        Ok(self.request(Method::Post, self.url_with_query(endpoint, query)?))
    }

    /// `POST {url}` with `json_encode(body)` as an `application/json` body.
    pub(crate) fn post_json(&self, endpoint: &str, body: &Value) -> Result<Request> {
        let body = json_encode(body)?;
        Ok(self.request(Method::Post, self.url(endpoint)).header("Content-Type", "application/json").body(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_is_validated_and_the_key_never_shown() {
        let c = Client::new("13", "s3cr3t-KEY").unwrap();
        assert_eq!(c.url("user_by_email"), "https://admin.woowup.com/apiv2/13/user_by_email");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert_eq!(Client::new("", "k").unwrap_err().code(), "missing_field");
        assert_eq!(Client::new("1/3", "k").unwrap_err().field(), Some("app_id"));
        assert_eq!(Client::new("13", "").unwrap_err().code(), "missing_field");
        let e = Client::new("13", "bad key\r\nX: 1").unwrap_err();
        assert!(!e.to_string().contains("bad key") && e.field() == Some("api_key"));
        let c = c.with_base_url("http://127.0.0.1:8787/apiv2/").unwrap();
        assert_eq!(c.url("x"), "http://127.0.0.1:8787/apiv2/13/x");
        for bad in ["ftp://x", "https://", "https:///x", "https://x?y", "https://x y", "admin.woowup.com"] {
            assert_eq!(c.clone().with_base_url(bad).unwrap_err().field(), Some("base_url"), "{bad}");
        }
    }

    #[test]
    fn configuration_from_json() {
        let c = Client::from_json(r#"{"appId": 13, "apiKey": "k", "baseUrl": "https://www.woowup.com/apiv2"}"#).unwrap();
        assert_eq!((c.app_id(), c.base_url()), ("13", "https://www.woowup.com/apiv2"));
        let e = Client::from_json(r#"{"app_id": "13", "api_key": "k", "apikey": "x"}"#).unwrap_err();
        assert_eq!(e.code(), "invalid_field");
        assert!(Client::from_json("[").is_err());
    }
}
