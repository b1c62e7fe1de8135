-- 0005_import: bulk import jobs (POST /v1/businesses/bulk, issue 7).
--
-- A job is one upload (NDJSON or CSV) of one tenant. Its rows are written in batches,
-- each batch one transaction that also advances the job (committed_line, counts) and
-- stores the batch's row errors: what the job says was written is exactly what was
-- committed, also after a client went away mid-upload. `job_key` (the client's, unique
-- per tenant) makes a retried upload resume after committed_line instead of importing
-- twice. Jobs carry `region` and UUID keys like every table (REGIONS-NOTES.md).

CREATE TABLE import_jobs (
  id             uuid        NOT NULL PRIMARY KEY,
  tenant_id      uuid        NOT NULL REFERENCES tenants (id),
  region         text        NOT NULL CHECK (region IN ('us', 'eu')),
  job_key        text        CHECK (length(job_key) BETWEEN 1 AND 255),
  format         text        NOT NULL CHECK (format IN ('ndjson', 'csv')),
  status         text        NOT NULL CHECK (status IN ('receiving', 'completed', 'interrupted', 'failed')),
  rows_read      bigint      NOT NULL DEFAULT 0,
  rows_written   bigint      NOT NULL DEFAULT 0,
  rows_failed    bigint      NOT NULL DEFAULT 0,
  rows_skipped   bigint      NOT NULL DEFAULT 0, -- lines a resumed upload had committed before
  committed_line bigint      NOT NULL DEFAULT 0,
  bytes_received bigint      NOT NULL DEFAULT 0,
  error          text,
  created_by     text        NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  completed_at   timestamptz,
  UNIQUE (region, id),
  UNIQUE (tenant_id, job_key)
);
CREATE INDEX idx_import_jobs_tenant ON import_jobs (tenant_id, created_at DESC, id);

CREATE TABLE import_job_errors (
  id         uuid    NOT NULL PRIMARY KEY,
  job_id     uuid    NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  tenant_id  uuid    NOT NULL REFERENCES tenants (id),
  region     text    NOT NULL CHECK (region IN ('us', 'eu')),
  line       bigint  NOT NULL CHECK (line > 0),
  field      text    NOT NULL DEFAULT '',
  message    text    NOT NULL,
  UNIQUE (region, id)
);
CREATE INDEX idx_import_job_errors_job ON import_job_errors (job_id, line);
