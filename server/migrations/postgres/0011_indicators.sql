-- The municipal plans' indicators (server/src/indicators.rs): what each case gives them, kept
-- current whenever the case is rescheduled, so a report reads one row per case; the plans with
-- their indicators (definition as JSON: numerator, denominator, baseline, targets); and the
-- figures an administrator types by hand where the records cannot give one.
CREATE TABLE case_figures (
    case_id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    restricted BOOLEAN NOT NULL,
    figures TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_figures_municipality ON case_figures(municipality_id);

CREATE TABLE indicator_plan (
    id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    starts_year BIGINT NOT NULL,
    ends_year BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality_id, code)
);

CREATE TABLE indicator (
    plan_id UUID NOT NULL REFERENCES indicator_plan(id),
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    definition TEXT NOT NULL,
    updated_by UUID REFERENCES app_user(id),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plan_id, code)
);

CREATE TABLE indicator_by_hand (
    plan_id UUID NOT NULL REFERENCES indicator_plan(id),
    code TEXT NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    entered_by UUID NOT NULL REFERENCES app_user(id),
    entered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plan_id, code, period_from, period_to)
);
