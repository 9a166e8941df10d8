//! School inclusion on both databases: the school team accepts a schooling referral and the
//! child's schooling opens with only what schooling needs; enrolment, certificates and absences
//! are checked; absences over the municipality's threshold put a visit on the case worker's
//! agenda, which the visit does; an action's follow-up is on the team's; meetings and the
//! literacy list are the team's own; the team never pulls anything else of a case, and no one
//! outside the municipality or the team writes a child's schooling.

mod common;

use app::domain::follow_up::local_today;
use app::domain::record::Schooling;
use app::domain::record::TypedRecord;
use app::domain::referral::Answer;
use app::domain::school::{SchoolInput, Thresholds};
use app::domain::sync::{Outcome, Rejection};
use app::domain::{Institution, InstitutionKind, Problem, RecordKind, Role, SessionUser};
use chrono::{Duration, NaiveDate, Utc};
use common::world::*;
use reintegra::context::Ctx;
use reintegra::school::Schools;
use reintegra::seed;
use reintegra::storage::Storage;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

fn rejection(o: &Outcome) -> Option<(Rejection, Vec<(String, Problem)>)> {
    match o {
        Outcome::Rejected { reason, errors, .. } => {
            Some((*reason, errors.iter().map(|e| (e.field.clone(), e.problem)).collect()))
        }
        _ => None,
    }
}

async fn push_school(w: &World, actor: &SessionUser, changes: Vec<Value>) -> Vec<Outcome> {
    let request = app::domain::sync::PushRequest {
        changes,
        reads: vec![],
        device_id: None,
    };
    w.sync
        .push_school(actor, request)
        .await
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

async fn pull_school(w: &World, actor: &SessionUser) -> app::domain::sync::PullPage {
    let page = w.sync.pull_school(actor, "", Some(1000)).await.unwrap();
    assert!(!page.more);
    page
}

async fn follow_up(w: &World, case: Uuid, key: &str) -> Option<(NaiveDate, String)> {
    w.store
        .follow_ups_of_case(case)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.key == key)
        .map(|r| (r.due_on, r.status))
}

/// The municipality's education directorate with its school team user, and an administrator.
async fn school_team(w: &World, code: &str) -> (SessionUser, SessionUser, Institution) {
    let m = w
        .store
        .municipalities()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.code == code)
        .unwrap();
    let directorate = Institution {
        id: Uuid::now_v7(),
        municipality_id: m.id,
        kind: InstitutionKind::EducationDirectorate,
        name: "DKA / ODO".into(),
    };
    w.store.insert_institution(&directorate).await.unwrap();
    let user = |name: String, role, institution| {
        let store = w.store.clone();
        let m = m.clone();
        async move {
            let u = seed::create_user(
                store.as_ref(),
                &m,
                &name,
                &name,
                &[role],
                institution,
                "a-long-password",
            )
            .await
            .unwrap();
            SessionUser::from(&u)
        }
    };
    (
        user(format!("team.{code}"), Role::SchoolTeam, Some(directorate.id)).await,
        user(format!("admin.{code}"), Role::Admin, None).await,
        directorate,
    )
}

/// Gjilan's school team (made once per world).
async fn gjilan_team_of(w: &World) -> SessionUser {
    let existing = w.store.user_by_username("team.gjilan").await.unwrap();
    match existing {
        Some(u) => SessionUser::from(&u),
        None => school_team(w, "gjilan").await.0,
    }
}

