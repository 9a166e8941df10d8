//! The records a field worker creates and edits, as named fields with a schema per kind, and
//! one module per kind with its schema and its typed struct ([`TypedRecord`]).
//!
//! A record travels between phone and server as a map of field name to JSON value, so that two
//! devices editing different fields of one record merge field by field (see [`super::sync`]).
//! The schema below is the single definition of which fields exist, their types and which are
//! required; the phone checks a record with [`validate`] before it leaves the draft state and
//! the server checks every change with the same function.

pub mod anamnesis;
pub mod assessment_record;
pub mod attachment;
pub mod attendance;
pub mod benefit;
pub mod case;
pub mod closure;
pub mod closure_decision;
pub mod commission_decision;
pub mod final_assessment;
pub mod household;
pub mod housing;
pub mod housing_application;
pub mod housing_review;
pub mod literacy;
pub mod member;
pub mod monitoring;
pub mod plan;
pub mod plan_decision;
pub mod plan_version;
pub mod referral;
pub mod return_event;
pub mod review;
pub mod school_action;
pub mod schooling;
pub mod team_meeting;
pub mod visit;
pub mod vulnerability;

use super::assessment;
pub use super::problem::{FieldError, Problem};
pub use anamnesis::Anamnesis;
pub use assessment_record::Assessment;
pub use attachment::Attachment;
pub use attendance::Attendance;
pub use benefit::Benefit;
pub use case::Case;
use chrono::{DateTime, NaiveDate, Utc};
pub use closure::Closure;
pub use closure_decision::ClosureDecision;
pub use commission_decision::CommissionDecision;
pub use final_assessment::FinalAssessment;
pub use household::Household;
pub use housing::Housing;
pub use housing_application::HousingApplication;
pub use housing_review::HousingReview;
pub use literacy::Literacy;
pub use member::Member;
pub use monitoring::{Monitoring, ServiceCheck};
pub use plan::Plan;
pub use plan_decision::PlanDecision;
pub use plan_version::PlanVersion;
pub use referral::{Referral, ReferralKind, REFERRAL_KINDS};
pub use return_event::ReturnEvent;
pub use review::{GoalProgress, Review};
pub use school_action::SchoolAction;
pub use schooling::Schooling;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
pub use team_meeting::TeamMeeting;
use uuid::Uuid;
pub use visit::Visit;
pub use vulnerability::Vulnerability;

/// A record's fields by name.
pub type Fields = BTreeMap<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum RecordKind {
    /// One per household; owns everything below. Its ID is the case's ID.
    Case,
    Household,
    Member,
    ReturnEvent,
    Visit,
    Assessment,
    /// A signature or a document photo; the bytes travel separately, checked by hash.
    Attachment,
    /// A referral to an institution of the municipality's registry, answered by its partner user.
    Referral,
    /// The individual plan (PIR / PII), one per case.
    Plan,
    /// A submitted version of the plan; never changed.
    PlanVersion,
    /// A supervisor's decision on a submitted version; never changed.
    PlanDecision,
    /// The monthly monitoring of an approved plan.
    Monitoring,
    /// The quarterly review of an approved plan.
    Review,
    /// Where the family lives and the rent the programme pays; one per case.
    Housing,
    /// An application to the municipal reintegration commission.
    HousingApplication,
    /// The commission's or the appeals commission's decision on an application; never changed.
    CommissionDecision,
    /// The 12-month housing review: what happens when the programme's rent ends.
    HousingReview,
    /// A claim in the claims and benefits register.
    Benefit,
    /// The social anamnesis report, written from an assessment.
    Anamnesis,
    /// The final assessment at 18 months.
    FinalAssessment,
    /// The case manager's request to close the case.
    Closure,
    /// The supervisor's decision on a closure request; never changed.
    ClosureDecision,
    /// A child's schooling, kept by the school inclusion team.
    Schooling,
    /// A child's absences over a week or a month.
    Attendance,
    /// A dropout-prevention action for a child.
    SchoolAction,
    /// A meeting of the dropout prevention and response team (its own root, no case).
    TeamMeeting,
    /// An adult on the literacy list (its own root, no case).
    Literacy,
    /// A vulnerable category a person of the case is in.
    Vulnerability,
}

