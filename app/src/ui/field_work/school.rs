//! The school inclusion team on a phone or tablet, offline like field work: its children (from
//! the schooling referrals it accepted) with the early-warning flag and its reasons, a child's
//! schooling, absences typed for a whole class at once, dropout-prevention actions with their
//! follow-up days on the team's agenda, team meetings and the adult literacy list. The case
//! worker sees a child's schooling on the case ([`SchoolSummary`]).

use super::case_end::start_with as start;
use super::inputs::new_draft;
use super::Screen;
use crate::domain::access::{scope_of, Action};
use crate::domain::follow_up::{self, local_today, Status};
use crate::domain::record::{
    Attendance, Context, FieldSpec, Literacy, SchoolAction, Schooling, TeamMeeting, TypedRecord,
};
use crate::domain::school::{self, Risk, RiskReason, School};
use crate::domain::{FieldError, RecordKind, SessionUser};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::LocalRecord;
use crate::phone::store::PhoneStore;
use crate::spec;
use chrono::{Days, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use uuid::Uuid;

/// A user who works on schooling and has no caseload: their phone holds the children only.
pub(crate) fn is_school_team(user: &SessionUser) -> bool {
    scope_of(user, Action::ViewCase).is_none() && scope_of(user, Action::ViewSchooling).is_some()
}

const SCHOOLING_FORM: &[&FieldSpec] = &[
    spec!(schooling, "first_name"),
    spec!(schooling, "last_name"),
    spec!(schooling, "birth_date"),
    spec!(schooling, "languages"),
    spec!(schooling, "parents"),
    spec!(schooling, "parent_phone"),
    spec!(schooling, "address"),
    spec!(schooling, "returned_on"),
    spec!(schooling, "last_grade_abroad"),
    spec!(schooling, "school_history"),
    spec!(schooling, "assessed_on"),
    spec!(schooling, "assessment_result"),
    spec!(schooling, "recommended_grade"),
    spec!(schooling, "school_id"),
    spec!(schooling, "grade"),
    spec!(schooling, "class_name"),
    spec!(schooling, "instruction_language"),
    spec!(schooling, "enrolled_on"),
    spec!(schooling, "repeated_grade"),
    spec!(schooling, "certificate_missing_since"),
    spec!(schooling, "certificate_requested_on"),
    spec!(schooling, "certificate_received_on"),
    spec!(schooling, "certificate_translated_on"),
    spec!(schooling, "nostrified_on"),
    spec!(schooling, "language_course"),
    spec!(schooling, "supplementary_classes"),
    spec!(schooling, "education_plan_goals"),
    spec!(schooling, "education_plan_review_on"),
    spec!(schooling, "at_risk_by_hand"),
    spec!(schooling, "at_risk_reason"),
    spec!(schooling, "at_risk_since"),
    spec!(schooling, "ended_on"),
    spec!(schooling, "end_reason"),
    spec!(schooling, "left_reason"),
];
const ACTION_FORM: &[&FieldSpec] = &[
    spec!(school_action, "action"),
    spec!(school_action, "done_on"),
    spec!(school_action, "done_by"),
    spec!(school_action, "outcome"),
    spec!(school_action, "note"),
    spec!(school_action, "follow_up_on"),
    spec!(school_action, "meeting_id"),
];
const MEETING_FORM: &[&FieldSpec] = &[
    spec!(team_meeting, "held_on"),
    spec!(team_meeting, "participants"),
    spec!(team_meeting, "children"),
    spec!(team_meeting, "decisions"),
];
const LITERACY_FORM: &[&FieldSpec] = &[
    spec!(literacy, "first_name"),
    spec!(literacy, "last_name"),
    spec!(literacy, "birth_year"),
    spec!(literacy, "address"),
    spec!(literacy, "course"),
    spec!(literacy, "started_on"),
    spec!(literacy, "finished_on"),
    spec!(literacy, "outcome"),
    spec!(literacy, "note"),
];

/// The fields a person fills on the form of a school kind.
pub(crate) fn form_fields(kind: RecordKind) -> &'static [&'static FieldSpec] {
    match kind {
        RecordKind::Schooling => SCHOOLING_FORM,
        RecordKind::SchoolAction => ACTION_FORM,
        RecordKind::TeamMeeting => MEETING_FORM,
        RecordKind::Literacy => LITERACY_FORM,
        _ => &[],
    }
}

