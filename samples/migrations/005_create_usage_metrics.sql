-- 005: per-tenant usage counters for billing.
-- (Demonstrates rls/table-without-rls: nobody enabled RLS here.)
CREATE TABLE usage_metrics (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day         date NOT NULL,
    messages    integer NOT NULL DEFAULT 0,
    tokens_in   bigint NOT NULL DEFAULT 0,
    tokens_out  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
);

-- A scratch table used during the backfill, dropped again: not reported.
CREATE TABLE usage_backfill (tenant_id uuid, day date);
DROP TABLE usage_backfill;
