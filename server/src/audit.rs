//! The audit trail on a screen: supervisors and administrators read and export their
//! municipality's rows, filtered. Reading the trail is itself audited. Nothing here (or
//! anywhere in this crate) changes or removes a row.

use crate::context::Ctx;
use crate::export::{Cell, ExportFormat, Table};
use crate::storage::{AuditEvent, AuditQuery};
use app::api::ApiError;
use app::domain::audit::{AuditFilter, AuditRow, MAX_ROWS};
use app::domain::{Action, SessionUser, Target};
use std::collections::HashMap;

#[derive(Clone)]
pub struct AuditTrail {
    ctx: Ctx,
}

impl AuditTrail {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// The rows matching `filter`, newest first, with each user's name.
    pub async fn list(&self, actor: &SessionUser, filter: &AuditFilter) -> Result<Vec<AuditRow>, ApiError> {
        self.read(actor, filter, "audit.read").await
    }

    /// The same rows as CSV (UTF-8 with a byte-order mark, so spreadsheets read the letters).
    pub async fn export_csv(&self, actor: &SessionUser, filter: &AuditFilter) -> Result<Vec<u8>, ApiError> {
        let rows = self.read(actor, filter, "audit.export").await?;
        let id = |u: Option<uuid::Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
        let table = Table {
            sheet: "audit".into(),
            title: Vec::new(),
            headers: [
                "at",
                "user",
                "action",
                "entity",
                "entity_id",
                "case",
                "person",
                "device",
                "reason",
                "detail",
            ]
            .map(String::from)
            .to_vec(),
            rows: rows
                .iter()
                .map(|r| {
                    [
                        r.at.to_rfc3339(),
                        r.user_name.clone(),
                        r.action.clone(),
                        r.entity.clone(),
                        r.entity_id.clone().unwrap_or_default(),
                        id(r.case_id),
                        id(r.person_id),
                        id(r.device_id),
                        r.reason.clone().unwrap_or_default(),
                        r.detail.clone(),
                    ]
                    .map(Cell::Text)
                    .to_vec()
                })
                .collect(),
        };
        table.write(ExportFormat::Csv)
    }

    async fn read(&self, actor: &SessionUser, filter: &AuditFilter, what: &str) -> Result<Vec<AuditRow>, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ViewAuditTrail,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let (from, until) = filter.instants();
        let events = self
            .ctx
            .store
            .audit_trail(&AuditQuery {
                municipality_id: actor.municipality_id,
                case_id: filter.case_id,
                person_id: filter.person_id,
                actor_id: filter.user_id,
                action: filter.action.clone().filter(|a| !a.trim().is_empty()),
                from,
                until,
                limit: MAX_ROWS,
            })
            .await?;
        let names: HashMap<_, _> = self
            .ctx
            .store
            .users_in(actor.municipality_id)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        // Who read the trail, and what they asked for, is in the trail too.
        self.ctx
            .audit_by(
                actor,
                what,
                "audit",
                None,
                format!("{} rows; {}", events.len(), filter.query()),
            )
            .await?;
        Ok(events.into_iter().map(|e| row(e, &names)).collect())
    }
}

fn row(e: AuditEvent, names: &HashMap<uuid::Uuid, String>) -> AuditRow {
    AuditRow {
        at: e.at,
        user_id: e.actor_id,
        user_name: e.actor_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
        action: e.action,
        entity: e.entity,
        entity_id: e.entity_id,
        case_id: e.case_id,
        person_id: e.person_id,
        device_id: e.device_id,
        reason: e.reason,
        detail: e.detail,
    }
}
