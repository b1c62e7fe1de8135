-- 0016_tenant_plans: what each tenant buys (issue 21, the seed's business metrics
-- kyb_monthly_recurring_revenue_dollars{plan_type} and kyb_customer_churn_rate_ratio).
--
-- A tenant's plan is five columns of its row, set by platform operators
-- (PUT /v1/tenants/{id}/plan, POST /v1/tenants/{id}/plan/cancel) through the tenant's
-- actor, each change audited:
--  * plan_type: 'starter' (self-serve, a few hundred verifications a month), 'growth'
--    (volume pricing, webhooks, monitoring) or 'enterprise' (negotiated contract,
--    several regions) -- the tiers a KYB vendor sells;
--  * plan_monthly_price: the recurring price in US dollars per month, to the cent
--    (0 to 1,000,000.00; 0 is a free or pilot plan, counted in MRR as 0);
--  * plan_status: 'active' or 'cancelled';
--  * plan_started_at: when the current subscription began (kept when an active plan
--    changes type or price; a plan set after a cancellation is a new subscription);
--  * plan_cancelled_at: when it was cancelled (set exactly while cancelled).
--
-- Existing tenants (and new ones until an operator sets a plan) have no plan: all five
-- NULL. They are in no MRR and in neither side of the churn ratio. The platform tenant
-- never has one.
--
-- Regions: tenants are replicated with the businesses group under replica identity
-- (region, id) (0006); new columns change neither. DDL is not replicated: this file runs
-- in every region's cluster before its nodes use it (as every migration does), and the
-- CHECKs hold on subscribers too, since only rows that passed them on the publisher
-- arrive. Nothing here uses the row filter's columns.

ALTER TABLE tenants
  ADD COLUMN plan_type          text        CHECK (plan_type IN ('starter', 'growth', 'enterprise')),
  ADD COLUMN plan_monthly_price numeric(12, 2)
                                CHECK (plan_monthly_price >= 0 AND plan_monthly_price <= 1000000),
  ADD COLUMN plan_status        text        CHECK (plan_status IN ('active', 'cancelled')),
  ADD COLUMN plan_started_at    timestamptz,
  ADD COLUMN plan_cancelled_at  timestamptz,
  -- All of a plan or none of it.
  ADD CONSTRAINT tenants_plan_whole CHECK (
    (plan_type IS NULL) = (plan_monthly_price IS NULL)
    AND (plan_type IS NULL) = (plan_status IS NULL)
    AND (plan_type IS NULL) = (plan_started_at IS NULL)),
  -- A cancellation date exactly while cancelled, never before the start.
  ADD CONSTRAINT tenants_plan_cancelled CHECK (
    (plan_status IS NOT DISTINCT FROM 'cancelled') = (plan_cancelled_at IS NOT NULL)
    AND (plan_cancelled_at IS NULL OR plan_cancelled_at >= plan_started_at)),
  -- The platform itself buys nothing.
  ADD CONSTRAINT tenants_plan_customer CHECK (kind = 'customer' OR plan_type IS NULL);
