//! The phone's field data as reactive state, written through to IndexedDB on every change, and
//! the sync loop: push the outbox, pull the caseload, then send photos and signatures.
//!
//! On the server (SSR) the store is created empty and every browser operation is skipped: the
//! page renders its "loading" state and fills in after hydration.

use super::model::{self, Draft, LocalRecord, OutboxItem, PendingBlob, SendState};
use crate::domain::sync::{Change, ConflictView, RecordState};
use crate::domain::{Fields, RecordKind};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProblem {
    Offline,
    SignedOut,
    /// The server answered with this status (`None`: an answer the phone could not read).
    Server(Option<u16>),
    /// The phone's own storage failed; the detail is the browser's, for the console.
    Storage(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    pub syncing: bool,
    pub last_success: Option<DateTime<Utc>>,
    pub problem: Option<SyncProblem>,
    /// (done, total) while sending.
    pub progress: Option<(usize, usize)>,
    /// Photos wait for a faster connection (or for the worker to ask).
    pub photos_held: bool,
    /// A sync was asked for while one ran (a form saved meanwhile): one more pass follows.
    pub again: bool,
}

#[derive(Clone, Copy)]
pub struct PhoneStore {
    pub user_id: Uuid,
    /// The school team: its pull is the children's schooling.
    pub school_only: bool,
    pub device_id: RwSignal<Uuid>,
    pub records: RwSignal<BTreeMap<Uuid, RecordState>>,
    pub drafts: RwSignal<BTreeMap<Uuid, Draft>>,
    pub outbox: RwSignal<Vec<OutboxItem>>,
    pub blobs: RwSignal<Vec<PendingBlob>>,
    pub conflicts: RwSignal<Vec<ConflictView>>,
    /// The municipality's institution registry, for referrals made offline.
    pub institutions: RwSignal<Vec<crate::domain::Institution>>,
    /// The catalogue of standard services, to draft plans from offline.
    pub services: RwSignal<Vec<crate::domain::service::Service>>,
    /// The other municipalities, to hand a case to when the family moved.
    pub municipalities: RwSignal<Vec<crate::domain::sync::MunicipalityRef>>,
    /// Supervisors: the municipality's field workers.
    pub workers: RwSignal<Vec<crate::domain::sync::FieldWorker>>,
    /// For supervisors: the case managers one can be appointed from.
    pub case_managers: RwSignal<Vec<crate::domain::sync::FieldWorker>>,
    /// The municipality's days from a referral to its follow-up (defaults until the first pull).
    pub referral_days: RwSignal<crate::domain::follow_up::ReferralDays>,
    /// The municipality's schools and their classes.
    pub schools: RwSignal<Vec<crate::domain::school::School>>,
    /// The municipality's early-warning thresholds (defaults until the first pull).
    pub thresholds: RwSignal<crate::domain::school::Thresholds>,
    /// Cases opened on this phone, waiting to go into the server's audit trail.
    pub reads: RwSignal<Vec<PendingRead>>,
    /// Whether the browser promised to keep this site's data (`None`: not asked, or no answer).
    pub persistent: RwSignal<Option<bool>>,
    pub status: RwSignal<SyncStatus>,
    pub loaded: RwSignal<bool>,
    /// Whether the data is open, and if not what opens it ([`super::lock`]).
    pub lock: RwSignal<super::lock::Lock>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    cursor: RwSignal<String>,
}

/// What a finished form leaves to write to the phone's disk: the outbox items it created or
/// joined (by change ID) and the drafts it ended.
#[derive(Debug, Default)]
pub struct Finished {
    pub changes: Vec<Uuid>,
    pub drafts: Vec<Uuid>,
}

/// A case opened by `user_id` on this phone, not yet in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PendingRead {
    pub user_id: Uuid,
    pub read: crate::domain::sync::CaseRead,
}

/// Opening the same case again within this many minutes is one read.
const READ_COALESCE_MINUTES: i64 = 10;

/// localStorage key with the number of `user_id`'s unsent changes, read by the sign-out button.
pub fn pending_key(user_id: Uuid) -> String {
    format!("reintegra.pending.{user_id}")
}

impl PhoneStore {
    /// `school_only`: a school team member, who pulls the children's schooling only.
    pub fn new(user_id: Uuid, school_only: bool) -> Self {
        Self {
            user_id,
            school_only,
            device_id: RwSignal::new(Uuid::nil()),
            records: RwSignal::new(BTreeMap::new()),
            drafts: RwSignal::new(BTreeMap::new()),
            outbox: RwSignal::new(Vec::new()),
            blobs: RwSignal::new(Vec::new()),
            conflicts: RwSignal::new(Vec::new()),
            institutions: RwSignal::new(Vec::new()),
            services: RwSignal::new(Vec::new()),
            municipalities: RwSignal::new(Vec::new()),
            workers: RwSignal::new(Vec::new()),
            case_managers: RwSignal::new(Vec::new()),
            referral_days: RwSignal::new(Default::default()),
            schools: RwSignal::new(Vec::new()),
            thresholds: RwSignal::new(Default::default()),
            reads: RwSignal::new(Vec::new()),
            persistent: RwSignal::new(None),
            status: RwSignal::new(SyncStatus::default()),
            loaded: RwSignal::new(false),
            lock: RwSignal::new(super::lock::Lock::Opening),
            cursor: RwSignal::new(String::new()),
        }
    }