impl RecordKind {
    pub const ALL: [RecordKind; 28] = [
        RecordKind::Case,
        RecordKind::Household,
        RecordKind::Member,
        RecordKind::ReturnEvent,
        RecordKind::Visit,
        RecordKind::Assessment,
        RecordKind::Attachment,
        RecordKind::Referral,
        RecordKind::Plan,
        RecordKind::PlanVersion,
        RecordKind::PlanDecision,
        RecordKind::Monitoring,
        RecordKind::Review,
        RecordKind::Housing,
        RecordKind::HousingApplication,
        RecordKind::CommissionDecision,
        RecordKind::HousingReview,
        RecordKind::Benefit,
        RecordKind::Anamnesis,
        RecordKind::FinalAssessment,
        RecordKind::Closure,
        RecordKind::ClosureDecision,
        RecordKind::Schooling,
        RecordKind::Attendance,
        RecordKind::SchoolAction,
        RecordKind::TeamMeeting,
        RecordKind::Literacy,
        RecordKind::Vulnerability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Case => "case",
            RecordKind::Household => "household",
            RecordKind::Member => "member",
            RecordKind::ReturnEvent => "return_event",
            RecordKind::Visit => "visit",
            RecordKind::Assessment => "assessment",
            RecordKind::Attachment => "attachment",
            RecordKind::Referral => "referral",
            RecordKind::Plan => "plan",
            RecordKind::PlanVersion => "plan_version",
            RecordKind::PlanDecision => "plan_decision",
            RecordKind::Monitoring => "monitoring",
            RecordKind::Review => "review",
            RecordKind::Housing => "housing",
            RecordKind::HousingApplication => "housing_application",
            RecordKind::CommissionDecision => "commission_decision",
            RecordKind::HousingReview => "housing_review",
            RecordKind::Benefit => "benefit",
            RecordKind::Anamnesis => "anamnesis",
            RecordKind::FinalAssessment => "final_assessment",
            RecordKind::Closure => "closure",
            RecordKind::ClosureDecision => "closure_decision",
            RecordKind::Schooling => "schooling",
            RecordKind::Attendance => "attendance",
            RecordKind::SchoolAction => "school_action",
            RecordKind::TeamMeeting => "team_meeting",
            RecordKind::Literacy => "literacy",
            RecordKind::Vulnerability => "vulnerability",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn schema(self) -> &'static [FieldSpec] {
        match self {
            RecordKind::Case => case::SCHEMA,
            RecordKind::Household => household::SCHEMA,
            RecordKind::Member => member::SCHEMA,
            RecordKind::ReturnEvent => return_event::SCHEMA,
            RecordKind::Visit => visit::SCHEMA,
            RecordKind::Assessment => assessment_record::SCHEMA,
            RecordKind::Attachment => attachment::SCHEMA,
            RecordKind::Referral => referral::SCHEMA,
            RecordKind::Plan => plan::SCHEMA,
            RecordKind::PlanVersion => plan_version::SCHEMA,
            RecordKind::PlanDecision => plan_decision::SCHEMA,
            RecordKind::Monitoring => monitoring::SCHEMA,
            RecordKind::Review => review::SCHEMA,
            RecordKind::Housing => housing::SCHEMA,
            RecordKind::HousingApplication => housing_application::SCHEMA,
            RecordKind::CommissionDecision => commission_decision::SCHEMA,
            RecordKind::HousingReview => housing_review::SCHEMA,
            RecordKind::Benefit => benefit::SCHEMA,
            RecordKind::Anamnesis => anamnesis::SCHEMA,
            RecordKind::FinalAssessment => final_assessment::SCHEMA,
            RecordKind::Closure => closure::SCHEMA,
            RecordKind::ClosureDecision => closure_decision::SCHEMA,
            RecordKind::Schooling => schooling::SCHEMA,
            RecordKind::Attendance => attendance::SCHEMA,
            RecordKind::SchoolAction => school_action::SCHEMA,
            RecordKind::TeamMeeting => team_meeting::SCHEMA,
            RecordKind::Literacy => literacy::SCHEMA,
            RecordKind::Vulnerability => vulnerability::SCHEMA,
        }
    }

    /// Kinds written once and never edited: a submitted version of a plan and the decisions
    /// (on a plan, a housing application, a closure) are the case's history.
    pub fn is_append_only(self) -> bool {
        matches!(
            self,
            RecordKind::PlanVersion
                | RecordKind::PlanDecision
                | RecordKind::CommissionDecision
                | RecordKind::ClosureDecision
        )
    }

    /// The school inclusion team's records: written by the team (and supervisors), read by the
    /// case's workers; the team sees nothing else of a case.
    pub fn is_school(self) -> bool {
        matches!(
            self,
            RecordKind::Schooling
                | RecordKind::Attendance
                | RecordKind::SchoolAction
                | RecordKind::TeamMeeting
                | RecordKind::Literacy
        )
    }

    /// Kinds that belong to no case: the record's ID is its own case ID, like a case's.
    pub fn is_own_root(self) -> bool {
        matches!(self, RecordKind::TeamMeeting | RecordKind::Literacy)
    }

    pub fn spec(self, field: &str) -> Option<&'static FieldSpec> {
        self.schema().iter().find(|f| f.name == field)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldType {
    Text {
        max: usize,
    },
    /// A calendar date, `YYYY-MM-DD`, never after today.
    PastDate,
    /// A calendar date that may lie ahead (the end of a rent, of a benefit's period).
    Date,
    /// An instant in RFC 3339, never after now (a little clock skew is allowed).
    PastInstant,
    /// A time of day in Kosovo, `HH:MM` (the hour a return was registered at the airport).
    TimeOfDay,
    Bool,
    Choice(&'static [&'static str]),
    Int {
        min: i64,
        max: i64,
    },
    Number {
        min: f64,
        max: f64,
    },
    Id,
    IdList,
    TextList {
        max_items: usize,
        max: usize,
    },
    /// Assessment answers: checked by the form definition they name.
    Answers,
    /// A plan's items ([`crate::domain::plan::PlanItem`]), checked against the household.
    PlanItems,
    /// A copy of a plan's content, checked against the hash beside it.
    PlanContent,
    /// A monitoring's answer per plan item ([`ServiceCheck`]).
    ServiceChecks,
    /// A review's progress per plan item ([`GoalProgress`]).
    GoalProgress,
}

