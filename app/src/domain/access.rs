//! Who may do what, and where. The server enforces these on every request; the phone uses the
//! same rules only to hide what would be refused anyway.

use super::{Role, SessionUser};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See and manage the users of a municipality.
    ManageUsers,
    /// See the municipality's institution registry.
    ViewInstitutions,
}

impl Permission {
    fn roles(self) -> &'static [Role] {
        match self {
            Permission::ManageUsers => &[Role::Admin],
            Permission::ViewInstitutions => &[
                Role::FieldWorker,
                Role::CaseManager,
                Role::SchoolTeam,
                Role::Supervisor,
                Role::Admin,
            ],
        }
    }
}

/// True when `user` holds a role that grants `permission` *and* the data belongs to the user's
/// own municipality: a municipality is the unit of data ownership.
pub fn allows(user: &SessionUser, permission: Permission, municipality_id: Uuid) -> bool {
    user.active && user.municipality_id == municipality_id && permission.roles().iter().any(|r| user.roles.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role], municipality_id: Uuid) -> SessionUser {
        SessionUser {
            id: Uuid::now_v7(),
            username: "u".into(),
            display_name: "U".into(),
            municipality_id,
            municipality_name: "M".into(),
            roles: roles.to_vec(),
            locale: "sq".into(),
            active: true,
        }
    }

    #[test]
    fn admin_manages_users_of_own_municipality_only() {
        let home = Uuid::now_v7();
        let other = Uuid::now_v7();
        let admin = user(&[Role::Admin], home);
        assert!(allows(&admin, Permission::ManageUsers, home));
        assert!(!allows(&admin, Permission::ManageUsers, other));
    }

    #[test]
    fn other_roles_cannot_manage_users() {
        let home = Uuid::now_v7();
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            assert!(!allows(&user(&[role], home), Permission::ManageUsers, home), "{role}");
        }
    }

    #[test]
    fn a_disabled_user_is_allowed_nothing() {
        let home = Uuid::now_v7();
        let mut admin = user(&[Role::Admin], home);
        admin.active = false;
        assert!(!allows(&admin, Permission::ManageUsers, home));
        assert!(!allows(&admin, Permission::ViewInstitutions, home));
    }

    #[test]
    fn partners_do_not_browse_the_registry() {
        let home = Uuid::now_v7();
        assert!(!allows(
            &user(&[Role::Partner], home),
            Permission::ViewInstitutions,
            home
        ));
        assert!(allows(
            &user(&[Role::FieldWorker], home),
            Permission::ViewInstitutions,
            home
        ));
    }
}
