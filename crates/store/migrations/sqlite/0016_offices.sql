-- Offices as records (issue 17 §1): name (unique whatever its case: name_key is its lower case),
-- country, role in a return, languages (comma-separated codes) and contact. Every office named
-- so far on a case, an account or an office's records becomes one, its country and role to be
-- completed by an administrator (country '' until then). Kept in step with
-- ../postgres/0016_offices.sql.
-- The Homeward installations this one exchanges handovers with: each a name and its public
-- exchange key. An office of a partner installation names it.
CREATE TABLE installations (
    name TEXT PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE TABLE offices (
    name TEXT PRIMARY KEY,
    name_key TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    role TEXT NOT NULL,
    languages TEXT NOT NULL,
    contact TEXT NOT NULL,
    installation TEXT REFERENCES installations(name),
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT offices_role_check CHECK (role IN ('host', 'transit', 'origin'))
);
INSERT INTO offices (name, name_key, country, role, languages, contact, version, created_at, created_by, updated_at)
SELECT office, lower(office), '', 'origin', '', '', 1, '2026-11-29T00:00:00.000000Z', 'migration', '2026-11-29T00:00:00.000000Z'
FROM (
    SELECT office FROM cases
    UNION SELECT office FROM users WHERE office IS NOT NULL
    UNION SELECT office FROM communities
    UNION SELECT office FROM stakeholders
    UNION SELECT office FROM agreements
    UNION SELECT office FROM capacity_activities
    UNION SELECT office FROM mentors
) named
WHERE office <> ''
ORDER BY office
ON CONFLICT DO NOTHING;
