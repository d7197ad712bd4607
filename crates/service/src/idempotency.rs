//! Idempotency keys: a client (the API's `Idempotency-Key` header, the web forms' hidden
//! field) names a creation, and sending it again (a double click, a retry on a poor link)
//! answers the record made the first time instead of storing a second one. Keys are the
//! user's own: another user's key names nothing.

use homeward_store::Tx;
use homeward_store::query::idempotency;

use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use homeward_domain::problem;

/// A key as a client sends it: 1 to 128 visible ASCII characters (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<IdempotencyKey> {
        let text = text.trim();
        if text.is_empty() || text.len() > 128 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            let problem = problem!("idempotency_key_shape", "must be 1 to 128 visible ASCII characters");
            return Err(ServiceError::problem("idempotency_key", problem));
        }
        Ok(IdempotencyKey(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of what `caller` already created with `key` as `entity` (read in the creation's
/// transaction, or on its own); a key used for something else is a conflict.
pub(crate) async fn earlier(
    conn: &mut homeward_store::AnyConnection,
    caller: &Caller,
    key: Option<&IdempotencyKey>,
    entity: &str,
) -> Result<Option<String>> {
    let Some(key) = key else { return Ok(None) };
    match idempotency::find(conn, &caller.username, key.as_str()).await? {
        None => Ok(None),
        Some((kind, id)) if kind == entity => Ok(Some(id)),
        Some((kind, _)) => Err(ServiceError::Conflict(
            format!("this idempotency key was used to create a {kind}, not a {entity}"),
            None,
        )),
    }
}

/// Remembers that `key` created `id`, in the creation's transaction.
pub(crate) async fn remember(
    tx: &mut Tx,
    caller: &Caller,
    key: Option<&IdempotencyKey>,
    entity: &str,
    id: &str,
) -> Result<()> {
    let Some(key) = key else { return Ok(()) };
    if idempotency::remember(tx, &caller.username, key.as_str(), entity, id).await? {
        Ok(())
    } else {
        Err(ServiceError::Conflict("the same submission is being saved already; reload to see it".into(), None))
    }
}