    /// Every record as the worker sees it (server copy plus their waiting changes).
    pub fn local(&self) -> Vec<LocalRecord> {
        let outbox = self.my_outbox();
        self.records.with(|r| model::local_records(r, &outbox))
    }

    pub fn record(&self, id: Uuid) -> Option<LocalRecord> {
        self.local().into_iter().find(|r| r.id == id)
    }

    pub fn my_outbox(&self) -> Vec<OutboxItem> {
        let me = self.user_id;
        self.outbox
            .with(|o| o.iter().filter(|i| i.user_id == me).cloned().collect())
    }

    pub fn pending_count(&self) -> usize {
        let me = self.user_id;
        self.outbox.with(|o| o.iter().filter(|i| i.user_id == me).count())
            + self
                .blobs
                .with(|b| b.iter().filter(|b| b.user_id == me && !b.uploaded).count())
    }

    pub fn draft(&self, id: Uuid) -> Option<Draft> {
        self.drafts.with(|d| d.get(&id).cloned())
    }

    /// Keeps an edit at once (memory and IndexedDB).
    pub fn save_draft(&self, draft: Draft) {
        self.drafts.update(|d| {
            d.insert(draft.record_id, draft.clone());
        });
        persist::draft(Some(draft.clone()), draft.record_id);
    }

    pub fn discard_draft(&self, id: Uuid) {
        self.drafts.update(|d| {
            d.remove(&id);
        });
        persist::draft(None, id);
    }

    /// Turns finished drafts into outbox changes (only what changed), in the given order, in
    /// memory. Returns what must reach the phone's disk ([`Finished`]): the caller writes it
    /// before the screen moves on.
    pub fn finish(&self, drafts: Vec<Draft>) -> Finished {
        let sending = self.status.with_untracked(|s| s.syncing);
        let device = self.device_id.get_untracked();
        let mut finished = Finished::default();
        for d in drafts {
            let before = self.record(d.record_id);
            let (base, fields) = match &before {
                None => (None, model::filled(&d.fields)),
                // Still only in the outbox: the change joins the waiting create.
                Some(r) if r.version.is_none() => (None, model::diff(&r.fields, &d.fields)),
                Some(r) => (d.base_version.or(r.version), model::diff(&r.fields, &d.fields)),
            };
            if !fields.is_empty() {
                let item = OutboxItem {
                    change: Change {
                        change_id: Uuid::now_v7(),
                        device_id: device,
                        kind: d.kind,
                        record_id: d.record_id,
                        case_id: d.case_id,
                        base_version: base,
                        fields,
                        made_at: Utc::now(),
                    },
                    user_id: self.user_id,
                    state: SendState::Waiting {
                        note: None,
                        reason: None,
                    },
                    attempts: 0,
                };
                let mut kept = None;
                self.outbox.update(|o| kept = Some(model::enqueue(o, item, sending)));
                if let Some(id) = kept.filter(|id| !finished.changes.contains(id)) {
                    finished.changes.push(id);
                }
            }
            self.drafts.update(|all| {
                all.remove(&d.record_id);
            });
            finished.drafts.push(d.record_id);
        }
        self.publish_pending();
        finished
    }

    /// Keeps a photo's or signature's bytes until the server has them.
    pub fn add_blob(&self, sha256: String, bytes: Vec<u8>, attachment_id: Uuid) {
        let blob = PendingBlob {
            sha256: sha256.clone(),
            attachment_id,
            size: bytes.len() as i64,
            user_id: self.user_id,
            uploaded: false,
        };
        self.blobs.update(|b| {
            if !b.iter().any(|x| x.sha256 == sha256) {
                b.push(blob);
            }
        });
        persist::blob_bytes(sha256, bytes);
        persist::blob_list(self.blobs.get_untracked());
    }

    /// Notes that the user opened a case, for the audit trail (sent with the next sync, so a
    /// read made offline is in the trail too).
    pub fn note_read(&self, case_id: Uuid) {
        let (me, now) = (self.user_id, Utc::now());
        let recent = self.reads.with_untracked(|r| {
            r.iter().any(|p| {
                p.user_id == me
                    && p.read.case_id == case_id
                    && now - p.read.at < chrono::Duration::minutes(READ_COALESCE_MINUTES)
            })
        });
        if recent {
            return;
        }
        let read = crate::domain::sync::CaseRead {
            id: Uuid::now_v7(),
            case_id,
            device_id: self.device_id.get_untracked(),
            at: now,
        };
        self.reads.update(|r| r.push(PendingRead { user_id: me, read }));
        self.persist_reads();
    }

