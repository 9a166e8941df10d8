//! Demo data (on request, into an empty database only) and the first administrator of a real
//! deployment.

use crate::auth::password;
use crate::storage::{Municipality, Storage, StorageError, UserRecord};
use app::domain::{Institution, InstitutionKind, NewUser, Role, UserInputError};
use chrono::{SubsecRound, Utc};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Password(#[from] password::PasswordError),
    #[error("invalid user: {0}")]
    Invalid(#[from] UserInputError),
    #[error("the username {0:?} is already taken")]
    UsernameTaken(String),
}

/// Password of every demo user (README lists them).
pub const DEMO_PASSWORD: &str = "reintegra-demo";

/// (username, display name, roles, institution kind for partners)
const DEMO_USERS: &[(&str, &str, &[Role], Option<InstitutionKind>)] = &[
    ("field", "Arta Krasniqi", &[Role::FieldWorker], None),
    ("field2", "Dukagjin Morina", &[Role::FieldWorker], None),
    ("manager", "Dragana Jovanović", &[Role::CaseManager], None),
    ("school", "Mirjeta Berisha", &[Role::SchoolTeam], None),
    ("supervisor", "Besnik Hoxha", &[Role::Supervisor], None),
    (
        "partner",
        "Ayşe Yılmaz",
        &[Role::Partner],
        Some(InstitutionKind::EmploymentOffice),
    ),
    ("admin", "Luan Gashi", &[Role::Admin], None),
];

const DEMO_INSTITUTIONS: &[(InstitutionKind, &str)] = &[
    (
        InstitutionKind::CommunitiesOffice,
        "Zyra Komunale për Komunitete dhe Kthim – Obiliq",
    ),
    (InstitutionKind::SocialWorkCentre, "Qendra për Punë Sociale – Obiliq"),
    (InstitutionKind::EmploymentOffice, "Zyra e Punësimit – Obiliq"),
    (
        InstitutionKind::VocationalCentre,
        "Qendra e Aftësimit Profesional – Prishtinë",
    ),
    (InstitutionKind::CivilStatus, "Zyra e Gjendjes Civile – Obiliq"),
    (InstitutionKind::HealthCentre, "Qendra e Mjekësisë Familjare – Obiliq"),
    (
        InstitutionKind::EducationDirectorate,
        "Drejtoria Komunale e Arsimit – Obiliq",
    ),
    (
        InstitutionKind::ReintegrationCommission,
        "Komisioni Komunal për Riintegrim – Obiliq",
    ),
    (InstitutionKind::Police, "Stacioni Policor – Obiliq"),
    (InstitutionKind::Ngo, "OJQ Ura / NVO Most"),
];

/// Loads the demo municipality (Obiliq / Obilić), its institutions and one user per role, plus a
/// field worker of a second municipality so the boundary between them can be tried. Returns
/// false, changing nothing, when the database already has users.
pub async fn load_demo(store: &dyn Storage) -> Result<bool, SeedError> {
    if store.has_users().await? {
        return Ok(false);
    }
    let obiliq = ensure_municipality(store, "obiliq", "Obiliq / Obilić").await?;
    let mut institutions = Vec::new();
    for (kind, name) in DEMO_INSTITUTIONS {
        let inst = Institution {
            id: Uuid::now_v7(),
            municipality_id: obiliq.id,
            kind: *kind,
            name: (*name).into(),
        };
        store.insert_institution(&inst).await?;
        institutions.push(inst);
    }
    for (username, display_name, roles, kind) in DEMO_USERS {
        let institution_id = kind.and_then(|k| institutions.iter().find(|i| i.kind == k).map(|i| i.id));
        create_user(
            store,
            &obiliq,
            username,
            display_name,
            roles,
            institution_id,
            DEMO_PASSWORD,
        )
        .await?;
    }
    let gjilan = ensure_municipality(store, "gjilan", "Gjilan / Gnjilane").await?;
    create_user(
        store,
        &gjilan,
        "field.gjilan",
        "Nebojša Stojanović",
        &[Role::FieldWorker],
        None,
        DEMO_PASSWORD,
    )
    .await?;
    Ok(true)
}

pub async fn ensure_municipality(store: &dyn Storage, code: &str, name: &str) -> Result<Municipality, SeedError> {
    if let Some(m) = store.municipality_by_code(code).await? {
        return Ok(m);
    }
    // PostgreSQL keeps microseconds: store what it can round-trip.
    let m = Municipality {
        id: Uuid::now_v7(),
        code: code.into(),
        name: name.into(),
        created_at: Utc::now().trunc_subsecs(6),
    };
    store.insert_municipality(&m).await?;
    Ok(m)
}

pub async fn create_user(
    store: &dyn Storage,
    municipality: &Municipality,
    username: &str,
    display_name: &str,
    roles: &[Role],
    institution_id: Option<Uuid>,
    password: &str,
) -> Result<UserRecord, SeedError> {
    let new_user = NewUser {
        username: username.into(),
        display_name: display_name.into(),
        password: password.into(),
        roles: roles.to_vec(),
    }
    .normalized()?;
    let now = Utc::now();
    let record = UserRecord {
        id: Uuid::now_v7(),
        municipality_id: municipality.id,
        municipality_name: municipality.name.clone(),
        institution_id,
        username: new_user.username.clone(),
        display_name: new_user.display_name,
        password_hash: password::hash(new_user.password).await?,
        locale: "sq".into(),
        active: true,
        roles: new_user.roles,
        created_at: now,
        updated_at: now,
    };
    match store.insert_user(&record, &[]).await {
        Err(StorageError::Duplicate) => Err(SeedError::UsernameTaken(new_user.username)),
        other => other.map(|_| record).map_err(SeedError::from),
    }
}
