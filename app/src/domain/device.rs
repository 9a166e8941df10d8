//! The phone's data at rest: the rules of the PIN that opens it offline, of the keyring that
//! keeps its data key wrapped twice (by the PIN, by the server's key for this user and device),
//! and of the wipe a disabled account or a lost device gets once its outbox is sent.
//!
//! The cryptography itself is the browser's (WebCrypto, `phone::vault`); what is here is plain
//! data and counting, unit-tested once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Digits a PIN has at least: 10⁶ PINs, each costing a PBKDF2 derivation to try.
pub const MIN_PIN_LEN: usize = 6;
pub const MAX_PIN_LEN: usize = 12;
/// Wrong PINs in a row after which the PIN's wrapping is forgotten: the data then waits,
/// still encrypted, for an online sign-in.
pub const MAX_WRONG_PINS: u32 = 5;
/// Minutes without a touch or a key after which the open app locks itself.
pub const IDLE_LOCK_MINUTES: i64 = 10;
/// Length in bytes of the data key and of the server's key (AES-256).
pub const KEY_LEN: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinProblem {
    #[error("a PIN has {MIN_PIN_LEN} to {MAX_PIN_LEN} digits")]
    Length,
    #[error("a PIN has digits only")]
    NotDigits,
    #[error("the two PINs differ")]
    Mismatch,
}

impl PinProblem {
    /// The translation key of the problem's text on the phone.
    pub fn key(self) -> &'static str {
        match self {
            PinProblem::Length => "pin_length",
            PinProblem::NotDigits => "pin_digits",
            PinProblem::Mismatch => "pin_mismatch",
        }
    }
}

/// A new PIN, typed twice.
pub fn check_new_pin(pin: &str, again: &str) -> Result<(), PinProblem> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    if !(MIN_PIN_LEN..=MAX_PIN_LEN).contains(&pin.len()) {
        return Err(PinProblem::Length);
    }
    if pin != again {
        return Err(PinProblem::Mismatch);
    }
    Ok(())
}

/// A key encrypted under another (AES-GCM): the IV and the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    pub iv: Vec<u8>,
    pub key: Vec<u8>,
}

/// The data key wrapped by a key derived from the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinWrapped {
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub wrapped: Wrapped,
}

/// What a phone keeps, unencrypted, about one user's data key. It holds nothing that opens the
/// data without the PIN or the server's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    pub user_id: Uuid,
    /// `None` once forgotten after too many wrong PINs (or before a PIN was set).
    pub pin: Option<PinWrapped>,
    pub server: Wrapped,
    #[serde(default)]
    pub wrong_pins: u32,
}

/// What a wrong PIN leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWrongPin {
    /// This many tries remain.
    TriesLeft(u32),
    /// The PIN's wrapping is gone: only an online sign-in opens the data now.
    Forgotten,
}

impl Keyring {
    /// Counts a wrong PIN; the last allowed one forgets the PIN's wrapping.
    pub fn wrong_pin(&mut self) -> AfterWrongPin {
        self.wrong_pins += 1;
        if self.wrong_pins >= MAX_WRONG_PINS {
            self.pin = None;
            self.wrong_pins = 0;
            AfterWrongPin::Forgotten
        } else {
            AfterWrongPin::TriesLeft(MAX_WRONG_PINS - self.wrong_pins)
        }
    }

    /// The right PIN: the count starts again.
    pub fn opened(&mut self) {
        self.wrong_pins = 0;
    }
}

/// The phone asks for its key for the signed-in user after an online sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceKeyRequest {
    pub device_id: Uuid,
}

/// The server's key for one user on one device ([`KEY_LEN`] bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKey {
    pub secret: Vec<u8>,
}

/// Why a device must remove a user's data once what it queued is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum WipeReason {
    AccountDisabled,
    DeviceLost,
}

impl WipeReason {
    pub fn key(self) -> &'static str {
        match self {
            WipeReason::AccountDisabled => "wipe_account_disabled",
            WipeReason::DeviceLost => "wipe_device_lost",
        }
    }
}

/// A device that held a key of the municipality's users, for the supervisor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSummary {
    pub device_id: Uuid,
    /// The names of the users whose data it can hold.
    pub users: Vec<String>,
    pub last_key_at: DateTime<Utc>,
    pub lost_at: Option<DateTime<Utc>>,
    pub lost_reason: Option<String>,
}

