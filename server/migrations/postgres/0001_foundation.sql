-- Municipalities own their data; institutions and users belong to one.
CREATE TABLE municipality (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE institution (
    id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX institution_municipality ON institution(municipality_id);

CREATE TABLE app_user (
    id UUID PRIMARY KEY,
    municipality_id UUID NOT NULL REFERENCES municipality(id),
    institution_id UUID REFERENCES institution(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX app_user_municipality ON app_user(municipality_id);

CREATE TABLE user_role (
    user_id UUID NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- Failed sign-ins per account ("user:NAME") and per address ("addr:IP").
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

CREATE TABLE audit_event (
    id UUID PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    municipality_id UUID,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_event_municipality_at ON audit_event(municipality_id, at);
