-- The same person registered twice: suggestions for a person to merge or dismiss, never merged
-- automatically. One row per pair (the smaller member ID first).
CREATE TABLE duplicate_suggestion (
    id BLOB PRIMARY KEY NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    member_id BLOB NOT NULL,
    other_member_id BLOB NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by BLOB REFERENCES app_user(id),
    decision TEXT,
    UNIQUE (member_id, other_member_id)
);
CREATE INDEX duplicate_suggestion_municipality ON duplicate_suggestion(municipality_id);
CREATE INDEX record_municipality_kind ON record(municipality_id, kind);
