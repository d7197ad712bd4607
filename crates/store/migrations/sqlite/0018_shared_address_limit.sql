-- Sign-in attempts per client address, shared by every app server on one database (issue 18 §2):
-- each server still refuses an address over the limit in memory before touching the database,
-- and this count makes the limit hold for the sum of attempts across servers. Kept in step with
-- ../postgres/0018_shared_address_limit.sql.
CREATE TABLE address_attempts (
    address TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    attempts INTEGER NOT NULL
);
