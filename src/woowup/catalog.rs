//! Products and categories: `save_product` (its fields in the query string of a POST without a
//! body, as the reference shows) and `save_category_tree` (a JSON body).

use crate::decimal::Decimal;
use super::fields::{opt_text_or_integer, text_or_integer};
use super::validate;
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{Array, Value};
use serde::Deserialize;
use std::collections::HashSet;

/// `save_product`'s parameters: creates the product, or updates it when `code` exists.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveProduct {
    #[serde(deserialize_with = "text_or_integer")]
    pub code: String,
    pub name: String,
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub category_id: Option<String>,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    /// The product's page in the shop.
    #[serde(default)]
    pub url: Option<String>,
    /// The production cost (`125.50`), written as decimal text.
    #[serde(default)]
    pub cost: Option<Decimal>,
}

/// A category id: an integer (`1`) or text, written back as given.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(untagged)]
pub enum CategoryId {
    Int(i64),
    Text(String),
}

impl CategoryId {
    /// The id as PHP compares array keys: `1` and `"1"` are the same category.
    fn key(&self) -> String {
        match self {
            CategoryId::Int(i) => i.to_string(),
            CategoryId::Text(s) => s.clone(),
        }
    }

    fn to_php(&self) -> Value {
        match self {
            CategoryId::Int(i) => Value::Int(*i),
            CategoryId::Text(s) => Value::str(s),
        }
    }
}

/// A node of the category tree. `children: None` is written as `null`, as in the reference.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    #[serde(default)]
    pub children: Option<Vec<Category>>,
}

/// The deepest category tree accepted.
pub const MAX_CATEGORY_DEPTH: usize = 64;
/// The most categories in one tree.
pub const MAX_CATEGORIES: usize = 100_000;

struct TreeCheck {
    seen: HashSet<String>,
    ancestors: Vec<String>,
    count: usize,
}

impl TreeCheck {
    /// Validates `nodes` (at `path`) and returns them as PHP values: ids unique across the tree,
    /// no category inside itself, names present, bounded depth and size.
    fn list(&mut self, nodes: &[Category], path: &str) -> Result<Value> {
        if self.ancestors.len() >= MAX_CATEGORY_DEPTH {
            return Err(LoyaltyError::invalid(path, format!("categories nested deeper than {MAX_CATEGORY_DEPTH} levels")));
        }
        let mut out = Vec::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            let here = format!("{path}[{i}]");
            self.count += 1;
            if self.count > MAX_CATEGORIES {
                return Err(LoyaltyError::invalid("categories", format!("more than {MAX_CATEGORIES} categories")));
            }
            let key = node.id.key();
            validate::required(&format!("{here}.id"), &key)?;
            validate::required(&format!("{here}.name"), &node.name)?;
            if self.ancestors.contains(&key) {
                return Err(LoyaltyError::invalid(format!("{here}.id"), format!("category {key:?} is inside itself (a cycle)")));
            }
            if !self.seen.insert(key.clone()) {
                return Err(LoyaltyError::Duplicate { field: format!("{here}.id"), value: key });
            }
            let children = match &node.children {
                None => Value::Null,
                Some(children) => {
                    self.ancestors.push(key);
                    let list = self.list(children, &format!("{here}.children"))?;
                    self.ancestors.pop();
                    list
                }
            };
            out.push(Value::Array(Array::from_pairs([
                ("id", node.id.to_php()),
                ("name", Value::str(&node.name)),
                ("children", children),
            ])));
        }
        Ok(Value::Array(Array::list(out)))
    }
}

/// The category tree as the PHP value `save_category_tree` sends, validated.
pub fn category_tree(categories: &[Category]) -> Result<Value> {
    if categories.is_empty() {
        return Err(LoyaltyError::missing("categories"));
    }
    TreeCheck { seen: HashSet::new(), ancestors: Vec::new(), count: 0 }.list(categories, "categories")
}

impl Client {
    /// `POST /save_product?code=…&name=…[&category_id=…][&thumbnail_url=…][&image_url=…][&url=…][&cost=…]`
    /// without a body.
    pub fn save_product(&self, product: &SaveProduct) -> Result<Request> {
        validate::required("code", &product.code)?;
        validate::required("name", &product.name)?;
        let mut query = Array::from_pairs([("code", Value::str(&product.code)), ("name", Value::str(&product.name))]);
        for (field, value) in [
            ("category_id", &product.category_id),
            ("thumbnail_url", &product.thumbnail_url),
            ("image_url", &product.image_url),
            ("url", &product.url),
        ] {
            validate::optional(field, value.as_deref())?;
            if let Some(value) = value {
                query.set(field, Value::str(value));
            }
        }
        if let Some(cost) = product.cost {
            if cost.is_negative() {
                return Err(LoyaltyError::invalid("cost", "must not be negative"));
            }
            query.set("cost", Value::Str(cost.to_string()));
        }
        self.post_query("save_product", &query)
    }

    /// `POST /save_category_tree` with the tree as a JSON body; missing categories are created.
    pub fn save_category_tree(&self, categories: &[Category]) -> Result<Request> {
        self.post_json("save_category_tree", &category_tree(categories)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, children: Option<Vec<Category>>) -> Category {
        Category { id: CategoryId::Int(id), name: format!("c{id}"), children }
    }

    #[test]
    fn trees_are_checked() {
        let ok = vec![node(1, Some(vec![node(2, None), node(3, Some(vec![]))])), node(4, None)];
        assert!(category_tree(&ok).is_ok());
        let cycle = vec![node(1, Some(vec![node(2, Some(vec![node(1, None)]))]))];
        let e = category_tree(&cycle).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_field", Some("categories[0].children[0].children[0].id")));
        let dup = vec![node(1, Some(vec![node(2, None)])), node(2, None)];
        let e = category_tree(&dup).unwrap_err();
        assert_eq!((e.code(), e.field()), ("duplicate", Some("categories[1].id")));
        let mixed = vec![node(7, None), Category { id: CategoryId::Text("7".into()), name: "x".into(), children: None }];
        assert_eq!(category_tree(&mixed).unwrap_err().code(), "duplicate");
        assert_eq!(category_tree(&[]).unwrap_err().code(), "missing_field");
        let mut deep = node(0, None);
        for i in 1..200 {
            deep = node(i, Some(vec![deep]));
        }
        assert_eq!(category_tree(&[deep]).unwrap_err().code(), "invalid_field");
    }
}
