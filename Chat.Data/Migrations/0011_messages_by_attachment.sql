-- Which messages show a file: asked when a file is downloaded (a file that only private messages
-- show is for their senders and recipients alone) and when one is deleted (the foreign key then
-- clears the reference in every message). Partial: most messages carry no file.
create index messages_attachment_id on messages (attachment_id) where attachment_id is not null;
