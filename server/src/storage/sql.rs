//! The SQL behind [`Storage`], written once and expanded for each dialect. Both SQLite and
//! PostgreSQL accept `$n` placeholders, `RETURNING` and `ON CONFLICT`, so one text serves both.

use super::{AuditEvent, AuditQuery, Municipality, Result, Storage, StorageError, ThrottleRow, UserRecord};
use app::domain::{Institution, InstitutionKind, Role};
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::HashMap;
use uuid::Uuid;

const USER_COLUMNS: &str = "u.id, u.municipality_id, m.name AS municipality_name, u.institution_id, u.username, \
     u.display_name, u.password_hash, u.locale, u.active, u.created_at, u.updated_at";

#[derive(Clone, Copy)]
enum UserKey<'a> {
    Id(Uuid),
    Username(&'a str),
}

fn unique_violation(e: sqlx::Error) -> StorageError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Duplicate,
        _ => StorageError::Database(e),
    }
}

fn parse_role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| StorageError::Corrupt(format!("unknown role {s:?}")))
}

fn parse_kind(s: &str) -> Result<InstitutionKind> {
    InstitutionKind::parse(s).ok_or_else(|| StorageError::Corrupt(format!("unknown institution kind {s:?}")))
}

macro_rules! sql_storage {
    ($name:ident, $pool:ty, $row:ty, $dialect:literal) => {
        #[doc = concat!("[`Storage`] on ", $dialect, ".")]
        #[derive(Clone, Debug)]
        pub struct $name {
            pub(super) pool: $pool,
        }

        impl $name {
            pub fn new(pool: $pool) -> Self {
                Self { pool }
            }

            fn user_from_row(row: &$row, roles: Vec<Role>) -> Result<UserRecord> {
                Ok(UserRecord {
                    id: row.try_get("id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    municipality_name: row.try_get("municipality_name")?,
                    institution_id: row.try_get("institution_id")?,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    password_hash: row.try_get("password_hash")?,
                    locale: row.try_get("locale")?,
                    active: row.try_get("active")?,
                    roles,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            fn institution_from_row(row: &$row) -> Result<Institution> {
                Ok(Institution {
                    id: row.try_get("id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    kind: parse_kind(row.try_get::<&str, _>("kind")?)?,
                    name: row.try_get("name")?,
                })
            }

            async fn roles_of(&self, user_id: Uuid) -> Result<Vec<Role>> {
                let rows = sqlx::query("SELECT role FROM user_role WHERE user_id = $1 ORDER BY role")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?;
                let mut roles = rows
                    .iter()
                    .map(|r| parse_role(r.try_get::<&str, _>("role")?))
                    .collect::<Result<Vec<_>>>()?;
                roles.sort();
                Ok(roles)
            }

            async fn user_where(&self, key: UserKey<'_>) -> Result<Option<UserRecord>> {
                let condition = match key {
                    UserKey::Id(_) => "u.id = $1",
                    UserKey::Username(_) => "u.username = $1",
                };
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM app_user u JOIN municipality m ON m.id = u.municipality_id WHERE {condition}"
                );
                let query = sqlx::query(&sql);
                let query = match key {
                    UserKey::Id(id) => query.bind(id),
                    UserKey::Username(name) => query.bind(name),
                };
                let Some(row) = query.fetch_optional(&self.pool).await? else {
                    return Ok(None);
                };
                let id: Uuid = row.try_get("id")?;
                let roles = self.roles_of(id).await?;
                Ok(Some(Self::user_from_row(&row, roles)?))
            }
        }

        #[async_trait::async_trait]
        impl Storage for $name {
            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn has_users(&self) -> Result<bool> {
                let row = sqlx::query("SELECT COUNT(*) AS n FROM app_user").fetch_one(&self.pool).await?;
                Ok(row.try_get::<i64, _>("n")? > 0)
            }

            async fn insert_municipality(&self, m: &Municipality) -> Result<()> {
                sqlx::query("INSERT INTO municipality (id, code, name, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(m.id)
                    .bind(&m.code)
                    .bind(&m.name)
                    .bind(m.created_at)
                    .execute(&self.pool)
                    .await
                    .map_err(unique_violation)?;
                Ok(())
            }

            async fn municipalities(&self) -> Result<Vec<Municipality>> {
                let rows = sqlx::query("SELECT id, code, name, created_at FROM municipality ORDER BY name, id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok(Municipality {
                            id: r.try_get("id")?,
                            code: r.try_get("code")?,
                            name: r.try_get("name")?,
                            created_at: r.try_get("created_at")?,
                        })
                    })
                    .collect()
            }

            async fn municipality_by_code(&self, code: &str) -> Result<Option<Municipality>> {
                let row = sqlx::query("SELECT id, code, name, created_at FROM municipality WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| {
                    Ok(Municipality {
                        id: r.try_get("id")?,
                        code: r.try_get("code")?,
                        name: r.try_get("name")?,
                        created_at: r.try_get("created_at")?,
                    })
                })
                .transpose()
            }

            async fn insert_institution(&self, i: &Institution) -> Result<()> {
                sqlx::query(
                    "INSERT INTO institution (id, municipality_id, kind, name, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(i.id)
                .bind(i.municipality_id)
                .bind(i.kind.as_str())
                .bind(&i.name)
                .bind(Utc::now())
                .execute(&self.pool)
                .await
                .map_err(unique_violation)?;
                Ok(())
            }

            async fn institutions(&self, municipality_id: Uuid) -> Result<Vec<Institution>> {
                let rows = sqlx::query(
                    "SELECT id, municipality_id, kind, name FROM institution WHERE municipality_id = $1 ORDER BY name",
                )
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(Self::institution_from_row).collect()
            }

            async fn institution(&self, id: Uuid) -> Result<Option<Institution>> {
                let row = sqlx::query("SELECT id, municipality_id, kind, name FROM institution WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::institution_from_row).transpose()
            }

            async fn insert_user(&self, u: &UserRecord, audit: &[AuditEvent]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO app_user (id, municipality_id, institution_id, username, display_name, password_hash, \
                     locale, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(u.id)
                .bind(u.municipality_id)
                .bind(u.institution_id)
                .bind(&u.username)
                .bind(&u.display_name)
                .bind(&u.password_hash)
                .bind(&u.locale)
                .bind(u.active)
                .bind(u.created_at)
                .bind(u.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(unique_violation)?;
                for role in &u.roles {
                    sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                        .bind(u.id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(())
            }

            async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
                self.user_where(UserKey::Username(username)).await
            }

            async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
                self.user_where(UserKey::Id(id)).await
            }

            async fn users_in(&self, municipality_id: Uuid) -> Result<Vec<UserRecord>> {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM app_user u JOIN municipality m ON m.id = u.municipality_id \
                     WHERE u.municipality_id = $1 ORDER BY u.display_name, u.username"
                );
                let rows = sqlx::query(&sql).bind(municipality_id).fetch_all(&self.pool).await?;
                // One query for every role of the municipality's users, not one per user.
                let role_rows = sqlx::query(
                    "SELECT r.user_id, r.role FROM user_role r JOIN app_user u ON u.id = r.user_id \
                     WHERE u.municipality_id = $1",
                )
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
                for r in &role_rows {
                    let role = parse_role(r.try_get::<&str, _>("role")?)?;
                    roles.entry(r.try_get("user_id")?).or_default().push(role);
                }
                rows.iter()
                    .map(|row| {
                        let id: Uuid = row.try_get("id")?;
                        let mut rs = roles.remove(&id).unwrap_or_default();
                        rs.sort();
                        Self::user_from_row(row, rs)
                    })
                    .collect()
            }

            async fn set_user_active(
                &self,
                id: Uuid,
                active: bool,
                now: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE app_user SET active = $1, updated_at = $2 WHERE id = $3")
                    .bind(active)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(true)
            }

            async fn set_user_roles(
                &self,
                id: Uuid,
                roles: &[Role],
                now: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE app_user SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM user_role WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                for role in roles {
                    sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(true)
            }

            async fn set_user_locale(&self, id: Uuid, locale: &str, now: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE app_user SET locale = $1, updated_at = $2 WHERE id = $3")
                    .bind(locale)
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn throttle(&self, key: &str) -> Result<Option<ThrottleRow>> {
                let row = sqlx::query(
                    "SELECT key, failures, window_started_at, locked_until FROM login_throttle WHERE key = $1",
                )
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    Ok(ThrottleRow {
                        key: r.try_get("key")?,
                        failures: r.try_get("failures")?,
                        window_started_at: r.try_get("window_started_at")?,
                        locked_until: r.try_get("locked_until")?,
                    })
                })
                .transpose()
            }

            async fn save_throttle(&self, t: &ThrottleRow) -> Result<()> {
                sqlx::query(
                    "INSERT INTO login_throttle (key, failures, window_started_at, locked_until) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
                     window_started_at = excluded.window_started_at, locked_until = excluded.locked_until",
                )
                .bind(&t.key)
                .bind(t.failures)
                .bind(t.window_started_at)
                .bind(t.locked_until)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn clear_throttle(&self, key: &str) -> Result<()> {
                sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&self.pool).await?;
                Ok(())
            }

            async fn append_audits(&self, events: &[AuditEvent]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                // A row already there (a phone's resent read) stays as it was.
                insert_audits!(events, tx, " ON CONFLICT (id) DO NOTHING");
                tx.commit().await?;
                Ok(())
            }

            async fn audit_events(&self, municipality_id: Uuid, limit: i64) -> Result<Vec<AuditEvent>> {
                self.audit_trail(&AuditQuery {
                    municipality_id,
                    limit,
                    ..Default::default()
                })
                .await
            }

            async fn audit_trail(&self, q: &AuditQuery) -> Result<Vec<AuditEvent>> {
                let action_like = q.action.as_ref().map(|a| format!("{a}%"));
                let person_text = q.person_id.map(|p| p.to_string());
                let rows = sqlx::query(
                    "SELECT id, at, actor_id, municipality_id, action, entity, entity_id, detail, \
                     case_id, person_id, device_id, reason FROM audit_event \
                     WHERE municipality_id = $1 \
                     AND ($2 IS NULL OR case_id = $2) \
                     AND ($3 IS NULL OR person_id = $3 OR entity_id = $4) \
                     AND ($5 IS NULL OR actor_id = $5) \
                     AND ($6 IS NULL OR action LIKE $6) \
                     AND ($7 IS NULL OR at >= $7) \
                     AND ($8 IS NULL OR at < $8) \
                     ORDER BY at DESC, id DESC LIMIT $9",
                )
                .bind(q.municipality_id)
                .bind(q.case_id)
                .bind(q.person_id)
                .bind(person_text)
                .bind(q.actor_id)
                .bind(action_like)
                .bind(q.from)
                .bind(q.until)
                .bind(q.limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(AuditEvent {
                            id: r.try_get("id")?,
                            at: r.try_get("at")?,
                            actor_id: r.try_get("actor_id")?,
                            municipality_id: r.try_get("municipality_id")?,
                            action: r.try_get("action")?,
                            entity: r.try_get("entity")?,
                            entity_id: r.try_get("entity_id")?,
                            detail: r.try_get("detail")?,
                            case_id: r.try_get("case_id")?,
                            person_id: r.try_get("person_id")?,
                            device_id: r.try_get("device_id")?,
                            reason: r.try_get("reason")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

sql_storage!(SqliteStorage, sqlx::SqlitePool, sqlx::sqlite::SqliteRow, "SQLite");
sql_storage!(PostgresStorage, sqlx::PgPool, sqlx::postgres::PgRow, "PostgreSQL");
