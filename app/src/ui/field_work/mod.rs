//! The field worker's screen (`/field`): caseload, household, visit and assessment forms, all
//! working offline from the phone's own store. One document, with the screen named in the URL
//! fragment, so that a reload without network finds the same page in the service worker's cache.

mod assessment;
mod case;
mod case_end;
mod caseload;
mod household;
mod inputs;
mod last_resort;
pub(crate) mod plan;
mod protection;
pub(crate) mod referral;
pub(crate) mod school;
mod unlock;
mod visit;

use super::signed_in_or_departing;
use crate::domain::device::StorageNotice;
use crate::domain::sync::Choice;
use crate::domain::SessionUser;
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::store::{PhoneStore, SyncProblem};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(crate) enum Screen {
    Caseload,
    Case(Uuid),
    Household(Uuid),
    Visit(Uuid, Uuid),
    Assessment(Uuid, Uuid),
    Referral(Uuid, Uuid),
    Conflicts,
    Plan(Uuid),
    PlanPrint(Uuid),
    Monitoring(Uuid, Uuid),
    Review(Uuid, Uuid),
    Approvals,
    /// A housing, claims or closure record's form.
    Form(crate::domain::RecordKind, Uuid, Uuid),
    Housing(Uuid),
    AnamnesisPrint(Uuid, Uuid),
    ClosurePrint(Uuid),
    SummaryPrint(Uuid),
    /// A child's schooling (the school team, and the case's workers).
    Child(Uuid, Uuid),
    /// The school team: absences for a whole class.
    ClassAttendance,
    /// The school team: the adult literacy list.
    Literacy,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Screen {
    pub fn parse(hash: &str) -> Screen {
        let parts: Vec<&str> = hash.trim_start_matches('#').split('/').collect();
        let id = |i: usize| parts.get(i).and_then(|s| Uuid::parse_str(s).ok());
        match (parts.first().copied(), id(1), id(2)) {
            (Some("case"), Some(c), _) => Screen::Case(c),
            (Some("household"), Some(c), _) => Screen::Household(c),
            (Some("visit"), Some(c), Some(v)) => Screen::Visit(c, v),
            (Some("assessment"), Some(c), Some(a)) => Screen::Assessment(c, a),
            (Some("referral"), Some(c), Some(r)) => Screen::Referral(c, r),
            (Some("conflicts"), ..) => Screen::Conflicts,
            (Some("plan"), Some(c), _) => Screen::Plan(c),
            (Some("plan-print"), Some(c), _) => Screen::PlanPrint(c),
            (Some("monitoring"), Some(c), Some(m)) => Screen::Monitoring(c, m),
            (Some("review"), Some(c), Some(r)) => Screen::Review(c, r),
            (Some("approvals"), ..) => Screen::Approvals,
            (Some("housing"), Some(c), _) => Screen::Housing(c),
            (Some("anamnesis-print"), Some(c), Some(a)) => Screen::AnamnesisPrint(c, a),
            (Some("closure-print"), Some(c), _) => Screen::ClosurePrint(c),
            (Some("summary-print"), Some(c), _) => Screen::SummaryPrint(c),
            (Some("child"), Some(c), Some(s)) => Screen::Child(c, s),
            (Some("attendance"), ..) => Screen::ClassAttendance,
            (Some("literacy"), ..) => Screen::Literacy,
            (Some("form"), ..) => {
                let kind = parts.get(1).and_then(|k| crate::domain::RecordKind::parse(k));
                match (kind, id(2), id(3)) {
                    (Some(k), Some(c), Some(r)) if !case_end::form_fields(k).is_empty() => Screen::Form(k, c, r),
                    _ => Screen::Caseload,
                }
            }
            _ => Screen::Caseload,
        }
    }

    pub fn href(self) -> String {
        match self {
            Screen::Caseload => "#".into(),
            Screen::Case(c) => format!("#case/{c}"),
            Screen::Household(c) => format!("#household/{c}"),
            Screen::Visit(c, v) => format!("#visit/{c}/{v}"),
            Screen::Assessment(c, a) => format!("#assessment/{c}/{a}"),
            Screen::Referral(c, r) => format!("#referral/{c}/{r}"),
            Screen::Conflicts => "#conflicts".into(),
            Screen::Plan(c) => format!("#plan/{c}"),
            Screen::PlanPrint(c) => format!("#plan-print/{c}"),
            Screen::Monitoring(c, m) => format!("#monitoring/{c}/{m}"),
            Screen::Review(c, r) => format!("#review/{c}/{r}"),
            Screen::Approvals => "#approvals".into(),
            Screen::Form(k, c, r) => format!("#form/{}/{c}/{r}", k.as_str()),
            Screen::Housing(c) => format!("#housing/{c}"),
            Screen::AnamnesisPrint(c, a) => format!("#anamnesis-print/{c}/{a}"),
            Screen::ClosurePrint(c) => format!("#closure-print/{c}"),
            Screen::SummaryPrint(c) => format!("#summary-print/{c}"),
            Screen::Child(c, s) => format!("#child/{c}/{s}"),
            Screen::ClassAttendance => "#attendance".into(),
            Screen::Literacy => "#literacy".into(),
        }
    }
}

/// Moves to another screen (a history entry, so the phone's back button works). Links to
/// screens carry `rel="external"`: the router would otherwise take the click and change the
/// URL with `pushState`, which fires no `hashchange`.
pub(crate) fn go(screen: Screen) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&screen.href());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = screen;
}

