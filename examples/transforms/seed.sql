-- Sample data for examples/transforms: shops' transactions with their items, and a small customers table.
-- psql -v rows=20000 -f examples/transforms/seed.sql  (default 20,000 transactions)
\if :{?rows}
\else
\set rows 20000
\endif

SET client_min_messages = warning;
DROP TABLE IF EXISTS transaction_items, transactions, customers;

CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    tier text                -- NULL for customers without a tier
);
INSERT INTO customers
SELECT g, (ARRAY['Anna', 'Bob', 'Zoë', 'Ωmega Ltd', 'Ada Lovelace'])[1 + g % 5] || ' #' || g,
       (ARRAY['gold', 'silver', NULL])[1 + g % 3]
FROM generate_series(1, 500) g;

CREATE TABLE transactions (
    id bigint PRIMARY KEY,
    customer_id integer NOT NULL,
    status text NOT NULL,
    total numeric(12,2) NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
INSERT INTO transactions
SELECT g, 1 + g % 600,                     -- customers 501..599 are not in the customers table
       (ARRAY['paid', 'paid', 'refunded', 'test'])[1 + g % 4],
       0,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes',
       timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes'
FROM generate_series(1, :rows) g;

CREATE TABLE transaction_items (
    id bigint PRIMARY KEY,
    transaction_id bigint NOT NULL REFERENCES transactions,
    sku text NOT NULL,
    amount numeric(12,2) NOT NULL,
    quantity integer NOT NULL
);
INSERT INTO transaction_items
SELECT t.id * 10 + k, t.id, 'SKU-' || lpad((t.id * k % 997)::text, 3, '0'),
       ((t.id * 31 + k * 7) % 20000) / 100.0, 1 + (t.id + k) % 3
FROM transactions t, generate_series(1, 1 + (t.id % 3)::int) k;

UPDATE transactions t SET total = (SELECT sum(amount) FROM transaction_items i WHERE i.transaction_id = t.id);
-- A few transactions whose items do not add up to their total: the reconciliation quarantines them.
UPDATE transactions SET total = total + 1 WHERE id % 2003 = 0;
ANALYZE customers, transactions, transaction_items;