    /// Drops reads the server has recorded.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn forget_reads(&self, sent: &[crate::domain::sync::CaseRead]) {
        self.reads
            .update(|r| r.retain(|p| !sent.iter().any(|s| s.id == p.read.id)));
        self.persist_reads();
    }

    fn persist_reads(&self) {
        persist::meta(
            "reads".into(),
            serde_json::to_string(&self.reads.get_untracked()).unwrap_or_default(),
        );
    }

    /// Forgets a refused change, after the worker confirmed.
    pub fn discard_change(&self, change_id: Uuid) {
        self.outbox.update(|o| o.retain(|i| i.change.change_id != change_id));
        persist::outbox(None, change_id);
        self.publish_pending();
    }

    fn publish_pending(&self) {
        let n = self.pending_count();
        persist::local_storage(&pending_key(self.user_id), &n.to_string());
    }

    /// Drops everything read from the phone's data out of memory (a lock, a wipe): the screens
    /// show nothing until the next unlock reads it again.
    pub fn lock_memory(&self) {
        #[cfg(feature = "hydrate")]
        super::sealed::close();
        self.loaded.set(false);
        self.records.set(BTreeMap::new());
        self.drafts.set(BTreeMap::new());
        self.outbox.set(Vec::new());
        self.blobs.set(Vec::new());
        self.conflicts.set(Vec::new());
        self.reads.set(Vec::new());
        self.institutions.set(Vec::new());
        self.workers.set(Vec::new());
        self.case_managers.set(Vec::new());
        self.cursor.set(String::new());
    }

    pub fn provide(self) {
        provide_context(self);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::super::sealed::{self, Sealed};
    use super::super::{idb, media, net};
    use super::*;
    use crate::domain::device::WipeReason;
    use net::NetError;
    use std::cell::RefCell;
    use web_sys::IdbDatabase;

    thread_local! {
        /// The signed-in user's own database, once opened.
        static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
        /// Whose it is: set by [`PhoneStore::load`] before anything is read or written.
        static OWNER: RefCell<Option<Uuid>> = const { RefCell::new(None) };
    }

    /// The signed-in user's database. A write before `load` names its owner fails rather than
    /// landing in a shared place.
    pub async fn db() -> Result<IdbDatabase, idb::IdbError> {
        if let Some(db) = DB.with(|d| d.borrow().clone()) {
            return Ok(db);
        }
        let owner = OWNER
            .with(|o| *o.borrow())
            .ok_or_else(|| idb::IdbError("the phone's store is not open yet".into()))?;
        let db = idb::open(&idb::name_of(owner)).await?;
        DB.with(|d| *d.borrow_mut() = Some(db.clone()));
        Ok(db)
    }

    /// The signed-in user's database with the data key, while unlocked.
    pub async fn sealed() -> Result<Sealed, idb::IdbError> {
        Sealed::with(db().await?, sealed::current_key())
    }

    /// The same, with a key taken earlier (a write spawned before a lock still lands, sealed).
    pub async fn sealed_with(key: Option<wasm_bindgen::JsValue>) -> Result<Sealed, idb::IdbError> {
        Sealed::with(db().await?, key)
    }

    /// The device's ID, shared by the users of one browser (a lost tablet is one device): the
    /// one kept in localStorage, else the one the shared store had, else a new one.
    fn device_id(from_shared_store: Option<Uuid>) -> Uuid {
        const KEY: &str = "reintegra.device";
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        if let Some(id) = local
            .as_ref()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|s| Uuid::parse_str(&s).ok())
        {
            return id;
        }
        let id = from_shared_store.unwrap_or_else(Uuid::now_v7);
        if let Some(s) = local {
            let _ = s.set_item(KEY, &id.to_string());
        }
        id
    }

    /// Carries this user's queued work from the database all users once shared into their own:
    /// outbox items, photos and reads that name them, and the drafts if they were the last to
    /// use it (drafts carry no owner). Nothing else moves: the caseload is pulled again. The
    /// shared database goes once no one's queued work is left in it. (Its device ID was taken
    /// before, by [`PhoneStore::identify_device`].)
    async fn carry_over(me: Uuid, mine: &Sealed) -> Result<(), idb::IdbError> {
        // Where the browser cannot list its databases, the shared one is opened (created empty
        // if it never was) and removed below when nothing is in it.
        if let Some(names) = idb::names().await {
            if !names.iter().any(|x| x == idb::SHARED) {
                return Ok(());
            }
        }
        let shared = idb::open(idb::SHARED).await?;
        let last_user = meta_plain(&shared, "user_id").await;
        let was_last = last_user.as_deref() == Some(me.to_string().as_str());
        for text in idb::all_text(&shared, idb::OUTBOX).await? {
            if let Ok(item) = serde_json::from_str::<OutboxItem>(&text) {
                if item.user_id == me {
                    let key = item.change.change_id.to_string();
                    mine.put_text(idb::OUTBOX, &key, &text).await?;
                    idb::delete(&shared, idb::OUTBOX, &key).await?;
                }
            }
        }
        if was_last {
            for key in idb::keys(&shared, idb::DRAFTS).await? {
                if let Some(text) = idb::get(&shared, idb::DRAFTS, &key).await?.and_then(|v| v.as_string()) {
                    mine.put_text(idb::DRAFTS, &key, &text).await?;
                }
                idb::delete(&shared, idb::DRAFTS, &key).await?;
            }
        }
        let blobs: Vec<PendingBlob> = meta_plain(&shared, "blobs")
            .await
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let (moving, staying): (Vec<_>, Vec<_>) = blobs.into_iter().partition(|b| b.user_id == me);
        for b in &moving {
            if let Some(bytes) = idb::get_bytes(&shared, idb::BLOBS, &b.sha256).await? {
                mine.put_bytes(idb::BLOBS, &b.sha256, &bytes).await?;
            }
        }
        if !moving.is_empty() {
            let text = serde_json::to_string(&moving).unwrap_or_default();
            mine.put_text(idb::META, "blobs", &text).await?;
            let text = serde_json::to_string(&staying).unwrap_or_default();
            idb::put_text(&shared, idb::META, "blobs", &text).await?;
            for b in &moving {
                if !staying.iter().any(|s| s.sha256 == b.sha256) {
                    idb::delete(&shared, idb::BLOBS, &b.sha256).await?;
                }
            }
        }
        let reads: Vec<PendingRead> = meta_plain(&shared, "reads")
            .await
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let (my_reads, other_reads): (Vec<_>, Vec<_>) = reads.into_iter().partition(|r| r.user_id == me);
        if !my_reads.is_empty() {
            mine.put_text(
                idb::META,
                "reads",
                &serde_json::to_string(&my_reads).unwrap_or_default(),
            )
            .await?;
            idb::put_text(
                &shared,
                idb::META,
                "reads",
                &serde_json::to_string(&other_reads).unwrap_or_default(),
            )
            .await?;
        }
        let anyone_left = !idb::keys(&shared, idb::OUTBOX).await?.is_empty()
            || !idb::keys(&shared, idb::DRAFTS).await?.is_empty()
            || !staying.is_empty()
            || !other_reads.is_empty();
        shared.close();
        if !anyone_left {
            idb::remove(idb::SHARED)?;
        }
        Ok(())
    }

    /// The records of a store read with [`Sealed::read_all`]; one that does not parse is skipped.
    fn parse<T: serde::de::DeserializeOwned>(entries: Vec<(String, String)>) -> Vec<T> {
        entries
            .iter()
            .filter_map(|(_, t)| serde_json::from_str(t).ok())
            .collect()
    }

    /// A setting kept as JSON, if it is there and parses.
    fn json_setting<T: serde::de::DeserializeOwned>(settings: &BTreeMap<String, String>, key: &str) -> Option<T> {
        serde_json::from_str(settings.get(key)?).ok()
    }

    /// The setting that says the one-time sealing of pre-encryption values has finished.
    const LEGACY_SEALED: &str = "legacy_sealed";

    /// A setting of the shared database of older builds (plain text).
    async fn meta_plain(db: &IdbDatabase, key: &str) -> Option<String> {
        idb::get(db, idb::META, key)
            .await
            .ok()
            .flatten()
            .and_then(|v| v.as_string())
    }

    async fn meta(db: &Sealed, key: &str) -> Option<String> {
        db.get_text(idb::META, key).await.ok().flatten()
    }

    impl PhoneStore {
        /// Settles this device's ID before anything is opened (the server's key is per device):
        /// the one kept in localStorage, else the one the shared database of older builds had.
        pub async fn identify_device(self) {
            let mut from_shared_store = None;
            if idb::names().await.is_some_and(|n| n.iter().any(|x| x == idb::SHARED)) {
                if let Ok(shared) = idb::open(idb::SHARED).await {
                    from_shared_store = meta_plain(&shared, "device_id")
                        .await
                        .and_then(|s| Uuid::parse_str(&s).ok());
                    shared.close();
                }
            }
            self.device_id.set(device_id(from_shared_store));
        }

        /// Reads everything the phone keeps, then syncs if there is a network.
        pub async fn load(self) -> Result<(), idb::IdbError> {
            OWNER.with(|o| *o.borrow_mut() = Some(self.user_id));
            let db = sealed().await?;
            // The one-time sealing of values from a build before encryption reads every value
            // of every store; once it has finished, a setting says so and it never runs again.
            if meta(&db, LEGACY_SEALED).await.is_none() {
                let legacy = db.seal_legacy().await?;
                if legacy > 0 {
                    leptos::logging::log!("sealed {legacy} values written before encryption");
                }
                db.put_text(idb::META, LEGACY_SEALED, "1").await?;
            }
            carry_over(self.user_id, &db).await?;
            db.put_text(idb::META, "user_id", &self.user_id.to_string()).await?;
            let [records, drafts, outbox, settings]: [Vec<(String, String)>; 4] = db
                .read_all(&[idb::RECORDS, idb::DRAFTS, idb::OUTBOX, idb::META])
                .await?
                .try_into()
                .map_err(|_| idb::IdbError("a store was not read".into()))?;
            let records: Vec<RecordState> = parse(records);
            self.records.set(records.into_iter().map(|r| (r.id, r)).collect());
            let drafts: Vec<Draft> = parse(drafts);
            self.drafts.set(drafts.into_iter().map(|d| (d.record_id, d)).collect());
            let mut outbox: Vec<OutboxItem> = parse(outbox);
            // UUID v7 change IDs sort in the order the changes were made.
            outbox.sort_by_key(|i| i.change.change_id);
            self.outbox.set(outbox);
            let settings: BTreeMap<String, String> = settings.into_iter().collect();
            self.blobs.set(json_setting(&settings, "blobs").unwrap_or_default());
            self.conflicts
                .set(json_setting(&settings, "conflicts").unwrap_or_default());
            self.reads.set(json_setting(&settings, "reads").unwrap_or_default());
            self.institutions
                .set(json_setting(&settings, "institutions").unwrap_or_default());
            self.services
                .set(json_setting(&settings, "services").unwrap_or_default());
            self.municipalities
                .set(json_setting(&settings, "municipalities").unwrap_or_default());
            self.workers.set(json_setting(&settings, "workers").unwrap_or_default());
            self.case_managers
                .set(json_setting(&settings, "case_managers").unwrap_or_default());
            self.referral_days
                .set(json_setting(&settings, "referral_days").unwrap_or_default());
            if let Some(schools) = json_setting(&settings, "schools") {
                self.schools.set(schools);
            }
            if let Some(t) = json_setting(&settings, "thresholds") {
                self.thresholds.set(t);
            }
            self.cursor.set(settings.get("cursor").cloned().unwrap_or_default());
            let last = settings
                .get("last_success")
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            self.status
                .update(|s| s.last_success = last.map(|t| t.with_timezone(&Utc)));
            self.loaded.set(true);
            self.publish_pending();
            Ok(())
        }

        /// Push, pull, then photos. Safe to call at any time: a second call while one runs
        /// does nothing.
        pub async fn sync(self, photos_on_demand: bool) {
            if !self.loaded.get_untracked() {
                return;
            }
            if self.status.with_untracked(|s| s.syncing) {
                // What was saved during this pass is sent by one more pass right after it.
                self.status.update(|s| s.again = true);
                return;
            }
            loop {
                self.status.update(|s| {
                    s.syncing = true;
                    s.again = false;
                    s.problem = None;
                });
                let result = self.sync_steps(photos_on_demand).await;
                let worked = result.is_ok();
                self.status.update(|s| {
                    s.syncing = false;
                    s.progress = None;
                    match result {
                        Ok(()) => s.last_success = Some(Utc::now()),
                        Err(p) => s.problem = Some(p),
                    }
                });
                // Wiped (or locked) during the pass: nothing more of this user is written.
                if self.lock.get_untracked() != super::super::lock::Lock::Open {
                    break;
                }
                if let Some(t) = self.status.with_untracked(|s| s.last_success) {
                    persist::meta("last_success".into(), t.to_rfc3339());
                }
                self.publish_pending();
                if !(worked && self.status.with_untracked(|s| s.again)) {
                    break;
                }
            }
        }

        async fn sync_steps(self, photos_on_demand: bool) -> Result<(), SyncProblem> {
            let db = sealed().await.map_err(|e| SyncProblem::Storage(e.to_string()))?;
            if let Some(reason) = self.push_outbox(&db).await? {
                // The account was disabled or the device marked lost: photos go too, whatever
                // the connection, then the user's data leaves this device.
                self.upload_blobs(&db).await?;
                self.wipe(reason);
                return Ok(());
            }
            self.pull(&db).await?;
            if photos_on_demand || !media::slow_connection() {
                self.status.update(|s| s.photos_held = false);
                self.upload_blobs(&db).await?;
            } else {
                let held = self.blobs.with_untracked(|b| b.iter().any(|b| !b.uploaded));
                self.status.update(|s| s.photos_held = held);
            }
            Ok(())
        }

        /// Sends what waits; answers whether the server asked this device to remove the user's data.
        async fn push_outbox(self, db: &Sealed) -> Result<Option<WipeReason>, SyncProblem> {
            let me = self.user_id;
            let sendable: Vec<Change> = self.outbox.with_untracked(|o| {
                o.iter()
                    .filter(|i| i.user_id == me && matches!(i.state, SendState::Waiting { .. }))
                    .map(|i| i.change.clone())
                    .collect()
            });
            let total = sendable.len();
            let mut sent = 0;
            // The cases opened since the last push go with the first batch (or alone).
            let mut reads: Vec<crate::domain::sync::CaseRead> = self
                .reads
                .with_untracked(|r| r.iter().filter(|p| p.user_id == me).map(|p| p.read.clone()).collect());
            let device = self.device_id.get_untracked();
            if sendable.is_empty() {
                // Also with nothing to send: the answer says whether this device must wipe.
                let response = net::push(&[], &reads, device, self.school_only)
                    .await
                    .map_err(problem)?;
                self.forget_reads(&reads);
                return Ok(response.wipe);
            }
            let mut wipe = None;
            for batch in sendable.chunks(50) {
                self.status.update(|s| s.progress = Some((sent, total)));
                // Later changes to a record may have been rebased by earlier answers.
                let batch: Vec<Change> = self.outbox.with_untracked(|o| {
                    batch
                        .iter()
                        .filter_map(|c| {
                            o.iter()
                                .find(|i| i.change.change_id == c.change_id)
                                .map(|i| i.change.clone())
                        })
                        .collect()
                });
                let response = net::push(&batch, &reads, device, self.school_only)
                    .await
                    .map_err(problem)?;
                wipe = wipe.or(response.wipe);
                self.forget_reads(&std::mem::take(&mut reads));
                let mut confirmed = Vec::new();
                self.records.update(|map| {
                    confirmed = model::fold_confirmed(map, &batch, &response.results, Utc::now());
                });
                for r in &confirmed {
                    let text = serde_json::to_string(r).unwrap_or_default();
                    db.put_text(idb::RECORDS, &r.id.to_string(), &text)
                        .await
                        .map_err(|e| SyncProblem::Storage(e.to_string()))?;
                }
                let mut done = Vec::new();
                self.outbox
                    .update(|o| done = model::apply_results(o, &response.results));
                for id in &done {
                    db.delete(idb::OUTBOX, &id.to_string())
                        .await
                        .map_err(|e| SyncProblem::Storage(e.to_string()))?;
                }
                for item in self.outbox.get_untracked() {
                    if batch.iter().any(|c| c.change_id == item.change.change_id) {
                        persist::outbox(Some(item.clone()), item.change.change_id);
                    }
                }
                sent += batch.len();
                self.publish_pending();
            }
            Ok(wipe)
        }

        async fn pull(self, db: &Sealed) -> Result<(), SyncProblem> {
            let storage = |e: idb::IdbError| SyncProblem::Storage(e.to_string());
            loop {
                let page = net::pull(&self.cursor.get_untracked(), self.school_only)
                    .await
                    .map_err(problem)?;
                for r in &page.records {
                    let text = serde_json::to_string(r).unwrap_or_default();
                    db.put_text(idb::RECORDS, &r.id.to_string(), &text)
                        .await
                        .map_err(storage)?;
                }
                self.records.update(|map| {
                    for r in page.records {
                        map.insert(r.id, r);
                    }
                });
                db.put_text(
                    idb::META,
                    "conflicts",
                    &serde_json::to_string(&page.conflicts).unwrap_or_default(),
                )
                .await
                .map_err(storage)?;
                self.conflicts.set(page.conflicts);
                if !page.workers.is_empty() {
                    let text = serde_json::to_string(&page.workers).unwrap_or_default();
                    db.put_text(idb::META, "workers", &text).await.map_err(storage)?;
                    self.workers.set(page.workers);
                }
                if !page.case_managers.is_empty() {
                    let text = serde_json::to_string(&page.case_managers).unwrap_or_default();
                    db.put_text(idb::META, "case_managers", &text).await.map_err(storage)?;
                    self.case_managers.set(page.case_managers);
                }
                if !page.institutions.is_empty() {
                    let text = serde_json::to_string(&page.institutions).unwrap_or_default();
                    db.put_text(idb::META, "institutions", &text).await.map_err(storage)?;
                    self.institutions.set(page.institutions);
                }
                if !page.municipalities.is_empty() {
                    let text = serde_json::to_string(&page.municipalities).unwrap_or_default();
                    db.put_text(idb::META, "municipalities", &text).await.map_err(storage)?;
                    self.municipalities.set(page.municipalities);
                }
                if !page.services.is_empty() {
                    let text = serde_json::to_string(&page.services).unwrap_or_default();
                    db.put_text(idb::META, "services", &text).await.map_err(storage)?;
                    self.services.set(page.services);
                }
                if let Some(days) = page.referral_days {
                    let text = serde_json::to_string(&days).unwrap_or_default();
                    db.put_text(idb::META, "referral_days", &text).await.map_err(storage)?;
                    self.referral_days.set(days);
                }
                if !page.schools.is_empty() {
                    let text = serde_json::to_string(&page.schools).unwrap_or_default();
                    db.put_text(idb::META, "schools", &text).await.map_err(storage)?;
                    self.schools.set(page.schools);
                }
                if let Some(t) = page.thresholds {
                    let text = serde_json::to_string(&t).unwrap_or_default();
                    db.put_text(idb::META, "thresholds", &text).await.map_err(storage)?;
                    self.thresholds.set(t);
                }
                if let Some(visible) = page.cases {
                    let outbox = self.my_outbox();
                    let gone = self.records.with_untracked(|r| model::forgotten(r, &visible, &outbox));
                    for id in &gone {
                        db.delete(idb::RECORDS, &id.to_string()).await.map_err(storage)?;
                    }
                    if !gone.is_empty() {
                        self.records.update(|map| {
                            gone.iter().for_each(|id| {
                                map.remove(id);
                            })
                        });
                    }
                }
                db.put_text(idb::META, "cursor", &page.next_cursor)
                    .await
                    .map_err(storage)?;
                self.cursor.set(page.next_cursor);
                if !page.more {
                    return Ok(());
                }
            }
        }

        async fn upload_blobs(self, db: &Sealed) -> Result<(), SyncProblem> {
            let me = self.user_id;
            let waiting: Vec<PendingBlob> = self
                .blobs
                .with_untracked(|b| b.iter().filter(|b| b.user_id == me && !b.uploaded).cloned().collect());
            for blob in waiting {
                // Only once the server has the record describing the bytes.
                if self
                    .outbox
                    .with_untracked(|o| o.iter().any(|i| i.change.record_id == blob.attachment_id))
                {
                    continue;
                }
                let Some(bytes) = db
                    .get_bytes(idb::BLOBS, &blob.sha256)
                    .await
                    .map_err(|e| SyncProblem::Storage(e.to_string()))?
                else {
                    continue;
                };
                let mut status = net::blob_status(&blob.sha256).await.map_err(problem)?;
                while !status.complete {
                    let start = status.received.max(0) as usize;
                    let end = (start + crate::domain::sync::MAX_CHUNK_BYTES).min(bytes.len());
                    match net::upload(&blob.sha256, start as i64, &bytes[start..end]).await {
                        Ok(s) => status = s,
                        Err(NetError::WrongOffset(at)) => status.received = at,
                        Err(e) => return Err(problem(e)),
                    }
                }
                self.blobs.update(|b| {
                    for x in b.iter_mut().filter(|x| x.sha256 == blob.sha256) {
                        x.uploaded = true;
                    }
                });
                persist::blob_list(self.blobs.get_untracked());
                // The server has every byte, checked by hash: the phone's copy can go.
                let _ = db.delete(idb::BLOBS, &blob.sha256).await;
            }
            Ok(())
        }

        /// Removes this user's data from the device, once nothing of theirs waits to be sent
        /// (otherwise the next sync sends it first and asks again).
        fn wipe(self, reason: WipeReason) {
            let me = self.user_id;
            let waiting = self.outbox.with_untracked(|o| {
                o.iter()
                    .any(|i| i.user_id == me && matches!(i.state, SendState::Waiting { .. }))
            }) || self
                .blobs
                .with_untracked(|b| b.iter().any(|b| b.user_id == me && !b.uploaded));
            if waiting {
                leptos::logging::warn!("wipe asked for while changes wait; sending them first");
                return;
            }
            DB.with(|d| {
                if let Some(db) = d.borrow_mut().take() {
                    db.close();
                }
            });
            if let Err(e) = idb::remove(&idb::name_of(me)) {
                leptos::logging::error!("removing the phone's data failed: {e}");
            }
            super::super::lock::forget(me);
            self.lock_memory();
            self.lock.set(super::super::lock::Lock::Wiped(reason));
        }

        /// Forgets the caseload and fetches it again from the start; drafts and the outbox stay.
        /// Writes a finished form's outbox items and removes its drafts on the phone's disk, and
        /// returns once both are done: a tab closed right after "save" loses nothing.
        pub async fn keep(self, finished: Finished) -> Result<(), idb::IdbError> {
            let db = sealed().await?;
            for id in &finished.changes {
                let item = self
                    .outbox
                    .with_untracked(|o| o.iter().find(|i| i.change.change_id == *id).cloned());
                if let Some(item) = item {
                    let text = serde_json::to_string(&item).unwrap_or_default();
                    db.put_text(idb::OUTBOX, &id.to_string(), &text).await?;
                }
            }
            for id in &finished.drafts {
                db.delete(idb::DRAFTS, &id.to_string()).await?;
            }
            Ok(())
        }

        /// The user's waiting changes and the photos they name, sealed under `passphrase` for
        /// a file: the last resort when this phone cannot reach the server. Returns the file's
        /// bytes and how many changes it holds.
        pub async fn export_outbox(self, user_name: String, passphrase: String) -> Result<(Vec<u8>, usize), String> {
            use super::super::{export, vault};
            let db = sealed().await.map_err(|e| e.to_string())?;
            let items = self.my_outbox();
            let mut blobs = Vec::new();
            let mut bytes = Vec::new();
            for b in self.blobs.get_untracked() {
                if b.user_id != self.user_id || b.uploaded {
                    continue;
                }
                if let Some(x) = db.get_bytes(idb::BLOBS, &b.sha256).await.map_err(|e| e.to_string())? {
                    bytes.push(x);
                    blobs.push(b);
                }
            }
            let n = items.len();
            let file = export::OutboxExport {
                user_id: self.user_id,
                user_name,
                device_id: self.device_id.get_untracked(),
                exported_at: Utc::now(),
                items,
                blobs,
            };
            let sealed = vault::seal(&passphrase, &export::pack(&file, &bytes))
                .await
                .map_err(|e| format!("{e:?}"))?;
            Ok((sealed, n))
        }

        /// Takes in a file written by [`Self::export_outbox`] (on this or another device): its
        /// changes not already waiting here join the outbox, written before this returns, and
        /// go with the next sync; the server applies each change ID once.
        pub async fn import_outbox(
            self,
            passphrase: String,
            file: Vec<u8>,
        ) -> Result<usize, super::super::export::ExportError> {
            use super::super::export::{self, ExportError};
            let plain = super::super::vault::open(&passphrase, &file).await?;
            let (content, bytes) = export::unpack(&plain)?;
            let mut merged = Ok(Vec::new());
            self.outbox
                .update(|o| merged = export::merge_import(o, &content, self.user_id));
            let added = merged?;
            let db = sealed().await.map_err(|_| ExportError::Unreadable)?;
            for item in &added {
                let text = serde_json::to_string(item).unwrap_or_default();
                db.put_text(idb::OUTBOX, &item.change.change_id.to_string(), &text)
                    .await
                    .map_err(|_| ExportError::Unreadable)?;
            }
            for (b, x) in content.blobs.iter().zip(bytes) {
                if self.blobs.with_untracked(|l| l.iter().any(|k| k.sha256 == b.sha256)) {
                    continue;
                }
                db.put_bytes(idb::BLOBS, &b.sha256, &x)
                    .await
                    .map_err(|_| ExportError::Unreadable)?;
                self.blobs.update(|l| l.push(b.clone()));
            }
            let list = serde_json::to_string(&self.blobs.get_untracked()).unwrap_or_default();
            db.put_text(idb::META, "blobs", &list)
                .await
                .map_err(|_| ExportError::Unreadable)?;
            self.publish_pending();
            Ok(added.len())
        }

        pub async fn rebuild(self) {
            if let Ok(db) = sealed().await {
                let _ = db.clear(idb::RECORDS).await;
                let _ = db.delete(idb::META, "cursor").await;
            }
            self.records.set(BTreeMap::new());
            self.cursor.set(String::new());
            self.sync(false).await;
        }

        pub async fn resolve(self, id: Uuid, choice: crate::domain::sync::Choice) -> Result<(), SyncProblem> {
            net::resolve(id, choice).await.map_err(problem)?;
            self.conflicts.update(|c| c.retain(|x| x.id != id));
            self.sync(false).await;
            Ok(())
        }
    }

    fn problem(e: NetError) -> SyncProblem {
        match e {
            NetError::Offline => SyncProblem::Offline,
            NetError::SignedOut => SyncProblem::SignedOut,
            NetError::Http(status, message) => {
                leptos::logging::warn!("sync refused: {status} {message}");
                SyncProblem::Server(Some(status))
            }
            other => {
                leptos::logging::warn!("sync failed: {other}");
                SyncProblem::Server(None)
            }
        }
    }
}

