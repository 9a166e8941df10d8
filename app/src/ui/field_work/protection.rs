//! A case's protection on the phone: the vulnerable categories of its people (noted offline,
//! with who and when), whether the case is restricted, and the supervisor's mark or lift with a
//! reason (online: the server decides).

use super::plan::may;
use super::visit::open_draft;
use super::{go, Screen};
use crate::domain::access::Action;
use crate::domain::protection::{self, RestrictionChange};
use crate::domain::record::{Case, FieldSpec, Member, TypedRecord, Vulnerability};
use crate::domain::{RecordKind, SessionUser};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::store::{of_case, PhoneStore};
use crate::spec;
use chrono::Utc;
use leptos::prelude::*;
use uuid::Uuid;

pub(crate) const VULNERABILITY_FORM: &[&FieldSpec] = &[
    spec!(vulnerability, "member_id"),
    spec!(vulnerability, "category"),
    spec!(vulnerability, "noted_on"),
    spec!(vulnerability, "note"),
    spec!(vulnerability, "ended_on"),
    spec!(vulnerability, "end_reason"),
];

/// The categories noted in the case, as the rule reads them.
fn categories(store: PhoneStore, case_id: Uuid) -> Vec<(Uuid, Vulnerability)> {
    of_case(&store.local(), case_id, RecordKind::Vulnerability)
        .into_iter()
        .map(|r| (r.id, Vulnerability::read(&r.fields)))
        .collect()
}

/// Restricted as the phone sees it now: the server's word, or the rule applied to what was
/// noted here and not yet sent.
fn is_restricted(store: PhoneStore, case_id: Uuid, case: &Case) -> bool {
    case.is_restricted() || protection::restricted(case, &categories(store, case_id))
}

/// The case screen's section: the restriction and the people's categories.
#[component]
pub fn ProtectionSection(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let user = StoredValue::new(use_context::<SessionUser>());
    let names = move || -> Vec<(Uuid, String)> {
        of_case(&store.local(), case_id, RecordKind::Member)
            .into_iter()
            .map(|m| (m.id, Member::read(&m.fields)))
            .filter(|(_, m)| m.merged_into.is_none())
            .map(|(id, m)| (id, m.full_name()))
            .collect()
    };
    let add = move |_| {
        let Some(u) = user.get_value() else { return };
        let v = Vulnerability {
            noted_on: Some(crate::domain::follow_up::local_today(Utc::now())),
            set_by: Some(u.id),
            set_by_name: Some(u.display_name.clone()),
            ..Default::default()
        };
        super::case_end::start_with(store, RecordKind::Vulnerability, case_id, Uuid::now_v7(), v.to_fields());
    };
    let edit = move |id: Uuid| {
        open_draft(store, RecordKind::Vulnerability, id, case_id);
        go(Screen::Form(RecordKind::Vulnerability, case_id, id));
    };
    let message = RwSignal::new(None::<String>);
    let change = move |restricted: bool| {
        let prompt = if restricted {
            t_string!(i18n, restrict_reason_prompt)
        } else {
            t_string!(i18n, lift_reason_prompt)
        };
        let Some(reason) = super::prompt(prompt) else { return };
        if reason.trim().is_empty() {
            message.set(Some(t_string!(i18n, restriction_no_reason).to_string()));
            return;
        }
        let body = RestrictionChange { restricted, reason };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::change_restriction(case_id, &body).await {
                Ok(()) => {
                    message.set(None);
                    store.sync(false).await;
                }
                Err(e) => message.set(Some(super::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = body;
    };
    let may_restrict = move || may(store, case_id, Action::RestrictCase);
    view! {
        <h3>{t!(i18n, protection)}</h3>
        <div data-testid="protection">
            {move || {
                let case = store.record(case_id).map(|c| Case::read(&c.fields)).unwrap_or_default();
                let restricted = is_restricted(store, case_id, &case);
                let lifted = (case.restriction.as_deref() == Some("lifted") && !restricted)
                    .then(|| case.restriction_reason.clone().unwrap_or_default());
                view! {
                    {restricted.then(|| view! {
                        <p><span class="badge warn" data-testid="restricted">{t!(i18n, case_restricted)}</span></p>
                        <p class="muted small">{t!(i18n, case_restricted_body)}</p>
                    })}
                    {lifted.map(|r| view! { <p class="muted small" data-testid="restriction-lifted">{t!(i18n, restriction_lifted_because)} " " {r}</p> })}
                    {(restricted && case.restriction.as_deref() == Some("marked")).then(|| {
                        let r = case.restriction_reason.clone().unwrap_or_default();
                        view! { <p class="muted small">{t!(i18n, restriction_marked_because)} " " {r}</p> }
                    })}
                    {may_restrict().then(|| if restricted {
                        view! { <button type="button" class="secondary" data-testid="lift-restriction" on:click=move |_| change(false)>{t!(i18n, lift_restriction)}</button> }.into_any()
                    } else {
                        view! { <button type="button" class="secondary" data-testid="restrict-case" on:click=move |_| change(true)>{t!(i18n, restrict_case)}</button> }.into_any()
                    })}
                }
            }}
            {move || message.get().map(|m| view! { <p class="error small">{m}</p> })}
            <h4>{t!(i18n, vulnerable_categories)}</h4>
            <ul class="list" data-testid="categories">
                {move || {
                    let people = names();
                    let mut all = categories(store, case_id);
                    all.sort_by_key(|(_, v)| (v.ended_on.is_some(), v.noted_on));
                    all.into_iter().map(|(id, v)| {
                        let who = people.iter().find(|(m, _)| Some(*m) == v.member_id).map(|(_, n)| n.clone()).unwrap_or_default();
                        let category = v.category.clone().unwrap_or_default();
                        let protected = protection::is_protected(&category);
                        let noted = v.noted_on.map(|d| d.to_string()).unwrap_or_default();
                        let by = v.set_by_name.clone().unwrap_or_default();
                        let ended = v.ended_on.map(|d| d.to_string());
                        view! {
                            <li data-testid="category">
                                <strong>{who}</strong> " · " {move || label(i18n, &format!("c_{category}"))}
                                {protected.then(|| view! { " " <span class="badge warn">{t!(i18n, protected_category)}</span> })}
                                <br />
                                <span class="muted small">{t!(i18n, noted_by)} " " {by} " · " {noted}
                                    {ended.map(|d| view! { " · " {t!(i18n, ended_on)} " " {d} })}
                                </span>
                                " " <button type="button" class="link" on:click=move |_| edit(id)>{t!(i18n, edit)}</button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            // A closed case takes nothing new until a supervisor reopens it.
            {move || (!store.record(case_id).is_some_and(|c| Case::read(&c.fields).is_closed())).then(|| view! {
                <button type="button" class="secondary" data-testid="add-category" on:click=add>{t!(i18n, add_category)}</button>
            })}
        </div>
    }
}
