-- Trust (issue 12): a keyed audit chain with the client's address, sessions that expire, sign-in
-- attempts counted atomically per username and address, grants that need a second administrator,
-- and idempotency keys. Kept in step with ../sqlite/0004_trust.sql.

-- The key an entry was sealed with (HMAC-SHA-256; the key itself lives outside the database),
-- '' for entries sealed before keys (plain SHA-256), and the client address of the request.
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN client TEXT NOT NULL DEFAULT '';

-- When the token was last used, for the idle expiry (its created_at gives the absolute one).
ALTER TABLE tokens ADD COLUMN last_seen_at TEXT;
UPDATE tokens SET last_seen_at = created_at;

-- One row per username and client address: attempts in the current window, counted and checked
-- in one statement so concurrent attempts cannot slip past the limit.
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_attempts (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    window_start TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);

-- May share data without consent when life is at risk (handbook L7328-7330): an explicit grant.
ALTER TABLE users ADD COLUMN emergency_sharing BIGINT NOT NULL DEFAULT 0 CHECK (emergency_sharing IN (0, 1));

-- A grant of sensitive sections (or emergency sharing) waiting for a second administrator.
CREATE TABLE grant_requests (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username),
    sections TEXT NOT NULL,
    emergency_sharing BIGINT NOT NULL CHECK (emergency_sharing IN (0, 1)),
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL CONSTRAINT grant_requests_state_check CHECK (state IN ('pending', 'approved', 'refused')),
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX grant_requests_pending ON grant_requests (state, requested_at);

-- A creation already made with this key by this user: the same submission twice stores one record.
CREATE TABLE idempotency_keys (
    actor TEXT NOT NULL,
    key TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (actor, key)
);
