//! The world the sync suites work in: two municipalities, their people and institutions, and
//! helpers to push and pull as a phone would.

use app::domain::sync::{Change, Outcome, PullPage, PushRequest};
use app::domain::{RecordKind, Role, SessionUser};
use chrono::{Duration, Utc};
use reintegra::cases::Cases;
use reintegra::context::Ctx;
use reintegra::duplicates::Duplicates;
use reintegra::follow_ups::FollowUps;
use reintegra::plans::Plans;
use reintegra::referrals::Referrals;
use reintegra::seed;
use reintegra::storage::Storage;
use reintegra::sync::SyncService;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

/// Today in Kosovo, as the server validates and schedules: a test's dates agree with it at any
/// hour (between 23:00 and 24:00 UTC the UTC date is still yesterday there).
pub fn today() -> chrono::NaiveDate {
    app::domain::follow_up::local_today(Utc::now())
}

pub struct World {
    pub sync: SyncService,
    pub cases: Cases,
    pub duplicates: Duplicates,
    pub follow_ups: FollowUps,
    pub referrals: Referrals,
    pub plans: Plans,
    pub store: Arc<dyn Storage>,
    pub worker: SessionUser,
    pub colleague: SessionUser,
    pub supervisor: SessionUser,
    pub manager: SessionUser,
    pub school: SessionUser,
    pub elsewhere: SessionUser,
    pub employment_office: app::domain::Institution,
    pub employment: SessionUser,
    pub health: SessionUser,
    pub gjilan_office: app::domain::Institution,
}

pub async fn world(store: Arc<dyn Storage>) -> World {
    let obiliq = seed::ensure_municipality(store.as_ref(), "obiliq", "Obiliq / Obilić")
        .await
        .unwrap();
    let gjilan = seed::ensure_municipality(store.as_ref(), "gjilan", "Gjilan / Gnjilane")
        .await
        .unwrap();
    let user = |m, name: &'static str, role| {
        let store = store.clone();
        async move {
            let u = seed::create_user(store.as_ref(), m, name, name, &[role], None, "a-long-password")
                .await
                .unwrap();
            SessionUser::from(&u)
        }
    };
    let institution = |m: &reintegra::storage::Municipality, kind, name: &str| app::domain::Institution {
        id: Uuid::now_v7(),
        municipality_id: m.id,
        kind,
        name: name.into(),
    };
    use app::domain::InstitutionKind;
    let employment_office = institution(&obiliq, InstitutionKind::EmploymentOffice, "Zyra e Punësimit Obiliq");
    let health_centre = institution(&obiliq, InstitutionKind::HealthCentre, "QKMF Obiliq");
    let gjilan_office = institution(
        &gjilan,
        InstitutionKind::EmploymentOffice,
        "Zavod za zapošljavanje Gnjilane",
    );
    for i in [&employment_office, &health_centre, &gjilan_office] {
        store.insert_institution(i).await.unwrap();
    }
    let partner = |name: &'static str, inst: Uuid| {
        let store = store.clone();
        let obiliq = obiliq.clone();
        async move {
            let u = seed::create_user(
                store.as_ref(),
                &obiliq,
                name,
                name,
                &[Role::Partner],
                Some(inst),
                "a-long-password",
            )
            .await
            .unwrap();
            SessionUser::from(&u)
        }
    };
    World {
        employment: partner("employment", employment_office.id).await,
        health: partner("health", health_centre.id).await,
        employment_office,
        gjilan_office,
        worker: user(&obiliq, "field.a", Role::FieldWorker).await,
        colleague: user(&obiliq, "field.b", Role::FieldWorker).await,
        supervisor: user(&obiliq, "supervisor", Role::Supervisor).await,
        manager: user(&obiliq, "case.manager", Role::CaseManager).await,
        school: user(&obiliq, "school", Role::SchoolTeam).await,
        elsewhere: user(&gjilan, "field.gjilan", Role::FieldWorker).await,
        sync: SyncService::new(Ctx::new(store.clone())),
        cases: Cases::new(Ctx::new(store.clone())),
        duplicates: Duplicates::new(Ctx::new(store.clone())),
        follow_ups: FollowUps::new(Ctx::new(store.clone())),
        referrals: Referrals::new(Ctx::new(store.clone())),
        plans: Plans::new(Ctx::new(store.clone())),
        store,
    }
}

pub fn change(
    kind: RecordKind,
    record_id: Uuid,
    case_id: Uuid,
    base: Option<i64>,
    device: Uuid,
    fields: Value,
) -> Value {
    serde_json::to_value(Change {
        change_id: Uuid::now_v7(),
        device_id: device,
        kind,
        record_id,
        case_id,
        base_version: base,
        fields: serde_json::from_value(fields).unwrap(),
        made_at: Utc::now(),
    })
    .unwrap()
}

/// A new household with its case, one adult, one child and a return: the phone's first batch.
pub struct Family {
    pub case: Uuid,
    pub household: Uuid,
    pub adult: Uuid,
    pub child: Uuid,
    pub changes: Vec<Value>,
}

pub fn family(device: Uuid) -> Family {
    let (case, household, adult, child, ret) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let today = today();
    let changes = vec![
        change(
            RecordKind::Case,
            case,
            case,
            None,
            device,
            json!({ "household_id": household }),
        ),
        change(
            RecordKind::Household,
            household,
            case,
            None,
            device,
            json!({ "village": "Plemetin / Племетина", "address": "Rr. Dëshmorët 12", "phone": "+383 44 000 111" }),
        ),
        change(
            RecordKind::Member,
            adult,
            case,
            None,
            device,
            json!({ "household_id": household, "first_name": "Şükrije", "last_name": "Gashi-Đurić",
                    "birth_date": "1984-03-02", "sex": "female", "relationship": "head", "languages": ["sq", "sr"] }),
        ),
        change(
            RecordKind::Member,
            child,
            case,
            None,
            device,
            json!({ "household_id": household, "first_name": "Ёлена", "last_name": "Gashi",
                    "birth_date": (today - Duration::days(365 * 9)).to_string(), "sex": "female", "relationship": "child" }),
        ),
        change(
            RecordKind::ReturnEvent,
            ret,
            case,
            None,
            device,
            json!({ "household_id": household, "category": "repatriated", "country": "Deutschland",
                    "event_date": (today - Duration::days(2)).to_string(), "airport_registration": "PR-2026-4411",
                    "members": [adult, child] }),
        ),
    ];
    Family {
        case,
        household,
        adult,
        child,
        changes,
    }
}

pub async fn push(w: &World, actor: &SessionUser, changes: Vec<Value>) -> Vec<Outcome> {
    w.sync
        .push(
            actor,
            PushRequest {
                changes,
                reads: vec![],
                device_id: None,
            },
        )
        .await
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

pub async fn pull_all(w: &World, actor: &SessionUser) -> PullPage {
    let mut page = w.sync.pull(actor, "", Some(1000)).await.unwrap();
    assert!(!page.more);
    page.records.sort_by_key(|r| r.id);
    page
}

pub fn applied(o: &Outcome) -> bool {
    matches!(o, Outcome::Applied { .. })
}
