-- Statements as PostgreSQL and H2 applications send them: hand-written
-- application SQL, ORM-generated SQL (Hibernate, jOOQ, Django, Rails), schema
-- migration tools (Flyway), and TPC-B/TPC-C style workloads. CorpusTest
-- classifies each one and reports how many the analyzer parses precisely.
--
-- Format: each statement ends with a semicolon at the end of a line (the
-- semicolon is not part of the statement). Lines starting with "--" between
-- statements are comments.

-- ---------------------------------------------------------------------------
-- Plain queries
-- ---------------------------------------------------------------------------
SELECT 1;
SELECT * FROM users WHERE id = ?;
SELECT id, email, created_at FROM users WHERE email = ? LIMIT 1;
SELECT count(*) FROM orders WHERE status = 'open';
SELECT u.id, u.name, count(o.id) AS order_count
FROM users u LEFT JOIN orders o ON o.user_id = u.id
GROUP BY u.id, u.name
HAVING count(o.id) > 5
ORDER BY order_count DESC;
SELECT * FROM products WHERE price BETWEEN ? AND ? ORDER BY price ASC, id ASC LIMIT 20 OFFSET 40;
SELECT p.* FROM products p WHERE EXISTS (SELECT 1 FROM order_items oi WHERE oi.product_id = p.id);
SELECT * FROM orders WHERE user_id IN (SELECT id FROM users WHERE country = ?);
SELECT name FROM customers UNION ALL SELECT name FROM suppliers ORDER BY 1;
SELECT CASE WHEN balance < 0 THEN 'overdrawn' ELSE 'ok' END AS state FROM accounts WHERE id = ?;
WITH recent AS (SELECT * FROM orders WHERE created_at > ?) SELECT user_id, sum(total) FROM recent GROUP BY user_id;
WITH RECURSIVE tree(id, parent_id, depth) AS (
  SELECT id, parent_id, 0 FROM categories WHERE parent_id IS NULL
  UNION ALL
  SELECT c.id, c.parent_id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id
)
SELECT * FROM tree ORDER BY depth, id;
SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at DESC) AS rn FROM orders;
SELECT user_id, sum(total) OVER (ORDER BY created_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM orders;
SELECT * FROM events ORDER BY created_at DESC NULLS LAST FETCH FIRST 10 ROWS ONLY;
SELECT coalesce(nickname, name) FROM users WHERE id = ?;
SELECT lower(email) FROM users WHERE upper(name) LIKE ?;
SELECT * FROM users WHERE name ILIKE ?;
SELECT * FROM users WHERE email ~* '^admin@';
SELECT count(*) FILTER (WHERE status = 'paid') AS paid, count(*) AS total FROM invoices;
SELECT date_trunc('day', created_at) AS day, count(*) FROM events GROUP BY 1 ORDER BY 1;
SELECT extract(epoch FROM created_at) FROM events WHERE id = ?;
SELECT * FROM events WHERE created_at > now() - interval '1 day';
SELECT * FROM sessions WHERE expires_at < CURRENT_TIMESTAMP;
SELECT id::text, amount::numeric(12, 2) FROM payments WHERE created_at::date = ?::date;
SELECT 'pg_class'::regclass;
SELECT payload->>'type' AS type, payload->'user'->>'id' FROM webhooks WHERE id = ?;
SELECT * FROM documents WHERE tags @> ARRAY['urgent'];
SELECT * FROM users WHERE id = ANY (?);
SELECT string_agg(name, ', ' ORDER BY name) FROM tags WHERE post_id = ?;
SELECT array_agg(id) FROM users WHERE team_id = ?;
SELECT DISTINCT ON (user_id) user_id, created_at FROM logins ORDER BY user_id, created_at DESC;
SELECT i FROM generate_series(1, 10) AS g(i);
SELECT * FROM generate_series(1, 100);
SELECT now();
SELECT CURRENT_TIMESTAMP;
SELECT gen_random_uuid();
SELECT version();
SELECT current_database(), current_schema();
SELECT t.* FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name);
SELECT a.id FROM accounts a CROSS JOIN LATERAL (SELECT max(amount) m FROM transfers t WHERE t.account_id = a.id) x;
SELECT greatest(a, b), least(a, b) FROM pairs;
SELECT * FROM t1 FULL OUTER JOIN t2 USING (id);
SELECT * FROM users WHERE deleted_at IS NULL AND (role = 'admin' OR role = 'owner');
SELECT EXISTS (SELECT 1 FROM users WHERE email = ?);
SELECT * FROM orders o INNER JOIN users u ON u.id = o.user_id INNER JOIN addresses a ON a.id = o.address_id WHERE o.id = ?;
SELECT * FROM products WHERE name LIKE 'A%' ESCAPE '\';
SELECT to_char(created_at, 'YYYY-MM') AS month, sum(total) FROM orders GROUP BY 1;
SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = 'r';
SELECT table_name FROM information_schema.tables WHERE table_schema = 'public';
SELECT setting FROM pg_settings WHERE name = 'max_connections';

