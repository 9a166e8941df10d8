//! What every use case works over: the store, the clock and the audit trail, and the one place
//! a permission is checked ([`Ctx::require`]).

use crate::storage::{AuditEvent, Storage, StorageError};
use app::api::ApiError;
use app::domain::{Action, SessionUser, Target};
use chrono::{DateTime, SubsecRound, Utc};
use std::sync::Arc;
use uuid::Uuid;

/// How often a write is re-read and retried when another writer changed the record meanwhile.
pub const RACE_RETRIES: usize = 5;

#[derive(Clone)]
pub struct Ctx {
    pub store: Arc<dyn Storage>,
}

/// A storage failure is the server's fault: logged here, answered as "internal" without detail.
impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        // A database too busy to answer now is "try again", never a failure that loses work.
        if e.is_busy() {
            tracing::warn!(error = %e, "storage busy");
            return ApiError::Busy;
        }
        tracing::error!(error = %e, "storage failed");
        ApiError::Internal
    }
}

impl Ctx {
    pub fn new(store: Arc<dyn Storage>) -> Self {
        Self { store }
    }

    /// Now, as stored: PostgreSQL keeps microseconds, so a value reads back equal on both databases.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }

    /// An audit row by `actor` (or by the clock, for `None`) in the actor's municipality.
    pub fn event(
        &self,
        actor: Option<&SessionUser>,
        municipality_id: Option<Uuid>,
        action: &str,
        entity: &str,
        entity_id: Option<String>,
        detail: String,
    ) -> AuditEvent {
        // Every action has its name on the audit screen: a new one is added to the list first.
        debug_assert!(
            app::domain::audit::is_known_action(action),
            "audit action {action} is not in app::domain::audit::ACTIONS"
        );
        AuditEvent {
            id: Uuid::now_v7(),
            at: self.now(),
            actor_id: actor.map(|a| a.id),
            municipality_id: municipality_id.or(actor.map(|a| a.municipality_id)),
            action: action.into(),
            entity: entity.into(),
            entity_id,
            detail,
            ..Default::default()
        }
    }

    /// Writes an audit row that goes with no stored write (a read, a refusal, a sign-in). The
    /// one policy: when the row cannot be written, the request fails and nothing is answered.
    pub async fn audit(&self, event: AuditEvent) -> Result<(), ApiError> {
        Ok(self.store.append_audit(&event).await?)
    }

    /// Writes several audit rows that go with no stored write, all or none (see [`Ctx::audit`]).
    pub async fn audit_all(&self, events: &[AuditEvent]) -> Result<(), ApiError> {
        if events.is_empty() {
            return Ok(());
        }
        Ok(self.store.append_audits(events).await?)
    }

    /// Writes an audit row by `actor` in their municipality (see [`Ctx::audit`]).
    pub async fn audit_by(
        &self,
        actor: &SessionUser,
        action: &str,
        entity: &str,
        entity_id: Option<String>,
        detail: String,
    ) -> Result<(), ApiError> {
        self.audit(self.event(Some(actor), None, action, entity, entity_id, detail))
            .await
    }

    /// A read of case data by `actor`, audited the same way everywhere: one row per answer that
    /// held any (`count` things read), none for an empty answer.
    pub async fn audit_read(
        &self,
        actor: &SessionUser,
        action: &str,
        entity: &str,
        count: usize,
        detail: String,
    ) -> Result<(), ApiError> {
        if count == 0 {
            return Ok(());
        }
        self.audit_by(actor, action, entity, None, detail).await
    }

    /// The permission table's verdict ([`app::domain::access::require`]); a refusal is logged
    /// and audited as `refused.<action>` before it is answered.
    pub async fn require(&self, actor: &SessionUser, action: Action, target: Target) -> Result<(), ApiError> {
        match app::domain::access::require(actor, action, target) {
            Ok(()) => Ok(()),
            Err(refusal) => {
                tracing::warn!(user = %actor.id, ?action, ?refusal, "refused");
                let detail = format!("{refusal}: {target:?}");
                let what = format!("refused.{}", action.as_str());
                self.audit_by(actor, &what, "permission", None, detail).await?;
                Err(refusal.into())
            }
        }
    }
}
