-- Handovers (issue 17 §1): a case passed from a host office to an origin office. The packet (the
-- minimum necessary, as JSON) and the reason of a decline are sealed at rest. A handover with a
-- partner installation names it; one received from a partner has no case here until it is
-- accepted, and keeps the handover's id at the sending installation. Kept in step with
-- ../sqlite/0017_handovers.sql.
CREATE TABLE handovers (
    id TEXT PRIMARY KEY,
    case_id TEXT REFERENCES cases(id),
    case_number TEXT NOT NULL,
    from_office TEXT NOT NULL,
    to_office TEXT NOT NULL,
    state TEXT NOT NULL,
    packet TEXT NOT NULL,
    decision_reason TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    decided_at TEXT,
    decided_by TEXT,
    remote_installation TEXT REFERENCES installations(name),
    remote_id TEXT,
    CONSTRAINT handovers_state_check CHECK (state IN ('prepared', 'sent', 'accepted', 'declined', 'withdrawn'))
);
CREATE INDEX handovers_by_case ON handovers (case_id, created_at);
CREATE INDEX handovers_to_office ON handovers (to_office, state);
CREATE INDEX handovers_from_office ON handovers (from_office, state);
CREATE UNIQUE INDEX handovers_received ON handovers (remote_installation, remote_id);
