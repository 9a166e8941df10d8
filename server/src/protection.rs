//! Protecting victims on the server: a case's restriction kept current as categories are noted
//! or ended, a supervisor's mark or lift with its reason, and who is told what of a restricted
//! case. The rule itself is [`app::domain::protection`].

use crate::context::{Ctx, RACE_RETRIES};
use crate::records::{case_target, office_edit, typed};
use crate::storage::{CommitResult, StoredRecord};
use app::api::ApiError;
use app::domain::protection::{self, RestrictionChange};
use app::domain::record::{Case, Vulnerability};
use app::domain::{Action, Fields, RecordKind, SessionUser};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// The categories noted for the people of a case, as the rule reads them.
pub fn categories_of<'a>(records: impl IntoIterator<Item = &'a StoredRecord>) -> Vec<(Uuid, Vulnerability)> {
    records
        .into_iter()
        .filter(|r| r.kind == RecordKind::Vulnerability)
        .filter_map(|r| typed::<Vulnerability>(r).ok().map(|v| (r.id, v)))
        .collect()
}

/// A category is noted by whoever sends it: the server writes the author, whatever the phone
/// wrote for its own display.
pub fn stamp_author(record: &mut StoredRecord, actor: &SessionUser) {
    if record.kind == RecordKind::Vulnerability {
        record.fields.insert("set_by".into(), json!(actor.id));
        record.fields.insert("set_by_name".into(), json!(actor.display_name));
    }
}

/// The case record rewritten with its new flag, the version it must still have, and the flag.
pub type Restriction = ((StoredRecord, i64), bool);

/// When writing `record` (a category) changes whether its case is restricted: the case record
/// rewritten with the new flag (and the version it must still have), and the new flag.
pub fn restriction_after(
    record: &StoredRecord,
    case_records: &[StoredRecord],
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<Restriction>, ApiError> {
    if record.kind != RecordKind::Vulnerability {
        return Ok(None);
    }
    let Some(case) = case_records
        .iter()
        .find(|r| r.kind == RecordKind::Case && r.id == record.case_id)
    else {
        return Ok(None);
    };
    let current = typed::<Case>(case)?;
    let categories = categories_of(
        case_records
            .iter()
            .filter(|r| r.id != record.id)
            .chain(std::iter::once(record)),
    );
    let restricted = protection::restricted(&current, &categories);
    if restricted == current.is_restricted() {
        return Ok(None);
    }
    let changes: Fields = [("restricted".to_string(), json!(restricted))].into_iter().collect();
    Ok(Some(((office_edit(case, changes, by, at), case.version), restricted)))
}

/// A supervisor marks a case restricted or lifts its restriction, with the reason; the reason
/// goes into the audit row. The case gets a new place in the change counter, so the phones that
/// hold it learn of it.
pub async fn change_restriction(
    ctx: &Ctx,
    actor: &SessionUser,
    case_id: Uuid,
    change: &RestrictionChange,
) -> Result<(), ApiError> {
    if change.reason.chars().count() > 1000 {
        return Err(ApiError::BadRequest("the reason is longer than 1000 characters".into()));
    }
    for _ in 0..RACE_RETRIES {
        let records = ctx.store.records_of_case(case_id).await?;
        let Some(case) = records.iter().find(|r| r.id == case_id && r.kind == RecordKind::Case) else {
            return Err(ApiError::NotFound);
        };
        ctx.require(actor, Action::RestrictCase, case_target(case)).await?;
        let current = typed::<Case>(case)?;
        protection::check_change(actor, current.is_restricted(), change).map_err(ApiError::Restriction)?;
        let at = ctx.now();
        let next = protection::apply_change(&current, &categories_of(&records), change, actor.id, at);
        let changes: Fields = [
            ("restricted", json!(next.restricted)),
            ("restriction", json!(next.restriction)),
            ("restriction_reason", json!(next.restriction_reason)),
            ("restriction_by", json!(next.restriction_by)),
            ("restriction_at", json!(next.restriction_at)),
            ("restriction_lifted_for", json!(next.restriction_lifted_for)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let rewritten = office_edit(case, changes, actor.id, at);
        let action = if change.restricted {
            "case.restrict"
        } else {
            "case.lift_restriction"
        };
        let audit = ctx
            .event(
                Some(actor),
                None,
                action,
                "case",
                Some(case_id.to_string()),
                String::new(),
            )
            .on_case(case_id)
            .because(change.reason.trim());
        if ctx.store.rewrite(&[(rewritten, case.version)], &[audit]).await? == CommitResult::Done {
            return Ok(());
        }
    }
    Err(ApiError::Busy)
}
