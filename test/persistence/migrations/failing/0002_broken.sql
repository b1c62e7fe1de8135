CREATE TABLE gadgets (id int PRIMARY KEY);
INSERT INTO gadgets VALUES (1);
UPDATE widgets SET name = 'changed by a migration that fails';
-- The next statement fails while executing: nothing of this file may remain.
SELECT 1 / 0;
