//! The permission matrix, walked through the real router (REST routes and server functions, the
//! session cookie from a real sign-in) on SQLite and PostgreSQL: every role of a municipality
//! against every action, on their own case, a colleague's case, another municipality's case,
//! their own institution's referral and another institution's. Each answer must agree with the
//! permission table; each refusal must change nothing and leave an audit row. The observed
//! matrix is `docs/permissions.md`: the test fails when the file differs (write it anew with
//! `REINTEGRA_WRITE_DOCS=1 cargo test -p reintegra --test permissions`).

mod common;

use app::domain::access::{permits, table_markdown, Target};
use app::domain::sync::{Outcome, PushResponse, Rejection};
use app::domain::{Action, RecordKind, Role, SessionUser};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::world::*;
use http_body_util::BodyExt;
use reintegra::http;
use reintegra::seed;
use reintegra::storage::{CaseScope, Storage};
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;
use uuid::Uuid;

const PASSWORD: &str = "a-long-password";

struct Answer {
    status: StatusCode,
    body: Value,
}

async fn send(app: &Router, cookie: &str, method: &str, uri: &str, body: Option<Body>, form: bool) -> Answer {
    let content_type = if form {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.unwrap_or_else(Body::empty))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

/// Signs in through the real server function and returns the session cookie.
async fn sign_in(app: &Router, username: &str) -> String {
    let req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("username={username}&password={PASSWORD}")))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert!(res.status().is_success(), "sign-in of {username}: {}", res.status());
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(http::SESSION_COOKIE))
        .expect("session cookie");
    cookie.split(';').next().unwrap().to_string()
}

/// Everything a refusal must leave as it was.
async fn snapshot(store: &Arc<dyn Storage>, municipalities: &[Uuid]) -> String {
    let mut out = String::new();
    for &m in municipalities {
        for kind in RecordKind::ALL {
            let mut rows: Vec<_> = store
                .records_of_kind(m, kind)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.case_id, r.version, r.field_worker_id))
                .collect();
            rows.sort();
            out.push_str(&format!("{rows:?}\n"));
        }
        let scope = CaseScope {
            municipality_id: m,
            own_cases_of: None,
        };
        let conflicts: Vec<_> = store
            .open_conflicts(scope)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        let duplicates: Vec<_> = store
            .open_duplicates(m)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        let users: Vec<_> = store
            .users_in(m)
            .await
            .unwrap()
            .into_iter()
            .map(|u| (u.id, u.active, u.roles))
            .collect();
        let days = store.referral_days(m).await.unwrap();
        out.push_str(&format!("{conflicts:?}\n{duplicates:?}\n{users:?}\n{days:?}\n"));
    }
    out
}

async fn refusals_audited(store: &Arc<dyn Storage>, municipalities: &[Uuid]) -> usize {
    let mut n = 0;
    for &m in municipalities {
        n += store
            .audit_events(m, 100_000)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action.starts_with("refused.") || e.action == "record.refused")
            .count();
    }
    n
}

/// What came back, in the words of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Allowed,
    /// 403, or a pushed change rejected as forbidden.
    Refused,
    /// 404: outside the user's view, the thing does not exist.
    NotFound,
}

impl Seen {
    fn cell(self) -> &'static str {
        match self {
            Seen::Allowed => "allowed",
            Seen::Refused => "refused",
            Seen::NotFound => "not found",
        }
    }
}

fn seen(a: &Answer) -> Seen {
    match a.status {
        StatusCode::FORBIDDEN => Seen::Refused,
        StatusCode::NOT_FOUND => Seen::NotFound,
        s if s.is_success() => {
            // A push answers 200 and refuses change by change.
            let forbidden = serde_json::from_value::<PushResponse>(a.body.clone()).is_ok_and(|r| {
                r.results.iter().any(|x| {
                    matches!(
                        x.outcome,
                        Outcome::Rejected {
                            reason: Rejection::Forbidden,
                            ..
                        }
                    )
                })
            });
            if forbidden {
                Seen::Refused
            } else {
                Seen::Allowed
            }
        }
        // Past the permission check, a rule of the domain said no: a merge already decided.
        StatusCode::BAD_REQUEST if a.body["message"].as_str().is_some_and(|m| m.contains("already")) => Seen::Allowed,
        // A restriction already in the state asked for.
        StatusCode::UNPROCESSABLE_ENTITY if a.body["error"] == "restriction" => Seen::Allowed,
        s => panic!("unexpected answer {s}: {}", a.body),
    }
}

