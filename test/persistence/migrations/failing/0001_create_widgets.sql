-- Test migration: a table and a row.
CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO widgets VALUES (1, 'first');
