-- A repeatable migration: applied again whenever its checksum changes.
CREATE OR REPLACE VIEW customer_balance AS
  SELECT c.id, c.name, SUM(a.balance) AS total
  FROM customer c JOIN account a ON a.customer_id = c.id
  GROUP BY c.id, c.name;
