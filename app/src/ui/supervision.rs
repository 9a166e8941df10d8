//! What a supervisor sees above the municipality's caseload: each field worker's load with
//! their overdue follow-ups (from the same rules as the agenda), and the people who may have
//! been registered twice (online).

use super::field_work::Screen;
use crate::domain::duplicate::DuplicateView;
use crate::domain::follow_up::{self, ReferralKind, Status};
use crate::domain::record::{Case, TypedRecord};
use crate::domain::RecordKind;
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::store::PhoneStore;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn Supervision() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    // (worker, cases, overdue follow-ups)
    let load = Memo::new(move |_| {
        let records = store.local();
        let days = store.referral_days.get();
        let thresholds = store.thresholds.get();
        let now = chrono::Utc::now();
        store
            .workers
            .get()
            .into_iter()
            .map(|w| {
                let cases: Vec<Uuid> = records
                    .iter()
                    .filter(|r| r.kind == RecordKind::Case && Case::read(&r.fields).field_worker_id == Some(w.id))
                    .map(|r| r.id)
                    .collect();
                let overdue = cases
                    .iter()
                    .map(|c| {
                        let facts = follow_up::facts_from_records(
                            *c,
                            records
                                .iter()
                                .filter(|r| r.case_id == *c)
                                .map(|r| (r.kind, r.id, &r.fields)),
                        );
                        follow_up::schedule_with(&facts, &days, &thresholds, now)
                            .iter()
                            .filter(|f| f.status == Status::Overdue && !f.kind.is_school_teams())
                            .count()
                    })
                    .sum::<usize>();
                (w.name, cases.len(), overdue)
            })
            .collect::<Vec<_>>()
    });
    let duplicates = RwSignal::new(Vec::<DuplicateView>::new());
    #[cfg(feature = "hydrate")]
    let refresh = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = crate::phone::net::duplicates().await {
                duplicates.set(list);
            }
        });
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| refresh());
    let dismiss = move |id: Uuid| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if crate::phone::net::dismiss_duplicate(id).await.is_ok() {
                refresh();
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    };
    let merge = move |id: Uuid| {
        if !super::field_work::confirm(t_string!(i18n, confirm_merge)) {
            return;
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if crate::phone::net::merge_duplicate(id).await.is_ok() {
                refresh();
                store.sync(false).await;
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    };
    let person = |p: &crate::domain::duplicate::MemberSummary| {
        let born = p.birth_date.map(|d| d.to_string()).unwrap_or_default();
        view! {
            <a rel="external" href=Screen::Case(p.case_id).href()>{format!("{} {}", p.first_name, p.last_name)}</a>
            <span class="muted">" · " {born}</span>
        }
    };
    view! {
        <section class="card" data-testid="supervision">
            <h2>{t!(i18n, workers_load)}</h2>
            <ul class="list">
                {move || load.get().into_iter().map(|(name, cases, overdue)| {
                    let late = overdue > 0;
                    view! {
                        <li data-testid="worker-load">
                            <strong>{name}</strong> " · " {t!(i18n, cases)} ": " {cases.to_string()}
                            " · " <span class:error=late>{t!(i18n, agenda_overdue)} ": " {overdue.to_string()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, possible_duplicates)}</h3>
            <Show when=move || duplicates.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_duplicates)}</p>
            </Show>
            <ul class="list">
                {move || duplicates.get().into_iter().map(|d| {
                    let id = d.id;
                    view! {
                        <li data-testid="duplicate">
                            {person(&d.member)} <br /> {person(&d.other)} <br />
                            <button type="button" class="secondary" data-testid="merge" on:click=move |_| merge(id)>{t!(i18n, merge_same_person)}</button>
                            " "
                            <button type="button" class="link" on:click=move |_| dismiss(id)>{t!(i18n, not_the_same_person)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ReferralDaysEditor />
        </section>
    }
}

/// The municipality's days from a referral to its follow-up, by kind (supervisors; online).
#[component]
fn ReferralDaysEditor() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let problem = RwSignal::new(None::<String>);
    let set = move |kind: ReferralKind, value: String| {
        let Ok(days) = value.trim().parse::<u32>() else { return };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::set_referral_days(kind.as_str(), days).await {
                Ok(d) => {
                    problem.set(None);
                    store.referral_days.set(d);
                }
                Err(e) => problem.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (kind, days, problem);
    };
    view! {
        <details data-testid="referral-days">
            <summary>{t!(i18n, referral_days_title)}</summary>
            <p class="muted small">{t!(i18n, needs_connection)}</p>
            {ReferralKind::ALL.into_iter().map(|kind| {
                let key = kind.as_str();
                view! {
                    <label class="field">
                        <span>{move || label(i18n, &format!("c_{key}"))}</span>
                        <input type="number" min="1" max="365" data-kind=key
                            prop:value=move || store.referral_days.with(|d| d.days(kind)).to_string()
                            on:change=move |ev| set(kind, event_target_value(&ev)) />
                    </label>
                }
            }).collect_view()}
            {move || problem.get().map(|p| view! { <p class="error">{p}</p> })}
        </details>
    }
}
