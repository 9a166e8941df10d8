//! Who may do what, and where: the one permission table. Every handler and server function asks
//! [`require`]; the phone uses the same table only to hide what would be refused anyway.
//! `docs/permissions.md` is written from this table by a test, so the two cannot drift.

use super::{Role, SessionUser};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Every action the product has. New steps (approving a plan, closing a case, school work,
/// indicators, reading the audit trail, restricted cases) add a variant here, a row in
/// [`Action::grants`] and a probe in `server/tests/permissions.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read a case and everything in it (pull, photos, conflicts, follow-ups).
    ViewCase,
    /// Write to a case (push, upload photos).
    EditCase,
    /// Give a case to another field worker.
    ReassignCase,
    /// See the people who may be registered twice.
    ViewDuplicates,
    /// Merge two registrations of one person.
    MergePeople,
    /// Decide that two registrations are different people.
    DismissDuplicate,
    /// Settle a conflict between two phones' edits.
    ResolveConflict,
    /// See the referrals sent to an institution.
    ViewIncomingReferrals,
    /// Answer a referral (accepted, declined, service given).
    AnswerReferral,
    /// See the municipality's days to follow up each kind of referral.
    ViewReferralDays,
    /// Set those days.
    SetReferralDays,
    /// See and manage the users of a municipality.
    ManageUsers,
    /// See the municipality's institution registry.
    ViewInstitutions,
    /// Draft and edit a case's individual plan, submit it, fill its monitoring and review.
    DraftPlan,
    /// Approve a submitted plan or return it.
    DecidePlan,
    /// Appoint a case's case manager by decision.
    AppointCaseManager,
    /// See the catalogue of standard services.
    ViewServices,
    /// Add, change and retire services of the catalogue.
    ManageServices,
    /// Enter a commission's decision on a housing application.
    RecordCommissionDecision,
    /// Keep the claims and benefits register of a case.
    RegisterClaims,
    /// Ask for a case to be closed (or handed to the municipality the family moved to).
    RequestClosure,
    /// Approve a closure request or return it.
    DecideClosure,
    /// Reopen a closed case, with a reason.
    ReopenCase,
    /// See the children's schooling, attendance, dropout-prevention actions, team meetings and
    /// the adult literacy list (the school team's part of the records, and nothing else).
    ViewSchooling,
    /// Write them.
    WorkOnSchooling,
    /// Keep the registry of the municipality's schools and their classes.
    ManageSchools,
    /// Set the municipality's early-warning thresholds.
    SetEarlyWarning,
    /// See a restricted case at all (a victim's): asked on top of every other action on it.
    ViewRestrictedCase,
    /// Mark a case restricted, or lift its restriction, with a reason.
    RestrictCase,
    /// Read and export the audit trail.
    ViewAuditTrail,
    /// List the devices that hold the municipality's users' keys, and mark one lost.
    MarkDeviceLost,
    /// Read the municipal plan's indicator report and download it; the cases behind a figure
    /// are listed only as far as the user may see each case.
    ViewIndicators,
    /// Change an indicator's definition (numerator, denominator, baseline, targets) and type the
    /// figures the records cannot give.
    EditIndicators,
    /// Read every municipality's indicators side by side: aggregates only, small counts hidden,
    /// no restricted case counted, never a case.
    ViewNationalIndicators,
}

/// How far a grant reaches inside the user's own municipality (no grant crosses municipalities:
/// victims' records are in these cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The cases assigned to the user.
    OwnCases,
    /// What was sent to the user's own institution.
    OwnInstitution,
    /// Everything of the municipality.
    Municipality,
    /// Every municipality's aggregates, never a case (the ministry's department).
    Nation,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OwnCases => "own cases",
            Scope::OwnInstitution => "own institution",
            Scope::Municipality => "municipality",
            Scope::Nation => "every municipality (aggregates)",
        }
    }
}

use Role::*;
use Scope::*;

