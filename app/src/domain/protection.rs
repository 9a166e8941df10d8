//! Protecting victims: which cases are restricted, and who may mark or lift a restriction.
//!
//! A case is restricted while a person in it is in a protected category (a victim of
//! trafficking or of domestic violence, a child victim of abuse) or a supervisor marked it so.
//! A restricted case is seen only by its assigned field worker, its case manager and the
//! municipality's supervisors ([`crate::domain::access`]); lifting the restriction takes a
//! supervisor and a reason, and covers only the protected categories noted until then: one
//! noted later restricts the case again.

use super::record::{Case, Vulnerability};
use super::{Role, SessionUser};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The categories that restrict a case by themselves.
pub const PROTECTED: &[&str] = &["trafficking", "domestic_violence", "child_abuse"];

/// A supervisor's decisions on a case's restriction.
pub const DECISIONS: &[&str] = &["marked", "lifted"];

pub fn is_protected(category: &str) -> bool {
    PROTECTED.contains(&category)
}

/// Whether the case is restricted, given its current record and the categories of its people
/// (`(record ID, category)` as stored).
pub fn restricted(case: &Case, categories: &[(Uuid, Vulnerability)]) -> bool {
    if case.restriction.as_deref() == Some("marked") {
        return true;
    }
    let lifted: &[Uuid] = if case.restriction.as_deref() == Some("lifted") {
        &case.restriction_lifted_for
    } else {
        &[]
    };
    current_protected(categories).any(|id| !lifted.contains(&id))
}

/// The IDs of the protected categories that still apply: what a lifting covers.
pub fn current_protected(categories: &[(Uuid, Vulnerability)]) -> impl Iterator<Item = Uuid> + '_ {
    categories
        .iter()
        .filter(|(_, v)| v.is_current() && v.category.as_deref().is_some_and(is_protected))
        .map(|(id, _)| *id)
}

/// A supervisor's change to a case's restriction, as sent to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionChange {
    /// `true` marks the case restricted, `false` lifts the restriction.
    pub restricted: bool,
    pub reason: String,
}

/// Why a restriction change is refused before it reaches the permission table's scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionRefusal {
    #[error("only a supervisor marks or lifts a restriction")]
    NotSupervisor,
    #[error("a reason is needed")]
    NoReason,
    #[error("the case is not restricted")]
    NotRestricted,
    #[error("the case is already restricted")]
    AlreadyRestricted,
}

/// The rule for marking and lifting, apart from the municipality (checked by the table): a
/// supervisor, with a reason (asked for both, so the trail says why), on a case in the other
/// state.
pub fn check_change(
    user: &SessionUser,
    now_restricted: bool,
    change: &RestrictionChange,
) -> Result<(), RestrictionRefusal> {
    if !user.active || !user.has_role(Role::Supervisor) {
        return Err(RestrictionRefusal::NotSupervisor);
    }
    if change.reason.trim().is_empty() {
        return Err(RestrictionRefusal::NoReason);
    }
    match (now_restricted, change.restricted) {
        (false, false) => Err(RestrictionRefusal::NotRestricted),
        (true, true) => Err(RestrictionRefusal::AlreadyRestricted),
        _ => Ok(()),
    }
}

/// The case's restriction fields after `change`, made by `by` at `at`, given the categories of
/// its people.
pub fn apply_change(
    case: &Case,
    categories: &[(Uuid, Vulnerability)],
    change: &RestrictionChange,
    by: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Case {
    let mut next = case.clone();
    next.restriction = Some(if change.restricted { "marked" } else { "lifted" }.into());
    next.restriction_reason = Some(change.reason.trim().to_string());
    next.restriction_by = Some(by);
    next.restriction_at = Some(at);
    next.restriction_lifted_for = if change.restricted {
        Vec::new()
    } else {
        current_protected(categories).collect()
    };
    next.restricted = Some(restricted(&next, categories));
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn category(name: &str) -> (Uuid, Vulnerability) {
        (
            Uuid::now_v7(),
            Vulnerability {
                member_id: Some(Uuid::now_v7()),
                category: Some(name.into()),
                noted_on: NaiveDate::from_ymd_opt(2026, 3, 1),
                ..Default::default()
            },
        )
    }

    fn user(role: Role) -> SessionUser {
        SessionUser {
            id: Uuid::now_v7(),
            username: "u".into(),
            display_name: "U".into(),
            municipality_id: Uuid::nil(),
            municipality_name: "Obiliq".into(),
            roles: vec![role],
            locale: "sq".into(),
            active: true,
            institution_id: None,
        }
    }

    #[test]
    fn a_protected_category_restricts_the_case_and_an_ended_one_does_not() {
        let case = Case::default();
        assert!(!restricted(&case, &[]));
        assert!(!restricted(
            &case,
            &[category("elderly_without_care"), category("drug_use")]
        ));
        for protected in ["trafficking", "domestic_violence", "child_abuse"] {
            assert!(restricted(&case, &[category(protected)]), "{protected}");
        }
        let mut ended = category("trafficking");
        ended.1.ended_on = NaiveDate::from_ymd_opt(2026, 6, 1);
        assert!(!restricted(&case, &[ended]));
    }

    #[test]
    fn a_supervisor_marks_a_case_without_a_protected_category() {
        let s = user(Role::Supervisor);
        let at = Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap();
        let change = RestrictionChange {
            restricted: true,
            reason: "Threats from a relative".into(),
        };
        assert_eq!(check_change(&s, false, &change), Ok(()));
        let marked = apply_change(&Case::default(), &[], &change, s.id, at);
        assert_eq!(marked.restricted, Some(true));
        assert!(restricted(&marked, &[]));
        assert_eq!(marked.restriction_by, Some(s.id));
        assert_eq!(
            check_change(&s, true, &change),
            Err(RestrictionRefusal::AlreadyRestricted)
        );
    }

    #[test]
    fn lifting_needs_a_supervisor_and_a_reason_and_a_later_category_restricts_again() {
        let categories = vec![category("domestic_violence")];
        let case = Case::default();
        let lift = RestrictionChange {
            restricted: false,
            reason: "She asked for her file to be shared with the employment office".into(),
        };
        for role in [
            Role::FieldWorker,
            Role::CaseManager,
            Role::Admin,
            Role::SchoolTeam,
            Role::Partner,
        ] {
            assert_eq!(
                check_change(&user(role), true, &lift),
                Err(RestrictionRefusal::NotSupervisor)
            );
        }
        let s = user(Role::Supervisor);
        let blank = RestrictionChange {
            restricted: false,
            reason: "  ".into(),
        };
        assert_eq!(check_change(&s, true, &blank), Err(RestrictionRefusal::NoReason));
        let mut inactive = s.clone();
        inactive.active = false;
        assert_eq!(
            check_change(&inactive, true, &lift),
            Err(RestrictionRefusal::NotSupervisor)
        );
        assert_eq!(check_change(&s, true, &lift), Ok(()));
        assert_eq!(check_change(&s, false, &lift), Err(RestrictionRefusal::NotRestricted));

        let at = Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap();
        let lifted = apply_change(&case, &categories, &lift, s.id, at);
        assert_eq!(lifted.restricted, Some(false));
        assert_eq!(lifted.restriction_lifted_for, vec![categories[0].0]);
        assert!(!restricted(&lifted, &categories));
        // A child victim of abuse noted after the lift restricts the case again.
        let mut later = categories.clone();
        later.push(category("child_abuse"));
        assert!(restricted(&lifted, &later));
    }
}
