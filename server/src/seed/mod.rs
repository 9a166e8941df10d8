//! Demo data (on request, into an empty database only) and the first administrator of a real
//! deployment.

pub mod cases;

use crate::auth::password;
use crate::storage::{Municipality, Storage, StorageError, UserRecord};
use app::domain::school::School;
use app::domain::service::{Service, ServiceNames};
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
    #[error("demo data: {0}")]
    Demo(String),
}

/// Password of every demo user (README lists them).
pub const DEMO_PASSWORD: &str = "reintegra-demo";

/// (username, display name, roles, institution kind for partners and the school team)
const DEMO_USERS: &[(&str, &str, &[Role], Option<InstitutionKind>)] = &[
    ("field", "Arta Krasniqi", &[Role::FieldWorker], None),
    ("field2", "Dukagjin Morina", &[Role::FieldWorker], None),
    ("manager", "Dragana Jovanović", &[Role::CaseManager], None),
    (
        "school",
        "Mirjeta Berisha",
        &[Role::SchoolTeam],
        Some(InstitutionKind::EducationDirectorate),
    ),
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

/// The standard services the plans name: (area, provider, typical days, sq, sr, tr, en).
type DemoService = (&'static str, Option<InstitutionKind>, u32, [&'static str; 4]);
const DEMO_SERVICES: &[DemoService] = &[
    (
        "documents",
        Some(InstitutionKind::CivilStatus),
        30,
        [
            "Pajisja me dokumente civile",
            "Izdavanje ličnih dokumenata",
            "Kimlik belgelerinin çıkarılması",
            "Civil documents",
        ],
    ),
    (
        "employment",
        Some(InstitutionKind::EmploymentOffice),
        14,
        [
            "Regjistrimi si punëkërkues",
            "Prijava kao tražilac posla",
            "İş arayan olarak kayıt",
            "Jobseeker registration",
        ],
    ),
    (
        "employment",
        Some(InstitutionKind::EmploymentOffice),
        180,
        [
            "Aftësimi në vendin e punës",
            "Obuka na radnom mestu",
            "İşbaşı eğitimi",
            "On-the-job training",
        ],
    ),
    (
        "employment",
        Some(InstitutionKind::EmploymentOffice),
        365,
        [
            "Subvencionimi i pagës",
            "Subvencionisanje zarade",
            "Ücret desteği",
            "Wage subsidy",
        ],
    ),
    (
        "employment",
        Some(InstitutionKind::EmploymentOffice),
        180,
        [
            "Grant për plan biznesi",
            "Grant za biznis plan",
            "İş planı hibesi",
            "Business grant",
        ],
    ),
    (
        "vocational_training",
        Some(InstitutionKind::VocationalCentre),
        120,
        [
            "Aftësimi profesional",
            "Stručno osposobljavanje",
            "Mesleki eğitim",
            "Vocational training",
        ],
    ),
    (
        "social_assistance",
        Some(InstitutionKind::SocialWorkCentre),
        60,
        [
            "Ndihma sociale",
            "Socijalna pomoć",
            "Sosyal yardım",
            "Social assistance",
        ],
    ),
    (
        "health",
        Some(InstitutionKind::HealthCentre),
        30,
        [
            "Sigurimi shëndetësor",
            "Zdravstveno osiguranje",
            "Sağlık sigortası",
            "Health insurance",
        ],
    ),
    (
        "health",
        Some(InstitutionKind::HealthCentre),
        14,
        [
            "Regjistrimi te mjeku familjar",
            "Upis kod porodičnog lekara",
            "Aile hekimine kayıt",
            "Family medicine",
        ],
    ),
    (
        "psychosocial",
        Some(InstitutionKind::HealthCentre),
        90,
        [
            "Trajtim psiko-social në Qendrën e Shëndetit Mendor",
            "Psihosocijalni tretman u Centru za mentalno zdravlje",
            "Ruh Sağlığı Merkezinde psikososyal destek",
            "Psychosocial treatment at the mental health centre",
        ],
    ),
    (
        "housing",
        None,
        365,
        [
            "Qiraja e paguar nga programi",
            "Kirija koju plaća program",
            "Program tarafından ödenen kira",
            "Rent paid by the programme",
        ],
    ),
    (
        "housing",
        Some(InstitutionKind::ReintegrationCommission),
        270,
        [
            "Rindërtimi i shtëpisë",
            "Obnova kuće",
            "Evin yeniden inşası",
            "House reconstruction",
        ],
    ),
    (
        "housing",
        Some(InstitutionKind::ReintegrationCommission),
        60,
        ["Mobilimi", "Nameštaj", "Mobilya", "Furniture"],
    ),
    (
        "housing",
        None,
        365,
        ["Banim social", "Socijalno stanovanje", "Sosyal konut", "Social housing"],
    ),
    (
        "education",
        Some(InstitutionKind::EducationDirectorate),
        30,
        [
            "Regjistrimi në shkollë",
            "Upis u školu",
            "Okula kayıt",
            "School enrolment",
        ],
    ),
    (
        "education",
        Some(InstitutionKind::EducationDirectorate),
        180,
        ["Kurs gjuhe", "Kurs jezika", "Dil kursu", "Language classes"],
    ),
    (
        "education",
        Some(InstitutionKind::EducationDirectorate),
        180,
        [
            "Mësim plotësues",
            "Dopunska nastava",
            "Ek ders",
            "Supplementary classes",
        ],
    ),
    (
        "education",
        Some(InstitutionKind::EducationDirectorate),
        90,
        [
            "Nostrifikimi i dëftesave",
            "Nostrifikacija svedočanstava",
            "Diploma denkliği",
            "Nostrification of certificates",
        ],
    ),
    (
        "protection",
        Some(InstitutionKind::SocialWorkCentre),
        365,
        [
            "Kujdes 24-orësh për të moshuarit pa përkujdesje familjare",
            "Celodnevna nega za starije bez porodičnog staranja",
            "Aile bakımı olmayan yaşlılar için 24 saat bakım",
            "24-hour care for the elderly without family care",
        ],
    ),
    (
        "protection",
        Some(InstitutionKind::Ngo),
        180,
        [
            "Strehim dhe shërbime për viktimat e trafikimit",
            "Sklonište i usluge za žrtve trgovine ljudima",
            "İnsan ticareti mağdurları için barınak ve hizmetler",
            "Shelter and services for victims of trafficking",
        ],
    ),
    (
        "protection",
        Some(InstitutionKind::SocialWorkCentre),
        180,
        [
            "Strehim dhe shërbime për viktimat e dhunës në familje",
            "Sklonište i usluge za žrtve nasilja u porodici",
            "Aile içi şiddet mağdurları için barınak ve hizmetler",
            "Shelter and services for victims of domestic violence",
        ],
    ),
    (
        "protection",
        Some(InstitutionKind::HealthCentre),
        180,
        [
            "Rehabilitimi për përdoruesit e drogës",
            "Rehabilitacija za korisnike droga",
            "Madde bağımlıları için rehabilitasyon",
            "Rehabilitation for drug users",
        ],
    ),
    (
        "protection",
        Some(InstitutionKind::SocialWorkCentre),
        180,
        [
            "Risocializimi pas burgut",
            "Resocijalizacija posle zatvora",
            "Cezaevi sonrası yeniden sosyalleşme",
            "Resocialisation after prison",
        ],
    ),
    (
        "agriculture",
        None,
        180,
        [
            "Grant bujqësor",
            "Poljoprivredni grant",
            "Tarım hibesi",
            "Agricultural grant",
        ],
    ),
];