/// A stored record's fields did not read as its kind's struct (they are validated before they
/// are stored, so this means a corrupt row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind:?} record does not read: {reason}")]
pub struct RecordError {
    pub kind: RecordKind,
    pub reason: String,
}

/// A record kind as a struct, converted to and from the field map that the wire, the per-field
/// merge and storage use. Everything else reads and writes the struct.
pub trait TypedRecord: Serialize + serde::de::DeserializeOwned + Default {
    const KIND: RecordKind;

    fn from_fields(fields: &Fields) -> Result<Self, RecordError> {
        // Read straight off the borrowed map (the server reads every record of a municipality
        // when it looks for duplicates): nothing is copied. Absent and null are the same.
        let entries = fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.as_str(), v));
        let map = serde::de::value::MapDeserializer::<_, serde_json::Error>::new(entries);
        Self::deserialize(map).map_err(|e| RecordError {
            kind: Self::KIND,
            reason: e.to_string(),
        })
    }

    /// A draft as far as it reads: a field that does not (yet) read as its type is left out,
    /// so a half-typed date never hides the rest of the record on a screen.
    fn read(fields: &Fields) -> Self {
        if let Ok(whole) = Self::from_fields(fields) {
            return whole;
        }
        let mut kept = Fields::new();
        for (name, value) in fields {
            let mut with = kept.clone();
            with.insert(name.clone(), value.clone());
            if Self::from_fields(&with).is_ok() {
                kept = with;
            }
        }
        Self::from_fields(&kept).unwrap_or_default()
    }

    /// The fields that are set (a partial struct gives a partial change).
    fn to_fields(&self) -> Fields {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m.into_iter().collect(),
            _ => Fields::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// Set only by the server (assignment, status): a change from the phone may not name it.
    pub server_only: bool,
}

/// The field named `name` in `schema`, found at compile time when called in a `const` (see
/// [`spec!`](crate::spec)): a form that names a field its kind does not have does not build.
pub const fn spec_in(schema: &'static [FieldSpec], name: &str) -> &'static FieldSpec {
    let mut i = 0;
    while i < schema.len() {
        let a = schema[i].name.as_bytes();
        let b = name.as_bytes();
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return &schema[i];
            }
        }
        i += 1;
    }
    panic!("no such field in this record kind's schema")
}

/// `spec!(household, "village")`: the schema entry of a field, checked when the code builds.
#[macro_export]
macro_rules! spec {
    ($kind:ident, $name:literal) => {
        const { $crate::domain::record::spec_in($crate::domain::record::$kind::SCHEMA, $name) }
    };
}

pub(crate) const fn f(name: &'static str, ty: FieldType, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required,
        server_only: false,
    }
}

pub(crate) const fn server(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
        server_only: true,
    }
}

pub(crate) const NAME: FieldType = FieldType::Text { max: 100 };
pub(crate) const NOTE: FieldType = FieldType::Text { max: 4000 };

pub const CASE_STATUSES: &[&str] = &["open", "closed", "merged"];
pub const SEXES: &[&str] = &["female", "male", "other"];
pub const RELATIONSHIPS: &[&str] = &[
    "head",
    "spouse",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "other_relative",
];
pub const RETURN_CATEGORIES: &[&str] = &[
    "repatriated",
    "voluntary_return",
    "foreigner_protection",
    "foreigner_residence",
];
pub const VISIT_KINDS: &[&str] = &["initial", "monitoring", "school", "other"];
pub const ATTACHMENT_PURPOSES: &[&str] = &["signature", "document_photo"];
pub const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp"];
/// The largest photo or signature the server accepts, after the phone has downscaled it.
pub const MAX_ATTACHMENT_BYTES: i64 = 2 * 1024 * 1024;

/// What validation needs to know beyond the record itself.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Today in Kosovo: a date typed there after local midnight is not in the future, though
    /// UTC is still on the day before.
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The household's members, for assessments and visits that name people.
    pub members: Vec<assessment::MemberFacts>,
}

impl Context {
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            today: super::follow_up::local_today(now),
            now,
            members: Vec::new(),
        }
    }
}

/// Checks the names a change touches: unknown fields and fields only the server may set.
pub fn check_change_fields(kind: RecordKind, fields: &Fields) -> Vec<FieldError> {
    fields
        .keys()
        .filter_map(|name| match kind.spec(name) {
            None => Some(FieldError::new(name, Problem::Unknown)),
            Some(spec) if spec.server_only => Some(FieldError::new(name, Problem::ReadOnly)),
            Some(_) => None,
        })
        .collect()
}

