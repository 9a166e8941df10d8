//! One case on the phone: the household, its members, the return, visits and assessments.

use super::{go, inputs::new_draft, Screen};
use crate::domain::follow_up::{self, FirstVisitDeadline};
use crate::domain::record::{Assessment, Household, Member, Referral, ReturnEvent, TypedRecord, Visit};
use crate::domain::referral::{self, Suggestion};
use crate::domain::{assessment, RecordKind, Role, SessionUser};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::LocalRecord;
use crate::phone::store::{of_case, PhoneStore};
use chrono::SubsecRound;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;

#[component]
pub fn CaseView(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = Memo::new(move |_| {
        store
            .local()
            .into_iter()
            .filter(|r| r.case_id == case_id)
            .collect::<Vec<_>>()
    });
    let of = move |kind| of_case(&records.get(), case_id, kind);
    // Opening a case is a read: noted on the phone, it reaches the audit trail with the next
    // sync, offline or not.
    Effect::new(move |noted: Option<bool>| {
        if noted == Some(true) || !store.loaded.get() {
            return noted.unwrap_or(false);
        }
        store.note_read(case_id);
        true
    });
    let household = move || {
        of(RecordKind::Household)
            .into_iter()
            .next()
            .map(|h| Household::read(&h.fields))
            .unwrap_or_default()
    };
    let new_visit = move |_| {
        let id = Uuid::now_v7();
        let visit = Visit {
            visited_at: Some(Utc::now().trunc_subsecs(0)),
            village: household().village,
            kind: Some("initial".into()),
            ..Default::default()
        };
        store.save_draft(new_draft(RecordKind::Visit, id, case_id, visit.to_fields(), None));
        go(Screen::Visit(case_id, id));
    };
    let new_assessment = move |_| {
        let id = Uuid::now_v7();
        let draft = Assessment {
            form_version: Some(assessment::current().version),
            visit_id: of(RecordKind::Visit).last().map(|v| v.id),
            answers: json!({ "household": {}, "members": {}, "needs": [] }),
            ..Default::default()
        };
        store.save_draft(new_draft(RecordKind::Assessment, id, case_id, draft.to_fields(), None));
        go(Screen::Assessment(case_id, id));
    };
    let refer = move |suggested: Option<Suggestion>| {
        let id = Uuid::now_v7();
        let mut draft = Referral {
            sent_on: Some(crate::domain::follow_up::local_today(Utc::now())),
            ..Default::default()
        };
        if let Some(s) = suggested {
            draft.kind = Some(s.kind.as_str().into());
            draft.assessment_id = Some(s.assessment_id);
            draft.note = Some(s.note);
        }
        store.save_draft(new_draft(RecordKind::Referral, id, case_id, draft.to_fields(), None));
        go(Screen::Referral(case_id, id));
    };
    let new_referral = move |_| refer(None);
    let closed = move || {
        records.with(|r| {
            r.iter()
                .find(|x| x.kind == RecordKind::Case)
                .is_some_and(|c| crate::domain::record::Case::read(&c.fields).is_closed())
        })
    };
    // Needs of the latest assessment that no referral answers yet.
    let suggestions = Memo::new(move |_| {
        let assessments = of(RecordKind::Assessment);
        let latest = assessments
            .iter()
            .map(|a| (a.id, Assessment::read(&a.fields)))
            .max_by_key(|(_, a)| a.completed_at);
        let referrals = of(RecordKind::Referral);
        latest
            .map(|(id, a)| {
                let answers = a.answers;
                let made: Vec<Referral> = referrals
                    .iter()
                    .filter_map(|r| Referral::from_fields(&r.fields).ok())
                    .collect();
                referral::suggestions(id, &answers, &made)
            })
            .unwrap_or_default()
    });
    let institution_name = move |id: String| {
        store.institutions.with(|l| {
            l.iter()
                .find(|i| i.id.to_string() == id)
                .map(|i| i.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card" data-testid="case-view">
            <a rel="external" href="#">{t!(i18n, back_to_caseload)}</a>
            <h2>{move || household().village} " · " {move || household().address}</h2>
            <p class="muted">{move || household().phone.unwrap_or_default()}</p>
            <h3>{t!(i18n, members)}</h3>
            <ul class="list" data-testid="members">
                {move || of(RecordKind::Member).into_iter().map(|m| Member::read(&m.fields)).filter(|m| m.merged_into.is_none()).map(|m| view! {
                    <li>
                        {m.first_name.clone()} " " {m.last_name.clone()}
                        <span class="muted">
                            " · " {m.birth_date.map(|d| d.to_string()).unwrap_or_default()} " · "
                            {let r = m.relationship.clone().unwrap_or_default(); move || label(i18n, &format!("c_{r}"))}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            <super::protection::ProtectionSection case_id />
            {move || of(RecordKind::ReturnEvent).into_iter().next().map(|r| {
                let r = ReturnEvent::read(&r.fields);
                let date = r.event_date.map(|d| d.to_string()).unwrap_or_default();
                let time = r.event_time.clone().map(|t| format!(" {t}")).unwrap_or_default();
                // The home visit is due 72 elapsed hours after the return (or the decision)
                // when its hour is known, else by the end of the third day: say which.
                let due = r.event_date.map(|d| FirstVisitDeadline::of(d, r.returned_at()));
                let category = r.category.clone().unwrap_or_default();
                view! {
                    <p data-testid="return">
                        {move || label(i18n, &format!("c_{category}"))} " · " {r.country.clone()} " · " {date.clone()} {time.clone()}
                        {due.map(|d| view! {
                            <br />
                            <span class="muted" data-testid="first-visit-due">
                                {t!(i18n, first_visit_due)} " " {d.day().to_string()}
                                {match d {
                                    FirstVisitDeadline::At(at) => view! { " " {follow_up::local_hhmm(at)} }.into_any(),
                                    FirstVisitDeadline::EndOf(_) => view! { " (" {t!(i18n, first_visit_by_day)} ")" }.into_any(),
                                }}
                            </span>
                        })}
                    </p>
                }
            })}
            // A closed case is read-only until a supervisor reopens it: nothing new is offered.
            <div class="actions" data-testid="case-actions" hidden=closed>
                <a rel="external" class="button secondary" href=Screen::Household(case_id).href() data-testid="edit-household">{t!(i18n, edit_household)}</a>
                <button type="button" data-testid="new-visit" on:click=new_visit>{t!(i18n, new_visit)}</button>
                <button type="button" data-testid="new-assessment" on:click=new_assessment>{t!(i18n, new_assessment)}</button>
                <button type="button" data-testid="new-referral" on:click=new_referral>{t!(i18n, new_referral)}</button>
            </div>
            <super::plan::PlanSection case_id />
            <super::case_end::CaseEndSection case_id />
            <super::school::SchoolSummary case_id />
            <h3>{t!(i18n, visits)}</h3>
            <ul class="list" data-testid="visits">
                {move || of(RecordKind::Visit).into_iter().map(|v| {
                    let typed = Visit::read(&v.fields);
                    let kind = typed.kind.clone().unwrap_or_default();
                    view! {
                        <li>
                            <a rel="external" href=Screen::Visit(case_id, v.id).href()>
                                {super::local_time(typed.visited_at.unwrap_or_else(Utc::now))}
                                " · " {move || label(i18n, &format!("c_{kind}"))}
                            </a>
                            {v.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, assessments)}</h3>
            <ul class="list" data-testid="assessments">
                {move || of(RecordKind::Assessment).into_iter().map(|a| view! {
                    <li>
                        <a rel="external" href=Screen::Assessment(case_id, a.id).href()>
                            {Assessment::read(&a.fields).completed_at.map(super::local_time).unwrap_or_default()}
                        </a>
                        {a.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, referrals)}</h3>
            <Show when=move || !suggestions.with(Vec::is_empty)>
                <h4>{t!(i18n, suggested_referrals)}</h4>
                <ul class="list" data-testid="suggested-referrals">
                    {move || suggestions.get().into_iter().map(|sug| {
                        let kind = sug.kind.as_str();
                        let priority = sug.priority.clone();
                        let note = sug.note.clone();
                        view! {
                            <li data-testid="suggestion" data-kind=kind>
                                {move || label(i18n, &format!("c_{kind}"))} " · " {move || label(i18n, &format!("c_{priority}"))}
                                {(!note.is_empty()).then(|| view! { <br /> <span class="muted">{note.clone()}</span> })}
                                <br />
                                <button type="button" class="secondary" on:click=move |_| refer(Some(sug.clone()))>{t!(i18n, refer)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <ul class="list" data-testid="referrals">
                {move || of(RecordKind::Referral).into_iter().map(|r| view! { <ReferralItem r institution_name /> }).collect_view()}
            </ul>
            <Reassign case_id />
            <Appoint case_id />
            <p class="muted small">{t!(i18n, attachments)} ": " {move || of(RecordKind::Attachment).len()}</p>
        </section>
    }
}

/// One referral on the case: its state and the institution's feedback, and the worker's closing
/// (offline, like every other change).
#[component]
fn ReferralItem(
    r: LocalRecord,
    institution_name: impl Fn(String) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let typed = Referral::read(&r.fields);
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let kind = typed.kind.clone().unwrap_or_default();
    let state = typed.state().to_string();
    let feedback = typed.feedback.clone().unwrap_or_default();
    let closing_note = typed.closing_note.clone().unwrap_or_default();
    let open = state != "closed";
    let closing = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let state_attr = state.clone();
    let record = StoredValue::new(r.clone());
    let close = move |_| {
        let record = record.get_value();
        let n = note.get_untracked();
        let closed = Referral {
            closed_on: Some(crate::domain::follow_up::local_today(Utc::now())),
            closing_note: Some(n.trim().to_string()).filter(|n| !n.is_empty()),
            ..Default::default()
        };
        let mut fields = record.fields.clone();
        fields.extend(closed.to_fields());
        let draft = new_draft(RecordKind::Referral, record.id, record.case_id, fields, record.version);
        super::finish_and_return(store, vec![draft], record.case_id);
        closing.set(false);
    };
    view! {
        <li data-testid="referral" data-state=state_attr>
            {move || label(i18n, &format!("c_{kind}"))} " · " {institution_name(typed.institution_id.map(|i| i.to_string()).unwrap_or_default())}
            <br />
            <span class="muted">
                {day(typed.sent_on)} " · " {let s = state.clone(); move || label(i18n, &format!("c_{s}"))}
                " " {day(typed.state_on())}
            </span>
            {(!feedback.is_empty()).then(|| view! { <br /> <span class="muted">{feedback.clone()}</span> })}
            {(!closing_note.is_empty()).then(|| view! { <br /> <span class="muted">{day(typed.closed_on)} " · " {closing_note.clone()}</span> })}
            {r.pending.then(|| view! { " " <span class="badge">{t!(i18n, not_sent)}</span> })}
            {open.then(|| view! {
                <Show when=move || closing.get() fallback=move || view! {
                    <br />
                    <button type="button" class="link" data-testid="close-referral" on:click=move |_| closing.set(true)>{t!(i18n, close_referral)}</button>
                }>
                    <label class="field">
                        <span>{move || label(i18n, "f_closing_note")}</span>
                        <textarea data-testid="closing-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="button" data-testid="confirm-close" on:click=close>{t!(i18n, close_referral)}</button>
                </Show>
            })}
        </li>
    }
}

/// Supervisors give the case to another field worker (online: the server moves it).
#[component]
fn Reassign(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let user = use_context::<SessionUser>();
    let allowed = user.is_some_and(|u| u.has_role(Role::Supervisor));
    let chosen = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let current = move || {
        store
            .record(case_id)
            .and_then(|c| crate::domain::record::Case::read(&c.fields).field_worker_id)
            .map(|id| id.to_string())
            .unwrap_or_default()
    };
    let send = move |_| {
        let Ok(to) = Uuid::parse_str(&chosen.get_untracked()) else {
            return;
        };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::reassign(case_id, to).await {
                Ok(()) => {
                    message.set(Some(t_string!(i18n, reassign_done).to_string()));
                    store.sync(false).await;
                }
                Err(e) => message.set(Some(super::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (to, i18n, message);
    };
    allowed.then(|| {
        view! {
            <div class="field" data-testid="reassign">
                <span>{t!(i18n, reassign_case)}</span>
                <select on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {move || store.workers.get().into_iter().filter(|w| w.id.to_string() != current()).map(|w| {
                        view! { <option value=w.id.to_string()>{w.name}</option> }
                    }).collect_view()}
                </select>
                <button type="button" class="secondary" on:click=send>{t!(i18n, reassign)}</button>
                {move || message.get().map(|m| view! { <p class="muted small">{m}</p> })}
            </div>
        }
    })
}

/// Supervisors appoint the case's case manager by decision (online: the server gives the whole
/// case to the case manager's device at its next sync).
#[component]
fn Appoint(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let user = use_context::<SessionUser>();
    let allowed = user.is_some_and(|u| {
        crate::domain::access::permits(
            &u,
            crate::domain::Action::AppointCaseManager,
            super::plan::case_target(&u, store, case_id),
        )
    });
    let chosen = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let day = RwSignal::new(crate::domain::follow_up::local_today(Utc::now()).to_string());
    let message = RwSignal::new(None::<String>);
    let send = move |_| {
        let (Ok(to), Ok(on)) = (
            Uuid::parse_str(&chosen.get_untracked()),
            NaiveDate::parse_from_str(&day.get_untracked(), "%Y-%m-%d"),
        ) else {
            message.set(Some(t_string!(i18n, appointment_incomplete).to_string()));
            return;
        };
        let decision = number.get_untracked().trim().to_string();
        if decision.is_empty() || on > crate::domain::follow_up::local_today(Utc::now()) {
            message.set(Some(t_string!(i18n, appointment_incomplete).to_string()));
            return;
        }
        let appointment = crate::domain::sync::Appointment {
            case_manager_id: to,
            decision,
            decided_on: on,
        };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::appoint_case_manager(case_id, &appointment).await {
                Ok(()) => {
                    message.set(Some(t_string!(i18n, appointment_done).to_string()));
                    store.sync(false).await;
                }
                Err(e) => message.set(Some(super::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = appointment;
    };
    allowed.then(|| {
        view! {
            <fieldset class="section" data-testid="appoint">
                <legend>{t!(i18n, appoint_case_manager)}</legend>
                <label class="field">
                    <span>{t!(i18n, case_manager)}</span>
                    <select data-field="case_manager_id" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || store.case_managers.get().into_iter().map(|m| {
                            view! { <option value=m.id.to_string()>{m.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{t!(i18n, f_case_manager_decision)}</span>
                    <input type="text" data-field="case_manager_decision" on:input=move |ev| number.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{t!(i18n, f_case_manager_decided_on)}</span>
                    <input type="date" data-field="case_manager_decided_on" prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev)) />
                </label>
                <button type="button" class="secondary" data-testid="appoint-send" on:click=send>{t!(i18n, appoint)}</button>
                {move || message.get().map(|m| view! { <p class="muted small">{m}</p> })}
            </fieldset>
        }
    })
}
