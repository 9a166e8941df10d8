//! The roles a user can hold (see `shared/domain.md`, "Who uses it").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Needs-assessment team: visits families, fills the form, logs visits.
    FieldWorker,
    /// Drafts the individual plan, monthly monitoring, quarterly review.
    CaseManager,
    /// School dropout prevention and response team.
    SchoolTeam,
    /// Head of office / centre: approves plans and closures.
    Supervisor,
    /// Partner institution receiving referrals.
    Partner,
    /// Municipal administrator: users, institutions, form versions.
    Admin,
    /// The ministry's department: every municipality's indicators side by side, aggregates
    /// only, never a case.
    National,
}

impl Role {
    /// Every role, in the order home screens show their sections.
    pub const ALL: [Role; 7] = [
        Role::FieldWorker,
        Role::CaseManager,
        Role::SchoolTeam,
        Role::Supervisor,
        Role::Partner,
        Role::Admin,
        Role::National,
    ];

    /// The roles a municipality's administrator gives; the national role is given when the
    /// ministry's users are created (`reintegra create-admin --national`).
    pub const MUNICIPAL: [Role; 6] = [
        Role::FieldWorker,
        Role::CaseManager,
        Role::SchoolTeam,
        Role::Supervisor,
        Role::Partner,
        Role::Admin,
    ];

    /// Stable identifier used in the database, the API and the UI's test hooks.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FieldWorker => "field_worker",
            Role::CaseManager => "case_manager",
            Role::SchoolTeam => "school_team",
            Role::Supervisor => "supervisor",
            Role::Partner => "partner",
            Role::Admin => "admin",
            Role::National => "national",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_identifier() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn serde_uses_the_same_identifier() {
        let json = serde_json::to_string(&Role::SchoolTeam).unwrap();
        assert_eq!(json, "\"school_team\"");
    }
}