/// Checks a whole record (after a change is merged in): every field's type and range, the
/// required fields, and the rules that tie fields together.
pub fn validate(kind: RecordKind, fields: &Fields, ctx: &Context) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (name, value) in fields {
        let Some(spec) = kind.spec(name) else {
            errors.push(FieldError::new(name, Problem::Unknown));
            continue;
        };
        if value.is_null() {
            continue;
        }
        if let Err(p) = check_value(spec.ty, value, ctx) {
            errors.push(FieldError::new(name, p));
        } else if spec.ty == FieldType::Answers {
            let version = fields.get("form_version").and_then(Value::as_i64).unwrap_or(0);
            // Ages count on the day the answers were given, not the day they reached the server.
            let on = fields
                .get("completed_at")
                .and_then(Value::as_str)
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map_or(ctx.today, |t| super::follow_up::local_today(t.with_timezone(&Utc)));
            errors.extend(assessment::validate_on(version, value, &ctx.members, on));
        }
    }
    for spec in kind.schema() {
        if spec.required && is_blank(fields.get(spec.name)) {
            errors.push(FieldError::new(spec.name, Problem::Required));
        }
    }
    match kind {
        RecordKind::Visit => {
            let has_position = !is_blank(fields.get("latitude")) || !is_blank(fields.get("longitude"));
            if has_position && fields.get("gps_consent") != Some(&Value::Bool(true)) {
                errors.push(FieldError::new("latitude", Problem::NoConsent));
            }
            errors.extend(unknown_members(fields.get("present"), "present", &ctx.members));
        }
        RecordKind::ReturnEvent => {
            errors.extend(unknown_members(fields.get("members"), "members", &ctx.members));
            // A return today cannot have happened later than now (phones' clocks drift: ten minutes).
            if let Ok(Some(at)) = ReturnEvent::from_fields(fields).map(|r| r.returned_at()) {
                if at > ctx.now + chrono::Duration::minutes(10) {
                    errors.push(FieldError::new("event_time", Problem::FutureDate));
                }
            }
        }
        RecordKind::Plan => {
            if let Some(items) = fields.get("items").filter(|v| !v.is_null()) {
                errors.extend(crate::domain::plan::check_items(items, &ctx.members));
            }
        }
        RecordKind::PlanVersion => {
            // The copy must be the content its hash names.
            let content = fields
                .get("content")
                .and_then(|v| serde_json::from_value::<crate::domain::plan::PlanContent>(v.clone()).ok());
            let hash = fields.get("content_hash").and_then(Value::as_str);
            match (content, hash) {
                (Some(c), Some(h)) if crate::domain::plan::content_hash(&c) != h => {
                    errors.push(FieldError::new("content_hash", Problem::WrongType));
                }
                (None, _) if fields.contains_key("content") => {
                    errors.push(FieldError::new("content", Problem::WrongType));
                }
                _ => {}
            }
        }
        RecordKind::PlanDecision | RecordKind::ClosureDecision => {
            required_when(fields, "decision", "returned", "comment", &mut errors);
        }
        RecordKind::CommissionDecision => {
            required_when(fields, "decision", "rejected", "reason", &mut errors);
        }
        RecordKind::HousingReview => required_when(fields, "after_rent", "other", "notes", &mut errors),
        RecordKind::Closure => {
            required_when(fields, "reason", "other", "note", &mut errors);
            required_when(
                fields,
                "reason",
                "moved_municipality",
                "to_municipality_id",
                &mut errors,
            );
        }
        RecordKind::Housing => not_before(fields, "rent_to", "rent_from", Problem::DueBeforeStart, &mut errors),
        RecordKind::HousingApplication => {
            not_before(
                fields,
                "appealed_on",
                "applied_on",
                Problem::BeforeApplication,
                &mut errors,
            );
            not_before(
                fields,
                "executed_on",
                "applied_on",
                Problem::BeforeApplication,
                &mut errors,
            );
        }
        RecordKind::Benefit => {
            not_before(
                fields,
                "decided_on",
                "applied_on",
                Problem::BeforeApplication,
                &mut errors,
            );
            not_before(fields, "period_to", "period_from", Problem::DueBeforeStart, &mut errors);
            errors.extend(unknown_members(
                fields.get("member_id").map(|v| Value::Array(vec![v.clone()])).as_ref(),
                "member_id",
                &ctx.members,
            ));
        }
        RecordKind::Schooling => {
            // An enrolment (a day, a grade or a class) names its school.
            let enrolled = ["enrolled_on", "grade", "class_name"]
                .iter()
                .any(|k| !is_blank(fields.get(*k)));
            if enrolled && is_blank(fields.get("school_id")) {
                errors.push(FieldError::new("school_id", Problem::Required));
            }
            for later in ["certificate_received_on", "certificate_translated_on", "nostrified_on"] {
                not_before(
                    fields,
                    later,
                    "certificate_requested_on",
                    Problem::BeforeRequest,
                    &mut errors,
                );
            }
            not_before(fields, "ended_on", "enrolled_on", Problem::DueBeforeStart, &mut errors);
            required_when(fields, "end_reason", "left_school", "left_reason", &mut errors);
            if fields.get("at_risk_by_hand") == Some(&Value::Bool(true)) {
                for k in ["at_risk_reason", "at_risk_since"] {
                    if is_blank(fields.get(k)) {
                        errors.push(FieldError::new(k, Problem::Required));
                    }
                }
            }
        }
        RecordKind::Attendance => {
            not_before(fields, "period_to", "period_from", Problem::DueBeforeStart, &mut errors);
            let n = |k: &str| fields.get(k).and_then(Value::as_i64);
            let date = |k: &str| {
                fields
                    .get(k)
                    .and_then(Value::as_str)
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            };
            // No more school days than calendar days, no more absences than school days.
            if let (Some(from), Some(to), Some(days)) = (date("period_from"), date("period_to"), n("school_days")) {
                if to >= from && days > (to - from).num_days() + 1 {
                    errors.push(FieldError::new("school_days", Problem::OverPeriod));
                }
            }
            if let (Some(absent), Some(days)) = (n("absent_days"), n("school_days")) {
                if absent > days {
                    errors.push(FieldError::new("absent_days", Problem::OverPeriod));
                }
            }
            if let (Some(run), Some(absent)) = (n("longest_absence_run"), n("absent_days")) {
                if run > absent {
                    errors.push(FieldError::new("longest_absence_run", Problem::OverPeriod));
                }
            }
        }
        RecordKind::SchoolAction => required_when(fields, "action", "other", "note", &mut errors),
        RecordKind::Vulnerability => {
            required_when(fields, "category", "other", "note", &mut errors);
            not_before(fields, "ended_on", "noted_on", Problem::DueBeforeStart, &mut errors);
            if !is_blank(fields.get("ended_on")) && is_blank(fields.get("end_reason")) {
                errors.push(FieldError::new("end_reason", Problem::Required));
            }
            errors.extend(unknown_members(
                fields.get("member_id").map(|v| Value::Array(vec![v.clone()])).as_ref(),
                "member_id",
                &ctx.members,
            ));
        }
        RecordKind::Literacy => {
            not_before(
                fields,
                "finished_on",
                "started_on",
                Problem::DueBeforeStart,
                &mut errors,
            );
        }
        RecordKind::Attachment => {
            let hash_ok = fields
                .get("sha256")
                .and_then(Value::as_str)
                .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            if fields.contains_key("sha256") && !hash_ok {
                errors.push(FieldError::new("sha256", Problem::WrongType));
            }
        }
        _ => {}
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    errors.dedup();
    errors
}

