//! Users and sign-in: the server's side of the app's server functions ([`Backend`]). Every
//! method asks the permission table, writes the audit trail, and maps storage failures to
//! [`ApiError`].

use crate::auth::{password, throttle};
use crate::context::Ctx;
use crate::storage::{StorageError, UserRecord};
use app::api::ssr::Backend;
use app::api::ApiError;
use app::domain::{Action, Institution, NewUser, Role, SessionUser, Target, UserSummary};
use chrono::Utc;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub struct SignInPolicy {
    pub per_account: throttle::Policy,
    pub per_address: throttle::Policy,
}

pub struct Users {
    ctx: Ctx,
    policy: SignInPolicy,
}

impl From<&UserRecord> for SessionUser {
    fn from(u: &UserRecord) -> Self {
        SessionUser {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            municipality_id: u.municipality_id,
            municipality_name: u.municipality_name.clone(),
            roles: u.roles.clone(),
            locale: u.locale.clone(),
            active: u.active,
            institution_id: u.institution_id,
        }
    }
}

fn summary(u: &UserRecord) -> UserSummary {
    UserSummary {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        roles: u.roles.clone(),
        active: u.active,
    }
}

impl Users {
    pub fn new(ctx: Ctx, policy: SignInPolicy) -> Self {
        Self { ctx, policy }
    }

    async fn require(&self, actor: &SessionUser, action: Action) -> Result<(), ApiError> {
        self.ctx
            .require(actor, action, Target::Municipality(actor.municipality_id))
            .await
    }

    /// A user of the actor's own municipality; any other is reported as not found, so an
    /// administrator cannot even learn that another municipality's user ID exists.
    async fn user_in_actor_municipality(&self, actor: &SessionUser, id: Uuid) -> Result<UserRecord, ApiError> {
        let user = self.ctx.store.user_by_id(id).await?.ok_or(ApiError::NotFound)?;
        self.ctx
            .require(actor, Action::ManageUsers, Target::Municipality(user.municipality_id))
            .await?;
        Ok(user)
    }

    async fn record_failure(&self, key: &str, policy: throttle::Policy) -> Result<(), ApiError> {
        let row = self.ctx.store.throttle(key).await?;
        let row = throttle::after_failure(key, row, Utc::now(), policy);
        Ok(self.ctx.store.save_throttle(&row).await?)
    }
}

#[async_trait::async_trait]
impl Backend for Users {
    async fn sign_in(&self, username: &str, password: &str, client: &str) -> Result<SessionUser, ApiError> {
        let account = throttle::account_key(username);
        let address = throttle::address_key(client);
        let now = Utc::now();
        for key in [&account, &address] {
            let row = self.ctx.store.throttle(key).await?;
            if let Err(retry_after_secs) = throttle::check(row.as_ref(), now) {
                tracing::warn!(key, "sign-in throttled");
                return Err(ApiError::Throttled { retry_after_secs });
            }
        }
        let user = self.ctx.store.user_by_username(&username.trim().to_lowercase()).await?;
        let ok = password::verify(password.to_string(), user.as_ref().map(|u| u.password_hash.clone())).await?;
        match user {
            Some(u) if ok && u.active => {
                self.ctx.store.clear_throttle(&account).await?;
                let session_user = SessionUser::from(&u);
                self.ctx
                    .audit_by(
                        &session_user,
                        "sign_in",
                        "user",
                        Some(u.id.to_string()),
                        format!("from {client}"),
                    )
                    .await?;
                Ok(session_user)
            }
            other => {
                self.record_failure(&account, self.policy.per_account).await?;
                self.record_failure(&address, self.policy.per_address).await?;
                if let Some(u) = other {
                    let why = if u.active { "wrong password" } else { "account disabled" };
                    let event = self.ctx.event(
                        None,
                        Some(u.municipality_id),
                        "sign_in_failed",
                        "user",
                        Some(u.id.to_string()),
                        format!("{why}, from {client}"),
                    );
                    self.ctx.audit(event).await?;
                }
                // Same answer for unknown user, wrong password and disabled account.
                Err(ApiError::WrongCredentials)
            }
        }
    }

    async fn user(&self, id: Uuid) -> Result<Option<SessionUser>, ApiError> {
        Ok(self.session_user(id).await?.filter(|u| u.active))
    }

    async fn session_user(&self, id: Uuid) -> Result<Option<SessionUser>, ApiError> {
        Ok(self.ctx.store.user_by_id(id).await?.map(|u| SessionUser::from(&u)))
    }

