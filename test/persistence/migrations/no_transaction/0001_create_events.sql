CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL);
INSERT INTO events
SELECT i, 'kind ' || (i % 7), timestamptz '2026-01-01' + i * interval '1 minute'
FROM generate_series(1, 2000) AS i;
