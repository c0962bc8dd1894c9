-- The new version numbers the sales order states in tens (room for states in between) and
-- calls "None" an open order. In place on SALESTABLE and SALESLINE, by this fixed mapping
--   0 None -> 10 Open order, 1 Backorder -> 20, 2 Delivered -> 30, 3 Invoiced -> 40,
--   4 Canceled -> 90
-- Only old values are mapped, so a rerun changes nothing.
-- MariaDB variant: backquoted names.
-- depends: copy:SALESTABLE, copy:SALESLINE
-- transaction: single
-- check: SELECT `RECID`, `SALESSTATUS` FROM `SALESTABLE` WHERE `SALESSTATUS` NOT IN (10, 20, 30, 40, 90)
-- check: SELECT `RECID`, `SALESSTATUS` FROM `SALESLINE` WHERE `SALESSTATUS` NOT IN (10, 20, 30, 40, 90)

UPDATE `SALESTABLE`
SET `SALESSTATUS` = CASE `SALESSTATUS` WHEN 0 THEN 10 WHEN 1 THEN 20 WHEN 2 THEN 30 WHEN 3 THEN 40 WHEN 4 THEN 90 END
WHERE `SALESSTATUS` IN (0, 1, 2, 3, 4);

UPDATE `SALESLINE`
SET `SALESSTATUS` = CASE `SALESSTATUS` WHEN 0 THEN 10 WHEN 1 THEN 20 WHEN 2 THEN 30 WHEN 3 THEN 40 WHEN 4 THEN 90 END
WHERE `SALESSTATUS` IN (0, 1, 2, 3, 4);
