//! Individual plans on the server: the checks a plan, a submitted version, a decision, a
//! monitoring or a review must pass beyond their schema (one plan per case, known services, a
//! decision only on the plan's current content), the case manager's appointment, and the
//! municipality's catalogue of standard services.

use crate::context::{Ctx, RACE_RETRIES};
use crate::records::{case_target, merged_into, office_edit, typed};
use crate::storage::{CommitResult, StoredRecord};
use app::api::ApiError;
use app::domain::plan::{content_hash, PlanContent};
use app::domain::record::{Case, Plan, PlanDecision, PlanVersion, TypedRecord};
use app::domain::service::{Service, ServiceInput};
use app::domain::sync::Rejection;
use app::domain::{Action, FieldError, Problem, RecordKind, Role, SessionUser, Target};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Why a write is refused, with the fields at fault.
pub type Refused = (Rejection, Vec<FieldError>);

/// Checks a plan-related record about to be written to its case. `Ok` carries the records that
/// must keep their versions until the write commits (the plan a submission or decision read).
pub async fn check_write(
    ctx: &Ctx,
    record: &StoredRecord,
    before: Option<&StoredRecord>,
    case_records: &[StoredRecord],
) -> Result<Result<Vec<(Uuid, i64)>, Refused>, ApiError> {
    let plans: Vec<&StoredRecord> = case_records
        .iter()
        .filter(|r| r.kind == RecordKind::Plan && r.id != record.id)
        .collect();
    let invalid = |field: &str, problem| Ok(Err((Rejection::Invalid, vec![FieldError::new(field, problem)])));
    match record.kind {
        RecordKind::Plan => {
            if before.is_none() && !plans.is_empty() {
                return Ok(Err((Rejection::PlanExists, vec![])));
            }
            let plan = typed::<Plan>(record).map_err(ApiError::from)?;
            let kept: Vec<(Uuid, Option<Uuid>)> = before
                .and_then(|b| typed::<Plan>(b).ok())
                .map(|p| p.items.iter().map(|i| (i.id, i.service_id)).collect())
                .unwrap_or_default();
            let catalogue = ctx.store.services(record.municipality_id).await?;
            for (i, item) in plan.items.iter().enumerate() {
                let Some(service_id) = item.service_id else { continue };
                let Some(service) = catalogue.iter().find(|s| s.id == service_id) else {
                    return invalid(&format!("items.{i}.service_id"), Problem::UnknownReference);
                };
                // A retired service stays in the plans that have it, and goes into no new line.
                if service.retired && !kept.contains(&(item.id, Some(service_id))) {
                    return invalid(&format!("items.{i}.service_id"), Problem::NotAChoice);
                }
            }
            Ok(Ok(vec![]))
        }
        RecordKind::PlanVersion => {
            let v = typed::<PlanVersion>(record).map_err(ApiError::from)?;
            let Some(plan) = plans.iter().find(|p| Some(p.id) == v.plan_id) else {
                return invalid("plan_id", Problem::UnknownReference);
            };
            if current_hash(plan)? != v.content_hash {
                return Ok(Err((Rejection::PlanChanged, vec![])));
            }
            Ok(Ok(vec![(plan.id, plan.version)]))
        }
        RecordKind::PlanDecision => {
            let d = typed::<PlanDecision>(record).map_err(ApiError::from)?;
            let Some(plan) = plans.iter().find(|p| Some(p.id) == d.plan_id) else {
                return invalid("plan_id", Problem::UnknownReference);
            };
            let version = case_records
                .iter()
                .filter(|r| r.kind == RecordKind::PlanVersion && Some(r.id) == d.version_id)
                .find_map(|r| typed::<PlanVersion>(r).ok())
                .filter(|v| v.plan_id == d.plan_id);
            let Some(version) = version else {
                return invalid("version_id", Problem::UnknownReference);
            };
            // The decision names the submitted content, and that must still be the plan's.
            if version.content_hash != d.content_hash || current_hash(plan)? != d.content_hash {
                return Ok(Err((Rejection::PlanChanged, vec![])));
            }
            Ok(Ok(vec![(plan.id, plan.version)]))
        }
        RecordKind::Monitoring | RecordKind::Review => {
            let plan_id = record
                .fields
                .get("plan_id")
                .and_then(serde_json::Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok());
            if !plans.iter().any(|p| Some(p.id) == plan_id) {
                return invalid("plan_id", Problem::UnknownReference);
            }
            Ok(Ok(vec![]))
        }
        _ => Ok(Ok(vec![])),
    }
}

fn current_hash(plan: &StoredRecord) -> Result<String, ApiError> {
    let plan = typed::<Plan>(plan).map_err(ApiError::from)?;
    Ok(content_hash(&PlanContent::of(&plan)))
}

pub use app::domain::sync::Appointment;

#[derive(Clone)]
pub struct Plans {
    ctx: Ctx,
}

