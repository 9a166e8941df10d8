//! A signature or a document photo; its bytes travel separately, checked by their hash.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    // The visit or assessment this belongs to.
    f("owner_id", FieldType::Id, true),
    f("purpose", FieldType::Choice(super::ATTACHMENT_PURPOSES), true),
    // Who signed, or what the document is.
    f("label", NAME, true),
    f("sha256", FieldType::Text { max: 64 }, true),
    f("content_type", FieldType::Choice(super::IMAGE_TYPES), true),
    f(
        "size",
        FieldType::Int {
            min: 1,
            max: super::MAX_ATTACHMENT_BYTES,
        },
        true,
    ),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attachment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
}

impl TypedRecord for Attachment {
    const KIND: RecordKind = RecordKind::Attachment;
}

impl Attachment {
    /// The image type, JPEG when none was given.
    pub fn content_type(&self) -> &str {
        self.content_type.as_deref().unwrap_or("image/jpeg")
    }
}
