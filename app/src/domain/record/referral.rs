//! A referral to an institution of the municipality's registry: made on the phone, answered by
//! the institution's partner user (`sent` → `accepted` or `declined` → `service_given`), closed
//! by the worker, offline if need be.

use super::{f, server, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ReferralKind {
    Psychosocial,
    Housing,
    Schooling,
    CivilDocuments,
    Employment,
    Health,
    SocialAssistance,
}

impl ReferralKind {
    pub const ALL: [ReferralKind; 7] = [
        ReferralKind::Psychosocial,
        ReferralKind::Housing,
        ReferralKind::Schooling,
        ReferralKind::CivilDocuments,
        ReferralKind::Employment,
        ReferralKind::Health,
        ReferralKind::SocialAssistance,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReferralKind::Psychosocial => "psychosocial",
            ReferralKind::Housing => "housing",
            ReferralKind::Schooling => "schooling",
            ReferralKind::CivilDocuments => "civil_documents",
            ReferralKind::Employment => "employment",
            ReferralKind::Health => "health",
            ReferralKind::SocialAssistance => "social_assistance",
        }
    }
}

/// The kinds as stored (the schema's choices); the same as [`ReferralKind::as_str`] (tested).
pub const REFERRAL_KINDS: &[&str] = &[
    "psychosocial",
    "housing",
    "schooling",
    "civil_documents",
    "employment",
    "health",
    "social_assistance",
];

/// Every state a referral can be in.
pub const STATES: &[&str] = &["sent", "accepted", "declined", "service_given", "closed"];

pub const SCHEMA: &[FieldSpec] = &[
    f("kind", FieldType::Choice(REFERRAL_KINDS), true),
    // An institution of the municipality's registry (checked by the server).
    f("institution_id", FieldType::Id, true),
    f("sent_on", FieldType::PastDate, true),
    f("note", NOTE, false),
    f("assessment_id", FieldType::Id, false),
    // The worker closes the referral, offline if need be: the service was given, or it is no
    // longer needed.
    f("closed_on", FieldType::PastDate, false),
    f("closing_note", NOTE, false),
    // Set by the partner's answer, on the server.
    server("state", FieldType::Choice(STATES)),
    server("answered_on", FieldType::PastDate),
    // The day of each step the institution took.
    server("accepted_on", FieldType::PastDate),
    server("declined_on", FieldType::PastDate),
    server("service_given_on", FieldType::PastDate),
    server("feedback", NOTE),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Referral {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declined_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_given_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

impl TypedRecord for Referral {
    const KIND: RecordKind = RecordKind::Referral;
}

impl Referral {
    pub fn kind(&self) -> Option<ReferralKind> {
        ReferralKind::parse(self.kind.as_deref()?)
    }

    /// The state: closed by the worker whatever the institution said before, else the
    /// institution's last answer, else `sent`.
    pub fn state(&self) -> &str {
        if self.closed_on.is_some() {
            "closed"
        } else {
            match self.state.as_deref() {
                None | Some("") => "sent",
                Some(s) => s,
            }
        }
    }

    /// The day the referral reached its current state.
    pub fn state_on(&self) -> Option<NaiveDate> {
        match self.state() {
            "closed" => self.closed_on,
            "accepted" => self.accepted_on,
            "declined" => self.declined_on,
            "service_given" => self.service_given_on,
            _ => self.sent_on,
        }
    }

    /// True once the partner has answered (the follow-up is then done).
    pub fn partner_answered(&self) -> bool {
        self.answered_on.is_some() || !matches!(self.state.as_deref(), None | Some("") | Some("sent"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_kinds_are_the_enum_s() {
        let names: Vec<_> = ReferralKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, REFERRAL_KINDS);
    }
}
