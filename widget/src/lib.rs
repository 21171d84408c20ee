//! The Lootly widget, once: the `div#lootly-widget` with its data attributes (checked, then
//! HTML-escaped as `htmlspecialchars($s, ENT_QUOTES)` does), Lootly's script URL and tag, and
//! which providers a page may load the script from. The page gets only the two MD5 values the
//! server computed (`loyalty_connector::lootly::widget_props`), never the api secret.
//!
//! Used by the core crate (`loyalty_connector::lootly::widget` re-exports it, `lootly.mountWidget`
//! mounts with [`dom`]) and compiled on its own, with feature `entry`, into the few kilobytes of
//! wasm behind `loyalty-connector/widget`. No formatting machinery (`core::fmt`) on any path:
//! strings are pushed, so the entry's module carries none.
#![cfg_attr(all(feature = "entry", target_arch = "wasm32"), no_std)]

extern crate alloc;

use alloc::borrow::Cow;
use alloc::string::String;

#[cfg(all(feature = "dom", target_arch = "wasm32"))]
pub mod dom;
#[cfg(all(feature = "entry", target_arch = "wasm32"))]
mod entry;

/// Lootly's own host.
pub const DEFAULT_PROVIDER: &str = "https://lootly.io";
/// Lootly's script finds the widget by this id.
pub const WIDGET_ID: &str = "lootly-widget";
/// The div's opening, before its data attributes.
const DIV_OPEN: &str = r#"<div id="lootly-widget" class="lootly-init" style="display: none""#;
/// The order of the guide's data attributes.
const ATTRIBUTE_NAMES: [&str; 6] =
    ["data-provider", "data-api-key", "data-shop-domain", "data-shop-id", "data-customer-id", "data-customer-signature"];

/// The widget's values, borrowed (the core's `WidgetProps` and the entry's props both lend them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Props<'a> {
    pub api_key: &'a str,
    /// The shop domain exactly as registered with Lootly.
    pub shop_domain: &'a str,
    /// `md5(shop_domain . api_secret)`.
    pub shop_id: &'a str,
    /// Both absent or empty (logged out) or both present (logged in).
    pub customer_id: Option<&'a str>,
    pub customer_signature: Option<&'a str>,
    /// `https://lootly.io` unless given.
    pub provider: Option<&'a str>,
}

/// Why props are refused, named by the JavaScript field; the core turns it into its `LoyaltyError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The field is absent or empty.
    Missing(&'static str),
    /// The field's value is refused, and why.
    Invalid(&'static str, Cow<'static, str>),
}

impl<'a> Props<'a> {
    /// The data attributes in the order of Lootly's guide, after checking the props.
    pub fn attributes(&self) -> Result<[(&'static str, &'a str); 6], Problem> {
        for (field, value) in [("apiKey", self.api_key), ("shopDomain", self.shop_domain), ("shopId", self.shop_id)] {
            if value.is_empty() {
                return Err(Problem::Missing(field));
            }
        }
        let customer_id = self.customer_id.unwrap_or("");
        let signature = self.customer_signature.unwrap_or("");
        if customer_id.is_empty() != signature.is_empty() {
            return Err(Problem::Invalid(
                if customer_id.is_empty() { "customerId" } else { "customerSignature" },
                Cow::Borrowed("customerId and customerSignature go together (both empty when logged out)"),
            ));
        }
        let [provider, api_key, shop_domain, shop_id, customer, signed] = ATTRIBUTE_NAMES;
        Ok([
            (provider, self.provider.unwrap_or(DEFAULT_PROVIDER)),
            (api_key, self.api_key),
            (shop_domain, self.shop_domain),
            (shop_id, self.shop_id),
            (customer, customer_id),
            (signed, signature),
        ])
    }

