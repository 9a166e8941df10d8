//! The user's IndexedDB, encrypted at rest: every value written goes through here, sealed under
//! the user's data key (AES-GCM, `phone::vault`) as `{ s: iv ‖ ciphertext }`; keys stay plain
//! (record and change IDs, photo hashes, setting names). The data key lives in this page's
//! memory only, from an unlock to a lock. Values a build before encryption wrote (JSON text,
//! raw bytes) still read, and are sealed on the first unlock ([`Sealed::seal_legacy`]).

use super::idb::{self, IdbError};
use super::vault;
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbDatabase;

thread_local! {
    /// The unlocked user and their data key (a non-extractable CryptoKey), `None` while locked.
    static KEY: RefCell<Option<(uuid::Uuid, JsValue)>> = const { RefCell::new(None) };
}

/// The property of a sealed value.
const SEALED: &str = "s";

/// Opens the data of `user` with `key`.
pub fn open(user: uuid::Uuid, key: JsValue) {
    KEY.with(|k| *k.borrow_mut() = Some((user, key)));
}

/// Forgets the data key (a lock, a wipe).
pub fn close() {
    KEY.with(|k| *k.borrow_mut() = None);
}

/// The data key now, to take along into work that runs later.
pub fn current_key() -> Option<JsValue> {
    KEY.with(|k| k.borrow().as_ref().map(|(_, key)| key.clone()))
}

/// Whether `user`'s data is open in this page (a screen reached without a reload).
pub fn is_open_for(user: uuid::Uuid) -> bool {
    KEY.with(|k| k.borrow().as_ref().is_some_and(|(u, _)| *u == user))
}

/// A database with the key it is read and written with, taken when the work starts: a lock
/// in the middle never turns a write into a plaintext one, nor loses it.
#[derive(Clone)]
pub struct Sealed {
    pub db: IdbDatabase,
    key: JsValue,
}

fn crypto(e: JsValue) -> IdbError {
    IdbError(format!(
        "encryption: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    ))
}

impl Sealed {
    /// `db` with `key` (taken earlier with [`current_key`]); fails for `None` (locked).
    pub fn with(db: IdbDatabase, key: Option<JsValue>) -> Result<Self, IdbError> {
        let key = key.ok_or_else(|| IdbError("the phone's data is locked".into()))?;
        Ok(Self { db, key })
    }

    async fn seal(&self, plain: &[u8]) -> Result<JsValue, IdbError> {
        let bytes = vault::encrypt(&self.key, plain).await.map_err(crypto)?;
        let o = Object::new();
        Reflect::set(&o, &SEALED.into(), &Uint8Array::from(&bytes[..]).into())?;
        Ok(o.into())
    }

    /// The plaintext of a stored value: sealed, or as a build before encryption wrote it.
    async fn open(&self, v: JsValue) -> Result<Vec<u8>, IdbError> {
        self.start_open(v)?.bytes().await
    }

    /// [`Self::open`] under way: the decryption of a sealed value is started, not awaited.
    fn start_open(&self, v: JsValue) -> Result<Opening, IdbError> {
        if let Some(text) = v.as_string() {
            return Ok(Opening::Plain(text.into_bytes()));
        }
        if v.is_instance_of::<Uint8Array>() {
            return Ok(Opening::Plain(Uint8Array::new(&v).to_vec()));
        }
        let sealed = Reflect::get(&v, &SEALED.into())?;
        if !sealed.is_instance_of::<Uint8Array>() {
            return Err(IdbError("a stored value of an unknown shape".into()));
        }
        vault::decrypt_started(&self.key, &Uint8Array::new(&sealed).to_vec())
            .map(Opening::Sealed)
            .map_err(crypto)
    }

    pub async fn put_bytes(&self, store: &str, key: &str, bytes: &[u8]) -> Result<(), IdbError> {
        idb::put(&self.db, store, key, &self.seal(bytes).await?).await
    }

    pub async fn put_text(&self, store: &str, key: &str, text: &str) -> Result<(), IdbError> {
        self.put_bytes(store, key, text.as_bytes()).await
    }

    pub async fn get_bytes(&self, store: &str, key: &str) -> Result<Option<Vec<u8>>, IdbError> {
        match idb::get(&self.db, store, key).await? {
            Some(v) => Ok(Some(self.open(v).await?)),
            None => Ok(None),
        }
    }

    pub async fn get_text(&self, store: &str, key: &str) -> Result<Option<String>, IdbError> {
        Ok(self
            .get_bytes(store, key)
            .await?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// Every key and value (JSON text) of each of `stores`, read in one transaction. A value
    /// that does not open (written under another key) is left where it is and logged, never
    /// taken for another. Every decryption is started before the first is awaited: the
    /// browser's crypto works through them while the page waits once, not once per value.
    pub async fn read_all(&self, stores: &[&str]) -> Result<Vec<Vec<(String, String)>>, IdbError> {
        let openings: Vec<Vec<_>> = idb::snapshot(&self.db, stores)
            .await?
            .into_iter()
            .map(|entries| entries.into_iter().map(|(k, v)| (k, self.start_open(v))).collect())
            .collect();
        let mut out = Vec::with_capacity(openings.len());
        for entries in openings {
            let mut texts = Vec::with_capacity(entries.len());
            for (key, opening) in entries {
                let bytes = match opening {
                    Ok(opening) => opening.bytes().await,
                    Err(e) => Err(e),
                };
                match bytes {
                    Ok(b) => texts.push((key, String::from_utf8_lossy(&b).into_owned())),
                    Err(e) => leptos::logging::error!("a value on the phone does not open: {e}"),
                }
            }
            out.push(texts);
        }
        Ok(out)
    }

    pub async fn delete(&self, store: &str, key: &str) -> Result<(), IdbError> {
        idb::delete(&self.db, store, key).await
    }

    pub async fn clear(&self, store: &str) -> Result<(), IdbError> {
        idb::clear(&self.db, store).await
    }

    pub async fn keys(&self, store: &str) -> Result<Vec<String>, IdbError> {
        idb::keys(&self.db, store).await
    }

    /// Seals every value still in plain text (or raw bytes) from a build before encryption.
    /// Each value is rewritten in its own transaction, so an interruption leaves each either
    /// plain or sealed, and the next unlock finishes the job.
    pub async fn seal_legacy(&self) -> Result<usize, IdbError> {
        let mut sealed = 0;
        for store in idb::STORES {
            for key in idb::keys(&self.db, store).await? {
                let Some(v) = idb::get(&self.db, store, &key).await? else {
                    continue;
                };
                if v.as_string().is_some() || v.is_instance_of::<Uint8Array>() {
                    let plain = self.open(v).await?;
                    self.put_bytes(store, &key, &plain).await?;
                    sealed += 1;
                }
            }
        }
        Ok(sealed)
    }
}

/// A stored value being opened.
enum Opening {
    /// Written before encryption: its bytes as they are.
    Plain(Vec<u8>),
    /// Sealed: the browser decrypting it, to an `ArrayBuffer`.
    Sealed(wasm_bindgen_futures::JsFuture),
}

impl Opening {
    /// The plaintext, once the decryption (if any) is done.
    async fn bytes(self) -> Result<Vec<u8>, IdbError> {
        match self {
            Opening::Plain(bytes) => Ok(bytes),
            Opening::Sealed(decrypting) => Ok(Uint8Array::new(&decrypting.await.map_err(crypto)?).to_vec()),
        }
    }
}