/// A case manager works the cases they were appointed to, a field worker the cases in their
/// caseload.
const CASE_WORK: &[(Role, Scope)] = &[
    (FieldWorker, OwnCases),
    (CaseManager, OwnCases),
    (Supervisor, Municipality),
];
const OFFICE_STAFF: &[(Role, Scope)] = &[
    (FieldWorker, Municipality),
    (CaseManager, Municipality),
    (SchoolTeam, Municipality),
    (Supervisor, Municipality),
    (Admin, Municipality),
];
/// The case manager's part of a case: the plan, the claims, the housing decisions, closure.
const CASE_MANAGEMENT: &[(Role, Scope)] = &[(CaseManager, OwnCases), (Supervisor, Municipality)];
const MUNICIPAL_CASE_WORK: &[(Role, Scope)] = &[(CaseManager, Municipality), (Supervisor, Municipality)];

impl Action {
    pub const ALL: [Action; 34] = [
        Action::ViewCase,
        Action::EditCase,
        Action::ReassignCase,
        Action::ViewDuplicates,
        Action::MergePeople,
        Action::DismissDuplicate,
        Action::ResolveConflict,
        Action::ViewIncomingReferrals,
        Action::AnswerReferral,
        Action::ViewReferralDays,
        Action::SetReferralDays,
        Action::ManageUsers,
        Action::ViewInstitutions,
        Action::DraftPlan,
        Action::DecidePlan,
        Action::AppointCaseManager,
        Action::ViewServices,
        Action::ManageServices,
        Action::RecordCommissionDecision,
        Action::RegisterClaims,
        Action::RequestClosure,
        Action::DecideClosure,
        Action::ReopenCase,
        Action::ViewSchooling,
        Action::WorkOnSchooling,
        Action::ManageSchools,
        Action::SetEarlyWarning,
        Action::ViewRestrictedCase,
        Action::RestrictCase,
        Action::ViewAuditTrail,
        Action::MarkDeviceLost,
        Action::ViewIndicators,
        Action::EditIndicators,
        Action::ViewNationalIndicators,
    ];