/// Write-through to IndexedDB, fire and forget (errors are logged to the console): the
/// in-memory state is already updated, and the next write of the same key supersedes this one.
mod persist {
    #[allow(unused_imports)]
    use super::*;

    #[cfg(feature = "hydrate")]
    fn spawn(f: impl std::future::Future<Output = Result<(), super::super::idb::IdbError>> + 'static) {
        leptos::task::spawn_local(async move {
            if let Err(e) = f.await {
                leptos::logging::error!("saving on the phone failed: {e}");
            }
        });
    }

    pub fn draft(draft: Option<Draft>, id: Uuid) {
        #[cfg(feature = "hydrate")]
        let data_key = super::super::sealed::current_key();
        #[cfg(feature = "hydrate")]
        spawn(async move {
            use super::super::idb;
            let db = super::browser::sealed_with(data_key).await?;
            match draft {
                Some(d) => {
                    db.put_text(
                        idb::DRAFTS,
                        &id.to_string(),
                        &serde_json::to_string(&d).unwrap_or_default(),
                    )
                    .await
                }
                None => db.delete(idb::DRAFTS, &id.to_string()).await,
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (draft, id);
    }

    pub fn outbox(item: Option<OutboxItem>, id: Uuid) {
        #[cfg(feature = "hydrate")]
        let data_key = super::super::sealed::current_key();
        #[cfg(feature = "hydrate")]
        spawn(async move {
            use super::super::idb;
            let db = super::browser::sealed_with(data_key).await?;
            match item {
                Some(i) => {
                    db.put_text(
                        idb::OUTBOX,
                        &id.to_string(),
                        &serde_json::to_string(&i).unwrap_or_default(),
                    )
                    .await
                }
                None => db.delete(idb::OUTBOX, &id.to_string()).await,
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (item, id);
    }

    pub fn blob_bytes(sha256: String, bytes: Vec<u8>) {
        #[cfg(feature = "hydrate")]
        let data_key = super::super::sealed::current_key();
        #[cfg(feature = "hydrate")]
        spawn(async move {
            use super::super::idb;
            let db = super::browser::sealed_with(data_key).await?;
            db.put_bytes(idb::BLOBS, &sha256, &bytes).await
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (sha256, bytes);
    }

    pub fn blob_list(list: Vec<PendingBlob>) {
        meta("blobs".into(), serde_json::to_string(&list).unwrap_or_default());
    }

    pub fn meta(key: String, value: String) {
        #[cfg(feature = "hydrate")]
        let data_key = super::super::sealed::current_key();
        #[cfg(feature = "hydrate")]
        spawn(async move {
            use super::super::idb;
            let db = super::browser::sealed_with(data_key).await?;
            db.put_text(idb::META, &key, &value).await
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, value);
    }

    pub fn local_storage(key: &str, value: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(key, value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, value);
    }
}

/// The case's records as the worker sees them, by kind.
pub fn of_case(records: &[LocalRecord], case_id: Uuid, kind: RecordKind) -> Vec<LocalRecord> {
    let mut v: Vec<_> = records
        .iter()
        .filter(|r| r.case_id == case_id && r.kind == kind)
        .cloned()
        .collect();
    v.sort_by_key(|r| r.id);
    v
}

pub fn fields_of(r: Option<&LocalRecord>) -> Fields {
    r.map(|r| r.fields.clone()).unwrap_or_default()
}
