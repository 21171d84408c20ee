//! The Lootly widget: the head script tag and the `div#lootly-widget` with its data attributes.
//! The page gets only the two MD5 values, never the api secret. The rule itself (checks, HTML,
//! escaping, script URL) is the widget crate's (widget/), shared with `loyalty-connector/widget`'s
//! own wasm; this module adds the typed props and computes them where the secret lives.

use super::{customer_signature, shop_id};
use crate::error::{LoyaltyError, Result};
use loyalty_connector_widget as widget;
use serde::{Deserialize, Serialize};

pub use widget::{escape_html, script_tag, script_url, DEFAULT_PROVIDER};

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
    /// The props as the widget crate takes them.
    pub fn lend(&self) -> widget::Props<'_> {
        widget::Props {
            api_key: &self.api_key,
            shop_domain: &self.shop_domain,
            shop_id: &self.shop_id,
            customer_id: self.customer_id.as_deref(),
            customer_signature: self.customer_signature.as_deref(),
            provider: self.provider.as_deref(),
        }
    }

    /// The attributes in the order of Lootly's guide, after checking the props.
    pub fn data_attributes(&self) -> Result<[(&'static str, &str); 6]> {
        Ok(self.lend().attributes()?)
    }
}

/// The widget div, every attribute value HTML-escaped; logged out when there is no customer.
pub fn widget_html(props: &WidgetProps) -> Result<String> {
    Ok(widget::widget_html(&props.lend())?)
}

impl From<widget::Problem> for LoyaltyError {
    fn from(problem: widget::Problem) -> Self {
        match problem {
            widget::Problem::Missing(field) => LoyaltyError::missing(field),
            widget::Problem::Invalid(field, reason) => LoyaltyError::invalid(field, reason),
        }
    }
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
