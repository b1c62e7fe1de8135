-- 0013_webhooks: telling tenants about events by signed webhooks (issue 18, MISSION.md
-- section 9).
--
--  * webhook_endpoints: a tenant's receivers: URL, the event types each wants, whether
--    it is enabled (a 410 Gone from the receiver disables it), and its signing secret
--    encrypted with the platform's data key (AES-256-GCM, the endpoint id as AAD); during
--    a rotation the previous secret stays valid until previous_secret_expires_at.
--  * webhook_deliveries: one row per (endpoint, event): its status (pending, delivered,
--    failed), attempts, the last attempt's status code, latency and error, when it is
--    tried next, the node holding it (a lease: a node killed mid-attempt loses it when
--    locked_until passes) and the last attempts.
--  * outbox_events.delivered_at (0009) now means "handed to webhook_deliveries": the
--    dispatcher fans each event out to the endpoints subscribed to its type in one
--    transaction with that mark.
--
-- Both tables carry `region` and UUID keys with UNIQUE (region, id) as replica identity
-- (REGIONS-NOTES.md), are replicated with the risk_assessments group (with
-- outbox_events) and have the replica guard trigger (0007).

CREATE TABLE webhook_endpoints (
  id                         uuid        NOT NULL PRIMARY KEY,
  tenant_id                  uuid        NOT NULL REFERENCES tenants (id),
  region                     text        NOT NULL CHECK (region IN ('us', 'eu')),
  url                        text        NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
  events                     text[]      NOT NULL CHECK (cardinality(events) >= 1),
  description                text        NOT NULL DEFAULT '',
  enabled                    boolean     NOT NULL DEFAULT true,
  disabled_reason            text        NOT NULL DEFAULT '',
  secret_encrypted           bytea       NOT NULL,
  previous_secret_encrypted  bytea,
  previous_secret_expires_at timestamptz,
  created_by                 text        NOT NULL,
  created_at                 timestamptz NOT NULL,
  updated_at                 timestamptz NOT NULL,
  deleted_at                 timestamptz,
  UNIQUE (region, id)
);
ALTER TABLE webhook_endpoints REPLICA IDENTITY USING INDEX webhook_endpoints_region_id_key;
-- A tenant's endpoints, newest first; the dispatcher's match of an event's tenant.
CREATE INDEX idx_webhook_endpoints_tenant
  ON webhook_endpoints (tenant_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
  id               uuid        NOT NULL PRIMARY KEY,
  tenant_id        uuid        NOT NULL REFERENCES tenants (id),
  region           text        NOT NULL CHECK (region IN ('us', 'eu')),
  endpoint_id      uuid        NOT NULL REFERENCES webhook_endpoints (id),
  event_id         uuid        NOT NULL REFERENCES outbox_events (id),
  event_type       text        NOT NULL,
  -- The event's subject (a business) and time: per endpoint, the events of one
  -- subject are delivered in (event_created_at, event_id) order.
  subject_id       uuid        NOT NULL,
  event_created_at timestamptz NOT NULL,
  status           text        NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL,
  -- The retry window (webhooks.retry_window) counts from here: the event's fan-out, or
  -- the last redelivery asked for.
  retry_from       timestamptz NOT NULL,
  last_attempt_at  timestamptz,
  last_status_code integer,
  last_latency_ms  bigint,
  last_error       text        NOT NULL DEFAULT '',
  attempt_log      jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attempt_log) = 'array'),
  locked_by        text,
  locked_until     timestamptz,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz,
  UNIQUE (endpoint_id, event_id),
  UNIQUE (region, id)
);
ALTER TABLE webhook_deliveries REPLICA IDENTITY USING INDEX webhook_deliveries_region_id_key;
-- What is due, soonest first (the dispatcher's claim).
CREATE INDEX idx_webhook_deliveries_due
  ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The order of one subject's events per endpoint, and an endpoint's deliveries in pages.
CREATE INDEX idx_webhook_deliveries_subject
  ON webhook_deliveries (endpoint_id, subject_id, event_created_at, event_id)
  WHERE status = 'pending';
CREATE INDEX idx_webhook_deliveries_endpoint
  ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries'] LOOP
    EXECUTE format('CREATE TRIGGER kyb_replica_guard BEFORE INSERT OR UPDATE OR DELETE '
                   'ON %I FOR EACH ROW EXECUTE FUNCTION kyb_replica_guard()', t);
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER kyb_replica_guard', t);
  END LOOP;
END
$$;