async fn a_referred_child_from_acceptance_to_the_early_warning(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let schools = Schools::new(Ctx::new(store.clone()));
    let (team, admin, directorate) = school_team(&w, "obiliq").await;
    let (phone, tablet) = (Uuid::now_v7(), Uuid::now_v7());
    let today = local_today(Utc::now());
    let ago = |days: i64| (today - Duration::days(days)).to_string();

    // The administrator keeps the registry: a school written in Cyrillic, with its classes.
    let school = schools
        .save(
            &admin,
            None,
            &SchoolInput {
                name: "  ОШ „Свети Сава“  ".into(),
                classes: vec!["IV-1".into(), " IV-2 ".into(), "IV-1".into(), "".into()],
                retired: false,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (school.name.as_str(), school.classes.clone()),
        ("ОШ „Свети Сава“", vec!["IV-1".to_string(), "IV-2".to_string()])
    );
    assert!(schools
        .save(
            &team,
            None,
            &SchoolInput {
                name: "X".into(),
                classes: vec![],
                retired: false
            },
            Utc::now()
        )
        .await
        .is_err());

    // A family with a child of nine, assessed; the worker refers the child for schooling.
    let f = family(phone);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let assessment = change(
        RecordKind::Visit,
        Uuid::now_v7(),
        f.case,
        None,
        phone,
        json!({ "visited_at": (Utc::now() - Duration::days(2)).to_rfc3339(), "kind": "initial", "village": "Plemetin" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![assessment]).await[0]));
    let referral_id = Uuid::now_v7();
    let referral = change(
        RecordKind::Referral,
        referral_id,
        f.case,
        None,
        phone,
        json!({ "kind": "schooling", "institution_id": directorate.id, "sent_on": ago(1),
                "note": "Klasa e 4-t; dëftesa mungon" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![referral]).await[0]));

    // Before the acceptance the team's phone has nothing; its list of referrals has this one.
    assert!(pull_school(&w, &team).await.records.is_empty());
    let incoming = w.referrals.incoming(&team).await.unwrap();
    assert_eq!(incoming.iter().map(|r| r.id).collect::<Vec<_>>(), vec![referral_id]);
    let answer = Answer {
        state: "accepted".into(),
        feedback: "Testimi i njohurive të hënën".into(),
    };
    w.referrals
        .answer(&team, referral_id, answer, Utc::now())
        .await
        .unwrap();

    // One schooling opened, for the child (not the adult), with only what schooling needs.
    let page = pull_school(&w, &team).await;
    let kinds: Vec<RecordKind> = page.records.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![RecordKind::Schooling]);
    let child = page.records[0].clone();
    let s = Schooling::from_fields(&child.fields).unwrap();
    assert_eq!(
        (
            s.first_name.as_str(),
            s.last_name.as_str(),
            s.parents.as_deref(),
            s.address.as_deref()
        ),
        (
            "Ёлена",
            "Gashi",
            Some("Şükrije Gashi-Đurić"),
            Some("Plemetin / Племетина")
        )
    );
    assert_eq!(
        (s.member_id, s.referral_id, s.returned_on),
        (Some(f.child), Some(referral_id), Some(today - Duration::days(2)))
    );
    assert_eq!(child.case_id, f.case);
    assert_eq!(page.cases, Some(vec![f.case]));
    assert_eq!(page.schools, vec![school.clone()]);
    // The worker sees the answer and the schooling on the case.
    let theirs = pull_all(&w, &w.worker).await;
    let r = theirs.records.iter().find(|r| r.id == referral_id).unwrap();
    assert_eq!(r.fields["state"], json!("accepted"));
    assert!(theirs.records.iter().any(|r| r.id == child.id));

    // Enrolment: without a school refused, an unknown school refused, then enrolled.
    let edit = |fields: Value, base: i64| change(RecordKind::Schooling, child.id, f.case, Some(base), tablet, fields);
    let no_school = push_school(
        &w,
        &team,
        vec![edit(
            json!({ "enrolled_on": ago(1), "grade": 4, "class_name": "IV-1" }),
            1,
        )],
    )
    .await;
    assert_eq!(
        rejection(&no_school[0]),
        Some((Rejection::Invalid, vec![("school_id".into(), Problem::Required)]))
    );
    let unknown = push_school(
        &w,
        &team,
        vec![edit(
            json!({ "enrolled_on": ago(1), "grade": 4, "school_id": Uuid::now_v7() }),
            1,
        )],
    )
    .await;
    assert_eq!(
        rejection(&unknown[0]),
        Some((
            Rejection::Invalid,
            vec![("school_id".into(), Problem::UnknownReference)]
        ))
    );
    let enrol = edit(
        json!({ "assessed_on": ago(1), "assessment_result": "Lexon mirë; matematika e klasës 3",
                "recommended_grade": 4, "school_id": school.id, "grade": 4, "class_name": "IV-1",
                "instruction_language": "sq", "enrolled_on": ago(1), "certificate_missing_since": ago(1) }),
        1,
    );
    assert!(applied(&push_school(&w, &team, vec![enrol]).await[0]));
    // Nostrification before the request is refused, and nothing changes.
    let backwards = push_school(
        &w,
        &team,
        vec![edit(
            json!({ "certificate_requested_on": ago(0), "nostrified_on": ago(1) }),
            2,
        )],
    )
    .await;
    assert_eq!(
        rejection(&backwards[0]),
        Some((
            Rejection::Invalid,
            vec![("nostrified_on".into(), Problem::BeforeRequest)]
        ))
    );
    assert_eq!(w.store.record(child.id).await.unwrap().unwrap().version, 2);

    // Absences: more than the school days refused; two weeks of 2 and 3 reach the default 5.
    let week = |end: i64, absent: i64| {
        change(
            RecordKind::Attendance,
            Uuid::now_v7(),
            f.case,
            None,
            tablet,
            json!({ "schooling_id": child.id, "period_from": ago(end + 4), "period_to": ago(end),
                    "school_days": 5, "absent_days": absent, "longest_absence_run": 1 }),
        )
    };
    let too_many = push_school(&w, &team, vec![week(8, 6)]).await;
    assert_eq!(
        rejection(&too_many[0]),
        Some((Rejection::Invalid, vec![("absent_days".into(), Problem::OverPeriod)]))
    );
    assert!(push_school(&w, &team, vec![week(8, 2), week(1, 3)])
        .await
        .iter()
        .all(applied));
    let risk = format!("school_risk:{}", child.id);
    // Flagged with the week that ended yesterday: the worker's visit is due within 7 days.
    assert_eq!(
        follow_up(&w, f.case, &risk).await,
        Some((today + Duration::days(6), "due".into()))
    );
    // A stricter municipality? No: a more lenient one. Ten days lifts the flag; back to five.
    let lenient = Thresholds {
        absent_days: 10,
        ..Default::default()
    };
    assert!(schools.set_thresholds(&team, lenient, Utc::now()).await.is_err());
    schools.set_thresholds(&admin, lenient, Utc::now()).await.unwrap();
    assert_eq!(follow_up(&w, f.case, &risk).await, None);
    assert_eq!(pull_school(&w, &team).await.thresholds, Some(lenient));
    let bad = Thresholds {
        absent_days: 0,
        ..Default::default()
    };
    assert!(schools.set_thresholds(&admin, bad, Utc::now()).await.is_err());
    schools
        .set_thresholds(&admin, Thresholds::default(), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        follow_up(&w, f.case, &risk).await,
        Some((today + Duration::days(6), "due".into()))
    );
    // The worker visits the family: the follow-up is done.
    let visit = change(
        RecordKind::Visit,
        Uuid::now_v7(),
        f.case,
        None,
        phone,
        json!({ "visited_at": Utc::now().to_rfc3339(), "kind": "school", "village": "Plemetin" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![visit]).await[0]));
    assert_eq!(follow_up(&w, f.case, &risk).await.map(|(_, s)| s), Some("done".into()));

    // The team's home visit, its follow-up day passed: overdue on the team's agenda.
    let action_id = Uuid::now_v7();
    let action = change(
        RecordKind::SchoolAction,
        action_id,
        f.case,
        None,
        tablet,
        json!({ "schooling_id": child.id, "action": "home_visit", "done_on": ago(3), "done_by": "Mirjeta Berisha",
                "outcome": "Prindërit premtojnë", "follow_up_on": ago(1) }),
    );
    assert!(applied(&push_school(&w, &team, vec![action]).await[0]));
    assert_eq!(
        follow_up(&w, f.case, &format!("school_action:{action_id}")).await,
        Some((today - Duration::days(1), "overdue".into()))
    );

    // A team meeting and an adult of the literacy list are their own roots.
    let meeting_id = Uuid::now_v7();
    let meeting = change(
        RecordKind::TeamMeeting,
        meeting_id,
        meeting_id,
        None,
        tablet,
        json!({ "held_on": ago(0), "participants": ["Mirjeta Berisha", "Drejtori i shkollës"],
                "children": [child.id], "decisions": ["Takim me prindërit"] }),
    );
    let decision = change(
        RecordKind::SchoolAction,
        Uuid::now_v7(),
        f.case,
        None,
        tablet,
        json!({ "schooling_id": child.id, "action": "parents_meeting", "done_on": ago(0), "done_by": "Ekipi",
                "meeting_id": meeting_id, "follow_up_on": (today + Duration::days(14)).to_string() }),
    );
    let literacy_id = Uuid::now_v7();
    let literacy = change(
        RecordKind::Literacy,
        literacy_id,
        literacy_id,
        None,
        tablet,
        json!({ "first_name": "Şükrije", "last_name": "Gashi-Đurić", "course": "Kursi i alfabetizimit", "outcome": "attending",
                "started_on": ago(0) }),
    );
    let done = push_school(&w, &team, vec![meeting, decision, literacy]).await;
    assert!(done.iter().all(applied), "{done:?}");
    // The earlier action's follow-up is done by the meeting's decision.
    assert_eq!(
        follow_up(&w, f.case, &format!("school_action:{action_id}"))
            .await
            .map(|(_, s)| s),
        Some("done".into())
    );

    // A child who came to school without a referral: the team enrols them itself. Their
    // schooling is its own root; absences hang on it; no case worker sees them.
    let walk_in = Uuid::now_v7();
    let enrolled_itself = change(
        RecordKind::Schooling,
        walk_in,
        walk_in,
        None,
        tablet,
        json!({ "first_name": "Ayşe", "last_name": "Đokić", "returned_on": ago(40), "school_id": school.id,
                "grade": 2, "class_name": "IV-2", "enrolled_on": ago(2) }),
    );
    let its_week = change(
        RecordKind::Attendance,
        Uuid::now_v7(),
        walk_in,
        None,
        tablet,
        json!({ "schooling_id": walk_in, "period_from": ago(4), "period_to": ago(0), "school_days": 5, "absent_days": 0 }),
    );
    let out = push_school(&w, &team, vec![enrolled_itself, its_week.clone()]).await;
    assert!(out.iter().all(applied), "{out:?}");
    // Another municipality's team does not reach it; a schooling naming another record as its
    // case is not a child without a case.
    let across = push_school(&w, &gjilan_team_of(&w).await, vec![its_week]).await;
    assert_eq!(rejection(&across[0]).map(|r| r.0), Some(Rejection::Forbidden));
    let stray = change(
        RecordKind::Schooling,
        Uuid::now_v7(),
        Uuid::now_v7(),
        None,
        tablet,
        json!({ "first_name": "A", "last_name": "B" }),
    );
    assert_eq!(
        rejection(&push_school(&w, &team, vec![stray]).await[0]).map(|r| r.0),
        Some(Rejection::UnknownCase)
    );

    // What the team pulls: its kinds only, never the case's people, assessment or referrals.
    let page = pull_school(&w, &team).await;
    assert!(
        page.records.iter().all(|r| r.kind.is_school()),
        "{:?}",
        page.records.iter().map(|r| r.kind).collect::<Vec<_>>()
    );
    let ids: Vec<Uuid> = page.records.iter().map(|r| r.id).collect();
    for hidden in [f.case, f.household, f.adult, f.child, referral_id] {
        assert!(!ids.contains(&hidden));
    }
    assert!(ids.contains(&meeting_id) && ids.contains(&literacy_id) && ids.contains(&walk_in));
    assert!(page.cases.as_ref().unwrap().contains(&walk_in));
    assert!(page.cases.unwrap().contains(&meeting_id));
    assert!(page.workers.is_empty() && page.services.is_empty());
    // The worker's phone has the child's schooling, not the team's meetings.
    let theirs = pull_all(&w, &w.worker).await;
    assert!(!theirs
        .records
        .iter()
        .any(|r| r.id == meeting_id || r.id == literacy_id || r.id == walk_in));

    // The case worker reads the schooling but does not write it; a school team elsewhere does
    // not reach it; the audit trail has the acceptance's opening.
    let not_theirs = push(&w, &w.worker, vec![week(15, 1)]).await;
    assert_eq!(rejection(&not_theirs[0]).map(|r| r.0), Some(Rejection::Forbidden));
    let gjilan_team = gjilan_team_of(&w).await;
    let across = push_school(&w, &gjilan_team, vec![week(15, 1)]).await;
    assert_eq!(rejection(&across[0]).map(|r| r.0), Some(Rejection::Forbidden));
    assert!(pull_school(&w, &gjilan_team).await.records.is_empty());
    // The team has no caseload: the case pull refuses it.
    assert!(w.sync.pull(&team, "", None).await.is_err());
    // The supervisor's school pull has the meeting and the literacy list too.
    let theirs = pull_school(&w, &w.supervisor).await;
    assert!(theirs.records.iter().any(|r| r.id == meeting_id) && theirs.records.iter().any(|r| r.id == literacy_id));
    let audit = w.store.audit_events(w.worker.municipality_id, 500).await.unwrap();
    assert!(audit
        .iter()
        .any(|e| e.entity == "schooling" && e.entity_id == Some(child.id.to_string())));
    assert!(audit.iter().any(|e| e.action == "early_warning.set"));
}

on_both_databases!(a_referred_child_from_acceptance_to_the_early_warning,);
