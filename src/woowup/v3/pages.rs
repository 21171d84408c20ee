//! Pagination, sans-I/O: pages start at 0, `limit` is at most 100, and no answer says how many
//! there are, so a list ends at the first empty or short page (as WoowUp's Magento connector
//! stops). A [`Pager`] yields the next page's request and reads each answer; [`Pager::pages`]
//! turns it into an iterator over pages for a caller who sends requests with a closure.
//!
//! ```
//! use loyalty_connector::woowup::v3::{Client, Pager};
//! let client = Client::new("key").unwrap();
//! let mut pager = Pager::branches(&client, 2).unwrap();
//! let mut answers = [r#"{"payload":[{"id":1},{"id":2}],"code":"ok","message":"","time":"1ms"}"#,
//!                    r#"{"payload":[{"id":3}],"code":"ok","message":"","time":"1ms"}"#].into_iter();
//! let pages: Vec<_> = pager.pages(|_request| Ok((200, answers.next().unwrap().to_string()))).collect::<Result<_, _>>().unwrap();
//! assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
//! ```

use super::answer::read_items;
use super::program::{AttributeOwner, CouponStatus};
use super::{check, Client};
use crate::error::Result;
use crate::http::Request;
use serde_json::Value;

type PageRequest = Box<dyn Fn(&Client, u32, u32) -> Result<Request> + Send + Sync>;

/// Walks one list endpoint page by page.
pub struct Pager {
    client: Client,
    request: PageRequest,
    page: u32,
    limit: u32,
    done: bool,
}

impl std::fmt::Debug for Pager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager").field("page", &self.page).field("limit", &self.limit).field("done", &self.done).finish()
    }
}

impl Pager {
    fn new(client: &Client, limit: u32, request: PageRequest) -> Result<Pager> {
        check::limit(limit)?;
        Ok(Pager { client: client.clone(), request, page: 0, limit, done: false })
    }

    /// `GET /users`: the account's customers.
    pub fn customers(client: &Client, limit: u32) -> Result<Pager> {
        Pager::new(client, limit, Box::new(|c, page, limit| c.list_customers(page, limit)))
    }

    /// `GET /products` with filters (`available=true`…).
    pub fn products(client: &Client, limit: u32, filters: Vec<(String, String)>) -> Result<Pager> {
        Pager::new(
            client,
            limit,
            Box::new(move |c, page, limit| {
                let filters: Vec<(&str, &str)> = filters.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                c.search_products(page, limit, &filters)
            }),
        )
    }

    /// `GET /branches`.
    pub fn branches(client: &Client, limit: u32) -> Result<Pager> {
        Pager::new(client, limit, Box::new(|c, page, limit| c.list_branches(page, limit)))
    }

    /// `GET /coupons`, newest first.
    pub fn coupons(client: &Client, limit: u32, status: Option<CouponStatus>, from: Option<String>, to: Option<String>) -> Result<Pager> {
        Pager::new(client, limit, Box::new(move |c, page, limit| c.list_coupons(status, from.as_deref(), to.as_deref(), page, limit)))
    }

    /// `GET /events`.
    pub fn events(client: &Client, limit: u32) -> Result<Pager> {
        Pager::new(client, limit, Box::new(|c, page, limit| c.list_events(page, limit)))
    }

    /// `GET /account/{kind}custom-attributes`.
    pub fn custom_attributes(client: &Client, limit: u32, owner: AttributeOwner, text: Option<String>) -> Result<Pager> {
        Pager::new(client, limit, Box::new(move |c, page, limit| c.list_custom_attributes(owner, text.as_deref(), page, limit)))
    }

    /// The page the next request asks for.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// Whether the last page has been read.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The next page's request; `None` once the list has ended.
    pub fn next_request(&self) -> Option<Result<Request>> {
        (!self.done).then(|| (self.request)(&self.client, self.page, self.limit))
    }

    /// Reads the answer to [`Pager::next_request`]: the page's items. An empty or short page
    /// ends the list. A failure leaves the pager on the same page (send it again to retry).
    pub fn feed(&mut self, status: u16, body: &str) -> Result<Vec<Value>> {
        let items = read_items(status, body)?;
        if items.len() < self.limit as usize {
            self.done = true;
        } else if let Some(next) = self.page.checked_add(1) {
            self.page = next;
        } else {
            self.done = true;
        }
        Ok(items)
    }

    /// An iterator over the pages, sending each request with `send` (which returns the status
    /// and body, or an error for a transport failure). It ends after the last page or the first
    /// error; empty pages are not yielded.
    pub fn pages<F>(&mut self, send: F) -> Pages<'_, F>
    where
        F: FnMut(&Request) -> Result<(u16, String)>,
    {
        Pages { pager: self, send, failed: false }
    }
}

/// The iterator of [`Pager::pages`].
pub struct Pages<'a, F> {
    pager: &'a mut Pager,
    send: F,
    failed: bool,
}

impl<F> Iterator for Pages<'_, F>
where
    F: FnMut(&Request) -> Result<(u16, String)>,
{
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = self.pager.next_request()?.and_then(|request| {
            let (status, body) = (self.send)(&request)?;
            self.pager.feed(status, &body)
        });
        match result {
            Ok(items) if items.is_empty() => None,
            Ok(items) => Some(Ok(items)),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_until_a_short_or_empty_one_and_stops_on_errors() {
        let client = Client::new("k").unwrap();
        let mut pager = Pager::customers(&client, 2).unwrap();
        let page = |n: usize| format!(r#"{{"payload":[{}],"message":"","code":"ok","time":"1ms"}}"#, vec!["{}"; n].join(","));
        let mut answers = vec![(200, page(2)), (200, page(2)), (200, page(0))].into_iter();
        let mut urls = Vec::new();
        let sizes: Vec<usize> = pager
            .pages(|r| {
                urls.push(r.url.clone());
                Ok(answers.next().unwrap())
            })
            .map(|p| p.unwrap().len())
            .collect();
        assert_eq!(sizes, [2, 2]);
        assert!(urls[2].ends_with("/users?page=2&limit=2"), "{urls:?}");
        assert!(pager.is_done() && pager.next_request().is_none());

        let mut pager = Pager::events(&client, 25).unwrap();
        let r: Vec<_> = pager.pages(|_| Ok((503, "upstream".to_string()))).collect();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].as_ref().unwrap_err().status(), Some(503));
        assert_eq!(pager.page(), 0);
        assert!(Pager::branches(&client, 101).is_err());
    }
}