    /// The table: which roles may do this, and how far. A role not listed may not.
    pub fn grants(self) -> &'static [(Role, Scope)] {
        match self {
            // A restricted case: its own field worker and case manager, the supervisors; never
            // another worker, the school team (beyond a child's schooling) or a partner.
            Action::ViewCase | Action::EditCase | Action::ResolveConflict | Action::ViewRestrictedCase => CASE_WORK,
            Action::RestrictCase => &[(Supervisor, Municipality)],
            Action::ViewAuditTrail | Action::MarkDeviceLost => &[(Supervisor, Municipality), (Admin, Municipality)],
            Action::ViewIndicators => &[
                (CaseManager, Municipality),
                (Supervisor, Municipality),
                (Admin, Municipality),
            ],
            Action::EditIndicators => &[(Admin, Municipality)],
            Action::ViewNationalIndicators => &[(National, Nation)],
            Action::ReassignCase => &[(Supervisor, Municipality)],
            Action::ViewDuplicates | Action::MergePeople | Action::DismissDuplicate => MUNICIPAL_CASE_WORK,
            // The school team answers the schooling referrals sent to its education directorate.
            Action::ViewIncomingReferrals | Action::AnswerReferral => {
                &[(SchoolTeam, OwnInstitution), (Partner, OwnInstitution)]
            }
            Action::ViewReferralDays => &[
                (FieldWorker, Municipality),
                (CaseManager, Municipality),
                (SchoolTeam, Municipality),
                (Supervisor, Municipality),
                (Partner, Municipality),
                (Admin, Municipality),
            ],
            Action::SetReferralDays => &[(Supervisor, Municipality), (Admin, Municipality)],
            Action::ManageUsers => &[(Admin, Municipality)],
            Action::ViewInstitutions | Action::ViewServices => OFFICE_STAFF,
            Action::DraftPlan | Action::RecordCommissionDecision | Action::RegisterClaims | Action::RequestClosure => {
                CASE_MANAGEMENT
            }
            Action::DecidePlan | Action::AppointCaseManager | Action::DecideClosure | Action::ReopenCase => {
                &[(Supervisor, Municipality)]
            }
            Action::ManageServices | Action::ManageSchools | Action::SetEarlyWarning => &[(Admin, Municipality)],
            // Case workers read a child's schooling through the case (`ViewCase`); only the
            // team and supervisors read and write it as such.
            Action::ViewSchooling | Action::WorkOnSchooling => {
                &[(SchoolTeam, Municipality), (Supervisor, Municipality)]
            }
        }
    }

    /// The action a user needs to know the target exists at all. Without it a refusal reads
    /// "not found", so nobody learns of a case or a suggestion outside their view.
    pub fn seen_through(self) -> Option<Action> {
        match self {
            Action::EditCase
            | Action::ReassignCase
            | Action::ResolveConflict
            | Action::DraftPlan
            | Action::DecidePlan
            | Action::AppointCaseManager
            | Action::RecordCommissionDecision
            | Action::RegisterClaims
            | Action::RequestClosure
            | Action::DecideClosure
            | Action::ReopenCase
            | Action::RestrictCase => Some(Action::ViewCase),
            Action::MergePeople | Action::DismissDuplicate => Some(Action::ViewDuplicates),
            Action::AnswerReferral => Some(Action::ViewIncomingReferrals),
            Action::WorkOnSchooling => Some(Action::ViewSchooling),
            _ => None,
        }
    }

    /// Stable name: audit rows, `docs/permissions.md`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ViewCase => "view_case",
            Action::EditCase => "edit_case",
            Action::ReassignCase => "reassign_case",
            Action::ViewDuplicates => "view_duplicates",
            Action::MergePeople => "merge_people",
            Action::DismissDuplicate => "dismiss_duplicate",
            Action::ResolveConflict => "resolve_conflict",
            Action::ViewIncomingReferrals => "view_incoming_referrals",
            Action::AnswerReferral => "answer_referral",
            Action::ViewReferralDays => "view_referral_days",
            Action::SetReferralDays => "set_referral_days",
            Action::ManageUsers => "manage_users",
            Action::ViewInstitutions => "view_institutions",
            Action::DraftPlan => "draft_plan",
            Action::DecidePlan => "decide_plan",
            Action::AppointCaseManager => "appoint_case_manager",
            Action::ViewServices => "view_services",
            Action::ManageServices => "manage_services",
            Action::RecordCommissionDecision => "record_commission_decision",
            Action::RegisterClaims => "register_claims",
            Action::RequestClosure => "request_closure",
            Action::DecideClosure => "decide_closure",
            Action::ReopenCase => "reopen_case",
            Action::ViewSchooling => "view_schooling",
            Action::WorkOnSchooling => "work_on_schooling",
            Action::ManageSchools => "manage_schools",
            Action::SetEarlyWarning => "set_early_warning",
            Action::ViewRestrictedCase => "view_restricted_case",
            Action::RestrictCase => "restrict_case",
            Action::ViewAuditTrail => "view_audit_trail",
            Action::MarkDeviceLost => "mark_device_lost",
            Action::ViewIndicators => "view_indicators",
            Action::EditIndicators => "edit_indicators",
            Action::ViewNationalIndicators => "view_national_indicators",
        }
    }

    /// The action that writing a record of `kind` to a case needs: the plan and its follow-up
    /// are the case manager's, a decision on the plan the supervisor's, the rest field work.
    pub fn to_write(kind: crate::domain::RecordKind) -> Action {
        use crate::domain::RecordKind as K;
        match kind {
            K::Plan | K::PlanVersion | K::Monitoring | K::Review => Action::DraftPlan,
            K::PlanDecision => Action::DecidePlan,
            K::CommissionDecision => Action::RecordCommissionDecision,
            K::Benefit => Action::RegisterClaims,
            K::Closure => Action::RequestClosure,
            K::Schooling | K::Attendance | K::SchoolAction | K::TeamMeeting | K::Literacy => Action::WorkOnSchooling,
            K::ClosureDecision => Action::DecideClosure,
            K::Housing | K::HousingApplication | K::HousingReview | K::Anamnesis | K::FinalAssessment => {
                Action::EditCase
            }
            K::Vulnerability
            | K::Case
            | K::Household
            | K::Member
            | K::ReturnEvent
            | K::Visit
            | K::Assessment
            | K::Attachment
            | K::Referral => Action::EditCase,
        }
    }
}

