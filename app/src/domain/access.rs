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

/// How much of a municipality's field work a user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseView {
    /// The cases assigned to the user (field workers).
    Assigned,
    /// Every case of the user's municipality (supervisors, case managers).
    Municipality,
}

pub fn case_view(user: &SessionUser) -> Option<CaseView> {
    if !user.active {
        None
    } else if user.has_role(Role::Supervisor) || user.has_role(Role::CaseManager) {
        Some(CaseView::Municipality)
    } else if user.has_role(Role::FieldWorker) {
        Some(CaseView::Assigned)
    } else {
        None
    }
}

/// True when `user` may read and edit the records of a case held in `municipality_id` and
/// assigned to `assignee`. Victims' records are in these cases: no role sees across municipalities.
pub fn may_work_on_case(user: &SessionUser, municipality_id: Uuid, assignee: Option<Uuid>) -> bool {
    user.municipality_id == municipality_id
        && match case_view(user) {
            Some(CaseView::Municipality) => true,
            Some(CaseView::Assigned) => assignee == Some(user.id),
            None => false,
        }
}

/// A field worker whose case a supervisor gave to a colleague may still send the edits their
/// phone made before the reassignment: queued work is sent, never lost. Later edits are refused.
pub fn may_finish_queued_edit(
    user: &SessionUser,
    municipality_id: Uuid,
    previous_worker: Option<Uuid>,
    reassigned_at: Option<chrono::DateTime<chrono::Utc>>,
    made_at: chrono::DateTime<chrono::Utc>,
) -> bool {
    user.active
        && user.municipality_id == municipality_id
        && user.has_role(Role::FieldWorker)
        && previous_worker == Some(user.id)
        && reassigned_at.is_some_and(|at| made_at <= at)
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
    fn field_workers_see_their_own_cases_supervisors_the_municipality() {
        let (home, other) = (Uuid::now_v7(), Uuid::now_v7());
        let worker = user(&[Role::FieldWorker], home);
        let supervisor = user(&[Role::Supervisor], home);
        let school = user(&[Role::SchoolTeam], home);
        assert!(may_work_on_case(&worker, home, Some(worker.id)));
        assert!(!may_work_on_case(&worker, home, Some(Uuid::now_v7())));
        assert!(!may_work_on_case(&worker, other, Some(worker.id)));
        assert!(may_work_on_case(&supervisor, home, Some(worker.id)));
        assert!(!may_work_on_case(&supervisor, other, None));
        assert!(!may_work_on_case(&school, home, None));
        assert_eq!(case_view(&school), None);
    }

    #[test]
    fn the_worker_before_a_reassignment_sends_only_what_was_queued_before_it() {
        let home = Uuid::now_v7();
        let before = user(&[Role::FieldWorker], home);
        let stranger = user(&[Role::FieldWorker], home);
        let at = chrono::Utc::now();
        let earlier = at - chrono::Duration::hours(3);
        let later = at + chrono::Duration::seconds(1);
        assert!(may_finish_queued_edit(
            &before,
            home,
            Some(before.id),
            Some(at),
            earlier
        ));
        assert!(may_finish_queued_edit(&before, home, Some(before.id), Some(at), at));
        assert!(!may_finish_queued_edit(&before, home, Some(before.id), Some(at), later));
        assert!(!may_finish_queued_edit(
            &stranger,
            home,
            Some(before.id),
            Some(at),
            earlier
        ));
        assert!(!may_finish_queued_edit(
            &before,
            Uuid::now_v7(),
            Some(before.id),
            Some(at),
            earlier
        ));
        assert!(!may_finish_queued_edit(&before, home, Some(before.id), None, earlier));
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