    /// The URL of Lootly's script on this provider, which must be an http(s) origin: a page
    /// loads a script from it.
    pub fn checked_script_url(&self) -> Result<String, Problem> {
        let provider = self.provider.unwrap_or(DEFAULT_PROVIDER);
        if provider.starts_with("https://") || provider.starts_with("http://") {
            Ok(script_url(provider))
        } else {
            Err(Problem::Invalid("provider", Cow::Borrowed("must be an http(s) URL")))
        }
    }
}

/// The widget div, every attribute value HTML-escaped; logged out when there is no customer.
pub fn widget_html(props: &Props) -> Result<String, Problem> {
    let attributes = props.attributes()?;
    let mut html = String::with_capacity(DIV_OPEN.len() + 160);
    html.push_str(DIV_OPEN);
    for (name, value) in attributes {
        html.push('\n');
        html.push_str(name);
        html.push_str("=\"");
        push_escaped(&mut html, value);
        html.push('"');
    }
    html.push_str(">\n</div>");
    Ok(html)
}

/// The script tag for the page's head.
pub fn script_tag(provider: Option<&str>) -> String {
    let mut tag = String::from(r#"<script type="text/javascript" src=""#);
    push_escaped(&mut tag, &script_url(provider.unwrap_or(DEFAULT_PROVIDER)));
    tag.push_str(r#""></script>"#);
    tag
}

/// The URL of Lootly's widget script on a provider.
pub fn script_url(provider: &str) -> String {
    let mut url = String::from(provider.trim_end_matches('/'));
    url.push_str("/js/integrations/common/script.js");
    url
}

/// `htmlspecialchars($s, ENT_QUOTES)`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// The parts one after the other (`concat` would bring slice panics and their formatting).
#[cfg_attr(not(all(feature = "dom", target_arch = "wasm32")), allow(dead_code))]
pub(crate) fn join(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#039;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROPS: Props = Props {
        api_key: "key",
        shop_domain: "https://a.b/?x=1&y='2'",
        shop_id: "0123",
        customer_id: None,
        customer_signature: None,
        provider: None,
    };

    #[test]
    fn the_div_in_the_guides_order_escaped() {
        assert_eq!(
            widget_html(&Props { api_key: "\"><script>", ..PROPS }).unwrap(),
            "<div id=\"lootly-widget\" class=\"lootly-init\" style=\"display: none\"\ndata-provider=\"https://lootly.io\"\n\
             data-api-key=\"&quot;&gt;&lt;script&gt;\"\ndata-shop-domain=\"https://a.b/?x=1&amp;y=&#039;2&#039;\"\n\
             data-shop-id=\"0123\"\ndata-customer-id=\"\"\ndata-customer-signature=\"\">\n</div>"
        );
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(widget_html(&Props { shop_id: "", ..PROPS }), Err(Problem::Missing("shopId")));
        let lone_id = Props { customer_id: Some("1"), ..PROPS };
        assert!(matches!(widget_html(&lone_id), Err(Problem::Invalid("customerSignature", _))));
        let lone_signature = Props { customer_id: Some(""), customer_signature: Some("s"), ..PROPS };
        assert!(matches!(widget_html(&lone_signature), Err(Problem::Invalid("customerId", _))));
        let script = Props { provider: Some("javascript:alert(1)//"), ..PROPS };
        assert!(matches!(script.checked_script_url(), Err(Problem::Invalid("provider", _))));
        let local = Props { provider: Some("http://127.0.0.1:9/"), ..PROPS };
        assert_eq!(local.checked_script_url().unwrap(), "http://127.0.0.1:9/js/integrations/common/script.js");
    }

    #[test]
    fn the_script_tag_is_lootlys() {
        assert_eq!(script_tag(None), r#"<script type="text/javascript" src="https://lootly.io/js/integrations/common/script.js"></script>"#);
        assert_eq!(script_tag(Some("https://x/?a&b")), r#"<script type="text/javascript" src="https://x/?a&amp;b/js/integrations/common/script.js"></script>"#);
    }
}