    async fn signed_out(&self, actor: &SessionUser) -> Result<(), ApiError> {
        self.ctx
            .audit_by(actor, "sign_out", "user", Some(actor.id.to_string()), String::new())
            .await
    }

    async fn set_locale(&self, actor: &SessionUser, locale: &str) -> Result<(), ApiError> {
        Ok(self.ctx.store.set_user_locale(actor.id, locale, Utc::now()).await?)
    }

    async fn list_users(&self, actor: &SessionUser) -> Result<Vec<UserSummary>, ApiError> {
        self.require(actor, Action::ManageUsers).await?;
        let users = self.ctx.store.users_in(actor.municipality_id).await?;
        self.ctx
            .audit_read(
                actor,
                "user.read",
                "user",
                users.len(),
                format!("{} users", users.len()),
            )
            .await?;
        Ok(users.iter().map(summary).collect())
    }

    async fn create_user(
        &self,
        actor: &SessionUser,
        new_user: NewUser,
        institution_id: Option<Uuid>,
    ) -> Result<UserSummary, ApiError> {
        self.require(actor, Action::ManageUsers).await?;
        let new_user = new_user.normalized()?;
        if let Some(inst) = institution_id {
            match self.ctx.store.institution(inst).await? {
                Some(i) if i.municipality_id == actor.municipality_id => {}
                _ => return Err(ApiError::NotFound),
            }
        }
        let now = Utc::now();
        let record = UserRecord {
            id: Uuid::now_v7(),
            municipality_id: actor.municipality_id,
            municipality_name: actor.municipality_name.clone(),
            institution_id,
            username: new_user.username,
            display_name: new_user.display_name,
            password_hash: password::hash(new_user.password).await?,
            locale: actor.locale.clone(),
            active: true,
            roles: new_user.roles,
            created_at: now,
            updated_at: now,
        };
        let roles: Vec<_> = record.roles.iter().map(|r| r.as_str()).collect();
        let audit = self.ctx.event(
            Some(actor),
            None,
            "user.create",
            "user",
            Some(record.id.to_string()),
            format!("roles {}", roles.join(",")),
        );
        match self.ctx.store.insert_user(&record, &[audit]).await {
            Ok(()) => Ok(summary(&record)),
            Err(StorageError::Duplicate) => Err(ApiError::UsernameTaken),
            Err(e) => Err(e.into()),
        }
    }

    async fn set_user_active(&self, actor: &SessionUser, user_id: Uuid, active: bool) -> Result<UserSummary, ApiError> {
        self.require(actor, Action::ManageUsers).await?;
        if user_id == actor.id && !active {
            // An administrator locking themselves out leaves the municipality without one.
            return Err(ApiError::Forbidden);
        }
        let mut user = self.user_in_actor_municipality(actor, user_id).await?;
        let action = if active { "user.enable" } else { "user.disable" };
        let audit = self.ctx.event(
            Some(actor),
            None,
            action,
            "user",
            Some(user_id.to_string()),
            String::new(),
        );
        if !self
            .ctx
            .store
            .set_user_active(user_id, active, Utc::now(), &[audit])
            .await?
        {
            return Err(ApiError::NotFound);
        }
        user.active = active;
        Ok(summary(&user))
    }

    async fn set_user_roles(
        &self,
        actor: &SessionUser,
        user_id: Uuid,
        mut roles: Vec<Role>,
    ) -> Result<UserSummary, ApiError> {
        self.require(actor, Action::ManageUsers).await?;
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return Err(app::domain::UserInputError::NoRole.into());
        }
        if user_id == actor.id && !roles.contains(&Role::Admin) {
            return Err(ApiError::Forbidden);
        }
        let mut user = self.user_in_actor_municipality(actor, user_id).await?;
        let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
        let audit = self.ctx.event(
            Some(actor),
            None,
            "user.roles",
            "user",
            Some(user_id.to_string()),
            names.join(","),
        );
        if !self
            .ctx
            .store
            .set_user_roles(user_id, &roles, Utc::now(), &[audit])
            .await?
        {
            return Err(ApiError::NotFound);
        }
        user.roles = roles;
        Ok(summary(&user))
    }

    async fn list_institutions(&self, actor: &SessionUser) -> Result<Vec<Institution>, ApiError> {
        self.require(actor, Action::ViewInstitutions).await?;
        Ok(self.ctx.store.institutions(actor.municipality_id).await?)
    }
}
