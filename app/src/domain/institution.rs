//! The municipality's registry of institutions that receive referrals (see `shared/domain.md`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum InstitutionKind {
    /// Municipal office for communities and return (ZKKK / OKZP).
    CommunitiesOffice,
    /// Centre for social work (QPS / CSR).
    SocialWorkCentre,
    /// Employment office (ZP / KZ).
    EmploymentOffice,
    /// Vocational training centre (QAP / CSO).
    VocationalCentre,
    /// Civil status office (ZGJC / SCS).
    CivilStatus,
    /// Mental health / family medicine centre.
    HealthCentre,
    /// Municipal education directorate (DKA / ODO).
    EducationDirectorate,
    /// Municipal reintegration commission (KKR / OKR).
    ReintegrationCommission,
    Police,
    Ngo,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 10] = [
        InstitutionKind::CommunitiesOffice,
        InstitutionKind::SocialWorkCentre,
        InstitutionKind::EmploymentOffice,
        InstitutionKind::VocationalCentre,
        InstitutionKind::CivilStatus,
        InstitutionKind::HealthCentre,
        InstitutionKind::EducationDirectorate,
        InstitutionKind::ReintegrationCommission,
        InstitutionKind::Police,
        InstitutionKind::Ngo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::CommunitiesOffice => "communities_office",
            InstitutionKind::SocialWorkCentre => "social_work_centre",
            InstitutionKind::EmploymentOffice => "employment_office",
            InstitutionKind::VocationalCentre => "vocational_centre",
            InstitutionKind::CivilStatus => "civil_status",
            InstitutionKind::HealthCentre => "health_centre",
            InstitutionKind::EducationDirectorate => "education_directorate",
            InstitutionKind::ReintegrationCommission => "reintegration_commission",
            InstitutionKind::Police => "police",
            InstitutionKind::Ngo => "ngo",
        }
    }

    pub fn parse(s: &str) -> Option<InstitutionKind> {
        InstitutionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Institution {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub kind: InstitutionKind,
    /// Proper name as the institution writes it (any script).
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in InstitutionKind::ALL {
            assert_eq!(InstitutionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(InstitutionKind::parse("bank"), None);
    }
}
