-- School inclusion: the municipality's registry of schools and their classes (kept by the
-- administrator) and its early-warning thresholds (absent when the defaults apply).
CREATE TABLE school (
    id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    name TEXT NOT NULL,
    -- JSON list of class names, as the school writes them.
    classes TEXT NOT NULL,
    -- A school that children's records name is retired, never deleted.
    retired_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX school_municipality ON school(municipality_id);

CREATE TABLE early_warning (
    municipality_id UUID PRIMARY KEY REFERENCES municipality(id),
    absent_days BIGINT NOT NULL,
    absence_run BIGINT NOT NULL,
    not_enrolled_days BIGINT NOT NULL,
    repeated_grade BOOLEAN NOT NULL,
    certificate_missing_days BIGINT NOT NULL,
    updated_by UUID NOT NULL REFERENCES app_user(id),
    updated_at TIMESTAMPTZ NOT NULL
);

-- The school team's pull reads its kinds of a municipality in change order.
CREATE INDEX record_municipality_kind_seq ON record(municipality_id, kind, seq);