impl Plans {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// Appoints the case's case manager (supervisors). Every record of the case gets a new place
    /// in the change counter, so the case manager's device pulls the whole case at its next sync.
    pub async fn appoint(
        &self,
        actor: &SessionUser,
        case_id: Uuid,
        a: &Appointment,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let decision = a.decision.trim();
        if decision.is_empty() || decision.chars().count() > 60 {
            return Err(ApiError::BadRequest(
                "the decision needs its number (at most 60 characters)".into(),
            ));
        }
        if a.decided_on > app::domain::follow_up::local_today(at) {
            return Err(ApiError::BadRequest("the decision date is in the future".into()));
        }
        for _ in 0..RACE_RETRIES {
            let records = self.ctx.store.records_of_case(case_id).await?;
            let Some(case) = records.iter().find(|r| r.id == case_id && r.kind == RecordKind::Case) else {
                return Err(ApiError::NotFound);
            };
            self.ctx
                .require(actor, Action::AppointCaseManager, case_target(case))
                .await?;
            if merged_into(case).is_some() {
                return Err(ApiError::BadRequest("this case was merged into another".into()));
            }
            let manager = self.ctx.store.user_by_id(a.case_manager_id).await?;
            let fit = manager.as_ref().is_some_and(|m| {
                m.active && m.municipality_id == actor.municipality_id && m.roles.contains(&Role::CaseManager)
            });
            if !fit {
                return Err(ApiError::BadRequest(
                    "only an active case manager of the municipality can be appointed".into(),
                ));
            }
            let changes = Case {
                case_manager_id: Some(a.case_manager_id),
                case_manager_decision: Some(decision.to_string()),
                case_manager_decided_on: Some(a.decided_on),
                ..Default::default()
            };
            let appointed = office_edit(case, changes.to_fields(), actor.id, at);
            let mut rewrite = vec![(appointed, case.version)];
            rewrite.extend(
                records
                    .iter()
                    .filter(|r| r.id != case_id)
                    .map(|r| (r.clone(), r.version)),
            );
            let audit = self.ctx.event(
                Some(actor),
                None,
                "case.appoint_case_manager",
                "case",
                Some(case_id.to_string()),
                format!("{} by decision {decision} of {}", a.case_manager_id, a.decided_on),
            );
            if self.ctx.store.rewrite(&rewrite, &[audit]).await? == CommitResult::Done {
                // The decision counts among the case-manager decisions of its period.
                crate::follow_ups::FollowUps::new(self.ctx.clone())
                    .schedule_case(case_id, self.ctx.now())
                    .await?;
                return Ok(());
            }
        }
        Err(ApiError::Busy)
    }

    /// The municipality's catalogue, retired services included (old plans name them).
    pub async fn services(&self, actor: &SessionUser) -> Result<Vec<Service>, ApiError> {
        let m = actor.municipality_id;
        self.ctx
            .require(actor, Action::ViewServices, Target::Municipality(m))
            .await?;
        Ok(self.ctx.store.services(m).await?)
    }

    /// Adds a service (`id` None) or changes one (administrators).
    pub async fn save_service(
        &self,
        actor: &SessionUser,
        id: Option<Uuid>,
        input: &ServiceInput,
    ) -> Result<Service, ApiError> {
        let m = actor.municipality_id;
        self.ctx
            .require(actor, Action::ManageServices, Target::Municipality(m))
            .await?;
        input.check().map_err(|e| ApiError::BadRequest(e.to_string()))?;
        if let Some(inst) = input.institution_id {
            let known = self
                .ctx
                .store
                .institution(inst)
                .await?
                .is_some_and(|i| i.municipality_id == m);
            if !known {
                return Err(ApiError::BadRequest(
                    "the institution is not in the municipality's registry".into(),
                ));
            }
        }
        let retired = match id {
            Some(id) => self.service_of(actor, id).await?.retired,
            None => false,
        };
        let service = Service {
            id: id.unwrap_or_else(Uuid::now_v7),
            municipality_id: m,
            area: input.area.clone(),
            names: input.names.clone(),
            institution_id: input.institution_id,
            typical_days: input.typical_days,
            retired,
        };
        let audit = self.ctx.event(
            Some(actor),
            None,
            if id.is_some() {
                "service.update"
            } else {
                "service.create"
            },
            "service",
            Some(service.id.to_string()),
            format!("{} {}", service.area, service.names.sq),
        );
        self.ctx.store.save_service(&service, self.ctx.now(), &[audit]).await?;
        Ok(service)
    }

    /// Retires a service, or brings it back (administrators). Nothing is ever deleted.
    pub async fn retire_service(&self, actor: &SessionUser, id: Uuid, retired: bool) -> Result<Service, ApiError> {
        let m = actor.municipality_id;
        self.ctx
            .require(actor, Action::ManageServices, Target::Municipality(m))
            .await?;
        let mut service = self.service_of(actor, id).await?;
        service.retired = retired;
        let audit = self.ctx.event(
            Some(actor),
            None,
            if retired { "service.retire" } else { "service.restore" },
            "service",
            Some(id.to_string()),
            service.names.sq.clone(),
        );
        self.ctx.store.save_service(&service, self.ctx.now(), &[audit]).await?;
        Ok(service)
    }

    async fn service_of(&self, actor: &SessionUser, id: Uuid) -> Result<Service, ApiError> {
        self.ctx
            .store
            .service(id)
            .await?
            .filter(|s| s.municipality_id == actor.municipality_id)
            .ok_or(ApiError::NotFound)
    }
}
