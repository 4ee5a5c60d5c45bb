-- The activity log is appended in time order and read by ranges of days. A BRIN index on at
-- answers those ranges from a few summary entries per range of pages, where the b-tree took one
-- entry per row; and the bigserial id, which nothing reads, cost every row a sequence step and
-- a primary-key entry. Each sent message writes one activity row, so both were on the hot path.
alter table activity drop column id;
drop index activity_at;
create index activity_at on activity using brin (at);
