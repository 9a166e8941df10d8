-- The municipal plans' indicators (server/src/indicators.rs): what each case gives them, kept
-- current whenever the case is rescheduled, so a report reads one row per case; the plans with
-- their indicators (definition as JSON: numerator, denominator, baseline, targets); and the
-- figures an administrator types by hand where the records cannot give one.
CREATE TABLE case_figures (
    case_id BLOB PRIMARY KEY NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    restricted BOOLEAN NOT NULL,
    figures TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX case_figures_municipality ON case_figures(municipality_id);

CREATE TABLE indicator_plan (
    id BLOB PRIMARY KEY NOT NULL,
    municipality_id BLOB NOT NULL REFERENCES municipality(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    starts_year BIGINT NOT NULL,
    ends_year BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (municipality_id, code)
);

CREATE TABLE indicator (
    plan_id BLOB NOT NULL REFERENCES indicator_plan(id),
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    definition TEXT NOT NULL,
    updated_by BLOB REFERENCES app_user(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, code)
);

CREATE TABLE indicator_by_hand (
    plan_id BLOB NOT NULL REFERENCES indicator_plan(id),
    code TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    entered_by BLOB NOT NULL REFERENCES app_user(id),
    entered_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, code, period_from, period_to)
);