/// `HH:MM`, 00:00 to 23:59 (seconds are not asked for).
pub fn parse_time_of_day(s: &str) -> Option<chrono::NaiveTime> {
    if s.len() != 5 {
        return None;
    }
    chrono::NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// `field` is required when `choice_field` is `choice` (a rejection needs its reason).
fn required_when(fields: &Fields, choice_field: &str, choice: &str, field: &str, errors: &mut Vec<FieldError>) {
    if fields.get(choice_field).and_then(Value::as_str) == Some(choice) && is_blank(fields.get(field)) {
        errors.push(FieldError::new(field, Problem::Required));
    }
}

/// The date in `later` may not come before the one in `earlier` (a rent's end, a decision).
fn not_before(fields: &Fields, later: &str, earlier: &str, problem: Problem, errors: &mut Vec<FieldError>) {
    let date = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    if let (Some(l), Some(e)) = (date(later), date(earlier)) {
        if l < e {
            errors.push(FieldError::new(later, problem));
        }
    }
}

fn unknown_members(value: Option<&Value>, field: &str, members: &[assessment::MemberFacts]) -> Option<FieldError> {
    let ids = value?.as_array()?;
    let known = |id: &Value| {
        id.as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .is_some_and(|id| members.iter().any(|m| m.id == id))
    };
    (!ids.iter().all(known)).then(|| FieldError::new(field, Problem::UnknownMember))
}

pub fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

fn check_value(ty: FieldType, value: &Value, ctx: &Context) -> Result<(), Problem> {
    match ty {
        FieldType::Text { max } => {
            let s = value.as_str().ok_or(Problem::WrongType)?;
            check_text(s, max)
        }
        FieldType::PastDate => {
            let s = value.as_str().ok_or(Problem::WrongType)?;
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Problem::WrongType)?;
            if d > ctx.today {
                return Err(Problem::FutureDate);
            }
            if d.year_ce().1 < 1900 {
                return Err(Problem::OutOfRange);
            }
            Ok(())
        }
        FieldType::Date => {
            let s = value.as_str().ok_or(Problem::WrongType)?;
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Problem::WrongType)?;
            if !(1900..=2200).contains(&d.year()) {
                return Err(Problem::OutOfRange);
            }
            Ok(())
        }
        FieldType::PastInstant => {
            let s = value.as_str().ok_or(Problem::WrongType)?;
            let t = DateTime::parse_from_rfc3339(s).map_err(|_| Problem::WrongType)?;
            // Phones' clocks drift: allow ten minutes.
            if t.with_timezone(&Utc) > ctx.now + chrono::Duration::minutes(10) {
                return Err(Problem::FutureDate);
            }
            Ok(())
        }
        FieldType::TimeOfDay => {
            let s = value.as_str().ok_or(Problem::WrongType)?;
            parse_time_of_day(s).map(|_| ()).ok_or(Problem::WrongType)
        }
        FieldType::Bool => value.as_bool().map(|_| ()).ok_or(Problem::WrongType),
        FieldType::Choice(choices) => {
            let s = value.as_str().ok_or(Problem::WrongType)?;
            if choices.contains(&s) {
                Ok(())
            } else {
                Err(Problem::NotAChoice)
            }
        }
        FieldType::Int { min, max } => {
            let n = value.as_i64().ok_or(Problem::WrongType)?;
            if (min..=max).contains(&n) {
                Ok(())
            } else {
                Err(Problem::OutOfRange)
            }
        }
        FieldType::Number { min, max } => {
            let n = value.as_f64().ok_or(Problem::WrongType)?;
            if n.is_finite() && n >= min && n <= max {
                Ok(())
            } else {
                Err(Problem::OutOfRange)
            }
        }
        FieldType::Id => value
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .map(|_| ())
            .ok_or(Problem::WrongType),
        FieldType::IdList => {
            let items = value.as_array().ok_or(Problem::WrongType)?;
            if items.len() > 50 {
                return Err(Problem::TooLong);
            }
            items
                .iter()
                .all(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()).is_some())
                .then_some(())
                .ok_or(Problem::WrongType)
        }
        FieldType::TextList { max_items, max } => {
            let items = value.as_array().ok_or(Problem::WrongType)?;
            if items.len() > max_items {
                return Err(Problem::TooLong);
            }
            for item in items {
                check_text(item.as_str().ok_or(Problem::WrongType)?, max)?;
            }
            Ok(())
        }
        FieldType::Answers | FieldType::PlanContent => value.as_object().map(|_| ()).ok_or(Problem::WrongType),
        // Item by item in `validate`, where the household is known.
        FieldType::PlanItems => value.as_array().map(|_| ()).ok_or(Problem::WrongType),
        FieldType::GoalProgress => {
            let goals: Vec<GoalProgress> = serde_json::from_value(value.clone()).map_err(|_| Problem::WrongType)?;
            if goals.len() > crate::domain::plan::MAX_ITEMS {
                return Err(Problem::TooLong);
            }
            for g in &goals {
                if !review::PROGRESS.contains(&g.progress.as_str()) {
                    return Err(Problem::NotAChoice);
                }
                check_text(&g.note, 1000)?;
            }
            Ok(())
        }
        FieldType::ServiceChecks => {
            let checks: Vec<ServiceCheck> = serde_json::from_value(value.clone()).map_err(|_| Problem::WrongType)?;
            if checks.len() > crate::domain::plan::MAX_ITEMS {
                return Err(Problem::TooLong);
            }
            for c in &checks {
                if !monitoring::RECEIVED.contains(&c.received.as_str()) {
                    return Err(Problem::NotAChoice);
                }
                check_text(&c.note, 1000)?;
            }
            Ok(())
        }
    }
}

