//! Helpers around the generated `i18n` module: the language list and translated labels for
//! domain values.

use crate::domain::{InstitutionKind, Role};
use crate::i18n::{t_string, Locale};
use leptos_i18n::{I18nContext, Locale as _};

/// Each language named in itself, as language pickers conventionally do: a person who cannot
/// read the current language must still find their own.
pub const LANGUAGES: [(Locale, &str); 4] = [
    (Locale::sq, "Shqip"),
    (Locale::sr_Latn, "Srpski (latinica)"),
    (Locale::tr, "Türkçe"),
    (Locale::en, "English"),
];

pub fn is_supported(tag: &str) -> bool {
    LANGUAGES.iter().any(|(l, _)| l.as_str() == tag)
}

pub fn parse_locale(tag: &str) -> Option<Locale> {
    LANGUAGES.iter().map(|(l, _)| *l).find(|l| l.as_str() == tag)
}

pub fn role_label(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::FieldWorker => t_string!(i18n, role_field_worker).to_string(),
        Role::CaseManager => t_string!(i18n, role_case_manager).to_string(),
        Role::SchoolTeam => t_string!(i18n, role_school_team).to_string(),
        Role::Supervisor => t_string!(i18n, role_supervisor).to_string(),
        Role::Partner => t_string!(i18n, role_partner).to_string(),
        Role::Admin => t_string!(i18n, role_admin).to_string(),
    }
}

pub fn institution_kind_label(i18n: I18nContext<Locale>, kind: InstitutionKind) -> String {
    match kind {
        InstitutionKind::CommunitiesOffice => t_string!(i18n, kind_communities_office).to_string(),
        InstitutionKind::SocialWorkCentre => t_string!(i18n, kind_social_work_centre).to_string(),
        InstitutionKind::EmploymentOffice => t_string!(i18n, kind_employment_office).to_string(),
        InstitutionKind::VocationalCentre => t_string!(i18n, kind_vocational_centre).to_string(),
        InstitutionKind::CivilStatus => t_string!(i18n, kind_civil_status).to_string(),
        InstitutionKind::HealthCentre => t_string!(i18n, kind_health_centre).to_string(),
        InstitutionKind::EducationDirectorate => t_string!(i18n, kind_education_directorate).to_string(),
        InstitutionKind::ReintegrationCommission => t_string!(i18n, kind_reintegration_commission).to_string(),
        InstitutionKind::Police => t_string!(i18n, kind_police).to_string(),
        InstitutionKind::Ngo => t_string!(i18n, kind_ngo).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const FILES: [(&str, &str); 4] = [
        ("sq", include_str!("../locales/sq.json")),
        ("sr-Latn", include_str!("../locales/sr-Latn.json")),
        ("tr", include_str!("../locales/tr.json")),
        ("en", include_str!("../locales/en.json")),
    ];

    fn keys(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
        if let Some(obj) = v.as_object() {
            for (k, child) in obj {
                keys(&format!("{prefix}{k}."), child, out);
            }
        } else {
            out.insert(prefix.trim_end_matches('.').to_string());
        }
    }

    #[test]
    fn every_language_has_every_key_and_no_empty_text() {
        let sets: Vec<(&str, BTreeSet<String>)> = FILES
            .iter()
            .map(|(name, text)| {
                let json: serde_json::Value = serde_json::from_str(text).unwrap();
                let mut set = BTreeSet::new();
                keys("", &json, &mut set);
                for key in &set {
                    let value = key.split('.').fold(&json, |v, k| &v[k]);
                    assert!(
                        value.as_str().is_some_and(|s| !s.trim().is_empty()),
                        "{name}: {key} is empty"
                    );
                }
                (*name, set)
            })
            .collect();
        let all: BTreeSet<String> = sets.iter().flat_map(|(_, s)| s.iter().cloned()).collect();
        for (name, set) in &sets {
            let missing: Vec<_> = all.difference(set).collect();
            assert!(missing.is_empty(), "{name} lacks keys: {missing:?}");
        }
    }

    #[test]
    fn language_list_matches_the_generated_locales() {
        assert_eq!(LANGUAGES.len(), Locale::get_all().len());
        for (locale, _) in LANGUAGES {
            assert!(is_supported(locale.as_str()));
            assert_eq!(parse_locale(locale.as_str()), Some(locale));
        }
        assert!(!is_supported("de"));
    }
}