/// Where a saved or discarded school record's form returns to: the child, or the team's list.
pub(crate) fn back_from(kind: RecordKind, case_id: Uuid, id: Uuid, fields: &crate::domain::Fields) -> Screen {
    match kind {
        RecordKind::Schooling => Screen::Child(case_id, id),
        RecordKind::SchoolAction => match SchoolAction::read(fields).schooling_id {
            Some(child) => Screen::Child(case_id, child),
            None => Screen::Caseload,
        },
        RecordKind::Literacy => Screen::Literacy,
        _ => Screen::Caseload,
    }
}

/// One child as the team and the case worker see them.
#[derive(Clone, PartialEq)]
pub(crate) struct Child {
    pub case_id: Uuid,
    pub id: Uuid,
    pub schooling: Schooling,
    pub attendance: Vec<Attendance>,
    pub actions: Vec<(Uuid, SchoolAction)>,
    pub risks: Vec<Risk>,
    pub pending: bool,
}

pub(crate) fn children(records: &[LocalRecord], thresholds: &school::Thresholds, today: NaiveDate) -> Vec<Child> {
    let mut out: Vec<Child> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Schooling)
        .map(|r| {
            let child = serde_json::Value::String(r.id.to_string());
            let child = &child;
            let mine = |kind: RecordKind| {
                records
                    .iter()
                    .filter(move |x| x.kind == kind && x.case_id == r.case_id)
                    .filter(move |x| x.fields.get("schooling_id") == Some(child))
            };
            let attendance: Vec<Attendance> = mine(RecordKind::Attendance)
                .map(|a| Attendance::read(&a.fields))
                .collect();
            let mut actions: Vec<(Uuid, SchoolAction)> = mine(RecordKind::SchoolAction)
                .map(|a| (a.id, SchoolAction::read(&a.fields)))
                .collect();
            actions.sort_by_key(|(id, a)| (a.done_on, *id));
            let schooling = Schooling::read(&r.fields);
            let risks = school::risks(&schooling, &attendance, thresholds, today);
            let pending = r.pending
                || mine(RecordKind::Attendance)
                    .chain(mine(RecordKind::SchoolAction))
                    .any(|x| x.pending);
            Child {
                case_id: r.case_id,
                id: r.id,
                schooling,
                attendance,
                actions,
                risks,
                pending,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.risks.is_empty(), a.schooling.name().to_lowercase())
            .cmp(&(b.risks.is_empty(), b.schooling.name().to_lowercase()))
    });
    out
}

/// A reason of the flag, with its figures, in the user's words.
pub(crate) fn risk_text(i18n: I18nContext<Locale>, reason: &RiskReason) -> String {
    let what = label(i18n, &format!("risk_{}", reason.code()));
    let limit = t_string!(i18n, risk_threshold).to_string();
    match reason {
        RiskReason::Absences { days, limit: l }
        | RiskReason::AbsenceRun { days, limit: l }
        | RiskReason::NotEnrolled { days, limit: l }
        | RiskReason::CertificateMissing { days, limit: l } => format!("{what}: {days} ({limit} {l})"),
        RiskReason::RepeatedGrade => what,
        RiskReason::ByHand { note } => format!("{what}: {note}"),
    }
}

