-- The insights store: questions, votes and page turns. Portable SQL: the same statements run on
-- SQLite and PostgreSQL (integers are BIGINT, flags 0/1, times Unix milliseconds).

CREATE TABLE insights_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE questions (
    asked_at BIGINT NOT NULL,
    guild_id BIGINT,
    channel_kind TEXT NOT NULL,
    asked_by TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    question TEXT,
    answered BIGINT NOT NULL,
    passages TEXT NOT NULL,
    elapsed_us BIGINT NOT NULL
);
CREATE INDEX questions_by_time ON questions (asked_at);

CREATE TABLE votes (
    message_id BIGINT NOT NULL,
    user_hash TEXT NOT NULL,
    up BIGINT NOT NULL,
    voted_at BIGINT NOT NULL,
    guild_id BIGINT,
    question TEXT,
    passages TEXT NOT NULL,
    PRIMARY KEY (message_id, user_hash)
);
CREATE INDEX votes_by_time ON votes (voted_at);

CREATE TABLE page_turns (
    turned_at BIGINT NOT NULL,
    guild_id BIGINT,
    message_id BIGINT NOT NULL,
    user_hash TEXT NOT NULL,
    direction TEXT NOT NULL,
    page BIGINT NOT NULL
);
CREATE INDEX page_turns_by_time ON page_turns (turned_at);
