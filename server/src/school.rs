//! School inclusion on the server: what the school team's records must pass beyond their schema
//! (a school of the municipality's registry, a child of the same case, a meeting of the same
//! municipality), the children's schooling opened when the team accepts a schooling referral
//! (only what schooling needs is copied from the case), and the administrator's registry of
//! schools and early-warning thresholds.

use crate::context::Ctx;
use crate::follow_ups::FollowUps;
use crate::plans::Refused;
use crate::records::{live_member, typed};
use crate::storage::StoredRecord;
use app::api::ApiError;
use app::domain::follow_up::{facts_from_records, local_today};
use app::domain::record::{
    Attendance, Household, Referral, ReferralKind, SchoolAction, Schooling, TeamMeeting, TypedRecord,
};
use app::domain::school::{School, SchoolInput, Thresholds};
use app::domain::sync::{self, Rejection};
use app::domain::{Action, FieldError, Problem, RecordKind, SessionUser, Target};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

/// The ages (on the day of the acceptance) of the children a schooling referral is about:
/// compulsory schooling and upper secondary.
pub const SCHOOL_AGES: std::ops::RangeInclusive<i32> = 5..=18;

fn invalid(field: &str, problem: Problem) -> Result<Result<(), Refused>, ApiError> {
    Ok(Err((Rejection::Invalid, vec![FieldError::new(field, problem)])))
}

/// Checks a school team's record about to be written (`case_records` are the other records of
/// its case, or nothing for a record that is its own root).
pub async fn check_write(
    ctx: &Ctx,
    record: &StoredRecord,
    case_records: &[StoredRecord],
) -> Result<Result<(), Refused>, ApiError> {
    let child_of_case = |id: Option<Uuid>| {
        case_records
            .iter()
            .any(|r| r.kind == RecordKind::Schooling && Some(r.id) == id)
    };
    match record.kind {
        RecordKind::Schooling => {
            let s = typed::<Schooling>(record).map_err(ApiError::from)?;
            if let Some(id) = s.school_id {
                let known = ctx
                    .store
                    .school(id)
                    .await?
                    .is_some_and(|school| school.municipality_id == record.municipality_id);
                if !known {
                    return invalid("school_id", Problem::UnknownReference);
                }
            }
        }
        RecordKind::Attendance => {
            let a = typed::<Attendance>(record).map_err(ApiError::from)?;
            if !child_of_case(a.schooling_id) {
                return invalid("schooling_id", Problem::UnknownReference);
            }
        }
        RecordKind::SchoolAction => {
            let a = typed::<SchoolAction>(record).map_err(ApiError::from)?;
            if !child_of_case(a.schooling_id) {
                return invalid("schooling_id", Problem::UnknownReference);
            }
            if let Some(meeting) = a.meeting_id {
                let known =
                    ctx.store.record(meeting).await?.is_some_and(|m| {
                        m.kind == RecordKind::TeamMeeting && m.municipality_id == record.municipality_id
                    });
                if !known {
                    return invalid("meeting_id", Problem::UnknownReference);
                }
            }
        }
        RecordKind::TeamMeeting => {
            let m = typed::<TeamMeeting>(record).map_err(ApiError::from)?;
            for child in m.children {
                let known =
                    ctx.store.record(child).await?.is_some_and(|c| {
                        c.kind == RecordKind::Schooling && c.municipality_id == record.municipality_id
                    });
                if !known {
                    return invalid("children", Problem::UnknownReference);
                }
            }
        }
        _ => {}
    }
    Ok(Ok(()))
}

