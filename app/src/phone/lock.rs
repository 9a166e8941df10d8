//! Opening and locking the phone's data. Each user's data key is random, kept only wrapped: by
//! a key derived from their PIN (offline unlock) and by the server's key for them on this
//! device, handed over once per online sign-in (recovery). The keyring (`domain::device`) sits
//! in localStorage; the data key itself only in this page's memory while open.

use crate::domain::device::WipeReason;

/// Whether the data is open, and if not, what opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Working out how to open (reading the keyring, asking the server for its key).
    Opening,
    /// Opened by an online sign-in for the first time on this device (or after the PIN was
    /// forgotten): a PIN must be chosen before the screens open.
    ChoosePin,
    /// The PIN opens it; `tries_left` after a wrong one.
    EnterPin {
        tries_left: Option<u32>,
    },
    /// Only an online sign-in opens it now.
    SignInNeeded(SignInWhy),
    Open,
    /// This user's data was removed from the device after its outbox was sent.
    Wiped(WipeReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInWhy {
    /// No keyring on this device yet, and no network or no sign-in to make one.
    FirstTime,
    /// Too many wrong PINs (or the app was left before choosing one).
    Forgotten,
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use super::super::{net, sealed, store::PhoneStore, vault};
    use super::{Lock, SignInWhy};
    use crate::domain::device::{AfterWrongPin, Keyring, PinWrapped, KEY_LEN};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use uuid::Uuid;

    thread_local! {
        /// The data key between an online opening and the PIN chosen to wrap it.
        static UNWRAPPED: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn keyring_key(user_id: Uuid) -> String {
        format!("reintegra.keyring.{user_id}")
    }

    pub fn keyring(user_id: Uuid) -> Option<Keyring> {
        let text = storage()?.get_item(&keyring_key(user_id)).ok()??;
        serde_json::from_str(&text).ok()
    }

    fn save(k: &Keyring) {
        if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(k)) {
            if let Err(e) = s.set_item(&keyring_key(k.user_id), &text) {
                leptos::logging::error!("keeping the keyring failed: {e:?}");
            }
        }
    }

    /// Forgets a user's keyring and counters (their data was wiped).
    pub fn forget(user_id: Uuid) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&keyring_key(user_id));
            let _ = s.remove_item(&super::super::store::pending_key(user_id));
        }
    }

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    async fn open_with(user: Uuid, raw: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
        sealed::open(user, vault::key_of(raw).await?);
        Ok(())
    }

    /// What opens the data of `user` without the server: the PIN, else only a sign-in online.
    fn without_server(user: Uuid) -> Lock {
        match keyring(user) {
            Some(k) if k.pin.is_some() => Lock::EnterPin { tries_left: None },
            Some(_) => Lock::SignInNeeded(SignInWhy::Forgotten),
            None => Lock::SignInNeeded(SignInWhy::FirstTime),
        }
    }

    /// How the page opens before any network answer: already open (another screen of this
    /// page), else as [`without_server`].
    pub fn initial(store: PhoneStore) -> Lock {
        if sealed::is_open_for(store.user_id) {
            Lock::Open
        } else {
            without_server(store.user_id)
        }
    }

    /// Right after a password sign-in online, the server's key opens the data (the first time
    /// making the data key, then asking for a PIN). `None` when it cannot: a weak signal, no
    /// sign-in since the last handover, a device marked lost.
    pub async fn with_server_key(store: PhoneStore) -> Option<Lock> {
        match net::device_key(store.device_id.get_untracked()).await {
            Ok(secret) => open_online(store.user_id, keyring(store.user_id), &secret).await,
            Err(e) => {
                leptos::logging::log!("no device key: {e}");
                None
            }
        }
    }

    async fn open_online(user: Uuid, ring: Option<Keyring>, secret: &[u8]) -> Option<Lock> {
        let server_key = vault::key_of(secret).await.ok()?;
        let raw = match ring {
            Some(k) => match vault::unwrap(&server_key, &k.server).await {
                Ok(raw) => {
                    if k.pin.is_some() {
                        let mut k = k;
                        k.opened();
                        save(&k);
                        open_with(user, &raw).await.ok()?;
                        return Some(Lock::Open);
                    }
                    raw
                }
                Err(_) => {
                    leptos::logging::error!("the server's key does not open this phone's keyring");
                    return None;
                }
            },
            None => {
                let raw = vault::random(KEY_LEN).ok()?;
                let server = vault::wrap(&server_key, &raw).await.ok()?;
                save(&Keyring {
                    user_id: user,
                    pin: None,
                    server,
                    wrong_pins: 0,
                });
                raw
            }
        };
        UNWRAPPED.with(|u| *u.borrow_mut() = Some(raw));
        Some(Lock::ChoosePin)
    }

    /// Wraps the data key opened online under `pin`, and opens the data.
    pub async fn choose_pin(store: PhoneStore, pin: &str) -> Lock {
        let Some(raw) = UNWRAPPED.with(|u| u.borrow_mut().take()) else {
            return Lock::SignInNeeded(SignInWhy::Forgotten);
        };
        let Some(mut ring) = keyring(store.user_id) else {
            return Lock::SignInNeeded(SignInWhy::FirstTime);
        };
        let wrapped = async {
            let salt = vault::random(16)?;
            let key = vault::pin_key(pin, &salt, vault::ITERATIONS).await?;
            let wrapped = vault::wrap(&key, &raw).await?;
            Ok::<_, wasm_bindgen::JsValue>(PinWrapped {
                salt,
                iterations: vault::ITERATIONS,
                wrapped,
            })
        }
        .await;
        match wrapped {
            Ok(p) => {
                ring.pin = Some(p);
                ring.opened();
                save(&ring);
                match open_with(store.user_id, &raw).await {
                    Ok(()) => Lock::Open,
                    Err(_) => Lock::SignInNeeded(SignInWhy::Forgotten),
                }
            }
            Err(e) => {
                leptos::logging::error!("wrapping the data key failed: {e:?}");
                UNWRAPPED.with(|u| *u.borrow_mut() = Some(raw));
                Lock::ChoosePin
            }
        }
    }

    /// Opens the data with the PIN; a wrong one counts, and the last allowed forgets the PIN.
    pub async fn enter_pin(store: PhoneStore, pin: &str) -> Lock {
        let Some(mut ring) = keyring(store.user_id) else {
            return Lock::SignInNeeded(SignInWhy::FirstTime);
        };
        let Some(p) = ring.pin.clone() else {
            return Lock::SignInNeeded(SignInWhy::Forgotten);
        };
        let started = now_ms();
        let opened = async {
            let key = vault::pin_key(pin, &p.salt, p.iterations).await?;
            vault::unwrap(&key, &p.wrapped).await
        }
        .await;
        match opened {
            Ok(raw) => {
                ring.opened();
                save(&ring);
                if open_with(store.user_id, &raw).await.is_err() {
                    return Lock::SignInNeeded(SignInWhy::Forgotten);
                }
                leptos::logging::log!(
                    "unlock: PIN derived ({} iterations) and data key opened in {:.0} ms",
                    p.iterations,
                    now_ms() - started
                );
                Lock::Open
            }
            Err(_) => {
                let after = ring.wrong_pin();
                save(&ring);
                match after {
                    AfterWrongPin::TriesLeft(n) => Lock::EnterPin { tries_left: Some(n) },
                    AfterWrongPin::Forgotten => Lock::SignInNeeded(SignInWhy::Forgotten),
                }
            }
        }
    }

    /// Locks now: the key and everything read leave memory; what was being written still lands.
    pub fn lock(store: PhoneStore) {
        store.lock_memory();
        store.lock.set(without_server(store.user_id));
    }
}
