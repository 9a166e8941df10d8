//! Users and the rules for creating them.

use super::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in user as every screen and server function sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub municipality_id: Uuid,
    pub municipality_name: String,
    pub roles: Vec<Role>,
    pub locale: String,
    pub active: bool,
    /// The partner institution a partner user answers for (none for municipal staff).
    #[serde(default)]
    pub institution_id: Option<Uuid>,
}

impl SessionUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A row of the administrator's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
}

/// What an administrator submits to create a user in their municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
}

/// Why user input was refused. Each variant has an i18n key of the same name in the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum UserInputError {
    #[error("username must be 3 to 64 characters: lower-case letters, digits, dot, dash, underscore")]
    InvalidUsername,
    #[error("display name must be 1 to 120 characters")]
    InvalidDisplayName,
    #[error("password must be at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("password must be at most 256 characters")]
    PasswordTooLong,
    #[error("a user needs at least one role")]
    NoRole,
    /// A reason asked for (a device marked lost) is empty or longer than 500 characters.
    #[error("write the reason, in at most 500 characters")]
    NoReason,
}

pub const MIN_PASSWORD_CHARS: usize = 10;

/// Usernames are ASCII on purpose: they are typed on every kind of phone keyboard. Display
/// names take any script and diacritic.
pub fn validate_username(username: &str) -> Result<(), UserInputError> {
    let ok_len = (3..=64).contains(&username.len());
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(UserInputError::InvalidUsername)
    }
}

pub fn validate_password(password: &str) -> Result<(), UserInputError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(UserInputError::PasswordTooShort)
    } else if n > 256 {
        Err(UserInputError::PasswordTooLong)
    } else {
        Ok(())
    }
}

impl NewUser {
    /// Trims what a person would not mean to type and checks every rule; the server runs the same
    /// check before touching the database.
    pub fn normalized(mut self) -> Result<NewUser, UserInputError> {
        self.username = self.username.trim().to_lowercase();
        self.display_name = self.display_name.trim().to_string();
        validate_username(&self.username)?;
        let n = self.display_name.chars().count();
        if n == 0 || n > 120 || self.display_name.chars().any(char::is_control) {
            return Err(UserInputError::InvalidDisplayName);
        }
        validate_password(&self.password)?;
        self.roles.sort();
        self.roles.dedup();
        if self.roles.is_empty() {
            return Err(UserInputError::NoRole);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_user() -> NewUser {
        NewUser {
            username: "  Arta.Krasniqi ".into(),
            display_name: " Arta Krasniqi ".into(),
            password: "correct horse".into(),
            roles: vec![Role::FieldWorker, Role::FieldWorker],
        }
    }

    #[test]
    fn normalizes_username_and_roles() {
        let u = new_user().normalized().unwrap();
        assert_eq!(u.username, "arta.krasniqi");
        assert_eq!(u.display_name, "Arta Krasniqi");
        assert_eq!(u.roles, vec![Role::FieldWorker]);
    }

    #[test]
    fn display_names_take_every_script() {
        for name in ["Dragan Đorđević", "Ёлка Шкодра", "Ayşe Işık", "Blerinë Çeku"] {
            let u = NewUser {
                display_name: name.into(),
                ..new_user()
            }
            .normalized()
            .unwrap();
            assert_eq!(u.display_name, name);
        }
    }

    #[test]
    fn refuses_bad_input() {
        let bad = |u: NewUser| u.normalized().unwrap_err();
        assert_eq!(
            bad(NewUser {
                username: "ab".into(),
                ..new_user()
            }),
            UserInputError::InvalidUsername
        );
        assert_eq!(
            bad(NewUser {
                username: "ana maria".into(),
                ..new_user()
            }),
            UserInputError::InvalidUsername
        );
        assert_eq!(
            bad(NewUser {
                username: "đorđe".into(),
                ..new_user()
            }),
            UserInputError::InvalidUsername
        );
        assert_eq!(
            bad(NewUser {
                display_name: "  ".into(),
                ..new_user()
            }),
            UserInputError::InvalidDisplayName
        );
        assert_eq!(
            bad(NewUser {
                password: "short".into(),
                ..new_user()
            }),
            UserInputError::PasswordTooShort
        );
        assert_eq!(
            bad(NewUser {
                password: "x".repeat(257),
                ..new_user()
            }),
            UserInputError::PasswordTooLong
        );
        assert_eq!(
            bad(NewUser {
                roles: vec![],
                ..new_user()
            }),
            UserInputError::NoRole
        );
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        // Nine two-byte letters are still too short.
        assert_eq!(validate_password("ëëëëëëëëë"), Err(UserInputError::PasswordTooShort));
        assert!(validate_password("ëëëëëëëëëë").is_ok());
    }
}
