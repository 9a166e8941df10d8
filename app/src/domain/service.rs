//! The municipality's catalogue of standard services (the plans' "pakot standarde të
//! shërbimeve"): what an individual plan is built from. A service in use is retired, never
//! deleted, so old plans keep their meaning.

use super::assessment::Section;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The areas the plans group services in.
pub const SERVICE_AREAS: &[&str] = &[
    "documents",
    "employment",
    "vocational_training",
    "social_assistance",
    "health",
    "psychosocial",
    "housing",
    "education",
    "agriculture",
    "protection",
];

/// A service's name in each language of the interface (data, not interface text: an
/// administrator writes them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceNames {
    pub sq: String,
    pub sr: String,
    pub tr: String,
    pub en: String,
}

impl ServiceNames {
    /// The name in `locale` (`sq`, `sr-Latn`, `tr`, `en`), falling back to Albanian.
    pub fn in_locale(&self, locale: &str) -> &str {
        let name = match locale.split('-').next().unwrap_or(locale) {
            "sr" => &self.sr,
            "tr" => &self.tr,
            "en" => &self.en,
            _ => &self.sq,
        };
        if name.trim().is_empty() {
            &self.sq
        } else {
            name
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// One of [`SERVICE_AREAS`].
    pub area: String,
    pub names: ServiceNames,
    /// The institution of the registry that provides it, when one does.
    pub institution_id: Option<Uuid>,
    /// How long the service usually takes, in days: a new plan item's due date.
    pub typical_days: u32,
    pub retired: bool,
}

/// What an administrator writes to add or change a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInput {
    pub area: String,
    pub names: ServiceNames,
    pub institution_id: Option<Uuid>,
    pub typical_days: u32,
}

/// What is wrong with a service an administrator wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum ServiceInputError {
    #[error("the area is not one of the catalogue's areas")]
    UnknownArea,
    #[error("the service needs a name")]
    NameRequired,
    #[error("a name is longer than 120 characters")]
    NameTooLong,
    #[error("the typical duration must be between 1 and 730 days")]
    DaysOutOfRange,
}

impl ServiceInput {
    pub fn check(&self) -> Result<(), ServiceInputError> {
        if !SERVICE_AREAS.contains(&self.area.as_str()) {
            return Err(ServiceInputError::UnknownArea);
        }
        let names = [&self.names.sq, &self.names.sr, &self.names.tr, &self.names.en];
        if self.names.sq.trim().is_empty() {
            return Err(ServiceInputError::NameRequired);
        }
        if names.iter().any(|n| n.chars().count() > 120) {
            return Err(ServiceInputError::NameTooLong);
        }
        if !(1..=730).contains(&self.typical_days) {
            return Err(ServiceInputError::DaysOutOfRange);
        }
        Ok(())
    }
}

/// The catalogue areas that answer a need found in the assessment's section.
pub fn areas_for(section: Section) -> &'static [&'static str] {
    match section {
        Section::CivilDocuments => &["documents"],
        Section::Housing => &["housing"],
        Section::Schooling => &["education"],
        Section::Health => &["health"],
        Section::Psychosocial => &["psychosocial", "protection"],
        Section::Work => &["employment", "vocational_training"],
        Section::SocialAssistance => &["social_assistance"],
        Section::Agriculture => &["agriculture"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ServiceInput {
        ServiceInput {
            area: "housing".into(),
            names: ServiceNames {
                sq: "Qiraja e paguar nga programi".into(),
                sr: "Kirija koju plaća program".into(),
                tr: "Program tarafından ödenen kira".into(),
                en: "Rent paid by the programme".into(),
            },
            institution_id: None,
            typical_days: 365,
        }
    }

    #[test]
    fn a_service_needs_a_known_area_an_albanian_name_and_a_sane_duration() {
        assert_eq!(input().check(), Ok(()));
        let mut bad = input();
        bad.area = "luck".into();
        assert_eq!(bad.check(), Err(ServiceInputError::UnknownArea));
        let mut bad = input();
        bad.names.sq = "  ".into();
        assert_eq!(bad.check(), Err(ServiceInputError::NameRequired));
        let mut bad = input();
        bad.names.tr = "ş".repeat(121);
        assert_eq!(bad.check(), Err(ServiceInputError::NameTooLong));
        let mut bad = input();
        bad.typical_days = 0;
        assert_eq!(bad.check(), Err(ServiceInputError::DaysOutOfRange));
    }

    #[test]
    fn names_fall_back_to_albanian() {
        let mut names = input().names;
        assert_eq!(names.in_locale("sr-Latn"), "Kirija koju plaća program");
        names.tr.clear();
        assert_eq!(names.in_locale("tr"), "Qiraja e paguar nga programi");
    }

    #[test]
    fn every_need_section_has_an_area_of_the_catalogue() {
        for s in Section::ALL {
            assert!(!areas_for(s).is_empty());
            assert!(areas_for(s).iter().all(|a| SERVICE_AREAS.contains(a)));
        }
    }
}
