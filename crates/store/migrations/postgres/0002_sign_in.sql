-- Failed sign-in attempts, kept in the database so the limit holds across app servers.
CREATE TABLE sign_in_failures (
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_user ON sign_in_failures (username, at);
