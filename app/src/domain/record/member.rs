//! A member of the household: a person. A person registered twice is merged into the first
//! registration and keeps only `merged_into`.

use super::{f, server, FieldSpec, FieldType, RecordKind, TypedRecord, NAME};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("household_id", FieldType::Id, true),
    f("first_name", NAME, true),
    f("last_name", NAME, true),
    f("birth_date", FieldType::PastDate, true),
    f("sex", FieldType::Choice(super::SEXES), true),
    f("relationship", FieldType::Choice(super::RELATIONSHIPS), true),
    f("personal_number", FieldType::Text { max: 20 }, false),
    f("languages", FieldType::TextList { max_items: 8, max: 40 }, false),
    f("phone", FieldType::Text { max: 30 }, false),
    // Set when this person was found to be another already registered, and merged into them.
    server("merged_into", FieldType::Id),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Member {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household_id: Option<Uuid>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_number: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
}

impl TypedRecord for Member {
    const KIND: RecordKind = RecordKind::Member;
}

impl Member {
    /// What the form's rules need of a member (age on a day), read off its fields: the one
    /// reading the phone and the server share.
    pub fn facts(id: Uuid, fields: &super::Fields) -> crate::domain::assessment::MemberFacts {
        crate::domain::assessment::MemberFacts {
            id,
            birth_date: <Member as TypedRecord>::from_fields(fields)
                .ok()
                .and_then(|m| m.birth_date),
        }
    }

    pub fn is_head(&self) -> bool {
        self.relationship.as_deref() == Some("head")
    }

    /// First and last name, as typed.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The personal number, when one was written.
    pub fn personal_number(&self) -> Option<&str> {
        self.personal_number.as_deref().filter(|s| !s.trim().is_empty())
    }
}