-- ---------------------------------------------------------------------------
-- Plain writes
-- ---------------------------------------------------------------------------
INSERT INTO users (email, name) VALUES (?, ?);
INSERT INTO users (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');
INSERT INTO audit_log (user_id, action, created_at) VALUES (?, ?, now());
INSERT INTO archive_orders SELECT * FROM orders WHERE created_at < ?;
INSERT INTO order_totals (user_id, total) SELECT user_id, sum(total) FROM orders GROUP BY user_id;
UPDATE users SET name = ? WHERE id = ?;
UPDATE accounts SET balance = balance - ? WHERE id = ?;
UPDATE products SET stock = stock - 1, updated_at = CURRENT_TIMESTAMP WHERE id = ? AND stock > 0;
UPDATE orders SET status = 'shipped' WHERE id IN (SELECT order_id FROM shipments WHERE shipped_at IS NOT NULL);
DELETE FROM sessions WHERE expires_at < ?;
DELETE FROM users WHERE id = ?;
DELETE FROM cart_items WHERE cart_id IN (SELECT id FROM carts WHERE abandoned);

-- ---------------------------------------------------------------------------
-- PostgreSQL: RETURNING, ON CONFLICT, UPDATE ... FROM, DELETE ... USING
-- ---------------------------------------------------------------------------
INSERT INTO users (email, name) VALUES (?, ?) RETURNING id;
INSERT INTO users (email, name) VALUES (?, ?) RETURNING *;
INSERT INTO orders (user_id, total) VALUES (?, ?) RETURNING id, created_at;
INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1;
INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value RETURNING value;
INSERT INTO user_settings (user_id, key, value) VALUES (?, ?, ?)
ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();
INSERT INTO tags (name) VALUES (?) ON CONFLICT DO NOTHING;
INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING id;
INSERT INTO memberships (user_id, team_id) VALUES (?, ?) ON CONFLICT ON CONSTRAINT memberships_pkey DO NOTHING;
INSERT INTO prices (sku, price, valid_from) VALUES (?, ?, ?)
ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price, valid_from = EXCLUDED.valid_from
WHERE prices.valid_from < EXCLUDED.valid_from;
INSERT INTO daily_stats (day, hits) SELECT date_trunc('day', created_at), count(*) FROM hits GROUP BY 1
ON CONFLICT (day) DO UPDATE SET hits = EXCLUDED.hits;
INSERT INTO events DEFAULT VALUES RETURNING id;
INSERT INTO "users" ("email", "created_at", "updated_at") VALUES (?, ?, ?) RETURNING "id";
UPDATE users SET last_login = now() WHERE id = ? RETURNING last_login;
UPDATE accounts a SET balance = a.balance + t.amount FROM transfers t WHERE t.account_id = a.id AND t.applied = false;
UPDATE orders SET status = 'paid' FROM payments WHERE payments.order_id = orders.id AND payments.state = 'settled' RETURNING orders.id;
UPDATE inventory i SET qty = i.qty - s.qty FROM shipments s JOIN shipment_lines sl ON sl.shipment_id = s.id WHERE sl.sku = i.sku;
DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.disabled;
DELETE FROM order_items USING orders WHERE order_items.order_id = orders.id AND orders.status = 'cancelled' RETURNING order_items.id;
DELETE FROM jobs WHERE id = ? RETURNING payload;
DELETE FROM jobs WHERE id = (SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *;
UPDATE users SET updated_at = DEFAULT WHERE id = ?;
WITH moved AS (DELETE FROM inbox WHERE processed RETURNING *) INSERT INTO archive SELECT * FROM moved;
MERGE INTO stock s USING deliveries d ON s.sku = d.sku
WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty
WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.qty);

-- ---------------------------------------------------------------------------
-- Locking reads
-- ---------------------------------------------------------------------------
SELECT * FROM accounts WHERE id = ? FOR UPDATE;
SELECT balance FROM accounts WHERE id = ? FOR UPDATE NOWAIT;
SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
SELECT * FROM accounts WHERE id IN (?, ?) FOR SHARE;
SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ? FOR UPDATE OF o;
SELECT * FROM parents WHERE id = ? FOR KEY SHARE;
SELECT * FROM accounts WHERE id = ? FOR NO KEY UPDATE;

-- ---------------------------------------------------------------------------
-- Sequences and generated values
-- ---------------------------------------------------------------------------
SELECT nextval('users_id_seq');
SELECT currval('users_id_seq');
SELECT setval('users_id_seq', (SELECT max(id) FROM users));
SELECT setval('orders_id_seq', 1000, false);
SELECT lastval();
INSERT INTO users (id, email) VALUES (nextval('users_id_seq'), ?);
INSERT INTO tokens (id, user_id) VALUES (gen_random_uuid(), ?);
SELECT NEXT VALUE FOR order_seq;

-- ---------------------------------------------------------------------------
-- PostgreSQL DDL: tables, identity/serial columns, indexes, sequences
-- ---------------------------------------------------------------------------
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name VARCHAR(100),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS orders (
  id SERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  total NUMERIC(12, 2) NOT NULL CHECK (total >= 0),
  status VARCHAR(20) NOT NULL DEFAULT 'open'
);
CREATE TABLE accounts (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  owner_id UUID NOT NULL,
  balance NUMERIC NOT NULL DEFAULT 0
);
CREATE TABLE api_keys (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  key_hash BYTEA NOT NULL,
  scopes TEXT[] NOT NULL DEFAULT '{}',
  metadata JSONB,
  expires_at TIMESTAMP WITH TIME ZONE
);
CREATE TABLE order_items (
  order_id BIGINT NOT NULL,
  line_no INT NOT NULL,
  product_id BIGINT NOT NULL,
  qty INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT fk_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT fk_product FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE TABLE events (
  id BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 1),
  kind TEXT NOT NULL,
  payload JSONB NOT NULL DEFAULT '{}'::jsonb,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE memberships (
  user_id BIGINT NOT NULL,
  team_id BIGINT NOT NULL,
  role TEXT NOT NULL DEFAULT 'member',
  CONSTRAINT memberships_pkey PRIMARY KEY (user_id, team_id),
  UNIQUE (team_id, user_id)
);
CREATE TABLE archive_orders AS SELECT * FROM orders WHERE false;
CREATE INDEX idx_orders_user_id ON orders (user_id);
CREATE UNIQUE INDEX idx_users_email ON users (lower(email));
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_events_created ON events USING btree (created_at DESC);
CREATE INDEX idx_jobs_queued ON jobs (id) WHERE state = 'queued';
CREATE INDEX idx_documents_tags ON documents USING gin (tags);
CREATE UNIQUE INDEX IF NOT EXISTS idx_memberships ON memberships (team_id, user_id) INCLUDE (role);
DROP INDEX IF EXISTS idx_orders_user_id;
DROP INDEX CONCURRENTLY idx_events_created;
ALTER TABLE users ADD COLUMN last_login TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN IF NOT EXISTS locale VARCHAR(10) NOT NULL DEFAULT 'en';
ALTER TABLE users DROP COLUMN IF EXISTS legacy_flag;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
ALTER TABLE users ALTER COLUMN name DROP NOT NULL;
ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'en';
ALTER TABLE orders ALTER COLUMN total TYPE NUMERIC(14, 2);
ALTER TABLE orders ALTER COLUMN status TYPE TEXT USING status::text;
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders DROP CONSTRAINT IF EXISTS fk_orders_user;
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users RENAME TO app_users;
ALTER TABLE IF EXISTS ONLY public.orders ADD COLUMN note TEXT, ADD COLUMN priority INT DEFAULT 0;
ALTER TABLE accounts ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
CREATE SEQUENCE order_number_seq;
CREATE SEQUENCE IF NOT EXISTS invoice_seq START WITH 1000 INCREMENT BY 1 NO CYCLE;
CREATE SEQUENCE hibernate_sequence START 1 INCREMENT 50;
CREATE SEQUENCE public.users_id_seq AS BIGINT START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER SEQUENCE users_id_seq OWNED BY users.id;
ALTER SEQUENCE order_number_seq RESTART WITH 1;
ALTER SEQUENCE invoice_seq INCREMENT BY 10;
DROP SEQUENCE IF EXISTS order_number_seq;
DROP SEQUENCE invoice_seq CASCADE;
DROP TABLE IF EXISTS archive_orders;
DROP TABLE order_items, orders CASCADE;
TRUNCATE TABLE sessions;
TRUNCATE events RESTART IDENTITY CASCADE;
CREATE VIEW active_users AS SELECT * FROM users WHERE deleted_at IS NULL;
CREATE OR REPLACE VIEW order_summary AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;
DROP VIEW IF EXISTS order_summary;
CREATE SCHEMA IF NOT EXISTS app;
DROP SCHEMA IF EXISTS scratch CASCADE;
COMMENT ON TABLE users IS 'Application users';
COMMENT ON COLUMN users.email IS 'Login name';
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TYPE order_status AS ENUM ('open', 'paid', 'shipped');
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN NEW.updated_at = now(); RETURN NEW; END $$ LANGUAGE plpgsql;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
GRANT SELECT, INSERT ON users TO app_role;
LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE;

-- ---------------------------------------------------------------------------
-- Session settings and introspection (PostgreSQL)
-- ---------------------------------------------------------------------------
SET search_path TO app, public;
SET TIME ZONE 'UTC';
SET statement_timeout = 0;
SET application_name = 'billing';
SET LOCAL lock_timeout = '5s';
SHOW server_version;
SHOW search_path;
RESET statement_timeout;
SELECT pg_advisory_xact_lock(?);
SELECT pg_try_advisory_lock(77431708279161);
SELECT set_config('search_path', 'public', false);
SELECT current_setting('server_version_num');
EXPLAIN SELECT * FROM users WHERE id = 1;
EXPLAIN ANALYZE SELECT * FROM orders WHERE user_id = 1;
ANALYZE users;
VACUUM ANALYZE orders;
LISTEN order_events;
NOTIFY order_events, 'created';

-- ---------------------------------------------------------------------------
-- Transaction control as SQL
-- ---------------------------------------------------------------------------
BEGIN;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SAVEPOINT before_import;
ROLLBACK TO SAVEPOINT before_import;
RELEASE SAVEPOINT before_import;
COMMIT;

-- ---------------------------------------------------------------------------
-- Hibernate (PostgreSQL and H2 dialects)
-- ---------------------------------------------------------------------------
select u1_0.id,u1_0.email,u1_0.name,u1_0.version from users u1_0 where u1_0.id=?;
select u1_0.id,u1_0.email from users u1_0 where u1_0.email=? fetch first ? rows only;
select o1_0.id,o1_0.status,o1_0.user_id from orders o1_0 join users u1_0 on u1_0.id=o1_0.user_id where u1_0.id=? order by o1_0.id offset ? rows fetch first ? rows only;
select count(o1_0.id) from orders o1_0 where o1_0.status=?;
insert into users (email,name,version,id) values (?,?,?,?);
update users set email=?,name=?,version=? where id=? and version=?;
delete from users where id=? and version=?;
select nextval('users_seq');
select next value for users_seq;
select a1_0.id,a1_0.balance from accounts a1_0 where a1_0.id=? for update;
select a1_0.id,a1_0.balance from accounts a1_0 where a1_0.id=? for update of a1_0;
select a1_0.id,a1_0.balance from accounts a1_0 where a1_0.id=? for share;
select a1_0.id,a1_0.balance from accounts a1_0 where a1_0.id=? for update nowait;
select a1_0.id,a1_0.balance from accounts a1_0 where a1_0.id=? for update skip locked;
create table users (id bigint not null, email varchar(255), name varchar(255), version integer, primary key (id));
create sequence users_seq start with 1 increment by 50;
alter table if exists orders add constraint FK32ql8ubntj5uh44ph9659tiih foreign key (user_id) references users;
alter table if exists users add constraint UK6dotkott2kjsp8vw4d0m25fb7 unique (email);
create table orders (id bigint generated by default as identity, status varchar(255) check (status in ('OPEN','PAID')), user_id bigint, primary key (id));
drop table if exists users cascade;
drop sequence if exists users_seq;

-- ---------------------------------------------------------------------------
-- jOOQ
-- ---------------------------------------------------------------------------
select "public"."book"."id", "public"."book"."title" from "public"."book" where "public"."book"."id" = ?;
insert into "public"."book" ("title", "author_id") values (?, ?) returning "public"."book"."id";
insert into "public"."book" ("id", "title") values (?, ?) on conflict ("id") do update set "title" = excluded."title";
insert into "public"."book" ("id", "title") values (?, ?) on conflict do nothing;
update "public"."book" set "title" = ? where "public"."book"."id" = ?;
delete from "public"."book" where "public"."book"."id" = ?;
select "alias_1"."id" from (select "public"."book"."id" from "public"."book") as "alias_1";
merge into "PUBLIC"."BOOK" using (select 1 "one") on "PUBLIC"."BOOK"."ID" = ? when matched then update set "PUBLIC"."BOOK"."TITLE" = ? when not matched then insert ("ID", "TITLE") values (?, ?);
select count(*) from "public"."book" where "public"."book"."published_in" > ? and "public"."book"."title" like ?;

-- ---------------------------------------------------------------------------
-- Flyway
-- ---------------------------------------------------------------------------
SELECT current_user;
SELECT COUNT(*) FROM pg_namespace WHERE nspname = ?;
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?);
CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
SELECT "installed_rank", "version", "description", "type", "script", "checksum", "installed_on", "installed_by", "execution_time", "success" FROM "public"."flyway_schema_history" WHERE "installed_rank" > ? ORDER BY "installed_rank";
INSERT INTO "public"."flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "execution_time", "success") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);
LOCK TABLE "public"."flyway_schema_history" IN ACCESS EXCLUSIVE MODE;

-- ---------------------------------------------------------------------------
-- Django and Rails
-- ---------------------------------------------------------------------------
SELECT "auth_user"."id", "auth_user"."password", "auth_user"."last_login", "auth_user"."username" FROM "auth_user" WHERE "auth_user"."username" = ? LIMIT 21;
INSERT INTO "django_session" ("session_key", "session_data", "expire_date") VALUES (?, ?, ?);
UPDATE "django_session" SET "session_data" = ?, "expire_date" = ? WHERE "django_session"."session_key" = ?;
SELECT (1) AS "a" FROM "django_session" WHERE "django_session"."session_key" = ? LIMIT 1;
INSERT INTO "blog_post" ("title", "body", "created") VALUES (?, ?, ?) RETURNING "blog_post"."id";
SELECT "blog_post"."id", "blog_post"."title" FROM "blog_post" WHERE "blog_post"."id" = ? FOR UPDATE;
SELECT 1 AS one FROM "users" WHERE "users"."email" = ? LIMIT ?;
SELECT "users".* FROM "users" WHERE "users"."id" = ? LIMIT ?;
UPDATE "users" SET "sign_in_count" = ?, "updated_at" = ? WHERE "users"."id" = ?;
SELECT "schema_migrations"."version" FROM "schema_migrations" ORDER BY "schema_migrations"."version" ASC;
INSERT INTO "schema_migrations" ("version") VALUES (?) RETURNING "version";
SELECT "ar_internal_metadata".* FROM "ar_internal_metadata" WHERE "ar_internal_metadata"."key" = ? LIMIT ?;
SELECT "posts".* FROM "posts" WHERE "posts"."id" = ? LIMIT ? FOR UPDATE;

-- ---------------------------------------------------------------------------
-- TPC-B (pgbench) and TPC-C
-- ---------------------------------------------------------------------------
UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?;
SELECT abalance FROM pgbench_accounts WHERE aid = ?;
UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?;
UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP);
SELECT c_discount, c_last, c_credit, w_tax FROM customer, warehouse WHERE w_id = ? AND c_w_id = w_id AND c_d_id = ? AND c_id = ?;
SELECT d_next_o_id, d_tax FROM district WHERE d_w_id = ? AND d_id = ? FOR UPDATE;
UPDATE district SET d_next_o_id = d_next_o_id + 1 WHERE d_w_id = ? AND d_id = ?;
INSERT INTO oorder (o_id, o_d_id, o_w_id, o_c_id, o_entry_d, o_ol_cnt, o_all_local) VALUES (?, ?, ?, ?, ?, ?, ?);
INSERT INTO new_order (no_o_id, no_d_id, no_w_id) VALUES (?, ?, ?);
SELECT i_price, i_name, i_data FROM item WHERE i_id = ?;
SELECT s_quantity, s_data, s_dist_01, s_dist_02 FROM stock WHERE s_i_id = ? AND s_w_id = ? FOR UPDATE;
UPDATE stock SET s_quantity = ?, s_ytd = s_ytd + ?, s_order_cnt = s_order_cnt + 1, s_remote_cnt = s_remote_cnt + ? WHERE s_i_id = ? AND s_w_id = ?;
INSERT INTO order_line (ol_o_id, ol_d_id, ol_w_id, ol_number, ol_i_id, ol_supply_w_id, ol_quantity, ol_amount, ol_dist_info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?);
UPDATE warehouse SET w_ytd = w_ytd + ? WHERE w_id = ?;
SELECT c_id, c_first, c_middle, c_last FROM customer WHERE c_w_id = ? AND c_d_id = ? AND c_last = ? ORDER BY c_first;
SELECT no_o_id FROM new_order WHERE no_d_id = ? AND no_w_id = ? ORDER BY no_o_id ASC LIMIT 1;
DELETE FROM new_order WHERE no_o_id = ? AND no_d_id = ? AND no_w_id = ?;
UPDATE order_line SET ol_delivery_d = ? WHERE ol_o_id = ? AND ol_d_id = ? AND ol_w_id = ?;
SELECT sum(ol_amount) AS ol_total FROM order_line WHERE ol_o_id = ? AND ol_d_id = ? AND ol_w_id = ?;
SELECT count(DISTINCT s_i_id) AS stock_count FROM order_line, stock
WHERE ol_w_id = ? AND ol_d_id = ? AND ol_o_id < ? AND ol_o_id >= ? AND s_w_id = ? AND s_i_id = ol_i_id AND s_quantity < ?;
UPDATE customer SET c_balance = c_balance - ?, c_ytd_payment = c_ytd_payment + ?, c_payment_cnt = c_payment_cnt + 1 WHERE c_w_id = ? AND c_d_id = ? AND c_id = ?;
INSERT INTO history (h_c_d_id, h_c_w_id, h_c_id, h_d_id, h_w_id, h_date, h_amount, h_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- ---------------------------------------------------------------------------
-- H2
-- ---------------------------------------------------------------------------
CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, email VARCHAR(255) UNIQUE);
CREATE TABLE IF NOT EXISTS notes (id IDENTITY NOT NULL PRIMARY KEY, body CLOB, created TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE items (id INT GENERATED ALWAYS AS IDENTITY, label VARCHAR(40) DEFAULT 'x' NOT NULL, PRIMARY KEY (id));
CREATE MEMORY TABLE cache_entries (k VARCHAR(100) PRIMARY KEY, v VARBINARY(1000));
CREATE CACHED TABLE big_rows (id BIGINT PRIMARY KEY, data VARCHAR);
MERGE INTO customers KEY (id) VALUES (?, ?, ?);
MERGE INTO customers (id, name) KEY (id) VALUES (1, 'A');
MERGE INTO customers (id, name) KEY (id) SELECT id, name FROM staging_customers;
MERGE INTO settings (k, v) VALUES ('theme', 'dark');
INSERT INTO customers (name, email) VALUES (?, ?);
SELECT * FROM customers WHERE id = ? FOR UPDATE;
SELECT NEXT VALUE FOR customer_seq;
CREATE SEQUENCE IF NOT EXISTS customer_seq START WITH 1 INCREMENT BY 1;
CREATE SEQUENCE customer_seq2 START WITH 100 INCREMENT BY 10 MINVALUE 1 MAXVALUE 100000 CACHE 32;
ALTER SEQUENCE customer_seq RESTART WITH 500;
DROP SEQUENCE IF EXISTS customer_seq;
CREATE INDEX IF NOT EXISTS idx_customers_name ON customers(name);
CREATE UNIQUE INDEX idx_customers_email ON customers(email);
ALTER TABLE customers ADD COLUMN IF NOT EXISTS phone VARCHAR(40);
ALTER TABLE customers ALTER COLUMN id RESTART WITH 1000;
ALTER TABLE customers ADD CONSTRAINT fk_customers_country FOREIGN KEY (country_id) REFERENCES countries(id);
SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC';
SELECT X FROM SYSTEM_RANGE(1, 10);
SELECT RANDOM_UUID();
SELECT CURRENT_TIMESTAMP();
SELECT * FROM customers LIMIT 10 OFFSET 20;
SELECT TOP 5 * FROM customers ORDER BY id;
TRUNCATE TABLE customers;
SET MODE PostgreSQL;
SET SCHEMA PUBLIC;
CALL NEXT VALUE FOR customer_seq;
UPDATE customers SET name = ? WHERE id = ?;
DELETE FROM customers WHERE id = ?;
SELECT id, name FROM customers WHERE name LIKE ? ORDER BY name OFFSET ? ROWS FETCH NEXT ? ROWS ONLY;
