//! A return (or, for foreigners, the protection or permit decision): the 72-hour clock starts
//! on its `event_date`, at its `event_time` when that is known.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Belgrade;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("household_id", FieldType::Id, true),
    f("category", FieldType::Choice(super::RETURN_CATEGORIES), true),
    // From which country (returnees) or the country of origin (foreigners).
    f("country", NAME, true),
    // Returnees: the day of return. Foreigners: the day of the protection or permit decision.
    // The 72-hour visit deadline runs from this date.
    f("event_date", FieldType::PastDate, true),
    // The hour of the return in Kosovo, when known (the airport registration has it): then the
    // first visit is due 72 elapsed hours later, not at the end of the third day.
    f("event_time", FieldType::TimeOfDay, false),
    f("airport_registration", FieldType::Text { max: 40 }, false),
    f("members", FieldType::IdList, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_date: Option<NaiveDate>,
    /// `HH:MM`, Kosovo's time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub airport_registration: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Uuid>,
}

impl TypedRecord for ReturnEvent {
    const KIND: RecordKind = RecordKind::ReturnEvent;
}

impl ReturnEvent {
    /// The instant of the return, when its time of day is known: the date and time read in
    /// Kosovo's zone (a time the clocks skip in spring counts from the hour after the change).
    pub fn returned_at(&self) -> Option<DateTime<Utc>> {
        let day = self.event_date?;
        let time = super::parse_time_of_day(self.event_time.as_deref()?)?;
        let local = day.and_time(time);
        let zoned = Belgrade.from_local_datetime(&local);
        zoned
            .earliest()
            .or_else(|| {
                Belgrade
                    .from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    }
}
