//! Storage of field records, applied changes, conflicts and duplicates: the server side of the
//! sync protocol (photo bytes are in [`super::blob`]). Same pattern as [`super::sql`]: one SQL text, expanded per dialect.

use super::{AuditEvent, Result, StorageError};
use app::domain::sync::Stamps;
use app::domain::{Fields, RecordKind};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub kind: RecordKind,
    pub id: Uuid,
    pub case_id: Uuid,
    pub municipality_id: Uuid,
    /// Case rows: whose caseload holds the case.
    pub field_worker_id: Option<Uuid>,
    pub version: i64,
    pub fields: Fields,
    pub stamps: Stamps,
    /// Position in the change counter of the last write (set by storage).
    pub seq: i64,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_by: Uuid,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConflictRow {
    pub id: Uuid,
    pub record_id: Uuid,
    pub case_id: Uuid,
    pub municipality_id: Uuid,
    pub kind: RecordKind,
    pub field: String,
    pub current: Value,
    pub proposed: Value,
    pub change_id: Uuid,
    pub proposed_by: Uuid,
    /// Display name of `proposed_by` (read only).
    pub proposed_by_name: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<Uuid>,
    pub choice: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppliedChange {
    pub change_id: Uuid,
    pub user_id: Uuid,
    pub device_id: Uuid,
    pub record_id: Uuid,
    /// The JSON outcome first answered.
    pub outcome: String,
    pub received_at: DateTime<Utc>,
}

/// Everything one change writes, in one transaction.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The record's new state. `version` is the new version.
    pub record: StoredRecord,
    /// `None`: insert (fails as a race if the ID exists). `Some(v)`: update only if still at `v`.
    pub expected_version: Option<i64>,
    /// False when the change altered no field (an echo, or only conflicts).
    pub write_record: bool,
    pub change: Option<AppliedChange>,
    pub conflicts: Vec<ConflictRow>,
    /// Marks a conflict resolved: (id, by, at, choice).
    pub resolve: Option<(Uuid, Uuid, DateTime<Utc>, String)>,
    /// The audit rows of this write, committed with it.
    pub audit: Vec<AuditEvent>,
    /// Records that must still be at these versions for the write to land (a decision on a plan
    /// lands only on the plan it read); otherwise nothing is written and the write races.
    pub unchanged: Vec<(Uuid, i64)>,
    /// Other records this write changes with it, each only if still at the version given (an
    /// approved closure closes the case; a move hands every record to another municipality).
    /// Each gets a new place in the change counter, like [`RecordStore::rewrite`]. Version 0
    /// creates the record (a school team's acceptance opens the children's schooling); an ID
    /// already taken races.
    pub also: Vec<(StoredRecord, i64)>,
}

/// An applied change whose after-effects (duplicate check, rescheduling) may not be done yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterWrite {
    pub change_id: Uuid,
    pub record_id: Uuid,
    pub case_id: Uuid,
    pub kind: RecordKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitResult {
    Done,
    /// Another writer got there first (version moved, ID taken, change ID already applied):
    /// nothing was written; read again and retry.
    Raced,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// The smaller of the two member IDs, so a pair is stored once.
    pub member_id: Uuid,
    pub other_member_id: Uuid,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    pub decision: Option<String>,
}

/// Which cases a reader sees: a municipality, and within it the cases of one user (their
/// caseload as field worker, the cases appointed to them as case manager) or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseScope {
    pub municipality_id: Uuid,
    pub own_cases_of: Option<Uuid>,
}

