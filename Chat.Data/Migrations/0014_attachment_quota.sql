-- A user's stored bytes are summed on every upload (the storage quota), and uploads that no
-- message took up are found by age (deleted after a grace period).
create index attachments_uploader on attachments (uploader_id) include (size);
create index attachments_created_at on attachments (created_at);