/// One request of the walk.
struct Probe {
    action: Action,
    scope: &'static str,
    target: Target,
    method: &'static str,
    uri: String,
    body: Option<Value>,
    /// A server function (form-encoded) rather than a REST route.
    form: bool,
}

async fn the_matrix(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let obiliq = w.worker.municipality_id;
    let gjilan = w.elsewhere.municipality_id;
    let municipality = seed::ensure_municipality(store.as_ref(), "obiliq", "Obiliq / Obilić")
        .await
        .unwrap();
    let user = |name: &'static str, role: Role| {
        let store = store.clone();
        let m = municipality.clone();
        async move {
            let u = seed::create_user(store.as_ref(), &m, name, name, &[role], None, PASSWORD)
                .await
                .unwrap();
            SessionUser::from(&u)
        }
    };
    let manager = user("manager", Role::CaseManager).await;
    let admin = user("admin", Role::Admin).await;
    let national = user("national", Role::National).await;

    // A case each for the worker, the colleague and the worker of Gjilan, each with a photo, a
    // conflict and (in Obiliq) a referral; Gjilan gets two families, so two suggestions.
    let device = Uuid::now_v7();
    let mut cases = Vec::new();
    for (who, families) in [(&w.worker, 1), (&w.colleague, 1), (&w.elsewhere, 2)] {
        for _ in 0..families {
            let f = family(device);
            assert!(push(&w, who, f.changes.clone()).await.iter().all(applied));
            let photo = change(
                RecordKind::Attachment,
                Uuid::now_v7(),
                f.case,
                None,
                device,
                json!({ "owner_id": f.household, "purpose": "document_photo", "label": "Letërnjoftimi",
                        "sha256": format!("{:064x}", cases.len() + 1), "content_type": "image/jpeg", "size": 1000 }),
            );
            let edit = |d: Uuid, phone: &str| {
                change(
                    RecordKind::Household,
                    f.household,
                    f.case,
                    Some(1),
                    d,
                    json!({ "phone": phone }),
                )
            };
            let out = push(
                &w,
                who,
                vec![photo, edit(device, "+383 44 1"), edit(Uuid::now_v7(), "+383 44 2")],
            )
            .await;
            let Outcome::Conflict { conflicts, .. } = &out[2] else {
                panic!("{out:?}")
            };
            cases.push((f, format!("{:064x}", cases.len() + 1), conflicts[0].id));
        }
    }
    let referral = |case: Uuid, institution: Uuid| {
        change(
            RecordKind::Referral,
            Uuid::now_v7(),
            case,
            None,
            device,
            json!({ "kind": "employment", "institution_id": institution, "sent_on": "2026-11-20" }),
        )
    };
    let health_centre = w.health.institution_id.unwrap();
    let to_employment = referral(cases[0].0.case, w.employment_office.id);
    let to_health = referral(cases[1].0.case, health_centre);
    assert!(applied(&push(&w, &w.worker, vec![to_employment.clone()]).await[0]));
    assert!(applied(&push(&w, &w.colleague, vec![to_health.clone()]).await[0]));
    let suggestions = |m| {
        let store = store.clone();
        async move { store.open_duplicates(m).await.unwrap() }
    };
    let (here, there) = (suggestions(obiliq).await, suggestions(gjilan).await);
    assert!(here.len() >= 2 && there.len() >= 2, "{here:?} {there:?}");

    // The colleague's case has the case manager appointed to it.
    let plans = reintegra::plans::Plans::new(reintegra::context::Ctx::new(store.clone()));
    let appointment = |manager: &SessionUser| reintegra::plans::Appointment {
        case_manager_id: manager.id,
        decision: "01-123/2026".into(),
        decided_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    };
    plans
        .appoint(
            &w.supervisor,
            cases[1].0.case,
            &appointment(&manager),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    // The worker's own case is a victim's: noted so, it is restricted.
    let trafficking = change(
        RecordKind::Vulnerability,
        Uuid::now_v7(),
        cases[0].0.case,
        None,
        device,
        json!({ "member_id": cases[0].0.adult, "category": "trafficking", "noted_on": "2026-11-20" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![trafficking]).await[0]));
    let case = |i: usize, worker: &SessionUser| Target::Case {
        municipality_id: if i == 2 { gjilan } else { obiliq },
        field_worker_id: Some(worker.id),
        case_manager_id: (i == 1).then_some(manager.id),
        restricted: i == 0,
    };
    let scopes = [
        ("own case (restricted)", case(0, &w.worker), &w.worker),
        (
            "a colleague's case, appointed to the case manager",
            case(1, &w.colleague),
            &w.colleague,
        ),
        ("another municipality's case", case(2, &w.elsewhere), &w.elsewhere),
    ];
    let mut probes = vec![
        Probe {
            action: Action::ViewCase,
            scope: "the caseload",
            target: Target::Municipality(obiliq),
            method: "GET",
            uri: "/api/sync/v1/pull?cursor=".into(),
            body: None,
            form: false,
        },
        Probe {
            action: Action::EditCase,
            scope: "the caseload",
            target: Target::Municipality(obiliq),
            method: "POST",
            uri: "/api/sync/v1/push".into(),
            body: Some(json!({ "changes": [] })),
            form: false,
        },
    ];
    for (i, (scope, target, field_worker)) in scopes.iter().enumerate() {
        let (f, sha, conflict) = &cases[i];
        probes.push(Probe {
            action: Action::ViewCase,
            scope,
            target: *target,
            method: "GET",
            uri: format!("/api/sync/v1/blobs/{sha}/status"),
            body: None,
            form: false,
        });
        if i == 0 {
            probes.push(Probe {
                action: Action::ViewRestrictedCase,
                scope,
                target: *target,
                method: "GET",
                uri: format!("/api/sync/v1/blobs/{sha}/status"),
                body: None,
                form: false,
            });
        }
        let visit = change(
            RecordKind::Visit,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "visited_at": chrono::Utc::now().to_rfc3339(), "kind": "monitoring", "village": "Plemetin" }),
        );
        probes.push(Probe {
            action: Action::EditCase,
            scope,
            target: *target,
            method: "POST",
            uri: "/api/sync/v1/push".into(),
            body: Some(json!({ "changes": [visit] })),
            form: false,
        });
        let plan = change(
            RecordKind::Plan,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "plan_type": "pir", "notes": "Ndihmë për dokumente" }),
        );
        probes.push(Probe {
            action: Action::DraftPlan,
            scope,
            target: *target,
            method: "POST",
            uri: "/api/sync/v1/push".into(),
            body: Some(json!({ "changes": [plan] })),
            form: false,
        });
        // Past the permission, a decision on a plan the case does not have is invalid and
        // changes nothing.
        let decision = change(
            RecordKind::PlanDecision,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "plan_id": Uuid::now_v7(), "version_id": Uuid::now_v7(), "content_hash": "0".repeat(64),
                    "decision": "approved", "decided_at": chrono::Utc::now().to_rfc3339() }),
        );
        probes.push(Probe {
            action: Action::DecidePlan,
            scope,
            target: *target,
            method: "POST",
            uri: "/api/sync/v1/push".into(),
            body: Some(json!({ "changes": [decision] })),
            form: false,
        });
        // Past the permission, each of these names what the case does not have (an application,
        // a person, a note an "other" closure needs, a request) and changes nothing.
        let now = chrono::Utc::now();
        let end_of_case = [
            (
                Action::RecordCommissionDecision,
                RecordKind::CommissionDecision,
                json!({ "application_id": Uuid::now_v7(), "application_hash": "0".repeat(64), "body": "commission",
                        "decision": "approved", "decided_on": "2026-11-20" }),
            ),
            (
                Action::RegisterClaims,
                RecordKind::Benefit,
                json!({ "member_id": Uuid::now_v7(), "scheme": "social_assistance", "applied_on": "2026-11-02",
                        "outcome": "pending" }),
            ),
            (
                Action::RequestClosure,
                RecordKind::Closure,
                json!({ "reason": "other", "requested_at": now.to_rfc3339() }),
            ),
            (
                Action::DecideClosure,
                RecordKind::ClosureDecision,
                json!({ "closure_id": Uuid::now_v7(), "content_hash": "0".repeat(64), "decision": "approved",
                        "decided_at": now.to_rfc3339() }),
            ),
        ];
        for (action, kind, fields) in end_of_case {
            let c = change(kind, Uuid::now_v7(), f.case, None, device, fields);
            probes.push(Probe {
                action,
                scope,
                target: *target,
                method: "POST",
                uri: "/api/sync/v1/push".into(),
                body: Some(json!({ "changes": [c] })),
                form: false,
            });
        }
        // Past the permission, the absences name a child the case does not have.
        let absences = change(
            RecordKind::Attendance,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "schooling_id": Uuid::now_v7(), "period_from": "2026-11-09", "period_to": "2026-11-13",
                    "school_days": 5, "absent_days": 1 }),
        );
        probes.push(Probe {
            action: Action::WorkOnSchooling,
            scope,
            target: *target,
            method: "POST",
            uri: "/api/sync/v1/school/push".into(),
            body: Some(json!({ "changes": [absences] })),
            form: false,
        });
        // The case is open: past the permission, there is nothing to reopen.
        probes.push(Probe {
            action: Action::ReopenCase,
            scope,
            target: *target,
            method: "POST",
            uri: format!("/api/v1/cases/{}/reopen", f.case),
            body: Some(json!({ "reason": "Familja u kthye" })),
            form: false,
        });
        probes.push(Probe {
            action: Action::ResolveConflict,
            scope,
            target: *target,
            method: "POST",
            uri: format!("/api/sync/v1/conflicts/{conflict}/resolve"),
            body: Some(json!({ "choice": "current" })),
            form: false,
        });
        probes.push(Probe {
            action: Action::ReassignCase,
            scope,
            target: *target,
            method: "POST",
            uri: format!("/api/v1/cases/{}/reassign", f.case),
            // To the worker who holds it: allowed changes nothing, so later probes see the same.
            body: Some(json!({ "field_worker_id": field_worker.id })),
            form: false,
        });
    }
    let referral_id = |c: &Value| c["record_id"].as_str().unwrap().to_string();
    let own_institution = Target::Institution {
        municipality_id: obiliq,
        institution_id: Some(w.employment_office.id),
    };
    let other_institution = Target::Institution {
        municipality_id: obiliq,
        institution_id: Some(health_centre),
    };
    let plan = reintegra::seed::add_plan(
        store.as_ref(),
        obiliq,
        app::domain::indicator::catalogue::obiliq(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let municipal = |action, method, uri: &str, body: Option<Value>, form| Probe {
        action,
        scope: "own municipality",
        target: Target::Municipality(obiliq),
        method,
        uri: uri.into(),
        body,
        form,
    };
    probes.extend([
        municipal(
            Action::ViewIncomingReferrals,
            "GET",
            "/api/v1/referrals/incoming",
            None,
            false,
        ),
        Probe {
            action: Action::AnswerReferral,
            scope: "own institution's referral",
            target: own_institution,
            method: "POST",
            uri: format!("/api/v1/referrals/{}/answer", referral_id(&to_employment)),
            body: Some(json!({ "state": "accepted", "feedback": "" })),
            form: false,
        },
        Probe {
            action: Action::AnswerReferral,
            scope: "another institution's referral",
            target: other_institution,
            method: "POST",
            uri: format!("/api/v1/referrals/{}/answer", referral_id(&to_health)),
            body: Some(json!({ "state": "accepted", "feedback": "" })),
            form: false,
        },
        municipal(Action::ViewReferralDays, "GET", "/api/v1/referral-days", None, false),
        municipal(
            Action::SetReferralDays,
            "PUT",
            "/api/v1/referral-days",
            Some(json!({ "kind": "employment", "days": 30 })),
            false,
        ),
        municipal(Action::ManageUsers, "POST", "/api/users/list", None, true),
        Probe {
            action: Action::ManageUsers,
            scope: "another municipality's user",
            target: Target::Municipality(gjilan),
            method: "POST",
            uri: "/api/users/active".into(),
            body: Some(Value::String(format!("user_id={}&active=true", w.elsewhere.id))),
            form: true,
        },
        municipal(Action::ViewInstitutions, "POST", "/api/institutions", None, true),
        municipal(Action::ViewDuplicates, "GET", "/api/v1/duplicates", None, false),
        municipal(Action::ViewServices, "GET", "/api/v1/services", None, false),
        municipal(
            Action::ViewSchooling,
            "GET",
            "/api/sync/v1/school/pull?cursor=",
            None,
            false,
        ),
        municipal(Action::ViewAuditTrail, "GET", "/api/v1/audit?action=case", None, false),
        municipal(Action::MarkDeviceLost, "GET", "/api/v1/devices", None, false),
        municipal(
            Action::ViewIndicators,
            "GET",
            &format!("/api/v1/indicators/plans/{plan}/report?from=2026-01-01&to=2026-12-31"),
            None,
            false,
        ),
        Probe {
            action: Action::ViewNationalIndicators,
            scope: "every municipality (aggregates)",
            target: Target::Nation,
            method: "GET",
            uri: "/api/v1/indicators/national?from=2026-01-01&to=2026-12-31".into(),
            body: None,
            form: false,
        },
        municipal(
            Action::EditIndicators,
            "PUT",
            &format!("/api/v1/indicators/plans/{plan}/by-hand"),
            Some(json!({ "code": "curricula", "from": "2026-01-01", "to": "2026-12-31", "value": 20.0 })),
            false,
        ),
        municipal(
            Action::ManageSchools,
            "POST",
            "/api/v1/schools",
            Some(json!({ "name": "ОШ „Вук Караџић“", "classes": ["I-1", "II-1"] })),
            false,
        ),
        municipal(
            Action::SetEarlyWarning,
            "PUT",
            "/api/v1/early-warning",
            Some(
                json!({ "absent_days": 5, "absence_run": 3, "not_enrolled_days": 30, "repeated_grade": true,
                         "certificate_missing_days": 60 }),
            ),
            false,
        ),
        municipal(
            Action::ManageServices,
            "POST",
            "/api/v1/services",
            Some(json!({ "area": "housing", "institution_id": null, "typical_days": 365,
                         "names": { "sq": "Mobilim", "sr": "Nameštaj", "tr": "Mobilya", "en": "Furniture" } })),
            false,
        ),
    ]);
    // After every probe on the cases, as an appointment changes who sees one: the colleague's
    // case is given the case manager it already has, so nothing changes for later probes.
    for (i, (scope, target, _)) in scopes.iter().enumerate().skip(1) {
        probes.push(Probe {
            action: Action::AppointCaseManager,
            scope,
            target: *target,
            method: "POST",
            uri: format!("/api/v1/cases/{}/case-manager", cases[i].0.case),
            body: Some(serde_json::to_value(appointment(&manager)).unwrap()),
            form: false,
        });
    }
    // A supervisor's lift and mark leave each case as restricted as it was (the restricted case
    // is lifted, then marked); who sees a case is the same either way for every role here.
    for (i, (scope, target, _)) in scopes.iter().enumerate() {
        for restricted in [i != 0, true] {
            probes.push(Probe {
                action: Action::RestrictCase,
                scope,
                target: *target,
                method: "POST",
                uri: format!("/api/v1/cases/{}/restriction", cases[i].0.case),
                body: Some(json!({ "restricted": restricted, "reason": "Rrezik nga familja" })),
                form: false,
            });
        }
    }
    // Last, as they change who is who: dismissing and merging the suggestions.
    for (action, verb, n) in [
        (Action::DismissDuplicate, "dismiss", 0),
        (Action::MergePeople, "merge", 1),
    ] {
        for (scope, m, list) in [
            ("own municipality's suggestion", obiliq, &here),
            ("another municipality's suggestion", gjilan, &there),
        ] {
            probes.push(Probe {
                action,
                scope,
                // Obiliq's suggestions name a person of the restricted case.
                target: Target::Duplicate {
                    municipality_id: m,
                    restricted: m == obiliq,
                },
                method: "POST",
                uri: format!("/api/v1/duplicates/{}/{verb}", list[n].id),
                body: None,
                form: false,
            });
        }
    }

    let app = common::app_router(store.clone());
    let actors: Vec<(Role, &SessionUser, &str)> = vec![
        (Role::FieldWorker, &w.worker, "field.a"),
        (Role::CaseManager, &manager, "manager"),
        (Role::SchoolTeam, &w.school, "school"),
        (Role::Supervisor, &w.supervisor, "supervisor"),
        (Role::Partner, &w.employment, "employment"),
        (Role::Admin, &admin, "admin"),
        (Role::National, &national, "national"),
    ];
    let mut cookies = Vec::new();
    for (_, _, username) in &actors {
        cookies.push(sign_in(&app, username).await);
    }
    let everywhere = [obiliq, gjilan];
    let mut rows = Vec::new();
    let mut walked = 0;
    for p in &probes {
        let mut cells = Vec::new();
        for ((role, actor, _), cookie) in actors.iter().zip(&cookies) {
            let before = snapshot(&store, &everywhere).await;
            let audited = refusals_audited(&store, &everywhere).await;
            let body = p.body.as_ref().map(|b| match b {
                Value::String(form) => Body::from(form.clone()),
                json => Body::from(json.to_string()),
            });
            let answer = send(&app, cookie, p.method, &p.uri, body, p.form).await;
            let got = seen(&answer);
            let context = format!(
                "{role:?} {:?} on {}: {} {}",
                p.action, p.scope, answer.status, answer.body
            );
            assert_eq!(
                got == Seen::Allowed,
                permits(actor, p.action, p.target),
                "the table and the route disagree: {context}"
            );
            if got != Seen::Allowed {
                assert_eq!(
                    snapshot(&store, &everywhere).await,
                    before,
                    "a refusal changed data: {context}"
                );
                assert!(
                    refusals_audited(&store, &everywhere).await > audited,
                    "a refusal left no audit row: {context}"
                );
            }
            walked += 1;
            cells.push(got.cell());
        }
        rows.push(format!(
            "| `{}` | {} | {} |",
            p.action.as_str(),
            p.scope,
            cells.join(" | ")
        ));
    }
    // Every action of the table is walked.
    for a in Action::ALL {
        assert!(probes.iter().any(|p| p.action == a), "no probe for {a:?}");
    }

    let mut doc = String::from(
        "# Who may do what\n\n\
         Written by `server/tests/permissions.rs` from the permission table\n\
         (`app/src/domain/access.rs`) and from what the real routes answered; the test fails when\n\
         this file differs. No grant reaches another municipality's cases; the national grant reads\n\
         every municipality's aggregates and nothing else.\n\n\
         ## The table\n\n",
    );
    doc.push_str(&table_markdown());
    doc.push_str(&format!(
        "\n## What the routes answered\n\n\
         Each role of Obiliq (the field worker owns the first case, a colleague the second, to\n\
         which the case manager is appointed, the third is Gjilan's; the partner is the\n\
         employment office) against each action and scope:\n\
         {} roles × {} probes = {walked} requests, on SQLite and PostgreSQL. \"not found\" is\n\
         answered where the user may not even see the thing; every refusal changed nothing and\n\
         left an audit row.\n\n",
        actors.len(),
        probes.len()
    ));
    doc.push_str("| action | scope |");
    for (role, _, _) in &actors {
        doc.push_str(&format!(" {} |", role.as_str()));
    }
    doc.push_str("\n|---|---|");
    for _ in &actors {
        doc.push_str("---|");
    }
    doc.push('\n');
    doc.push_str(&rows.join("\n"));
    doc.push('\n');

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/permissions.md");
    if std::env::var_os("REINTEGRA_WRITE_DOCS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, doc,
        "docs/permissions.md differs from what the routes answer; write it anew with REINTEGRA_WRITE_DOCS=1"
    );
}

on_both_databases!(the_matrix);