/// A case row's appointed case manager, kept in a column beside the field for the filters.
fn case_manager_of(r: &StoredRecord) -> Option<Uuid> {
    (r.kind == RecordKind::Case)
        .then(|| {
            r.fields
                .get("case_manager_id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok())
        })
        .flatten()
}

#[async_trait::async_trait]
pub trait RecordStore: Send + Sync {
    async fn record(&self, id: Uuid) -> Result<Option<StoredRecord>>;
    async fn records_of_case(&self, case_id: Uuid) -> Result<Vec<StoredRecord>>;
    async fn applied_change(&self, change_id: Uuid) -> Result<Option<AppliedChange>>;
    /// Writes everything of `c` in one transaction; an applied sync change also leaves its
    /// [`AfterWrite`] there, removed by [`RecordStore::after_writes_done`] once its effects ran.
    async fn commit(&self, c: &Commit) -> Result<CommitResult>;
    /// The oldest after-writes still waiting (a crash between a commit and its effects).
    async fn pending_after_writes(&self, limit: i64) -> Result<Vec<AfterWrite>>;
    async fn after_writes_done(&self, change_ids: &[Uuid]) -> Result<()>;
    /// Records of the cases in `scope` written after `after_seq`, in write order.
    async fn pull(&self, scope: CaseScope, after_seq: i64, limit: i64) -> Result<Vec<StoredRecord>>;
    /// The school team's records of a municipality after `after_seq` (schooling, attendance,
    /// actions, meetings, literacy: nothing else of a case).
    async fn pull_school(&self, municipality_id: Uuid, after_seq: i64, limit: i64) -> Result<Vec<StoredRecord>>;
    /// The case IDs the school team's records hang on (cases, and the roots of meetings and
    /// the literacy list).
    async fn school_case_ids(&self, municipality_id: Uuid) -> Result<Vec<Uuid>>;
    /// The case records in `scope`.
    async fn cases_in(&self, scope: CaseScope) -> Result<Vec<StoredRecord>>;
    /// Open conflicts on the cases in `scope`, oldest first.
    async fn open_conflicts(&self, scope: CaseScope) -> Result<Vec<ConflictRow>>;
    async fn conflict(&self, id: Uuid) -> Result<Option<ConflictRow>>;
    /// Attachment records that describe the bytes with this hash.
    async fn attachments_with_hash(&self, sha256: &str) -> Result<Vec<StoredRecord>>;
    async fn records_of_kind(&self, municipality_id: Uuid, kind: RecordKind) -> Result<Vec<StoredRecord>>;
    /// Keeps a suggestion; a pair already suggested (or decided) is left as it is.
    async fn insert_duplicate(&self, d: &DuplicateRow) -> Result<()>;
    /// Undecided suggestions of the municipality, oldest first.
    async fn open_duplicates(&self, municipality_id: Uuid) -> Result<Vec<DuplicateRow>>;
    async fn duplicate(&self, id: Uuid) -> Result<Option<DuplicateRow>>;
    /// Returns false when it was already decided.
    async fn decide_duplicate(
        &self,
        id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
        decision: &str,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// The office's rewrite of several records at once (a case reassigned, two cases merged):
    /// each `(record, expected_version)` is written with its case, field_worker, fields and version,
    /// and a new place in the change counter so that every phone that may see it pulls it again.
    /// All or nothing: `Raced` if any record moved meanwhile.
    async fn rewrite(&self, records: &[(StoredRecord, i64)], audit: &[AuditEvent]) -> Result<CommitResult>;
}

/// The school team's kinds as an SQL list (constants of the code, never user input).
fn school_kinds() -> String {
    RecordKind::ALL
        .iter()
        .filter(|k| k.is_school())
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_kind(s: &str) -> Result<RecordKind> {
    RecordKind::parse(s).ok_or_else(|| StorageError::Corrupt(format!("unknown record kind {s:?}")))
}

fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StorageError::Corrupt(format!("stored JSON: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StorageError::Corrupt(format!("JSON: {e}")))
}

const RECORD_COLUMNS: &str = "r.id, r.kind, r.case_id, r.municipality_id, r.field_worker_id, r.version, r.fields, \
     r.stamps, r.seq, r.created_by, r.created_at, r.updated_by, r.updated_at";

const CONFLICT_SELECT: &str = "SELECT f.id, f.record_id, f.case_id, f.municipality_id, f.kind, f.field, \
     f.current_value, f.proposed_value, f.change_id, f.proposed_by, u.display_name AS proposed_by_name, \
     f.created_at, f.resolved_at, f.resolved_by, f.choice FROM field_conflict f JOIN app_user u ON u.id = f.proposed_by";

macro_rules! record_store {
    ($name:ident, $row:ty, $db:ty) => {
        /// Writes one record over the version `expected` with a new place in the change counter
        /// (its case, municipality, caseload and fields may all have moved). Rows written: 0 is a race.
        /// Inserts a new record at `seq`; 0 rows when its ID is taken.
        async fn insert_one(tx: &mut sqlx::Transaction<'_, $db>, r: &StoredRecord, seq: i64) -> Result<u64> {
            let sha256 = (r.kind == RecordKind::Attachment)
                .then(|| r.fields.get("sha256").and_then(Value::as_str).map(str::to_string))
                .flatten();
            Ok(sqlx::query(
                "INSERT INTO record (id, kind, case_id, municipality_id, field_worker_id, version, fields, \
                 stamps, sha256, seq, created_by, created_at, updated_by, updated_at, case_manager_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(r.id)
            .bind(r.kind.as_str())
            .bind(r.case_id)
            .bind(r.municipality_id)
            .bind(r.field_worker_id)
            .bind(r.version)
            .bind(to_json(&r.fields)?)
            .bind(to_json(&r.stamps)?)
            .bind(&sha256)
            .bind(seq)
            .bind(r.created_by)
            .bind(r.created_at)
            .bind(r.updated_by)
            .bind(r.updated_at)
            .bind(case_manager_of(r))
            .execute(&mut **tx)
            .await?
            .rows_affected())
        }

        async fn rewrite_one(
            tx: &mut sqlx::Transaction<'_, $db>,
            r: &StoredRecord,
            expected: i64,
        ) -> Result<u64> {
            let seq: i64 = sqlx::query("UPDATE sync_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq")
                .fetch_one(&mut **tx)
                .await?
                .try_get("seq")?;
            Ok(sqlx::query(
                "UPDATE record SET case_id = $2, field_worker_id = $3, version = $4, fields = $5, stamps = $6, \
                 seq = $7, updated_by = $8, updated_at = $9, case_manager_id = $11, municipality_id = $12 \
                 WHERE id = $1 AND version = $10",
            )
            .bind(r.id)
            .bind(r.case_id)
            .bind(r.field_worker_id)
            .bind(r.version)
            .bind(to_json(&r.fields)?)
            .bind(to_json(&r.stamps)?)
            .bind(seq)
            .bind(r.updated_by)
            .bind(r.updated_at)
            .bind(expected)
            .bind(case_manager_of(r))
            .bind(r.municipality_id)
            .execute(&mut **tx)
            .await?
            .rows_affected())
        }

        impl $name {
            fn record_from_row(row: &$row) -> Result<StoredRecord> {
                Ok(StoredRecord {
                    kind: parse_kind(row.try_get::<&str, _>("kind")?)?,
                    id: row.try_get("id")?,
                    case_id: row.try_get("case_id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    field_worker_id: row.try_get("field_worker_id")?,
                    version: row.try_get("version")?,
                    fields: parse_json(row.try_get::<&str, _>("fields")?)?,
                    stamps: parse_json(row.try_get::<&str, _>("stamps")?)?,
                    seq: row.try_get("seq")?,
                    created_by: row.try_get("created_by")?,
                    created_at: row.try_get("created_at")?,
                    updated_by: row.try_get("updated_by")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            fn conflict_from_row(row: &$row) -> Result<ConflictRow> {
                Ok(ConflictRow {
                    id: row.try_get("id")?,
                    record_id: row.try_get("record_id")?,
                    case_id: row.try_get("case_id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    kind: parse_kind(row.try_get::<&str, _>("kind")?)?,
                    field: row.try_get("field")?,
                    current: parse_json(row.try_get::<&str, _>("current_value")?)?,
                    proposed: parse_json(row.try_get::<&str, _>("proposed_value")?)?,
                    change_id: row.try_get("change_id")?,
                    proposed_by: row.try_get("proposed_by")?,
                    proposed_by_name: row.try_get("proposed_by_name")?,
                    created_at: row.try_get("created_at")?,
                    resolved_at: row.try_get("resolved_at")?,
                    resolved_by: row.try_get("resolved_by")?,
                    choice: row.try_get("choice")?,
                })
            }

            fn applied_from_row(row: &$row) -> Result<AppliedChange> {
                Ok(AppliedChange {
                    change_id: row.try_get("change_id")?,
                    user_id: row.try_get("user_id")?,
                    device_id: row.try_get("device_id")?,
                    record_id: row.try_get("record_id")?,
                    outcome: row.try_get("outcome")?,
                    received_at: row.try_get("received_at")?,
                })
            }

            fn duplicate_from_row(row: &$row) -> Result<DuplicateRow> {
                Ok(DuplicateRow {
                    id: row.try_get("id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    member_id: row.try_get("member_id")?,
                    other_member_id: row.try_get("other_member_id")?,
                    reason: row.try_get("reason")?,
                    created_at: row.try_get("created_at")?,
                    decided_at: row.try_get("decided_at")?,
                    decided_by: row.try_get("decided_by")?,
                    decision: row.try_get("decision")?,
                })
            }

            async fn records_where(&self, condition: &str, id: Uuid) -> Result<Vec<StoredRecord>> {
                let sql = format!("SELECT {RECORD_COLUMNS} FROM record r WHERE {condition} ORDER BY r.seq");
                let rows = sqlx::query(&sql).bind(id).fetch_all(&self.pool).await?;
                rows.iter().map(Self::record_from_row).collect()
            }
        }

        #[async_trait::async_trait]
        impl RecordStore for $name {
            async fn record(&self, id: Uuid) -> Result<Option<StoredRecord>> {
                Ok(self.records_where("r.id = $1", id).await?.pop())
            }

            async fn records_of_case(&self, case_id: Uuid) -> Result<Vec<StoredRecord>> {
                self.records_where("r.case_id = $1", case_id).await
            }

            async fn applied_change(&self, change_id: Uuid) -> Result<Option<AppliedChange>> {
                let row = sqlx::query(
                    "SELECT change_id, user_id, device_id, record_id, outcome, received_at FROM sync_change \
                     WHERE change_id = $1",
                )
                .bind(change_id)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(Self::applied_from_row).transpose()
            }

            async fn commit(&self, c: &Commit) -> Result<CommitResult> {
                let mut tx = self.pool.begin().await?;
                // First write of the transaction: takes the writer's place in the counter's queue.
                let seq: i64 = sqlx::query("UPDATE sync_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq")
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("seq")?;
                // Writers queue on the counter, so what is read now stays true until commit.
                for (id, version) in &c.unchanged {
                    let now: Option<i64> = sqlx::query("SELECT version FROM record WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|row| row.try_get("version"))
                        .transpose()?;
                    if now != Some(*version) {
                        return Ok(CommitResult::Raced);
                    }
                }
                if let Some(ch) = &c.change {
                    let inserted = sqlx::query(
                        "INSERT INTO sync_change (change_id, user_id, device_id, record_id, outcome, received_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (change_id) DO NOTHING",
                    )
                    .bind(ch.change_id)
                    .bind(ch.user_id)
                    .bind(ch.device_id)
                    .bind(ch.record_id)
                    .bind(&ch.outcome)
                    .bind(ch.received_at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if inserted == 0 {
                        return Ok(CommitResult::Raced);
                    }
                    sqlx::query(
                        "INSERT INTO after_write (change_id, record_id, case_id, kind, created_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(ch.change_id)
                    .bind(c.record.id)
                    .bind(c.record.case_id)
                    .bind(c.record.kind.as_str())
                    .bind(ch.received_at)
                    .execute(&mut *tx)
                    .await?;
                }
                let r = &c.record;
                if c.write_record {
                    let (fields, stamps) = (to_json(&r.fields)?, to_json(&r.stamps)?);
                    let sha256 = (r.kind == RecordKind::Attachment)
                        .then(|| r.fields.get("sha256").and_then(Value::as_str).map(str::to_string))
                        .flatten();
                    let written = match c.expected_version {
                        None => insert_one(&mut tx, r, seq).await?,
                        Some(expected) => sqlx::query(
                            "UPDATE record SET version = $2, fields = $3, stamps = $4, sha256 = $5, seq = $6, \
                             field_worker_id = $7, updated_by = $8, updated_at = $9, case_manager_id = $11 \
                             WHERE id = $1 AND version = $10",
                        )
                        .bind(r.id)
                        .bind(r.version)
                        .bind(&fields)
                        .bind(&stamps)
                        .bind(&sha256)
                        .bind(seq)
                        .bind(r.field_worker_id)
                        .bind(r.updated_by)
                        .bind(r.updated_at)
                        .bind(expected)
                        .bind(case_manager_of(r))
                        .execute(&mut *tx)
                        .await?
                        .rows_affected(),
                    };
                    if written == 0 {
                        return Ok(CommitResult::Raced);
                    }
                }
                for (r, expected) in &c.also {
                    let written = if *expected == 0 {
                        let seq: i64 = sqlx::query("UPDATE sync_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq")
                            .fetch_one(&mut *tx)
                            .await?
                            .try_get("seq")?;
                        insert_one(&mut tx, r, seq).await?
                    } else {
                        rewrite_one(&mut tx, r, *expected).await?
                    };
                    if written == 0 {
                        return Ok(CommitResult::Raced);
                    }
                }
                for f in &c.conflicts {
                    sqlx::query(
                        "INSERT INTO field_conflict (id, record_id, case_id, municipality_id, kind, field, \
                         current_value, proposed_value, change_id, proposed_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(f.id)
                    .bind(f.record_id)
                    .bind(f.case_id)
                    .bind(f.municipality_id)
                    .bind(f.kind.as_str())
                    .bind(&f.field)
                    .bind(to_json(&f.current)?)
                    .bind(to_json(&f.proposed)?)
                    .bind(f.change_id)
                    .bind(f.proposed_by)
                    .bind(f.created_at)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some((id, by, at, choice)) = &c.resolve {
                    let done = sqlx::query(
                        "UPDATE field_conflict SET resolved_at = $2, resolved_by = $3, choice = $4 \
                         WHERE id = $1 AND resolved_at IS NULL",
                    )
                    .bind(id)
                    .bind(at)
                    .bind(by)
                    .bind(choice)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if done == 0 {
                        return Ok(CommitResult::Raced);
                    }
                }
                insert_audits!(&c.audit, tx);
                tx.commit().await?;
                Ok(CommitResult::Done)
            }

            async fn pull(&self, scope: CaseScope, after_seq: i64, limit: i64) -> Result<Vec<StoredRecord>> {
                let sql = format!(
                    "SELECT {RECORD_COLUMNS} FROM record r JOIN record c ON c.id = r.case_id AND c.kind = 'case' \
                     WHERE r.municipality_id = $1 AND r.seq > $2 AND ($3 IS NULL OR c.field_worker_id = $3 OR c.case_manager_id = $3) \
                     ORDER BY r.seq LIMIT $4"
                );
                let rows = sqlx::query(&sql)
                    .bind(scope.municipality_id)
                    .bind(after_seq)
                    .bind(scope.own_cases_of)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::record_from_row).collect()
            }

            async fn pull_school(&self, municipality_id: Uuid, after_seq: i64, limit: i64) -> Result<Vec<StoredRecord>> {
                let sql = format!(
                    "SELECT {RECORD_COLUMNS} FROM record r WHERE r.municipality_id = $1 AND r.seq > $2 \
                     AND r.kind IN ({}) ORDER BY r.seq LIMIT $3",
                    school_kinds()
                );
                let rows = sqlx::query(&sql)
                    .bind(municipality_id)
                    .bind(after_seq)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::record_from_row).collect()
            }

            async fn school_case_ids(&self, municipality_id: Uuid) -> Result<Vec<Uuid>> {
                let sql = format!(
                    "SELECT DISTINCT r.case_id FROM record r WHERE r.municipality_id = $1 AND r.kind IN ({}) \
                     ORDER BY r.case_id",
                    school_kinds()
                );
                let rows = sqlx::query(&sql).bind(municipality_id).fetch_all(&self.pool).await?;
                rows.iter().map(|r| Ok(r.try_get("case_id")?)).collect()
            }

            async fn cases_in(&self, scope: CaseScope) -> Result<Vec<StoredRecord>> {
                let sql = format!(
                    "SELECT {RECORD_COLUMNS} FROM record r WHERE r.kind = 'case' AND r.municipality_id = $1 \
                     AND ($2 IS NULL OR r.field_worker_id = $2 OR r.case_manager_id = $2) ORDER BY r.id"
                );
                let rows = sqlx::query(&sql)
                    .bind(scope.municipality_id)
                    .bind(scope.own_cases_of)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::record_from_row).collect()
            }

            async fn open_conflicts(&self, scope: CaseScope) -> Result<Vec<ConflictRow>> {
                let sql = format!(
                    "{CONFLICT_SELECT} JOIN record c ON c.id = f.case_id AND c.kind = 'case' \
                     WHERE f.municipality_id = $1 AND f.resolved_at IS NULL \
                     AND ($2 IS NULL OR c.field_worker_id = $2 OR c.case_manager_id = $2) ORDER BY f.created_at, f.id"
                );
                let rows = sqlx::query(&sql)
                    .bind(scope.municipality_id)
                    .bind(scope.own_cases_of)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::conflict_from_row).collect()
            }

            async fn conflict(&self, id: Uuid) -> Result<Option<ConflictRow>> {
                let sql = format!("{CONFLICT_SELECT} WHERE f.id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                row.as_ref().map(Self::conflict_from_row).transpose()
            }

            async fn attachments_with_hash(&self, sha256: &str) -> Result<Vec<StoredRecord>> {
                let sql = format!("SELECT {RECORD_COLUMNS} FROM record r WHERE r.sha256 = $1 ORDER BY r.seq");
                let rows = sqlx::query(&sql).bind(sha256).fetch_all(&self.pool).await?;
                rows.iter().map(Self::record_from_row).collect()
            }

            async fn records_of_kind(&self, municipality_id: Uuid, kind: RecordKind) -> Result<Vec<StoredRecord>> {
                let sql = format!(
                    "SELECT {RECORD_COLUMNS} FROM record r WHERE r.municipality_id = $1 AND r.kind = $2 ORDER BY r.seq"
                );
                let rows = sqlx::query(&sql).bind(municipality_id).bind(kind.as_str()).fetch_all(&self.pool).await?;
                rows.iter().map(Self::record_from_row).collect()
            }

            async fn pending_after_writes(&self, limit: i64) -> Result<Vec<AfterWrite>> {
                let rows = sqlx::query(
                    "SELECT change_id, record_id, case_id, kind FROM after_write ORDER BY created_at, change_id LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        let kind: String = r.try_get("kind")?;
                        Ok(AfterWrite {
                            change_id: r.try_get("change_id")?,
                            record_id: r.try_get("record_id")?,
                            case_id: r.try_get("case_id")?,
                            kind: parse_kind(&kind)?,
                        })
                    })
                    .collect()
            }

            async fn after_writes_done(&self, change_ids: &[Uuid]) -> Result<()> {
                for id in change_ids {
                    sqlx::query("DELETE FROM after_write WHERE change_id = $1")
                        .bind(id)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn insert_duplicate(&self, d: &DuplicateRow) -> Result<()> {
                sqlx::query(
                    "INSERT INTO duplicate (id, municipality_id, member_id, other_member_id, reason, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (member_id, other_member_id) DO NOTHING",
                )
                .bind(d.id)
                .bind(d.municipality_id)
                .bind(d.member_id)
                .bind(d.other_member_id)
                .bind(&d.reason)
                .bind(d.created_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn open_duplicates(&self, municipality_id: Uuid) -> Result<Vec<DuplicateRow>> {
                let rows = sqlx::query(
                    "SELECT id, municipality_id, member_id, other_member_id, reason, created_at, decided_at, \
                     decided_by, decision FROM duplicate WHERE municipality_id = $1 AND decided_at IS NULL \
                     ORDER BY created_at, id",
                )
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(Self::duplicate_from_row).collect()
            }

            async fn duplicate(&self, id: Uuid) -> Result<Option<DuplicateRow>> {
                let row = sqlx::query(
                    "SELECT id, municipality_id, member_id, other_member_id, reason, created_at, decided_at, \
                     decided_by, decision FROM duplicate WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(Self::duplicate_from_row).transpose()
            }

            async fn decide_duplicate(
                &self,
                id: Uuid,
                by: Uuid,
                at: DateTime<Utc>,
                decision: &str,
                audit: &[AuditEvent],
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                let n = sqlx::query(
                    "UPDATE duplicate SET decided_at = $2, decided_by = $3, decision = $4 \
                     WHERE id = $1 AND decided_at IS NULL",
                )
                .bind(id)
                .bind(at)
                .bind(by)
                .bind(decision)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Ok(false);
                }
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(true)
            }

            async fn rewrite(&self, records: &[(StoredRecord, i64)], audit: &[AuditEvent]) -> Result<CommitResult> {
                let mut tx = self.pool.begin().await?;
                for (r, expected) in records {
                    if rewrite_one(&mut tx, r, *expected).await? == 0 {
                        return Ok(CommitResult::Raced);
                    }
                }
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(CommitResult::Done)
            }
        }
    };
}

mod sqlite_records {
    use super::*;
    record_store!(SqliteStorage, sqlx::sqlite::SqliteRow, sqlx::Sqlite);
}
mod postgres_records {
    use super::*;
    record_store!(PostgresStorage, sqlx::postgres::PgRow, sqlx::Postgres);
}

use super::{PostgresStorage, SqliteStorage};
