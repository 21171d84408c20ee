//! Users and registration: `user_by_email`, `user_by_uid`, `is_user`, `top_users_by_points`,
//! `register_user_classic`, `initialize_user`.
//!
//! Names travel by name (`first_name`, `last_name`), never by position: WoowUp's own connector
//! samples swap them when they call `initialize_user` positionally.

use super::fields::text_or_integer;
use super::validate;
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{Array, Value};
use crate::secret::Secret;
use serde::de::{self, Deserializer};
use serde::Deserialize;

/// How a user registered, as `is_user` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserService {
    /// `1`: Facebook.
    Facebook,
    /// `2`: WoowUp's classic registration (email or another id).
    Classic,
}

impl UserService {
    pub fn code(self) -> i64 {
        match self {
            UserService::Facebook => 1,
            UserService::Classic => 2,
        }
    }
}

/// Read from WoowUp's number (`1`, `2`) or from `"facebook"` / `"classic"`.
impl<'de> Deserialize<'de> for UserService {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) if n.as_i64() == Some(1) => Ok(UserService::Facebook),
            serde_json::Value::Number(n) if n.as_i64() == Some(2) => Ok(UserService::Classic),
            serde_json::Value::String(s) if s == "facebook" || s == "1" => Ok(UserService::Facebook),
            serde_json::Value::String(s) if s == "classic" || s == "2" => Ok(UserService::Classic),
            _ => Err(de::Error::custom("service must be 1 (Facebook) or 2 (classic)")),
        }
    }
}

/// `is_user`'s parameters.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsUser {
    pub service: UserService,
    #[serde(deserialize_with = "text_or_integer")]
    pub service_uid: String,
}

/// `register_user_classic`'s parameters. `Debug` hides the password.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterUserClassic {
    /// The user id: the email by default, or the id field the program is configured with
    /// (internal id, phone, CPF/DNI/RUT/SSN).
    #[serde(deserialize_with = "text_or_integer")]
    pub uid: String,
    /// The password to log into the program.
    #[serde(deserialize_with = "super::fields::secret")]
    pub pass: Secret,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// `initialize_user`'s parameters: a user who can earn points before completing registration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitializeUser {
    #[serde(deserialize_with = "text_or_integer")]
    pub uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// The most users `top_users_by_points` returns.
pub const MAX_TOP_USERS: u32 = 100;

impl Client {
    /// `GET /user_by_email?email=…`.
    pub fn user_by_email(&self, email: &str) -> Result<Request> {
        validate::email("email", email)?;
        self.get("user_by_email", &Array::from_pairs([("email", Value::str(email))]))
    }

    /// `GET /user_by_uid?uid=…`.
    pub fn user_by_uid(&self, uid: &str) -> Result<Request> {
        validate::required("uid", uid)?;
        self.get("user_by_uid", &Array::from_pairs([("uid", Value::str(uid))]))
    }

    /// `GET /is_user?service=1|2&service_uid=…`.
    pub fn is_user(&self, params: &IsUser) -> Result<Request> {
        validate::required("service_uid", &params.service_uid)?;
        let query = Array::from_pairs([
            ("service", Value::Int(params.service.code())),
            ("service_uid", Value::str(&params.service_uid)),
        ]);
        self.get("is_user", &query)
    }

    /// `GET /top_users_by_points[?limit=N]`: `limit` from 1 to 100; WoowUp's default is 10.
    pub fn top_users_by_points(&self, limit: Option<u32>) -> Result<Request> {
        let mut query = Array::new();
        if let Some(limit) = limit {
            if limit == 0 || limit > MAX_TOP_USERS {
                return Err(LoyaltyError::invalid("limit", format!("must be from 1 to {MAX_TOP_USERS}")));
            }
            query.set("limit", Value::Int(i64::from(limit)));
        }
        self.get("top_users_by_points", &query)
    }

    /// `POST /register_user_classic` with `uid, pass, email, first_name, last_name`.
    pub fn register_user_classic(&self, user: &RegisterUserClassic) -> Result<Request> {
        validate::required("uid", &user.uid)?;
        validate::required("pass", user.pass.expose())?; // errors never quote the value
        validate::email("email", &user.email)?;
        validate::required("first_name", &user.first_name)?;
        validate::required("last_name", &user.last_name)?;
        let form = Array::from_pairs([
            ("uid", Value::str(&user.uid)),
            ("pass", Value::str(user.pass.expose())),
            ("email", Value::str(&user.email)),
            ("first_name", Value::str(&user.first_name)),
            ("last_name", Value::str(&user.last_name)),
        ]);
        self.post_form("register_user_classic", &form)
    }

    /// `POST /initialize_user` with `uid, email, first_name, last_name`.
    pub fn initialize_user(&self, user: &InitializeUser) -> Result<Request> {
        validate::required("uid", &user.uid)?;
        validate::email("email", &user.email)?;
        validate::required("first_name", &user.first_name)?;
        validate::required("last_name", &user.last_name)?;
        let form = Array::from_pairs([
            ("uid", Value::str(&user.uid)),
            ("email", Value::str(&user.email)),
            ("first_name", Value::str(&user.first_name)),
            ("last_name", Value::str(&user.last_name)),
        ]);
        self.post_form("initialize_user", &form)
    }
}