/// What the phone says about keeping its data (`domain::device::storage_notices`): on WebKit
/// outside the home screen, and once a change has waited too long. Nothing on the server.
fn storage_notices(store: PhoneStore) -> Vec<crate::domain::device::StorageNotice> {
    let oldest = store.my_outbox().iter().map(|i| i.change.made_at).min();
    #[cfg(feature = "hydrate")]
    let (evicts, installed) = (crate::phone::idb::engine_may_evict(), crate::phone::idb::installed());
    #[cfg(not(feature = "hydrate"))]
    let (evicts, installed) = (false, false);
    crate::domain::device::storage_notices(evicts, installed, oldest, chrono::Utc::now())
}

/// Seconds the field screen waits for the server's key before it asks for the PIN.
#[cfg(feature = "hydrate")]
const SERVER_KEY_WAIT_SECS: u64 = 3;

#[component]
pub fn FieldPage() -> impl IntoView {
    signed_in_or_departing(|user: SessionUser| view! { <FieldApp user /> })
}

#[component]
fn FieldApp(user: SessionUser) -> impl IntoView {
    let school_only = school::is_school_team(&user);
    let store = PhoneStore::new(user.id, school_only);
    store.provide();
    // Screens that offer office actions (reassigning a case) check the roles.
    provide_context(user.clone());
    let screen = RwSignal::new(Screen::Caseload);
    provide_context(screen);
    #[cfg(feature = "hydrate")]
    {
        use crate::phone::lock::Lock;
        let read_hash = move || {
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            screen.set(Screen::parse(&hash));
        };
        let online = || web_sys::window().is_some_and(|w| w.navigator().on_line());
        let active = user.active;
        Effect::new(move |_| {
            leptos::task::spawn_local(async move {
                // Asked once the page opens: a browser may otherwise evict a week of offline work.
                leptos::task::spawn_local(async move {
                    store.persistent.set(crate::phone::idb::persistent_storage().await);
                });
                store.identify_device().await;
                let first = crate::phone::lock::initial(store);
                let online = web_sys::window().is_some_and(|w| w.navigator().on_line());
                if first == Lock::Open || !online || !active {
                    store.lock.set(first);
                    return;
                }
                // Online: the server's key may open it (right after a sign-in). A weak signal
                // never keeps a worker out: after a few seconds the PIN screen comes up anyway
                // (without a keyring there is nothing else to show).
                store.lock.set(Lock::Opening);
                let has_keyring = first != Lock::SignInNeeded(crate::phone::lock::SignInWhy::FirstTime);
                set_timeout(
                    move || {
                        if has_keyring && store.lock.get_untracked() == Lock::Opening {
                            store.lock.set(first);
                        }
                    },
                    std::time::Duration::from_secs(SERVER_KEY_WAIT_SECS),
                );
                let opened = crate::phone::lock::with_server_key(store).await;
                // The PIN may have opened it meanwhile: that stands.
                if store.lock.get_untracked() == Lock::Open {
                    return;
                }
                match opened {
                    Some(next) => store.lock.set(next),
                    None if store.lock.get_untracked() == Lock::Opening => store.lock.set(first),
                    None => {}
                }
            });
        });
        // Once open (by the server's key, a PIN, after a lock): read the data, then sync.
        let reading = StoredValue::new(false);
        Effect::new(move |_| {
            if store.lock.get() != Lock::Open || store.loaded.get_untracked() || reading.get_value() {
                return;
            }
            reading.set_value(true);
            leptos::task::spawn_local(async move {
                let started = js_sys::Date::now();
                let loaded = store.load().await;
                reading.set_value(false);
                if let Err(e) = loaded {
                    store
                        .status
                        .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
                    return;
                }
                leptos::logging::log!(
                    "opened: {} records, {} drafts, {} waiting decrypted and read in {:.0} ms",
                    store.records.with_untracked(|r| r.len()),
                    store.drafts.with_untracked(|d| d.len()),
                    store.outbox.with_untracked(|o| o.len()),
                    js_sys::Date::now() - started
                );
                read_hash();
                if online() {
                    store.sync(false).await;
                }
            });
        });
        // Locks itself after a while without a touch or a key (never in the middle of a sync).
        let last_touch = StoredValue::new(js_sys::Date::now());
        let touched = move || last_touch.set_value(js_sys::Date::now());
        let on_pointer = window_event_listener(leptos::ev::pointerdown, move |_| touched());
        let on_key = window_event_listener(leptos::ev::keydown, move |_| touched());
        let idle = set_interval_with_handle(
            move || {
                let idle_ms = (crate::domain::device::IDLE_LOCK_MINUTES * 60_000) as f64;
                if store.lock.get_untracked() == Lock::Open
                    && !store.status.with_untracked(|s| s.syncing)
                    && js_sys::Date::now() - last_touch.get_value() > idle_ms
                {
                    crate::phone::lock::lock(store);
                }
            },
            std::time::Duration::from_secs(30),
        )
        .ok();
        let on_hash = window_event_listener(leptos::ev::hashchange, move |_| read_hash());
        // The network is back: send what waits.
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            leptos::task::spawn_local(store.sync(false));
        });
        on_cleanup(move || {
            on_hash.remove();
            on_online.remove();
            on_pointer.remove();
            on_key.remove();
            if let Some(h) = idle {
                h.clear();
            }
        });
    }
    let i18n = use_i18n();
    view! {
        <div class="field-app" data-testid="field-app" data-loaded=move || store.loaded.get().to_string()>
            // Type-erased: the nested views otherwise outgrow the compiler's depth limit.
            <Show when=move || store.lock.get() == crate::phone::lock::Lock::Open fallback=|| view! { <unlock::Gate /> }.into_any()>
            {view! {
            <SyncBar />
            <last_resort::LastResort />
            <Show when=move || store.loaded.get() fallback=move || view! { <p class="muted">{t!(i18n, loading_caseload)}</p> }>
                {move || match screen.get() {
                    Screen::Caseload if school_only => view! { <school::Children /> }.into_any(),
                    Screen::Caseload => view! { <caseload::Caseload /> }.into_any(),
                    Screen::Case(c) => view! { <case::CaseView case_id=c /> }.into_any(),
                    Screen::Household(c) => view! { <household::HouseholdForm case_id=c /> }.into_any(),
                    Screen::Visit(c, v) => view! { <visit::VisitForm case_id=c visit_id=v /> }.into_any(),
                    Screen::Assessment(c, a) => view! { <assessment::AssessmentForm case_id=c assessment_id=a /> }.into_any(),
                    Screen::Referral(c, r) => view! { <referral::ReferralForm case_id=c referral_id=r /> }.into_any(),
                    Screen::Conflicts => view! { <Conflicts /> }.into_any(),
                    Screen::Plan(c) => view! { <plan::PlanView case_id=c /> }.into_any(),
                    Screen::PlanPrint(c) => view! { <plan::PlanPrint case_id=c /> }.into_any(),
                    Screen::Monitoring(c, m) => view! { <plan::MonitoringForm case_id=c monitoring_id=m /> }.into_any(),
                    Screen::Review(c, r) => view! { <plan::ReviewForm case_id=c review_id=r /> }.into_any(),
                    Screen::Approvals => view! { <plan::Approvals /> }.into_any(),
                    Screen::Form(k, c, r) => view! { <case_end::RecordForm kind=k case_id=c id=r /> }.into_any(),
                    Screen::Housing(c) => view! { <case_end::HousingView case_id=c /> }.into_any(),
                    Screen::AnamnesisPrint(c, a) => view! { <case_end::AnamnesisPrint case_id=c id=a /> }.into_any(),
                    Screen::ClosurePrint(c) => view! { <case_end::ClosurePrint case_id=c /> }.into_any(),
                    Screen::SummaryPrint(c) => view! { <case_end::SummaryPrint case_id=c /> }.into_any(),
                    Screen::Child(c, s) => view! { <school::ChildView case_id=c id=s /> }.into_any(),
                    Screen::ClassAttendance => view! { <school::ClassAttendance /> }.into_any(),
                    Screen::Literacy => view! { <school::LiteracyList /> }.into_any(),
                }}
            </Show>
            }.into_any()}
            </Show>
        </div>
    }
}

