-- The same person registered twice: suggestions for a person to merge or dismiss, never merged
-- automatically. One row per pair (the smaller member ID first).
CREATE TABLE duplicate_suggestion (
    id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    member_id UUID NOT NULL,
    other_member_id UUID NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    decided_by UUID REFERENCES app_user(id),
    decision TEXT,
    UNIQUE (member_id, other_member_id)
);
CREATE INDEX duplicate_suggestion_municipality ON duplicate_suggestion(municipality_id);
CREATE INDEX record_municipality_kind ON record(municipality_id, kind);
