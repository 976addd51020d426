-- 004: thumbs up / down on assistant messages.
CREATE TABLE message_feedback (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    rating     smallint NOT NULL CHECK (rating IN (-1, 1)),
    comment    text,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE message_feedback ENABLE ROW LEVEL SECURITY;

CREATE POLICY feedback_tenant_isolation ON message_feedback
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

-- The table was called "feedback" in the design doc; renaming keeps RLS.
ALTER TABLE message_feedback RENAME TO feedback;
