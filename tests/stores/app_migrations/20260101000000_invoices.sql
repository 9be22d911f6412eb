-- The application's own table, migrated in the same set as the store's.
CREATE TABLE invoices (id TEXT PRIMARY KEY, entity_id TEXT NOT NULL);