/// The schooling records a school team's acceptance of `referral` opens: one per child of
/// school age in the household who has none yet, with only what schooling needs.
pub fn opened_by_acceptance(
    actor: &SessionUser,
    referral: &StoredRecord,
    case_records: &[StoredRecord],
    at: DateTime<Utc>,
) -> Result<Vec<StoredRecord>, ApiError> {
    let r: Referral = typed(referral)?;
    if r.kind() != Some(ReferralKind::Schooling) {
        return Ok(Vec::new());
    }
    let today = local_today(at);
    let facts = facts_from_records(referral.case_id, case_records.iter().map(|x| (x.kind, x.id, &x.fields)));
    let household = case_records
        .iter()
        .find(|x| x.kind == RecordKind::Household)
        .map(typed::<Household>)
        .transpose()?
        .unwrap_or_default();
    let mut members = Vec::new();
    for m in case_records.iter().filter(|x| x.kind == RecordKind::Member) {
        if let Some(member) = live_member(m)? {
            members.push((m.id, member));
        }
    }
    let parents: Vec<String> = members
        .iter()
        .filter(|(_, m)| matches!(m.relationship.as_deref(), Some("head" | "spouse")))
        .map(|(_, m)| format!("{} {}", m.first_name, m.last_name))
        .collect();
    let phone = members.iter().find_map(|(_, m)| m.phone.clone());
    let has_file = |member: Uuid| {
        case_records.iter().any(|x| {
            x.kind == RecordKind::Schooling && typed::<Schooling>(x).is_ok_and(|s| s.member_id == Some(member))
        })
    };
    let mut out = Vec::new();
    for (id, m) in &members {
        let Some(born) = m.birth_date else { continue };
        if !SCHOOL_AGES.contains(&age_on(born, today)) || has_file(*id) {
            continue;
        }
        let fields = Schooling {
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            birth_date: Some(born),
            languages: m.languages.clone(),
            parents: Some(parents.join(", ")).filter(|p| !p.is_empty()),
            parent_phone: phone.clone(),
            address: Some(household.village.clone()).filter(|v| !v.is_empty()),
            returned_on: facts.returned_on,
            referral_id: Some(referral.id),
            member_id: Some(*id),
            ..Default::default()
        }
        .to_fields();
        out.push(StoredRecord {
            kind: RecordKind::Schooling,
            id: Uuid::now_v7(),
            case_id: referral.case_id,
            municipality_id: referral.municipality_id,
            field_worker_id: None,
            version: 1,
            stamps: sync::created(&fields, Uuid::nil()),
            fields,
            seq: 0,
            created_by: actor.id,
            created_at: at,
            updated_by: actor.id,
            updated_at: at,
        });
    }
    Ok(out)
}

fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let before_birthday = (on.month(), on.day()) < (born.month(), born.day());
    on.year() - born.year() - i32::from(before_birthday)
}

/// The administrator's registry of schools and the municipality's thresholds.
#[derive(Clone)]
pub struct Schools {
    ctx: Ctx,
    follow_ups: FollowUps,
}

impl Schools {
    pub fn new(ctx: Ctx) -> Self {
        Self {
            follow_ups: FollowUps::new(ctx.clone()),
            ctx,
        }
    }

    /// The registry, for those who keep it.
    pub async fn list(&self, actor: &SessionUser) -> Result<Vec<School>, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ManageSchools,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        Ok(self.ctx.store.schools(actor.municipality_id).await?)
    }

    /// Adds a school (`id` None) or changes one, its retirement included.
    pub async fn save(
        &self,
        actor: &SessionUser,
        id: Option<Uuid>,
        input: &SchoolInput,
        now: DateTime<Utc>,
    ) -> Result<School, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ManageSchools,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let clean = input.cleaned().map_err(|field| {
            ApiError::BadRequest(format!("{field}: a name of 1 to 200 characters, classes of at most 40"))
        })?;
        let id = match id {
            Some(id) => match self.ctx.store.school(id).await? {
                Some(s) if s.municipality_id == actor.municipality_id => id,
                _ => return Err(ApiError::NotFound),
            },
            None => Uuid::now_v7(),
        };
        let school = School {
            id,
            municipality_id: actor.municipality_id,
            name: clean.name,
            classes: clean.classes,
            retired: clean.retired,
        };
        let detail = format!(
            "{} ({} classes){}",
            school.name,
            school.classes.len(),
            if school.retired { ", retired" } else { "" }
        );
        let audit = self
            .ctx
            .event(Some(actor), None, "school.save", "school", Some(id.to_string()), detail);
        self.ctx.store.save_school(&school, now, &[audit]).await?;
        Ok(school)
    }

    /// The thresholds in force and whether they are the defaults.
    pub async fn thresholds(&self, actor: &SessionUser) -> Result<(Thresholds, bool), ApiError> {
        self.ctx
            .require(
                actor,
                Action::SetEarlyWarning,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let own = self.ctx.store.thresholds(actor.municipality_id).await?;
        Ok((own.unwrap_or_default(), own.is_none()))
    }

    /// Sets the municipality's thresholds; every case is rescheduled at once.
    pub async fn set_thresholds(
        &self,
        actor: &SessionUser,
        t: Thresholds,
        now: DateTime<Utc>,
    ) -> Result<Thresholds, ApiError> {
        self.ctx
            .require(
                actor,
                Action::SetEarlyWarning,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let bad = t.out_of_range();
        if !bad.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "{} must be from {} to {}",
                bad.join(", "),
                Thresholds::RANGE.start(),
                Thresholds::RANGE.end()
            )));
        }
        let detail = serde_json::to_string(&t).unwrap_or_default();
        let audit = self.ctx.event(
            Some(actor),
            None,
            "early_warning.set",
            "municipality",
            Some(actor.municipality_id.to_string()),
            detail,
        );
        self.ctx
            .store
            .set_thresholds(actor.municipality_id, &t, actor.id, now, &[audit])
            .await?;
        self.follow_ups
            .schedule_municipality(actor.municipality_id, now)
            .await?;
        Ok(t)
    }
}
