//! The Lootly widget: the head script tag and the `div#lootly-widget` with its data attributes.
//! The page gets only the two MD5 values, never the api secret.

use super::{customer_signature, shop_id};
use crate::error::{LoyaltyError, Result};
use serde::{Deserialize, Serialize};

/// Lootly's own host.
pub const DEFAULT_PROVIDER: &str = "https://lootly.io";

/// What the widget div carries. Compute it on the server with [`widget_props`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WidgetProps {
    pub api_key: String,
    /// The shop domain exactly as registered with Lootly.
    pub shop_domain: String,
    /// `md5(shop_domain . api_secret)`.
    pub shop_id: String,
    /// Both absent (logged out) or both present (logged in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_signature: Option<String>,
    /// `https://lootly.io` unless given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

/// Computes the widget's values on the server, where the secret lives: the shop id and, for a
/// logged-in customer, the customer signature.
pub fn widget_props(api_key: &str, api_secret: &str, shop_domain: &str, customer_id: Option<&str>) -> WidgetProps {
    let customer_id = customer_id.filter(|id| !id.is_empty());
    WidgetProps {
        api_key: api_key.to_string(),
        shop_domain: shop_domain.to_string(),
        shop_id: shop_id(shop_domain, api_secret),
        customer_id: customer_id.map(str::to_string),
        customer_signature: customer_id.map(|id| customer_signature(id, api_secret)),
        provider: None,
    }
}

impl WidgetProps {
    /// The attributes in the order of Lootly's guide, after checking the props.
    pub fn data_attributes(&self) -> Result<[(&'static str, &str); 6]> {
        for (field, value) in [("apiKey", &self.api_key), ("shopDomain", &self.shop_domain), ("shopId", &self.shop_id)] {
            if value.is_empty() {
                return Err(LoyaltyError::missing(field));
            }
        }
        let customer_id = self.customer_id.as_deref().unwrap_or("");
        let signature = self.customer_signature.as_deref().unwrap_or("");
        if customer_id.is_empty() != signature.is_empty() {
            return Err(LoyaltyError::invalid(
                if customer_id.is_empty() { "customerId" } else { "customerSignature" },
                "customerId and customerSignature go together (both empty when logged out)",
            ));
        }
        Ok([
            ("data-provider", self.provider.as_deref().unwrap_or(DEFAULT_PROVIDER)),
            ("data-api-key", &self.api_key),
            ("data-shop-domain", &self.shop_domain),
            ("data-shop-id", &self.shop_id),
            ("data-customer-id", customer_id),
            ("data-customer-signature", signature),
        ])
    }
}

/// The widget div, every attribute value HTML-escaped; logged out when there is no customer.
pub fn widget_html(props: &WidgetProps) -> Result<String> {
    let mut html = String::from(r#"<div id="lootly-widget" class="lootly-init" style="display: none""#);
    for (name, value) in props.data_attributes()? {
        html.push('\n');
        html.push_str(name);
        html.push_str("=\"");
        html.push_str(&escape_html(value));
        html.push('"');
    }
    html.push_str(">\n</div>");
    Ok(html)
}

/// The script tag for the page's head.
pub fn script_tag(provider: Option<&str>) -> String {
    format!(
        r#"<script type="text/javascript" src="{}"></script>"#,
        escape_html(&script_url(provider.unwrap_or(DEFAULT_PROVIDER)))
    )
}

/// The URL of Lootly's widget script on a provider.
pub fn script_url(provider: &str) -> String {
    format!("{}/js/integrations/common/script.js", provider.trim_end_matches('/'))
}

/// `htmlspecialchars($s, ENT_QUOTES)`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_out_and_logged_in() {
        let out = widget_html(&widget_props("key", "secret", "https://shop.com", None)).unwrap();
        assert!(out.contains("data-customer-id=\"\"\ndata-customer-signature=\"\">"));
        let props = widget_props("key", "secret", "https://shop.com", Some("42"));
        let html = widget_html(&props).unwrap();
        assert!(html.contains(&format!("data-customer-signature=\"{}\"", customer_signature("42", "secret"))));
        assert!(!html.contains("secret"));
    }

    #[test]
    fn attribute_values_cannot_break_out() {
        let mut props = widget_props("\"><script>alert(1)</script>", "s", "https://a.b/?x=1&y='2'", None);
        props.provider = Some("https://lootly.io".into());
        let html = widget_html(&props).unwrap();
        assert!(html.contains("data-api-key=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
        assert!(html.contains("data-shop-domain=\"https://a.b/?x=1&amp;y=&#039;2&#039;\""));
        props.customer_id = Some("1".into());
        assert_eq!(widget_html(&props).unwrap_err().field(), Some("customerSignature"));
    }

    #[test]
    fn the_script_tag_is_lootlys() {
        assert_eq!(script_tag(None), r#"<script type="text/javascript" src="https://lootly.io/js/integrations/common/script.js"></script>"#);
    }
}