/// What waits, when the last sync worked, what went wrong, and the buttons to act on it.
#[component]
fn SyncBar() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let sync_now = move |photos: bool| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(store.sync(photos));
        #[cfg(not(feature = "hydrate"))]
        let _ = photos;
    };
    let rebuild = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(store.rebuild());
    };
    let lock_now = move |_| {
        #[cfg(feature = "hydrate")]
        crate::phone::lock::lock(store);
    };
    let status = move || store.status.get();
    let refused = move || {
        store
            .my_outbox()
            .into_iter()
            .filter_map(|i| match i.state {
                crate::phone::model::SendState::Refused { message, reason } => Some((
                    i.change,
                    reason.map_or(message, |r| crate::i18n_support::rejection_text(i18n, r)),
                )),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    // Changes the server said "not yet" to (their case has not arrived, the server was busy).
    let held = move || {
        store
            .my_outbox()
            .into_iter()
            .filter_map(|i| match i.state {
                crate::phone::model::SendState::Waiting {
                    note: Some(note),
                    reason,
                } => Some((
                    i.change.kind,
                    reason.map_or(note, |r| crate::i18n_support::rejection_text(i18n, r)),
                )),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="syncbar" data-testid="sync-bar" aria-live="polite">
            <p>
                <strong data-testid="pending-count">{move || store.pending_count()}</strong>
                " "
                {t!(i18n, waiting_to_send)}
                " · "
                {t!(i18n, last_sync)}
                " "
                <span data-testid="last-sync">
                    {move || match status().last_success {
                        Some(t) => crate::ui::field_work::local_time(t),
                        None => t_string!(i18n, never).to_string(),
                    }}
                </span>
            </p>
            {move || store.persistent.get().map(|kept| view! {
                <p class=if kept { "muted small" } else { "error small" } data-testid="storage-kept" data-kept=kept.to_string()>
                    {if kept { t_string!(i18n, storage_kept) } else { t_string!(i18n, storage_not_kept) }}
                </p>
            })}
            {move || storage_notices(store).into_iter().map(|n| match n {
                StorageNotice::AddToHomeScreen => view! {
                    <p class="error small" data-testid="storage-home-screen">{t!(i18n, storage_home_screen)}</p>
                }.into_any(),
                StorageNotice::WaitedTooLong { days } => view! {
                    <p class="error small" data-testid="storage-waited" data-days=days.to_string()>
                        {move || t_string!(i18n, storage_waited).replace('#', &days.to_string())}
                    </p>
                }.into_any(),
            }).collect_view()}
            {move || {
                status()
                    .progress
                    .map(|(done, total)| {
                        view! { <progress max=total value=done data-testid="sync-progress"></progress> }
                    })
            }}
            {move || {
                status()
                    .problem
                    .map(|p| match p {
                        SyncProblem::Offline => view! { <p class="muted" data-testid="sync-problem">{t!(i18n, sync_offline)}</p> }.into_any(),
                        SyncProblem::SignedOut => view! {
                            <p class="error" data-testid="sync-problem">
                                {t!(i18n, sync_signed_out)} " " <a href="/login">{t!(i18n, sign_in)}</a>
                            </p>
                        }.into_any(),
                        // Put into words here, in the user's language: never the server's English.
                        SyncProblem::Server(status) => {
                            let why = match status {
                                Some(403 | 404) => crate::i18n_support::rejection_text(i18n, crate::domain::sync::Rejection::Forbidden),
                                Some(400 | 413 | 422) => t_string!(i18n, bad_request).to_string(),
                                Some(500..) => t_string!(i18n, server_error).to_string(),
                                _ => t_string!(i18n, network_error).to_string(),
                            };
                            view! {
                                <p class="error" data-testid="sync-problem" data-status=status.map(|s| s.to_string())>
                                    {t!(i18n, sync_failed)} " " {why}
                                </p>
                            }.into_any()
                        }
                        SyncProblem::Storage(detail) => view! {
                            <p class="error" data-testid="sync-problem" title=detail>{t!(i18n, sync_failed)} " " {t!(i18n, storage_failed)}</p>
                        }.into_any(),
                    })
            }}
            <ul class="refused" data-testid="refused">
                {move || {
                    refused()
                        .into_iter()
                        .map(|(change, message)| {
                            let id = change.change_id;
                            let discard = move |_| {
                                if confirm(t_string!(i18n, confirm_discard_change)) {
                                    store.discard_change(id);
                                }
                            };
                            view! {
                                <li class="error">
                                    {move || label(i18n, &format!("k_{}", change.kind.as_str()))} ": " {message.clone()}
                                    " " <button type="button" class="link" on:click=discard>{t!(i18n, discard)}</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <ul class="refused" data-testid="held">
                {move || {
                    held()
                        .into_iter()
                        .map(|(kind, note)| {
                            view! {
                                <li class="muted">
                                    {move || label(i18n, &format!("k_{}", kind.as_str()))} ": " {note} " — "
                                    {t!(i18n, will_retry)}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="actions">
                <button type="button" data-testid="sync-now" disabled=move || status().syncing on:click=move |_| sync_now(false)>
                    {move || if status().syncing { t_string!(i18n, syncing).to_string() } else { t_string!(i18n, sync_now).to_string() }}
                </button>
                <Show when=move || status().photos_held>
                    <button type="button" on:click=move |_| sync_now(true)>{t!(i18n, send_photos_now)}</button>
                </Show>
                <a rel="external" href="#conflicts" class="button secondary" data-testid="conflicts-link">
                    {t!(i18n, conflicts)} " (" {move || store.conflicts.with(Vec::len)} ")"
                </a>
                <button type="button" class="link" on:click=rebuild>{t!(i18n, refresh_caseload)}</button>
                <button type="button" class="link" data-testid="lock-now" disabled=move || status().syncing on:click=lock_now>
                    {t!(i18n, lock_now)}
                </button>
            </div>
        </section>
    }
}

/// Same-field edits from two devices, with both values; a person chooses.
#[component]
fn Conflicts() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let failed = RwSignal::new(false);
    let choose = move |id: Uuid, choice: Choice| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            failed.set(store.resolve(id, choice).await.is_err());
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, choice, failed);
    };
    view! {
        <section class="card" data-testid="conflicts">
            <h2>{t!(i18n, conflicts)}</h2>
            <p class="muted">{t!(i18n, conflicts_help)}</p>
            <Show when=move || failed.get()>
                <p class="error">{t!(i18n, resolve_needs_network)}</p>
            </Show>
            <Show when=move || store.conflicts.with(Vec::is_empty)>
                <p>{t!(i18n, no_conflicts)}</p>
            </Show>
            <ul class="list">
                {move || {
                    store
                        .conflicts
                        .get()
                        .into_iter()
                        .map(|c| {
                            let id = c.id;
                            let field = c.field.clone();
                            let kind = c.kind;
                            // A plan's items read as goals and services, not as JSON.
                            let shown = {
                                let field = field.clone();
                                move |v: &serde_json::Value| {
                                    if kind == crate::domain::RecordKind::Plan {
                                        plan::field_text(store, i18n, &field, v)
                                    } else {
                                        crate::domain::record::display_value(v)
                                    }
                                }
                            };
                            view! {
                                <li class="conflict" data-testid="conflict">
                                    <p>
                                        <strong>{move || label(i18n, &format!("k_{}", kind.as_str()))}</strong> " · "
                                        {move || label(i18n, &format!("f_{field}"))}
                                        " · " <a rel="external" href=Screen::Case(c.case_id).href()>{t!(i18n, open_case)}</a>
                                    </p>
                                    <div class="two">
                                        <div>
                                            <p class="eyebrow">{t!(i18n, value_kept)}</p>
                                            <p data-testid="conflict-current">{shown(&c.current)}</p>
                                            <button type="button" on:click=move |_| choose(id, Choice::Current)>{t!(i18n, keep_this)}</button>
                                        </div>
                                        <div>
                                            <p class="eyebrow">{t!(i18n, value_proposed)} " (" {c.proposed_by.clone()} ")"</p>
                                            <p data-testid="conflict-proposed">{shown(&c.proposed)}</p>
                                            <button type="button" on:click=move |_| choose(id, Choice::Proposed)>{t!(i18n, use_this)}</button>
                                        </div>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <a rel="external" href="#">{t!(i18n, back_to_caseload)}</a>
        </section>
    }
}

/// A form's "save": its drafts go to the outbox (on the phone's disk before the screen moves
/// on), the case opens again, and with a network the changes leave at once.
pub(crate) fn finish_and_return(store: PhoneStore, drafts: Vec<crate::phone::model::Draft>, case_id: Uuid) {
    let back = return_to(drafts.first(), case_id);
    let finished = store.finish(drafts);
    // The screen moves on once the changes are on the phone's disk.
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        if let Err(e) = store.keep(finished).await {
            leptos::logging::error!("saving on the phone failed: {e}");
            store
                .status
                .update(|s| s.problem = Some(SyncProblem::Storage(e.to_string())));
        }
        go(back);
        if web_sys::window().is_some_and(|w| w.navigator().on_line()) {
            store.sync(false).await;
        }
    });
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = finished;
        go(back);
    }
}

/// The screen a form returns to: the child for the school team's records, else the case.
pub(crate) fn return_to(draft: Option<&crate::phone::model::Draft>, case_id: Uuid) -> Screen {
    match draft {
        Some(d) if d.kind.is_school() => school::back_from(d.kind, case_id, d.record_id, &d.fields),
        _ => Screen::Case(case_id),
    }
}

/// Asks the user for a short text (a reason); `None` when they cancel.
pub(crate) fn prompt(message: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return web_sys::window().and_then(|w| w.prompt_with_message(message).ok().flatten());
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        None
    }
}

pub(crate) fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    return web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

/// A time in the phone's own time zone, as "2026-11-23 14:05".
pub(crate) fn local_time(t: chrono::DateTime<chrono::Utc>) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// Why an online office action (reassigning, appointing) did not go through, in the user's words.
#[cfg(feature = "hydrate")]
pub(crate) fn net_error_text(i18n: leptos_i18n::I18nContext<Locale>, e: &crate::phone::net::NetError) -> String {
    use crate::phone::net::NetError;
    match e {
        NetError::Offline => t_string!(i18n, sync_offline).to_string(),
        NetError::SignedOut => t_string!(i18n, sync_signed_out).to_string(),
        NetError::Http(403 | 404, _) => {
            crate::i18n_support::rejection_text(i18n, crate::domain::sync::Rejection::Forbidden)
        }
        NetError::Http(400 | 413 | 422, _) => t_string!(i18n, bad_request).to_string(),
        NetError::Refused(reason) => crate::i18n_support::label(i18n, &format!("ind_err_{reason}")),
        _ => t_string!(i18n, try_again).to_string(),
    }
}
