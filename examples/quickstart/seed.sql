-- Sample data for the quickstart and the end-to-end test: public.orders with every basic type, NULLs,
-- pre-1970 and far-future dates, microsecond timestamps, unicode and awkward text.
-- Usage: psql -v rows=100000 -f seed.sql   (deterministic: the same rows every time)
\set ON_ERROR_STOP on
\if :{?rows}
\else
\set rows 100000
\endif
SET client_min_messages = warning;
DROP TABLE IF EXISTS public.orders;
CREATE TABLE public.orders (
    id          bigint PRIMARY KEY,
    customer_id integer,
    status      text NOT NULL,
    sku         varchar(32),
    quantity    smallint,
    total       numeric(12,2),
    discount    real,
    weight      double precision,
    is_gift     boolean,
    note        text,
    order_date  date,
    created_at  timestamp,
    shipped_at  timestamptz,
    updated_at  timestamptz NOT NULL
);
INSERT INTO public.orders
SELECT g,
       CASE WHEN g % 17 = 0 THEN NULL ELSE ((g::bigint * 7919) % 50000)::int END,
       (ARRAY['new', 'paid', 'shipped', 'delivered', 'cancelled', 'test'])[1 + g % 6],
       CASE WHEN g % 13 = 0 THEN NULL ELSE 'SKU-' || lpad(((g::bigint * 31) % 100000)::text, 6, '0') END,
       CASE WHEN g % 11 = 0 THEN NULL WHEN g % 101 = 0 THEN -32768 WHEN g % 103 = 0 THEN 32767
            ELSE (g % 500)::smallint END,
       CASE WHEN g % 19 = 0 THEN NULL WHEN g % 997 = 0 THEN 9999999999.99 WHEN g % 991 = 0 THEN -9999999999.99
            ELSE round((((g::bigint * 104729) % 10000000) / 100.0 - 20000)::numeric, 2) END,
       CASE WHEN g % 23 = 0 THEN NULL ELSE ((g % 1000) / 1000.0)::real END,
       CASE WHEN g % 29 = 0 THEN NULL WHEN g % 1009 = 0 THEN 1.7976931348623157e308
            ELSE (g * 0.001953125)::double precision END,
       CASE WHEN g % 7 = 0 THEN NULL ELSE g % 2 = 0 END,
       CASE g % 9
            WHEN 0 THEN NULL
            WHEN 1 THEN ''
            WHEN 2 THEN 'zoë ' || g || ' 日本語 🚀'
            WHEN 3 THEN E'tab\there, newline\nthere, back\\slash, quote''s "double"'
            WHEN 4 THEN repeat('long ', 40) || g
            ELSE 'note ' || g END,
       CASE WHEN g % 31 = 0 THEN NULL
            WHEN g % 37 = 0 THEN date '1969-12-31' - (g % 20000)::int            -- before 1970: becomes NULL
            WHEN g % 41 = 0 THEN date '2200-01-01' + (g % 1000)::int             -- past ClickHouse's range
            ELSE date '1970-01-01' + (g % 20000)::int END,
       CASE WHEN g % 43 = 0 THEN NULL
            WHEN g % 47 = 0 THEN timestamp '1950-06-15 10:00:00' + (g % 1000) * interval '1 hour'
            ELSE timestamp '2020-01-01 00:00:00' + (g::bigint * 1234567) * interval '1 microsecond' END,
       CASE WHEN g % 3 = 0 THEN NULL
            WHEN g % 53 = 0 THEN timestamptz '1969-07-20 20:17:40+00'
            ELSE timestamptz '2021-03-04 05:06:07.891011+00' + g * interval '1 second' END,
       timestamptz '2024-01-01 00:00:00+00' + (g / 10) * interval '1 millisecond'   -- ten rows share each value
FROM generate_series(1, :rows) AS g;
ANALYZE public.orders;
