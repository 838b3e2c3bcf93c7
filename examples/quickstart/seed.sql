-- Sample data for the quickstart and the end-to-end test: public.orders with every basic type, NULLs,
-- pre-1970 and far-future dates, microsecond timestamps, unicode and awkward text; then the other types
-- Sluice decodes (uuid, json, jsonb, bytea, arrays, time, interval, inet, cidr) with their edge values.
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
    updated_at  timestamptz NOT NULL,
    ext_id      uuid,
    payload     json,
    attrs       jsonb,
    blob        bytea,
    tags        text[],
    scores      integer[],
    grid        numeric[],          -- mostly two-dimensional
    local_time  time,
    duration    interval,
    client_ip   inet,
    network     cidr
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
       timestamptz '2024-01-01 00:00:00+00' + (g / 10) * interval '1 minute',       -- ten rows share each value
       CASE g % 11
            WHEN 0 THEN NULL
            WHEN 1 THEN '00000000-0000-0000-0000-000000000000'::uuid
            WHEN 2 THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid
            ELSE md5('order ' || g)::uuid END,
       CASE g % 10                                                              -- json keeps its text as written
            WHEN 0 THEN NULL
            WHEN 1 THEN '{}'::json
            WHEN 2 THEN '[]'::json
            WHEN 3 THEN 'null'::json                                             -- JSON null, not SQL NULL
            WHEN 4 THEN ('{"id": ' || g || ', "customer": {"name": "zo\u00eb \u65e5\u672c\u8a9e", '
                         || '"emoji": "\ud83d\ude80"}, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": null}]}')::json
            WHEN 5 THEN E'{\n  "note" : "tab\\there, quote \\" and back\\\\slash",\n  "dup": 1, "dup": 2, "nul": "\\u0000",\n  "big": 123456789012345678901234567890.5e-3 }'::json
            WHEN 6 THEN '"zoë 日本語 🚀"'::json
            WHEN 7 THEN (g::text)::json
            WHEN 8 THEN '[1, 2.50, -0, 1e400, true, false, null, "x"]'::json
            ELSE ('{"deep": {"a": {"b": {"c": {"d": [[[' || g || ']]]}}}}}')::json END,
       CASE g % 8                                                               -- jsonb: normalised text
            WHEN 0 THEN NULL
            WHEN 1 THEN '{}'::jsonb
            WHEN 2 THEN '[]'::jsonb
            WHEN 3 THEN 'null'::jsonb
            WHEN 4 THEN ('{"b": 2, "a": [1, 2.50, {"x": null}], "s": "\u00e9\ud83d\ude80\u0001 \"q\" \\ ", "g": ' || g || '}')::jsonb
            WHEN 5 THEN '"zoë 日本語 🚀"'::jsonb
            WHEN 6 THEN '{"nested": {"k": "v", "n": {"deeper": [true, false, null, 1e-7, 123456789012345678901234567890]}}, "tab": "a\tb"}'::jsonb
            ELSE ('[' || g || ', "' || g || '", {"dup": 1, "dup": 2}]')::jsonb END,
       CASE g % 13
            WHEN 0 THEN NULL
            WHEN 1 THEN ''::bytea
            WHEN 2 THEN '\x00'::bytea
            WHEN 3 THEN '\xff'::bytea
            WHEN 4 THEN '\x00ff00ff0d0a095c'::bytea
            WHEN 5 THEN (SELECT string_agg(set_byte('\x00'::bytea, 0, b), ''::bytea ORDER BY b) FROM generate_series(0, 255) AS b)
            WHEN 6 THEN convert_to('zoë 日本語 🚀', 'UTF8')
            WHEN 7 THEN decode(repeat(md5(g::text), 16), 'hex')                 -- 256 bytes
            ELSE sha256(convert_to(g::text, 'UTF8')) END,
       CASE g % 9
            WHEN 0 THEN NULL
            WHEN 1 THEN '{}'::text[]
            WHEN 2 THEN ARRAY[NULL]::text[]
            WHEN 3 THEN ARRAY['', NULL, 'a']
            WHEN 4 THEN ARRAY['zoë', '日本語', '🚀', 'tag-' || g]
            WHEN 5 THEN ARRAY[E'tab\there', E'new\nline', 'quote"s', 'back\slash', E'ctl\x01\x1f', 'comma,brace}{']
            WHEN 6 THEN ARRAY['NULL', 'null', ' spaced ']
            ELSE ARRAY['t' || g % 100, 't' || g % 7] END,
       CASE g % 8
            WHEN 0 THEN NULL
            WHEN 1 THEN '{}'::int[]
            WHEN 2 THEN ARRAY[NULL]::int[]
            WHEN 3 THEN ARRAY[-2147483648, 0, 2147483647]
            WHEN 4 THEN ARRAY[g, NULL, -g]
            WHEN 5 THEN '[0:2]={7,8,9}'::int[]                                   -- lower bounds are dropped
            WHEN 6 THEN ARRAY[[g, NULL], [3, 4]]
            ELSE ARRAY[g % 10, g % 100, g % 1000] END,
       CASE g % 9
            WHEN 0 THEN NULL
            WHEN 1 THEN '{}'::numeric[]
            WHEN 2 THEN ARRAY[[1.50, NULL], [-0.001, 99999999999999999999.99]]
            WHEN 3 THEN ARRAY[['NaN', 'Infinity'], ['-Infinity', '0']]::numeric[]
            WHEN 4 THEN ARRAY[[g, g + 0.5, g * 2]]
            WHEN 5 THEN ARRAY[[[1, 2], [3, 4]], [[5, 6], [7, NULL]]]::numeric[]     -- three dimensions
            WHEN 6 THEN '[2:3][0:0]={{1},{2}}'::numeric[]
            WHEN 7 THEN ARRAY[[NULL, NULL], [NULL, NULL]]::numeric[]
            ELSE ARRAY[[g % 10, -(g % 7)], [round(g / 7.0, 3), 0.000]] END,
       CASE g % 10
            WHEN 0 THEN NULL
            WHEN 1 THEN time '00:00:00'
            WHEN 2 THEN time '23:59:59.999999'
            WHEN 3 THEN time '24:00:00'
            WHEN 4 THEN time '12:00:00.5'
            ELSE time '00:00:00' + ((g::bigint * 1234567891) % 86400000000) * interval '1 microsecond' END,
       CASE g % 14
            WHEN 0 THEN NULL
            WHEN 1 THEN interval '0'
            WHEN 2 THEN interval '-1 day -02:03:04.5'
            WHEN 3 THEN interval '1 year 2 months 3 days 04:05:06.789'
            WHEN 4 THEN interval '-1 mon +2 days -00:00:00.000001'
            WHEN 5 THEN interval '1 mon 1 day 0.000001 sec'
            WHEN 6 THEN interval '2562047788:00:54.775807'
            WHEN 7 THEN interval '-178000000 years'
            WHEN 8 THEN interval '-2562047788:00:54.775807'
            ELSE make_interval(months => g % 25 - 12, days => g % 40 - 20, secs => (g % 7200) * 1.25 - 4000) END,
       CASE g % 15
            WHEN 0 THEN NULL
            WHEN 1 THEN inet '0.0.0.0'
            WHEN 2 THEN inet '255.255.255.255'
            WHEN 3 THEN inet '192.168.1.5/24'
            WHEN 4 THEN inet '::'
            WHEN 5 THEN inet '::1'
            WHEN 6 THEN inet '::ffff:1.2.3.4'
            WHEN 7 THEN inet '2001:db8::1/64'
            WHEN 8 THEN inet 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'
            WHEN 9 THEN inet '1:0:0:1:0:0:0:1'
            WHEN 10 THEN ('2001:db8:' || to_hex(g / 65536 + 1) || '::' || to_hex(g % 65536))::inet
            ELSE ('10.' || g % 256 || '.' || g / 256 % 256 || '.' || g % 7)::inet END,
       CASE g % 8
            WHEN 0 THEN NULL
            WHEN 1 THEN cidr '0.0.0.0/0'
            WHEN 2 THEN cidr '::/0'
            WHEN 3 THEN cidr '10.0.0.0/8'
            WHEN 4 THEN cidr '2001:db8::/32'
            WHEN 5 THEN cidr '192.168.1.5/32'
            WHEN 6 THEN ('172.' || 16 + g % 16 || '.' || g / 16 % 256 || '.0/24')::cidr
            ELSE ('fd00:' || to_hex(g % 65536) || '::/48')::cidr END
FROM generate_series(1, :rows) AS g;
ANALYZE public.orders;
