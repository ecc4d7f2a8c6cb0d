-- Data in a versioned migration: runs once.
INSERT INTO customer (name) VALUES ('Ada');
INSERT INTO customer (name) VALUES ('Brian');
INSERT INTO account (customer_id, balance) VALUES (1, 100.00);
INSERT INTO account (customer_id, balance) VALUES (2, 250.50);
INSERT INTO account (customer_id, balance) VALUES (2, 10.00);