/// What an action is done to, with the facts the scopes are decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The municipality as a whole, or a list the server then narrows to the user's scope.
    Municipality(Uuid),
    /// One case.
    Case {
        municipality_id: Uuid,
        field_worker_id: Option<Uuid>,
        case_manager_id: Option<Uuid>,
        /// A victim's case ([`crate::domain::protection`]).
        restricted: bool,
    },
    /// Something sent to one institution (a referral).
    Institution {
        municipality_id: Uuid,
        institution_id: Option<Uuid>,
    },
    /// One suggestion that two registrations are the same person; `restricted` when either is
    /// in a restricted case (then only supervisors see it).
    Duplicate { municipality_id: Uuid, restricted: bool },
    /// Every municipality's aggregates together.
    Nation,
}

impl Target {
    fn municipality_id(self) -> Option<Uuid> {
        match self {
            Target::Municipality(m)
            | Target::Case { municipality_id: m, .. }
            | Target::Institution { municipality_id: m, .. }
            | Target::Duplicate { municipality_id: m, .. } => Some(m),
            Target::Nation => None,
        }
    }
}

/// Why an action was refused. Outside the user's view the thing does not exist for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
}

/// The widest scope the user's roles give for `action`, if any.
pub fn scope_of(user: &SessionUser, action: Action) -> Option<Scope> {
    if !user.active {
        return None;
    }
    action
        .grants()
        .iter()
        .filter(|(role, _)| user.has_role(*role))
        .map(|(_, scope)| *scope)
        .max()
}

fn reaches(user: &SessionUser, scope: Scope, target: Target) -> bool {
    // The nation's aggregates are reached by the national grant alone, and it reaches nothing
    // else: no case, no list of one municipality.
    if let (Nation, t) | (_, t @ Target::Nation) = (scope, target) {
        return scope == Nation && t == Target::Nation;
    }
    if target.municipality_id() != Some(user.municipality_id) {
        return false;
    }
    match (scope, target) {
        (Municipality, _) => true,
        // A list: the server narrows it to the user's own cases or institution.
        (OwnCases, Target::Municipality(_)) => true,
        (OwnInstitution, Target::Municipality(_)) => user.institution_id.is_some(),
        (
            OwnCases,
            Target::Case {
                field_worker_id,
                case_manager_id,
                ..
            },
        ) => field_worker_id == Some(user.id) || case_manager_id == Some(user.id),
        (OwnInstitution, Target::Institution { institution_id, .. }) => {
            institution_id.is_some() && institution_id == user.institution_id
        }
        _ => false,
    }
}

fn granted(user: &SessionUser, action: Action, target: Target) -> bool {
    user.active
        && action
            .grants()
            .iter()
            .any(|(role, scope)| user.has_role(*role) && reaches(user, *scope, target))
}

/// True when one of the user's grants for `action` reaches `target`. On a restricted case the
/// user also needs [`Action::ViewRestrictedCase`], except for a child's schooling, which the
/// school team keeps whatever the case; a suggestion naming a person of a restricted case is
/// the supervisors' alone (it names two cases, and no one else's grant covers both).
pub fn permits(user: &SessionUser, action: Action, target: Target) -> bool {
    let schooling = matches!(action, Action::ViewSchooling | Action::WorkOnSchooling);
    let restricted = matches!(
        target,
        Target::Case { restricted: true, .. } | Target::Duplicate { restricted: true, .. }
    );
    granted(user, action, target) && (!restricted || schooling || granted(user, Action::ViewRestrictedCase, target))
}

/// The one check every handler makes. A thing the user cannot see (a case, a referral, a
/// suggestion) is "not found"; one they see but may not act on, or an action on the whole
/// municipality their roles lack, is "not allowed".
pub fn require(user: &SessionUser, action: Action, target: Target) -> Result<(), Refusal> {
    if target.municipality_id().is_some_and(|m| m != user.municipality_id) {
        return Err(Refusal::NotFound);
    }
    // One thing (a case, a referral, a suggestion) the user may not even see does not exist for
    // them; the whole municipality (and the nation's aggregates) always does.
    if !matches!(target, Target::Municipality(_) | Target::Nation) {
        let view = action.seen_through().unwrap_or(action);
        if !permits(user, view, target) {
            return Err(Refusal::NotFound);
        }
    }
    if permits(user, action, target) {
        Ok(())
    } else {
        Err(Refusal::Forbidden)
    }
}

