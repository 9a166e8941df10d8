//! The administrator's screen: the municipality's users, their roles and status, and the
//! institution registry.

use super::layout::{error_text, ErrorNote, Loading};
use super::signed_in;
use crate::api::{list_institutions, list_users, CreateUser, SetUserActive, SetUserRoles};
use crate::domain::{NewUser, Role, SessionUser, UserSummary};
use crate::i18n::*;
use crate::i18n_support::{institution_kind_label, role_label};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn UsersPage() -> impl IntoView {
    signed_in(users)
}

fn users(_admin: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let set_roles = ServerAction::<SetUserRoles>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_active.version().get(),
                set_roles.version().get(),
            )
        },
        |_| list_users(),
    );
    let institutions = Resource::new(|| (), |_| list_institutions());

    view! {
        <h1>{t!(i18n, users_title)}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! { <UserTable list set_active set_roles /> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <CreateUserForm create institutions />
        <h2>{t!(i18n, institutions_title)}</h2>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match institutions.await {
                    Ok(list) => view! {
                        <ul class="plain" data-testid="institutions">
                            {list.into_iter().map(|inst| {
                                let kind = inst.kind;
                                view! {
                                    <li><strong>{inst.name}</strong><br /><span class="muted">{move || institution_kind_label(i18n, kind)}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UserTable(
    list: Vec<UserSummary>,
    set_active: ServerAction<SetUserActive>,
    set_roles: ServerAction<SetUserRoles>,
) -> impl IntoView {
    let failure = move || {
        let err = set_active
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| set_roles.value().get().and_then(|r| r.err()));
        err.map(|e| view! { <ErrorNote error=e /> })
    };
    view! {
        {failure}
        <ul class="plain users" data-testid="user-list">
            {list.into_iter().map(|u| view! { <UserRow user=u set_active set_roles /> }).collect_view()}
        </ul>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    set_active: ServerAction<SetUserActive>,
    set_roles: ServerAction<SetUserRoles>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id;
    let active = user.active;
    let chosen = RwSignal::new(user.roles.clone());
    view! {
        <li class="card" data-username=user.username.clone()>
            <div class="row">
                <div>
                    <strong>{user.display_name.clone()}</strong>
                    <span class="muted">" · " {user.username.clone()}</span>
                </div>
                <span class=if active { "pill ok" } else { "pill off" }>
                    {move || if active { t_string!(i18n, active).to_string() } else { t_string!(i18n, disabled).to_string() }}
                </span>
            </div>
            <RoleChoices chosen />
            <div class="row">
                <button on:click=move |_| { set_roles.dispatch(SetUserRoles { user_id: id, roles: chosen.get() }); }>
                    {t!(i18n, save)}
                </button>
                <button class="secondary" on:click=move |_| { set_active.dispatch(SetUserActive { user_id: id, active: !active }); }>
                    {move || if active { t_string!(i18n, disable).to_string() } else { t_string!(i18n, enable).to_string() }}
                </button>
            </div>
        </li>
    }
}

#[component]
fn RoleChoices(chosen: RwSignal<Vec<Role>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="roles">
            <legend>{t!(i18n, roles)}</legend>
            {Role::MUNICIPAL.into_iter().map(|role| view! {
                <label class="check">
                    <input
                        type="checkbox"
                        value=role.as_str()
                        prop:checked=move || chosen.get().contains(&role)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|roles| {
                                roles.retain(|r| *r != role);
                                if on { roles.push(role); roles.sort(); }
                            });
                        }
                    />
                    {move || role_label(i18n, role)}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn CreateUserForm(
    create: ServerAction<CreateUser>,
    institutions: Resource<Result<Vec<crate::domain::Institution>, crate::api::ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let institution = RwSignal::new(String::new());
    // The same rule the server applies, checked here first so a typo costs no round trip.
    let local_error = RwSignal::new(None::<crate::domain::UserInputError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_user = NewUser {
            username: username.get(),
            display_name: display_name.get(),
            password: password.get(),
            roles: roles.get(),
        };
        match new_user.clone().normalized() {
            Err(e) => local_error.set(Some(e)),
            Ok(_) => {
                local_error.set(None);
                let institution_id = Uuid::parse_str(&institution.get()).ok();
                create.dispatch(CreateUser {
                    new_user,
                    institution_id,
                });
            }
        }
    };
    let feedback = move || {
        if let Some(e) = local_error.get() {
            let text = error_text(i18n, &e.into());
            return Some(view! { <p class="error" role="alert">{text}</p> }.into_any());
        }
        match create.value().get() {
            Some(Ok(_)) => Some(view! { <p class="ok" role="status">{t!(i18n, user_created)}</p> }.into_any()),
            Some(Err(e)) => Some(view! { <ErrorNote error=e /> }.into_any()),
            None => None,
        }
    };
    view! {
        <form class="card" on:submit=on_submit data-testid="create-user">
            <h2>{t!(i18n, new_user)}</h2>
            <label>{t!(i18n, username)}
                <input name="username" autocapitalize="none" bind:value=username required />
            </label>
            <label>{t!(i18n, display_name)}
                <input name="display_name" bind:value=display_name required />
            </label>
            <label>{t!(i18n, password)}
                <input name="password" type="password" autocomplete="new-password" bind:value=password required />
            </label>
            <RoleChoices chosen=roles />
            <label>{t!(i18n, institution)}
                <select name="institution" on:change=move |ev| institution.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, no_institution)}</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            institutions.await.unwrap_or_default().into_iter().map(|inst| {
                                view! { <option value=inst.id.to_string()>{inst.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            {feedback}
            <button type="submit" class="primary" disabled=move || create.pending().get()>{t!(i18n, create)}</button>
        </form>
    }
}
