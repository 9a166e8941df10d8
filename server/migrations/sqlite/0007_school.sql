-- School inclusion: the municipality's registry of schools and their classes (kept by the
-- administrator) and its early-warning thresholds (absent when the defaults apply).
CREATE TABLE school (
    id BLOB PRIMARY KEY NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    name TEXT NOT NULL,
    -- JSON list of class names, as the school writes them.
    classes TEXT NOT NULL,
    -- A school that children's records name is retired, never deleted.
    retired_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX school_municipality ON school(municipality_id);

CREATE TABLE early_warning (
    municipality_id BLOB PRIMARY KEY NOT NULL REFERENCES municipality(id),
    absent_days BIGINT NOT NULL,
    absence_run BIGINT NOT NULL,
    not_enrolled_days BIGINT NOT NULL,
    repeated_grade BOOLEAN NOT NULL,
    certificate_missing_days BIGINT NOT NULL,
    updated_by BLOB NOT NULL REFERENCES app_user(id),
    updated_at TEXT NOT NULL
);

-- The school team's pull reads its kinds of a municipality in change order.
CREATE INDEX record_municipality_kind_seq ON record(municipality_id, kind, seq);