/// How much of a municipality's field work a user sees (the phone's caseload, the pull).
pub fn case_scope(user: &SessionUser) -> Option<Scope> {
    scope_of(user, Action::ViewCase)
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

/// The table as Markdown, one row an action and one column a role (the head of
/// `docs/permissions.md`).
pub fn table_markdown() -> String {
    let mut out = String::from("| action |");
    for r in Role::ALL {
        out.push_str(&format!(" {} |", r.as_str()));
    }
    out.push_str("\n|---|");
    for _ in Role::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for a in Action::ALL {
        out.push_str(&format!("| `{}` |", a.as_str()));
        for r in Role::ALL {
            let cell = a
                .grants()
                .iter()
                .find(|(role, _)| *role == r)
                .map_or("—", |(_, s)| s.as_str());
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
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
            institution_id: None,
        }
    }

    fn case(m: Uuid, field_worker: Option<Uuid>) -> Target {
        managed(m, field_worker, None)
    }

    fn managed(m: Uuid, field_worker: Option<Uuid>, case_manager: Option<Uuid>) -> Target {
        Target::Case {
            municipality_id: m,
            field_worker_id: field_worker,
            case_manager_id: case_manager,
            restricted: false,
        }
    }

    fn restricted(target: Target) -> Target {
        match target {
            Target::Case {
                municipality_id,
                field_worker_id,
                case_manager_id,
                ..
            } => Target::Case {
                municipality_id,
                field_worker_id,
                case_manager_id,
                restricted: true,
            },
            t => t,
        }
    }

    #[test]
    fn a_restricted_case_is_seen_by_its_own_workers_and_the_supervisors_only() {
        let home = Uuid::now_v7();
        let worker = user(&[Role::FieldWorker], home);
        let colleague = user(&[Role::FieldWorker], home);
        let manager = user(&[Role::CaseManager], home);
        let other_manager = user(&[Role::CaseManager], home);
        let supervisor = user(&[Role::Supervisor], home);
        let school = user(&[Role::SchoolTeam], home);
        let admin = user(&[Role::Admin], home);
        let mut partner = user(&[Role::Partner], home);
        partner.institution_id = Some(Uuid::now_v7());
        let case = restricted(managed(home, Some(worker.id), Some(manager.id)));
        for (who, sees) in [
            (&worker, true),
            (&manager, true),
            (&supervisor, true),
            (&colleague, false),
            (&other_manager, false),
            (&school, false),
            (&admin, false),
            (&partner, false),
        ] {
            assert_eq!(permits(who, Action::ViewCase, case), sees, "{:?}", who.roles);
            assert_eq!(permits(who, Action::ViewRestrictedCase, case), sees, "{:?}", who.roles);
            let refusal = if sees { Ok(()) } else { Err(Refusal::NotFound) };
            assert_eq!(require(who, Action::ViewCase, case), refusal, "{:?}", who.roles);
        }
        // Only supervisors mark or lift; the case's own workers are told "not allowed".
        assert_eq!(require(&supervisor, Action::RestrictCase, case), Ok(()));
        assert_eq!(require(&worker, Action::RestrictCase, case), Err(Refusal::Forbidden));
        assert_eq!(require(&manager, Action::RestrictCase, case), Err(Refusal::Forbidden));
        // The supervisor's every case work still reaches it.
        assert!(permits(&supervisor, Action::ReassignCase, case));
        assert!(permits(&supervisor, Action::DecidePlan, case));
        // A suggestion naming a person of a restricted case: the supervisors' alone.
        let pair = Target::Duplicate {
            municipality_id: home,
            restricted: true,
        };
        assert_eq!(require(&manager, Action::MergePeople, pair), Err(Refusal::NotFound));
        assert_eq!(require(&supervisor, Action::MergePeople, pair), Ok(()));
        // A child's schooling stays the school team's whatever the case.
        assert!(permits(&school, Action::WorkOnSchooling, case));
    }

    #[test]
    fn the_national_role_reads_every_municipalitys_aggregates_and_nothing_else() {
        let ministry = Uuid::now_v7();
        let national = user(&[Role::National], ministry);
        assert_eq!(
            require(&national, Action::ViewNationalIndicators, Target::Nation),
            Ok(())
        );
        // Not a case, not a municipality's list, not even its own municipality's report.
        let elsewhere = Uuid::now_v7();
        for target in [Target::Municipality(elsewhere), managed(elsewhere, None, None)] {
            assert_eq!(require(&national, Action::ViewCase, target), Err(Refusal::NotFound));
        }
        assert_eq!(
            require(&national, Action::ViewIndicators, Target::Municipality(ministry)),
            Err(Refusal::Forbidden)
        );
        assert!(!permits(&national, Action::ViewCase, Target::Nation));
        // No municipal role reaches the nation's aggregates.
        for role in Role::MUNICIPAL {
            assert_eq!(
                require(&user(&[role], ministry), Action::ViewNationalIndicators, Target::Nation),
                Err(Refusal::Forbidden),
                "{role}"
            );
        }
    }

    #[test]
    fn the_audit_trail_is_read_by_supervisors_and_administrators() {
        let home = Uuid::now_v7();
        let trail = Target::Municipality(home);
        for role in Role::ALL {
            let reads = matches!(role, Role::Supervisor | Role::Admin);
            assert_eq!(
                permits(&user(&[role], home), Action::ViewAuditTrail, trail),
                reads,
                "{role}"
            );
        }
        assert!(!permits(
            &user(&[Role::Admin], Uuid::now_v7()),
            Action::ViewAuditTrail,
            trail
        ));
    }

    #[test]
    fn a_case_manager_works_the_cases_appointed_to_them_and_the_supervisor_decides() {
        use crate::domain::RecordKind;
        let home = Uuid::now_v7();
        let worker = user(&[Role::FieldWorker], home);
        let manager = user(&[Role::CaseManager], home);
        let supervisor = user(&[Role::Supervisor], home);
        let appointed = managed(home, Some(worker.id), Some(manager.id));
        let not_appointed = managed(home, Some(worker.id), None);
        assert_eq!(require(&manager, Action::ViewCase, appointed), Ok(()));
        assert_eq!(require(&manager, Action::DraftPlan, appointed), Ok(()));
        assert_eq!(
            require(&manager, Action::ViewCase, not_appointed),
            Err(Refusal::NotFound)
        );
        // The case manager may not approve their own plan; the field worker may not draft it.
        assert_eq!(
            require(&manager, Action::DecidePlan, appointed),
            Err(Refusal::Forbidden)
        );
        assert_eq!(require(&worker, Action::DraftPlan, appointed), Err(Refusal::Forbidden));
        assert_eq!(require(&supervisor, Action::DecidePlan, not_appointed), Ok(()));
        assert_eq!(require(&supervisor, Action::AppointCaseManager, not_appointed), Ok(()));
        assert_eq!(
            require(&manager, Action::AppointCaseManager, appointed),
            Err(Refusal::Forbidden)
        );
        // Writing a record needs the action its kind names.
        assert_eq!(Action::to_write(RecordKind::Visit), Action::EditCase);
        assert_eq!(Action::to_write(RecordKind::Plan), Action::DraftPlan);
        assert_eq!(Action::to_write(RecordKind::Monitoring), Action::DraftPlan);
        assert_eq!(Action::to_write(RecordKind::PlanDecision), Action::DecidePlan);
    }

    #[test]
    fn field_workers_see_their_own_cases_supervisors_the_municipality() {
        let (home, other) = (Uuid::now_v7(), Uuid::now_v7());
        let worker = user(&[Role::FieldWorker], home);
        let supervisor = user(&[Role::Supervisor], home);
        let school = user(&[Role::SchoolTeam], home);
        assert!(permits(&worker, Action::EditCase, case(home, Some(worker.id))));
        assert!(!permits(&worker, Action::EditCase, case(home, Some(Uuid::now_v7()))));
        assert!(!permits(&worker, Action::EditCase, case(other, Some(worker.id))));
        assert!(permits(&supervisor, Action::EditCase, case(home, Some(worker.id))));
        assert!(!permits(&supervisor, Action::EditCase, case(other, None)));
        assert!(!permits(&school, Action::EditCase, case(home, None)));
        assert_eq!(case_scope(&school), None);
        assert_eq!(case_scope(&worker), Some(Scope::OwnCases));
        assert_eq!(case_scope(&supervisor), Some(Scope::Municipality));
    }

    #[test]
    fn outside_the_view_is_not_found_inside_it_not_allowed() {
        let home = Uuid::now_v7();
        let worker = user(&[Role::FieldWorker], home);
        let manager = user(&[Role::CaseManager], home);
        let own = managed(home, Some(worker.id), Some(manager.id));
        let colleagues = case(home, Some(Uuid::now_v7()));
        // Sees their own case but may not give it away; a colleague's case is not theirs to know.
        assert_eq!(require(&worker, Action::ReassignCase, own), Err(Refusal::Forbidden));
        assert_eq!(
            require(&worker, Action::ReassignCase, colleagues),
            Err(Refusal::NotFound)
        );
        assert_eq!(require(&manager, Action::ReassignCase, own), Err(Refusal::Forbidden));
        // Duplicates are a municipal view: a worker merging one learns nothing.
        let pair = Target::Duplicate {
            municipality_id: home,
            restricted: false,
        };
        assert_eq!(require(&worker, Action::MergePeople, pair), Err(Refusal::NotFound));
        assert_eq!(
            require(&worker, Action::ViewDuplicates, Target::Municipality(home)),
            Err(Refusal::Forbidden)
        );
        assert_eq!(require(&manager, Action::MergePeople, pair), Ok(()));
        // Pushing at all is a question about the whole municipality: a school team is refused,
        // not told that nothing exists.
        let school = user(&[Role::SchoolTeam], home);
        assert_eq!(
            require(&school, Action::EditCase, Target::Municipality(home)),
            Err(Refusal::Forbidden)
        );
        // Another municipality's anything is not found, even for its own role.
        let elsewhere = user(&[Role::Supervisor], Uuid::now_v7());
        assert_eq!(require(&elsewhere, Action::ViewCase, own), Err(Refusal::NotFound));
    }

    #[test]
    fn partners_see_only_what_was_sent_to_their_institution() {
        let home = Uuid::now_v7();
        let mut partner = user(&[Role::Partner], home);
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        let sent_to = |i| Target::Institution {
            municipality_id: home,
            institution_id: Some(i),
        };
        // Without an institution a partner has nothing to see.
        assert_eq!(
            require(&partner, Action::ViewIncomingReferrals, Target::Municipality(home)),
            Err(Refusal::Forbidden)
        );
        partner.institution_id = Some(mine);
        assert_eq!(
            require(&partner, Action::ViewIncomingReferrals, Target::Municipality(home)),
            Ok(())
        );
        assert_eq!(require(&partner, Action::AnswerReferral, sent_to(mine)), Ok(()));
        assert_eq!(
            require(&partner, Action::AnswerReferral, sent_to(theirs)),
            Err(Refusal::NotFound)
        );
        assert!(!permits(&partner, Action::ViewCase, case(home, None)));
        assert!(!permits(&partner, Action::ViewInstitutions, Target::Municipality(home)));
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
        assert!(permits(&admin, Action::ManageUsers, Target::Municipality(home)));
        assert!(!permits(&admin, Action::ManageUsers, Target::Municipality(other)));
    }

    #[test]
    fn other_roles_cannot_manage_users() {
        let home = Uuid::now_v7();
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
            assert!(
                !permits(&user(&[role], home), Action::ManageUsers, Target::Municipality(home)),
                "{role}"
            );
        }
    }

    #[test]
    fn a_disabled_user_is_allowed_nothing() {
        let home = Uuid::now_v7();
        let mut everyone = user(&Role::ALL, home);
        everyone.active = false;
        for a in Action::ALL {
            assert!(!permits(&everyone, a, Target::Municipality(home)), "{a:?}");
            assert_eq!(scope_of(&everyone, a), None);
        }
    }

    #[test]
    fn partners_do_not_browse_the_registry() {
        let home = Uuid::now_v7();
        let registry = Target::Municipality(home);
        assert!(!permits(
            &user(&[Role::Partner], home),
            Action::ViewInstitutions,
            registry
        ));
        assert!(permits(
            &user(&[Role::FieldWorker], home),
            Action::ViewInstitutions,
            registry
        ));
    }

    #[test]
    fn every_action_is_in_the_table_once_and_granted_to_someone() {
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        for a in Action::ALL {
            assert!(!a.grants().is_empty(), "{a:?}");
        }
        // The table's Markdown has a header, a rule and one row an action.
        assert_eq!(table_markdown().lines().count(), 2 + Action::ALL.len());
    }
}