/// The demo municipality's schools, in the script each writes its name in.
const DEMO_SCHOOLS: &[(&str, &[&str])] = &[
    (
        "SHFMU \"Hasan Prishtina\", Obiliq",
        &[
            "I-1", "II-1", "III-1", "IV-1", "IV-2", "V-1", "VI-1", "VII-1", "VIII-1", "IX-1",
        ],
    ),
    (
        "ОШ „Свети Сава“, Обилић",
        &["I-1", "II-1", "III-1", "IV-1", "V-1", "VI-1", "VII-1", "VIII-1"],
    ),
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
    let now = Utc::now().trunc_subsecs(6);
    for (area, provider, days, [sq, sr, tr, en]) in DEMO_SERVICES {
        let service = Service {
            id: Uuid::now_v7(),
            municipality_id: obiliq.id,
            area: (*area).into(),
            names: ServiceNames {
                sq: (*sq).into(),
                sr: (*sr).into(),
                tr: (*tr).into(),
                en: (*en).into(),
            },
            institution_id: provider.and_then(|k| institutions.iter().find(|i| i.kind == k).map(|i| i.id)),
            typical_days: *days,
            retired: false,
        };
        store.save_service(&service, now, &[]).await?;
    }
    for (name, classes) in DEMO_SCHOOLS {
        let school = School {
            id: Uuid::now_v7(),
            municipality_id: obiliq.id,
            name: (*name).into(),
            classes: classes.iter().map(|c| (*c).to_string()).collect(),
            retired: false,
        };
        store.save_school(&school, now, &[]).await?;
    }
    let mut users = Vec::new();
    for (username, display_name, roles, kind) in DEMO_USERS {
        let institution_id = kind.and_then(|k| institutions.iter().find(|i| i.kind == k).map(|i| i.id));
        let user = create_user(
            store,
            &obiliq,
            username,
            display_name,
            roles,
            institution_id,
            DEMO_PASSWORD,
        )
        .await?;
        users.push(user);
    }
    let id_of = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .map(|u| u.id)
            .unwrap_or_default()
    };
    let world = cases::CaseWorld {
        municipality_id: obiliq.id,
        field_workers: vec![id_of("field"), id_of("field2")],
        case_manager: id_of("manager"),
        supervisor: id_of("supervisor"),
        institutions,
        services: store.services(obiliq.id).await?,
    };
    load_households(store, &world, DEMO_HOUSEHOLDS, DEMO_SEED, Utc::now()).await?;
    add_plan(store, obiliq.id, app::domain::indicator::catalogue::obiliq(), now).await?;
    let prizren = ensure_municipality(store, "prizren", "Prizren").await?;
    add_plan(store, prizren.id, app::domain::indicator::catalogue::prizren(), now).await?;
    // A field worker and families in Prizren too, so the national view compares two
    // municipalities with cases.
    let emine = create_user(
        store,
        &prizren,
        "field.prizren",
        "Emine Kaya",
        &[Role::FieldWorker],
        None,
        DEMO_PASSWORD,
    )
    .await?;
    let prizren_world = cases::CaseWorld {
        municipality_id: prizren.id,
        field_workers: vec![emine.id],
        case_manager: emine.id,
        supervisor: emine.id,
        institutions: Vec::new(),
        services: Vec::new(),
    };
    load_households(store, &prizren_world, DEMO_HOUSEHOLDS / 2, DEMO_SEED + 1, Utc::now()).await?;
    // The ministry's department, which reads every municipality's aggregates.
    let ministry = ensure_municipality(store, "ministry", "Ministria / Ministarstvo").await?;
    create_user(
        store,
        &ministry,
        "national",
        "Drita Rexhepi",
        &[Role::National],
        None,
        DEMO_PASSWORD,
    )
    .await?;
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

