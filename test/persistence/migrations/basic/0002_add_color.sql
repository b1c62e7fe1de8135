ALTER TABLE widgets ADD COLUMN color text;
UPDATE widgets SET color = 'red';
