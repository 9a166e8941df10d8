//! What can be wrong with one field of a record or one answer of a form, as a code the phone
//! translates. A leaf: every rule that checks input names its problems with these.

use serde::{Deserialize, Serialize};

/// What is wrong with one field, as a code the phone translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Problem {
    /// Not a field (or answer) of this record.
    Unknown,
    /// Names nothing the case's municipality has: an institution, school, service or record of
    /// another municipality, or none at all.
    UnknownReference,
    /// A control character (a NUL byte, an escape) in a text; tabs and new lines are text.
    ControlCharacter,
    WrongType,
    Required,
    TooLong,
    FutureDate,
    NotAChoice,
    OutOfRange,
    ReadOnly,
    /// An answer to a question the form's skip logic hides.
    Hidden,
    /// Refers to a household member who does not exist.
    UnknownMember,
    /// GPS coordinates without the person's consent.
    NoConsent,
    /// A due date before the start date.
    DueBeforeStart,
    /// A decision (or an appeal, an execution) dated before the application it answers.
    BeforeApplication,
    /// Too early in the case: the final assessment opens in the 17th month after the return.
    TooEarly,
    /// A referral of the case still waits for its answer (closure must wait).
    OpenReferral,
    /// The plan was changed and the change is not approved (closure must wait).
    PlanNotApproved,
    /// More days than the period has (absences over the school days, school days over the
    /// calendar days).
    OverPeriod,
    /// A certificate received, translated or nostrified before it was requested.
    BeforeRequest,
}

impl Problem {
    pub fn describe(self) -> &'static str {
        match self {
            Problem::Unknown => "is not a field of this record",
            Problem::UnknownReference => "names nothing this municipality has",
            Problem::ControlCharacter => "contains a control character",
            Problem::WrongType => "has the wrong type",
            Problem::Required => "is required",
            Problem::TooLong => "is too long",
            Problem::FutureDate => "is in the future",
            Problem::NotAChoice => "is not one of the allowed values",
            Problem::OutOfRange => "is out of range",
            Problem::ReadOnly => "can only be set by the office",
            Problem::Hidden => "answers a question that does not apply",
            Problem::UnknownMember => "names a person who is not in the household",
            Problem::NoConsent => "needs the person's consent to record a location",
            Problem::DueBeforeStart => "is before the start date",
            Problem::BeforeApplication => "is before the application",
            Problem::TooEarly => "is before the 17th month after the return",
            Problem::OpenReferral => "is a referral that still waits for its answer",
            Problem::PlanNotApproved => "has changes that are not approved",
            Problem::OverPeriod => "is more days than the period has",
            Problem::BeforeRequest => "is before the request",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.problem.describe())
    }
}
