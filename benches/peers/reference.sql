-- The six rules of benches/reference.tenet in DuckDB SQL, as an analyst
-- would write them, over a table `ev` of the log (one row per event, `pos`
-- its position in the log). One row per rule: satisfied, violated, pending;
-- the horizon is the last event's time, as in Tenet.
--
-- An obligation is met by the first matching event after its trigger (in
-- log order: by time, then position); it is violated when that event comes
-- after the deadline, or when none came and the deadline is at or before the
-- horizon; pending otherwise. The first answer after each trigger is found
-- with one window over triggers and answers partitioned by rule and key.

WITH
horizon AS (SELECT max(time) AS h FROM ev),
timeline AS (
    -- Triggers (with their deadline) and answers, per rule and key.
    SELECT 'ack24' AS rule, "case" AS k, time, pos, time + INTERVAL 24 HOUR AS due
    FROM ev WHERE type = 'complaint_received'
    UNION ALL
    SELECT 'ack24', "case", time, pos, NULL FROM ev WHERE type = 'complaint_acknowledged' AND "case" IS NOT NULL
    UNION ALL
    SELECT 'resolve7d', "case", time, pos, time + INTERVAL 7 DAY FROM ev WHERE type = 'complaint_received'
    UNION ALL
    SELECT 'resolve7d', "case", time, pos, NULL FROM ev WHERE type = 'complaint_resolved' AND "case" IS NOT NULL
    UNION ALL
    SELECT 'cancel1d', customer, time, pos, time + INTERVAL 24 HOUR FROM ev WHERE type = 'cancellation_requested'
    UNION ALL
    SELECT 'cancel1d', customer, time, pos, NULL
    FROM ev WHERE type = 'cancellation_completed' AND customer IS NOT NULL
    UNION ALL
    SELECT 'outage_credit', customer, time, pos, time + INTERVAL 30 DAY
    FROM ev WHERE type = 'outage_ended' AND outage_minutes > 240
    UNION ALL
    SELECT 'outage_credit', customer, time, pos, NULL FROM ev WHERE type = 'credit_issued' AND customer IS NOT NULL
),
obligation AS (
    SELECT rule, due, t1 FROM (
        SELECT rule, due,
            min(CASE WHEN due IS NULL THEN time END) OVER (
                PARTITION BY rule, k ORDER BY time, pos
                ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
            ) AS t1
        FROM timeline
    )
    WHERE due IS NOT NULL
),
verdicts AS (
    SELECT rule,
        CASE
            WHEN t1 IS NOT NULL AND t1 <= due THEN 'satisfied'
            WHEN t1 IS NOT NULL OR due <= (SELECT h FROM horizon) THEN 'violated'
            ELSE 'pending'
        END AS verdict
    FROM obligation
    UNION ALL
    SELECT 'no_debt_refusal', CASE WHEN reason = 'outstanding_debt' THEN 'violated' ELSE 'satisfied' END
    FROM ev WHERE type = 'cancellation_refused'
    UNION ALL
    SELECT 'max_transfers', CASE WHEN count(*) <= 2 THEN 'satisfied' ELSE 'violated' END
    FROM ev WHERE type = 'call_transferred' AND "case" IS NOT NULL
    GROUP BY "case"
)
SELECT rule,
    count(*) FILTER (WHERE verdict = 'satisfied') AS satisfied,
    count(*) FILTER (WHERE verdict = 'violated') AS violated,
    count(*) FILTER (WHERE verdict = 'pending') AS pending
FROM verdicts
GROUP BY rule
ORDER BY rule;
