-- Individual plans: the case manager appointed to a case (mirrored from the case's field so a
-- case manager's pull can filter on it), and the municipality's catalogue of standard services.
ALTER TABLE record ADD COLUMN case_manager_id BLOB REFERENCES app_user(id);
CREATE INDEX record_case_manager ON record(case_manager_id);

CREATE TABLE service (
    id BLOB PRIMARY KEY NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    area TEXT NOT NULL,
    name_sq TEXT NOT NULL,
    name_sr TEXT NOT NULL,
    name_tr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    institution_id BLOB REFERENCES institution(id),
    typical_days BIGINT NOT NULL,
    -- A service in use is retired, never deleted: old plans keep their meaning.
    retired_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX service_municipality ON service(municipality_id);