/// A supervisor's or administrator's mark that a device is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkLost {
    pub reason: String,
}

/// Days a change may wait unsent before the worker is warned: WebKit (every iPhone) may clear a
/// web app's data after seven days without use unless the app is on the home screen.
pub const UNSENT_WARNING_DAYS: i64 = 3;

/// What the phone tells the worker about keeping its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageNotice {
    /// An engine that may clear the data (WebKit) and the app not installed: add it to the
    /// home screen.
    AddToHomeScreen,
    /// The oldest change still on the phone has waited this many days.
    WaitedTooLong { days: i64 },
}

/// The notices for a phone: whether its engine may clear a site's data, whether the app runs
/// from the home screen, and when the oldest unsent change was made.
pub fn storage_notices(
    engine_may_evict: bool,
    installed: bool,
    oldest_unsent: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<StorageNotice> {
    let mut out = Vec::new();
    if engine_may_evict && !installed {
        out.push(StorageNotice::AddToHomeScreen);
    }
    if let Some(made) = oldest_unsent {
        let days = (now - made).num_days();
        if days >= UNSENT_WARNING_DAYS {
            out.push(StorageNotice::WaitedTooLong { days });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_pin_has_six_to_twelve_digits_typed_twice_alike() {
        assert_eq!(check_new_pin("13579", "13579"), Err(PinProblem::Length));
        assert_eq!(check_new_pin("1357924680135", "1357924680135"), Err(PinProblem::Length));
        assert_eq!(check_new_pin("13579a", "13579a"), Err(PinProblem::NotDigits));
        assert_eq!(
            check_new_pin("１３５７９０", "１３５７９０"),
            Err(PinProblem::NotDigits)
        );
        assert_eq!(check_new_pin("135790", "135791"), Err(PinProblem::Mismatch));
        assert_eq!(check_new_pin("135790", "135790"), Ok(()));
        assert_eq!(check_new_pin("135790246801", "135790246801"), Ok(()));
    }

    fn keyring() -> Keyring {
        let wrapped = Wrapped {
            iv: vec![1; 12],
            key: vec![2; 48],
        };
        Keyring {
            user_id: Uuid::nil(),
            pin: Some(PinWrapped {
                salt: vec![3; 16],
                iterations: 600_000,
                wrapped: wrapped.clone(),
            }),
            server: wrapped,
            wrong_pins: 0,
        }
    }

    #[test]
    fn the_fifth_wrong_pin_forgets_the_pin_but_keeps_the_servers_wrapping() {
        let mut k = keyring();
        assert_eq!(k.wrong_pin(), AfterWrongPin::TriesLeft(4));
        assert_eq!(k.wrong_pin(), AfterWrongPin::TriesLeft(3));
        assert_eq!(k.wrong_pin(), AfterWrongPin::TriesLeft(2));
        assert_eq!(k.wrong_pin(), AfterWrongPin::TriesLeft(1));
        assert!(k.pin.is_some());
        assert_eq!(k.wrong_pin(), AfterWrongPin::Forgotten);
        assert_eq!(k.pin, None);
        assert_eq!(k.server, keyring().server);
    }

    #[test]
    fn the_right_pin_starts_the_count_again() {
        let mut k = keyring();
        for _ in 0..4 {
            k.wrong_pin();
        }
        k.opened();
        assert_eq!(k.wrong_pin(), AfterWrongPin::TriesLeft(4));
    }

    #[test]
    fn the_worker_is_told_before_webkit_may_clear_the_data() {
        let now: DateTime<Utc> = "2026-12-10T12:00:00Z".parse().unwrap();
        let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        assert_eq!(
            storage_notices(true, false, None, now),
            vec![StorageNotice::AddToHomeScreen]
        );
        assert_eq!(storage_notices(true, true, None, now), vec![]);
        assert_eq!(storage_notices(false, false, at("2026-12-08T12:00:01Z"), now), vec![]);
        assert_eq!(
            storage_notices(false, false, at("2026-12-07T12:00:00Z"), now),
            vec![StorageNotice::WaitedTooLong { days: 3 }]
        );
        assert_eq!(
            storage_notices(true, false, at("2026-12-01T09:00:00Z"), now),
            vec![StorageNotice::AddToHomeScreen, StorageNotice::WaitedTooLong { days: 9 }]
        );
    }
}
