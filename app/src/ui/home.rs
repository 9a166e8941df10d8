//! The home screen: one section per role the user holds, in a fixed order.

use super::signed_in;
use crate::domain::{Role, SessionUser};
use crate::i18n::*;
use crate::i18n_support::role_label;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    signed_in(home)
}

fn home(user: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    Role::ALL
        .into_iter()
        .filter(|r| user.has_role(*r))
        .map(|role| {
            let title = move || match role {
                Role::FieldWorker => t_string!(i18n, home_field_worker).to_string(),
                Role::CaseManager => t_string!(i18n, home_case_manager).to_string(),
                Role::SchoolTeam => t_string!(i18n, home_school_team).to_string(),
                Role::Supervisor => t_string!(i18n, home_supervisor).to_string(),
                Role::Partner => t_string!(i18n, home_partner).to_string(),
                Role::Admin => t_string!(i18n, home_admin).to_string(),
                Role::National => t_string!(i18n, home_national).to_string(),
            };
            let body = move || match role {
                Role::FieldWorker => t_string!(i18n, home_field_worker_body).to_string(),
                Role::CaseManager => t_string!(i18n, home_case_manager_body).to_string(),
                Role::SchoolTeam => t_string!(i18n, home_school_team_body).to_string(),
                Role::Supervisor => t_string!(i18n, home_supervisor_body).to_string(),
                Role::Partner => t_string!(i18n, home_partner_body).to_string(),
                Role::Admin => t_string!(i18n, home_admin_body).to_string(),
                Role::National => t_string!(i18n, home_national_body).to_string(),
            };
            view! {
                <section class="card" data-role=role.as_str()>
                    <p class="eyebrow">{move || role_label(i18n, role)}</p>
                    <h2>{title}</h2>
                    <p>{body}</p>
                    {(role == Role::Admin).then(|| view! {
                        <a class="button" href="/admin/users">{t!(i18n, nav_users)}</a>
                        " "
                        <a class="button" href="/admin/services" data-testid="open-services">{t!(i18n, nav_services)}</a>
                    })}
                    {matches!(role, Role::Partner | Role::SchoolTeam).then(|| view! {
                        <a class="button" href="/referrals" data-testid="open-referrals">{t!(i18n, nav_referrals)}</a>
                    })}
                    {(role == Role::SchoolTeam).then(|| view! {
                        " "
                        <a class="button" href="/field" data-testid="open-school">{t!(i18n, open_school_work)}</a>
                    })}
                    {(role == Role::Admin).then(|| view! {
                        " "
                        <a class="button" href="/admin/schools" data-testid="open-schools">{t!(i18n, nav_schools)}</a>
                    })}
                    {matches!(role, Role::FieldWorker | Role::Supervisor | Role::CaseManager).then(|| view! {
                        <a class="button" href="/field" data-testid="open-field">{t!(i18n, open_field_work)}</a>
                    })}
                    {matches!(role, Role::Supervisor | Role::Admin).then(|| view! {
                        " "
                        <a class="button secondary" href="/audit" data-testid="open-audit">{t!(i18n, nav_audit)}</a>
                    })}
                    {matches!(role, Role::Supervisor | Role::Admin | Role::CaseManager).then(|| view! {
                        " "
                        <a class="button secondary" href="/indicators" data-testid="open-indicators">{t!(i18n, nav_indicators)}</a>
                    })}
                    {(role == Role::National).then(|| view! {
                        <a class="button" href="/national" data-testid="open-national">{t!(i18n, nav_national)}</a>
                    })}
                    {(role == Role::Supervisor).then(|| view! {
                        " "
                        <a class="button secondary" href="/dashboard" data-testid="open-dashboard">{t!(i18n, nav_dashboard)}</a>
                    })}
                </section>
            }
        })
        .collect_view()
}
