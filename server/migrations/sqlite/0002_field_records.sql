-- Field work synced from phones: every record (case, household, member, return event, visit,
-- assessment, attachment) is a set of named fields with a version, so edits merge per field.

-- One global, gap-free change counter: pull cursors are positions in it. Taking the next value
-- is the first write of every sync transaction, so writers queue and commit in counter order.
CREATE TABLE sync_counter (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO sync_counter (id, seq) VALUES (1, 0);

CREATE TABLE record (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    case_id BLOB NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    -- Case rows: the field worker whose caseload holds the case.
    assignee_id BLOB REFERENCES app_user(id),
    version BIGINT NOT NULL,
    -- JSON object: field name -> value.
    fields TEXT NOT NULL,
    -- JSON object: field name -> {"version", "device"} of its last change.
    stamps TEXT NOT NULL,
    -- Attachment rows: the hash of the bytes they describe.
    sha256 TEXT,
    seq BIGINT NOT NULL,
    created_by BLOB NOT NULL REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    updated_by BLOB NOT NULL REFERENCES app_user(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX record_case ON record(case_id);
CREATE INDEX record_municipality_seq ON record(municipality_id, seq);
CREATE INDEX record_sha256 ON record(sha256);

-- Every change ID applied, with the answer given: a resend gets the same answer, changes nothing.
CREATE TABLE sync_change (
    change_id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES app_user(id),
    device_id BLOB NOT NULL,
    record_id BLOB NOT NULL,
    outcome TEXT NOT NULL,
    received_at TEXT NOT NULL
);

-- Same-field edits from two devices: the server keeps its value and both wait for a choice.
CREATE TABLE field_conflict (
    id BLOB PRIMARY KEY NOT NULL,
    record_id BLOB NOT NULL REFERENCES record(id),
    case_id BLOB NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    current_value TEXT NOT NULL,
    proposed_value TEXT NOT NULL,
    change_id BLOB NOT NULL,
    proposed_by BLOB NOT NULL REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by BLOB REFERENCES app_user(id),
    choice TEXT
);
CREATE INDEX field_conflict_case ON field_conflict(case_id);

-- Photos and signatures, uploaded in pieces and kept once their SHA-256 checks out.
CREATE TABLE attachment_blob (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB,
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE TABLE attachment_chunk (
    sha256 TEXT NOT NULL REFERENCES attachment_blob(sha256) ON DELETE CASCADE,
    offset_bytes BIGINT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (sha256, offset_bytes)
);