fn school_name(schools: &[School], id: Option<Uuid>) -> String {
    schools
        .iter()
        .find(|s| Some(s.id) == id)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

fn placement(schools: &[School], s: &Schooling) -> String {
    match (s.school_id, &s.class_name) {
        (Some(_), class) => format!(
            "{} · {}",
            school_name(schools, s.school_id),
            class.clone().unwrap_or_default()
        ),
        (None, _) => String::new(),
    }
}

/// The school team's first screen: its agenda, its children with their flags, and the way to
/// a class's absences, a meeting and the literacy list.
#[component]
pub fn Children() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let today = local_today(Utc::now());
    let all = Memo::new(move |_| children(&store.local(), &store.thresholds.get(), today));
    let query = RwSignal::new(String::new());
    let shown = move || {
        let q = crate::domain::text::fold(&query.get());
        all.get()
            .into_iter()
            .filter(|c| q.is_empty() || crate::domain::text::fold(&c.schooling.name()).contains(&q))
            .collect::<Vec<_>>()
    };
    let new_meeting = move |_| {
        let id = Uuid::now_v7();
        let m = TeamMeeting {
            held_on: Some(today),
            ..Default::default()
        };
        start(store, RecordKind::TeamMeeting, id, id, m.to_fields());
    };
    // A child who came to school without a referral: the team registers them itself.
    let enrol = move |_| {
        let id = Uuid::now_v7();
        start(store, RecordKind::Schooling, id, id, Default::default());
    };
    view! {
        <TeamAgenda />
        <section class="card" data-testid="children">
            <h2>{t!(i18n, school_children)}</h2>
            <div class="actions">
                <a rel="external" class="button" href=Screen::ClassAttendance.href() data-testid="class-absences">{t!(i18n, class_absences)}</a>
                <button type="button" data-testid="new-meeting" on:click=new_meeting>{t!(i18n, new_team_meeting)}</button>
                <a rel="external" class="button secondary" href=Screen::Literacy.href() data-testid="open-literacy">{t!(i18n, k_literacy)}</a>
                <button type="button" data-testid="enrol-child" on:click=enrol>{t!(i18n, enrol_child)}</button>
            </div>
            <label class="field">
                <span>{t!(i18n, search_by_name)}</span>
                <input type="search" data-testid="child-search" on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
            <Show when=move || !all.with(Vec::is_empty) fallback=move || view! { <p class="muted" data-testid="no-children">{t!(i18n, no_children_yet)}</p> }>
                <ul class="list">
                    {move || {
                        let schools = store.schools.get();
                        shown().into_iter().map(|c| {
                            let at_risk = !c.risks.is_empty();
                            let first = c.risks.first().map(|r| risk_text(i18n, &r.reason));
                            view! {
                                <li data-testid="child" data-at-risk=at_risk.to_string()>
                                    <a rel="external" href=Screen::Child(c.case_id, c.id).href()>{c.schooling.name()}</a>
                                    {c.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                                    <br />
                                    <span class="muted">{placement(&schools, &c.schooling)}</span>
                                    {first.map(|reason| view! { <br /> <span class="error small" data-testid="risk">{t!(i18n, at_risk)} ": " {reason}</span> })}
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </Show>
            <h3>{t!(i18n, k_team_meeting)}</h3>
            <ul class="list" data-testid="meetings">
                {move || {
                    let mut meetings: Vec<LocalRecord> = store.local().into_iter().filter(|r| r.kind == RecordKind::TeamMeeting).collect();
                    meetings.sort_by_key(|m| std::cmp::Reverse(TeamMeeting::read(&m.fields).held_on));
                    meetings.into_iter().map(|m| {
                        let t = TeamMeeting::read(&m.fields);
                        view! {
                            <li>
                                <a rel="external" href=Screen::Form(RecordKind::TeamMeeting, m.id, m.id).href()>{t.held_on.map(|d| d.to_string()).unwrap_or_default()}</a>
                                <span class="muted">" · " {t.participants.join(", ")}</span>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </section>
    }
}

/// The team's own follow-ups: the actions whose day to look again is past, today or this week.
#[component]
fn TeamAgenda() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let lines = Memo::new(move |_| {
        let records = store.local();
        let now = Utc::now();
        let today = local_today(now);
        let days = store.referral_days.get();
        let thresholds = store.thresholds.get();
        let names: Vec<(Uuid, Uuid, String)> = records
            .iter()
            .filter(|r| r.kind == RecordKind::Schooling)
            .map(|r| (r.id, r.case_id, Schooling::read(&r.fields).name()))
            .collect();
        let mut cases: Vec<Uuid> = names.iter().map(|(_, c, _)| *c).collect();
        cases.sort();
        cases.dedup();
        let mut out = Vec::new();
        for case_id in cases {
            let facts = follow_up::facts_from_records(
                case_id,
                records
                    .iter()
                    .filter(|r| r.case_id == case_id)
                    .map(|r| (r.kind, r.id, &r.fields)),
            );
            for f in follow_up::schedule_with(&facts, &days, &thresholds, now) {
                let soon = matches!(f.status, Status::Overdue)
                    || (f.status == Status::Due && f.due_on <= today + Days::new(7));
                if !f.kind.is_school_teams() || !soon {
                    continue;
                }
                // The key names the action; the action names the child.
                let action = f
                    .key
                    .strip_prefix("school_action:")
                    .and_then(|id| Uuid::parse_str(id).ok());
                let child = action
                    .and_then(|a| records.iter().find(|r| r.id == a))
                    .and_then(|a| SchoolAction::read(&a.fields).schooling_id);
                let name = names
                    .iter()
                    .find(|(id, ..)| Some(*id) == child)
                    .map(|(.., n)| n.clone())
                    .unwrap_or_default();
                out.push((f.status == Status::Overdue, f.due_on, name, case_id, child));
            }
        }
        out.sort_by_key(|(overdue, due, ..)| (!*overdue, *due));
        out
    });
    view! {
        <section class="card agenda" data-testid="team-agenda">
            <h2>{t!(i18n, agenda)}</h2>
            <Show when=move || !lines.with(Vec::is_empty) fallback=move || view! { <p class="muted">{t!(i18n, nothing_due)}</p> }>
                <ul class="list">
                    {move || lines.get().into_iter().map(|(overdue, due, name, case_id, child)| view! {
                        <li data-testid="agenda-item" data-kind="fu_school_action" data-overdue=overdue.to_string()>
                            {match child {
                                Some(c) => view! { <a rel="external" href=Screen::Child(case_id, c).href()>{move || label(i18n, "fu_school_action")} " · " {name.clone()}</a> }.into_any(),
                                None => view! { <span>{name.clone()}</span> }.into_any(),
                            }}
                            <span class=if overdue { "error small" } else { "muted" }>" · " {due.to_string()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// One child's schooling (`#child/<case>/<schooling>`).
#[component]
pub fn ChildView(case_id: Uuid, id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let user = expect_context::<SessionUser>();
    let i18n = use_i18n();
    let today = local_today(Utc::now());
    let child = Memo::new(move |_| {
        children(&store.local(), &store.thresholds.get(), today)
            .into_iter()
            .find(|c| c.id == id)
    });
    let may_write = scope_of(&user, Action::WorkOnSchooling).is_some();
    let me = user.display_name.clone();
    let log_action = move |_| {
        let a = SchoolAction {
            schooling_id: Some(id),
            done_on: Some(today),
            done_by: Some(me.clone()),
            ..Default::default()
        };
        start(store, RecordKind::SchoolAction, case_id, Uuid::now_v7(), a.to_fields());
    };
    let back = if is_school_team(&user) {
        Screen::Caseload
    } else {
        Screen::Case(case_id)
    };
    view! {
        <section class="card" data-testid="child-view">
            <a rel="external" href=back.href()>{t!(i18n, back)}</a>
            {move || child.get().map(|c| {
                let s = c.schooling.clone();
                let schools = store.schools.get();
                let yes = |b: Option<bool>| b == Some(true);
                let dated = |key: &'static str, d: Option<NaiveDate>| d.map(|d| view! { <li>{move || label(i18n, key)} ": " {d.to_string()}</li> });
                view! {
                    <h2>{s.name()}</h2>
                    <p class="muted">
                        {s.birth_date.map(|d| d.to_string())} " · " {s.languages.join(", ")} <br />
                        {s.parents.clone()} " · " {s.parent_phone.clone()} <br />
                        {s.address.clone()}
                    </p>
                    <Show when={let at = !c.risks.is_empty(); move || at}>
                        <div class="notice" data-testid="risk-reasons">
                            <strong>{t!(i18n, at_risk)}</strong>
                            <ul>
                                {c.risks.iter().map(|r| view! { <li>{risk_text(i18n, &r.reason)} <span class="muted">" · " {r.since.to_string()}</span></li> }).collect_view()}
                            </ul>
                        </div>
                    </Show>
                    <h3>{t!(i18n, enrolment)}</h3>
                    <p data-testid="placement">
                        {placement(&schools, &s)}
                        {s.grade.map(|g| format!(" · {g}"))}
                        {s.enrolled_on.map(|d| format!(" · {d}"))}
                    </p>
                    <ul class="list small" data-testid="certificates">
                        {dated("f_certificate_missing_since", s.certificate_missing_since)}
                        {dated("f_certificate_requested_on", s.certificate_requested_on)}
                        {dated("f_certificate_received_on", s.certificate_received_on)}
                        {dated("f_certificate_translated_on", s.certificate_translated_on)}
                        {dated("f_nostrified_on", s.nostrified_on)}
                        {yes(s.language_course).then(|| view! { <li>{move || label(i18n, "f_language_course")}</li> })}
                        {yes(s.supplementary_classes).then(|| view! { <li>{move || label(i18n, "f_supplementary_classes")}</li> })}
                        {(!s.education_plan_goals.is_empty()).then(|| view! { <li>{move || label(i18n, "f_education_plan_goals")} ": " {s.education_plan_goals.join("; ")}</li> })}
                        {dated("f_ended_on", s.ended_on)}
                    </ul>
                    <h3>{t!(i18n, k_attendance)}</h3>
                    <ul class="list small" data-testid="absences">
                        {c.attendance.iter().rev().map(|a| view! {
                            <li>{a.period_from.map(|d| d.to_string())} " – " {a.period_to.map(|d| d.to_string())} ": "
                                {a.absent_days.unwrap_or(0)} " / " {a.school_days.unwrap_or(0)}</li>
                        }).collect_view()}
                    </ul>
                    <h3>{t!(i18n, school_actions)}</h3>
                    <ul class="list small" data-testid="actions">
                        {c.actions.iter().rev().map(|(_, a)| {
                            let what = a.action.clone().unwrap_or_default();
                            view! {
                                <li>{a.done_on.map(|d| d.to_string())} " · " {move || label(i18n, &format!("c_{what}"))}
                                    " · " {a.done_by.clone()} {a.outcome.clone().map(|o| format!(" · {o}"))}
                                    {a.follow_up_on.map(|d| view! { <span class="muted">" → " {d.to_string()}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            <Show when=move || may_write>
                <div class="actions">
                    <a rel="external" class="button secondary" data-testid="edit-schooling" href=Screen::Form(RecordKind::Schooling, case_id, id).href()>{t!(i18n, edit_schooling)}</a>
                    <button type="button" data-testid="log-action" on:click=log_action.clone()>{t!(i18n, log_school_action)}</button>
                </div>
            </Show>
        </section>
    }
}

/// Absences typed for a whole class at once (`#attendance`): the school, the class and the
/// period, then the days each child was absent.
#[component]
pub fn ClassAttendance() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let today = local_today(Utc::now());
    let school = RwSignal::new(String::new());
    let class = RwSignal::new(String::new());
    let from = RwSignal::new((today - Days::new(4)).to_string());
    let to = RwSignal::new(today.to_string());
    let school_days = RwSignal::new("5".to_string());
    // (schooling id, absent days, longest run) as typed.
    let typed = RwSignal::new(Vec::<(Uuid, String, String)>::new());
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let pupils = Memo::new(move |_| {
        let (s, c) = (school.get(), class.get());
        children(&store.local(), &store.thresholds.get(), today)
            .into_iter()
            .filter(|x| x.schooling.in_school())
            .filter(|x| x.schooling.school_id.map(|i| i.to_string()) == Some(s.clone()))
            .filter(|x| x.schooling.class_name.as_deref().map(str::trim) == Some(c.trim()))
            .collect::<Vec<_>>()
    });
    let classes = move || {
        let s = school.get();
        store
            .schools
            .get()
            .into_iter()
            .find(|x| x.id.to_string() == s)
            .map(|x| x.classes)
            .unwrap_or_default()
    };
    let set = move |child: Uuid, run: bool, value: String| {
        typed.update(|t| {
            let slot = match t.iter().position(|(c, ..)| *c == child) {
                Some(i) => i,
                None => {
                    t.push((child, String::new(), String::new()));
                    t.len() - 1
                }
            };
            if run {
                t[slot].2 = value;
            } else {
                t[slot].1 = value;
            }
        })
    };
    let save = move |_| {
        let number = |s: &str| s.trim().parse::<i64>().ok();
        let ctx = Context::at(Utc::now());
        let mut drafts = Vec::new();
        let mut found = Vec::new();
        for c in pupils.get_untracked() {
            let Some((_, absent, run)) = typed.get_untracked().into_iter().find(|(id, ..)| *id == c.id) else {
                continue;
            };
            let Some(absent) = number(&absent) else { continue };
            let a = Attendance {
                schooling_id: Some(c.id),
                period_from: NaiveDate::parse_from_str(&from.get_untracked(), "%Y-%m-%d").ok(),
                period_to: NaiveDate::parse_from_str(&to.get_untracked(), "%Y-%m-%d").ok(),
                school_days: number(&school_days.get_untracked()),
                absent_days: Some(absent),
                longest_absence_run: number(&run),
            };
            let fields = a.to_fields();
            for e in crate::domain::record::validate(RecordKind::Attendance, &fields, &ctx) {
                found.push((c.schooling.name(), e));
            }
            drafts.push(new_draft(
                RecordKind::Attendance,
                Uuid::now_v7(),
                c.case_id,
                fields,
                None,
            ));
        }
        let clean = found.is_empty() && !drafts.is_empty();
        errors.set(found);
        if clean {
            typed.set(Vec::new());
            // Absences return to the team's list; sent at once when there is a network.
            super::finish_and_return(store, drafts, Uuid::nil());
        }
    };
    view! {
        <form class="card form" data-testid="class-attendance" on:submit=|ev| ev.prevent_default()>
            <a rel="external" href="#">{t!(i18n, back)}</a>
            <h2>{t!(i18n, class_absences)}</h2>
            <div class="two">
                <label class="field">
                    <span>{t!(i18n, f_school_id)}</span>
                    <select data-field="school_id" on:change=move |ev| { school.set(event_target_value(&ev)); class.set(String::new()); }>
                        <option value="">"—"</option>
                        {move || store.schools.get().into_iter().filter(|s| !s.retired).map(|s| view! { <option value=s.id.to_string()>{s.name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{t!(i18n, f_class_name)}</span>
                    <select data-field="class_name" on:change=move |ev| class.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || classes().into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="two">
                <label class="field"><span>{t!(i18n, f_period_from)}</span>
                    <input type="date" data-field="period_from" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) /></label>
                <label class="field"><span>{t!(i18n, f_period_to)}</span>
                    <input type="date" data-field="period_to" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
            </div>
            <label class="field"><span>{t!(i18n, f_school_days)}</span>
                <input type="number" min="1" max="31" data-field="school_days" prop:value=move || school_days.get() on:input=move |ev| school_days.set(event_target_value(&ev)) /></label>
            <table class="class-list" data-testid="class-list">
                <thead><tr><th>{t!(i18n, f_schooling_id)}</th><th>{t!(i18n, f_absent_days)}</th><th>{t!(i18n, f_longest_absence_run)}</th></tr></thead>
                <tbody>
                    {move || pupils.get().into_iter().map(|c| {
                        let id = c.id;
                        view! {
                            <tr data-testid="pupil">
                                <td>{c.schooling.name()}</td>
                                <td><input type="number" min="0" max="31" inputmode="numeric" data-field="absent_days" on:input=move |ev| set(id, false, event_target_value(&ev)) /></td>
                                <td><input type="number" min="0" max="31" inputmode="numeric" data-field="longest_absence_run" on:input=move |ev| set(id, true, event_target_value(&ev)) /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || pupils.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_pupils_in_class)}</p>
            </Show>
            <super::inputs::Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
            </div>
        </form>
    }
}

/// The adult literacy list (`#literacy`).
#[component]
pub fn LiteracyList() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let add = move |_| {
        let id = Uuid::now_v7();
        let l = Literacy {
            outcome: Some("waiting".into()),
            ..Default::default()
        };
        start(store, RecordKind::Literacy, id, id, l.to_fields());
    };
    view! {
        <section class="card" data-testid="literacy">
            <a rel="external" href="#">{t!(i18n, back)}</a>
            <h2>{t!(i18n, k_literacy)}</h2>
            <ul class="list">
                {move || {
                    let mut list: Vec<(Uuid, Literacy, bool)> = store
                        .local()
                        .into_iter()
                        .filter(|r| r.kind == RecordKind::Literacy)
                        .map(|r| (r.id, Literacy::read(&r.fields), r.pending))
                        .collect();
                    list.sort_by_key(|(_, l, _)| (l.last_name.to_lowercase(), l.first_name.to_lowercase()));
                    list.into_iter().map(|(id, l, pending)| {
                        let outcome = l.outcome.clone().unwrap_or_default();
                        view! {
                            <li>
                                <a rel="external" href=Screen::Form(RecordKind::Literacy, id, id).href()>{format!("{} {}", l.first_name, l.last_name)}</a>
                                <span class="muted">" · " {l.course.clone()} " · " {move || label(i18n, &format!("c_{outcome}"))}</span>
                                {pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <div class="actions"><button type="button" data-testid="add-literacy" on:click=add>{t!(i18n, add_to_literacy)}</button></div>
        </section>
    }
}

/// The children's schooling on the case, for the case worker and case manager: where each is
/// enrolled, whether at risk and why, the team's last action.
#[component]
pub fn SchoolSummary(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let today = local_today(Utc::now());
    let list = Memo::new(move |_| {
        let records: Vec<LocalRecord> = store.local().into_iter().filter(|r| r.case_id == case_id).collect();
        children(&records, &store.thresholds.get(), today)
    });
    view! {
        <Show when=move || !list.with(Vec::is_empty)>
            <h3>{t!(i18n, school_summary)}</h3>
            <ul class="list" data-testid="school-summary">
                {move || {
                    let schools = store.schools.get();
                    list.get().into_iter().map(|c| {
                        let last = c.actions.last().map(|(_, a)| {
                            let what = a.action.clone().unwrap_or_default();
                            let on = a.done_on.map(|d| d.to_string()).unwrap_or_default();
                            view! { <br /> <span class="muted" data-testid="last-action">{t!(i18n, last_action)} ": " {move || label(i18n, &format!("c_{what}"))} " · " {on.clone()}</span> }
                        });
                        let placed = placement(&schools, &c.schooling);
                        view! {
                            <li data-testid="school-child">
                                <a rel="external" href=Screen::Child(case_id, c.id).href()>{c.schooling.name()}</a>
                                " · "
                                {if placed.is_empty() { view! { <span class="muted">{t!(i18n, not_enrolled)}</span> }.into_any() } else { view! { <span data-testid="enrolled-in">{placed}</span> }.into_any() }}
                                {c.risks.iter().map(|r| view! { <br /> <span class="error small" data-testid="risk">{t!(i18n, at_risk)} ": " {risk_text(i18n, &r.reason)}</span> }).collect_view()}
                                {last}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </Show>
    }
}