/// Gives the municipality a plan with its indicators (nothing if it has one with that code).
pub async fn add_plan(
    store: &dyn Storage,
    municipality_id: Uuid,
    plan: app::domain::indicator::catalogue::PlanTemplate,
    now: chrono::DateTime<Utc>,
) -> Result<Uuid, SeedError> {
    let row = crate::storage::PlanRow {
        id: Uuid::now_v7(),
        municipality_id,
        code: plan.code.into(),
        name: plan.name.into(),
        starts_year: plan.starts,
        ends_year: plan.ends,
    };
    store.add_plan(&row, &plan.indicators, now).await?;
    let kept = store.plans(Some(municipality_id)).await?;
    Ok(kept.iter().find(|p| p.code == plan.code).map_or(row.id, |p| p.id))
}

/// How many households the demo municipality has, and the seed that makes them.
pub const DEMO_HOUSEHOLDS: usize = 40;
pub const DEMO_SEED: u64 = 2026;

/// Stores `count` generated households (see [`cases`]) with their follow-ups and duplicate
/// suggestions. Returns how many records were written.
pub async fn load_households(
    store: &dyn Storage,
    world: &cases::CaseWorld,
    count: usize,
    seed: u64,
    now: chrono::DateTime<Utc>,
) -> Result<usize, SeedError> {
    let records = cases::households(world, count, seed, now.trunc_subsecs(6));
    for r in &records {
        let commit = crate::storage::Commit {
            record: cases::stored(r, world.municipality_id),
            expected_version: None,
            write_record: true,
            change: None,
            conflicts: vec![],
            resolve: None,
            audit: vec![],
            unchanged: vec![],
            also: vec![],
        };
        store.commit(&commit).await?;
    }
    Ok(records.len())
}

/// After the demo is loaded: the possible duplicates among its people are suggested, as they
/// would have been when each person arrived from a phone. (Follow-ups are scheduled by the
/// server's first pass at start.)
pub async fn suggest_demo_duplicates(store: std::sync::Arc<dyn Storage>) -> Result<(), SeedError> {
    let Some(obiliq) = store.municipality_by_code("obiliq").await? else {
        return Ok(());
    };
    let duplicates = crate::duplicates::Duplicates::new(crate::context::Ctx::new(store.clone()));
    let members: Vec<_> = store
        .records_of_kind(obiliq.id, app::domain::RecordKind::Member)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    duplicates
        .look_for_all(&members)
        .await
        .map_err(|e| SeedError::Demo(e.to_string()))
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