use chrono::Datelike;

fn check_text(s: &str, max: usize) -> Result<(), Problem> {
    if s.chars().count() > max {
        return Err(Problem::TooLong);
    }
    // Control characters have no place in a name or a note (tabs and new lines do).
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(Problem::ControlCharacter);
    }
    Ok(())
}

/// A field as text for people: what the conflict screen and the case list show.
pub fn display_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(display_value).collect::<Vec<_>>().join(", "),
        Value::Object(_) => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_in_the_future_only_after_kosovos_today() {
        use chrono::TimeZone;
        // 23:30 UTC on 24 November is 00:30 on the 25th in Kosovo (UTC+1 in winter).
        let ctx = Context::at(Utc.with_ymd_and_hms(2026, 11, 24, 23, 30, 0).unwrap());
        let date = |d: &str| check_value(FieldType::PastDate, &Value::from(d), &ctx);
        assert_eq!(date("2026-11-25"), Ok(()));
        assert_eq!(date("2026-11-26"), Err(Problem::FutureDate));
        // Summer: UTC+2.
        let ctx = Context::at(Utc.with_ymd_and_hms(2026, 7, 1, 22, 10, 0).unwrap());
        assert_eq!(
            check_value(FieldType::PastDate, &Value::from("2026-07-02"), &ctx),
            Ok(())
        );
    }

    #[test]
    fn spec_finds_a_field_by_name_when_the_code_builds() {
        let village = crate::spec!(household, "village");
        assert_eq!((village.name, village.required), ("village", true));
        assert_eq!(crate::spec!(member, "sex").ty, FieldType::Choice(SEXES));
        assert!(!crate::spec!(visit, "notes").required);
        // Same length, different bytes: not a match.
        assert_eq!(spec_in(member::SCHEMA, "last_name").name, "last_name");
    }

    /// A valid value of every field of the schema, read as the struct and written back: the
    /// struct and the schema name the same fields.
    fn covers_its_schema<T: TypedRecord + std::fmt::Debug>() {
        let id = Value::String(Uuid::nil().to_string());
        let full: Fields = T::KIND
            .schema()
            .iter()
            .map(|spec| {
                let v = match spec.ty {
                    FieldType::Text { .. } => Value::from("x"),
                    FieldType::PastDate | FieldType::Date => Value::from("2026-01-31"),
                    FieldType::PastInstant => Value::from("2026-01-31T10:00:00Z"),
                    FieldType::TimeOfDay => Value::from("14:30"),
                    FieldType::Bool => Value::Bool(true),
                    FieldType::Choice(c) => Value::from(c[0]),
                    FieldType::Int { min, .. } => Value::from(min),
                    FieldType::Number { min, .. } => Value::from(min),
                    FieldType::Id => id.clone(),
                    FieldType::IdList => Value::Array(vec![id.clone()]),
                    FieldType::TextList { .. } => Value::Array(vec![Value::from("sq")]),
                    FieldType::Answers => serde_json::json!({ "household": {} }),
                    FieldType::PlanItems => serde_json::json!([{ "id": id, "status": "planned" }]),
                    FieldType::PlanContent => serde_json::json!({ "plan_type": "pir", "items": [] }),
                    FieldType::ServiceChecks => serde_json::json!([{ "item_id": id, "received": "yes" }]),
                    FieldType::GoalProgress => serde_json::json!([{ "item_id": id, "progress": "on_track" }]),
                };
                (spec.name.to_string(), v)
            })
            .collect();
        let typed = T::from_fields(&full).unwrap_or_else(|e| panic!("{e}"));
        let back = typed.to_fields();
        let names = |f: &Fields| f.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(&back), names(&full), "{:?}", T::KIND);
        assert_eq!(T::from_fields(&back).unwrap().to_fields(), back);
    }

    #[test]
    fn every_kind_s_struct_names_the_fields_of_its_schema() {
        covers_its_schema::<Case>();
        covers_its_schema::<Household>();
        covers_its_schema::<Member>();
        covers_its_schema::<ReturnEvent>();
        covers_its_schema::<Visit>();
        covers_its_schema::<Assessment>();
        covers_its_schema::<Attachment>();
        covers_its_schema::<Referral>();
        covers_its_schema::<ClosureDecision>();
        covers_its_schema::<Vulnerability>();
        covers_its_schema::<PlanVersion>();
        covers_its_schema::<PlanDecision>();
        covers_its_schema::<Monitoring>();
        covers_its_schema::<Review>();
        covers_its_schema::<Housing>();
        covers_its_schema::<HousingApplication>();
        covers_its_schema::<CommissionDecision>();
        covers_its_schema::<HousingReview>();
        covers_its_schema::<Benefit>();
        covers_its_schema::<Anamnesis>();
        covers_its_schema::<FinalAssessment>();
        covers_its_schema::<Closure>();
        covers_its_schema::<ClosureDecision>();
    }

    #[test]
    fn a_half_typed_draft_reads_as_far_as_it_goes() {
        let fields: Fields = serde_json::from_value(serde_json::json!({
            "first_name": "Ёлена", "last_name": "Gashi", "birth_date": "2016-0"
        }))
        .unwrap();
        assert!(Member::from_fields(&fields).is_err());
        let m = Member::read(&fields);
        assert_eq!(
            (m.first_name.as_str(), m.last_name.as_str(), m.birth_date),
            ("Ёлена", "Gashi", None)
        );
    }

    #[test]
    fn a_partial_struct_is_a_partial_change() {
        let change = Case {
            merged_into: Some(Uuid::nil()),
            ..Default::default()
        }
        .to_fields();
        assert_eq!(change.keys().collect::<Vec<_>>(), ["merged_into"]);
    }
    use serde_json::json;

    fn ctx() -> Context {
        let now = DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Context::at(now)
    }

    fn fields(v: Value) -> Fields {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn member_in_any_script_is_valid() {
        let m = fields(json!({
            "household_id": Uuid::now_v7(), "first_name": "Đorđe", "last_name": "Ђорђевић",
            "birth_date": "1980-02-29", "sex": "male", "relationship": "head", "languages": ["sr", "sq"]
        }));
        assert_eq!(validate(RecordKind::Member, &m, &ctx()), vec![]);
    }

    #[test]
    fn each_problem_is_named() {
        let m = fields(json!({
            "household_id": "not-a-uuid", "first_name": "A".repeat(101), "birth_date": "2027-01-01",
            "sex": "unknown", "relationship": 3, "colour": "blue"
        }));
        let errors = validate(RecordKind::Member, &m, &ctx());
        let got: Vec<(&str, Problem)> = errors.iter().map(|e| (e.field.as_str(), e.problem)).collect();
        assert_eq!(
            got,
            vec![
                ("birth_date", Problem::FutureDate),
                ("colour", Problem::Unknown),
                ("first_name", Problem::TooLong),
                ("household_id", Problem::WrongType),
                ("last_name", Problem::Required),
                ("relationship", Problem::WrongType),
                ("sex", Problem::NotAChoice),
            ]
        );
    }

    #[test]
    fn server_only_fields_are_read_only_in_changes() {
        let change = fields(json!({ "status": "closed", "household_id": Uuid::now_v7(), "x": 1 }));
        let errors = check_change_fields(RecordKind::Case, &change);
        assert_eq!(
            errors,
            vec![
                FieldError::new("status", Problem::ReadOnly),
                FieldError::new("x", Problem::Unknown)
            ]
        );
    }

    #[test]
    fn visit_location_needs_consent_and_clock_skew_is_tolerated() {
        let mut v = fields(json!({
            "visited_at": "2026-11-20T10:05:00Z", "kind": "initial", "village": "Plemetin",
            "latitude": 42.69, "longitude": 21.03
        }));
        assert_eq!(
            validate(RecordKind::Visit, &v, &ctx()),
            vec![FieldError::new("latitude", Problem::NoConsent)]
        );
        v.insert("gps_consent".into(), json!(true));
        assert_eq!(validate(RecordKind::Visit, &v, &ctx()), vec![]);
        v.insert("visited_at".into(), json!("2026-11-21T10:00:00Z"));
        assert_eq!(
            validate(RecordKind::Visit, &v, &ctx()),
            vec![FieldError::new("visited_at", Problem::FutureDate)]
        );
    }

    #[test]
    fn visit_present_must_be_household_members() {
        let member = assessment::MemberFacts {
            id: Uuid::now_v7(),
            birth_date: None,
        };
        let mut c = ctx();
        c.members.push(member);
        let v = fields(json!({
            "visited_at": "2026-11-20T09:00:00Z", "kind": "initial", "village": "Babimoc",
            "present": [member.id, Uuid::now_v7()]
        }));
        assert_eq!(
            validate(RecordKind::Visit, &v, &c),
            vec![FieldError::new("present", Problem::UnknownMember)]
        );
    }

    #[test]
    fn attachment_hash_is_lowercase_hex() {
        let mut a = fields(json!({
            "owner_id": Uuid::now_v7(), "purpose": "signature", "label": "Kryefamiljari",
            "sha256": "ab".repeat(32), "content_type": "image/png", "size": 1200
        }));
        assert_eq!(validate(RecordKind::Attachment, &a, &ctx()), vec![]);
        a.insert("sha256".into(), json!("AB".repeat(32)));
        assert_eq!(
            validate(RecordKind::Attachment, &a, &ctx()),
            vec![FieldError::new("sha256", Problem::WrongType)]
        );
        a.insert("size".into(), json!(MAX_ATTACHMENT_BYTES + 1));
        assert_eq!(validate(RecordKind::Attachment, &a, &ctx()).len(), 2);
    }

    fn problems(kind: RecordKind, v: Value) -> Vec<(String, Problem)> {
        validate(kind, &fields(v), &ctx())
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn an_enrolment_names_its_school_and_certificates_follow_their_request() {
        let child = json!({"first_name": "Ђорђе", "last_name": "Dërmaku", "enrolled_on": "2026-09-10", "grade": 4});
        assert_eq!(
            problems(RecordKind::Schooling, child),
            vec![("school_id".to_string(), Problem::Required)]
        );
        let certificates = json!({
            "first_name": "Elif", "last_name": "Şahin",
            "certificate_requested_on": "2026-10-01", "certificate_received_on": "2026-09-30",
            "nostrified_on": "2026-09-15", "certificate_translated_on": "2026-10-02"
        });
        assert_eq!(
            problems(RecordKind::Schooling, certificates),
            vec![
                ("certificate_received_on".to_string(), Problem::BeforeRequest),
                ("nostrified_on".to_string(), Problem::BeforeRequest)
            ]
        );
        let flagged = json!({"first_name": "A", "last_name": "B", "at_risk_by_hand": true,
                             "end_reason": "left_school"});
        assert_eq!(
            problems(RecordKind::Schooling, flagged),
            vec![
                ("at_risk_reason".to_string(), Problem::Required),
                ("at_risk_since".to_string(), Problem::Required),
                ("left_reason".to_string(), Problem::Required)
            ]
        );
    }

    #[test]
    fn absences_cannot_exceed_the_days_of_their_period() {
        let id = Uuid::from_u128(7);
        // A week of 7 calendar days: 5 school days, 6 absent is too many.
        let week = json!({"schooling_id": id, "period_from": "2026-11-09", "period_to": "2026-11-15",
                          "school_days": 5, "absent_days": 6, "longest_absence_run": 6});
        assert_eq!(
            problems(RecordKind::Attendance, week),
            vec![("absent_days".to_string(), Problem::OverPeriod)]
        );
        let too_many_days = json!({"schooling_id": id, "period_from": "2026-11-09", "period_to": "2026-11-13",
                                   "school_days": 6, "absent_days": 2, "longest_absence_run": 3});
        assert_eq!(
            problems(RecordKind::Attendance, too_many_days),
            vec![
                ("longest_absence_run".to_string(), Problem::OverPeriod),
                ("school_days".to_string(), Problem::OverPeriod)
            ]
        );
        let fine = json!({"schooling_id": id, "period_from": "2026-11-09", "period_to": "2026-11-13",
                          "school_days": 5, "absent_days": 5, "longest_absence_run": 5});
        assert_eq!(problems(RecordKind::Attendance, fine), vec![]);
    }
}
